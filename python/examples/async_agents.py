"""Ten agents at once with asyncio.gather (the runs go on native threads; the GIL is free meanwhile).

    python python/examples/async_agents.py [model-ref]
"""

import asyncio
import sys
import time

import alith


async def main(ref: str) -> None:
    model = alith.chat_model(ref)  # one model object serves every agent (thread-safe)
    cities = ["Paris", "Tokyo", "Lima", "Oslo", "Cairo", "Perth", "Quito", "Seoul", "Dakar", "Riga"]
    agents = [alith.Agent(model=model, preamble="Answer in one sentence.", max_tokens=48, name=c) for c in cities]
    start = time.perf_counter()
    answers = await asyncio.gather(*(a.aprompt(f"Name one thing {c} is known for.") for a, c in zip(agents, cities)))
    for city, answer in zip(cities, answers):
        print(f"{city}: {answer.strip()}")
    print(f"{len(answers)} answers in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "local:gemma3-270m"))
