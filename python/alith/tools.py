"""Tools from plain Python functions.

Any callable works as a tool (``Agent(tools=[fn])``); ``@alith.tool`` lets you name it, describe it or give its
schema. The JSON Schema of the arguments comes from the type hints, the description and the parameter
descriptions from the docstring (see alith.schema). Sync and ``async def`` functions both work: an async tool
runs to completion on a private event loop of the thread the agent runs the tool on.

A tool returns a str (the model sees it verbatim) or anything JSON-like (dicts, lists, numbers, pydantic models,
dataclasses), which the model sees as JSON. ``None`` reads as "ok". When it raises, the model gets an error result
"<ExceptionType>: <message>" (never the traceback) and the run goes on.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import functools
import inspect
import re
import threading
import typing
from typing import Any, Callable, Dict, List, Optional, TypeVar, Union, overload

from . import _native
from .schema import function_schema, is_pydantic_model

__all__ = ["FunctionTool", "tool", "to_native_tool", "to_jsonable"]

F = TypeVar("F", bound=Callable[..., Any])


def to_jsonable(value: Any) -> Any:
    """A tool's (or a node's) return value as something the core turns into JSON."""
    if value is None:
        return "ok"
    if isinstance(value, (str, int, float, bool)):
        return value
    if is_pydantic_model(type(value)):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    return _plain(value)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if is_pydantic_model(type(value)):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    return str(value)


def _run_coroutine(coro: Any) -> Any:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    # Called on a thread that already runs a loop (a direct call from async code): use a thread of its own.
    box: Dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as e:  # noqa: BLE001 - re-raised below on the caller's thread
            box["error"] = e

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _coercer(tp: Any) -> Optional[Callable[[Any], Any]]:
    """How to turn a JSON argument into the annotated type, for types JSON cannot carry as they are."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _coercer(typing.get_args(tp)[0])
    if origin is Union:
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(inner) == 1:
            c = _coercer(inner[0])
            if c is not None:
                return lambda v: None if v is None else c(v)
        return None
    if is_pydantic_model(tp):
        return tp.model_validate
    if inspect.isclass(tp) and issubclass(tp, enum.Enum):
        return tp
    if dataclasses.is_dataclass(tp) and inspect.isclass(tp):
        return lambda v: tp(**v) if isinstance(v, dict) else v
    if tp is float:
        return lambda v: float(v) if isinstance(v, int) and not isinstance(v, bool) else v
    if origin in (list, typing.List) and typing.get_args(tp):
        c = _coercer(typing.get_args(tp)[0])
        if c is not None:
            return lambda v: [c(x) for x in v] if isinstance(v, list) else v
    return None


class FunctionTool:
    """A Python function as an alith tool; calling it calls the function."""

    def __init__(self, fn: Callable[..., Any], *, name: Optional[str] = None, description: Optional[str] = None,
                 schema: Optional[Dict[str, Any]] = None) -> None:
        self.fn = fn
        # A default name is made acceptable to providers ("<lambda>" -> "lambda"); an explicit one is checked as given.
        self.name: str = name or (re.sub(r"[^A-Za-z0-9_-]", "", getattr(fn, "__name__", "")) or "tool")[:64]
        desc, derived, _ = function_schema(fn)
        self.description: str = description if description is not None else desc
        self.parameters: Dict[str, Any] = schema if schema is not None else derived
        try:
            hints = typing.get_type_hints(fn, include_extras=True)
        except Exception:  # noqa: BLE001
            hints = {}
        self._coerce = {k: c for k, c in ((k, _coercer(v)) for k, v in hints.items() if k != "return") if c}
        self._is_async = inspect.iscoroutinefunction(fn)
        functools.update_wrapper(self, fn)  # type: ignore[arg-type]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)

    def _handle(self, args: Dict[str, Any]) -> Any:
        kwargs = {k: (self._coerce[k](v) if k in self._coerce else v) for k, v in args.items()}
        result = self.fn(**kwargs)
        if inspect.isawaitable(result):
            result = _run_coroutine(result)
        return to_jsonable(result)

    @property
    def native(self) -> _native.Tool:
        """A core Tool calling this function. Made anew on each access and not kept here: the native tool holds
        this object, and a reference back would be a cycle through C++ that Python's collector cannot see."""
        return _native.make_tool(self.name, self.description, self.parameters, self._handle)

    def invoke(self, arguments: Dict[str, Any]) -> Dict[str, Any]:
        """Runs the tool as an agent would: {'content': str, 'is_error': bool}."""
        return self.native.invoke(arguments)

    def __repr__(self) -> str:
        return f"FunctionTool({self.name!r})"


@overload
def tool(fn: F) -> FunctionTool: ...


@overload
def tool(*, name: Optional[str] = None, description: Optional[str] = None,
         schema: Optional[Dict[str, Any]] = None) -> Callable[[F], FunctionTool]: ...


def tool(fn: Optional[Callable[..., Any]] = None, *, name: Optional[str] = None, description: Optional[str] = None,
         schema: Optional[Dict[str, Any]] = None) -> Union[FunctionTool, Callable[[Callable[..., Any]], FunctionTool]]:
    """Makes a function a tool: ``@tool`` or ``@tool(name=..., description=..., schema=...)``."""
    if fn is not None:
        return FunctionTool(fn, name=name, description=description, schema=schema)
    return lambda f: FunctionTool(f, name=name, description=description, schema=schema)


def to_native_tool(obj: Any) -> _native.Tool:
    """The core Tool for anything accepted in ``tools=``: a native Tool, a FunctionTool, an object with a native
    ``._native`` Tool, a LangChain tool (when langchain-core is installed) or a plain callable."""
    if isinstance(obj, _native.Tool):
        return obj
    if isinstance(obj, FunctionTool):
        return obj.native
    inner = getattr(obj, "_native", None)
    if isinstance(inner, _native.Tool):
        return inner
    import sys
    lc = sys.modules.get("langchain_core.tools")
    if lc is not None and isinstance(obj, lc.BaseTool):
        from .langchain import from_langchain_tool
        return from_langchain_tool(obj).native
    if callable(obj):
        return FunctionTool(obj).native
    raise TypeError(f"not a tool: {obj!r}")


def to_native_tools(objs: Optional[List[Any]]) -> List[_native.Tool]:
    return [to_native_tool(o) for o in (objs or [])]
