#pragma once

// Retrieval over an indexed store (indexer.h) and the two ways an agent uses it:
//   retrieve-then-answer  answer_from_sources: the top-k passages go into the prompt, numbered, and the model
//                         answers from them citing [n]; the answer carries the citations (source and span).
//   agentic retrieval     search_knowledge_tool: the model decides when to search and what for.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alith/core/json.h"
#include "alith/llm/chat_model.h"
#include "alith/store/hybrid.h"
#include "alith/store/vector_store.h"

namespace alith::agent {
class Tool;
}

namespace alith::knowledge {

// A retrieved passage and where it came from.
struct Citation {
  int number = 0;  // [n] in prompts and answers, from 1
  std::string id;
  std::string source;
  float score = 0;  // the similarity (the store's convention), or the fused RRF score in hybrid mode
  std::string text;
  size_t line_begin = 0;  // lines of the source file where the format keeps them (text, Markdown, CSV, JSONL)
  size_t line_end = 0;
  int page_begin = 0;  // PDF pages, 0 otherwise
  int page_end = 0;
  std::vector<std::string> headings;

  // "docs/guide.md:12-18", "paper.pdf p. 3", "rows.csv:45": what a reader needs to find the passage.
  std::string label() const;
  Json to_json() const;
  static Citation from_hit(const store::Hit& hit, int number);
};

struct RetrieveOptions {
  size_t k = 5;
  // Vector hits scoring below this are dropped (in hybrid mode, before fusion; keyword hits are kept).
  std::optional<float> min_score;
  bool hybrid = false;     // vector and keyword search fused by RRF (store/hybrid.h)
  size_t candidates = 50;  // per list, in hybrid mode or when a reranker is set
  store::Filter filter;
  store::Reranker reranker;  // sees the candidates before the cut to k
};

class Retriever {
 public:
  // The model must be the one the store was indexed with.
  Retriever(std::shared_ptr<store::VectorStore> store, std::shared_ptr<llm::EmbeddingModel> model,
            RetrieveOptions options = {});

  std::vector<Citation> retrieve(std::string_view query) const { return retrieve(query, options_); }
  std::vector<Citation> retrieve(std::string_view query, const RetrieveOptions& options) const;
  const RetrieveOptions& options() const noexcept { return options_; }

 private:
  std::shared_ptr<store::VectorStore> store_;
  std::shared_ptr<llm::EmbeddingModel> model_;
  RetrieveOptions options_;
};

// The passages as a prompt block: "[1] guide.md:12-18\n<text>\n\n[2] ...".
std::string format_sources(const std::vector<Citation>& citations);

struct Answer {
  std::string text;
  std::vector<Citation> sources;  // every passage the model was given
  std::vector<Citation> cited;    // those the answer refers to by [n], in order of number
  llm::Usage usage;
};

struct AnswerOptions {
  // Replaces the default instructions (answer only from the sources, cite them as [n], say when they do
  // not contain the answer).
  std::string instructions;
  llm::CallOptions call;
  // No source passed the threshold: answer this instead of asking the model.
  std::string no_sources_answer = "I could not find anything about that in the knowledge base.";
};

Answer answer_from_sources(llm::ChatModel& model, const Retriever& retriever, std::string_view question,
                           const AnswerOptions& options = {});

// A tool "search_knowledge" {query: string, k?: integer} returning the passages as JSON (number, source,
// label, score, text).
std::shared_ptr<agent::Tool> search_knowledge_tool(std::shared_ptr<const Retriever> retriever,
                                                   std::string name = "search_knowledge");

}  // namespace alith::knowledge
