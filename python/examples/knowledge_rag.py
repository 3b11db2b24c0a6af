"""Retrieval-augmented answers with citations: index a folder into the embedded SQLite store with the local
MiniLM embedder, retrieve (hybrid), answer with the local Gemma model, and give an agent the search tool.

    python python/examples/knowledge_rag.py [FOLDER]      (default: the repository's docs/)
"""

import sys
from pathlib import Path

import alith
from alith.knowledge import Retriever, answer_from_sources, index, open_store, search_knowledge_tool

folder = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "docs")
embedder = alith.embedding_model("local:minilm")
store = open_store("sqlite:./kb.db", embedding_model=embedder)

report = index([folder], store, embedder, include=["*.md", "*.txt"],
               on_progress=lambda p: print(f"\r{p['files_done']}/{p['files_total']} files", end="", file=sys.stderr))
print(f"\nindexed {report.files_indexed} files ({report.files_unchanged} unchanged), {report.chunks_stored} chunks")

retriever = Retriever(store, embedder, k=4, hybrid=True)
for c in retriever.retrieve("How are workflows checkpointed?"):
    print(f"[{c.number}] {c.label}  score={c.score:.3f}")

model = alith.chat_model("local:gemma3-270m")
answer = answer_from_sources(model, retriever, "How are workflows checkpointed?")
print(answer.text)
for c in answer.cited:
    print(f"  cited [{c.number}] {c.label}")

# Agentic retrieval: search_knowledge_tool(retriever) lets the model search (and pick how many passages, up to
# 20). Gemma 270M has a 4K context here (and may call a tool many times in one turn), so this agent gets a
# Python tool that returns one short passage instead.
big_context_tool = search_knowledge_tool(retriever)


def search_docs(query: str) -> list:
    """Searches alith's documentation.

    Args:
        query: the topic to search for.
    """
    return [{"source": c.label, "text": c.text[:300]} for c in retriever.retrieve(query, k=1)]


agent = alith.Agent(model=model, preamble="Search the documentation before answering.", tools=[search_docs],
                    tool_choice="required", max_steps=2, answer_on_last_step=True)
print(agent.prompt("What does the store's hybrid search do?"))
