"""Errors of the C++ core arrive as the alith exception hierarchy."""

from __future__ import annotations

import builtins
import socket

import pytest

import alith
from alith import errors


def test_hierarchy():
    for cls in (alith.ProviderError, alith.RateLimitedError, alith.TimeoutError, alith.ParseError, alith.SchemaError,
                alith.ToolError, alith.IoError, alith.ChainError, alith.CryptoError, alith.CancelledError,
                alith.ConfigError, alith.InvalidArgumentError, alith.TooLargeError, alith.MaxStepsError,
                alith.UnsupportedError):
        assert issubclass(cls, alith.AlithError)
        assert errors.error_class(cls.code) is cls
    assert issubclass(alith.RateLimitedError, alith.ProviderError)
    assert issubclass(alith.TimeoutError, builtins.TimeoutError)
    assert issubclass(alith.InvalidArgumentError, ValueError)
    assert errors.error_class("unknown") is alith.AlithError


def test_invalid_argument_from_the_core():
    with pytest.raises(alith.InvalidArgumentError) as info:
        alith.chat_model("no-provider-prefix")
    assert info.value.code == "invalid_argument"
    with pytest.raises(alith.InvalidArgumentError):
        alith.Agent(model="echo:x", max_steps=0)


def test_config_error_names_what_to_set(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(alith.ConfigError) as info:
        alith.chat_model("nosuchprovider:model")
    assert "nosuchprovider" in str(info.value)


def test_provider_error_has_status_and_body(llama_server):
    model = alith.OpenAIModel(model="x", base_url=f"http://127.0.0.1:{llama_server.port}/v1/nothing-here")
    with pytest.raises(alith.ProviderError) as info:
        model.complete("hi")
    assert info.value.status == 404
    assert info.value.code == "provider"
    assert isinstance(info.value.body, str)


def test_io_error_when_nothing_listens():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    model = alith.OpenAIModel(model="x", base_url=f"http://127.0.0.1:{port}/v1")
    with pytest.raises(alith.AlithError) as info:
        model.complete("hi")
    assert info.value.code in ("io", "provider")


def test_timeout_is_also_builtin_timeout(llama_server):
    model = alith.OpenAIModel(model="gemma", base_url=llama_server.base_url)
    with pytest.raises(builtins.TimeoutError) as info:
        model.complete("Write a very long essay about the sea.", max_tokens=2000, timeout=0.05)
    assert isinstance(info.value, alith.TimeoutError) and info.value.code == "timeout"


def test_schema_error_from_the_extractor():
    model = alith.ScriptedModel(replies=['{"name": 5}', '{"name": 6}'])
    ex = alith.Extractor(model, {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]})
    with pytest.raises(alith.SchemaError):
        ex.extract("x")


def test_python_alith_errors_raised_in_tools_keep_their_code():
    def stop() -> str:
        raise alith.CancelledError("user said stop")

    model = alith.ScriptedModel(replies=[{"tool": "stop", "arguments": {}}, "never"])
    with pytest.raises(alith.CancelledError):
        alith.Agent(model=model, tools=[stop]).run("x")
