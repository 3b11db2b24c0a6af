// `agents:`: the agents a workflow's nodes run, checked when the file loads and built when first used.
//
//   agents:
//     writer:
//       model: local:gemma3-270m          # optional: the application's default model otherwise
//       preamble: You write short drafts.
//       tools: [calculator]
//       memory: {window: 20}              # or {tokens: 2000}
//       knowledge: {store: "sqlite:./kb.db", k: 4}
//       max_steps: 4
//       temperature: 0.2
//       max_tokens: 256
//       tool_choice: auto                 # auto | none | required | a tool name (first step only)
//       mcp: servers.json                 # an mcpServers file (relative to this file): its servers' tools
//
// An `mcp:` file is read and checked when the workflow loads; its servers are started when the agent is
// first built and stopped when the loaded workflow goes away.

#include <algorithm>

#include "alith/agent/memory.h"
#include "alith/core/config.h"
#include "alith/knowledge/retriever.h"
#include "alith/llm/registry.h"
#include "alith/mcp/config.h"
#include "alith/store/vector_store.h"
#include "flow/yaml/parts.h"

namespace alith::flow {

std::shared_ptr<const knowledge::Retriever> make_retriever(const KnowledgeSpec& spec,
                                                           std::shared_ptr<llm::EmbeddingModel> embedding) {
  store::StoreOptions store_options;
  store_options.collection = spec.collection;
  store_options.embedding_model = embedding->id();
  std::shared_ptr<store::VectorStore> store = store::open_store(spec.store, store_options);
  knowledge::RetrieveOptions options;
  options.k = spec.k;
  options.hybrid = spec.hybrid;
  options.min_score = spec.min_score;
  return std::make_shared<const knowledge::Retriever>(std::move(store), std::move(embedding), options);
}

}  // namespace alith::flow

namespace alith::flow::yaml {
namespace {

std::shared_ptr<llm::ChatModel> default_model(const std::string& ref) {
  if (ref.empty()) {
    throw ConfigError("the agent names no model and no default model was given: add `model:` to the agent");
  }
  return llm::make_chat_model(ref, Config::load());
}

std::shared_ptr<const knowledge::Retriever> default_retriever(const KnowledgeSpec& spec) {
  return make_retriever(spec, llm::make_embedding_model(spec.embedding, Config::load()));
}

// A relative sqlite: path is relative to the workflow file, not to wherever the command runs.
std::string resolve_store(const std::string& ref, const std::filesystem::path& dir) {
  constexpr std::string_view scheme = "sqlite:";
  if (ref.rfind(scheme, 0) != 0) return ref;
  const std::filesystem::path path = ref.substr(scheme.size());
  if (path.empty() || path.is_absolute()) return ref;
  return std::string(scheme) + (dir / path).lexically_normal().string();
}

std::optional<KnowledgeSpec> read_knowledge(Doc& doc, const Entry& section, const std::string& in) {
  const auto fields = doc.entries(section.value, "'knowledge'" + in + " must be a mapping (store, k, ...)");
  doc.check_keys(fields, {"store", "embedding", "collection", "k", "hybrid", "min_score"},
                 " in 'knowledge'" + in);
  KnowledgeSpec spec;
  bool ok = true;
  bool has_store = false;
  for (const auto& f : fields) {
    if (f.key == "store") {
      auto v = doc.string_of(f, "store");
      if (v && v->empty())
        doc.report(f, "'store' must name a vector store (sqlite:PATH, postgres://..., ...)");
      if (v && !v->empty()) spec.store = resolve_store(*v, doc.dir()), has_store = true;
      ok = ok && v && !v->empty();
    } else if (f.key == "embedding") {
      auto v = doc.string_of(f, "embedding");
      if (v) spec.embedding = *v;
      ok = ok && v;
    } else if (f.key == "collection") {
      auto v = doc.string_of(f, "collection");
      if (v) spec.collection = *v;
      ok = ok && v;
    } else if (f.key == "k") {
      auto v = doc.int_of(f, "k", 1, 100);
      if (v) spec.k = static_cast<size_t>(*v);
      ok = ok && v;
    } else if (f.key == "hybrid") {
      auto v = doc.bool_of(f, "hybrid");
      if (v) spec.hybrid = *v;
      ok = ok && v;
    } else if (f.key == "min_score") {
      auto v = doc.number_of(f, "min_score");
      if (v) spec.min_score = static_cast<float>(*v);
      ok = ok && v;
    }
  }
  if (!has_store && section.value.IsMap()) {
    doc.report(section, "'knowledge'" + in + " needs 'store' (sqlite:PATH, postgres://..., ...)");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return spec;
}

std::optional<LazyAgent::Memory> read_memory(Doc& doc, const Entry& section, const std::string& in) {
  const auto fields =
      doc.entries(section.value, "'memory'" + in + " must be a mapping: {window: N} or {tokens: N}");
  const size_t before = doc.problems();
  doc.check_keys(fields, {"window", "tokens"}, " in 'memory'" + in);
  const bool unknown_keys = doc.problems() != before;
  std::optional<LazyAgent::Memory> memory;
  for (const auto& f : fields) {
    if (f.key != "window" && f.key != "tokens") continue;
    if (memory) {
      doc.report(f.key_node, "'memory'" + in + " takes one of 'window' and 'tokens'");
      return std::nullopt;
    }
    auto size = doc.int_of(f, f.key, 1, 1'000'000);
    if (!size) return std::nullopt;
    memory = LazyAgent::Memory{f.key == "tokens", static_cast<size_t>(*size)};
  }
  if (!memory && section.value.IsMap() && !unknown_keys) {
    doc.report(section, "'memory'" + in + " needs 'window' or 'tokens'");
  }
  return memory;
}

}  // namespace

std::shared_ptr<agent::Tool> Tools::get(Doc& doc, const YAML::Node& where, const std::string& name) {
  if (auto it = options_.tools.find(name); it != options_.tools.end() && it->second) return it->second;
  if (auto it = made_.find(name); it != made_.end()) return it->second;
  std::vector<std::string> names = agent::builtin_tool_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    for (const auto& [own, tool] : options_.tools) names.push_back(own);
    std::sort(names.begin(), names.end());
    doc.report(where, "unknown tool '" + name + "'" + did_you_mean(name, names) + "; the tools are " +
                          list_names(names));
    return nullptr;
  }
  try {
    auto tool = agent::builtin_tool(name, options_.tool_options);
    made_.emplace(name, tool);
    return tool;
  } catch (const Error& e) {
    // A built-in that needs an option the application did not give (http_get, read_file).
    doc.report(where, "tool '" + name + "' is not available: " + e.what());
    return nullptr;
  }
}

std::shared_ptr<agent::Agent> LazyAgent::get() {
  std::lock_guard lock(mu_);
  if (!agent_) {
    std::vector<std::shared_ptr<agent::Tool>> mcp_tools;
    if (spec_.mcp) {
      if (!mcp_servers_) mcp_servers_ = std::make_shared<mcp::McpServers>(*spec_.mcp);
      mcp_tools = mcp_servers_->tools();
    }
    agent_ = build(mcp_tools);
  }
  return agent_;
}

std::shared_ptr<agent::Agent> LazyAgent::build(
    const std::vector<std::shared_ptr<agent::Tool>>& mcp_tools) const {
  agent::AgentBuilder builder;
  builder.name(spec_.name).model(models_ ? models_(spec_.model) : default_model(spec_.model));
  builder.max_steps(spec_.max_steps);
  if (!spec_.preamble.empty()) builder.preamble(spec_.preamble);
  builder.tools(spec_.tools);
  builder.tools(mcp_tools);
  if (spec_.knowledge) {
    auto retriever = retrievers_ ? retrievers_(*spec_.knowledge) : default_retriever(*spec_.knowledge);
    builder.tool(knowledge::search_knowledge_tool(std::move(retriever)));
  }
  if (spec_.memory) {
    if (spec_.memory->tokens) {
      builder.memory(std::make_shared<agent::TokenWindowMemory>(spec_.memory->size));
    } else {
      builder.memory(std::make_shared<agent::WindowMemory>(spec_.memory->size));
    }
  }
  llm::Sampling sampling;
  sampling.temperature = spec_.temperature;
  builder.sampling(sampling);
  if (spec_.max_tokens) builder.max_tokens(*spec_.max_tokens);
  if (spec_.tool_choice == "required") {
    builder.tool_choice(llm::ToolChoice::required_choice());
  } else if (spec_.tool_choice == "none") {
    builder.tool_choice(llm::ToolChoice::none_choice());
  } else if (spec_.tool_choice != "auto") {
    builder.tool_choice(llm::ToolChoice::named(spec_.tool_choice));
  }
  // A node should end with an answer, not a step-limit error that fails the run: the last model call the
  // agent may make gets no tools (as `alith ask` does).
  builder.hooks(agent::answer_on_last_step(spec_.max_steps));
  return builder.build();
}

Agents read_agents(Context& context, const Entry& section) {
  Doc& doc = context.doc;
  Agents agents;
  const auto entries = doc.entries(section.value, "'agents' must be a mapping of agent names to agents");
  if (entries.size() > doc.limits().max_agents) {
    doc.report(section.key_node, "more than " + std::to_string(doc.limits().max_agents) + " agents");
    return agents;
  }
  for (const auto& entry : entries) {
    const std::string in = " of agent '" + entry.key + "'";
    LazyAgent::Spec spec;
    spec.name = entry.key;
    if (!agent::is_valid_tool_name(entry.key)) {
      doc.report(entry.key_node, "agent name '" + entry.key +
                                     "' may only use letters, digits, '_' and '-' (at most 64 characters)");
    }
    const size_t before = doc.problems();
    const auto fields =
        doc.entries(entry.value, "agent '" + entry.key + "' must be a mapping (model, preamble, ...)");
    doc.check_keys(fields,
                   {"model", "preamble", "tools", "memory", "knowledge", "max_steps", "temperature",
                    "max_tokens", "tool_choice", "description", "mcp"},
                   " in agent '" + entry.key + "'");
    std::optional<Entry> tool_choice;
    for (const auto& f : fields) {
      if (f.key == "model") {
        auto v = doc.string_of(f, "model");
        if (v && (v->empty() || v->find(':') == 0 || v->find(':') == std::string::npos)) {
          doc.report(f, "'" + *v +
                            "' is not a model reference (provider:model, e.g. local:gemma3-270m or "
                            "openai:gpt-4o-mini)");
        } else if (v) {
          spec.model = *v;
        }
      } else if (f.key == "preamble") {
        if (auto v = doc.string_of(f, "preamble")) spec.preamble = *v;
      } else if (f.key == "tools") {
        auto names = doc.strings_of(f, "tools");
        if (!names) continue;
        size_t index = 0;
        for (const auto& name : *names) {
          const YAML::Node where = f.value.IsSequence() ? f.value[index] : f.value;
          ++index;
          auto tool = context.tools.get(doc, where, name);
          if (!tool) continue;
          const bool twice = std::any_of(spec.tools.begin(), spec.tools.end(),
                                         [&](const auto& t) { return t->spec().name == tool->spec().name; });
          if (twice) {
            doc.report(where, "tool '" + name + "' is listed twice" + in);
          } else {
            spec.tools.push_back(std::move(tool));
          }
        }
      } else if (f.key == "memory") {
        spec.memory = read_memory(doc, f, in);
      } else if (f.key == "knowledge") {
        spec.knowledge = read_knowledge(doc, f, in);
      } else if (f.key == "max_steps") {
        if (auto v = doc.int_of(f, "max_steps", 1, 100)) spec.max_steps = static_cast<int>(*v);
      } else if (f.key == "temperature") {
        auto v = doc.number_of(f, "temperature");
        if (v && (*v < 0 || *v > 2)) {
          doc.report(f, "'temperature' must be from 0 to 2");
        } else if (v) {
          spec.temperature = *v;
        }
      } else if (f.key == "max_tokens") {
        if (auto v = doc.int_of(f, "max_tokens", 1, 1'000'000)) spec.max_tokens = static_cast<int>(*v);
      } else if (f.key == "tool_choice") {
        tool_choice = f;
      } else if (f.key == "description") {
        doc.string_of(f, "description");
      } else if (f.key == "mcp") {
        if (auto v = doc.string_of(f, "mcp")) {
          const std::filesystem::path path = doc.dir() / *v;  // an absolute *v replaces dir
          try {
            spec.mcp = std::make_shared<const mcp::Config>(mcp::load_config(path.lexically_normal()));
          } catch (const Error& e) {
            doc.report(f, std::string("'mcp'") + in + ": " + e.what());
          }
        }
      }
    }
    if (tool_choice) {
      if (auto v = doc.string_of(*tool_choice, "tool_choice")) {
        std::vector<std::string> names;
        for (const auto& t : spec.tools) names.push_back(t->spec().name);
        if (spec.knowledge) names.push_back("search_knowledge");
        const bool known = *v == "auto" || *v == "none" || *v == "required" ||
                           std::find(names.begin(), names.end(), *v) != names.end();
        if (!known) {
          names.insert(names.begin(), {"auto", "none", "required"});
          doc.report(*tool_choice, "'tool_choice'" + in +
                                       " must be auto, none, required or one of its tools, not '" + *v + "'" +
                                       did_you_mean(*v, names));
        } else if ((*v == "required" || (*v != "auto" && *v != "none")) && names.empty()) {
          doc.report(*tool_choice, "'tool_choice: " + *v + "'" + in + " needs tools");
        } else {
          spec.tool_choice = *v;
        }
      }
    }
    if (doc.problems() != before) {
      agents.emplace(entry.key, nullptr);  // known, so its nodes do not report it as unknown too
      continue;
    }
    agents.emplace(entry.key, std::make_shared<LazyAgent>(std::move(spec), context.options.model_factory,
                                                          context.options.retriever_factory));
  }
  return agents;
}

}  // namespace alith::flow::yaml
