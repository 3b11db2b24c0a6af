#pragma once

// Chunkers cut Documents into pieces sized in tokens of the embedding model's own tokenizer, each pointing
// back to the span of the document it came from. Both are deterministic: the same document and options give
// the same chunks, byte for byte, so re-indexing an unchanged file reproduces the same ids.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "alith/core/json.h"
#include "alith/knowledge/document.h"

namespace alith::llm {
class EmbeddingModel;
}

namespace alith::knowledge {

struct Chunk {
  std::string id;  // "<document id>:<index>"
  std::string document_id;
  std::string source;
  size_t index = 0;  // position among the document's chunks
  std::string text;  // Document::text[span.begin, span.end), surrounding whitespace trimmed
  Span span;
  size_t tokens = 0;  // of text
  // The Markdown headings the chunk sits under, outermost first ("Install", "Linux"); empty otherwise.
  std::vector<std::string> headings;
  Json metadata = Json::object();  // the document's

  // What gets embedded: the heading path on a line of its own, then the text, so a chunk deep in a section
  // still carries what the section is about.
  std::string embedding_text() const;
};

using TokenCounter = std::function<size_t(std::string_view text)>;

// About four bytes of English per token; for models whose tokenizer is not known (hosted APIs).
TokenCounter approximate_token_counter();
// The model's own tokenizer where it has one, else the approximation.
TokenCounter token_counter_for(const llm::EmbeddingModel& model);

struct ChunkOptions {
  size_t max_tokens = 256;     // a chunk never exceeds this (a single word longer than it is split by bytes)
  size_t overlap_tokens = 32;  // carried over from the end of one chunk to the start of the next
  TokenCounter count_tokens;   // empty: approximate_token_counter()
};

// Paragraphs, then lines, then sentences, then words (then UTF-8 characters as a last resort): a piece too
// big at one level is split at the next, and pieces are packed greedily up to max_tokens. Throws
// InvalidArgumentError when overlap_tokens >= max_tokens or max_tokens is 0.
std::vector<Chunk> split_recursive(const Document& document, const ChunkOptions& options = {});

// Markdown sections (ATX '#' and setext headings outside fenced code), each split recursively; every chunk
// records the heading path it sits under. Fenced code blocks are kept whole when they fit.
std::vector<Chunk> split_markdown(const Document& document, const ChunkOptions& options = {});

// split_markdown for Markdown documents (metadata "format" == "markdown"), split_recursive for the rest.
std::vector<Chunk> split_document(const Document& document, const ChunkOptions& options = {});

}  // namespace alith::knowledge
