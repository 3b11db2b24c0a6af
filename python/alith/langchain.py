"""LangChain interop (needs ``langchain-core``; imported only when this module is).

- ``AlithChatModel(model=...)``: any alith chat model as a LangChain chat model (invoke, stream, batch, async,
  ``bind_tools`` -> ``AIMessage.tool_calls``).
- ``from_langchain_tool(tool)``: a LangChain tool (BaseTool or ``@tool``) as an alith tool for ``Agent(tools=)``
  (``Agent`` also accepts LangChain tools directly).
- ``to_langchain_tool(tool)``: an alith tool (a function, ``@alith.tool``, or a native Tool such as an MCP or
  knowledge tool) as a LangChain ``StructuredTool``.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Union

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import (AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage,
                                     ToolMessage)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.tools import BaseTool, StructuredTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict

from . import _native
from .models import ChatModel, as_chat_model
from .tools import FunctionTool, to_native_tool

__all__ = ["AlithChatModel", "from_langchain_tool", "to_langchain_tool", "to_alith_messages"]


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    parts = []
    for part in content or []:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and part.get("type") == "text":
            parts.append(str(part.get("text", "")))
    return "".join(parts)


def to_alith_messages(messages: Sequence[BaseMessage]) -> List[Dict[str, Any]]:
    """LangChain messages as alith message dicts."""
    out: List[Dict[str, Any]] = []
    for m in messages:
        if isinstance(m, SystemMessage):
            out.append({"role": "system", "content": _text_of(m.content)})
        elif isinstance(m, HumanMessage):
            out.append({"role": "user", "content": _text_of(m.content)})
        elif isinstance(m, AIMessage):
            d: Dict[str, Any] = {"role": "assistant", "content": _text_of(m.content)}
            if m.tool_calls:
                d["tool_calls"] = [{"id": c.get("id") or f"call_{i}", "name": c["name"], "arguments": c["args"]}
                                   for i, c in enumerate(m.tool_calls)]
            out.append(d)
        elif isinstance(m, ToolMessage):
            d = {"role": "tool", "content": _text_of(m.content), "tool_call_id": m.tool_call_id}
            if m.name:
                d["name"] = m.name
            if getattr(m, "status", "success") == "error":
                d["is_error"] = True
            out.append(d)
        else:  # ChatMessage and others: by their role
            role = getattr(m, "role", "user")
            out.append({"role": role if role in ("system", "user", "assistant") else "user",
                        "content": _text_of(m.content)})
    return out


def _tool_specs(tools: Optional[Sequence[Any]]) -> Optional[List[Dict[str, Any]]]:
    if not tools:
        return None
    specs = []
    for t in tools:
        fn = t.get("function", t) if isinstance(t, dict) else convert_to_openai_tool(t)["function"]
        specs.append({"name": fn["name"], "description": fn.get("description", ""),
                      "parameters": fn.get("parameters", {"type": "object", "properties": {}})})
    return specs


def _tool_choice(choice: Any) -> str:
    if choice is None or choice is False:
        return "auto"
    if choice is True or choice == "any":
        return "required"
    if isinstance(choice, dict):
        return choice.get("function", {}).get("name") or choice.get("name") or "required"
    return str(choice)


def _usage(u: Dict[str, int]) -> Dict[str, int]:
    return {"input_tokens": u["prompt_tokens"], "output_tokens": u["completion_tokens"],
            "total_tokens": u["total_tokens"]}


class AlithChatModel(BaseChatModel):
    """An alith chat model (hosted, local or scripted) as a LangChain chat model."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    alith_model: Any
    temperature: Optional[float] = None
    max_tokens: Optional[int] = None

    def __init__(self, model: Union[str, ChatModel, Any, None] = None, **kwargs: Any) -> None:
        if model is not None:
            kwargs["alith_model"] = as_chat_model(model)
        elif "alith_model" in kwargs:
            kwargs["alith_model"] = as_chat_model(kwargs["alith_model"])
        super().__init__(**kwargs)

    @property
    def _llm_type(self) -> str:
        return "alith"

    @property
    def _identifying_params(self) -> Dict[str, Any]:
        return {"model": self.alith_model.id}

    def bind_tools(self, tools: Sequence[Union[Dict[str, Any], type, Callable[..., Any], BaseTool]], *,
                   tool_choice: Any = None, **kwargs: Any) -> Any:
        formatted = [convert_to_openai_tool(t) for t in tools]
        if tool_choice is not None:
            kwargs["tool_choice"] = tool_choice
        return super().bind(tools=formatted, **kwargs)

    def _call_args(self, stop: Optional[List[str]], kwargs: Dict[str, Any]) -> Dict[str, Any]:
        sampling = {}
        temperature = kwargs.get("temperature", self.temperature)
        if temperature is not None:
            sampling["temperature"] = temperature
        return {"tools": _tool_specs(kwargs.get("tools")), "tool_choice": _tool_choice(kwargs.get("tool_choice")),
                "sampling": sampling or None, "max_tokens": kwargs.get("max_tokens", self.max_tokens)}

    def _generate(self, messages: List[BaseMessage], stop: Optional[List[str]] = None,
                  run_manager: Optional[CallbackManagerForLLMRun] = None, **kwargs: Any) -> ChatResult:
        response = self.alith_model.complete(to_alith_messages(messages), **self._call_args(stop, kwargs))
        calls = [{"name": c["name"], "args": c["arguments"] if isinstance(c["arguments"], dict) else {},
                  "id": c["id"], "type": "tool_call"} for c in response.tool_calls]
        message = AIMessage(content=response.text, tool_calls=calls, usage_metadata=_usage(response.usage),
                            response_metadata={"finish_reason": response.finish_reason, "model": response.model})
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(self, messages: List[BaseMessage], stop: Optional[List[str]] = None,
                run_manager: Optional[CallbackManagerForLLMRun] = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        stream = self.alith_model.stream(to_alith_messages(messages), **self._call_args(stop, kwargs))
        try:
            for event in stream:
                if event.kind == "text_delta":
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=event.text))
                    if run_manager:
                        run_manager.on_llm_new_token(event.text, chunk=chunk)
                    yield chunk
                elif event.kind == "tool_call_start":
                    yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=[
                        {"name": event.name, "args": "", "id": event.id or None, "index": event.index}]))
                elif event.kind == "tool_call_delta":
                    yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=[
                        {"name": None, "args": event.text, "id": None, "index": event.index}]))
                elif event.kind == "usage":
                    yield ChatGenerationChunk(message=AIMessageChunk(content="", usage_metadata=_usage(event.usage)))
        finally:
            stream.close()


def from_langchain_tool(tool: BaseTool) -> FunctionTool:
    """A LangChain tool as an alith tool (its JSON Schema and its invoke())."""
    spec = convert_to_openai_tool(tool)["function"]

    def handler(**kwargs: Any) -> Any:
        result = tool.invoke(kwargs)
        content = getattr(result, "content", result)  # a ToolMessage when the tool returns artifacts
        return content if isinstance(content, str) else json.loads(json.dumps(content, default=str))

    return FunctionTool(handler, name=spec["name"], description=spec.get("description", ""),
                        schema=spec.get("parameters", {"type": "object", "properties": {}}))


def to_langchain_tool(tool: Any) -> StructuredTool:
    """An alith tool (a function, FunctionTool or native Tool) as a LangChain StructuredTool. A failing call raises
    ToolException with the message the model would see (LangChain's handle_tool_error decides what follows)."""
    from langchain_core.tools import ToolException

    native: _native.Tool = to_native_tool(tool)

    def run(**kwargs: Any) -> str:
        outcome = native.invoke(kwargs)
        if outcome["is_error"]:
            raise ToolException(outcome["content"])
        return outcome["content"]

    return StructuredTool.from_function(func=run, name=native.name, description=native.description or native.name,
                                        args_schema=native.parameters)
