"""Models. Every function and class here returns the core's native model object itself (no wrapper):
``alith.ChatModel`` / ``alith.EmbeddingModel`` instances that any alith API taking a model accepts. Code that
receives a model from elsewhere may also get an object with a ``._native`` model (a wrapper of another
library); ``as_chat_model`` unwraps both.

- ``chat_model("openai:gpt-4o-mini" | "anthropic:..." | "local:gemma3-270m" | "echo:x")``
- ``OpenAIModel(model=, base_url=, api_key=)``: any OpenAI-compatible server (llama-server, vLLM, Ollama...)
- ``AnthropicModel(model=, api_key=)``, ``LocalModel(name_or_path)``: llama.cpp in-process
- ``ScriptedModel(replies=[...])``: deterministic replies for tests (then it echoes the last user message)
- ``embedding_model("local:minilm" | "openai:text-embedding-3-small")`` with ``.embed(texts)``
"""

from __future__ import annotations

from typing import Any, Union

from . import _native
from ._native import AnthropicModel, ChatModel, ChatResponse, EmbeddingModel, LocalModel, OpenAIModel, ScriptedModel
from ._native import StreamEvent

__all__ = ["ChatModel", "EmbeddingModel", "ChatResponse", "StreamEvent", "OpenAIModel", "AnthropicModel",
           "LocalModel", "ScriptedModel", "chat_model", "embedding_model", "as_chat_model", "as_embedding_model"]

Model = ChatModel


def chat_model(ref: str) -> ChatModel:
    """A chat model from a reference "provider:model" (keys from the environment or alith's config.yaml)."""
    return _native.chat_model(ref)


def embedding_model(ref: str) -> EmbeddingModel:
    """An embedding model from a reference, e.g. "local:minilm"."""
    return _native.embedding_model(ref)


def as_chat_model(model: Union[str, ChatModel, Any]) -> ChatModel:
    """A native ChatModel from a reference string, a ChatModel or an object holding one in ``._native``."""
    if isinstance(model, ChatModel):
        return model
    if isinstance(model, str):
        return chat_model(model)
    inner = getattr(model, "_native", None)
    if isinstance(inner, ChatModel):
        return inner
    raise TypeError(f"not a chat model: {model!r}")


def as_embedding_model(model: Union[str, EmbeddingModel, Any]) -> EmbeddingModel:
    """A native EmbeddingModel from a reference string, an EmbeddingModel or an object holding one in ``._native``."""
    if isinstance(model, EmbeddingModel):
        return model
    if isinstance(model, str):
        return embedding_model(model)
    inner = getattr(model, "_native", None)
    if isinstance(inner, EmbeddingModel):
        return inner
    raise TypeError(f"not an embedding model: {model!r}")
