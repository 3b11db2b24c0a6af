// libFuzzer target for decode_transaction: any input either fails with a parse or crypto error carrying an
// offset inside the input, or decodes to a transaction that re-serializes to exactly the input (one
// transaction, one hash), whose JSON form and sender recovery do not throw.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "alith/web3/keccak.h"
#include "alith/web3/transaction.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto decoded = alith::web3::decode_transaction(alith::web3::ByteView(data, size));
  if (!decoded) {
    const auto& error = decoded.error();
    if (error.code != alith::ErrorCode::parse && error.code != alith::ErrorCode::crypto) std::abort();
    if (!error.offset || *error.offset > size) std::abort();
    return 0;
  }
  const alith::web3::Bytes again = decoded->raw();
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  if (decoded->hash() != alith::web3::keccak256(alith::web3::ByteView(data, size))) std::abort();
  (void)decoded->sender();
  (void)alith::web3::to_json(*decoded);
  return 0;
}
