"""Streaming an agent's run, with an iterator and with an async iterator; Ctrl-C style cancellation.

    python python/examples/streaming.py [model-ref]
"""

import asyncio
import sys

import alith


def main() -> None:
    ref = sys.argv[1] if len(sys.argv) > 1 else "local:gemma3-270m"
    agent = alith.Agent(model=ref, preamble="You are a storyteller.", max_tokens=200)

    # Sync: events as they happen; stop after 40 text pieces (the run is cancelled, its thread joined).
    token = alith.CancelToken()
    pieces = 0
    try:
        for event in agent.stream("Tell a story about a lighthouse.", cancel=token):
            if event.kind == "text_delta":
                print(event.text, end="", flush=True)
                pieces += 1
                if pieces == 40:
                    token.cancel()
    except alith.CancelledError:
        print("\n[cancelled after 40 pieces]")

    # Async: the event loop stays free while the model works.
    async def run() -> None:
        async for event in agent.astream("Now a haiku about the sea."):
            if event.kind == "text_delta":
                print(event.text, end="", flush=True)
            elif event.kind == "final_answer":
                print()

    asyncio.run(run())


if __name__ == "__main__":
    main()
