"""Shared fixtures: a real llama-server on the test model (session-scoped) and the in-process local model."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("ALITH_CACHE_DIR", Path.home() / ".cache" / "alith"))
LLAMA_SERVER = Path(os.environ.get("ALITH_LLAMA_SERVER",
                                   CACHE / "llama.cpp-3.22.1-cpu-r2" / "install" / "bin" / "llama-server"))
TEST_MODEL = Path(os.environ.get("ALITH_TEST_MODEL", CACHE / "models" / "gemma-3-270m-q4_k_m.gguf"))
TEMPLATE = REPO / "data" / "templates" / "gemma3-tools.jinja"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LlamaServer:
    def __init__(self, proc: subprocess.Popen, port: int, log: Path) -> None:
        self.proc = proc
        self.port = port
        self.log = log
        self.base_url = f"http://127.0.0.1:{port}/v1"


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """llama-server with the Gemma 3 270M test model and alith's tool-call template (what the C++ tests use)."""
    if not LLAMA_SERVER.exists() or not TEST_MODEL.exists():
        pytest.fail(f"llama-server or the test model is missing ({LLAMA_SERVER}, {TEST_MODEL}): run scripts/setup")
    port = _free_port()
    log = tmp_path_factory.mktemp("llama") / "llama-server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(LLAMA_SERVER), "-m", str(TEST_MODEL), "--host", "127.0.0.1", "--port", str(port),
                                 "-c", "4096", "-np", "2", "-t", "2", "--jinja", "--no-webui",
                                 "--chat-template-file", str(TEMPLATE)], stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama-server exited with {proc.returncode}: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama-server did not become ready in 120 s")
            time.sleep(0.2)
        yield LlamaServer(proc, port, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def server_model(llama_server: LlamaServer):
    import alith
    return alith.OpenAIModel(model="gemma-3-270m", base_url=llama_server.base_url, provider="llama-server")


@pytest.fixture(scope="session")
def local_model():
    """The in-process Gemma 3 270M (loaded once for the session)."""
    import alith
    if not TEST_MODEL.exists():
        pytest.fail(f"the test model is missing ({TEST_MODEL}): run scripts/setup")
    return alith.LocalModel("gemma3-270m", sequences=2, context=4096, threads=2)
