"""Streaming as iterators and async iterators, for agents and models."""

from __future__ import annotations

import asyncio

import alith


def scripted_agent():
    def lookup(key: str) -> str:
        """Looks a key up."""
        return f"value of {key}"

    model = alith.ScriptedModel(replies=[{"tool": "lookup", "arguments": {"key": "k"}}, "the answer is value of k"])
    return alith.Agent(model=model, tools=[lookup])


def check_events(events):
    kinds = [e.kind for e in events]
    assert kinds.index("tool_call_started") < kinds.index("tool_call_finished") < kinds.index("final_answer")
    assert kinds[-1] == "final_answer"
    finished = next(e for e in events if e.kind == "tool_call_finished")
    assert finished.tool_call["name"] == "lookup"
    assert finished.text == "value of k" and finished.is_error is False
    text = "".join(e.text for e in events if e.kind == "text_delta")
    assert text == "the answer is value of k"
    assert events[-1].text == "the answer is value of k"
    assert {e.step for e in events} == {0, 1}


def test_sync_stream_iterates_events_and_gives_the_result():
    stream = scripted_agent().stream("go")
    events = list(stream)
    check_events(events)
    result = stream.result()
    assert result.answer == "the answer is value of k" and result.steps == 2


def test_async_stream():
    async def main():
        return [e async for e in scripted_agent().astream("go")]

    check_events(asyncio.run(main()))


def test_leaving_a_stream_early_is_clean():
    stream = alith.Agent(model="echo:x").stream("a b c d e f g h")
    first = next(iter(stream))
    assert first.kind in ("text_delta", "usage")
    stream.close()
    assert stream.done()


def test_model_stream_and_complete():
    model = alith.ScriptedModel(replies=["hello there", {"tool": "f", "arguments": {"a": 1}}])
    stream = model.stream([{"role": "user", "content": "hi"}])
    events = list(stream)
    assert "".join(e.text for e in events if e.kind == "text_delta") == "hello there"
    assert stream.result().text == "hello there"
    response = model.complete("again")
    assert response.finish_reason == "tool_calls"
    assert response.tool_calls[0]["name"] == "f" and response.tool_calls[0]["arguments"] == {"a": 1}
    assert model.complete("echo me").text == "echo me"


def test_stream_against_llama_server(server_model):
    agent = alith.Agent(model=server_model, preamble="Answer in one short sentence.", max_tokens=24,
                        temperature=0.0)
    events = list(agent.stream("Say hello."))
    assert events[-1].kind == "final_answer"
    deltas = [e.text for e in events if e.kind == "text_delta"]
    assert len(deltas) >= 2
    assert "".join(deltas) == events[-1].text

    async def main():
        return [e async for e in agent.astream("Say hi.")]

    aevents = asyncio.run(main())
    assert aevents[-1].kind == "final_answer" and aevents[-1].text
