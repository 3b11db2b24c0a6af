"""Knowledge and stores through the Python SDK: a real SQLite store, the in-process MiniLM embedder, indexing a
directory the test writes, retrieval (vector and hybrid), answers with citations and the search tool."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import alith
from alith.knowledge import (Citation, Retriever, answer_from_sources, index, load_directory, load_file, open_store,
                             search_knowledge_tool, split, where)


def _records():
    return [
        {"id": "a", "vector": [1.0, 0.0, 0.0], "text": "rollups batch transactions",
         "metadata": {"lang": "en", "page": 1}},
        {"id": "b", "vector": [0.9, 0.1, 0.0], "text": "les rollups regroupent", "metadata": {"lang": "fr", "page": 2}},
        {"id": "c", "vector": [0.0, 1.0, 0.0], "text": "validators stake ether", "metadata": {"lang": "en", "page": 3}},
    ]


def test_store_crud_and_filters(tmp_path: Path) -> None:
    store = open_store(f"sqlite:{tmp_path / 'kb.db'}", collection="unit")
    store.upsert(_records())
    assert len(store) == 3 and store.dimensions == 3 and store.metric == "cosine"
    assert store.ref.startswith("sqlite:")

    got = store.get("a")
    assert got["text"] == "rollups batch transactions" and got["metadata"]["page"] == 1
    assert pytest.approx(got["vector"]) == [1.0, 0.0, 0.0]
    assert store.get("missing") is None

    hits = store.search([1.0, 0.0, 0.0], k=2)
    assert [h["id"] for h in hits] == ["a", "b"] and hits[0]["score"] == pytest.approx(1.0, abs=1e-5)
    assert [h["id"] for h in store.search([1.0, 0.0, 0.0], k=3, filter={"lang": "en"})] == ["a", "c"]
    assert store.count({"page": {"$gte": 2}}) == 2
    assert store.count(where("lang").is_in(["fr"])) == 1
    assert store.count((where("lang") == "en") & where("page").gt(1)) == 1

    kw = store.keyword_search("validators", k=5)
    assert [h["id"] for h in kw] == ["c"]
    fused = store.hybrid_search([0.0, 1.0, 0.0], "rollups", k=3)
    assert {h["id"] for h in fused} == {"a", "b", "c"}

    store.upsert([{**_records()[0], "text": "replaced"}])
    assert store.get("a")["text"] == "replaced" and len(store) == 3
    assert store.remove(["b", "nope"]) == 1
    assert store.remove_where({"lang": "en"}) == 2
    assert len(store) == 0

    with pytest.raises(alith.InvalidArgumentError):
        store.count({"page": {"$bogus": 1}})


def test_store_dimension_mismatch_is_invalid_argument(tmp_path: Path) -> None:
    store = open_store(f"sqlite:{tmp_path / 'dim.db'}")
    store.upsert(_records())
    with pytest.raises(alith.InvalidArgumentError):
        store.upsert([{"id": "x", "vector": [1.0, 2.0], "text": ""}])


def test_unknown_store_scheme() -> None:
    with pytest.raises(alith.InvalidArgumentError):
        open_store("nosuch:thing")


def _write_corpus(root: Path) -> None:
    (root / "docs").mkdir()
    (root / "docs" / "install.md").write_text(
        "# Install\n\nRun `pip install alith` to install the Python package.\n\n"
        "## Linux\n\nOn Linux you also need a C++20 compiler such as GCC 12.\n")
    (root / "docs" / "wallets.txt").write_text(
        "Wallets hold private keys. A spending policy limits what an agent may send per day.\n")
    (root / "docs" / "skip.log").write_text("this file is excluded by the glob\n")


@pytest.fixture(scope="module")
def minilm():
    return alith.embedding_model("local:minilm")


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, minilm):
    root = tmp_path_factory.mktemp("corpus")
    _write_corpus(root)
    store = open_store(f"sqlite:{root / 'kb.db'}", embedding_model=minilm)
    progress = []
    report = index([root / "docs"], store, minilm, include=["*.md", "*.txt"], exclude=["*.log"],
                   on_progress=progress.append)
    return root, store, report, progress


def test_loaders_and_chunking(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    docs = load_file(tmp_path / "docs" / "install.md")
    assert len(docs) == 1 and docs[0]["metadata"]["format"] == "markdown" and docs[0]["metadata"]["title"] == "Install"
    all_docs = load_directory(tmp_path / "docs", include=["*.md", "*.txt"])
    assert sorted(Path(d["source"]).name for d in all_docs) == ["install.md", "wallets.txt"]
    chunks = split(docs[0], max_tokens=16, overlap_tokens=2)
    assert len(chunks) >= 2
    assert any(c["headings"] == ["Install", "Linux"] for c in chunks)
    assert all(c["span"]["line_begin"] >= 1 for c in chunks)
    with pytest.raises(alith.IoError):
        load_file(tmp_path / "missing.md")


def test_index_report_and_incremental(indexed, minilm) -> None:
    root, store, report, progress = indexed
    assert report.files_indexed == 2 and report.failures == [] and report.chunks_stored >= 2
    assert progress and progress[-1]["files_done"] == 2
    again = index([root / "docs"], store, minilm, include=["*.md", "*.txt"])
    assert again.files_unchanged == 2 and again.files_indexed == 0


def test_retrieve_vector_and_hybrid(indexed, minilm) -> None:
    _, store, _, _ = indexed
    retriever = Retriever(store, minilm, k=2)
    found = retriever.retrieve("How do I install the Python package?")
    assert found and isinstance(found[0], Citation)
    assert found[0].source.endswith("install.md") and found[0].label.startswith(found[0].source)
    hybrid = retriever.retrieve("spending policy per day", hybrid=True)
    assert hybrid[0].source.endswith("wallets.txt")
    filtered = retriever.retrieve("install", filter={"format": "text"})
    assert all(c.source.endswith("wallets.txt") for c in filtered)


def test_answer_from_sources_cites_passages(indexed, minilm) -> None:
    _, store, _, _ = indexed
    retriever = Retriever(store, minilm, k=2)
    echoed = answer_from_sources("echo:kb", retriever, "How do I install alith?")
    assert echoed.text == "How do I install alith?" and echoed.cited == []
    assert echoed.sources[0].number == 1 and echoed.sources[0].source.endswith("install.md")

    model = alith.ScriptedModel(replies=["Run pip install alith [1]."])
    answer = answer_from_sources(model, retriever, "How do I install alith?")
    assert answer.text == "Run pip install alith [1]."
    assert [c.number for c in answer.cited] == [1] and answer.cited[0].source.endswith("install.md")
    assert answer.usage["total_tokens"] >= 0


def test_search_knowledge_tool_in_an_agent(indexed, minilm) -> None:
    _, store, _, _ = indexed
    retriever = Retriever(store, minilm, k=1)
    tool = search_knowledge_tool(retriever)
    model = alith.ScriptedModel(replies=[{"tool": "search_knowledge", "arguments": {"query": "compiler on Linux"}},
                                         "GCC 12."])
    agent = alith.Agent(model=model, tools=[tool])
    result = agent.run("Which compiler?")
    assert result.answer == "GCC 12."
    tool_messages = [m for m in result.transcript if m["role"] == "tool"]
    assert tool_messages and "install.md" in str(tool_messages[0]["content"])


def test_retrieval_releases_the_gil(indexed, minilm) -> None:
    _, store, _, _ = indexed
    retriever = Retriever(store, minilm, k=2)
    results = []
    threads = [threading.Thread(target=lambda: results.append(retriever.retrieve("install"))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(r for r in results)


def test_index_cancelled_before_start(tmp_path: Path, minilm) -> None:
    _write_corpus(tmp_path)
    store = open_store(f"sqlite:{tmp_path / 'c.db'}")
    cancel = alith.CancelToken()
    cancel.cancel()
    with pytest.raises(alith.CancelledError):
        index([tmp_path / "docs"], store, minilm, include=["*.md"], cancel=cancel)
    assert len(store) == 0
