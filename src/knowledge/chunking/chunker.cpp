#include "alith/knowledge/chunker.h"

#include "alith/llm/chat_model.h"
#include "markdown_sections.h"
#include "recursive_splitter.h"

namespace alith::knowledge {
namespace {

Chunk make_chunk(const Document& document, const SpanIndex& spans, const detail::Piece& piece, size_t index,
                 std::vector<std::string> headings) {
  Chunk c;
  c.document_id = document.id;
  c.id = document.id + ":" + std::to_string(index);
  c.source = document.source;
  c.index = index;
  c.text = document.text.substr(piece.range.begin, piece.range.end - piece.range.begin);
  c.span = spans.span(piece.range.begin, piece.range.end);
  c.tokens = piece.tokens;
  c.headings = std::move(headings);
  c.metadata = document.metadata;
  return c;
}

}  // namespace

std::string Chunk::embedding_text() const {
  if (headings.empty()) return text;
  std::string out;
  for (const auto& h : headings) {
    if (!out.empty()) out += " > ";
    out += h;
  }
  out += '\n';
  out += text;
  return out;
}

TokenCounter approximate_token_counter() {
  return [](std::string_view text) { return (text.size() + 3) / 4; };
}

TokenCounter token_counter_for(const llm::EmbeddingModel& model) {
  if (!model.count_tokens("probe")) return approximate_token_counter();
  return [&model](std::string_view text) { return model.count_tokens(text).value_or((text.size() + 3) / 4); };
}

std::vector<Chunk> split_recursive(const Document& document, const ChunkOptions& options) {
  const ChunkOptions resolved = detail::resolve(options);
  const SpanIndex spans(document);
  std::vector<Chunk> chunks;
  for (const auto& piece : detail::split_range(document.text, {0, document.text.size()}, resolved)) {
    chunks.push_back(make_chunk(document, spans, piece, chunks.size(), {}));
  }
  return chunks;
}

std::vector<Chunk> split_markdown(const Document& document, const ChunkOptions& options) {
  const ChunkOptions resolved = detail::resolve(options);
  const auto outline = detail::markdown_outline(document.text);
  const SpanIndex spans(document);
  std::vector<Chunk> chunks;
  for (const auto& section : outline.sections) {
    for (const auto& piece : detail::split_range(document.text, section.range, resolved, outline.fences)) {
      chunks.push_back(make_chunk(document, spans, piece, chunks.size(), section.headings));
    }
  }
  return chunks;
}

std::vector<Chunk> split_document(const Document& document, const ChunkOptions& options) {
  const auto format = document.metadata.is_object() ? document.metadata.value("format", "") : "";
  return format == "markdown" ? split_markdown(document, options) : split_recursive(document, options);
}

}  // namespace alith::knowledge
