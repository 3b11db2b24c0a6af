#!/usr/bin/env python3
"""Per-call overhead of the Python SDK: the agents of bench/sdk_overhead_bench.cpp (the C++ reference) driven from
Python. Prints microseconds per call, the median of several rounds, one line per case:

    python prompt_echo: 4.12 us/call
    python tool_step: 21.7 us/call

Run with the python of a venv where the alith package is installed (scripts/sdk-python --no-test prints it).
--json prints {"prompt_echo": us, "tool_step": us} instead.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

import alith


def per_call_us(fn, calls: int, rounds: int) -> float:
    for _ in range(min(calls, 1000)):  # warm-up
        fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter_ns() - start) / calls / 1000.0)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000, help="calls per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    echo_agent = alith.Agent(model=alith.ScriptedModel(), preamble="p")
    prompt = echo_agent._native.prompt  # what Agent.prompt calls; measured through the public method below too

    def echo_tool(text: str) -> str:
        """Returns its text."""
        return text

    model = alith.ScriptedModel()
    tool_agent = alith.Agent(model=model, preamble="p", tools=[echo_tool])

    def tool_step() -> None:
        model.push_tool_call("echo_tool", {"text": "x"})
        model.push_text("done")
        tool_agent.prompt("hi")

    async def awaited_calls(n: int) -> None:
        for _ in range(n):
            await echo_agent.aprompt("hi")

    def prompt_echo_async_us() -> float:
        # One event loop for all rounds; each call is an awaited aprompt (a native thread and a loop wake-up).
        n = max(1, args.calls // 10)
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(awaited_calls(min(n, 1000)))
            samples = []
            for _ in range(args.rounds):
                start = time.perf_counter_ns()
                loop.run_until_complete(awaited_calls(n))
                samples.append((time.perf_counter_ns() - start) / n / 1000.0)
            return statistics.median(samples)
        finally:
            loop.close()

    results = {
        "prompt_echo": per_call_us(lambda: echo_agent.prompt("hi"), args.calls, args.rounds),
        "prompt_echo_async": prompt_echo_async_us(),
        "prompt_echo_native": per_call_us(lambda: prompt("hi"), args.calls, args.rounds),
        "tool_step": per_call_us(tool_step, max(1, args.calls // 4), args.rounds),
    }
    if args.json:
        print(json.dumps(results))
    else:
        for name, us in results.items():
            print(f"python {name}: {us:.2f} us/call")


if __name__ == "__main__":
    main()
