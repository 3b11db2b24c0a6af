#include "ethers_reference.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/run_command.h"
#include "support/temp_dir.h"

namespace alith::testing {

std::string web3_node_modules() {
  if (const char* env = std::getenv("ALITH_WEB3_NODE_MODULES"); env && *env) return env;
  const char* home = std::getenv("HOME");
  if (!home) return {};
  std::filesystem::path link = std::filesystem::path(home) / ".cache/alith/peers/web3-node";
  std::error_code ec;
  if (!std::filesystem::exists(link / "ethers", ec)) return {};
  return std::filesystem::canonical(link, ec).string();
}

Json run_ethers(const std::string& script, const Json& input) {
  TempDir dir("alith-ethers-");
  std::string in = dir.write("in.json", dump_json(input)).string();
  std::string err = dir.file("err.txt");
  std::string command = "NODE_PATH='" + web3_node_modules() + "' node '" +
                        std::string(ALITH_WEB3_NODE_SCRIPTS) + "/" + script + "' < '" + in + "' 2> '" + err +
                        "'";
  CommandOutput out = run_command(command);
  if (out.status != 0) {
    std::ifstream file(err);
    std::stringstream text;
    text << file.rdbuf();
    throw std::runtime_error(script + " failed (" + std::to_string(out.status) + "): " + text.str());
  }
  auto parsed = parse_json(out.out, 1024);
  if (!parsed) throw std::runtime_error(script + " printed no JSON: " + out.out.substr(0, 500));
  return std::move(parsed).value();
}

web3::Bytes random_bytes(std::mt19937_64& rng, size_t size) {
  web3::Bytes out(size);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

}  // namespace alith::testing
