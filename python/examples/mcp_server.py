"""An MCP server in Python: plain functions become MCP tools (schema from type hints and docstrings), an agent
becomes a tool, and a resource is served. Over stdio (for mcpServers configs) or Streamable HTTP.

    python python/examples/mcp_server.py            # stdio
    python python/examples/mcp_server.py --http 8080
"""

import sys

import alith
from alith.mcp import Server, StaticResources


def add(a: float, b: float) -> float:
    """Adds two numbers.

    Args:
        a: the first number.
        b: the second number.
    """
    return a + b


def word_count(text: str) -> int:
    """Counts the words of a text."""
    return len(text.split())


helper = alith.Agent(model="echo:helper", name="helper")
server = Server("alith-python-example", tools=[add, word_count], agents={"helper": helper},
                resources=StaticResources({"memo://about": "Served by alith's Python SDK."}))

if "--http" in sys.argv:
    port = int(sys.argv[sys.argv.index("--http") + 1])
    server.serve_http(port=port, on_ready=lambda p: print(f"MCP on http://127.0.0.1:{p}/mcp", file=sys.stderr))
else:
    server.serve_stdio()
