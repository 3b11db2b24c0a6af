#pragma once

namespace alith::inference::detail {

// data/templates/gemma3-tools.jinja: Gemma 3 turns with a tool-call format llama.cpp can constrain and parse.
extern const char* const kGemma3ToolsTemplate;

}  // namespace alith::inference::detail
