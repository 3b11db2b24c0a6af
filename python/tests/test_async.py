"""asyncio: arun/aprompt, 10 agents at once, async extraction."""

from __future__ import annotations

import asyncio
import time

import alith


def test_arun_and_aprompt():
    agent = alith.Agent(model="echo:a")

    async def main():
        result = await agent.arun("hello")
        return result, await agent.aprompt("world")

    result, answer = asyncio.run(main())
    assert result.answer == "hello" and result.steps == 1
    assert answer == "world"


def test_ten_agents_at_once_on_the_scripted_model():
    def double(n: int) -> int:
        """Doubles n."""
        return 2 * n

    agents = [alith.Agent(model=alith.ScriptedModel(replies=[{"tool": "double", "arguments": {"n": i}}]),
                          tools=[double], name=f"a{i}") for i in range(10)]

    async def main():
        return await asyncio.gather(*(a.arun(f"q{i}") for i, a in enumerate(agents)))

    results = asyncio.run(main())
    for i, r in enumerate(results):
        assert r.answer == f"q{i}"  # the script is used up: the model echoes the prompt
        assert next(m for m in r.transcript if m["role"] == "tool")["content"] == str(2 * i)


def test_the_loop_stays_free_while_runs_go_on():
    def slow() -> str:
        time.sleep(0.3)
        return "late"

    agent = alith.Agent(model=alith.ScriptedModel(replies=[{"tool": "slow", "arguments": {}}, "ok"]), tools=[slow])

    async def main():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        t = asyncio.create_task(ticker())
        answer = await agent.aprompt("x")
        t.cancel()
        return answer, ticks

    answer, ticks = asyncio.run(main())
    assert answer == "ok"
    assert ticks >= 10


def test_errors_propagate_through_await():
    def noop() -> str:
        return "x"

    agent = alith.Agent(model=alith.ScriptedModel(replies=[{"tool": "noop", "arguments": {}}] * 3), tools=[noop],
                        max_steps=1)

    async def main():
        try:
            await agent.arun("x")
        except alith.MaxStepsError as e:
            return e

    assert isinstance(asyncio.run(main()), alith.MaxStepsError)


def test_ten_agents_at_once_against_llama_server(server_model):
    agents = [alith.Agent(model=server_model, preamble="Reply with one word.", max_tokens=8, temperature=0.0,
                          name=f"s{i}") for i in range(10)]

    async def main():
        return await asyncio.gather(*(a.aprompt(f"Say the number {i}.") for i, a in enumerate(agents)))

    answers = asyncio.run(main())
    assert len(answers) == 10
    assert all(isinstance(a, str) for a in answers)
    assert sum(1 for a in answers if a.strip()) >= 8
