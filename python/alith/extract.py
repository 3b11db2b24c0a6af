"""Structured extraction: a value that validates against a schema, or SchemaError.

``Extractor(model, schema)`` where schema is a pydantic model class (extract returns an instance), a dataclass
(an instance), a TypedDict (a dict) or a JSON Schema dict (a dict).
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
from typing import Any, Dict, Generic, Optional, Type, TypeVar, Union, overload

from . import _native
from ._native import CancelToken
from .models import ChatModel, as_chat_model
from .schema import is_pydantic_model, pydantic_schema, schema_of_type

__all__ = ["Extractor", "extract"]

T = TypeVar("T")


class Extractor(Generic[T]):
    """Extracts values of one schema from text with a model.

    Args:
        model: a ChatModel or a model reference.
        schema: a pydantic model class, dataclass, TypedDict or JSON Schema dict.
        mode: "auto" (by the model's capabilities), "response_format", "tool_call" or "prompt".
        instructions: the system prompt (a generic extraction instruction when empty).
        repair_attempts: how often the model may retry after an invalid value.
    """

    def __init__(self, model: Union[str, ChatModel, Any], schema: Union[Type[T], Dict[str, Any]], *,
                 mode: str = "auto", instructions: str = "", repair_attempts: int = 1,
                 max_tokens: Optional[int] = None, temperature: Optional[float] = None) -> None:
        self._target: Any = schema
        if isinstance(schema, dict):
            json_schema = schema
        elif is_pydantic_model(schema):
            json_schema = pydantic_schema(schema)
        else:
            json_schema = schema_of_type(schema)
        self.schema: Dict[str, Any] = json_schema
        sampling = {"temperature": temperature} if temperature is not None else None
        self._native = _native.NativeExtractor(as_chat_model(model), json_schema, mode=mode,
                                               instructions=instructions, repair_attempts=repair_attempts,
                                               max_tokens=max_tokens, sampling=sampling)

    def _convert(self, value: Any) -> Any:
        target = self._target
        if isinstance(target, dict):
            return value
        if is_pydantic_model(target):
            return target.model_validate(value)
        if dataclasses.is_dataclass(target) and inspect.isclass(target):
            return target(**value)
        return value

    def extract(self, text: str, *, cancel: Optional[CancelToken] = None) -> T:
        """The value extracted from text (SchemaError when the model cannot produce a valid one)."""
        return self._convert(self._native.extract(text, cancel=cancel))

    async def aextract(self, text: str, *, cancel: Optional[CancelToken] = None) -> T:
        """``extract`` for asyncio (runs on an executor thread, without the GIL while the model works)."""
        loop = asyncio.get_running_loop()
        token = cancel if cancel is not None else CancelToken()
        try:
            value = await loop.run_in_executor(None, lambda: self._native.extract(text, cancel=token))
        except asyncio.CancelledError:
            token.cancel()
            raise
        return self._convert(value)


def extract(model: Union[str, ChatModel, Any], schema: Union[Type[T], Dict[str, Any]], text: str, **kwargs: Any) -> T:
    """One-shot ``Extractor(model, schema, **kwargs).extract(text)``."""
    return Extractor(model, schema, **kwargs).extract(text)
