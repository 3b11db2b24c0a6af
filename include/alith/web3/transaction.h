#pragma once

// Ethereum transactions of the three types a wallet sends: legacy (with EIP-155 replay protection),
// EIP-2930 (type 1, access list) and EIP-1559 (type 2, priority fee and fee cap). Each type signs its own
// fields only: a field of another type that is set (gas_price on a type 2, fee caps on a legacy or type 1,
// an access list on a legacy transaction) is an InvalidArgumentError when the transaction is hashed or
// serialized, rather than silently dropped from what is signed.
//
// Nonce, gas limit and chain id are 64-bit as in EIP-2681 and every client; decoding rejects wider values.

#include <cstdint>
#include <optional>
#include <vector>

#include "alith/core/json.h"
#include "alith/web3/address.h"
#include "alith/web3/bytes.h"
#include "alith/web3/keys.h"
#include "alith/web3/u256.h"

namespace alith::web3 {

enum class TxType : std::uint8_t { legacy = 0, access_list = 1, dynamic_fee = 2 };

// Storage the transaction declares it will touch (EIP-2930); the declared slots cost less gas.
struct AccessListEntry {
  Address address;
  std::vector<Hash> storage_keys;
  friend bool operator==(const AccessListEntry&, const AccessListEntry&) = default;
};

struct Transaction {
  TxType type = TxType::dynamic_fee;
  std::uint64_t chain_id = 1;  // legacy: 0 signs without EIP-155 (v = 27 + y), replayable on any chain
  std::uint64_t nonce = 0;
  U256 gas_price;                 // legacy and EIP-2930
  U256 max_priority_fee_per_gas;  // EIP-1559
  U256 max_fee_per_gas;           // EIP-1559
  std::uint64_t gas_limit = 21000;
  std::optional<Address> to;  // empty: contract creation (data is the init code)
  U256 value;
  Bytes data;
  std::vector<AccessListEntry> access_list;  // EIP-2930 and EIP-1559

  // What the sender signs: keccak256 of signing_payload().
  Hash signing_hash() const;
  // The unsigned serialization: for legacy the RLP of the six fields (plus chain_id, 0, 0 under EIP-155),
  // for typed transactions the type byte followed by the RLP of the fields without the signature.
  Bytes signing_payload() const;

  friend bool operator==(const Transaction&, const Transaction&) = default;
};

struct SignedTransaction {
  Transaction tx;
  Signature signature;  // low-s; y_parity is the recovery bit (v is derived from it and the chain id)

  Bytes raw() const;               // the bytes eth_sendRawTransaction takes
  Hash hash() const;               // keccak256(raw()): the transaction hash
  Result<Address> sender() const;  // recovered from the signature; a crypto error if it does not recover
  U256 v() const;                  // legacy: 27 + y or chain_id * 2 + 35 + y; typed: y_parity

  friend bool operator==(const SignedTransaction&, const SignedTransaction&) = default;
};

// Signs with an RFC 6979 deterministic, low-s signature; InvalidArgumentError if the fields do not fit the
// type.
SignedTransaction sign_transaction(const Transaction& tx, const PrivateKey& key);

// A raw signed transaction of any of the three types, as eth_sendRawTransaction takes it and
// eth_getRawTransactionByHash returns it. Never throws. Errors:
//  - parse (with the byte offset): not canonical RLP, an unknown type byte (0x03 blobs and 0x04 set-code
//    transactions included), the wrong number of fields, an integer with leading zeros or too wide for its
//    field, `to` neither empty nor 20 bytes, a malformed access list, a legacy v that is neither 27/28 nor
//    35 + 2 * chain_id + {0, 1}, a y parity other than 0/1, trailing bytes;
//  - crypto: a high-s signature (EIP-2), r or s zero.
// A decoded transaction re-serializes to exactly the input bytes.
Result<SignedTransaction> decode_transaction(ByteView raw);

// The transaction as Ethereum JSON-RPC writes it (eth_getTransactionByHash without the block fields):
// "type", "chainId", "nonce", "gas", "gasPrice" or "maxPriorityFeePerGas"/"maxFeePerGas", "to" (null for a
// creation), "value", "input", "accessList" (typed), "v", "r", "s", "yParity" (typed), "hash" and "from"
// (absent when the signature does not recover). Quantities are minimal "0x" hex, addresses EIP-55.
Json to_json(const SignedTransaction& signed_tx);
// The unsigned fields in the same form: a call object for eth_call / eth_estimateGas ("from" not included).
Json to_json(const Transaction& tx);

}  // namespace alith::web3
