#pragma once

// A test suite against a real chain: one anvil (scripts/web3-peers) per suite, the project's contracts
// (contracts/*.sol) compiled once by solc-js, an RpcClient per test, and anvil's funded dev keys. Skips when
// anvil or the npm peers are missing. Define ALITH_CONTRACTS_DIR for the target.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "alith/web3/abi.h"
#include "alith/web3/rpc.h"
#include "alith/web3/wallet.h"
#include "ethers_reference.h"
#include "support/anvil.h"

namespace alith::web3 {

struct Compiled {
  abi::Interface abi;
  Bytes bytecode;
};

class ChainFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (alith::testing::Anvil::binary().empty() || alith::testing::web3_node_modules().empty()) return;
    anvil_ = std::make_unique<alith::testing::Anvil>();
    contracts_ = std::make_unique<Json>(
        alith::testing::run_ethers("compile_contracts.cjs", {{"dir", ALITH_CONTRACTS_DIR}}));
  }
  static void TearDownTestSuite() {
    anvil_.reset();
    contracts_.reset();
  }

  void SetUp() override {
    ALITH_REQUIRE_ANVIL();
    ALITH_REQUIRE_ETHERS();
    ASSERT_TRUE(anvil_);
    RpcOptions o;
    o.url = anvil_->url();
    rpc_ = std::make_shared<RpcClient>(o);
  }

  // A contract of contracts/ by name (e.g. "AlithToken"): its ABI and creation bytecode.
  static Compiled contract(const std::string& name) {
    const Json& c = (*contracts_)["contracts"][name];
    return {abi::Interface::from_json(c["abi"]).value(), from_hex(c["bytecode"].get<std::string>())};
  }
  PrivateKey key(size_t i) const { return PrivateKey::parse(anvil_->dev_keys().at(i)).value(); }
  Wallet wallet(size_t i) const { return Wallet(key(i), rpc_); }
  Address account(size_t i) const { return key(i).address(); }

  static inline std::unique_ptr<alith::testing::Anvil> anvil_;
  static inline std::unique_ptr<Json> contracts_;
  std::shared_ptr<RpcClient> rpc_;
};

}  // namespace alith::web3
