// decode_transaction: raw signed transactions from untrusted sources (a node, a user, a file). Every rule
// here keeps one property: what decodes re-serializes to exactly the input bytes, so a transaction has one
// hash.

#include <string>

#include "alith/web3/rlp.h"
#include "alith/web3/transaction.h"

namespace alith::web3 {

namespace {

// Field errors name the field and point at it; base is where the RLP list starts in the raw bytes (1 after
// a type byte).
class FieldReader {
 public:
  FieldReader(const std::vector<RlpItem>& fields, size_t base) : fields_(fields), base_(base) {}

  ErrorInfo error(const RlpItem& item, const std::string& what, const std::string& problem) const {
    return make_error(ErrorCode::parse, "transaction: " + what + ": " + problem, base_ + item.offset());
  }
  ErrorInfo error_at(size_t index, const std::string& what, const std::string& problem) const {
    return error(fields_[index], what, problem);
  }
  // Re-labels an RLP integer error with the field's name.
  ErrorInfo relabel(const ErrorInfo& e, const std::string& what) const {
    return make_error(e.code, "transaction: " + what + ": " + e.message.substr(e.message.find(' ') + 1),
                      base_ + e.offset.value_or(0));
  }

  Result<std::uint64_t> u64(size_t index, const char* what) const {
    auto v = fields_[index].to_u64();
    if (!v) return relabel(v.error(), what);
    return v;
  }
  Result<U256> u256(size_t index, const char* what) const {
    auto v = fields_[index].to_u256();
    if (!v) return relabel(v.error(), what);
    return v;
  }
  Result<Bytes> bytes(size_t index, const char* what) const {
    const RlpItem& item = fields_[index];
    if (item.is_list()) return error(item, what, "expected a byte string, got a list");
    return item.bytes();
  }
  Result<std::optional<Address>> to(size_t index) const {
    const RlpItem& item = fields_[index];
    if (item.is_list()) return error(item, "to", "expected an address, got a list");
    if (item.bytes().empty()) return std::optional<Address>();
    if (item.bytes().size() != 20)
      return error(item, "to", "an address is 20 bytes, got " + std::to_string(item.bytes().size()));
    return std::optional<Address>(Address::from_bytes(item.bytes()));
  }
  Result<std::vector<AccessListEntry>> access_list(size_t index) const {
    const RlpItem& item = fields_[index];
    if (!item.is_list()) return error(item, "accessList", "expected a list");
    std::vector<AccessListEntry> out;
    out.reserve(item.list().size());
    for (const RlpItem& entry : item.list()) {
      if (!entry.is_list() || entry.list().size() != 2)
        return error(entry, "accessList", "an entry is a list of [address, storageKeys]");
      const RlpItem& address = entry.list()[0];
      const RlpItem& keys = entry.list()[1];
      if (address.is_list() || address.bytes().size() != 20)
        return error(address, "accessList", "an entry's address is 20 bytes");
      if (!keys.is_list()) return error(keys, "accessList", "an entry's storage keys are a list");
      AccessListEntry decoded{.address = Address::from_bytes(address.bytes()), .storage_keys = {}};
      decoded.storage_keys.reserve(keys.list().size());
      for (const RlpItem& key : keys.list()) {
        if (key.is_list() || key.bytes().size() != 32)
          return error(key, "accessList", "a storage key is 32 bytes");
        Hash& slot = decoded.storage_keys.emplace_back();
        std::copy(key.bytes().begin(), key.bytes().end(), slot.begin());
      }
      out.push_back(std::move(decoded));
    }
    return out;
  }
  Result<Hash> word(size_t index, const char* what) const {
    auto v = u256(index, what);
    if (!v) return v.error();
    return v->to_be_bytes();
  }

 private:
  const std::vector<RlpItem>& fields_;
  size_t base_;
};

#define ALITH_TRY_ASSIGN(target, expr) \
  do {                                 \
    auto r_ = (expr);                  \
    if (!r_) return r_.error();        \
    target = std::move(r_).value();    \
  } while (0)

// Fields shared by the three types from nonce up to data, at the type's positions.
Result<void> read_common(const FieldReader& in, Transaction& tx, size_t first) {
  size_t i = first;
  ALITH_TRY_ASSIGN(tx.nonce, in.u64(i++, "nonce"));
  if (tx.type == TxType::dynamic_fee) {
    ALITH_TRY_ASSIGN(tx.max_priority_fee_per_gas, in.u256(i++, "maxPriorityFeePerGas"));
    ALITH_TRY_ASSIGN(tx.max_fee_per_gas, in.u256(i++, "maxFeePerGas"));
  } else {
    ALITH_TRY_ASSIGN(tx.gas_price, in.u256(i++, "gasPrice"));
  }
  ALITH_TRY_ASSIGN(tx.gas_limit, in.u64(i++, "gas"));
  ALITH_TRY_ASSIGN(tx.to, in.to(i++));
  ALITH_TRY_ASSIGN(tx.value, in.u256(i++, "value"));
  ALITH_TRY_ASSIGN(tx.data, in.bytes(i++, "data"));
  return {};
}

Result<void> read_signature(const FieldReader& in, Signature& sig, size_t r_index, size_t raw_offset) {
  ALITH_TRY_ASSIGN(sig.r, in.word(r_index, "r"));
  ALITH_TRY_ASSIGN(sig.s, in.word(r_index + 1, "s"));
  if (sig.r == Hash{} || sig.s == Hash{})
    return make_error(ErrorCode::crypto, "transaction: signature r and s must not be zero", raw_offset);
  if (!sig.is_low_s())
    return make_error(ErrorCode::crypto, "transaction: high-s signature (EIP-2 requires s <= n/2)",
                      raw_offset);
  return {};
}

Result<SignedTransaction> decode_legacy(ByteView raw) {
  auto decoded = rlp_decode(raw);
  if (!decoded)
    return make_error(decoded.error().code, "transaction: " + decoded.error().message,
                      decoded.error().offset);
  if (!decoded->is_list() || decoded->list().size() != 9)
    return make_error(ErrorCode::parse, "transaction: a legacy transaction is a list of 9 fields", 0);
  const auto& fields = decoded->list();
  FieldReader in(fields, 0);
  SignedTransaction out;
  out.tx.type = TxType::legacy;
  if (auto r = read_common(in, out.tx, 0); !r) return r.error();
  U256 v;
  ALITH_TRY_ASSIGN(v, in.u256(6, "v"));
  if (v == U256(27) || v == U256(28)) {
    out.tx.chain_id = 0;
    out.signature.y_parity = static_cast<std::uint8_t>(v.low_u64() - 27);
  } else if (v >= U256(37)) {
    // EIP-155: v = chain_id * 2 + 35 + y, chain id at least 1 (35 and 36 would claim chain 0).
    U256 rest = v - 35;
    U256 chain = rest >> 1;
    if (!chain.fits_u64()) return in.error_at(6, "v", "chain id wider than 64 bits");
    out.tx.chain_id = chain.low_u64();
    out.signature.y_parity = static_cast<std::uint8_t>(rest.low_u64() & 1);
  } else {
    return in.error_at(6, "v", "must be 27, 28 or chain_id * 2 + 35 + {0, 1}, got " + v.to_string());
  }
  if (auto r = read_signature(in, out.signature, 7, fields[7].offset()); !r) return r.error();
  return out;
}

Result<SignedTransaction> decode_typed(ByteView raw) {
  const TxType type = static_cast<TxType>(raw[0]);
  const size_t count = type == TxType::dynamic_fee ? 12 : 11;
  auto decoded = rlp_decode(raw.subspan(1));
  if (!decoded)
    return make_error(decoded.error().code, "transaction: " + decoded.error().message,
                      1 + decoded.error().offset.value_or(0));
  if (!decoded->is_list() || decoded->list().size() != count)
    return make_error(ErrorCode::parse,
                      "transaction: a type " + std::to_string(raw[0]) + " transaction is a list of " +
                          std::to_string(count) + " fields",
                      1);
  const auto& fields = decoded->list();
  FieldReader in(fields, 1);
  SignedTransaction out;
  out.tx.type = type;
  ALITH_TRY_ASSIGN(out.tx.chain_id, in.u64(0, "chainId"));
  if (auto r = read_common(in, out.tx, 1); !r) return r.error();
  const size_t list_index = count - 4;
  ALITH_TRY_ASSIGN(out.tx.access_list, in.access_list(list_index));
  std::uint64_t parity = 0;
  ALITH_TRY_ASSIGN(parity, in.u64(list_index + 1, "yParity"));
  if (parity > 1) return in.error_at(list_index + 1, "yParity", "must be 0 or 1");
  out.signature.y_parity = static_cast<std::uint8_t>(parity);
  if (auto r = read_signature(in, out.signature, list_index + 2, 1 + fields[list_index + 2].offset()); !r)
    return r.error();
  return out;
}

#undef ALITH_TRY_ASSIGN

}  // namespace

Result<SignedTransaction> decode_transaction(ByteView raw) {
  if (raw.empty()) return make_error(ErrorCode::parse, "transaction: empty input", 0);
  const std::uint8_t first = raw[0];
  if (first >= 0xc0) return decode_legacy(raw);
  if (first == 0x01 || first == 0x02) return decode_typed(raw);
  if (first >= 0x80)
    return make_error(ErrorCode::parse, "transaction: expected a list or a type byte, got an RLP string", 0);
  return make_error(ErrorCode::parse,
                    "transaction: unsupported transaction type " + std::to_string(first) +
                        (first == 3   ? " (EIP-4844 blob)"
                         : first == 4 ? " (EIP-7702 set code)"
                                      : ""),
                    0);
}

}  // namespace alith::web3
