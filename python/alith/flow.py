"""Workflows: graphs of Python functions and agents that run in supersteps with durable checkpoints, and YAML
workflow files.

    from alith.flow import StateGraph, START, END, Send, open_checkpointer

    g = StateGraph(state={"notes": "append"})
    g.add_node("research", lambda state: {"notes": ["found X"]})
    g.add_node("review", review)                          # review(state, ctx) may call ctx.interrupt(...)
    g.add_edge(START, "research")
    g.add_edge("research", "review")
    g.add_conditional_edges("review", lambda s: END if s.get("ok") else "research", ["research", END])
    graph = g.compile(max_steps=20)
    out = graph.invoke({"topic": "rollups"}, thread_id="t1", checkpointer=open_checkpointer("sqlite:runs.db"))
    if out.interrupted:
        out = graph.resume("yes", thread_id="t1", checkpointer=...)

A node is ``fn(state) -> dict | None`` or ``fn(state, ctx) -> ...`` (ctx: NodeContext with interrupt(), emit(),
task_id...). It runs with the GIL; the engine itself runs with the GIL released, so parallel nodes take turns.
Routers return a node name, a list of names, or ``Send(node, input)`` items (map-reduce).
"""

from __future__ import annotations

import asyncio
import inspect
import os
import queue
import threading
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from . import _native
from ._native import Checkpointer, GraphInterrupt, NodeContext

__all__ = ["START", "END", "Send", "StateGraph", "Graph", "RunOutcome", "Interrupt", "RunEvent", "NodeContext",
           "Checkpointer", "GraphInterrupt", "open_checkpointer", "load_workflow", "load_workflow_text", "Workflow",
           "sequential", "parallel", "router", "supervisor", "majority_vote", "debate", "agent_tool"]

START = "__start__"
END = "__end__"

_NO_VALUE = object()


@dataclass
class Send:
    """Map-reduce: run ``node`` once with ``input`` as its state."""

    node: str
    input: Any = None


@dataclass
class Interrupt:
    task_id: str
    node: str
    payload: Any


@dataclass
class RunOutcome:
    """How a run ended: status "done" or "interrupted", the state, pending interrupts, the newest checkpoint."""

    status: str
    state: Dict[str, Any]
    interrupts: List[Interrupt] = field(default_factory=list)
    checkpoint_id: str = ""
    steps: int = 0

    @property
    def done(self) -> bool:
        return self.status == "done"

    @property
    def interrupted(self) -> bool:
        return self.status == "interrupted"

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "RunOutcome":
        return cls(status=d["status"], state=d["state"], interrupts=[Interrupt(**i) for i in d["interrupts"]],
                   checkpoint_id=d["checkpoint_id"], steps=d["steps"])


@dataclass
class RunEvent:
    """A run's progress: kind is step_started, task_started, task_finished, token, custom, step_finished or
    interrupted; text for tokens, data for updates / emitted values / state / interrupt payloads."""

    kind: str
    step: int
    node: str = ""
    task_id: str = ""
    text: str = ""
    checkpoint_id: str = ""
    data: Any = None


def open_checkpointer(ref: str, *, power_loss: bool = False) -> Checkpointer:
    """A checkpointer by reference: "memory:", "sqlite:PATH", "postgres://...", "redis://host:port[/db]".
    power_loss (SQLite): fsync every checkpoint (survives power loss, slower)."""
    return _native.open_checkpointer(ref, power_loss=power_loss)


def _checkpointer(value: Union[str, Checkpointer, None]) -> Optional[Checkpointer]:
    if isinstance(value, str):
        return open_checkpointer(value)
    return value


def _takes_context(fn: Callable[..., Any]) -> bool:
    try:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        has_varargs = any(p.kind == p.VAR_POSITIONAL for p in inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return True
    return has_varargs or len(params) >= 2


def _node(fn: Callable[..., Any]) -> Callable[[Dict[str, Any], NodeContext], Any]:
    with_context = _takes_context(fn)
    is_async = inspect.iscoroutinefunction(fn)

    def call(state: Dict[str, Any], ctx: NodeContext) -> Any:
        result = fn(state, ctx) if with_context else fn(state)
        if is_async:
            result = asyncio.run(result)
        return result

    return call


def _router(fn: Callable[[Dict[str, Any]], Any]) -> Callable[[Dict[str, Any]], Any]:
    def call(state: Dict[str, Any]) -> Any:
        result = fn(state)
        if isinstance(result, (list, tuple)):
            return list(result)
        return result

    return call


Reducer = Union[str, Callable[[Any, Any], Any], None]


class StateGraph:
    """Builds a graph. state declares keys: ``{"notes": "append"}``, ``{"votes": ("merge", json_schema)}``,
    ``{"total": lambda current, update: (current or 0) + update}``, or ``{"x": {"reducer": ..., "schema": ...,
    "initial": ...}}``. Undeclared keys are overwritten by updates."""

    def __init__(self, state: Optional[Mapping[str, Any]] = None) -> None:
        self._builder = _native.GraphBuilder()
        self._schema = _native.StateSchema()
        for name, spec in (state or {}).items():
            self.add_key(name, spec)
        self._nodes: List[str] = []

    def add_key(self, name: str, spec: Any = None) -> "StateGraph":
        reducer: Reducer = None
        schema = None
        initial = None
        if isinstance(spec, dict):
            reducer, schema, initial = spec.get("reducer"), spec.get("schema"), spec.get("initial")
        elif isinstance(spec, tuple):
            reducer = spec[0]
            schema = spec[1] if len(spec) > 1 else None
            initial = spec[2] if len(spec) > 2 else None
        else:
            reducer = spec
        self._schema.key(name, reducer, schema, initial)
        return self

    def add_node(self, name: str, fn: Any, **agent_options: Any) -> "StateGraph":
        """A Python function node, a compiled Graph (a subgraph) or an alith.Agent (one agent turn: prompt from
        ``prompt_key``, answer to ``output_key``, optionally ``messages_key``; ``stream`` tokens)."""
        if isinstance(fn, Graph):
            self._builder.subgraph(name, fn._native)
        elif isinstance(fn, _native.Graph):
            self._builder.subgraph(name, fn)
        elif isinstance(fn, _native.Agent) or isinstance(getattr(fn, "_native", None), _native.Agent):
            _native.flow_add_agent_node(self._builder, name, fn, **agent_options)
        else:
            if agent_options:
                raise TypeError("agent options are only for agent nodes")
            self._builder.node(name, _node(fn))
        self._nodes.append(name)
        return self

    def add_edge(self, from_: Union[str, Sequence[str]], to: str) -> "StateGraph":
        """from -> to; with a list of sources, ``to`` runs once all of them have finished (a join)."""
        if isinstance(from_, (list, tuple)):
            self._builder.join(list(from_), to)
        else:
            self._builder.edge(from_, to)
        return self

    def add_conditional_edges(self, from_: str, router: Callable[[Dict[str, Any]], Any],
                              targets: Union[Sequence[str], Mapping[str, str]]) -> "StateGraph":
        """After ``from_`` runs, ``router(state)`` names the next node(s) (or returns Sends). ``targets`` lists
        every node it may name (END included), or maps router results to node names."""
        if isinstance(targets, Mapping):
            mapping = dict(targets)
            inner = router

            def router(state: Dict[str, Any]) -> Any:  # noqa: F811 - the mapped router
                result = inner(state)
                if isinstance(result, (list, tuple)):
                    return [mapping.get(r, r) if isinstance(r, str) else r for r in result]
                return mapping.get(result, result) if isinstance(result, str) else result

            names = list(dict.fromkeys(mapping.values()))
        else:
            names = list(targets)
        self._builder.branch(from_, _router(router), names)
        return self

    def set_entry_point(self, node: str) -> "StateGraph":
        return self.add_edge(START, node)

    def set_finish_point(self, node: str) -> "StateGraph":
        return self.add_edge(node, END)

    def compile(self, *, max_steps: Optional[int] = None, threads: Optional[int] = None,
                checkpointer: Union[str, Checkpointer, None] = None) -> "Graph":
        """Checks the graph (every problem at once: alith.InvalidArgumentError / GraphError) and compiles it.
        A graph with a cycle needs max_steps. checkpointer becomes the default of every run."""
        self._builder.state(self._schema)
        if max_steps is not None:
            self._builder.max_steps(max_steps)
        if threads is not None:
            self._builder.threads(threads)
        return Graph(self._builder.compile(), checkpointer=_checkpointer(checkpointer))


class Graph:
    """A compiled graph: ``invoke``, ``resume``, ``fork``, ``stream``, ``history``. Immutable; many threads may
    run it at once (one thread id must not run twice at once)."""

    def __init__(self, native: Any, *, checkpointer: Optional[Checkpointer] = None, name: str = "") -> None:
        self._native = native
        self.checkpointer = checkpointer
        self.name = name

    @property
    def nodes(self) -> List[str]:
        return list(self._native.nodes)

    @property
    def state_keys(self) -> List[Dict[str, Any]]:
        return list(self._native.state_keys)

    def _config(self, thread_id: str, checkpointer: Union[str, Checkpointer, None], cancel: Any,
                on_event: Optional[Callable[[RunEvent], None]], max_steps: Optional[int],
                metadata: Optional[Dict[str, Any]], commit: str) -> Dict[str, Any]:
        handler: Optional[Callable[[Dict[str, Any]], None]] = None
        if on_event is not None:
            def deliver(e: Dict[str, Any]) -> None:
                on_event(RunEvent(**e))
            handler = deliver
        return dict(thread_id=thread_id, checkpointer=_checkpointer(checkpointer) or self.checkpointer,
                    cancel=cancel, on_event=handler, max_steps=max_steps, metadata=metadata, commit=commit)

    def invoke(self, input: Optional[Dict[str, Any]] = None, *, thread_id: str = "default",
               checkpointer: Union[str, Checkpointer, None] = None, cancel: Any = None,
               on_event: Optional[Callable[[RunEvent], None]] = None, max_steps: Optional[int] = None,
               metadata: Optional[Dict[str, Any]] = None, commit: str = "auto") -> RunOutcome:
        """Starts a run on thread_id: input goes through the reducers, then steps run until END or an
        interrupt. commit: "auto" (the default: "batched" where the checkpointer keeps a run log, as SQLite
        does, else "sync"), "sync" (each step stored before the next) or "batched" (stored in groups by a
        background writer; with a run log a crash still loses no finished step)."""
        cfg = self._config(thread_id, checkpointer, cancel, on_event, max_steps, metadata, commit)
        return RunOutcome._from(self._native.invoke(input, **cfg))

    def resume(self, value: Any = _NO_VALUE, *, thread_id: str = "default",
               checkpointer: Union[str, Checkpointer, None] = None, cancel: Any = None,
               on_event: Optional[Callable[[RunEvent], None]] = None, max_steps: Optional[int] = None,
               metadata: Optional[Dict[str, Any]] = None, commit: str = "auto") -> RunOutcome:
        """Goes on from the thread's newest checkpoint: answers the one pending interrupt with value, or (no
        value) continues after a crash or a step limit. Answer several interrupts with resume_tasks."""
        cfg = self._config(thread_id, checkpointer, cancel, on_event, max_steps, metadata, commit)
        has_value = value is not _NO_VALUE
        return RunOutcome._from(self._native.resume(value if has_value else None, has_value, **cfg))

    def resume_tasks(self, values: Dict[str, Any], **kwargs: Any) -> RunOutcome:
        """Answers several pending interrupts at once: {task_id: value}."""
        cfg = self._config(kwargs.pop("thread_id", "default"), kwargs.pop("checkpointer", None),
                           kwargs.pop("cancel", None), kwargs.pop("on_event", None), kwargs.pop("max_steps", None),
                           kwargs.pop("metadata", None), kwargs.pop("commit", "auto"))
        if kwargs:
            raise TypeError(f"unexpected arguments: {sorted(kwargs)}")
        return RunOutcome._from(self._native.resume_tasks(values, **cfg))

    def fork(self, checkpoint_id: str, update: Optional[Dict[str, Any]] = None, **kwargs: Any) -> RunOutcome:
        """Time travel: a new branch from checkpoint_id with update applied, run from there."""
        cfg = self._config(kwargs.pop("thread_id", "default"), kwargs.pop("checkpointer", None),
                           kwargs.pop("cancel", None), kwargs.pop("on_event", None), kwargs.pop("max_steps", None),
                           kwargs.pop("metadata", None), kwargs.pop("commit", "auto"))
        if kwargs:
            raise TypeError(f"unexpected arguments: {sorted(kwargs)}")
        return RunOutcome._from(self._native.fork(checkpoint_id, update, **cfg))

    def history(self, thread_id: str = "default", *, checkpointer: Union[str, Checkpointer, None] = None,
                limit: int = 0) -> List[Dict[str, Any]]:
        """The thread's checkpoints, newest first: {id, parent_id, step, state, next, source, metadata, ...}."""
        cp = _checkpointer(checkpointer) or self.checkpointer
        if cp is None:
            raise ValueError("history needs a checkpointer")
        return cp.list(thread_id, limit)

    def get_state(self, thread_id: str = "default", *,
                  checkpointer: Union[str, Checkpointer, None] = None) -> Optional[Dict[str, Any]]:
        """The thread's newest state, or None."""
        cp = _checkpointer(checkpointer) or self.checkpointer
        if cp is None:
            raise ValueError("get_state needs a checkpointer")
        newest = cp.get(thread_id)
        return None if newest is None else newest["state"]

    def stream(self, input: Optional[Dict[str, Any]] = None, *, resume: Any = _NO_VALUE,
               **kwargs: Any) -> "GraphStream":
        """Runs on a background thread and yields RunEvents as they happen; ``.outcome`` holds the RunOutcome
        once the iterator is exhausted. With ``resume=value`` it resumes instead of invoking."""
        return GraphStream(self, input, resume, kwargs)

    async def ainvoke(self, input: Optional[Dict[str, Any]] = None, **kwargs: Any) -> RunOutcome:
        return await asyncio.get_running_loop().run_in_executor(None, lambda: self.invoke(input, **kwargs))

    async def aresume(self, value: Any = _NO_VALUE, **kwargs: Any) -> RunOutcome:
        return await asyncio.get_running_loop().run_in_executor(None, lambda: self.resume(value, **kwargs))

    async def astream(self, input: Optional[Dict[str, Any]] = None, **kwargs: Any) -> AsyncIterator[RunEvent]:
        stream = self.stream(input, **kwargs)
        loop = asyncio.get_running_loop()
        while True:
            event = await loop.run_in_executor(None, stream._next_or_none)
            if event is None:
                return
            yield event

    def __repr__(self) -> str:
        return f"<Graph {self.name or ''} nodes={self.nodes}>"


_DONE = object()


class GraphStream:
    """Iterator over a run's events; the run goes on a background thread. ``outcome`` once finished. Closing it
    early (or dropping it) cancels the run."""

    def __init__(self, graph: Graph, input: Optional[Dict[str, Any]], resume: Any, kwargs: Dict[str, Any]) -> None:
        self.outcome: Optional[RunOutcome] = None
        self._queue: "queue.Queue[Any]" = queue.Queue()
        self._error: Optional[BaseException] = None
        self._cancel = kwargs.pop("cancel", None) or _native.CancelToken()
        user_on_event = kwargs.pop("on_event", None)

        def on_event(event: RunEvent) -> None:
            if user_on_event is not None:
                user_on_event(event)
            self._queue.put(event)

        def run() -> None:
            try:
                if resume is _NO_VALUE:
                    self.outcome = graph.invoke(input, cancel=self._cancel, on_event=on_event, **kwargs)
                else:
                    self.outcome = graph.resume(resume, cancel=self._cancel, on_event=on_event, **kwargs)
            except BaseException as e:  # handed to the consumer
                self._error = e
            finally:
                self._queue.put(_DONE)

        self._thread = threading.Thread(target=run, name="alith-graph-stream", daemon=True)
        self._thread.start()

    def _next_or_none(self) -> Optional[RunEvent]:
        item = self._queue.get()
        if item is _DONE:
            self._queue.put(_DONE)
            self._thread.join()
            if self._error is not None:
                error, self._error = self._error, None
                raise error
            return None
        return item

    def __iter__(self) -> Iterator[RunEvent]:
        return self

    def __next__(self) -> RunEvent:
        event = self._next_or_none()
        if event is None:
            raise StopIteration
        return event

    def close(self) -> None:
        self._cancel.cancel()
        self._thread.join()

    def __del__(self) -> None:
        try:
            self._cancel.cancel()
        except Exception:
            pass


# ---- YAML workflows ---------------------------------------------------------------------------------------

@dataclass
class Workflow:
    """A loaded YAML workflow: its graph plus what the file declared."""

    name: str
    graph: Graph
    files: List[Dict[str, str]]
    agents: List[str]

    def run(self, input: Optional[Dict[str, Any]] = None, **kwargs: Any) -> RunOutcome:
        return self.graph.invoke(input, **kwargs)

    def resume(self, value: Any = _NO_VALUE, **kwargs: Any) -> RunOutcome:
        return self.graph.resume(value, **kwargs)

    def history(self, thread_id: str = "default", **kwargs: Any) -> List[Dict[str, Any]]:
        return self.graph.history(thread_id, **kwargs)

    def stream(self, input: Optional[Dict[str, Any]] = None, **kwargs: Any) -> GraphStream:
        return self.graph.stream(input, **kwargs)

    async def arun(self, input: Optional[Dict[str, Any]] = None, **kwargs: Any) -> RunOutcome:
        return await self.graph.ainvoke(input, **kwargs)


def _tools_map(tools: Optional[Mapping[str, Any]]) -> Optional[Dict[str, Any]]:
    if not tools:
        return None
    from .tools import to_native_tool
    return {name: to_native_tool(t) for name, t in tools.items()}


def _model_factory(factory: Union[None, Callable[[str], Any], Mapping[str, Any]],
                   default: Any = None) -> Optional[Callable[[str], Any]]:
    if factory is None and default is None:
        return None
    from .models import as_chat_model

    def make(ref: str) -> Any:
        if not ref and default is not None:
            return as_chat_model(default)
        if isinstance(factory, Mapping):
            return as_chat_model(factory[ref] if ref in factory else ref)
        if factory is not None:
            return as_chat_model(factory(ref))
        if not ref:
            from .errors import ConfigError
            raise ConfigError("this agent names no model: pass model= to load_workflow")
        return as_chat_model(ref)
    return make


def load_workflow(path: Union[str, "os.PathLike[str]"], *, model: Any = None,
                  models: Union[None, Callable[[str], Any], Mapping[str, Any]] = None,
                  tools: Optional[Mapping[str, Any]] = None, threads: int = 4,
                  checkpointer: Union[str, Checkpointer, None] = None) -> Workflow:
    """Reads and checks a YAML workflow file (every problem at once, as file:line:col, in a ConfigError).
    model: the model of agents that name none (a model or a reference). models: how agents' model references
    become models (a function, or a dict ref -> model; default: alith.chat_model(ref)). tools: extra tools by
    name (Python functions or Tools), usable beside the built-in ones."""
    d = _native.flow_load_workflow(os.fspath(path), model_factory=_model_factory(models, model),
                                   tools=_tools_map(tools), threads=threads)
    return Workflow(name=d["name"], graph=Graph(d["graph"], checkpointer=_checkpointer(checkpointer), name=d["name"]),
                    files=d["files"], agents=d["agents"])


def load_workflow_text(text: str, *, source_name: str = "<workflow>", model: Any = None,
                       models: Union[None, Callable[[str], Any], Mapping[str, Any]] = None,
                       tools: Optional[Mapping[str, Any]] = None, base_dir: str = "", threads: int = 4,
                       checkpointer: Union[str, Checkpointer, None] = None) -> Workflow:
    """load_workflow for YAML text; subflows and relative sqlite: stores resolve against base_dir."""
    d = _native.flow_load_workflow_text(text, source_name=source_name, model_factory=_model_factory(models, model),
                                        tools=_tools_map(tools), base_dir=base_dir, threads=threads)
    return Workflow(name=d["name"], graph=Graph(d["graph"], checkpointer=_checkpointer(checkpointer), name=d["name"]),
                    files=d["files"], agents=d["agents"])


# ---- multi-agent patterns (each a compiled Graph reading "input" and writing "output") -----------------------

AgentSpec = Union[Any, Tuple[str, Any], Tuple[str, Any, str]]


def sequential(agents: Sequence[AgentSpec], *, stream: bool = True) -> Graph:
    """A chain: each agent answers the previous one's answer. Writes steps, output."""
    return Graph(_native.flow_sequential(list(agents), stream=stream), name="sequential")


def parallel(agents: Sequence[AgentSpec], aggregator: Any, *, stream: bool = True) -> Graph:
    """Every agent answers at once; the aggregator (an Agent, or fn(answers) -> output) combines them."""
    return Graph(_native.flow_parallel(list(agents), aggregator, stream=stream), name="parallel")


def router(classifier: Any, routes: Sequence[AgentSpec], *, fallback: str = "", stream: bool = True) -> Graph:
    """The classifier's answer picks the route whose agent answers. Routes are (name, agent, description)."""
    return Graph(_native.flow_router(classifier, list(routes), fallback=fallback, stream=stream), name="router")


def supervisor(supervisor_agent: Any, workers: Sequence[AgentSpec], *, max_rounds: int = 5, fallback: str = "",
               stream: bool = True) -> Graph:
    """The supervisor names the next worker (or FINISH) until done or max_rounds."""
    return Graph(_native.flow_supervisor(supervisor_agent, list(workers), max_rounds=max_rounds, fallback=fallback,
                                         stream=stream), name="supervisor")


def majority_vote(agents: Sequence[AgentSpec], *, stream: bool = True) -> Graph:
    return Graph(_native.flow_majority_vote(list(agents), stream=stream), name="majority_vote")


def debate(debaters: Sequence[AgentSpec], judge: Any, *, rounds: int = 1, stream: bool = True) -> Graph:
    return Graph(_native.flow_debate(list(debaters), judge, rounds=rounds, stream=stream), name="debate")


def agent_tool(agent: Any, name: str, description: str) -> "_native.Tool":
    """An agent as a tool {input: string} another agent can call."""
    return _native.flow_agent_tool(agent, name, description)
