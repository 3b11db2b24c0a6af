// libFuzzer target for EIP-712 typed data: any bytes are parsed as a {types, primaryType, domain, message}
// document; bad input must be a parse error, never a crash or a hang, and a parsed document's hashes must be
// what its own types give again.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alith/web3/eip712.h"
#include "alith/web3/keccak.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = alith::web3::TypedData::parse(text);
  if (!parsed) {
    if (parsed.error().code != alith::ErrorCode::parse || parsed.error().message.empty()) std::abort();
    return 0;
  }
  const auto& types = parsed->types();
  auto separator = types.hash_struct("EIP712Domain", parsed->domain(), "domain");
  if (!separator || *separator != parsed->domain_separator()) std::abort();
  if (parsed->primary_type() != "EIP712Domain") {
    auto message = types.hash_struct(parsed->primary_type(), parsed->message(), "message");
    if (!message || *message != parsed->message_hash()) std::abort();
  }
  for (const auto& [name, fields] : types.structs()) {
    auto encoded = types.encode_type(name);
    if (!encoded || encoded->rfind(name + "(", 0) != 0) std::abort();
  }
  return 0;
}
