"""Tool schemas from type hints, docstrings and pydantic models; tool results and async tools."""

from __future__ import annotations

import asyncio
import dataclasses
import enum
from typing import Dict, List, Literal, Optional, TypedDict

import pydantic
import pytest

import alith
from alith.schema import function_schema, parse_docstring, schema_of_type


class Unit(enum.Enum):
    C = "celsius"
    F = "fahrenheit"


class Point(TypedDict):
    x: int
    y: int


@dataclasses.dataclass
class Box:
    width: float
    label: str = "box"


class Order(pydantic.BaseModel):
    item: str
    quantity: int = 1
    notes: Optional[str] = None


def test_scalar_and_container_hints():
    def f(a: int, b: float, c: str, d: bool, e: List[int], g: Dict[str, float], h: Optional[str] = None,
          k: Literal["x", "y"] = "x", u: Unit = Unit.C, p: Point = None, bx: Box = None,
          t: "tuple[int, ...]" = ()) -> None:
        pass

    _, schema, names = function_schema(f)
    props = schema["properties"]
    assert props["a"] == {"type": "integer"}
    assert props["b"] == {"type": "number"}
    assert props["c"] == {"type": "string"}
    assert props["d"] == {"type": "boolean"}
    assert props["e"] == {"type": "array", "items": {"type": "integer"}}
    assert props["g"] == {"type": "object", "additionalProperties": {"type": "number"}}
    assert props["h"] == {"type": "string"}
    assert props["k"] == {"type": "string", "enum": ["x", "y"], "default": "x"}
    assert props["u"] == {"type": "string", "enum": ["celsius", "fahrenheit"]}
    assert props["p"]["properties"] == {"x": {"type": "integer"}, "y": {"type": "integer"}}
    assert props["p"]["required"] == ["x", "y"]
    assert props["bx"]["required"] == ["width"]
    assert props["t"] == {"type": "array", "items": {"type": "integer"}}
    assert schema["required"] == ["a", "b", "c", "d", "e", "g"]
    assert names[:3] == ["a", "b", "c"]


def test_google_numpy_and_sphinx_docstrings():
    google = """Finds flights.

    Longer text the model does not need.

    Args:
        origin (str): airport code
            of departure.
        dest: arrival code
    Returns:
        a list
    """
    assert parse_docstring(google) == ("Finds flights.", {"origin": "airport code of departure.",
                                                         "dest": "arrival code"})
    numpy = """Adds numbers.

    Parameters
    ----------
    a : int
        first
    b : int
        second
    """
    assert parse_docstring(numpy) == ("Adds numbers.", {"a": "first", "b": "second"})
    sphinx = """Greets.

    :param name: who to greet
    :returns: text
    """
    assert parse_docstring(sphinx) == ("Greets.", {"name": "who to greet"})


def test_pydantic_parameter_is_validated_into_the_model():
    seen = []

    @alith.tool
    def place(order: Order) -> Order:
        """Places an order."""
        seen.append(order)
        return order

    schema = place.parameters["properties"]["order"]
    assert schema["type"] == "object"
    assert schema["required"] == ["item"]
    assert "title" not in schema
    out = place.invoke({"order": {"item": "tea", "quantity": 2}})
    assert out["is_error"] is False
    assert isinstance(seen[0], Order) and seen[0].quantity == 2
    assert '"item":"tea"' in out["content"].replace(" ", "")


def test_schema_of_pydantic_model_inlines_refs():
    class Line(pydantic.BaseModel):
        sku: str

    class Cart(pydantic.BaseModel):
        lines: List[Line]

    s = schema_of_type(Cart)
    assert "$defs" not in s
    assert s["properties"]["lines"]["items"]["properties"]["sku"] == {"type": "string"}


def test_results_str_verbatim_json_otherwise_none_is_ok():
    assert alith.tool(lambda: "plain text").invoke({}) == {"content": "plain text", "is_error": False}
    assert alith.tool(lambda: {"a": [1, 2]}).invoke({})["content"].replace(" ", "") == '{"a":[1,2]}'
    assert alith.tool(lambda: None).invoke({})["content"] == "ok"
    assert alith.tool(lambda: Box(2.0)).invoke({})["content"].replace(" ", "") == '{"label":"box","width":2.0}'


def test_invalid_arguments_are_rejected_before_the_function_runs():
    ran = []

    @alith.tool
    def needs_int(n: int) -> int:
        ran.append(n)
        return n

    out = needs_int.invoke({"n": "x"})
    assert out["is_error"] is True
    assert ran == []


def test_async_tool_runs_to_completion():
    async def slow_add(a: int, b: int) -> int:
        """Adds slowly."""
        await asyncio.sleep(0.01)
        return a + b

    model = alith.ScriptedModel(replies=[{"tool": "slow_add", "arguments": {"a": 2, "b": 3}}, "done"])
    result = alith.Agent(model=model, tools=[slow_add]).run("x")
    assert next(m for m in result.transcript if m["role"] == "tool")["content"] == "5"


def test_bad_tool_names_are_invalid_arguments():
    with pytest.raises(alith.InvalidArgumentError):
        alith.Agent(model="echo:x", tools=[alith.tool(name="bad name!")(lambda: 1)])
    with pytest.raises(ValueError):  # InvalidArgumentError is a ValueError too
        alith.Agent(model="echo:x", tools=[alith.tool(name="bad name!")(lambda: 1)])


def test_duplicate_tool_names_are_rejected():
    def same() -> int:
        return 1

    with pytest.raises(alith.InvalidArgumentError):
        alith.Agent(model="echo:x", tools=[same, alith.tool(name="same")(lambda: 2)])
