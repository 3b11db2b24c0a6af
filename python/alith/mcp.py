"""MCP (Model Context Protocol): a client for any MCP server and a server exposing alith tools.

Client:

    from alith.mcp import Client
    with Client.stdio("npx", ["-y", "@modelcontextprotocol/server-everything"]) as client:
        print([t["name"] for t in client.list_tools()])
        print(client.call_tool("echo", {"message": "hi"}))
        agent = alith.Agent(model=..., tools=client.tools())

    Client.http("http://127.0.0.1:3001/mcp"); Client.from_config({"mcpServers": {...}}) -> Servers

Server:

    def add(a: int, b: int) -> int:
        "Adds two numbers."
        return a + b

    server = alith.mcp.Server("calc", tools=[add])
    server.serve_stdio()                 # or: port = server.start_http(port=0); ...; server.stop()

Results are the specification's JSON objects as dicts (``{"content": [...], "isError": False}``).
"""

from __future__ import annotations

import os
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _native
from ._native import McpClient, McpServers

__all__ = ["Client", "Servers", "Server", "StaticResources", "StaticPrompts", "tool_result_text", "parse_config"]


class Client:
    """One connection to one MCP server (thread-safe; requests may run concurrently). Use ``Client.stdio``,
    ``Client.http`` or ``Client.connect``; close() (or a ``with`` block) ends it."""

    def __init__(self, native: McpClient) -> None:
        self._native = native

    # ---- connecting
    @classmethod
    def stdio(cls, command: str, args: Sequence[str] = (), *, env: Optional[Mapping[str, str]] = None,
              cwd: str = "", stderr_log: str = "", request_timeout: Optional[float] = None,
              client_name: str = "") -> "Client":
        """Spawns the server and speaks newline-delimited JSON-RPC over its stdin/stdout. env is added to the
        inherited environment; the server's stderr goes to stderr_log (or is discarded)."""
        return cls(_native.mcp_connect_stdio(command, list(args), list((env or {}).items()), cwd=cwd,
                                             stderr_log=stderr_log, request_timeout=request_timeout,
                                             client_name=client_name))

    @classmethod
    def http(cls, url: str, *, headers: Optional[Mapping[str, str]] = None, request_timeout: Optional[float] = None,
             client_name: str = "") -> "Client":
        """Connects to a Streamable HTTP endpoint (e.g. http://127.0.0.1:3001/mcp)."""
        return cls(_native.mcp_connect_http(url, list((headers or {}).items()), request_timeout=request_timeout,
                                            client_name=client_name))

    @classmethod
    def connect(cls, target: Union[str, Sequence[str]], **kwargs: Any) -> "Client":
        """A URL (http/https) or a command line (a list, or a string split on whitespace)."""
        if isinstance(target, str) and target.startswith(("http://", "https://")):
            return cls.http(target, **kwargs)
        parts = target.split() if isinstance(target, str) else list(target)
        return cls.stdio(parts[0], parts[1:], **kwargs)

    @staticmethod
    def from_config(config: Union[Mapping[str, Any], str, "os.PathLike[str]"], *,
                    request_timeout: Optional[float] = None) -> "Servers":
        """Every server of an mcpServers config (a dict, or a path to the JSON file), connected."""
        if isinstance(config, Mapping):
            native = _native.mcp_servers(dict(config), request_timeout=request_timeout)
        else:
            from pathlib import Path
            native = _native.mcp_servers(Path(os.fspath(config)), request_timeout=request_timeout)
        return Servers(native)

    # ---- protocol
    @property
    def server_info(self) -> Dict[str, Any]:
        return self._native.server_info

    @property
    def protocol_version(self) -> str:
        return self._native.protocol_version

    @property
    def connected(self) -> bool:
        return self._native.connected

    def ping(self, *, timeout: Optional[float] = None) -> None:
        self._native.ping(timeout=timeout)

    def list_tools(self, *, timeout: Optional[float] = None) -> List[Dict[str, Any]]:
        return self._native.list_tools(timeout=timeout)

    def call_tool(self, name: str, arguments: Optional[Dict[str, Any]] = None, *, timeout: Optional[float] = None,
                  cancel: Optional[_native.CancelToken] = None,
                  on_progress: Optional[Callable[[Dict[str, Any]], None]] = None) -> Dict[str, Any]:
        """tools/call: {"content": [...], "structuredContent"?: ..., "isError": bool}. on_progress gets the
        server's notifications/progress params ({progress, total?, message?}) on the connection's reader
        thread while the call runs."""
        return self._native.call_tool(name, arguments, timeout=timeout, cancel=cancel, on_progress=on_progress)

    def call_tool_text(self, name: str, arguments: Optional[Dict[str, Any]] = None, **kwargs: Any) -> Any:
        """The result as an agent would see it: text blocks joined, or structuredContent."""
        return tool_result_text(self.call_tool(name, arguments, **kwargs))

    def list_resources(self, *, timeout: Optional[float] = None) -> List[Dict[str, Any]]:
        return self._native.list_resources(timeout=timeout)

    def list_resource_templates(self, *, timeout: Optional[float] = None) -> Dict[str, Any]:
        return self._native.list_resource_templates(timeout=timeout)

    def read_resource(self, uri: str, *, timeout: Optional[float] = None) -> Dict[str, Any]:
        return self._native.read_resource(uri, timeout=timeout)

    def list_prompts(self, *, timeout: Optional[float] = None) -> Dict[str, Any]:
        return self._native.list_prompts(timeout=timeout)

    def get_prompt(self, name: str, arguments: Optional[Dict[str, Any]] = None, *,
                   timeout: Optional[float] = None) -> Dict[str, Any]:
        return self._native.get_prompt(name, arguments, timeout=timeout)

    def request(self, method: str, params: Any = None, *, timeout: Optional[float] = None) -> Any:
        """A raw JSON-RPC request; the result object."""
        return self._native.request(method, params, timeout=timeout)

    def notify(self, method: str, params: Any = None) -> None:
        self._native.notify(method, params)

    def on_notification(self, method: str, handler: Callable[[Dict[str, Any]], None]) -> None:
        """handler(params) runs on the connection's reader thread: keep it quick and do not call the client
        from it."""
        self._native.on_notification(method, handler)

    def tools(self, *, prefix: str = "", timeout: Optional[float] = None) -> List["_native.Tool"]:
        """The server's tools as alith Tools for an Agent (names prefixed when asked)."""
        return _native.mcp_tools(self._native, prefix=prefix, timeout=timeout)

    async def acall_tool(self, name: str, arguments: Optional[Dict[str, Any]] = None, **kwargs: Any) -> Dict[str, Any]:
        import asyncio
        return await asyncio.get_running_loop().run_in_executor(None, lambda: self.call_tool(name, arguments, **kwargs))

    def close(self) -> None:
        self._native.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        info = self._native.server_info.get("serverInfo", {}) if self.connected else {}
        return f"<alith.mcp.Client {info.get('name', '')} {'connected' if self.connected else 'closed'}>"


class Servers:
    """Every server of an mcpServers config, connected; ``tools()`` gathers their tools (a name two servers
    share is prefixed with the server's name)."""

    def __init__(self, native: McpServers) -> None:
        self._native = native

    @property
    def names(self) -> List[str]:
        return list(self._native.names)

    def client(self, name: str) -> Optional[Client]:
        c = self._native.client(name)
        return None if c is None else Client(c)

    def tools(self) -> List["_native.Tool"]:
        return self._native.tools()

    def close(self) -> None:
        self._native.close()

    def __enter__(self) -> "Servers":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def parse_config(config: Union[Mapping[str, Any], str]) -> List[Dict[str, Any]]:
    """The servers an mcpServers config declares (without env or header values), checking it."""
    return _native.mcp_parse_config(dict(config) if isinstance(config, Mapping) else config)


def tool_result_text(result: Dict[str, Any]) -> Any:
    """The text an agent sees for a tools/call result (text joined, structuredContent as is)."""
    return _native.mcp_tool_result_to_json(result)


class StaticResources:
    """Resources for a Server from a dict: uri -> text (or (text, mime_type))."""

    def __init__(self, resources: Mapping[str, Union[str, Tuple[str, str]]]) -> None:
        self._resources = dict(resources)

    def list(self) -> List[Dict[str, Any]]:
        out = []
        for uri, value in self._resources.items():
            mime = value[1] if isinstance(value, tuple) else "text/plain"
            out.append({"uri": uri, "name": uri.rsplit("/", 1)[-1] or uri, "mimeType": mime})
        return out

    def read(self, uri: str) -> List[Dict[str, Any]]:
        value = self._resources[uri]  # KeyError: the client gets "resource not found"
        text, mime = value if isinstance(value, tuple) else (value, "text/plain")
        return [{"uri": uri, "mimeType": mime, "text": text}]


class StaticPrompts:
    """Prompts for a Server from a dict: name -> template text with {argument} slots."""

    def __init__(self, prompts: Mapping[str, str], descriptions: Optional[Mapping[str, str]] = None) -> None:
        import string
        self._prompts = dict(prompts)
        self._descriptions = dict(descriptions or {})
        self._args = {name: [f for _, f, _, _ in string.Formatter().parse(t) if f] for name, t in self._prompts.items()}

    def list(self) -> List[Dict[str, Any]]:
        return [{"name": n, "description": self._descriptions.get(n, ""),
                 "arguments": [{"name": a, "required": True} for a in self._args[n]]} for n in self._prompts]

    def get(self, name: str, arguments: Dict[str, Any]) -> Dict[str, Any]:
        template = self._prompts[name]
        missing = [a for a in self._args[name] if a not in arguments]
        if missing:
            raise ValueError(f"missing arguments: {missing}")
        return {"messages": [{"role": "user", "content": {"type": "text", "text": template.format(**arguments)}}]}


class Server:
    """An MCP server exposing tools: Python functions (schema from hints and docstrings), ``@alith.tool``
    functions, native Tools (knowledge, wallet, MCP tools of another server) and agents (``agents=`` ->
    each becomes a tool {input} answering with the agent). Optional resources and prompts: objects with
    list()/read(uri) and list()/get(name, arguments) (see StaticResources, StaticPrompts)."""

    def __init__(self, name: str = "alith", tools: Sequence[Any] = (), *, version: str = "0",
                 instructions: str = "", agents: Optional[Mapping[str, Any]] = None, threads: int = 4,
                 resources: Any = None, prompts: Any = None) -> None:
        from .tools import to_native_tool
        natives = [to_native_tool(t) for t in tools]
        for agent_name, agent in (agents or {}).items():
            description = getattr(agent, "description", "") or f"Ask the {agent_name} agent."
            natives.append(_native.flow_agent_tool(getattr(agent, "_native", agent), agent_name, description))
        self.name = name
        self._native = _native.McpServer(natives, name=name, version=version, instructions=instructions,
                                         threads=threads, resources=resources, prompts=prompts)

    @property
    def tool_names(self) -> List[str]:
        return list(self._native.tool_names)

    def serve_stdio(self) -> None:
        """Serves one client on stdin/stdout until stdin ends (for `command` entries of MCP configs).
        Nothing else may write to stdout meanwhile (print to stderr)."""
        import sys
        sys.stdout.flush()
        self._native.serve_stdio()

    def start_http(self, host: str = "127.0.0.1", port: int = 0, *, path: str = "/mcp",
                   allowed_origins: Sequence[str] = ()) -> int:
        """Serves Streamable HTTP (at http://host:port/path) on a background thread; returns the port."""
        return self._native.start_http(host, port, path, list(allowed_origins))

    def serve_http(self, host: str = "127.0.0.1", port: int = 0, *, path: str = "/mcp",
                   allowed_origins: Sequence[str] = (), on_ready: Optional[Callable[[int], None]] = None) -> None:
        """Serves Streamable HTTP until stop() or Ctrl-C. Blocking; on_ready(port) runs once it listens."""
        bound = self.start_http(host, port, path=path, allowed_origins=allowed_origins)
        if on_ready is not None:
            on_ready(bound)
        try:
            while self._native.port:
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    @property
    def port(self) -> int:
        """The HTTP port while serving HTTP, else 0."""
        return self._native.port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/mcp"

    def stop(self) -> None:
        self._native.stop()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
