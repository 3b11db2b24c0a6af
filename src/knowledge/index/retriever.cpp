#include "alith/knowledge/retriever.h"

#include <algorithm>
#include <regex>
#include <set>

#include "alith/agent/tool.h"
#include "alith/core/error.h"

namespace alith::knowledge {
namespace {

template <class T>
T number_or(const Json& object, const char* key, T fallback) {
  if (!object.is_object()) return fallback;
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<T>() : fallback;
}

const char* kDefaultInstructions =
    "Answer the question using only the numbered sources below. Cite the sources you use as [n] after the "
    "sentence they support. If the sources do not contain the answer, say so.";

}  // namespace

Citation Citation::from_hit(const store::Hit& hit, int number) {
  Citation c;
  c.number = number;
  c.id = hit.id;
  c.score = hit.score;
  c.text = hit.text;
  const Json& m = hit.metadata;
  c.source = m.is_object() ? m.value("source", "") : "";
  const Json span = m.is_object() && m.contains("span") ? m["span"] : Json::object();
  // Record formats (CSV rows, JSONL lines) know the file lines of the record; their text's own lines do not
  // match the file's.
  if (m.is_object() && m.contains("line") && m["line"].is_number()) {
    c.line_begin = number_or<size_t>(m, "line", 0);
    c.line_end = number_or<size_t>(m, "line_end", c.line_begin);
  } else {
    c.line_begin = number_or<size_t>(span, "line_begin", 0);
    c.line_end = number_or<size_t>(span, "line_end", c.line_begin);
  }
  c.page_begin = number_or<int>(span, "page_begin", 0);
  c.page_end = number_or<int>(span, "page_end", c.page_begin);
  if (m.is_object() && m.contains("headings") && m["headings"].is_array()) {
    for (const auto& h : m["headings"])
      if (h.is_string()) c.headings.push_back(h.get<std::string>());
  }
  return c;
}

std::string Citation::label() const {
  std::string out = source.empty() ? id : source;
  if (page_begin > 0) {
    out += " p. " + std::to_string(page_begin);
    if (page_end > page_begin) out += "-" + std::to_string(page_end);
  } else if (line_begin > 0) {
    out += ":" + std::to_string(line_begin);
    if (line_end > line_begin) out += "-" + std::to_string(line_end);
  }
  return out;
}

Json Citation::to_json() const {
  Json j = {{"number", number}, {"id", id},     {"source", source},         {"label", label()},
            {"score", score},   {"text", text}, {"line_begin", line_begin}, {"line_end", line_end}};
  if (page_begin > 0) {
    j["page_begin"] = page_begin;
    j["page_end"] = page_end;
  }
  if (!headings.empty()) j["headings"] = headings;
  return j;
}

Retriever::Retriever(std::shared_ptr<store::VectorStore> store, std::shared_ptr<llm::EmbeddingModel> model,
                     RetrieveOptions options)
    : store_(std::move(store)), model_(std::move(model)), options_(std::move(options)) {
  if (!store_ || !model_) throw InvalidArgumentError("Retriever needs a store and an embedding model");
}

std::vector<Citation> Retriever::retrieve(std::string_view query, const RetrieveOptions& options) const {
  if (query.empty() || options.k == 0) return {};
  const auto vectors = model_->embed({std::string(query)});
  if (vectors.size() != 1) throw ProviderError("embedding model returned no vector for the query", 0, "");
  const size_t pool =
      (options.hybrid || options.reranker) ? std::max(options.k, options.candidates) : options.k;
  auto hits = store_->search(vectors[0], pool, options.filter);
  if (options.min_score) {
    std::erase_if(hits, [&](const store::Hit& h) { return h.score < *options.min_score; });
  }
  if (options.hybrid) {
    std::vector<std::vector<store::Hit>> lists{std::move(hits)};
    try {
      lists.push_back(store_->keyword_search(query, pool, options.filter));
    } catch (const UnsupportedError&) {
      // A store without full-text search: the vector list alone.
    }
    hits = store::reciprocal_rank_fusion(lists, store::HybridOptions{}.rrf_k, pool);
  }
  if (options.reranker) hits = options.reranker(query, std::move(hits));
  if (hits.size() > options.k) hits.resize(options.k);
  std::vector<Citation> out;
  for (const auto& h : hits) out.push_back(Citation::from_hit(h, static_cast<int>(out.size()) + 1));
  return out;
}

std::string format_sources(const std::vector<Citation>& citations) {
  std::string out;
  for (const auto& c : citations) {
    out += "[" + std::to_string(c.number) + "] " + c.label() + "\n" + c.text + "\n\n";
  }
  return out;
}

Answer answer_from_sources(llm::ChatModel& model, const Retriever& retriever, std::string_view question,
                           const AnswerOptions& options) {
  Answer answer;
  answer.sources = retriever.retrieve(question);
  if (answer.sources.empty()) {
    answer.text = options.no_sources_answer;
    return answer;
  }
  llm::ChatRequest request;
  request.messages.push_back(llm::Message::system(
      (options.instructions.empty() ? std::string(kDefaultInstructions) : options.instructions) +
      "\n\nSources:\n\n" + format_sources(answer.sources)));
  request.messages.push_back(llm::Message::user(std::string(question)));
  const auto response = model.complete(request, options.call);
  answer.text = response.message.text();
  answer.usage = response.usage;
  // [n] references, each source once, in order of number.
  std::set<int> numbers;
  static const std::regex reference(R"(\[(\d{1,3})\])");
  for (auto it = std::sregex_iterator(answer.text.begin(), answer.text.end(), reference);
       it != std::sregex_iterator(); ++it) {
    numbers.insert(std::stoi((*it)[1].str()));
  }
  for (const auto& c : answer.sources)
    if (numbers.contains(c.number)) answer.cited.push_back(c);
  return answer;
}

std::shared_ptr<agent::Tool> search_knowledge_tool(std::shared_ptr<const Retriever> retriever,
                                                   std::string name) {
  if (!retriever) throw InvalidArgumentError("search_knowledge_tool: no retriever");
  Json schema = {{"type", "object"},
                 {"properties",
                  {{"query",
                    {{"type", "string"},
                     {"minLength", 1},
                     {"maxLength", 500},
                     {"description", "what to look for, in a few words"}}},
                   {"k",
                    {{"type", "integer"},
                     {"minimum", 1},
                     {"maximum", 20},
                     {"description", "how many passages (default 5)"}}}}},
                 {"required", {"query"}}};
  return agent::make_tool(
      std::move(name),
      "Search the knowledge base for passages relevant to a query. Returns numbered passages with their "
      "sources.",
      std::move(schema), [retriever](const Json& args, const agent::ToolContext& context) {
        context.cancel.check();
        RetrieveOptions options = retriever->options();
        if (args.contains("k")) options.k = args["k"].get<size_t>();
        Json passages = Json::array();
        for (const auto& c : retriever->retrieve(args["query"].get<std::string>(), options)) {
          passages.push_back(
              {{"number", c.number}, {"source", c.label()}, {"score", c.score}, {"text", c.text}});
        }
        return Json{{"passages", std::move(passages)}};
      });
}

}  // namespace alith::knowledge
