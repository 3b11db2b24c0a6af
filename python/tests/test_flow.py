"""Workflows through the Python SDK: graphs of Python functions (fan-out, reducers, joins, conditional edges,
Send), interrupts resumed from a fresh Python process over the SQLite checkpointer, streaming events, YAML
workflows on the echo model with a Python tool, and agents as nodes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

import alith
from alith.flow import END, START, Send, StateGraph, load_workflow, load_workflow_text, open_checkpointer


def test_parallel_fan_out_reducer_join_and_conditional_edge() -> None:
    seen_threads = set()

    def a(state):
        return {"notes": ["a"], "count": state.get("count", 0) + 1}

    def b(state):
        seen_threads.add(threading.get_ident())
        return {"notes": ["b"]}

    def c(state):
        seen_threads.add(threading.get_ident())
        return {"notes": ["c"]}

    def d(state):
        return {"notes": ["d"], "total": len(state["notes"])}

    g = StateGraph(state={"notes": "append", "scores": "merge", "sum": lambda cur, upd: (cur or 0) + upd})
    g.add_node("a", a)
    g.add_node("b", b)
    g.add_node("c", c)
    g.add_node("d", d)
    g.add_node("again", lambda s: {"sum": 10})
    g.add_edge(START, "a")
    g.add_edge("a", "b")
    g.add_edge("a", "c")
    g.add_edge(["b", "c"], "d")
    g.add_conditional_edges("d", lambda s: "again" if s["count"] < 2 else END, ["again", END])
    g.add_edge("again", "a")
    graph = g.compile(max_steps=20)

    out = graph.invoke({"sum": 1})
    assert out.done and out.status == "done"
    # Parallel writers are applied in task (declaration) order, so the list is the same on every run.
    assert out.state["notes"] == ["a", "b", "c", "d", "a", "b", "c", "d"]
    assert out.state["count"] == 2 and out.state["total"] == 7 and out.state["sum"] == 11
    assert out.steps == 7
    assert set(graph.nodes) == {"a", "b", "c", "d", "again"}


def test_send_map_reduce() -> None:
    g = StateGraph(state={"results": "append"})
    g.add_node("plan", lambda s: None)
    g.add_node("square", lambda item: {"results": [item["x"] * item["x"]]})
    g.add_node("sum", lambda s: {"total": sum(s["results"])})
    g.add_edge(START, "plan")
    g.add_conditional_edges("plan", lambda s: [Send("square", {"x": x}) for x in s["xs"]], ["square"])
    g.add_edge("square", "sum")
    g.add_edge("sum", END)
    out = g.compile().invoke({"xs": [1, 2, 3, 4]})
    assert out.state["results"] == [1, 4, 9, 16] and out.state["total"] == 30


def test_node_exception_propagates_with_its_type() -> None:
    class Boom(RuntimeError):
        pass

    def bad(state):
        raise Boom("no luck")

    g = StateGraph()
    g.add_node("bad", bad)
    g.add_edge(START, "bad")
    g.add_edge("bad", END)
    with pytest.raises(Boom, match="no luck"):
        g.compile().invoke({})


def test_compile_reports_graph_problems() -> None:
    g = StateGraph()
    g.add_node("lonely", lambda s: None)
    g.add_edge(START, "nowhere")
    with pytest.raises(alith.AlithError) as info:
        g.compile()
    assert "nowhere" in str(info.value)


def test_interrupt_and_resume_in_process_with_events() -> None:
    runs = []

    def review(state, ctx):
        runs.append(ctx.task_id)
        ctx.emit({"reviewing": state["draft"]})
        answer = ctx.interrupt({"question": "publish?", "draft": state["draft"]})
        return {"approved": answer}

    g = StateGraph()
    g.add_node("review", review)
    g.add_edge(START, "review")
    g.add_edge("review", END)
    graph = g.compile(checkpointer="memory:")

    events = []
    out = graph.invoke({"draft": "hello"}, thread_id="t", on_event=events.append)
    assert out.interrupted and out.interrupts[0].node == "review"
    assert out.interrupts[0].payload == {"question": "publish?", "draft": "hello"}
    kinds = [e.kind for e in events]
    assert "custom" in kinds and "interrupted" in kinds

    done = graph.resume("yes", thread_id="t")
    assert done.done and done.state["approved"] == "yes"
    assert len(runs) == 2 and runs[0] == runs[1]  # the task re-ran with the same idempotency key
    history = graph.history("t")
    assert len(history) >= 2 and history[0]["state"]["approved"] == "yes"


def test_interrupt_without_except_exception_swallowing() -> None:
    def node(state, ctx):
        try:
            return {"v": ctx.interrupt("?")}
        except Exception:  # GraphInterrupt is a BaseException: user code does not swallow it
            return {"v": "swallowed"}

    g = StateGraph()
    g.add_node("n", node)
    g.add_edge(START, "n")
    g.add_edge("n", END)
    graph = g.compile(checkpointer="memory:")
    assert graph.invoke({}, thread_id="x").interrupted
    assert graph.resume(42, thread_id="x").state["v"] == 42


_WORKER = textwrap.dedent("""
    import json, sys
    from alith.flow import StateGraph, START, END, open_checkpointer

    def draft(state):
        return {"draft": "about " + state["topic"]}

    def approve(state, ctx):
        return {"approved": ctx.interrupt({"draft": state["draft"]})}

    g = StateGraph()
    g.add_node("draft", draft)
    g.add_node("approve", approve)
    g.add_edge(START, "draft")
    g.add_edge("draft", "approve")
    g.add_edge("approve", END)
    graph = g.compile()
    cp = open_checkpointer("sqlite:" + sys.argv[1])
    if sys.argv[2] == "start":
        out = graph.invoke({"topic": "rollups"}, thread_id="job-1", checkpointer=cp)
    else:
        out = graph.resume(json.loads(sys.argv[3]), thread_id="job-1", checkpointer=cp)
    print(json.dumps({"status": out.status, "state": out.state,
                      "interrupts": [i.payload for i in out.interrupts]}))
""")


def test_interrupt_then_resume_from_a_fresh_process(tmp_path: Path) -> None:
    script = tmp_path / "worker.py"
    script.write_text(_WORKER)
    db = tmp_path / "runs.db"

    def run(*args: str) -> dict:
        out = subprocess.run([sys.executable, str(script), str(db), *args], capture_output=True, text=True,
                             timeout=60)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout.strip().splitlines()[-1])

    first = run("start")
    assert first["status"] == "interrupted" and first["interrupts"] == [{"draft": "about rollups"}]
    second = run("resume", json.dumps("ship it"))
    assert second["status"] == "done"
    assert second["state"] == {"topic": "rollups", "draft": "about rollups", "approved": "ship it"}
    threads = open_checkpointer(f"sqlite:{db}").threads()
    assert threads == ["job-1"]


def test_stream_yields_events_then_outcome() -> None:
    def talk(state, ctx):
        for word in ["a", "b", "c"]:
            ctx.emit_token(word)
        return {"said": "abc"}

    g = StateGraph()
    g.add_node("talk", talk)
    g.add_edge(START, "talk")
    g.add_edge("talk", END)
    stream = g.compile().stream({})
    events = list(stream)
    assert [e.text for e in events if e.kind == "token"] == ["a", "b", "c"]
    assert events[0].kind == "step_started" and events[-1].kind == "step_finished"
    assert stream.outcome is not None and stream.outcome.state["said"] == "abc"


def test_async_invoke() -> None:
    import asyncio

    g = StateGraph()
    g.add_node("n", lambda s: {"y": s["x"] * 2})
    g.add_edge(START, "n")
    g.add_edge("n", END)
    graph = g.compile()

    async def main():
        return await asyncio.gather(*[graph.ainvoke({"x": i}) for i in range(5)])

    outs = asyncio.run(main())
    assert [o.state["y"] for o in outs] == [0, 2, 4, 6, 8]


YAML = """
name: brief
state:
  topic:
  draft:
  doubled:
  count:
agents:
  writer: {model: "echo:writer", preamble: You write short drafts.}
nodes:
  write: {agent: writer, prompt: "Write about {{topic}}", output: draft}
  double: {tool: double, args: {n: "{{count}}"}, output: doubled}
edges:
  - {from: start, to: write}
  - {from: write, to: double}
  - {from: double, to: end}
"""


def test_yaml_workflow_on_the_echo_model_with_a_python_tool(tmp_path: Path) -> None:
    def double(n: int) -> int:
        """Doubles a number.

        Args:
            n: the number.
        """
        return n * 2

    path = tmp_path / "brief.yaml"
    path.write_text(YAML)
    workflow = load_workflow(path, tools={"double": double})
    assert workflow.name == "brief" and workflow.agents == ["writer"]
    out = workflow.run({"topic": "rollups", "count": 21}, thread_id="w1", checkpointer=f"sqlite:{tmp_path / 'w.db'}")
    assert out.done
    assert "Write about rollups" in out.state["draft"]
    assert out.state["doubled"] in (42, "42")
    assert workflow.history("w1", checkpointer=f"sqlite:{tmp_path / 'w.db'}")


def test_yaml_problems_are_reported_with_positions() -> None:
    with pytest.raises(alith.ConfigError) as info:
        load_workflow_text("nodes:\n  a: {agent: nobody, prompt: x, output: y}\nedges:\n  - {from: start, to: a}\n"
                           "  - {from: a, to: end}\n", source_name="bad.yaml")
    assert "bad.yaml:2" in str(info.value)


def test_agent_as_a_node_and_a_pattern() -> None:
    writer = alith.Agent(model="echo:w", name="writer")
    g = StateGraph()
    g.add_node("writer", writer, prompt_key="topic", output_key="draft")
    g.add_edge(START, "writer")
    g.add_edge("writer", END)
    out = g.compile().invoke({"topic": "zk proofs"})
    assert out.state["draft"] == "zk proofs"

    from alith.flow import sequential
    chain = sequential([("first", alith.Agent(model="echo:a")), ("second", alith.Agent(model="echo:b"))])
    done = chain.invoke({"input": "relay me"})
    assert done.state["output"] == "relay me" and len(done.state["steps"]) == 2


def test_redis_checkpointer_interrupt_and_resume(tmp_path: Path) -> None:
    from mods_support import RedisServer

    redis = RedisServer(tmp_path)
    try:
        def ask(state, ctx):
            return {"answer": ctx.interrupt("name?")}

        g = StateGraph()
        g.add_node("ask", ask)
        g.add_edge(START, "ask")
        g.add_edge("ask", END)
        graph = g.compile()
        first = open_checkpointer(redis.url)
        assert graph.invoke({}, thread_id="r1", checkpointer=first).interrupted
        # A second connection (as another process would open) sees the checkpoint and resumes the run.
        second = open_checkpointer(redis.url)
        assert graph.resume("Ada", thread_id="r1", checkpointer=second).state == {"answer": "Ada"}
        assert second.threads() == ["r1"]
        second.delete_thread("r1")
        assert first.threads() == []
    finally:
        redis.stop()


def test_cancel_a_running_graph() -> None:
    cancel = alith.CancelToken()

    def stop_here(state):
        cancel.cancel()  # e.g. a user pressed stop while this step ran
        return {"n": state.get("n", 0) + 1}

    g = StateGraph()
    g.add_node("loop", stop_here)
    g.add_edge(START, "loop")
    g.add_conditional_edges("loop", lambda s: "loop", ["loop", END])
    graph = g.compile(max_steps=1000)
    with pytest.raises(alith.CancelledError):
        graph.invoke({}, cancel=cancel)


def test_step_limit_is_max_steps_error() -> None:
    g = StateGraph()
    g.add_node("loop", lambda s: None)
    g.add_edge(START, "loop")
    g.add_conditional_edges("loop", lambda s: "loop", ["loop", END])
    with pytest.raises(alith.MaxStepsError):
        g.compile(max_steps=3).invoke({})


def test_parallel_step_with_an_interrupt_and_a_failure() -> None:
    def ok(state):
        return {"ok": True}

    def ask(state, ctx):
        return {"answer": ctx.interrupt("which?")}

    g = StateGraph()
    g.add_node("ok", ok)
    g.add_node("ask", ask)
    g.add_edge(START, "ok")
    g.add_edge(START, "ask")
    g.add_edge("ok", END)
    g.add_edge("ask", END)
    graph = g.compile(checkpointer="memory:")
    out = graph.invoke({}, thread_id="p")
    assert out.interrupted and [i.node for i in out.interrupts] == ["ask"]
    assert graph.resume_tasks({out.interrupts[0].task_id: "this one"}, thread_id="p").state == {
        "ok": True, "answer": "this one"}

    def broken(state):
        raise KeyError("missing")

    g2 = StateGraph()
    g2.add_node("ok", ok)
    g2.add_node("broken", broken)
    g2.add_edge(START, "ok")
    g2.add_edge(START, "broken")
    g2.add_edge("ok", END)
    g2.add_edge("broken", END)
    with pytest.raises(KeyError):
        g2.compile().invoke({})


def test_patterns_parallel_and_vote_over_agents() -> None:
    from alith.flow import majority_vote, parallel

    a = alith.Agent(model="echo:a", name="a")
    b = alith.Agent(model=alith.ScriptedModel(replies=["Paris."]), name="b")
    fan = parallel([a, ("second", b, "answers from a script")], lambda answers: sorted(answers.items()))
    out = fan.invoke({"input": "capital of France?"})
    assert out.state["answers"] == {"a": "capital of France?", "second": "Paris."}
    assert out.state["output"] == [["a", "capital of France?"], ["second", "Paris."]]

    voters = [alith.Agent(model=alith.ScriptedModel(replies=[r]), name=n)
              for n, r in [("x", "Paris"), ("y", "paris."), ("z", "Lyon")]]
    vote = majority_vote(voters).invoke({"input": "capital?"})
    assert vote.state["winner"] == "paris" and vote.state["output"] == "Paris"


def test_async_stream() -> None:
    import asyncio

    def talk(state, ctx):
        ctx.emit_token("hi")
        return {"done": True}

    g = StateGraph()
    g.add_node("talk", talk)
    g.add_edge(START, "talk")
    g.add_edge("talk", END)
    graph = g.compile()

    async def main():
        return [e.kind async for e in graph.astream({})]

    kinds = asyncio.run(main())
    assert "token" in kinds and kinds[-1] == "step_finished"


def test_repository_map_reduce_workflow_with_a_default_model() -> None:
    from mods_support import REPO

    workflow = load_workflow(REPO / "examples" / "flows" / "map_reduce.yaml", model="echo:default")
    out = workflow.run({})
    assert out.state["facts"] == ["One fact about solar power.", "One fact about wind power.",
                                  "One fact about hydro power."]
    assert out.state["report"].startswith("Join these facts into one paragraph:")
