// Shared pieces of the multi-agent patterns.

#include "flow/patterns/common.h"

#include <algorithm>
#include <set>
#include <utility>

#include "alith/core/error.h"

namespace alith::flow {

NamedAgent::NamedAgent(std::shared_ptr<agent::Agent> a) : agent(std::move(a)) {
  if (!agent) throw InvalidArgumentError("NamedAgent: no agent");
  name = agent->name();
}

NamedAgent::NamedAgent(std::string n, std::shared_ptr<agent::Agent> a, std::string d)
    : name(std::move(n)), agent(std::move(a)), description(std::move(d)) {
  if (!agent) throw InvalidArgumentError("NamedAgent '" + name + "': no agent");
}

namespace patterns_detail {
namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Bytes of multi-byte UTF-8 characters count as word characters, so a name inside a word of another script
// is not a match either.
bool word_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'z') || c == '_';
}

std::string lowered(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

}  // namespace

std::string as_text(const Json& value) {
  return value.is_string() ? value.get<std::string>() : dump_json(value);
}

std::string input_text(const Json& state, std::string_view pattern) {
  const auto it = state.is_object() ? state.find("input") : state.end();
  if (!state.is_object() || it == state.end() || it->is_null()) {
    throw InvalidArgumentError(std::string(pattern) + ": the state has no \"input\" (the request)");
  }
  return as_text(*it);
}

agent::RunResult run_turn(agent::Agent& agent, std::string prompt, NodeContext& context, bool stream) {
  agent::RunOptions options;
  options.cancel = context.cancel();
  if (!stream) return agent.run(std::move(prompt), options);
  return agent.stream(
      std::move(prompt),
      [&context](const agent::AgentEvent& event) {
        if (event.kind == agent::AgentEvent::Kind::text_delta && !event.text.empty()) {
          context.emit_token(event.text);
        }
      },
      options);
}

std::optional<size_t> find_name(std::string_view text, const std::vector<std::string>& names) {
  const std::string hay = lowered(text);
  std::optional<size_t> best;
  size_t best_pos = std::string::npos;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string needle = lowered(names[i]);
    if (needle.empty()) continue;
    for (size_t pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + 1)) {
      const size_t end = pos + needle.size();
      // A boundary is only needed where the name itself starts or ends with a word character: "c++" may be
      // followed by anything.
      const bool open = pos == 0 || !word_char(hay[pos - 1]) || !word_char(needle.front());
      const bool close = end == hay.size() || !word_char(hay[end]) || !word_char(needle.back());
      if (!open || !close) continue;
      if (pos < best_pos || (pos == best_pos && needle.size() > names[*best].size())) {
        best = i;
        best_pos = pos;
      }
      break;
    }
  }
  return best;
}

void check_agents(const std::vector<NamedAgent>& agents, std::initializer_list<std::string_view> reserved,
                  std::string_view pattern) {
  const std::string p(pattern);
  if (agents.empty()) throw InvalidArgumentError(p + ": no agents");
  std::set<std::string, std::less<>> seen;
  for (const auto& a : agents) {
    if (!a.agent) throw InvalidArgumentError(p + ": agent '" + a.name + "' is null");
    if (a.name.empty()) throw InvalidArgumentError(p + ": an agent has no name (name it in NamedAgent)");
    if (a.name == START || a.name == END ||
        std::find(reserved.begin(), reserved.end(), a.name) != reserved.end()) {
      throw InvalidArgumentError(p + ": the name '" + a.name + "' is taken by the pattern's own nodes");
    }
    if (!seen.insert(a.name).second) {
      throw InvalidArgumentError(p + ": two agents are named '" + a.name + "' (names must be unique)");
    }
  }
}

std::vector<std::string> names_of(const std::vector<NamedAgent>& agents) {
  std::vector<std::string> out;
  out.reserve(agents.size());
  for (const auto& a : agents) out.push_back(a.name);
  return out;
}

std::string labelled(const Json& entries, const char* name_key, const char* text_key) {
  std::string out;
  if (!entries.is_array()) return out;
  for (const auto& e : entries) {
    if (!e.is_object()) continue;
    out += "[" + as_text(e.value(name_key, Json(""))) + "]: " + as_text(e.value(text_key, Json(""))) + "\n\n";
  }
  return out;
}

}  // namespace patterns_detail
}  // namespace alith::flow
