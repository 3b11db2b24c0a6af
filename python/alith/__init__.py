"""alith: AI agents on hosted or in-process local models, native to Web3 (Python SDK over alith's C++ core).

    import alith

    def add(a: int, b: int) -> int:
        \"\"\"Adds two numbers.\"\"\"
        return a + b

    agent = alith.Agent(model="openai:gpt-4o-mini", preamble="You are terse.", tools=[add])
    print(agent.prompt("What is 2 + 3?"))
"""

from __future__ import annotations

from . import errors
from .errors import (AlithError, CancelledError, ChainError, ConfigError, CryptoError, InvalidArgumentError,
                     IoError, MaxStepsError, ParseError, ProviderError, RateLimitedError, SchemaError, TimeoutError,
                     TooLargeError, ToolError, UnsupportedError)
from . import _native
from ._native import (BufferMemory, CancelToken, Memory, NativeStream, TokenWindowMemory, Tool, WindowMemory,
                      builtin_tool, builtin_tool_names)
from .models import (AnthropicModel, ChatModel, ChatResponse, EmbeddingModel, LocalModel, OpenAIModel,
                     ScriptedModel, StreamEvent, as_chat_model, as_embedding_model, chat_model, embedding_model)
from .tools import FunctionTool, tool, to_native_tool
from .agent import Agent, AgentEvent, AgentStream, RunResult
from .extract import Extractor, extract
from . import knowledge, flow, mcp, web3
from .knowledge import (Retriever, answer_from_sources, index, load_directory, load_file, open_store,
                        search_knowledge_tool)
from .flow import END, START, Send, StateGraph, load_workflow, load_workflow_text, open_checkpointer

__version__ = "0.1.0"

__all__ = [
    "Agent", "AgentEvent", "AgentStream", "RunResult", "CancelToken",
    "ChatModel", "ChatResponse", "EmbeddingModel", "StreamEvent", "OpenAIModel", "AnthropicModel", "LocalModel",
    "ScriptedModel", "chat_model", "embedding_model", "as_chat_model", "as_embedding_model",
    "Tool", "FunctionTool", "tool", "to_native_tool", "builtin_tool", "builtin_tool_names",
    "Memory", "BufferMemory", "WindowMemory", "TokenWindowMemory", "NativeStream",
    "Extractor", "extract",
    "knowledge", "flow", "mcp", "web3",
    "open_store", "Retriever", "answer_from_sources", "search_knowledge_tool", "index", "load_file", "load_directory",
    "load_workflow", "load_workflow_text", "StateGraph", "Send", "START", "END", "open_checkpointer",
    "errors", "AlithError", "ProviderError", "RateLimitedError", "TimeoutError", "ParseError", "SchemaError",
    "ToolError", "IoError", "ChainError", "CryptoError", "CancelledError", "ConfigError", "InvalidArgumentError",
    "TooLargeError", "MaxStepsError", "UnsupportedError",
]


def __getattr__(name: str):  # alith.langchain needs langchain-core: loaded on first use only
    import importlib
    if name == "langchain":
        return importlib.import_module(".langchain", __name__)
    raise AttributeError(f"module 'alith' has no attribute {name!r}")
