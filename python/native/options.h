#pragma once

// Keyword options shared by the model and agent bindings.

#include <nanobind/nanobind.h>

#include <chrono>
#include <optional>
#include <string>

#include "alith/core/cancel.h"
#include "alith/llm/message.h"

namespace alith_py {

namespace nb = nanobind;

// A CancelToken argument that may be None.
inline alith::CancelToken token_or_default(const alith::CancelToken* token) {
  return token ? *token : alith::CancelToken();
}

// Seconds (float) to milliseconds; None stays empty.
inline std::optional<std::chrono::milliseconds> to_millis(std::optional<double> seconds) {
  if (!seconds) return std::nullopt;
  return std::chrono::milliseconds(static_cast<long long>(*seconds * 1000.0));
}

// Sampling from a dict with any of temperature, top_p, top_k, min_p, presence_penalty, frequency_penalty,
// repeat_penalty, seed.
alith::llm::Sampling sampling_from_python(nb::handle dict);
// "auto", "none", "required" or a tool name.
alith::llm::ToolChoice tool_choice_from_string(const std::string& choice);

}  // namespace alith_py
