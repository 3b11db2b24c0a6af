"""Peers for the knowledge/flow/mcp/web3 tests: where the installed reference peers are, and how to start them.
A missing peer fails the test with the setup script that installs it (never a silent skip)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import List, Optional

import pytest

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("ALITH_CACHE_DIR", Path.home() / ".cache" / "alith"))
PEERS = CACHE / "peers"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def node() -> str:
    path = shutil.which("node")
    if path is None:
        pytest.fail("node is not installed: run scripts/setup")
    return path


def mcp_node_modules() -> Path:
    d = Path(os.environ.get("ALITH_MCP_NODE_MODULES", PEERS / "mcp-node"))
    if not (d / "@modelcontextprotocol" / "server-everything" / "dist" / "index.js").exists():
        pytest.fail(f"the MCP reference servers are missing under {d}: run scripts/mcp-peers")
    return d


def everything_js() -> str:
    return str(mcp_node_modules() / "@modelcontextprotocol" / "server-everything" / "dist" / "index.js")


def web3_node_modules() -> Path:
    d = Path(os.environ.get("ALITH_WEB3_NODE_MODULES", PEERS / "web3-node"))
    if not (d / "ethers").exists():
        pytest.fail(f"ethers and anvil are missing under {d}: run scripts/web3-peers")
    return d


def anvil_binary() -> str:
    if os.environ.get("ALITH_ANVIL_BIN"):
        return os.environ["ALITH_ANVIL_BIN"]
    path = web3_node_modules() / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"
    if not path.exists():
        pytest.fail(f"anvil is missing ({path}): run scripts/web3-peers")
    return str(path)


def wait_http(url: str, proc: subprocess.Popen, what: str, timeout: float = 60.0,
              body: Optional[bytes] = None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            pytest.fail(f"{what} exited with {proc.returncode}")
        try:
            req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not become ready in {timeout} s")
        time.sleep(0.1)


class Anvil:
    """A local EVM chain (anvil) with funded accounts; keys from its --config-out file."""

    def __init__(self, tmp: Path, chain_id: int = 31337, accounts: int = 4) -> None:
        self.port = free_port()
        config = tmp / "anvil.json"
        self.log = tmp / "anvil.log"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen([anvil_binary(), "--host", "127.0.0.1", "--port", str(self.port),
                                          "--chain-id", str(chain_id), "--accounts", str(accounts),
                                          "--config-out", str(config)], stdout=out, stderr=subprocess.STDOUT)
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}).encode()
        wait_http(self.url, self.proc, "anvil", body=body)
        deadline = time.monotonic() + 10
        while not config.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.keys: List[str] = json.loads(config.read_text())["private_keys"]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def run_node(script: str, cwd: Path, *args: str, stdin: Optional[str] = None) -> str:
    """Runs a node script with the web3 peers' modules on NODE_PATH; its stdout."""
    env = dict(os.environ, NODE_PATH=str(web3_node_modules()))
    out = subprocess.run([node(), "-e", script, *args], cwd=cwd, env=env, input=stdin, capture_output=True, text=True,
                         timeout=120)
    if out.returncode != 0:
        pytest.fail(f"node failed: {out.stderr[-2000:]}")
    return out.stdout


class RedisServer:
    """A throwaway redis-server on a free port (no persistence)."""

    def __init__(self, tmp: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server not found: run scripts/setup (apt-get install redis-server)")
        self.port = free_port()
        self.proc = subprocess.Popen([binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(tmp)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("redis-server did not start")
            time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
