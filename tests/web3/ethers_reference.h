#pragma once

// Runs the reference implementation, ethers v6 under Node.js, on inputs a test made, and returns its answers.
// Each area has one script in tests/web3/node/ that reads a JSON document on stdin and writes one to stdout.
// The peers come from scripts/web3-peers; without them the tests skip (ctest shows "Skipped").

#include <random>
#include <string>

#include "alith/core/json.h"
#include "alith/web3/bytes.h"

namespace alith::testing {

// The node_modules folder holding ethers, solc and anvil: $ALITH_WEB3_NODE_MODULES, else the link
// ~/.cache/alith/peers/web3-node; empty when neither exists.
std::string web3_node_modules();

// Runs node tests/web3/node/<script> with input on stdin; throws std::runtime_error with the script's stderr
// when it fails or prints something that is not JSON.
Json run_ethers(const std::string& script, const Json& input);

// Random bytes for vectors; tests seed the generator so a failure replays.
web3::Bytes random_bytes(std::mt19937_64& rng, size_t size);

}  // namespace alith::testing

// Skips the test when the npm peers are missing.
#define ALITH_REQUIRE_ETHERS()                                                                   \
  do {                                                                                           \
    if (::alith::testing::web3_node_modules().empty()) GTEST_SKIP() << "run scripts/web3-peers"; \
  } while (0)
