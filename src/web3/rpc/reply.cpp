// Taking JSON-RPC 2.0 replies apart, and the typed errors their error objects become.

#include <algorithm>
#include <cctype>

#include "alith/web3/rpc.h"

namespace alith::web3 {
namespace {

ErrorInfo bad(const std::string& what) {
  return make_error(ErrorCode::parse, "RPC reply: " + what);
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

Result<RpcReply> parse_one(const Json& doc, std::optional<std::uint64_t> expected_id) {
  if (!doc.is_object()) return bad("expected a JSON-RPC object, got " + std::string(doc.type_name()));
  if (auto v = doc.find("jsonrpc"); v != doc.end() && !(v->is_string() && *v == "2.0")) {
    return bad("\"jsonrpc\" is not \"2.0\"");
  }
  const auto result = doc.find("result");
  const auto error = doc.find("error");
  const bool has_result = result != doc.end();
  const bool has_error = error != doc.end() && !error->is_null();
  if (has_result == has_error) return bad("a reply needs exactly one of \"result\" and \"error\"");

  const auto id = doc.find("id");
  const bool id_null = id == doc.end() || id->is_null();
  // An error about a request the server could not read carries a null id; a result always carries ours.
  if (!(has_error && id_null) && expected_id) {
    if (id == doc.end() || !id->is_number_unsigned() || id->get<std::uint64_t>() != *expected_id) {
      return bad("id mismatch: expected " + std::to_string(*expected_id) + ", got " +
                 (id == doc.end() ? std::string("none") : dump_json(*id).substr(0, 40)));
    }
  }
  RpcReply reply;
  if (has_result) {
    reply.result = *result;
    return reply;
  }
  if (!error->is_object()) return bad("\"error\" must be an object");
  const auto code = error->find("code");
  if (code == error->end() || !code->is_number_integer())
    return bad("error object without an integer \"code\"");
  const auto raw = code->get<std::int64_t>();
  if (raw < INT32_MIN || raw > INT32_MAX) return bad("error code out of range");
  RpcReply::ErrorObject e;
  e.code = static_cast<int>(raw);
  if (auto m = error->find("message"); m != error->end()) {
    if (!m->is_string()) return bad("error \"message\" must be a string");
    e.message = m->get<std::string>();
  }
  if (auto d = error->find("data"); d != error->end()) e.data = *d;
  reply.error = std::move(e);
  return reply;
}

// Revert data as nodes send it: a hex string in data, or nested one level ({"data": "0x..."}), as some
// providers wrap it.
Bytes revert_bytes(const Json& data) {
  const Json* d = &data;
  if (d->is_object()) {
    auto it = d->find("data");
    if (it == d->end()) return {};
    d = &*it;
  }
  if (!d->is_string()) return {};
  auto bytes = parse_data(*d);
  return bytes ? std::move(bytes).value() : Bytes{};
}

std::string describe(int code, const std::string& message) {
  return "RPC error " + std::to_string(code) + ": " + message.substr(0, 1000);
}

}  // namespace

RpcError::RpcError(int rpc_code, std::string rpc_message, Json data)
    : RpcError(describe(rpc_code, rpc_message), rpc_code, std::move(rpc_message), std::move(data)) {}

RpcError::RpcError(const std::string& what, int rpc_code, std::string rpc_message, Json data)
    : ChainError(what), rpc_code_(rpc_code), rpc_message_(std::move(rpc_message)), data_(std::move(data)) {}

RevertError::RevertError(int rpc_code, std::string rpc_message, Json data, Bytes revert_data,
                         std::string reason)
    : RpcError(reason.empty() ? describe(rpc_code, rpc_message) : "execution reverted: " + reason, rpc_code,
               std::move(rpc_message), std::move(data)),
      revert_data_(std::move(revert_data)),
      reason_(std::move(reason)) {}

RpcHttpError::RpcHttpError(int status, std::string body)
    : ChainError("RPC endpoint answered HTTP " + std::to_string(status)),
      status_(status),
      body_(std::move(body)) {}

void throw_rpc_error(int code, const std::string& message, const Json& data) {
  std::string lower = message;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  // geth and anvil: code 3 with the revert data; others: -32000/-32015 with "execution reverted" or "revert".
  if (code == 3 || contains(lower, "revert")) throw RevertError(code, message, data, revert_bytes(data));
  if (code == -32005) throw LimitExceededError(code, message, data);
  if (contains(lower, "nonce too low") || contains(lower, "nonce is too low") ||
      contains(lower, "oldnonce")) {
    throw NonceTooLowError(code, message, data);
  }
  if (contains(lower, "already known") || contains(lower, "known transaction") ||
      contains(lower, "already imported") || contains(lower, "alreadyknown")) {
    throw AlreadyKnownError(code, message, data);
  }
  if (contains(lower, "insufficient funds")) throw InsufficientFundsError(code, message, data);
  if (contains(lower, "underpriced") && contains(lower, "replacement")) {
    throw ReplacementUnderpricedError(code, message, data);
  }
  throw RpcError(code, message, data);
}

Result<RpcReply> parse_rpc_reply(std::string_view body, std::optional<std::uint64_t> expected_id) {
  auto doc = parse_json(body, 128);
  if (!doc) return bad("not JSON: " + doc.error().message);
  return parse_one(*doc, expected_id);
}

Result<std::vector<RpcReply>> parse_rpc_batch_reply(std::string_view body,
                                                    const std::vector<std::uint64_t>& ids) {
  auto doc = parse_json(body, 128);
  if (!doc) return bad("not JSON: " + doc.error().message);
  if (!doc->is_array()) {
    // A whole batch refused: one error object.
    auto one = parse_one(*doc, std::nullopt);
    if (one && one->error) return std::vector<RpcReply>(ids.size(), *one);
    return bad("a batch reply must be an array");
  }
  if (doc->size() != ids.size())
    return bad("batch of " + std::to_string(ids.size()) + " calls got " + std::to_string(doc->size()) +
               " replies");
  std::vector<std::optional<RpcReply>> slots(ids.size());
  for (const auto& item : *doc) {
    const auto id = item.is_object() ? item.find("id") : item.end();
    if (!item.is_object() || id == item.end() || !id->is_number_unsigned())
      return bad("batch reply without an id");
    const auto pos = std::find(ids.begin(), ids.end(), id->get<std::uint64_t>());
    if (pos == ids.end()) return bad("batch reply with an unknown id");
    auto& slot = slots[static_cast<size_t>(pos - ids.begin())];
    if (slot) return bad("batch reply repeats an id");
    auto reply = parse_one(item, *pos);
    if (!reply) return reply.error();
    slot = std::move(*reply);
  }
  std::vector<RpcReply> out;
  out.reserve(slots.size());
  for (auto& s : slots) out.push_back(std::move(*s));
  return out;
}

}  // namespace alith::web3
