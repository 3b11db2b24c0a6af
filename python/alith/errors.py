"""The exception hierarchy of alith. Every error of the C++ core arrives as an AlithError subclass chosen by its
code; ``err.code`` is the core's lower-case code string (``"timeout"``, ``"provider"``, ...)."""

from __future__ import annotations

import builtins
from typing import Any, Dict, List, Optional, Type

__all__ = [
    "AlithError", "ProviderError", "RateLimitedError", "TimeoutError", "ParseError", "SchemaError", "ToolError",
    "IoError", "ChainError", "CryptoError", "CancelledError", "ConfigError", "InvalidArgumentError",
    "TooLargeError", "MaxStepsError", "UnsupportedError", "error_class",
]


class AlithError(Exception):
    """Base of every alith error. ``code`` names the kind of failure."""

    code: str = "error"

    def __init__(self, message: str = "", *args: Any) -> None:
        super().__init__(message, *args)

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __str__(self) -> str:
        return self.message


class ProviderError(AlithError):
    """A model provider answered with an error: ``status`` is the HTTP status (0 if none), ``body`` its text."""

    code = "provider"
    status: int = 0
    body: str = ""


class RateLimitedError(ProviderError):
    """HTTP 429 or a provider's rate-limit error; ``retry_after`` in seconds when the provider said."""

    code = "rate_limited"
    status = 429
    retry_after: Optional[float] = None


class TimeoutError(AlithError, builtins.TimeoutError):  # noqa: A001 - mirrors the core's name on purpose
    """A deadline passed (also a builtin TimeoutError)."""

    code = "timeout"

    def __str__(self) -> str:
        return self.message


class ParseError(AlithError):
    """Malformed input; ``offset`` is the byte position where parsing failed, when known."""

    code = "parse"
    offset: Optional[int] = None


class SchemaError(AlithError):
    """A value does not validate against its JSON Schema."""

    code = "schema"


class ToolError(AlithError):
    """A tool failed or was vetoed."""

    code = "tool"


class IoError(AlithError):
    """File system or network transport."""

    code = "io"


class ChainError(AlithError):
    """Blockchain RPC."""

    code = "chain"


class CryptoError(AlithError):
    """Keys, signatures, ciphers."""

    code = "crypto"


class CancelledError(AlithError):
    """A CancelToken fired."""

    code = "cancelled"


class ConfigError(AlithError):
    """Missing or invalid configuration (the message says what to set)."""

    code = "config"


class InvalidArgumentError(AlithError, ValueError):
    """The caller passed something the API cannot accept (also a ValueError)."""

    code = "invalid_argument"


class TooLargeError(AlithError):
    """A size cap was hit."""

    code = "too_large"


class MaxStepsError(AlithError):
    """The agent hit its step limit while the model still called tools. ``transcript`` is the conversation so
    far (list of message dicts), ``usage`` the tokens spent."""

    code = "max_steps"
    transcript: List[Dict[str, Any]] = []
    usage: Dict[str, int] = {}


class UnsupportedError(AlithError):
    """The feature is not available for this model, provider or build."""

    code = "unsupported"


_BY_CODE: Dict[str, Type[AlithError]] = {
    cls.code: cls
    for cls in (ProviderError, RateLimitedError, TimeoutError, ParseError, SchemaError, ToolError, IoError,
                ChainError, CryptoError, CancelledError, ConfigError, InvalidArgumentError, TooLargeError,
                MaxStepsError, UnsupportedError)
}


def error_class(code: str) -> Type[AlithError]:
    """The exception class for a core error code (AlithError for an unknown one)."""
    return _BY_CODE.get(code, AlithError)
