"""One side of bench/pyalith_compare.py: the same agent (a preamble and two tools) asked the same questions
against an OpenAI-compatible server, through either this repository's Python SDK ("native") or the Alith
Python SDK from PyPI ("pyalith"). Prints one JSON line: wall seconds and peak RSS of this process.

Both sides send what the PyPI SDK sends by default (temperature 1.0, max_tokens 4076), so the server does the
same kind of work for each; the driver normalises by the tokens the server reports."""

import argparse
import json
import resource
import time

PREAMBLE = "You are a helpful assistant. Use the tools when they help, then answer in one sentence."
QUESTIONS = [
    "What is 17 plus 25?",
    "What is the weather in Paris?",
    "Add 3 and 4.",
    "What is the weather in Tokyo?",
]


def get_weather(city: str) -> str:
    """Returns the weather in a city."""
    return f"It is sunny in {city}."


def add(a: int, b: int) -> int:
    """Adds two integers."""
    return a + b


def make_agent(sdk: str, base_url: str, with_tools: bool):
    tools = [get_weather, add] if with_tools else []
    if sdk == "pyalith":
        from alith import Agent

        agent = Agent(model="gemma", base_url=base_url, api_key="none", preamble=PREAMBLE, tools=tools)
        return agent.prompt
    import alith

    model = alith.OpenAIModel(model="gemma", base_url=base_url, api_key="none")
    agent = alith.Agent(model=model, preamble=PREAMBLE, tools=tools, temperature=1.0, max_tokens=4076)
    return agent.prompt


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sdk", choices=["native", "pyalith"], required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-tools", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    prompt = make_agent(args.sdk, args.base_url, not args.no_tools)
    answers = []
    for _ in range(args.rounds):
        for question in QUESTIONS:
            try:
                answers.append(prompt(question)[:80])
            except BaseException as e:  # noqa: BLE001 (PyO3 panics are BaseExceptions); the turn still counts
                answers.append(f"error: {type(e).__name__}: {str(e)[:80]}")
    wall = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"sdk": args.sdk, "wall_s": wall, "peak_rss_mib": peak_kib / 1024, "answers": answers}))


if __name__ == "__main__":
    main()
