"""The same agent through alith's Python SDK and through the Alith Python SDK from PyPI (`alith` 0.12.3), against
one llama-server with the local Gemma 3 270M: prints wall time, tokens the server generated, and peak RSS for
each, and the ratios (PyPI / ours: above 1 means ours is faster or smaller).

  python3 bench/pyalith_compare.py --native-python <venv python with this repo's SDK> \
                                   --pyalith-python "$(scripts/bench-venv-pyalith)"

The server runs with one slot and a 1024-token context without context shift, so a reply that never stops ends
at the context's edge for both SDKs alike. Wall time depends mostly on how many tokens the model generates,
which differs between the two (their tool schemas and chat templates differ), so the ratio of wall time per
generated token is printed too."""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("ALITH_CACHE_DIR", Path.home() / ".cache" / "alith"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def metric(url: str, name: str) -> float:
    with urllib.request.urlopen(url + "/metrics", timeout=10) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    return 0.0


def start_server(port: int) -> subprocess.Popen:
    binary = CACHE / "llama.cpp-3.22.1-cpu-r2" / "install" / "bin" / "llama-server"
    model = CACHE / "models" / "gemma-3-270m-q4_k_m.gguf"
    args = [str(binary), "-m", str(model), "--host", "127.0.0.1", "--port", str(port), "--jinja", "--no-webui",
            "--chat-template-file", str(ROOT / "data" / "templates" / "gemma3-tools.jinja"), "-c", "1024", "-np",
            "1", "--no-context-shift", "--metrics", "--seed", "7"]
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("llama-server did not become healthy")


def run_side(python: str, sdk: str, url: str, rounds: int, tools: bool) -> dict | None:
    """None when the side's process died (the PyPI SDK segfaults on some replies): reported, not fatal."""
    before = metric(url, "llamacpp:tokens_predicted_total")
    command = [python, str(ROOT / "bench" / "sdk" / "pyalith_agent.py"), "--sdk", sdk, "--base-url", url + "/v1",
               "--rounds", str(rounds)] + ([] if tools else ["--no-tools"])
    # The PyPI SDK writes an llm_logs/ folder into its working directory: keep it out of the repository.
    with tempfile.TemporaryDirectory() as scratch:
        out = subprocess.run(command, capture_output=True, text=True, timeout=1800, cwd=scratch)
    if out.returncode != 0:
        print(f"{sdk:8s} {'with' if tools else 'without'} tools: the process exited with {out.returncode} "
              f"after {metric(url, 'llamacpp:tokens_predicted_total') - before:.0f} generated tokens; "
              f"stderr tail: {out.stderr[-300:]!r}")
        return None
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["tokens"] = metric(url, "llamacpp:tokens_predicted_total") - before
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--native-python", required=True)
    parser.add_argument("--pyalith-python", required=True)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--without-tools-only", action="store_true",
                        help="skip the run with tools (the PyPI SDK tends to crash in it)")
    args = parser.parse_args()
    port = free_port()
    server = start_server(port)
    url = f"http://127.0.0.1:{port}"
    try:
        for tools in ((False,) if args.without_tools_only else (True, False)):
            print(f"== the agent {'with its two tools' if tools else 'without tools'}")
            ours = run_side(args.native_python, "native", url, args.rounds, tools)
            theirs = run_side(args.pyalith_python, "pyalith", url, args.rounds, tools)
            report(ours, theirs)
    finally:
        server.kill()


def report(ours: dict | None, theirs: dict | None) -> None:
    for r in (ours, theirs):
        if r is None:
            continue
        per_token = r["wall_s"] / max(r["tokens"], 1) * 1000
        print(f"{r['sdk']:8s} wall {r['wall_s']:7.2f} s  tokens {int(r['tokens']):6d}  {per_token:6.2f} ms/token  "
              f"peak RSS {r['peak_rss_mib']:7.1f} MiB")
        for a in r["answers"]:
            print(f"           {a!r}")
    if ours is None or theirs is None:
        print("ratio: not available (a side did not finish)")
        return
    print(f"ratio (PyPI alith / alith): wall {theirs['wall_s'] / ours['wall_s']:.2f}x, wall per token "
          f"{(theirs['wall_s'] / max(theirs['tokens'], 1)) / (ours['wall_s'] / max(ours['tokens'], 1)):.2f}x, "
          f"peak RSS {theirs['peak_rss_mib'] / ours['peak_rss_mib']:.2f}x")


if __name__ == "__main__":
    main()
