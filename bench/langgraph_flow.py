"""The LangGraph side of flow_bench's workflow-engine comparison.

Builds three graphs of no-op nodes in LangGraph, runs each with the sync API (`graph.invoke`) under each
checkpointer, and reports the engine's cost: every node does nothing but return a one-value update, so the
time measured is LangGraph's own (scheduling, channel updates, checkpoint serialisation and storage).

Graphs (N = 100 everywhere)
---------------------------
linear    State `{"n": int}`. START -> n0 -> n1 -> ... -> n99 -> END, plain `add_edge`s. Every node is
          `increment`: `return {"n": state["n"] + 1}`; invoked with `{"n": 0}`, the final state must be
          `{"n": 100}`. One node per superstep (100 supersteps, plus the input step), so the invoke's
          wall time / 100 is the per-step overhead: reported as us_per_step (and us_per_invoke).
fanout    The static 1 -> 100 -> 1 fan-out and fan-in. State
          `{"results": Annotated[list[int], operator.add]}` (the append reducer). START -> split; 100
          static edges split -> w0 ... w99, so all 100 workers are triggered by the same superstep and run
          together in the next one; w_i returns `{"results": [i]}`; the fan-in is one waiting edge,
          `add_edge([w0, ..., w99], "join")` (a barrier: join runs once, when all 100 have run); join ->
          END. split and join return `{}` (no state write; the edges still fire). Invoked with
          `{"results": []}`; sorted(final results) must be list(range(100)) (LangGraph applies the writes
          in task-name order, w0, w1, w10, ..., hence the sort). Three supersteps (split, the 100
          workers, join), 102 node runs per invoke; reported as us_per_invoke.
send      The same fan-out made dynamic, LangGraph's map-reduce form: after split, a conditional edge
          returns `[Send("worker", {"i": i}) for i in range(100)]`, so the one node "worker" runs 100
          times in one superstep, each run with its own input `{"i": i}`, returning `{"results": [i]}`
          into the same append reducer; worker -> join is a plain edge (join runs once, in the next
          superstep) -> END. split and join return `{}`. Same check and supersteps; us_per_invoke.
The superstep shapes above were checked with stream_mode="debug": linear runs one task per step;
fanout and send run 1, 100 and 1 tasks in steps 1, 2 and 3.

Checkpointers
-------------
none      compiled without a checkpointer.
memory    `InMemorySaver()` (MemorySaver is the same class); one saver for the whole run.
sqlite    `SqliteSaver(sqlite3.connect(<fresh file in a temp dir>, check_same_thread=False))`; one file
          for the whole run, made in tempfile's folder ($TMPDIR). SqliteSaver's setup() sets
          `journal_mode=WAL` and leaves `synchronous` at SQLite's default (FULL, 2: the WAL is fsynced at
          every commit). SqliteSaver commits once per checkpoint and once per task's writes (counted with
          a trace callback: 203 commits per linear invoke, 108 per fanout or send invoke), so on most
          disks this mode measures fsync latency more than LangGraph. --sqlite-synchronous NORMAL|OFF
          changes it (after setup), to compare with an engine that does not sync every commit; the
          settings in effect are read back from the connection and printed.
Every invoke uses a new thread_id: config `{"configurable": {"thread_id": "t<k>"}, "recursion_limit": 1000}`
(100 supersteps exceed LangGraph's default limit of 25). The durability mode is LangGraph's default
("async": each step's checkpoint is written on a background thread while the next step runs, and invoke
returns after all of them are written) unless --durability says otherwise. With a checkpointer, the last
invoke's saved checkpoint is read back and checked too.

Timing: a warm-up, then a batch size calibrated so a batch takes about --min-seconds / 5; batches are timed
(time.perf_counter around the invoke loop only) until at least 5 batches and --min-seconds have passed, and
the median batch's time per invoke is reported. The garbage collector stays on, as in real use.

Usage: python langgraph_flow.py [--graph linear|fanout|send|all] [--checkpointer none|memory|sqlite|all]
                                [--min-seconds 2.0] [--durability sync|async|exit]
                                [--sqlite-synchronous FULL|NORMAL|OFF] [--json]
--json prints one JSON object per line and combination:
    {"graph", "checkpointer", "us_per_step" (linear only), "us_per_invoke", "iterations", "batches",
     "batch_us_per_invoke", "durability", "langgraph", "python", "sqlite": {...} (sqlite only)}
otherwise a table. Run by bench/flow_bench.cpp in the venv of scripts/bench-venv-langgraph.
"""

import argparse
import importlib.metadata
import itertools
import json
import operator
import platform
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypedDict

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Durability, Send

N = 100
GRAPHS = ("linear", "fanout", "send")
CHECKPOINTERS = ("none", "memory", "sqlite")
MIN_BATCHES = 5

OpenCheckpointer = tuple[BaseCheckpointSaver | None, dict[str, Any] | None]


class LinearState(TypedDict):
    n: int


class FanState(TypedDict):
    results: Annotated[list[int], operator.add]


class WorkerInput(TypedDict):
    i: int


def increment(state: LinearState) -> dict[str, int]:
    return {"n": state["n"] + 1}


def no_update(state: FanState) -> dict[str, Any]:
    return {}


def static_worker(i: int) -> Callable[..., dict[str, list[int]]]:
    """The node w_i of fanout: a closure, so that all 100 are plain functions like the other nodes."""
    def worker(state: FanState) -> dict[str, list[int]]:
        return {"results": [i]}

    return worker


def send_worker(state: WorkerInput) -> dict[str, list[int]]:
    return {"results": [state["i"]]}


def fan_out(state: FanState) -> list[Send]:
    return [Send("worker", {"i": i}) for i in range(N)]


def build_linear() -> StateGraph:
    builder = StateGraph(LinearState)
    names = [f"n{k}" for k in range(N)]
    for name in names:
        builder.add_node(name, increment)
    builder.add_edge(START, names[0])
    for a, b in itertools.pairwise(names):
        builder.add_edge(a, b)
    builder.add_edge(names[-1], END)
    return builder


def build_fanout() -> StateGraph:
    builder = StateGraph(FanState)
    builder.add_node("split", no_update)
    builder.add_node("join", no_update)
    workers = [f"w{i}" for i in range(N)]
    for i, name in enumerate(workers):
        builder.add_node(name, static_worker(i))
        builder.add_edge("split", name)
    builder.add_edge(START, "split")
    builder.add_edge(workers, "join")
    builder.add_edge("join", END)
    return builder


def build_send() -> StateGraph:
    builder = StateGraph(FanState)
    builder.add_node("split", no_update)
    builder.add_node("worker", send_worker)
    builder.add_node("join", no_update)
    builder.add_edge(START, "split")
    builder.add_conditional_edges("split", fan_out, ["worker"])
    builder.add_edge("worker", "join")
    builder.add_edge("join", END)
    return builder


BUILDERS: dict[str, Callable[[], StateGraph]] = {
    "linear": build_linear, "fanout": build_fanout, "send": build_send}
INPUTS: dict[str, Callable[[], dict[str, Any]]] = {
    "linear": lambda: {"n": 0}, "fanout": lambda: {"results": []}, "send": lambda: {"results": []}}


def check(graph_name: str, state: dict[str, Any], where: str) -> None:
    if graph_name == "linear":
        ok = state.get("n") == N
    else:
        ok = sorted(state.get("results", [])) == list(range(N))
    if not ok:
        raise SystemExit(f"{graph_name}: wrong final state ({where}): {state!r}")


@contextmanager
def open_checkpointer(kind: str, synchronous: str | None) -> Iterator[OpenCheckpointer]:
    """Yields the saver (None for "none") and, for sqlite, the settings the connection ended up with."""
    if kind == "none":
        yield None, None
    elif kind == "memory":
        yield InMemorySaver(), None
    else:
        with tempfile.TemporaryDirectory(prefix="langgraph-flow-") as folder:
            conn = sqlite3.connect(str(Path(folder) / "checkpoints.sqlite"), check_same_thread=False)
            try:
                saver = SqliteSaver(conn)
                saver.setup()  # what the first put would do; done here so the settings can be read back
                if synchronous is not None:
                    conn.execute(f"PRAGMA synchronous={synchronous}")
                settings = {
                    "journal_mode": conn.execute("PRAGMA journal_mode").fetchone()[0],
                    "synchronous": conn.execute("PRAGMA synchronous").fetchone()[0],
                    "sqlite_version": sqlite3.sqlite_version,
                }
                yield saver, settings
            finally:
                conn.close()


def measure(graph_name: str, checkpointer: str, min_seconds: float, durability: Durability | None,
            synchronous: str | None) -> dict[str, Any]:
    with open_checkpointer(checkpointer, synchronous) as (saver, sqlite_settings):
        graph = BUILDERS[graph_name]().compile(checkpointer=saver)
        make_input = INPUTS[graph_name]
        if saver is None:
            durability = None  # LangGraph warns that it has no effect
        counter = 0

        def run(count: int) -> tuple[float, dict[str, Any], RunnableConfig]:
            nonlocal counter
            state: dict[str, Any] = {}
            config: RunnableConfig = {}
            start = time.perf_counter()
            for _ in range(count):
                counter += 1
                config = {"configurable": {"thread_id": f"t{counter}"}, "recursion_limit": 1000}
                state = graph.invoke(make_input(), config, durability=durability)
            elapsed = time.perf_counter() - start
            return elapsed, state, config

        # Warm-up: at least 3 invokes and 0.2 s (or a tenth of the run), checking each result.
        warm_until = time.perf_counter() + min(0.2, min_seconds / 10)
        warm = 0
        while warm < 3 or time.perf_counter() < warm_until:
            _, state, _ = run(1)
            check(graph_name, state, "warm-up")
            warm += 1
        # Calibrate the batch size so a batch takes about min_seconds / MIN_BATCHES.
        elapsed, state, _ = run(3)
        per_invoke = elapsed / 3
        batch_size = max(1, round(min_seconds / MIN_BATCHES / per_invoke))

        batch_us: list[float] = []
        total = 0.0
        iterations = 0
        config: RunnableConfig = {}
        while len(batch_us) < MIN_BATCHES or total < min_seconds:
            elapsed, state, config = run(batch_size)
            check(graph_name, state, f"batch {len(batch_us)}")
            batch_us.append(elapsed / batch_size * 1e6)
            total += elapsed
            iterations += batch_size

        if saver is not None:  # the last invoke's final state was checkpointed
            saved = saver.get_tuple(config)
            if saved is None:
                raise SystemExit(f"{graph_name}/{checkpointer}: no checkpoint saved for {config}")
            check(graph_name, saved.checkpoint["channel_values"], "saved checkpoint")

    us_per_invoke = statistics.median(batch_us)
    out: dict[str, Any] = {"graph": graph_name, "checkpointer": checkpointer}
    if graph_name == "linear":
        out["us_per_step"] = us_per_invoke / N
    out.update({
        "us_per_invoke": us_per_invoke,
        "iterations": iterations,
        "batches": len(batch_us),
        "batch_us_per_invoke": [round(x, 1) for x in batch_us],
        "durability": (durability or "async") if saver is not None else None,
        "langgraph": importlib.metadata.version("langgraph"),
        "python": platform.python_version(),
    })
    if sqlite_settings is not None:
        out["sqlite"] = sqlite_settings
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", choices=[*GRAPHS, "all"], default="all")
    parser.add_argument("--checkpointer", choices=[*CHECKPOINTERS, "all"], default="all")
    parser.add_argument("--min-seconds", type=float, default=2.0,
                        help="least time measured per combination (after the warm-up)")
    parser.add_argument("--durability", choices=["sync", "async", "exit"], default=None,
                        help="LangGraph's durability mode with a checkpointer (default: LangGraph's, async)")
    parser.add_argument("--sqlite-synchronous", choices=["FULL", "NORMAL", "OFF"], default=None,
                        help="PRAGMA synchronous for the sqlite checkpointer (default: SqliteSaver's, FULL)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line and combination")
    args = parser.parse_args()

    graphs = GRAPHS if args.graph == "all" else (args.graph,)
    checkpointers = CHECKPOINTERS if args.checkpointer == "all" else (args.checkpointer,)
    if not args.json:
        print(f"LangGraph {importlib.metadata.version('langgraph')}, Python {platform.python_version()}, "
              f"N = {N}")
        print(f"{'graph':<8} {'checkpointer':<12} {'us/invoke':>12} {'us/step':>10} {'iterations':>10}")
    for graph_name in graphs:
        for checkpointer in checkpointers:
            result = measure(graph_name, checkpointer, args.min_seconds, args.durability,
                             args.sqlite_synchronous)
            if args.json:
                print(json.dumps(result), flush=True)
            else:
                step = f"{result['us_per_step']:.1f}" if "us_per_step" in result else "-"
                extra = ""
                if "sqlite" in result:
                    s = result["sqlite"]
                    extra = f"  (journal_mode={s['journal_mode']}, synchronous={s['synchronous']})"
                print(f"{graph_name:<8} {checkpointer:<12} {result['us_per_invoke']:>12.1f} {step:>10} "
                      f"{result['iterations']:>10}{extra}", flush=True)


if __name__ == "__main__":
    main()
