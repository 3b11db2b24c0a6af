"""A workflow graph of Python functions: parallel research with an appending reducer, a human approval
(interrupt) checkpointed in SQLite, and a resume that may happen in another process.

    python python/examples/workflow_graph.py            # runs until the approval, then asks on stdin
"""

import uuid

from alith.flow import END, START, StateGraph, open_checkpointer


def plan(state):
    return {"notes": [f"plan for {state['topic']}"]}


def research_costs(state):
    return {"notes": ["costs: moderate"]}


def research_risks(state):
    return {"notes": ["risks: low"]}


def summarize(state):
    return {"summary": "; ".join(state["notes"])}


def approve(state, ctx):
    # Pauses the run; on resume the node runs again and interrupt() returns the human's answer.
    answer = ctx.interrupt({"question": "Publish this summary?", "summary": state["summary"]})
    return {"approved": str(answer).lower() in ("y", "yes", "true")}


g = StateGraph(state={"notes": "append"})
for name, fn in [("plan", plan), ("costs", research_costs), ("risks", research_risks), ("summarize", summarize),
                 ("approve", approve)]:
    g.add_node(name, fn)
g.add_edge(START, "plan")
g.add_edge("plan", "costs")
g.add_edge("plan", "risks")                       # costs and risks run in the same step
g.add_edge(["costs", "risks"], "summarize")       # a join: once both have finished
g.add_edge("summarize", "approve")
g.add_conditional_edges("approve", lambda s: END if s["approved"] else "plan", ["plan", END])
graph = g.compile(max_steps=20, checkpointer=open_checkpointer("sqlite:./runs.db"))

# A thread is one run and its continuations: a new id per run (another process may resume it by this id).
thread = f"example-{uuid.uuid4().hex[:8]}"
out = graph.invoke({"topic": "rollups"}, thread_id=thread)
while out.interrupted:
    print(thread, out.interrupts[0].payload)
    out = graph.resume(input("answer> "), thread_id=thread)
print(out.state)
for checkpoint in graph.history(thread)[:3]:
    print(checkpoint["step"], checkpoint["source"], sorted(checkpoint["state"]))
