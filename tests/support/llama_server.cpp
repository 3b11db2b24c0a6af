#include "llama_server.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <utility>

namespace alith::testing {
namespace {

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

}  // namespace

LlamaServer::LlamaServer(LlamaServerOptions options) {
  const std::string binary =
      !options.binary.empty() ? options.binary : env_or("ALITH_LLAMA_SERVER", ALITH_DEFAULT_LLAMA_SERVER);
  const std::string model =
      !options.model.empty() ? options.model : env_or("ALITH_TEST_MODEL", ALITH_DEFAULT_TEST_MODEL);
  if (binary.empty() || !std::filesystem::exists(binary)) {
    throw std::runtime_error("llama-server not found at '" + binary +
                             "': run scripts/setup (or set ALITH_LLAMA_SERVER)");
  }
  if (model.empty() || !std::filesystem::exists(model)) {
    throw std::runtime_error("test model not found at '" + model +
                             "': run scripts/setup (or set ALITH_TEST_MODEL)");
  }
  port_ = free_loopback_port();
  log_path_ =
      (std::filesystem::temp_directory_path() / ("alith-llama-server-" + std::to_string(port_) + ".log"))
          .string();
  std::vector<std::string> args = {binary,
                                   "-m",
                                   model,
                                   "--host",
                                   "127.0.0.1",
                                   "--port",
                                   std::to_string(port_),
                                   "-c",
                                   std::to_string(options.context),
                                   "-np",
                                   std::to_string(options.parallel),
                                   "-t",
                                   std::to_string(options.threads),
                                   "--jinja",
                                   "--no-webui"};
  if (options.tool_template) {
    args.insert(args.end(), {"--chat-template-file", ALITH_SOURCE_DIR "/data/templates/gemma3-tools.jinja"});
  }
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  std::ofstream(log_path_, std::ios::trunc);  // a log left by an earlier server on this port starts afresh
  ChildOptions child_options(std::move(args), log_path_);
  child_options.stop_grace = std::chrono::seconds(5);
  child_ = ChildProcess(std::move(child_options));
  const std::string health = "http://127.0.0.1:" + std::to_string(port_) + "/health";
  wait_until_ready(child_, "llama-server", std::chrono::seconds(120),
                   [&] { return http_status(health) == 200; });
}

LlamaServer::~LlamaServer() = default;

std::string LlamaServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1";
}

}  // namespace alith::testing
