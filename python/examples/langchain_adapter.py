"""alith in LangChain and LangChain tools in alith (pip install langchain-core).

    python python/examples/langchain_adapter.py [model-ref]
"""

import sys

from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.tools import tool

import alith
from alith.langchain import AlithChatModel, to_langchain_tool


@tool
def multiply(a: int, b: int) -> int:
    """Multiplies two integers."""
    return a * b


def main() -> None:
    ref = sys.argv[1] if len(sys.argv) > 1 else "local:gemma3-270m"
    chat = AlithChatModel(ref, temperature=0.0, max_tokens=64)
    print(chat.invoke([SystemMessage("Be brief."), HumanMessage("What is alith?")]).content)
    reply = chat.bind_tools([multiply], tool_choice="required").invoke("What is 6 times 7?")
    print(reply.tool_calls)

    # A LangChain tool inside an alith agent, and an alith built-in tool as a LangChain tool.
    agent = alith.Agent(model=ref, tools=[multiply], tool_choice="required", max_steps=2, answer_on_last_step=True,
                        max_tokens=64)
    print(agent.prompt("What is 6 times 7?"))
    print(to_langchain_tool(alith.builtin_tool("calculator")).invoke({"expression": "6*7"}))


if __name__ == "__main__":
    main()
