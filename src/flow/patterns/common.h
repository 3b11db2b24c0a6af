#pragma once

// What the multi-agent patterns (include/alith/flow/patterns.h) share: running one agent turn inside a node,
// reading the request, finding a name in a model's answer, checking agent names.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alith/flow/patterns.h"

namespace alith::flow::patterns_detail {

// The request: state["input"], a string as is and any other value as JSON text. InvalidArgumentError when
// the state has none.
std::string input_text(const Json& state, std::string_view pattern);

// A value as prompt text: a string as is, anything else as JSON.
std::string as_text(const Json& value);

// One agent turn: text deltas become the task's token events when stream is set, and the task's cancel
// token cancels the run.
agent::RunResult run_turn(agent::Agent& agent, std::string prompt, NodeContext& context, bool stream);

// The name in `names` that text mentions first: case-insensitive, as a whole word (no letter, digit or '_'
// on either side); of names starting at the same place, the longest. nullopt when none occurs.
std::optional<size_t> find_name(std::string_view text, const std::vector<std::string>& names);

// InvalidArgumentError for an empty list, a null agent, an empty or repeated name, or a name the pattern
// uses for its own nodes.
void check_agents(const std::vector<NamedAgent>& agents, std::initializer_list<std::string_view> reserved,
                  std::string_view pattern);

std::vector<std::string> names_of(const std::vector<NamedAgent>& agents);

// "[name]: text" blocks, one per entry of an array of objects, for prompts that show earlier answers.
std::string labelled(const Json& entries, const char* name_key, const char* text_key);

}  // namespace alith::flow::patterns_detail
