"""MCP through the Python SDK: the client against the reference server-everything (stdio, real Node process),
and a Python alith server with Python tools, called by the Python client over stdio (a subprocess) and over
Streamable HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import alith
from alith.mcp import Client, Server, StaticPrompts, parse_config

from mods_support import everything_js, free_port, node, wait_http


def _text(result: dict) -> str:
    return "\n".join(block.get("text", "") for block in result["content"] if block.get("type") == "text")


@pytest.fixture(scope="module")
def everything():
    client = Client.stdio(node(), [everything_js(), "stdio"], request_timeout=30)
    yield client
    client.close()


def test_everything_over_stdio_tools(everything: Client) -> None:
    assert everything.connected and everything.protocol_version
    assert everything.server_info["serverInfo"]["name"]
    names = {t["name"] for t in everything.list_tools()}
    assert {"echo", "get-sum"} <= names
    assert _text(everything.call_tool("echo", {"message": "hello mcp"})) == "Echo: hello mcp"
    assert "5" in _text(everything.call_tool("get-sum", {"a": 2, "b": 3}))
    everything.ping()
    unknown = None
    try:
        unknown = everything.call_tool("no-such-tool")
    except alith.AlithError as e:  # the server may answer with a JSON-RPC error instead of isError
        assert "no-such-tool" in str(e)
    if unknown is not None:
        assert unknown["isError"] and "no-such-tool" in _text(unknown)


def test_everything_progress_and_cancel(everything: Client) -> None:
    progress = []
    done = everything.call_tool("trigger-long-running-operation", {"duration": 0.3, "steps": 3},
                                on_progress=progress.append)
    assert "completed" in _text(done)
    assert [p["progress"] for p in progress] == [1, 2, 3] and progress[-1].get("total") == 3
    cancel = alith.CancelToken()
    cancel.cancel()
    with pytest.raises(alith.CancelledError):
        everything.call_tool("trigger-long-running-operation", {"duration": 5, "steps": 5}, cancel=cancel)
    with pytest.raises(alith.TimeoutError):
        everything.call_tool("trigger-long-running-operation", {"duration": 5, "steps": 5}, timeout=0.2)
    assert _text(everything.call_tool("echo", {"message": "still fine"})) == "Echo: still fine"


def test_everything_resources_and_prompts(everything: Client) -> None:
    resources = everything.list_resources()
    assert resources
    contents = everything.read_resource(resources[0]["uri"])["contents"]
    assert contents and contents[0]["uri"] == resources[0]["uri"]
    prompts = [p["name"] for p in everything.list_prompts()["prompts"]]
    assert "simple-prompt" in prompts
    prompt = everything.get_prompt("args-prompt", {"city": "Paris"})
    assert "Paris" in prompt["messages"][0]["content"]["text"]


def test_everything_tools_in_an_agent(everything: Client) -> None:
    tools = everything.tools(prefix="ev_")
    assert any(t.name == "ev_echo" for t in tools)
    model = alith.ScriptedModel(replies=[{"tool": "ev_echo", "arguments": {"message": "via agent"}}, "done"])
    result = alith.Agent(model=model, tools=tools).run("go")
    tool_results = [m for m in result.transcript if m["role"] == "tool"]
    assert result.answer == "done" and "Echo: via agent" in str(tool_results[0]["content"])


def test_mcp_servers_config(tmp_path: Path) -> None:
    config = {"mcpServers": {"everything": {"command": node(), "args": [everything_js(), "stdio"]}}}
    assert parse_config(config)[0]["name"] == "everything"
    with Client.from_config(config) as servers:
        assert servers.names == ["everything"]
        assert any(t.name == "echo" for t in servers.tools())
        assert _text(servers.client("everything").call_tool("echo", {"message": "cfg"})) == "Echo: cfg"
    path = tmp_path / "mcp.json"
    path.write_text(json.dumps(config))
    with Client.from_config(str(path)) as servers:
        assert servers.names == ["everything"]
    with pytest.raises(alith.AlithError):
        parse_config({"mcpServers": {"bad": {"args": ["x"]}}})


_SERVER = textwrap.dedent('''
    import sys
    import alith
    from alith.mcp import Server, StaticResources

    def add(a: int, b: int) -> int:
        """Adds two integers.

        Args:
            a: the first.
            b: the second.
        """
        return a + b

    def fail(reason: str) -> str:
        """Always fails."""
        raise ValueError("failed because " + reason)

    server = Server("py-calc", tools=[add, fail], version="1.2.3",
                    resources=StaticResources({"memo://greeting": "hello from python"}))
    print("serving", file=sys.stderr)
    server.serve_stdio()
''')


def test_python_server_over_stdio(tmp_path: Path) -> None:
    script = tmp_path / "server.py"
    script.write_text(_SERVER)
    with Client.stdio(sys.executable, [str(script)], stderr_log=str(tmp_path / "server.log"),
                      request_timeout=30) as client:
        assert client.server_info["serverInfo"] == {"name": "py-calc", "version": "1.2.3"} or \
            client.server_info["serverInfo"]["name"] == "py-calc"
        tools = {t["name"]: t for t in client.list_tools()}
        assert set(tools) == {"add", "fail"}
        assert tools["add"]["inputSchema"]["properties"]["a"]["type"] == "integer"
        assert _text(client.call_tool("add", {"a": 2, "b": 40})) == "42"
        failed = client.call_tool("fail", {"reason": "testing"})
        assert failed["isError"] and "failed because testing" in _text(failed)
        invalid = client.call_tool("add", {"a": "two", "b": 1})
        assert invalid["isError"]
        assert client.read_resource("memo://greeting")["contents"][0]["text"] == "hello from python"


def test_python_server_over_http_in_process() -> None:
    calls = []

    def shout(text: str) -> str:
        """Upper-cases text."""
        calls.append(text)
        return text.upper()

    agent = alith.Agent(model="echo:helper", name="helper")
    server = Server("py-http", tools=[shout], agents={"helper": agent},
                    prompts=StaticPrompts({"greet": "Say hello to {name}."}))
    port = server.start_http(port=0)
    try:
        assert port > 0 and server.port == port
        with Client.http(server.url, request_timeout=30) as client:
            assert {t["name"] for t in client.list_tools()} == {"shout", "helper"}
            assert _text(client.call_tool("shout", {"text": "hi"})) == "HI"
            assert _text(client.call_tool("helper", {"input": "echo this"})) == "echo this"
            prompt = client.get_prompt("greet", {"name": "Ada"})
            assert prompt["messages"][0]["content"]["text"] == "Say hello to Ada."
        assert calls == ["hi"]
    finally:
        server.stop()
    assert server.port == 0


def test_python_server_over_http_subprocess(tmp_path: Path) -> None:
    port = free_port()
    script = tmp_path / "http_server.py"
    script.write_text(_SERVER.replace("server.serve_stdio()", f"server.serve_http(port={port})"))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_http(f"http://127.0.0.1:{port}/mcp", proc, "the Python MCP server", timeout=30)
        with Client.http(f"http://127.0.0.1:{port}/mcp", request_timeout=30) as client:
            assert _text(client.call_tool("add", {"a": 1, "b": 2})) == "3"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
