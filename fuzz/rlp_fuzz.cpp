// libFuzzer target for the RLP decoder: any input either fails with a parse error carrying an offset inside
// the input, or decodes to an item whose encoding is the input itself (the decoder accepts only canonical
// form). Integer reads of every decoded string must agree with each other. Nothing may crash, hang or
// recurse without bound.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "alith/web3/rlp.h"

namespace {

void check_integers(const alith::web3::RlpItem& item) {
  if (item.is_list()) {
    for (const auto& child : item.list()) check_integers(child);
    return;
  }
  auto wide = item.to_u256();
  auto narrow = item.to_u64();
  if (narrow.ok() && (!wide.ok() || *wide != alith::web3::U256(*narrow))) std::abort();
  if (wide.ok() &&
      alith::web3::rlp_encode(alith::web3::RlpItem::uint(*wide)) != alith::web3::rlp_encode(item))
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const alith::web3::ByteView input(data, size);
  auto decoded = alith::web3::rlp_decode(input);
  if (!decoded) {
    const auto& error = decoded.error();
    if (error.code != alith::ErrorCode::parse || !error.offset || *error.offset > size) std::abort();
    return 0;
  }
  const alith::web3::Bytes again = alith::web3::rlp_encode(*decoded);
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  check_integers(*decoded);
  return 0;
}
