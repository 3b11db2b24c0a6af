"""No leak over 10,000 calls on the echo model: RSS after 10,000 more calls stays within 5% of RSS after a
1,000-call warm-up."""

from __future__ import annotations

import gc
import os

import alith


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_no_leak_over_10000_calls():
    def echo(text: str) -> str:
        return text

    model = alith.ScriptedModel()
    agent = alith.Agent(model=model, tools=[echo], preamble="p")
    token = alith.CancelToken()

    def one(i: int) -> None:
        assert agent.prompt(f"call {i}", cancel=token) == f"call {i}"
        if i % 10 == 0:  # the tool path and the Python-built results too
            model.push_tool_call("echo", {"text": "x"})
            result = agent.run(f"tool {i}")
            assert result.transcript[-2]["content"] == "x"

    for i in range(1000):
        one(i)
    gc.collect()
    before = rss_bytes()
    for i in range(10000):
        one(i)
    gc.collect()
    after = rss_bytes()
    assert after <= before * 1.05, (before, after)
