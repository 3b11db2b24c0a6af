"""The agent with two Python tools: on the scripted model (deterministic tool loop), against llama-server and on
the in-process local model."""

from __future__ import annotations

import threading
import time

import pytest

import alith

WEATHER_PREAMBLE = "You answer questions about the weather using tools. Call get_weather for the city asked about."


def make_tools(calls: list):
    def get_weather(city: str) -> str:
        """Current weather of a city.

        Args:
            city: the city name, e.g. Paris
        """
        calls.append(("get_weather", city))
        return f"Sunny, 21 C in {city}"

    def get_time(city: str) -> dict:
        """Local time of a city.

        Args:
            city: the city name
        """
        calls.append(("get_time", city))
        return {"city": city, "time": "12:00"}

    return [get_weather, get_time]


def test_scripted_tool_loop_runs_both_python_tools():
    calls: list = []
    model = alith.ScriptedModel(replies=[
        {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}},
                        {"name": "get_time", "arguments": {"city": "Paris"}}]},
        "It is sunny in Paris at noon.",
    ])
    agent = alith.Agent(model=model, preamble="terse", tools=make_tools(calls))
    result = agent.run("Weather and time in Paris?")
    assert result.answer == "It is sunny in Paris at noon."
    assert result.steps == 2
    assert sorted(calls) == [("get_time", "Paris"), ("get_weather", "Paris")]
    roles = [m["role"] for m in result.transcript]
    assert roles == ["system", "user", "assistant", "tool", "tool", "assistant"]
    tool_msgs = [m for m in result.transcript if m["role"] == "tool"]
    assert tool_msgs[0]["content"] == "Sunny, 21 C in Paris"
    assert '"time":"12:00"' in tool_msgs[1]["content"].replace(" ", "")
    assert result.transcript[2]["tool_calls"][0]["name"] == "get_weather"
    assert model.calls == 2


def test_tool_specs_come_from_hints_and_docstrings():
    agent = alith.Agent(model="echo:x", tools=make_tools([]))
    specs = {s["name"]: s for s in agent.tool_specs}
    assert specs["get_weather"]["description"] == "Current weather of a city."
    assert specs["get_weather"]["parameters"]["properties"]["city"] == {
        "type": "string", "description": "the city name, e.g. Paris"}
    assert specs["get_weather"]["parameters"]["required"] == ["city"]


def test_tool_that_raises_becomes_an_error_result_and_the_run_continues():
    def explode(reason: str) -> str:
        """Always fails."""
        raise RuntimeError(f"boom: {reason}")

    model = alith.ScriptedModel(replies=[{"tool": "explode", "arguments": {"reason": "test"}}, "recovered"])
    result = alith.Agent(model=model, tools=[explode]).run("go")
    assert result.answer == "recovered"
    tool_msg = next(m for m in result.transcript if m["role"] == "tool")
    assert tool_msg["is_error"] is True
    assert "RuntimeError: boom: test" in tool_msg["content"]
    assert "Traceback" not in tool_msg["content"]


def test_invalid_arguments_and_unknown_tools_are_error_results():
    def square(x: int) -> int:
        return x * x

    model = alith.ScriptedModel(replies=[{"tool": "square", "arguments": {"x": "nope"}},
                                         {"tool": "missing", "arguments": {}}, "done"])
    result = alith.Agent(model=model, tools=[square]).run("go")
    errors = [m for m in result.transcript if m["role"] == "tool"]
    assert [m.get("is_error") for m in errors] == [True, True]
    assert result.answer == "done"


def test_max_steps_error_carries_the_transcript():
    def noop() -> str:
        return "again"

    model = alith.ScriptedModel(replies=[{"tool": "noop", "arguments": {}}] * 5)
    with pytest.raises(alith.MaxStepsError) as info:
        alith.Agent(model=model, tools=[noop], max_steps=2).run("loop")
    assert info.value.code == "max_steps"
    assert info.value.transcript[-1]["role"] == "tool"


def test_hooks_veto_and_rewrite():
    ran = []

    def secret() -> str:
        ran.append(1)
        return "classified"

    def before(call):
        return "not allowed" if call["name"] == "secret" else None

    seen = []
    model = alith.ScriptedModel(replies=[{"tool": "secret", "arguments": {}}, "ok"])
    agent = alith.Agent(model=model, tools=[secret], before_tool=before,
                        after_tool=lambda call, content, is_error: seen.append((content, is_error)))
    result = agent.run("x")
    assert ran == []
    assert seen == [("not allowed", True)]
    assert next(m for m in result.transcript if m["role"] == "tool")["content"] == "not allowed"


def test_tools_run_on_other_threads_with_the_gil():
    threads = set()

    def where(n: int) -> int:
        threads.add(threading.get_ident())
        return n

    model = alith.ScriptedModel(replies=[
        {"tool_calls": [{"name": "where", "arguments": {"n": i}} for i in range(4)]}, "done"])
    assert alith.Agent(model=model, tools=[where]).prompt("x") == "done"
    assert len(threads) >= 1


def test_memory_keeps_earlier_turns():
    memory = alith.WindowMemory(10)
    agent = alith.Agent(model="echo:mem", memory=memory)
    assert agent.prompt("first") == "first"
    assert agent.prompt("second") == "second"
    assert [m["content"] for m in memory.messages()] == ["first", "first", "second", "second"]
    assert len(memory) == 4
    memory.clear()
    assert memory.messages() == []


def test_native_tools_and_decorated_tools_mix():
    @alith.tool(name="add_numbers", description="Adds.")
    def add(a: float, b: float) -> float:
        return a + b

    calc = alith.builtin_tool("calculator")
    model = alith.ScriptedModel(replies=[{"tool_calls": [{"name": "add_numbers", "arguments": {"a": 1, "b": 2}},
                                                         {"name": "calculator", "arguments": {"expression": "2^10"}}]},
                                         "fine"])
    result = alith.Agent(model=model, tools=[add, calc]).run("x")
    contents = [m["content"] for m in result.transcript if m["role"] == "tool"]
    assert contents[0] == "3.0"
    assert "1024" in contents[1]
    assert add(2, 3) == 5


def _check_weather_run(result, calls):
    assert any(name == "get_weather" for name, _ in calls), calls
    assert result.steps >= 2
    tool_msgs = [m for m in result.transcript if m["role"] == "tool"]
    assert tool_msgs and not tool_msgs[0].get("is_error"), tool_msgs
    assert result.transcript[-1]["role"] == "assistant"
    assert result.answer == result.transcript[-1]["content"]
    assert result.usage["total_tokens"] > 0


def test_agent_with_two_python_tools_against_llama_server(server_model):
    calls: list = []
    agent = alith.Agent(model=server_model, preamble=WEATHER_PREAMBLE, tools=make_tools(calls),
                        tool_choice="required", max_steps=2, answer_on_last_step=True, temperature=0.0,
                        max_tokens=64)
    _check_weather_run(agent.run("What is the weather in Paris?"), calls)


def test_same_agent_on_the_in_process_local_model(local_model):
    calls: list = []
    agent = alith.Agent(model=local_model, preamble=WEATHER_PREAMBLE, tools=make_tools(calls),
                        tool_choice="required", max_steps=2, answer_on_last_step=True, temperature=0.0,
                        max_tokens=64)
    _check_weather_run(agent.run("What is the weather in Paris?"), calls)


def test_the_gil_is_released_while_the_model_works(server_model):
    import threading as th

    ticks = 0
    stop = th.Event()

    def spin():  # ticks only while it can take the GIL (sleeping, so it leaves the CPU to the model)
        nonlocal ticks
        while not stop.wait(0.002):
            ticks += 1

    t = th.Thread(target=spin)
    t.start()
    try:
        start_ticks = ticks
        began = time.monotonic()
        alith.Agent(model=server_model, max_tokens=32, temperature=0.0).prompt("Count from one to ten.")
        elapsed = time.monotonic() - began
        progressed = ticks - start_ticks
    finally:
        stop.set()
        t.join()
    # A Python thread kept running during the HTTP call (held, the GIL would have stopped it entirely).
    assert progressed >= min(10, elapsed / 0.002 / 4), (progressed, elapsed)
