// Transactions and RLP against ethers v6, both ways, on random inputs: 1,200 transactions of the three types
// (contract creations, empty and long data, access lists, values up to 2^256-1, 64-bit chain ids) signed by
// alith must be byte-for-byte what an ethers Wallet signs, parse in ethers to the same fields and sender, and
// alith must decode ethers' serializations back to the same transaction. 500 random nested RLP items must
// encode to the same bytes in both and decode to the same structure.

#include <gtest/gtest.h>

#include "alith/web3/rlp.h"
#include "alith/web3/transaction.h"
#include "ethers_reference.h"

namespace alith::web3 {
namespace {

U256 random_u256(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0:
      return 0;
    case 1:
      return rng() % 1000;
    case 2:
      return rng();
    case 3:
      return U256::max();
    default:
      return U256::from_be_bytes(testing::random_bytes(rng, 32)).value() >>
             static_cast<unsigned>(rng() % 256);
  }
}

size_t random_size(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0:
      return 0;
    case 1:
      return 1;
    case 2:
      return 55 + rng() % 3;  // around the short/long boundary
    case 3:
      return 1000 + rng() % 2000;
    default:
      return rng() % 64;
  }
}

Transaction random_transaction(std::mt19937_64& rng) {
  Transaction tx;
  tx.type = static_cast<TxType>(rng() % 3);
  const std::uint64_t chains[] = {1, 5, 137, 31337, 11155111, rng() % (1ull << 32), rng()};
  tx.chain_id = chains[rng() % std::size(chains)];
  if (tx.type == TxType::legacy && rng() % 5 == 0) tx.chain_id = 0;
  // ethers keeps the nonce in a JavaScript number: at most 2^53 - 1.
  tx.nonce = rng() % 2 ? rng() % 100 : rng() % (1ull << 53);
  if (tx.type == TxType::dynamic_fee) {
    tx.max_priority_fee_per_gas = random_u256(rng);
    tx.max_fee_per_gas = random_u256(rng);
    // sign_transaction (like ethers) refuses a priority fee above the fee cap.
    if (tx.max_priority_fee_per_gas > tx.max_fee_per_gas)
      std::swap(tx.max_priority_fee_per_gas, tx.max_fee_per_gas);
  } else {
    tx.gas_price = random_u256(rng);
  }
  tx.gas_limit = rng() % 2 ? 21000 + rng() % 1'000'000 : rng();
  if (rng() % 5 != 0) tx.to = Address::from_bytes(testing::random_bytes(rng, 20));
  tx.value = random_u256(rng);
  tx.data = testing::random_bytes(rng, random_size(rng));
  if (tx.type != TxType::legacy) {
    for (size_t entries = rng() % 4; entries > 0; --entries) {
      AccessListEntry entry{.address = Address::from_bytes(testing::random_bytes(rng, 20)),
                            .storage_keys = {}};
      for (size_t keys = rng() % 4; keys > 0; --keys) {
        Hash& key = entry.storage_keys.emplace_back();
        Bytes b = testing::random_bytes(rng, 32);
        std::copy(b.begin(), b.end(), key.begin());
      }
      tx.access_list.push_back(std::move(entry));
    }
  }
  return tx;
}

Json request_json(const Transaction& tx) {
  Json access = Json::array();
  for (const auto& entry : tx.access_list) {
    Json keys = Json::array();
    for (const auto& key : entry.storage_keys) keys.push_back(to_hex(key));
    access.push_back({{"address", entry.address.to_checksum()}, {"storageKeys", keys}});
  }
  return {{"type", static_cast<int>(tx.type)},
          {"chainId", std::to_string(tx.chain_id)},
          {"nonce", tx.nonce},
          {"gasLimit", std::to_string(tx.gas_limit)},
          {"gasPrice", tx.gas_price.to_string()},
          {"maxPriorityFeePerGas", tx.max_priority_fee_per_gas.to_string()},
          {"maxFeePerGas", tx.max_fee_per_gas.to_string()},
          {"to", tx.to ? Json(tx.to->to_checksum()) : Json(nullptr)},
          {"value", tx.value.to_string()},
          {"data", to_hex(tx.data)},
          {"accessList", access}};
}

TEST(EthersTransactions, SignedSerializationsParsedFieldsAndDecodingMatch) {
  ALITH_REQUIRE_ETHERS();
  std::mt19937_64 rng(20261126);
  std::vector<SignedTransaction> signed_txs;
  std::vector<Address> senders;
  Json vectors = Json::array();
  for (int i = 0; i < 1200; ++i) {
    PrivateKey key = PrivateKey::from_bytes(testing::random_bytes(rng, 32)).value();
    Transaction tx = random_transaction(rng);
    signed_txs.push_back(sign_transaction(tx, key));
    senders.push_back(key.address());
    vectors.push_back({{"key", key.reveal_hex()},
                       {"tx", request_json(tx)},
                       {"alith_raw", to_hex(signed_txs.back().raw())}});
  }
  Json answers = testing::run_ethers("transactions.cjs", {{"transactions", vectors}, {"rlp", Json::array()}});
  const Json& txs = answers["transactions"];
  ASSERT_EQ(txs.size(), signed_txs.size());
  int types[3] = {0, 0, 0}, creations = 0, pre_eip155 = 0, with_access_list = 0;
  for (size_t i = 0; i < txs.size(); ++i) {
    const SignedTransaction& mine = signed_txs[i];
    const Transaction& tx = mine.tx;
    const Json& a = txs[i];
    const Json& p = a["parsed"];
    ++types[static_cast<int>(tx.type)];
    creations += !tx.to;
    pre_eip155 += tx.type == TxType::legacy && tx.chain_id == 0;
    with_access_list += !tx.access_list.empty();

    ASSERT_EQ(a["raw"], to_hex(mine.raw())) << i;
    ASSERT_EQ(a["unsigned_hash"], to_hex(tx.signing_hash())) << i;
    ASSERT_EQ(p["type"], static_cast<int>(tx.type)) << i;
    ASSERT_EQ(p["chainId"], std::to_string(tx.chain_id)) << i;
    ASSERT_EQ(p["nonce"], std::to_string(tx.nonce)) << i;
    ASSERT_EQ(p["gasLimit"], std::to_string(tx.gas_limit)) << i;
    ASSERT_EQ(p["gasPrice"], tx.gas_price.to_string()) << i;
    ASSERT_EQ(p["maxPriorityFeePerGas"], tx.max_priority_fee_per_gas.to_string()) << i;
    ASSERT_EQ(p["maxFeePerGas"], tx.max_fee_per_gas.to_string()) << i;
    ASSERT_EQ(p["to"], tx.to ? Json(tx.to->to_checksum()) : Json(nullptr)) << i;
    ASSERT_EQ(p["value"], tx.value.to_string()) << i;
    ASSERT_EQ(p["data"], to_hex(tx.data)) << i;
    ASSERT_EQ(p["accessList"], request_json(tx)["accessList"]) << i;
    ASSERT_EQ(p["r"], to_hex(mine.signature.r)) << i;
    ASSERT_EQ(p["s"], to_hex(mine.signature.s)) << i;
    ASSERT_EQ(p["yParity"], mine.signature.y_parity) << i;
    ASSERT_EQ(p["from"], senders[i].to_checksum()) << i;
    ASSERT_EQ(p["hash"], to_hex(mine.hash())) << i;
    ASSERT_EQ(mine.sender().value(), senders[i]) << i;

    auto decoded = decode_transaction(from_hex(a["raw"].get<std::string>()));
    ASSERT_TRUE(decoded.ok()) << i << ": " << decoded.error().message;
    ASSERT_EQ(*decoded, mine) << i;
    ASSERT_EQ(decoded->sender().value(), senders[i]) << i;
  }
  // The generator reached every case it is meant to.
  EXPECT_GT(types[0], 300);
  EXPECT_GT(types[1], 300);
  EXPECT_GT(types[2], 300);
  EXPECT_GT(creations, 100);
  EXPECT_GT(pre_eip155, 20);
  EXPECT_GT(with_access_list, 300);
}

RlpItem random_item(std::mt19937_64& rng, int depth) {
  if (depth < 5 && rng() % 3 == 0) {
    std::vector<RlpItem> items;
    for (size_t n = rng() % 6; n > 0; --n) items.push_back(random_item(rng, depth + 1));
    return RlpItem::list(std::move(items));
  }
  return RlpItem::string(testing::random_bytes(rng, random_size(rng)));
}

Json item_json(const RlpItem& item) {
  if (!item.is_list()) return to_hex(item.bytes());
  Json out = Json::array();
  for (const RlpItem& child : item.list()) out.push_back(item_json(child));
  return out;
}

RlpItem item_from_json(const Json& json) {
  if (json.is_string()) return RlpItem::string(from_hex(json.get<std::string>()));
  std::vector<RlpItem> items;
  for (const Json& child : json) items.push_back(item_from_json(child));
  return RlpItem::list(std::move(items));
}

TEST(EthersTransactions, RlpEncodesAndDecodesAlike) {
  ALITH_REQUIRE_ETHERS();
  std::mt19937_64 rng(20261127);
  std::vector<RlpItem> items;
  Json vectors = Json::array();
  for (int i = 0; i < 500; ++i) {
    items.push_back(random_item(rng, 0));
    vectors.push_back(
        {{"item", item_json(items.back())}, {"alith_encoded", to_hex(rlp_encode(items.back()))}});
  }
  Json answers = testing::run_ethers("transactions.cjs", {{"transactions", Json::array()}, {"rlp", vectors}});
  const Json& rlp = answers["rlp"];
  ASSERT_EQ(rlp.size(), items.size());
  int lists = 0;
  for (size_t i = 0; i < rlp.size(); ++i) {
    lists += items[i].is_list();
    ASSERT_EQ(rlp[i]["encoded"], vectors[i]["alith_encoded"]) << i;
    ASSERT_EQ(item_from_json(rlp[i]["decoded"]), items[i]) << i;
    auto decoded = rlp_decode(from_hex(rlp[i]["encoded"].get<std::string>()));
    ASSERT_TRUE(decoded.ok()) << i << ": " << decoded.error().message;
    ASSERT_EQ(*decoded, items[i]) << i;
  }
  EXPECT_GT(lists, 100);
}

}  // namespace
}  // namespace alith::web3
