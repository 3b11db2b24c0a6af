// Transaction encoding, hashing and signing; decoding is in transaction_decode.cpp, JSON in
// transaction_json.cpp.

#include "alith/web3/transaction.h"

#include "alith/web3/keccak.h"
#include "alith/web3/rlp.h"

namespace alith::web3 {

namespace {

// Rejects fields the type does not sign, so that nothing the caller set is silently left out of the hash.
void check_fields(const Transaction& tx) {
  switch (tx.type) {
    case TxType::legacy:
      if (!tx.access_list.empty())
        throw InvalidArgumentError("transaction: a legacy transaction has no access list");
      [[fallthrough]];
    case TxType::access_list:
      if (!tx.max_fee_per_gas.is_zero() || !tx.max_priority_fee_per_gas.is_zero())
        throw InvalidArgumentError(
            "transaction: max_fee_per_gas and max_priority_fee_per_gas belong to type 2 (EIP-1559) "
            "transactions; set gas_price");
      return;
    case TxType::dynamic_fee:
      if (!tx.gas_price.is_zero())
        throw InvalidArgumentError(
            "transaction: gas_price belongs to legacy and type 1 transactions; a type 2 (EIP-1559) "
            "transaction sets max_fee_per_gas and max_priority_fee_per_gas");
      return;
  }
  throw InvalidArgumentError("transaction: unknown type " + std::to_string(static_cast<int>(tx.type)));
}

void append_access_list(Bytes& out, const std::vector<AccessListEntry>& list) {
  Bytes entries;
  for (const AccessListEntry& entry : list) {
    Bytes fields;
    rlp_append_string(fields, entry.address.bytes);
    Bytes keys;
    for (const Hash& key : entry.storage_keys) rlp_append_string(keys, key);
    rlp_append_list_header(fields, keys.size());
    fields.insert(fields.end(), keys.begin(), keys.end());
    rlp_append_list_header(entries, fields.size());
    entries.insert(entries.end(), fields.begin(), fields.end());
  }
  rlp_append_list_header(out, entries.size());
  out.insert(out.end(), entries.begin(), entries.end());
}

// The encoded fields every form shares, in the type's order, up to and including the access list; the
// signature (or EIP-155's chain id, 0, 0) follows.
Bytes unsigned_fields(const Transaction& tx) {
  check_fields(tx);
  Bytes out;
  if (tx.type != TxType::legacy) rlp_append_uint(out, tx.chain_id);
  rlp_append_uint(out, tx.nonce);
  if (tx.type == TxType::dynamic_fee) {
    rlp_append_uint(out, tx.max_priority_fee_per_gas);
    rlp_append_uint(out, tx.max_fee_per_gas);
  } else {
    rlp_append_uint(out, tx.gas_price);
  }
  rlp_append_uint(out, tx.gas_limit);
  if (tx.to)
    rlp_append_string(out, tx.to->bytes);
  else
    rlp_append_string(out, ByteView());
  rlp_append_uint(out, tx.value);
  rlp_append_string(out, tx.data);
  if (tx.type != TxType::legacy) append_access_list(out, tx.access_list);
  return out;
}

// Typed transactions are the type byte followed by the RLP list (EIP-2718); legacy ones the bare list.
Bytes envelope(TxType type, const Bytes& fields) {
  Bytes out;
  if (type != TxType::legacy) out.push_back(static_cast<std::uint8_t>(type));
  rlp_append_list_header(out, fields.size());
  out.insert(out.end(), fields.begin(), fields.end());
  return out;
}

U256 as_uint(const Hash& word) {
  return U256::from_be_bytes(word).value();  // 32 bytes always fit
}

}  // namespace

Bytes Transaction::signing_payload() const {
  Bytes fields = unsigned_fields(*this);
  if (type == TxType::legacy && chain_id != 0) {
    rlp_append_uint(fields, chain_id);  // EIP-155: chain id, 0, 0
    rlp_append_uint(fields, 0);
    rlp_append_uint(fields, 0);
  }
  return envelope(type, fields);
}

Hash Transaction::signing_hash() const {
  return keccak256(signing_payload());
}

U256 SignedTransaction::v() const {
  if (tx.type != TxType::legacy) return signature.y_parity;
  if (tx.chain_id == 0) return 27u + signature.y_parity;
  return U256(tx.chain_id) * 2 + 35 + signature.y_parity;
}

Bytes SignedTransaction::raw() const {
  Bytes fields = unsigned_fields(tx);
  rlp_append_uint(fields, v());
  rlp_append_uint(fields, as_uint(signature.r));
  rlp_append_uint(fields, as_uint(signature.s));
  return envelope(tx.type, fields);
}

Hash SignedTransaction::hash() const {
  return keccak256(raw());
}

Result<Address> SignedTransaction::sender() const {
  return recover_address(tx.signing_hash(), signature);
}

SignedTransaction sign_transaction(const Transaction& tx, const PrivateKey& key) {
  // Encodable, but every node refuses it (and ethers will not sign it): better said before signing.
  if (tx.type == TxType::dynamic_fee && tx.max_priority_fee_per_gas > tx.max_fee_per_gas)
    throw InvalidArgumentError("transaction: max_priority_fee_per_gas " +
                               tx.max_priority_fee_per_gas.to_string() + " is above max_fee_per_gas " +
                               tx.max_fee_per_gas.to_string());
  return SignedTransaction{.tx = tx, .signature = key.sign_hash(tx.signing_hash())};
}

}  // namespace alith::web3
