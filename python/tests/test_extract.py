"""The extractor: pydantic models, dataclasses, TypedDicts and JSON Schema dicts."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Optional, TypedDict

import pydantic

import alith


class Person(pydantic.BaseModel):
    name: str
    age: Optional[int] = None


@dataclasses.dataclass
class City:
    name: str
    country: str


class Pet(TypedDict):
    kind: str


def test_pydantic_model_in_instance_out():
    model = alith.ScriptedModel(replies=['{"name": "Ada Lovelace", "age": 36}'])
    person = alith.Extractor(model, Person).extract("Ada Lovelace, 36, mathematician")
    assert isinstance(person, Person)
    assert person == Person(name="Ada Lovelace", age=36)


def test_dict_schema_in_dict_out_and_repair():
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    model = alith.ScriptedModel(replies=['{"n": "three"}', '{"n": 3}'])
    ex = alith.Extractor(model, schema)
    assert ex.extract("three") == {"n": 3}
    assert model.calls == 2  # one repair attempt after the invalid value


def test_dataclass_and_typeddict():
    model = alith.ScriptedModel(replies=['{"name": "Paris", "country": "France"}', '{"kind": "cat"}'])
    assert alith.Extractor(model, City).extract("Paris, France") == City("Paris", "France")
    assert alith.Extractor(model, Pet).extract("a cat") == {"kind": "cat"}


def test_tool_call_mode():
    model = alith.ScriptedModel(replies=[{"tool": "extract", "arguments": {"name": "Bob"}}])
    assert alith.Extractor(model, Person, mode="tool_call").extract("Bob").name == "Bob"


def test_aextract():
    model = alith.ScriptedModel(replies=['{"name": "Grace"}'])

    async def main():
        return await alith.Extractor(model, Person).aextract("Grace Hopper")

    assert asyncio.run(main()) == Person(name="Grace")


def test_extract_against_llama_server(server_model):
    ex = alith.Extractor(server_model, Person, max_tokens=64, temperature=0.0)
    person = ex.extract("Ada Lovelace was 36 years old.")
    assert isinstance(person, Person)
    assert person.name
