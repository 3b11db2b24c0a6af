"""Models used directly: references, the OpenAI-compatible provider against llama-server, the scripted model,
embeddings on the local MiniLM."""

from __future__ import annotations

import math

import pytest

import alith
from conftest import CACHE


def test_references_and_scripted_model():
    echo = alith.chat_model("echo:anything")
    assert isinstance(echo, alith.ChatModel)
    assert echo.complete([{"role": "user", "content": "ping"}]).text == "ping"
    scripted = alith.ScriptedModel()
    scripted.push_text("one")
    scripted.push_tool_calls([{"name": "a", "arguments": {}}, {"name": "b", "arguments": {"x": 1}}])
    assert scripted.remaining == 2
    assert scripted.complete("x").text == "one"
    calls = scripted.complete("x").tool_calls
    assert [c["name"] for c in calls] == ["a", "b"]
    assert alith.as_chat_model(scripted) is scripted


def test_openai_model_against_llama_server(server_model):
    response = server_model.complete([{"role": "system", "content": "Be brief."}, "Say hello."], max_tokens=16,
                                     sampling={"temperature": 0.0})
    assert response.finish_reason in ("stop", "length")
    assert response.usage["completion_tokens"] > 0
    assert server_model.id == "llama-server:gemma-3-270m"


def test_local_model_complete_and_stream(local_model):
    response = local_model.complete("Say hello.", max_tokens=8, sampling={"temperature": 0.0})
    assert response.usage["completion_tokens"] > 0
    stream = local_model.stream("Count to three.", max_tokens=8)
    text = "".join(e.text for e in stream if e.kind == "text_delta")
    assert text == stream.result().text


def test_local_embeddings():
    if not (CACHE / "models" / "all-minilm-l6-v2-f16.gguf").exists():
        pytest.fail("the MiniLM model is missing: run scripts/setup")
    model = alith.embedding_model("local:minilm")
    vectors = model.embed(["a cat sat on the mat", "a kitten on a rug", "quarterly tax filing"])
    assert len(vectors) == 3 and len(vectors[0]) == 384

    def cos(a, b):
        return sum(x * y for x, y in zip(a, b)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))

    assert cos(vectors[0], vectors[1]) > cos(vectors[0], vectors[2])
    assert model.count_tokens("hello world") > 0
