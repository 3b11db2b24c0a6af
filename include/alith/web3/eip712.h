#pragma once

// EIP-712 typed structured data: what eth_signTypedData_v4 signs (permits, orders, meta-transactions). A
// document {types, primaryType, domain, message} hashes to keccak256(0x1901 ‖ domainSeparator ‖
// hashStruct(primaryType, message)), the digest a wallet signs.
//
// Types are checked when parsed, as ethers checks them: every referenced type exists, no struct refers to
// itself directly or through others (ethers and most wallets reject recursive types), field names are unique
// identifiers, and widths are valid (uint8..uint256 in steps of 8, bytes1..bytes32); "uint" and "int" mean
// uint256 and int256. The domain's type is types.EIP712Domain when given, else derived from the domain's
// fields as ethers does (name, version, chainId, verifyingContract, salt, in that order, those present).
//
// Values follow JSON-RPC conventions: integers as JSON numbers or strings (decimal or 0x hex, '-' for
// negatives) and range-checked against their type; addresses as hex (EIP-55 checked when mixed case); bytes
// and bytesN as 0x hex (bytesN exactly N bytes); bools as JSON booleans; fields the type does not name are
// ignored. Every error names the value's path, e.g. "message.to.wallets[1]: ...".
//
// Parsing returns Result and never throws on bad input; all the hashes are computed by parse, so a parsed
// TypedData is always signable.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "alith/core/json.h"
#include "alith/web3/keys.h"

namespace alith::web3 {

struct TypedDataField {
  std::string name;
  std::string type;  // normalized: "uint" is written "uint256"
};

// A checked set of struct types (the "types" member).
class TypedDataTypes {
 public:
  // types: {"Mail": [{"name": "from", "type": "Person"}, ...], ...}.
  static Result<TypedDataTypes> parse(const Json& types);

  bool contains(std::string_view name) const { return types_.find(name) != types_.end(); }
  const std::map<std::string, std::vector<TypedDataField>, std::less<>>& structs() const noexcept {
    return types_;
  }

  // "Mail(Person from,Person to,string contents)Person(string name,address wallet)": the type, then the
  // types it references, sorted. A name that is not a struct here: parse error.
  Result<std::string> encode_type(std::string_view name) const;
  Result<Hash> type_hash(std::string_view name) const;
  // typeHash ‖ one 32-byte word per field; path names value in error messages.
  Result<Bytes> encode_data(std::string_view name, const Json& value, std::string_view path = "value") const;
  Result<Hash> hash_struct(std::string_view name, const Json& value, std::string_view path = "value") const;

 private:
  std::map<std::string, std::vector<TypedDataField>, std::less<>> types_;
  std::map<std::string, std::string, std::less<>> encoded_;  // encode_type of each struct
};

class TypedData {
 public:
  // A parsed document, or its text (not JSON: a parse error with the offset).
  static Result<TypedData> from_json(const Json& document);
  static Result<TypedData> parse(std::string_view json);

  // Includes EIP712Domain (given or derived).
  const TypedDataTypes& types() const noexcept { return types_; }
  // The document's primaryType; when absent, the one struct no other refers to (as ethers infers it).
  const std::string& primary_type() const noexcept { return primary_type_; }
  const Json& domain() const noexcept { return domain_; }
  const Json& message() const noexcept { return message_; }

  const Hash& domain_separator() const noexcept { return domain_separator_; }
  // hashStruct(primaryType, message); all zeros when primaryType is EIP712Domain (then the digest is
  // keccak256(0x1901 ‖ domainSeparator), as MetaMask signs a bare domain).
  const Hash& message_hash() const noexcept { return message_hash_; }
  // What is signed.
  const Hash& digest() const noexcept { return digest_; }

 private:
  TypedDataTypes types_;
  std::string primary_type_;
  Json domain_;
  Json message_;
  Hash domain_separator_{};
  Hash message_hash_{};
  Hash digest_{};
};

// eth_signTypedData_v4: the key's signature over data.digest().
Signature sign_typed_data(const PrivateKey& key, const TypedData& data);
// The signer; a malformed or high-s signature is a crypto error.
Result<Address> recover_typed_data_signer(const TypedData& data, const Signature& signature);

}  // namespace alith::web3
