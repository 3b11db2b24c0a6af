// Keys and EIP-191 against ethers v6 on 1,000 random keys and messages, in both directions: ethers computes
// the address and signature of each key alith used, and recovers the signer of each signature alith made.
#include <gtest/gtest.h>

#include "alith/web3/keys.h"
#include "alith/web3/message.h"
#include "ethers_reference.h"

namespace alith::web3 {
namespace {

TEST(EthersKeys, AddressesSignaturesAndRecoveryMatch) {
  ALITH_REQUIRE_ETHERS();
  std::mt19937_64 rng(20261125);
  std::vector<PrivateKey> keys;
  std::vector<Bytes> messages;
  Json vectors = Json::array();
  for (int i = 0; i < 1000; ++i) {
    keys.push_back(PrivateKey::from_bytes(testing::random_bytes(rng, 32)).value());
    messages.push_back(testing::random_bytes(rng, rng() % 200));
    const PrivateKey& key = keys.back();
    vectors.push_back({{"key", key.reveal_hex()},
                       {"message", to_hex(messages.back())},
                       {"address_lower", key.address().to_hex()},
                       {"alith_public", to_hex(key.public_key().uncompressed())},
                       {"alith_signature", sign_message(key, messages.back()).to_hex()}});
  }
  Json answers = testing::run_ethers("keys.cjs", {{"vectors", vectors}});
  ASSERT_EQ(answers.size(), vectors.size());
  for (size_t i = 0; i < answers.size(); ++i) {
    const PrivateKey& key = keys[i];
    const Json& a = answers[i];
    ASSERT_EQ(a["address"], key.address().to_checksum()) << i;
    ASSERT_EQ(a["lowercase_checksum"], key.address().to_checksum()) << i;
    ASSERT_EQ(a["compressed"], to_hex(key.public_key().compressed())) << i;
    ASSERT_EQ(a["signature"], vectors[i]["alith_signature"]) << i;
    ASSERT_EQ(a["recovered"], key.address().to_checksum()) << i;
    ASSERT_EQ(a["from_public"], key.address().to_checksum()) << i;
    auto ethers_sig = Signature::parse(a["signature"].get<std::string>()).value();
    ASSERT_EQ(recover_message_signer(messages[i], ethers_sig).value(), key.address()) << i;
  }
}

}  // namespace
}  // namespace alith::web3
