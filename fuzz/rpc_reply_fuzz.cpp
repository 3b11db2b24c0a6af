// libFuzzer target for what a JSON-RPC node sends back: the reply envelope (single and batch) and, when the
// input is JSON, the receipt, block, log and fee-history parsers on it and on its "result". All must return a
// value or an error; nothing may throw, crash or hang.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alith/web3/rpc.h"

namespace {

void parse_all(const alith::Json& value) {
  using namespace alith::web3;
  (void)parse_receipt(value);
  (void)parse_block(value);
  (void)parse_log(value);
  (void)parse_fee_history(value);
  (void)parse_quantity(value);
  (void)parse_data(value);
  (void)parse_hash_json(value);
  (void)parse_address_json(value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto reply = alith::web3::parse_rpc_reply(text, 1);
    if (reply && !reply->error) parse_all(reply->result);
    (void)alith::web3::parse_rpc_reply(text, std::nullopt);
    (void)alith::web3::parse_rpc_batch_reply(text, {1, 2, 3});
    if (auto doc = alith::parse_json(text, 64)) parse_all(*doc);
  } catch (...) {
    std::abort();  // a parser threw: a bug
  }
  return 0;
}
