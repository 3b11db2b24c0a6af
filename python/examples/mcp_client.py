"""An MCP client: start the example server (python/examples/mcp_server.py) over stdio, list and call its tools,
then hand them to an agent.

    python python/examples/mcp_client.py
"""

import sys
from pathlib import Path

import alith
from alith.mcp import Client

server = Path(__file__).with_name("mcp_server.py")
with Client.stdio(sys.executable, [str(server)]) as client:
    print(client.server_info["serverInfo"])
    for tool in client.list_tools():
        print(f"- {tool['name']}: {tool.get('description', '')}")
    print(client.call_tool("add", {"a": 2, "b": 40})["content"][0]["text"])
    print(client.read_resource("memo://about")["contents"][0]["text"])

    model = alith.ScriptedModel(replies=[{"tool": "word_count", "arguments": {"text": "one two three"}},
                                         "It has three words."])
    agent = alith.Agent(model=model, tools=client.tools())
    print(agent.prompt("How many words in 'one two three'?"))
