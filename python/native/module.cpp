#include "bindings.h"

NB_MODULE(_native, m) {
  m.doc() = "alith's C++ core (the alith package wraps it; import alith, not this module)";
  // Python callables owned by C++ objects (tools, hooks, workflow nodes) form reference cycles through module
  // globals that only interpreter teardown breaks, after nanobind's leak check: its report would be noise.
  nb::set_leak_warnings(false);
  bind_errors(m);
  bind_llm(m);
  bind_agent(m);
  bind_knowledge(m);
  bind_flow(m);
  bind_mcp(m);
  bind_web3(m);
}
