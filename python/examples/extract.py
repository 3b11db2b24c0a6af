"""Structured extraction into a pydantic model (pip install pydantic) or a JSON Schema dict.

    python python/examples/extract.py [model-ref]
"""

import sys
from typing import Optional

import pydantic

import alith


class Person(pydantic.BaseModel):
    name: str
    age: Optional[int] = None
    occupation: Optional[str] = None


def main() -> None:
    ref = sys.argv[1] if len(sys.argv) > 1 else "local:gemma3-270m"
    text = "Ada Lovelace, aged 36, was a mathematician."
    try:
        person = alith.Extractor(ref, Person, max_tokens=96, temperature=0.0, repair_attempts=2).extract(text)
        print(repr(person))
    except alith.SchemaError as e:  # a 270M-parameter model does not always manage; bigger ones do
        print(f"no valid Person from this model: {e}")
    as_dict = alith.Extractor(ref, {"type": "object", "properties": {"name": {"type": "string"}},
                                    "required": ["name"]}, max_tokens=48).extract(text)
    print(as_dict)


if __name__ == "__main__":
    main()
