"""Cancellation: before a call, mid-stream (scripted and against llama-server), and by cancelling an asyncio task."""

from __future__ import annotations

import asyncio
import time

import pytest

import alith


def test_cancel_before_the_call():
    token = alith.CancelToken()
    token.cancel()
    assert token.cancelled
    agent = alith.Agent(model="echo:x")
    with pytest.raises(alith.CancelledError) as info:
        agent.prompt("x", cancel=token)
    assert info.value.code == "cancelled"
    with pytest.raises(alith.CancelledError):
        list(agent.stream("x", cancel=token))
    with pytest.raises(alith.CancelledError):
        asyncio.run(agent.arun("x", cancel=token))


def test_cancel_mid_stream_stops_after_the_running_tool():
    ran = []

    def slow(step: int) -> str:
        """Takes a while."""
        time.sleep(0.2)
        ran.append(step)
        return "done"

    model = alith.ScriptedModel(replies=[{"tool": "slow", "arguments": {"step": 1}},
                                         {"tool": "slow", "arguments": {"step": 2}}, "never"])
    token = alith.CancelToken()
    seen = []
    with pytest.raises(alith.CancelledError):
        for event in alith.Agent(model=model, tools=[slow]).stream("go", cancel=token):
            seen.append(event.kind)
            if event.kind == "tool_call_started":
                token.cancel()
    # The first tool either ran or saw the token first (the cancel races with its start); nothing after it ran.
    assert 2 not in ran
    assert "final_answer" not in seen
    assert model.calls == 1


def test_cancel_mid_stream_against_llama_server(server_model):
    agent = alith.Agent(model=server_model, max_tokens=400, temperature=0.0)
    token = alith.CancelToken()
    deltas = 0
    start = time.monotonic()
    with pytest.raises(alith.CancelledError):
        for event in agent.stream("Write a long story about a dragon and a knight.", cancel=token):
            if event.kind == "text_delta":
                deltas += 1
                if deltas == 3:
                    token.cancel()
    assert deltas >= 3
    assert time.monotonic() - start < 30


def test_cancelling_the_asyncio_task_cancels_the_run():
    started = []

    def slow() -> str:
        started.append(1)
        time.sleep(0.3)
        return "late"

    model = alith.ScriptedModel(replies=[{"tool": "slow", "arguments": {}}, "next"])
    agent = alith.Agent(model=model, tools=[slow])
    token = alith.CancelToken()

    async def main():
        task = asyncio.create_task(agent.arun("x", cancel=token))
        while not started:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert token.cancelled
    time.sleep(0.5)
    assert model.calls == 1  # the run stopped after the tool instead of calling the model again
