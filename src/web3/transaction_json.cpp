// Transactions in the JSON form of Ethereum JSON-RPC: quantities as minimal "0x" hex, data as "0x" hex.

#include "alith/web3/transaction.h"

namespace alith::web3 {

namespace {

std::string quantity(const U256& value) {
  return value.to_hex();
}

Json access_list_json(const std::vector<AccessListEntry>& list) {
  Json out = Json::array();
  for (const AccessListEntry& entry : list) {
    Json keys = Json::array();
    for (const Hash& key : entry.storage_keys) keys.push_back(to_hex(key));
    out.push_back({{"address", entry.address.to_checksum()}, {"storageKeys", std::move(keys)}});
  }
  return out;
}

}  // namespace

Json to_json(const Transaction& tx) {
  Json out = Json::object();
  out["type"] = quantity(static_cast<std::uint64_t>(tx.type));
  if (tx.type != TxType::legacy || tx.chain_id != 0) out["chainId"] = quantity(tx.chain_id);
  out["nonce"] = quantity(tx.nonce);
  out["gas"] = quantity(tx.gas_limit);
  if (tx.type == TxType::dynamic_fee) {
    out["maxPriorityFeePerGas"] = quantity(tx.max_priority_fee_per_gas);
    out["maxFeePerGas"] = quantity(tx.max_fee_per_gas);
  } else {
    out["gasPrice"] = quantity(tx.gas_price);
  }
  out["to"] = tx.to ? Json(tx.to->to_checksum()) : Json(nullptr);
  out["value"] = quantity(tx.value);
  out["input"] = to_hex(tx.data);
  if (tx.type != TxType::legacy) out["accessList"] = access_list_json(tx.access_list);
  return out;
}

Json to_json(const SignedTransaction& signed_tx) {
  Json out = to_json(signed_tx.tx);
  const Signature& sig = signed_tx.signature;
  out["v"] = quantity(signed_tx.v());
  out["r"] = quantity(U256::from_be_bytes(sig.r).value());
  out["s"] = quantity(U256::from_be_bytes(sig.s).value());
  if (signed_tx.tx.type != TxType::legacy) out["yParity"] = quantity(sig.y_parity);
  out["hash"] = to_hex(signed_tx.hash());
  if (auto from = signed_tx.sender()) out["from"] = from->to_checksum();
  return out;
}

}  // namespace alith::web3
