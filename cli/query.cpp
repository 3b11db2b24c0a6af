// `alith query TEXT --store REF`: the passages most similar to TEXT, with their sources.

#include <iomanip>
#include <iostream>

#include "alith/core/json.h"
#include "alith/knowledge/retriever.h"
#include "commands.h"
#include "knowledge_options.h"

namespace alith::cli {
namespace {

struct QueryCommand {
  KnowledgeOptions knowledge;
  std::string text;
  bool json = false;
};

std::string one_line(const std::string& text, size_t max) {
  std::string out;
  for (char ch : text) {
    if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
    if (ch == ' ' && !out.empty() && out.back() == ' ') continue;
    out += ch;
  }
  if (out.size() > max) {
    out.resize(max);
    // Never end inside a UTF-8 character.
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
    out += "...";
  }
  return out;
}

int run_query(const QueryCommand& c) {
  if (c.text.empty()) throw InvalidArgumentError("no query text");
  auto model = c.knowledge.make_embedding_model(Config::load());
  auto store = c.knowledge.open_store(*model);
  knowledge::Retriever retriever(store, model, c.knowledge.retrieve_options());
  auto citations = retriever.retrieve(c.text);
  shorten_sources(citations);
  if (c.json) {
    Json out = Json::array();
    for (const auto& citation : citations) out.push_back(citation.to_json());
    std::cout << dump_json(out, 2) << "\n";
    return 0;
  }
  if (citations.empty()) std::cout << "no results\n";
  for (const auto& citation : citations) {
    std::cout << "[" << citation.number << "] " << std::fixed << std::setprecision(4) << citation.score
              << "  " << citation.label() << "\n    " << one_line(citation.text, 200) << "\n";
  }
  return 0;
}

}  // namespace

Command add_query(CLI::App& app) {
  auto c = std::make_shared<QueryCommand>();
  auto* sub = app.add_subcommand("query", "Search a vector store");
  sub->add_option("text", c->text, "What to search for")->required();
  c->knowledge.add_to(*sub, true);
  sub->add_flag("--json", c->json, "Print the passages as JSON");
  return [c] { return run_query(*c); };
}

}  // namespace alith::cli
