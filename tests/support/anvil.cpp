#include "anvil.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "alith/core/json.h"
#include "alith/web3/rpc.h"

namespace alith::testing {
namespace {

bool answers_chain_id(const std::string& url) {
  try {
    web3::RpcOptions options;
    options.url = url;
    options.max_attempts = 1;
    options.request_timeout = std::chrono::milliseconds(2000);
    options.http.connect_timeout = std::chrono::milliseconds(1000);
    web3::RpcClient client(options);
    client.chain_id();
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

std::string Anvil::binary() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (const char* v = std::getenv("ALITH_ANVIL_BIN"); v && *v) return fs::exists(v, ec) ? v : "";
  const fs::path path = fs::path(peers_dir()) / "web3-node/@foundry-rs/anvil-linux-amd64/bin/anvil";
  return fs::exists(path, ec) ? path.string() : "";
}

Anvil::Anvil(AnvilOptions options) : options_(std::move(options)) {
  const std::string program = binary();
  if (program.empty()) throw std::runtime_error("anvil not found: run scripts/web3-peers");
  port_ = free_loopback_port();
  const std::string config = dir_.file("config.json");
  std::vector<std::string> args = {program,
                                   "--host",
                                   "127.0.0.1",
                                   "--port",
                                   std::to_string(port_),
                                   "--chain-id",
                                   std::to_string(options_.chain_id),
                                   "--accounts",
                                   std::to_string(options_.accounts),
                                   "--config-out",
                                   config};
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  child_ = ChildProcess(ChildOptions(std::move(args), dir_.file("anvil.log")));
  const std::string endpoint = url();
  wait_until_ready(
      child_, "anvil", std::chrono::seconds(60), [&] { return answers_chain_id(endpoint); },
      std::chrono::milliseconds(50));
  std::ifstream in(config);
  std::stringstream text;
  text << in.rdbuf();
  auto doc = parse_json(text.str());
  if (!doc || !doc->is_object() || !(*doc)["private_keys"].is_array()) {
    child_.stop();
    throw std::runtime_error("anvil wrote no readable --config-out file");
  }
  for (const auto& key : (*doc)["private_keys"]) keys_.push_back(key.get<std::string>());
}

Anvil::~Anvil() = default;

}  // namespace alith::testing
