"""The Agent: a model, a preamble, tools and optional memory, run as a tool loop by the C++ core.

Every call takes ``cancel=alith.CancelToken()`` and ``timeout=`` (seconds per model call). The GIL is released
while the core runs the model and HTTP calls; tools and hooks get it back when they run.
"""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Callable, Dict, Iterator, List, Optional, Sequence, Union

from . import _native
from ._native import AgentEvent, CancelToken, Memory, NativeStream, RunResult
from .models import ChatModel, OpenAIModel, as_chat_model
from .tools import to_native_tool

__all__ = ["Agent", "AgentEvent", "RunResult", "AgentStream"]

class AgentStream:
    """What ``Agent.stream`` returns: iterate it for AgentEvent objects (waiting without the GIL); ``.result()``
    is the RunResult; ``.close()`` (or leaving a ``with`` block, or dropping it) cancels the run and waits for it."""

    __slots__ = ("_native",)

    def __init__(self, native: NativeStream) -> None:
        self._native = native

    def __iter__(self) -> Iterator[AgentEvent]:
        return self

    def __next__(self) -> AgentEvent:
        return self._native.__next__()  # type: ignore[return-value]

    def result(self) -> RunResult:
        """The RunResult, once the run has ended (waits for it); raises the run's error."""
        return self._native.result()  # type: ignore[return-value]

    def done(self) -> bool:
        return self._native.done()

    def cancel(self) -> None:
        """Asks the run to stop; iteration then ends with alith.CancelledError."""
        self._native.cancel()

    def close(self) -> None:
        """Cancels the run (if still going) and waits for its thread."""
        self._native.close()

    def __enter__(self) -> "AgentStream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

_SAMPLING_KEYS = ("temperature", "top_p", "top_k", "min_p", "presence_penalty", "frequency_penalty",
                  "repeat_penalty", "seed")


class Agent:
    """An agent, immutable once made (concurrent calls are fine; with memory they take turns).

    Args:
        model: a ChatModel, or a reference such as "openai:gpt-4o-mini", "local:gemma3-270m", "echo:x"; a bare
            name ("gpt-4o-mini") with ``base_url``/``api_key`` means an OpenAI-compatible server.
        preamble: the system prompt.
        tools: Python functions (schema from hints and docstring), ``@alith.tool`` functions, native Tools
            (knowledge, MCP, wallet tools) or LangChain tools.
        memory: e.g. ``alith.WindowMemory(20)``; runs then see earlier turns.
        max_steps: model calls per run before MaxStepsError.
        tool_choice: for the first step: "auto", "none", "required" or a tool's name.
        temperature, top_p, ...: sampling; or ``sampling={...}``.
        max_tokens: per model call.
        before_tool: ``fn(call: dict) -> None | True | False | str``; False or a str (the reason) vetoes the call.
        after_tool: ``fn(call: dict, content: str, is_error: bool) -> None | str``; a str replaces the result.
        answer_on_last_step: withhold the tools on the last step a run may take, so it ends with an answer
            instead of MaxStepsError (useful with small local models).
    """

    def __init__(self, model: Union[str, ChatModel, Any] = "echo:agent", *, preamble: str = "",
                 tools: Optional[Sequence[Any]] = None, memory: Optional[Memory] = None, max_steps: int = 10,
                 tool_choice: Optional[str] = None, temperature: Optional[float] = None,
                 sampling: Optional[Dict[str, Any]] = None, max_tokens: Optional[int] = None, name: str = "agent",
                 base_url: Optional[str] = None, api_key: Optional[str] = None,
                 before_tool: Optional[Callable[[Dict[str, Any]], Any]] = None,
                 after_tool: Optional[Callable[[Dict[str, Any], str, bool], Any]] = None, tool_threads: int = 4,
                 answer_on_last_step: bool = False, **sampling_kwargs: Any) -> None:
        unknown = set(sampling_kwargs) - set(_SAMPLING_KEYS)
        if unknown:
            raise TypeError(f"Agent() got unexpected keyword arguments: {sorted(unknown)}")
        if isinstance(model, str) and (base_url is not None or ":" not in model):
            model = OpenAIModel(model=model.split(":", 1)[-1] if base_url is None else model,
                                base_url=base_url or "https://api.openai.com/v1", api_key=api_key)
        self.model: ChatModel = as_chat_model(model)
        self.tools: List[Any] = list(tools or [])
        merged = dict(sampling or {})
        merged.update(sampling_kwargs)
        if temperature is not None:
            merged["temperature"] = temperature
        self._native: _native.Agent = _native.build_agent(
            self.model, [to_native_tool(t) for t in self.tools], preamble=preamble, name=name, memory=memory,
            max_steps=max_steps, tool_choice=tool_choice, sampling=merged or None, max_tokens=max_tokens,
            before_tool=before_tool, after_tool=after_tool, tool_threads=tool_threads,
            answer_on_last_step=answer_on_last_step)
        self.preamble = preamble

    @property
    def name(self) -> str:
        return self._native.name

    @property
    def memory(self) -> Optional[Memory]:
        return self._native.memory

    @property
    def tool_specs(self) -> List[Dict[str, Any]]:
        """The tools as the model sees them: name, description, parameters (JSON Schema)."""
        return self._native.tool_specs

    def prompt(self, text: str, *, cancel: Optional[CancelToken] = None, timeout: Optional[float] = None) -> str:
        """Runs the agent on text and returns the final answer."""
        return self._native.prompt(text, cancel=cancel, timeout=timeout)

    def run(self, text: str, *, cancel: Optional[CancelToken] = None, timeout: Optional[float] = None) -> RunResult:
        """Runs the agent: answer, transcript (message dicts), usage and steps."""
        return self._native.run(text, cancel=cancel, timeout=timeout)

    def stream(self, text: str, *, cancel: Optional[CancelToken] = None,
               timeout: Optional[float] = None) -> AgentStream:
        """Streams the run: an iterator of AgentEvent (kind "text_delta", "tool_call_started",
        "tool_call_finished", "usage", "step_finished", "final_answer"); ``.result()`` gives the RunResult.
        Leaving the loop early and calling ``.close()`` (or dropping the iterator) cancels the run."""
        return AgentStream(self._native.start(text, events=True, cancel=cancel, timeout=timeout))

    async def arun(self, text: str, *, cancel: Optional[CancelToken] = None,
                   timeout: Optional[float] = None) -> RunResult:
        """``run`` for asyncio: the run goes on a native thread and the loop stays free. Cancelling the task
        cancels the run."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        token = cancel if cancel is not None else CancelToken()

        def settle() -> None:
            if not done.done():
                done.set_result(None)

        def on_done() -> None:  # on the run's thread
            try:
                loop.call_soon_threadsafe(settle)
            except RuntimeError:  # the loop was closed meanwhile: nobody waits any more
                pass

        run = self._native.start(text, events=False, cancel=token, timeout=timeout, on_done=on_done)
        try:
            await done
        except asyncio.CancelledError:
            token.cancel()
            # Let the run wind down on an executor thread rather than joining it on the loop.
            loop.run_in_executor(None, run.close)
            raise
        return run.result()

    async def aprompt(self, text: str, *, cancel: Optional[CancelToken] = None,
                      timeout: Optional[float] = None) -> str:
        """``prompt`` for asyncio."""
        return (await self.arun(text, cancel=cancel, timeout=timeout)).answer

    async def astream(self, text: str, *, cancel: Optional[CancelToken] = None,
                      timeout: Optional[float] = None) -> AsyncIterator[AgentEvent]:
        """``stream`` for asyncio: ``async for event in agent.astream(text)``."""
        loop = asyncio.get_running_loop()
        run = self._native.start(text, events=True, cancel=cancel, timeout=timeout)
        try:
            while True:
                event = await loop.run_in_executor(None, run.poll)
                if event is None:
                    return
                yield event
        finally:
            if not run.done():
                run.cancel()
                await loop.run_in_executor(None, run.close)

    def __repr__(self) -> str:
        return f"Agent(name={self.name!r}, model={self.model.id!r}, tools={[s['name'] for s in self.tool_specs]})"
