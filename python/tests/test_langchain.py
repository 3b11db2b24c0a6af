"""The LangChain adapter, tested with the real langchain-core."""

from __future__ import annotations

import asyncio

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import tool as lc_tool

import alith
from alith.langchain import AlithChatModel, from_langchain_tool, to_langchain_tool


@lc_tool
def multiply(a: int, b: int) -> int:
    """Multiplies two integers."""
    return a * b


def test_invoke_and_messages_both_ways():
    chat = AlithChatModel(alith.ScriptedModel(replies=["bonjour"]))
    reply = chat.invoke([SystemMessage("Be polite."), HumanMessage("hello")])
    assert isinstance(reply, AIMessage)
    assert reply.content == "bonjour"
    assert reply.usage_metadata["total_tokens"] > 0
    # The script is used up: the model echoes the last user message, after a tool round trip in history.
    history = [HumanMessage("q"), AIMessage("", tool_calls=[{"name": "multiply", "args": {"a": 2, "b": 3},
                                                               "id": "c1"}]),
               ToolMessage("6", tool_call_id="c1"), HumanMessage("and now?")]
    assert chat.invoke(history).content == "and now?"


def test_bind_tools_gives_tool_calls():
    model = alith.ScriptedModel(replies=[{"tool": "multiply", "arguments": {"a": 6, "b": 7}}])
    chat = AlithChatModel(model).bind_tools([multiply], tool_choice="multiply")
    reply = chat.invoke("6 times 7?")
    assert reply.tool_calls[0]["name"] == "multiply"
    assert reply.tool_calls[0]["args"] == {"a": 6, "b": 7}


def test_stream_and_async():
    chat = AlithChatModel("echo:lc")
    chunks = list(chat.stream("streamed words here"))
    assert "".join(c.content for c in chunks) == "streamed words here"

    async def main():
        return await chat.ainvoke("async hi"), [c async for c in chat.astream("async stream")]

    reply, achunks = asyncio.run(main())
    assert reply.content == "async hi"
    assert "".join(c.content for c in achunks) == "async stream"


def test_langchain_tool_in_an_alith_agent():
    model = alith.ScriptedModel(replies=[{"tool": "multiply", "arguments": {"a": 6, "b": 7}}, "42"])
    result = alith.Agent(model=model, tools=[multiply]).run("6*7")
    assert next(m for m in result.transcript if m["role"] == "tool")["content"] == "42"
    converted = from_langchain_tool(multiply)
    assert converted.name == "multiply" and converted.parameters["required"] == ["a", "b"]
    assert converted.invoke({"a": 2, "b": 5})["content"] == "10"


def test_alith_tool_as_a_langchain_tool():
    def add(a: int, b: int) -> int:
        """Adds two integers."""
        return a + b

    lc = to_langchain_tool(add)
    assert lc.name == "add" and lc.description == "Adds two integers."
    assert lc.invoke({"a": 2, "b": 3}) == "5"
    calc = to_langchain_tool(alith.builtin_tool("calculator"))
    assert "1024" in calc.invoke({"expression": "2^10"})


def test_chat_model_against_llama_server(server_model):
    chat = AlithChatModel(server_model, temperature=0.0, max_tokens=16)
    assert isinstance(chat.invoke("Say hello.").content, str)
    bound = chat.bind_tools([multiply], tool_choice="required")
    reply = bound.invoke("What is 6 times 7? Use the tool.")
    assert reply.tool_calls and reply.tool_calls[0]["name"] == "multiply"
