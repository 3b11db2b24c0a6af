#include "chroma_server.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <utility>

namespace alith::testing {

namespace fs = std::filesystem;

std::string ChromaServer::binary() {
  if (const char* v = std::getenv("ALITH_CHROMA_BIN"); v && *v) return fs::exists(v) ? v : "";
  const auto bin = fs::path(peers_dir()) / "chroma";
  return fs::exists(bin) ? bin.string() : "";
}

ChromaServer::ChromaServer() {
  const std::string bin = binary();
  if (bin.empty()) throw std::runtime_error("chroma not found: run scripts/store-peers");
  port_ = free_loopback_port();
  // No telemetry: the test machine has no network, and a test should not phone home anyway.
  ChildOptions options(
      {bin, "run", "--path", dir_.file("data"), "--host", "127.0.0.1", "--port", std::to_string(port_)},
      dir_.file("server.log"));
  options.env = {"ANONYMIZED_TELEMETRY=False"};
  child_ = ChildProcess(std::move(options));
  const std::string heartbeat = url() + "/api/v2/heartbeat";
  wait_until_ready(child_, "chroma", std::chrono::seconds(90), [&] { return http_status(heartbeat) == 200; });
}

ChromaServer::~ChromaServer() = default;

std::string ChromaServer::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

}  // namespace alith::testing
