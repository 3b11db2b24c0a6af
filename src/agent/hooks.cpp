#include "alith/agent/agent.h"

namespace alith::agent {

Hooks answer_on_last_step(int max_steps) {
  Hooks hooks;
  hooks.before_model = [max_steps](llm::ChatRequest& request) {
    int step = 0;  // assistant turns since the prompt
    for (auto it = request.messages.rbegin(); it != request.messages.rend() && it->role != llm::Role::user;
         ++it) {
      if (it->role == llm::Role::assistant) ++step;
    }
    if (step >= max_steps - 1 && !request.tools.empty()) request.tool_choice = llm::ToolChoice::none_choice();
  };
  return hooks;
}

}  // namespace alith::agent
