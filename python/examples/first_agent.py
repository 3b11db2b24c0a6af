"""A first agent with two Python tools.

    python python/examples/first_agent.py                       # the in-process local model (scripts/setup)
    python python/examples/first_agent.py openai:gpt-4o-mini    # any model reference (OPENAI_API_KEY set)
    ALITH_BASE_URL=http://127.0.0.1:8080/v1 python python/examples/first_agent.py gemma   # a llama-server
"""

import os
import sys

import alith


def get_weather(city: str) -> str:
    """Current weather of a city.

    Args:
        city: the city name, e.g. Paris
    """
    return f"Sunny, 21 C in {city}"


def convert_temperature(celsius: float) -> float:
    """Converts Celsius to Fahrenheit.

    Args:
        celsius: the temperature in degrees Celsius
    """
    return celsius * 9 / 5 + 32


def main() -> None:
    ref = sys.argv[1] if len(sys.argv) > 1 else "local:gemma3-270m"
    base_url = os.environ.get("ALITH_BASE_URL")
    agent = alith.Agent(
        model=ref,
        base_url=base_url,
        preamble="You answer questions about the weather using tools.",
        tools=[get_weather, convert_temperature],
        tool_choice="required",  # small local models call tools reliably only when asked to
        max_steps=3,
        answer_on_last_step=True,
        temperature=0.0,
        max_tokens=64,
    )
    result = agent.run("What is the weather in Paris?")
    for message in result.transcript:
        if message["role"] == "tool":
            print(f"  tool {message['name']}: {message['content']}")
    print(result.answer)


if __name__ == "__main__":
    main()
