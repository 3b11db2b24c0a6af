"""A YAML workflow (examples/flows/arithmetic.yaml: a tool and a condition, no model), plus one with an agent
on the echo model and a Python function as a tool, with streamed events.

    python python/examples/workflow_yaml.py
"""

from pathlib import Path

from alith.flow import load_workflow, load_workflow_text

repo = Path(__file__).resolve().parents[2]
arithmetic = load_workflow(repo / "examples" / "flows" / "arithmetic.yaml")
print(arithmetic.run({"a": 6, "b": 7}).state["verdict"])


def shout(text: str) -> str:
    """Upper-cases text.

    Args:
        text: what to shout.
    """
    return text.upper()


workflow = load_workflow_text("""
name: shouting
agents:
  writer: {model: "echo:writer"}
nodes:
  write: {agent: writer, prompt: "a draft about {{topic}}", output: draft}
  shout: {tool: shout, args: {text: "{{draft}}"}, output: loud}
edges:
  - {from: start, to: write}
  - {from: write, to: shout}
  - {from: shout, to: end}
""", tools={"shout": shout})
stream = workflow.stream({"topic": "zk rollups"})
for event in stream:
    print(event.kind, event.node, event.text or "")
print(stream.outcome.state["loud"])
