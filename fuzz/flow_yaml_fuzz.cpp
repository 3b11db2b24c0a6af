// libFuzzer target for workflow files: any bytes as a workflow's text either load or give a WorkflowError
// whose problems all name the file; what loads runs a few steps without a checkpointer, its agents' model
// factory refusing, to an outcome or an alith::Error. Anything else (a crash, UB, another exception, a hang,
// a problem list that is empty) is a bug.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alith/core/error.h"
#include "alith/flow/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  alith::flow::WorkflowOptions options;
  options.model_factory = [](const std::string&) -> std::shared_ptr<alith::llm::ChatModel> {
    throw alith::ConfigError("the fuzzer has no models");
  };
  options.retriever_factory =
      [](const alith::flow::KnowledgeSpec&) -> std::shared_ptr<const alith::knowledge::Retriever> {
    throw alith::ConfigError("the fuzzer has no stores");
  };
  options.base_dir = "/nonexistent/alith-flow-yaml-fuzz";  // relative subflows resolve to nothing
  options.threads = 1;
  std::shared_ptr<const alith::flow::Graph> graph;
  try {
    graph = alith::flow::load_workflow_text(text, "fuzz.yaml", options).graph;
  } catch (const alith::flow::WorkflowError& e) {
    if (e.problems().empty()) std::abort();
    for (const auto& p : e.problems()) {
      if (p.file.empty() || p.message.empty() || p.line < 0 || p.column < 0) std::abort();
    }
    return 0;
  }
  if (!graph) std::abort();
  alith::flow::RunConfig config;
  config.max_steps = 8;
  try {
    graph->invoke(alith::Json::object(), config);
  } catch (const alith::Error&) {
  }
  return 0;
}
