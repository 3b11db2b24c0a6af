"""Knowledge: vector stores, document loaders, chunkers, indexing, retrieval and answers with citations.

    import alith
    from alith.knowledge import open_store, index, Retriever, answer_from_sources

    store = open_store("sqlite:./kb.db")
    embedder = alith.embedding_model("local:minilm")
    index(["docs/"], store, embedder, include=["*.md"])
    retriever = Retriever(store, embedder, k=4, hybrid=True)
    for c in retriever.retrieve("how do I install it?"):
        print(c.label, c.score)
    answer = answer_from_sources("local:gemma3-270m", retriever, "How do I install it?")
    agent = alith.Agent(model=..., tools=[search_knowledge_tool(retriever)])

Stores take filters as dicts in the Chroma/MongoDB style ({"lang": "en", "page": {"$gte": 2}}); ``where`` builds
them in Python. Records and hits are dicts; citations are ``Citation`` objects.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from . import _native
from ._native import Retriever as _NativeRetriever
from ._native import VectorStore
from .models import ChatModel, EmbeddingModel, as_chat_model, as_embedding_model

__all__ = ["VectorStore", "open_store", "where", "Filter", "Citation", "Answer", "IndexReport", "Retriever",
           "index", "Indexer", "load_file", "load_bytes", "load_directory", "load_paths", "walk", "glob_match",
           "split", "answer_from_sources", "search_knowledge_tool", "cached_embedding_model",
           "reciprocal_rank_fusion"]

PathLike = Union[str, "os.PathLike[str]"]
FilterSpec = Optional[Union[Dict[str, Any], "Filter"]]
Record = Dict[str, Any]
Hit = Dict[str, Any]
Document = Dict[str, Any]


def open_store(ref: str, *, collection: str = "default", metric: str = "cosine",
               embedding_model: Union[str, EmbeddingModel, None] = None) -> VectorStore:
    """Opens (creating if needed) a vector store by reference.

    Args:
        ref: "sqlite:PATH" (embedded, the default), "postgres://..." (pgvector), "chroma:http://HOST:PORT" or
            "qdrant:http://HOST:PORT".
        collection: the collection inside the store.
        metric: "cosine", "dot" or "l2" (when the collection is created).
        embedding_model: recorded at creation; later opens with another model fail (vectors of two models in
            one index would be meaningless). A model or its id.
    """
    model_id = ""
    if isinstance(embedding_model, str):
        model_id = embedding_model
    elif embedding_model is not None:
        model_id = as_embedding_model(embedding_model).id
    return _native.open_store(ref, collection=collection, metric=metric, embedding_model=model_id)


class Filter:
    """A metadata filter built in Python: ``where("lang") == "en"`` and ``where("page").gte(2)`` combine with
    ``&``. Stores take the dict it stands for (``.to_dict()``) or the Filter itself."""

    def __init__(self, conditions: Optional[Dict[str, Any]] = None) -> None:
        self._conditions: Dict[str, Any] = dict(conditions or {})

    def __and__(self, other: "Filter") -> "Filter":
        merged = dict(self._conditions)
        for key, value in other._conditions.items():
            if key in merged and isinstance(merged[key], dict) and isinstance(value, dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
        return Filter(merged)

    def to_dict(self) -> Dict[str, Any]:
        return dict(self._conditions)

    def __repr__(self) -> str:
        return f"Filter({self._conditions!r})"


class _Field:
    def __init__(self, name: str) -> None:
        self.name = name

    def _op(self, op: str, value: Any) -> Filter:
        return Filter({self.name: {op: value}})

    def __eq__(self, value: Any) -> Filter:  # type: ignore[override]
        return self._op("$eq", value)

    def __ne__(self, value: Any) -> Filter:  # type: ignore[override]
        return self._op("$ne", value)

    def lt(self, value: Any) -> Filter:
        return self._op("$lt", value)

    def lte(self, value: Any) -> Filter:
        return self._op("$lte", value)

    def gt(self, value: Any) -> Filter:
        return self._op("$gt", value)

    def gte(self, value: Any) -> Filter:
        return self._op("$gte", value)

    def is_in(self, values: Sequence[Any]) -> Filter:
        return self._op("$in", list(values))

    def not_in(self, values: Sequence[Any]) -> Filter:
        return self._op("$nin", list(values))

    __lt__, __le__, __gt__, __ge__ = lt, lte, gt, gte


def where(field_name: str) -> _Field:
    """Starts a filter condition on a top-level metadata field."""
    return _Field(field_name)


def _filter(spec: FilterSpec) -> Optional[Dict[str, Any]]:
    if spec is None:
        return None
    if isinstance(spec, Filter):
        return spec.to_dict()
    return spec


@dataclass
class Citation:
    """A retrieved passage and where it came from (``label``: "docs/guide.md:12-18", "paper.pdf p. 3")."""

    number: int
    id: str
    source: str
    label: str
    score: float
    text: str
    line_begin: int = 0
    line_end: int = 0
    page_begin: int = 0
    page_end: int = 0
    headings: List[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d: Dict[str, Any]) -> "Citation":
        return cls(number=d["number"], id=d["id"], source=d["source"], label=d["label"], score=d["score"],
                   text=d["text"], line_begin=d.get("line_begin", 0), line_end=d.get("line_end", 0),
                   page_begin=d.get("page_begin", 0), page_end=d.get("page_end", 0),
                   headings=list(d.get("headings", [])))

    def to_dict(self) -> Dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Answer:
    """An answer from sources: its text, every passage the model was given and those it cited by [n]."""

    text: str
    sources: List[Citation]
    cited: List[Citation]
    usage: Dict[str, int]

    def __str__(self) -> str:
        return self.text


@dataclass
class IndexReport:
    files_indexed: int
    files_unchanged: int
    chunks_stored: int
    chunks_removed: int
    failures: List[Dict[str, str]]
    elapsed_seconds: float


class Retriever:
    """Retrieval over an indexed store: ``retrieve(query)`` gives the best passages as Citations.

    Args:
        store: the store (indexed with ``embedding_model``).
        embedding_model: the model the store was indexed with (a model or a reference like "local:minilm").
        k: passages returned.
        min_score: vector hits below this similarity are dropped.
        hybrid: fuse vector and keyword (BM25) search by reciprocal rank fusion.
        candidates: hits taken from each list in hybrid mode or with a reranker.
        filter: a metadata filter (dict or ``where(...)``).
        reranker: ``fn(query, hits) -> hits`` reordering (and maybe trimming) the candidates.
    """

    def __init__(self, store: VectorStore, embedding_model: Union[str, EmbeddingModel, Any] = "local:minilm", *,
                 k: int = 5, min_score: Optional[float] = None, hybrid: bool = False, candidates: int = 50,
                 filter: FilterSpec = None, reranker: Optional[Callable[[str, List[Hit]], List[Hit]]] = None) -> None:
        self.store = store
        self.embedding_model = as_embedding_model(embedding_model)
        self._native = _NativeRetriever(store, self.embedding_model, k=k, min_score=min_score, hybrid=hybrid,
                                        candidates=candidates, filter=_filter(filter), reranker=reranker)

    @property
    def k(self) -> int:
        return self._native.k

    def retrieve(self, query: str, *, k: Optional[int] = None, min_score: Optional[float] = None,
                 hybrid: Optional[bool] = None, filter: FilterSpec = None) -> List[Citation]:
        """The best passages for query (options here override the retriever's for this call)."""
        rows = self._native.retrieve(query, k=k, min_score=min_score, hybrid=hybrid, filter=_filter(filter))
        return [Citation.from_dict(r) for r in rows]

    async def aretrieve(self, query: str, **kwargs: Any) -> List[Citation]:
        import asyncio
        return await asyncio.get_running_loop().run_in_executor(None, lambda: self.retrieve(query, **kwargs))

    def format_sources(self, query: str) -> str:
        """The passages as the prompt block answer_from_sources uses: "[1] guide.md:12-18\\n<text>..."."""
        return _native.knowledge_format_sources(self._native, query)

    def as_tool(self, name: str = "search_knowledge") -> "_native.Tool":
        return search_knowledge_tool(self, name=name)

    def __repr__(self) -> str:
        return f"<Retriever {self.store.ref} k={self.k}>"


def _native_retriever(retriever: Union[Retriever, _NativeRetriever]) -> _NativeRetriever:
    return retriever._native if isinstance(retriever, Retriever) else retriever


def answer_from_sources(model: Union[str, ChatModel, Any], retriever: Retriever, question: str, *,
                        instructions: str = "", no_sources_answer: Optional[str] = None,
                        timeout: Optional[float] = None, cancel: Optional[_native.CancelToken] = None) -> Answer:
    """Retrieve-then-answer: the top passages go into the prompt, numbered, and the model answers from them
    citing [n]. The Answer carries the passages it was given and those it cited."""
    d = _native.knowledge_answer_from_sources(as_chat_model(model), _native_retriever(retriever), question,
                                              instructions=instructions, no_sources_answer=no_sources_answer,
                                              timeout=timeout, cancel=cancel)
    return Answer(text=d["text"], sources=[Citation.from_dict(c) for c in d["sources"]],
                  cited=[Citation.from_dict(c) for c in d["cited"]], usage=d["usage"])


async def aanswer_from_sources(model: Union[str, ChatModel, Any], retriever: Retriever, question: str,
                               **kwargs: Any) -> Answer:
    import asyncio
    return await asyncio.get_running_loop().run_in_executor(
        None, lambda: answer_from_sources(model, retriever, question, **kwargs))


def search_knowledge_tool(retriever: Retriever, *, name: str = "search_knowledge") -> "_native.Tool":
    """A tool {query, k?} an Agent calls to search the knowledge base itself (agentic retrieval)."""
    return _native.knowledge_search_tool(_native_retriever(retriever), name=name)


def index(paths: Union[PathLike, Sequence[PathLike]], store: VectorStore,
          embedding_model: Union[str, EmbeddingModel, Any] = "local:minilm", *, include: Sequence[str] = (),
          exclude: Sequence[str] = (), hidden: bool = False, max_tokens: Optional[int] = None,
          overlap_tokens: Optional[int] = None, embed_batch: int = 32,
          on_progress: Optional[Callable[[Dict[str, Any]], None]] = None,
          cancel: Optional[_native.CancelToken] = None) -> IndexReport:
    """Indexes files and directories into store: load, chunk (in the embedding model's tokens), embed, upsert.

    Incremental: files whose hash the store already holds are skipped, changed files replace their chunks.
    ``include``/``exclude`` are globs relative to each directory ("*.md", "**/node_modules"). ``on_progress``
    gets a dict (files_done, files_total, chunks, embeddings_per_second, eta_seconds, current...).
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    d = _native.knowledge_index([os.fspath(p) for p in paths], store, as_embedding_model(embedding_model),
                                include=list(include), exclude=list(exclude), hidden=hidden, max_tokens=max_tokens,
                                overlap_tokens=overlap_tokens, embed_batch=embed_batch, on_progress=on_progress,
                                cancel=cancel)
    return IndexReport(**d)


class Indexer:
    """``index`` with its options kept: ``Indexer(store, model, include=["*.md"]).index(["docs"])``."""

    def __init__(self, store: VectorStore, embedding_model: Union[str, EmbeddingModel, Any] = "local:minilm",
                 **options: Any) -> None:
        self.store = store
        self.embedding_model = as_embedding_model(embedding_model)
        self.options = options

    def index(self, paths: Union[PathLike, Sequence[PathLike]], **overrides: Any) -> IndexReport:
        return index(paths, self.store, self.embedding_model, **{**self.options, **overrides})


def load_file(path: PathLike, *, format: str = "", csv: Optional[Dict[str, Any]] = None,
              json: Optional[Dict[str, Any]] = None, max_bytes: Optional[int] = None) -> List[Document]:
    """The documents in a file (text, markdown, html, pdf, csv/tsv, json, jsonl), each a dict
    {id, source, text, metadata, page_starts}. ``csv``/``json`` take the loader options (text_column,
    metadata_columns, id_column, delimiter, header / records, text_field, metadata_fields, id_field)."""
    return _native.knowledge_load_file(os.fspath(path), format=format, csv=csv, json=json, max_bytes=max_bytes)


def load_bytes(data: Union[bytes, str], format: str, *, source: str = "<bytes>", **options: Any) -> List[Document]:
    """The documents in bytes (or text) of a format ("md", "html", "csv", ...)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return _native.knowledge_load_bytes(data, format, source=source, **options)


def load_paths(paths: Sequence[PathLike], *, include: Sequence[str] = (), exclude: Sequence[str] = (),
               hidden: bool = False, follow_symlinks: bool = False, **options: Any) -> Dict[str, List[Any]]:
    """Loads files and directories (walked): {"documents": [...], "failures": [{source, code, message}]}."""
    return _native.knowledge_load_paths([os.fspath(p) for p in paths], include=list(include), exclude=list(exclude),
                                        hidden=hidden, follow_symlinks=follow_symlinks, **options)


def load_directory(path: PathLike, *, include: Sequence[str] = (), exclude: Sequence[str] = (),
                   hidden: bool = False, follow_symlinks: bool = False, strict: bool = False,
                   **options: Any) -> List[Document]:
    """Every document under a directory (include/exclude globs). Files that fail to load are skipped, or
    raise alith.IoError with the first failure when ``strict``."""
    report = load_paths([path], include=include, exclude=exclude, hidden=hidden, follow_symlinks=follow_symlinks,
                        **options)
    if strict and report["failures"]:
        from .errors import IoError
        first = report["failures"][0]
        raise IoError(f"{first['source']}: {first['message']}")
    return report["documents"]


def walk(root: PathLike, *, include: Sequence[str] = (), exclude: Sequence[str] = (), hidden: bool = False,
         follow_symlinks: bool = False) -> List[str]:
    """The files under root that pass the globs, sorted (the walk the indexer does)."""
    return [os.fspath(p) for p in _native.knowledge_walk(os.fspath(root), include=list(include),
                                                          exclude=list(exclude), hidden=hidden,
                                                          follow_symlinks=follow_symlinks)]


def glob_match(pattern: str, relative_path: str) -> bool:
    return _native.knowledge_glob_match(pattern, relative_path)


def split(document: Union[Document, str], *, mode: str = "auto", max_tokens: int = 256, overlap_tokens: int = 32,
          embedding_model: Union[str, EmbeddingModel, None] = None, source: str = "<text>",
          format: Optional[str] = None) -> List[Dict[str, Any]]:
    """Chunks a document (a dict from a loader, or text) in tokens of embedding_model's tokenizer (an
    approximation without one). mode: "auto" (markdown for Markdown documents), "markdown" or "recursive".
    Each chunk: {id, text, span {begin, end, line_begin, line_end, ...}, tokens, headings, metadata, ...}."""
    if isinstance(document, str):
        metadata = {"format": format or ("markdown" if mode == "markdown" else "text")}
        document = {"id": source, "source": source, "text": document, "metadata": metadata}
    model = as_embedding_model(embedding_model) if embedding_model is not None else None
    return _native.knowledge_split(document, mode=mode, max_tokens=max_tokens, overlap_tokens=overlap_tokens,
                                   embedding_model=model)


def cached_embedding_model(model: Union[str, EmbeddingModel, Any], path: Optional[PathLike] = None, *,
                           batch_size: int = 32) -> EmbeddingModel:
    """model with an on-disk cache of its vectors (keyed by model id and text hash): re-indexing unchanged text
    costs a lookup. path defaults to alith's cache directory."""
    return _native.knowledge_cached_embedding_model(as_embedding_model(model),
                                                    os.fspath(path) if path is not None else None,
                                                    batch_size=batch_size)


def reciprocal_rank_fusion(ranked_lists: Sequence[Sequence[Hit]], *, rrf_k: float = 60.0, k: int = 10) -> List[Hit]:
    """Fuses ranked hit lists by reciprocal rank fusion (ties broken by id)."""
    return _native.reciprocal_rank_fusion([list(x) for x in ranked_lists], rrf_k=rrf_k, k=k)
