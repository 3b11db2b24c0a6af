#pragma once

// Starts llama.cpp's own llama-server on 127.0.0.1 with the test model, for integration tests against a real
// OpenAI-compatible peer. The process is killed when the object is destroyed.

#include <string>
#include <vector>

#include "support/child_process.h"

namespace alith::testing {

struct LlamaServerOptions {
  std::vector<std::string> extra_args;  // e.g. {"--embeddings"}
  int context = 4096;
  int parallel = 2;
  int threads = 2;
  bool tool_template = true;  // use data/templates/gemma3-tools.jinja (the GGUF ships no chat template)
  std::string binary;         // empty: $ALITH_LLAMA_SERVER, else the build's llama-server
  std::string model;          // empty: $ALITH_TEST_MODEL, else the build's test model
};

class LlamaServer {
 public:
  // Paths come from the options, else the environment (ALITH_LLAMA_SERVER, ALITH_TEST_MODEL), else the
  // build's defaults. Throws std::runtime_error with advice when the binary or the model is missing or the
  // server does not come up.
  explicit LlamaServer(LlamaServerOptions options = {});
  ~LlamaServer();
  LlamaServer(const LlamaServer&) = delete;
  LlamaServer& operator=(const LlamaServer&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:<port>/v1"
  int port() const { return port_; }

 private:
  int port_ = 0;
  std::string log_path_;
  ChildProcess child_;
};

}  // namespace alith::testing
