"""JSON Schema from Python type hints and docstrings (for tools and the extractor).

Types: int -> integer, float -> number, str -> string, bool -> boolean, None -> null, list[T]/Sequence[T]/
tuple[T, ...] -> array, dict[str, T] -> object with additionalProperties, Optional[T]/T | None -> anyOf with
null (and not required when it has a default), Literal[...] -> enum, Enum subclasses -> enum of values,
TypedDict, dataclasses and pydantic BaseModel classes -> objects, Any -> {} (any value).
Docstrings: the first paragraph is the description; Google-style "Args:" sections and numpy-style
"Parameters" sections give parameter descriptions; ":param x: text" (Sphinx) works too.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import re
import sys
import typing
from typing import Any, Callable, Dict, List, Optional, Tuple, get_type_hints

__all__ = ["schema_of_type", "function_schema", "parse_docstring", "is_pydantic_model"]

try:  # Python 3.10+: X | Y
    from types import UnionType as _UnionType  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    _UnionType = None  # type: ignore[assignment,misc]

_NoneType = type(None)


def is_pydantic_model(tp: Any) -> bool:
    """Whether tp is a pydantic BaseModel subclass (False when pydantic is not installed)."""
    if not inspect.isclass(tp):
        return False
    pydantic = sys.modules.get("pydantic")
    if pydantic is None:
        return False
    return issubclass(tp, pydantic.BaseModel)


def _is_typeddict(tp: Any) -> bool:
    return inspect.isclass(tp) and issubclass(tp, dict) and hasattr(tp, "__annotations__") and hasattr(
        tp, "__total__")


def _inline_refs(schema: Dict[str, Any]) -> Dict[str, Any]:
    """pydantic's $defs/$ref inlined: small models' tool schemas read better flat and every provider takes them."""
    defs = schema.get("$defs") or schema.get("definitions") or {}

    def walk(node: Any, depth: int = 0) -> Any:
        if depth > 32:
            return node
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(("#/$defs/", "#/definitions/")):
                target = defs.get(ref.split("/")[-1], {})
                merged = {k: v for k, v in node.items() if k != "$ref"}
                merged.update(walk(target, depth + 1))
                return merged
            return {k: walk(v, depth + 1) for k, v in node.items() if k not in ("$defs", "definitions")}
        if isinstance(node, list):
            return [walk(v, depth + 1) for v in node]
        return node

    return walk(schema)


def _strip_titles(node: Any) -> Any:
    if isinstance(node, dict):
        props = node.get("properties")
        out = {k: _strip_titles(v) for k, v in node.items() if k != "title" and k != "properties"}
        if isinstance(props, dict):
            out["properties"] = {name: _strip_titles(v) for name, v in props.items()}
        return out
    if isinstance(node, list):
        return [_strip_titles(v) for v in node]
    return node


def pydantic_schema(model: Any) -> Dict[str, Any]:
    """A pydantic model's JSON Schema, refs inlined and titles dropped."""
    return _strip_titles(_inline_refs(model.model_json_schema()))


def _object_schema(fields: Dict[str, Tuple[Any, bool]], descriptions: Dict[str, str], depth: int) -> Dict[str, Any]:
    props: Dict[str, Any] = {}
    required: List[str] = []
    for name, (tp, is_required) in fields.items():
        s = schema_of_type(tp, depth + 1)
        if name in descriptions and descriptions[name]:
            s = {**s, "description": descriptions[name]}
        props[name] = s
        if is_required:
            required.append(name)
    out: Dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = required
    return out


def schema_of_type(tp: Any, depth: int = 0) -> Dict[str, Any]:
    """The JSON Schema of a type hint."""
    if depth > 32:
        raise ValueError("type nests too deeply for a JSON Schema")
    if tp is inspect.Parameter.empty or tp is Any or tp is object:
        return {}
    if tp is None or tp is _NoneType:
        return {"type": "null"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if tp is str:
        return {"type": "string"}
    if tp is bytes:
        return {"type": "string"}
    if tp is list or tp is tuple or tp is set:
        return {"type": "array"}
    if tp is dict:
        return {"type": "object"}
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        s = schema_of_type(args[0], depth + 1)
        for extra in args[1:]:
            if isinstance(extra, str):
                s = {**s, "description": extra}
            elif isinstance(extra, dict):
                s = {**s, **extra}
        return s
    if origin is typing.Union or (_UnionType is not None and origin is _UnionType):
        non_null = [a for a in args if a is not _NoneType]
        if len(non_null) == 1 and len(args) == 2:
            return {"anyOf": [schema_of_type(non_null[0], depth + 1), {"type": "null"}]}
        return {"anyOf": [schema_of_type(a, depth + 1) for a in args]}
    if origin is typing.Literal:
        values = list(args)
        s: Dict[str, Any] = {"enum": values}
        kinds = {type(v) for v in values}
        if kinds == {str}:
            s["type"] = "string"
        elif kinds == {int}:
            s["type"] = "integer"
        elif kinds == {bool}:
            s["type"] = "boolean"
        return s
    if origin in (list, set, frozenset) or origin in (typing.Sequence, typing.List) or (
            origin is not None and getattr(origin, "__name__", "") in ("Sequence", "Iterable", "MutableSequence")):
        return {"type": "array", "items": schema_of_type(args[0], depth + 1)} if args else {"type": "array"}
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": schema_of_type(args[0], depth + 1)}
        if args:
            return {"type": "array", "prefixItems": [schema_of_type(a, depth + 1) for a in args],
                    "minItems": len(args), "maxItems": len(args)}
        return {"type": "array"}
    if origin in (dict, typing.Mapping) or (origin is not None and getattr(origin, "__name__", "") == "Mapping"):
        if len(args) == 2:
            return {"type": "object", "additionalProperties": schema_of_type(args[1], depth + 1)}
        return {"type": "object"}
    if inspect.isclass(tp) and issubclass(tp, enum.Enum):
        values = [m.value for m in tp]
        s = {"enum": values}
        if all(isinstance(v, str) for v in values):
            s["type"] = "string"
        elif all(isinstance(v, int) for v in values):
            s["type"] = "integer"
        return s
    if is_pydantic_model(tp):
        return pydantic_schema(tp)
    if _is_typeddict(tp):
        hints = get_type_hints(tp, include_extras=True)
        required_keys = getattr(tp, "__required_keys__", set(hints) if tp.__total__ else set())
        fields = {name: (hint, name in required_keys) for name, hint in hints.items()}
        return _object_schema(fields, parse_docstring(tp.__doc__ or "")[1], depth)
    if dataclasses.is_dataclass(tp) and inspect.isclass(tp):
        hints = get_type_hints(tp, include_extras=True)
        fields = {}
        for f in dataclasses.fields(tp):
            has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
            fields[f.name] = (hints.get(f.name, Any), not has_default)
        return _object_schema(fields, parse_docstring(tp.__doc__ or "")[1], depth)
    raise TypeError(f"no JSON Schema for type {tp!r}")


_SECTION = re.compile(r"^\s*(Args|Arguments|Parameters|Params|Returns|Return|Yields|Raises|Examples?|Notes?|"
                      r"Attributes|See Also|Keyword Args|Keyword Arguments)\s*:?\s*$")


def parse_docstring(doc: str) -> Tuple[str, Dict[str, str]]:
    """(description, {parameter: description}) from a Google-, numpy- or Sphinx-style docstring."""
    doc = inspect.cleandoc(doc or "")
    if not doc:
        return "", {}
    lines = doc.splitlines()
    params: Dict[str, str] = {}
    desc_lines: List[str] = []
    i = 0
    # The description: everything before the first section header or :param field, paragraphs joined.
    while i < len(lines):
        line = lines[i]
        if _SECTION.match(line) or line.strip().startswith(":param") or line.strip().startswith(":return"):
            break
        desc_lines.append(line)
        i += 1
    description = "\n".join(desc_lines).strip()
    # Keep the first paragraph only: later prose is usually detail a model does not need.
    description = description.split("\n\n")[0].replace("\n", " ").strip()
    section = None
    current: Optional[str] = None
    numpy_style = False
    while i < len(lines):
        line = lines[i]
        m = _SECTION.match(line)
        stripped = line.strip()
        if m:
            section = m.group(1).lower()
            current = None
            numpy_style = i + 1 < len(lines) and set(lines[i + 1].strip()) == {"-"}
            if numpy_style:
                i += 1
            i += 1
            continue
        sphinx = re.match(r"^:param\s+(?:[^:]*\s)?(\w+)\s*:\s*(.*)$", stripped)
        if sphinx:
            current = sphinx.group(1)
            params[current] = sphinx.group(2).strip()
            section = "sphinx"
            i += 1
            continue
        if section in ("args", "arguments", "parameters", "params", "keyword args", "keyword arguments"):
            indent = len(line) - len(line.lstrip())
            if numpy_style:
                head = re.match(r"^(\w+)\s*(?::.*)?$", stripped)
                if indent == 0 and head:
                    current = head.group(1)
                    params[current] = ""
                elif current and stripped:
                    params[current] = (params[current] + " " + stripped).strip()
            else:
                head = re.match(r"^\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$", stripped)
                if head and indent <= 4:
                    current = head.group(1)
                    params[current] = head.group(2).strip()
                elif current and stripped:
                    params[current] = (params[current] + " " + stripped).strip()
        elif section == "sphinx" and current and stripped and not stripped.startswith(":"):
            params[current] = (params[current] + " " + stripped).strip()
        i += 1
    return description, params


def function_schema(fn: Callable[..., Any]) -> Tuple[str, Dict[str, Any], List[str]]:
    """(description, JSON Schema of the parameters, parameter names) of a function. A single parameter annotated
    with a pydantic model or TypedDict/dataclass stays one named parameter (its object schema nested)."""
    sig = inspect.signature(fn)
    try:
        hints = get_type_hints(fn, include_extras=True)
    except Exception:  # unresolvable forward references: fall back to the raw annotations
        hints = {name: p.annotation for name, p in sig.parameters.items()}
    description, param_docs = parse_docstring(fn.__doc__ or "")
    props: Dict[str, Any] = {}
    required: List[str] = []
    names: List[str] = []
    for name, p in sig.parameters.items():
        if p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        if name in ("self", "cls"):
            continue
        tp = hints.get(name, p.annotation)
        s = schema_of_type(tp)
        optional_hint = False
        origin = typing.get_origin(tp)
        if origin is typing.Union or (_UnionType is not None and origin is _UnionType):
            optional_hint = _NoneType in typing.get_args(tp)
        if p.default is not inspect.Parameter.empty:
            if p.default is not None and isinstance(p.default, (str, int, float, bool)):
                s = {**s, "default": p.default}
        if optional_hint and p.default is not inspect.Parameter.empty:
            # An optional parameter with a default: the model may leave it out, so offer the plain type.
            non_null = [a for a in typing.get_args(tp) if a is not _NoneType]
            if len(non_null) == 1:
                s = {**schema_of_type(non_null[0]), **{k: v for k, v in s.items() if k not in ("anyOf",)}}
        if param_docs.get(name):
            s = {**s, "description": param_docs[name]}
        props[name] = s
        names.append(name)
        if p.default is inspect.Parameter.empty:
            required.append(name)
    schema: Dict[str, Any] = {"type": "object", "properties": props}
    if required:
        schema["required"] = required
    return description, schema, names
