#pragma once

// Starts Foundry's anvil (a local Ethereum dev chain, from scripts/web3-peers) on 127.0.0.1 with a free port
// for integration tests, waits until it answers eth_chainId, and stops it on destruction. Blocks are mined on
// each transaction (anvil's automine), so a receipt is there as soon as the send returns.

#include <cstdint>
#include <string>
#include <vector>

#include "support/child_process.h"
#include "support/temp_dir.h"

namespace alith::testing {

struct AnvilOptions {
  std::uint64_t chain_id = 31337;
  int accounts = 10;                    // funded dev accounts (10,000 ether each)
  std::vector<std::string> extra_args;  // more anvil flags, e.g. {"--block-time", "1"}
};

class Anvil {
 public:
  // $ALITH_ANVIL_BIN, else <web3 peers>/@foundry-rs/anvil-linux-amd64/bin/anvil; empty when absent (tests
  // then GTEST_SKIP).
  static std::string binary();

  // Throws std::runtime_error with anvil's log when it does not come up.
  explicit Anvil(AnvilOptions options = {});
  ~Anvil();
  Anvil(const Anvil&) = delete;
  Anvil& operator=(const Anvil&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::uint64_t chain_id() const { return options_.chain_id; }
  // The funded accounts' private keys ("0x" + 64 hex digits) from anvil's default mnemonic ("test test ...
  // junk"), read from what anvil itself reports; dev_keys()[0] is
  // 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80. Public test keys: worthless.
  const std::vector<std::string>& dev_keys() const { return keys_; }

 private:
  TempDir dir_{"alith-anvil-"};  // log and config; declared before child_, so removed after it stops
  AnvilOptions options_;
  int port_ = 0;
  std::vector<std::string> keys_;
  ChildProcess child_;
};

}  // namespace alith::testing

// Skips the test when anvil is missing.
#define ALITH_REQUIRE_ANVIL()                                                                               \
  do {                                                                                                      \
    if (::alith::testing::Anvil::binary().empty()) GTEST_SKIP() << "anvil missing: run scripts/web3-peers"; \
  } while (0)
