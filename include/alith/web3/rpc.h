#pragma once

// A JSON-RPC 2.0 client for Ethereum nodes over HTTP (alith::http::Client: pooled keep-alive connections).
// Thread-safe: one RpcClient serves many threads; request ids come from an atomic counter.
//
// Errors:
//  - the node answered with an error object: an RpcError (ErrorCode::chain) carrying the JSON-RPC code,
//    message and data, or the subclass that names the case (RevertError, NonceTooLowError, ...);
//  - the reply has the wrong shape (not JSON, no result, wrong type, bad hex, another id): ParseError;
//  - transport: IoError, TimeoutError, CancelledError, RateLimitedError (HTTP 429), RpcHttpError (other
//    non-2xx statuses).
// Transient failures are retried with exponential backoff and full jitter: connection errors, HTTP 429, 502,
// 503, 504 and JSON-RPC -32005 ("limit exceeded"). Timeouts are not (the caller's deadline is spent).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alith/core/cancel.h"
#include "alith/core/error.h"
#include "alith/core/http.h"
#include "alith/core/json.h"
#include "alith/web3/rpc_types.h"

namespace alith::web3 {

// A JSON-RPC error object from the node.
class RpcError : public ChainError {
 public:
  RpcError(int rpc_code, std::string rpc_message, Json data);
  int rpc_code() const noexcept { return rpc_code_; }
  const std::string& rpc_message() const noexcept { return rpc_message_; }
  const Json& data() const noexcept { return data_; }  // null when the node sent none

 protected:
  RpcError(const std::string& what, int rpc_code, std::string rpc_message, Json data);

 private:
  int rpc_code_;
  std::string rpc_message_;
  Json data_;
};

// The call or transaction reverted. revert_data is the raw revert payload when the node returned it (ABI:
// Error(string), Panic(uint256) or a custom error); reason is its decoded form, filled by the contract layer
// (contract.h), which knows the ABI. Empty reason: not decoded (yet).
class RevertError : public RpcError {
 public:
  RevertError(int rpc_code, std::string rpc_message, Json data, Bytes revert_data, std::string reason = {});
  const Bytes& revert_data() const noexcept { return revert_data_; }
  const std::string& reason() const noexcept { return reason_; }

 private:
  Bytes revert_data_;
  std::string reason_;
};

#define ALITH_WEB3_RPC_ERROR(Name)                                       \
  class Name : public RpcError {                                         \
   public:                                                               \
    Name(int rpc_code, std::string rpc_message, Json data)               \
        : RpcError(rpc_code, std::move(rpc_message), std::move(data)) {} \
  }
ALITH_WEB3_RPC_ERROR(NonceTooLowError);             // the sender's nonce was already used
ALITH_WEB3_RPC_ERROR(AlreadyKnownError);            // the node already holds this very transaction
ALITH_WEB3_RPC_ERROR(InsufficientFundsError);       // balance below value + gas * fee
ALITH_WEB3_RPC_ERROR(ReplacementUnderpricedError);  // same nonce pending with a fee too close to this one
ALITH_WEB3_RPC_ERROR(LimitExceededError);           // -32005: the node's rate or size limit (retried)
#undef ALITH_WEB3_RPC_ERROR

// The node's HTTP endpoint answered with a non-2xx status other than 429 (which is RateLimitedError).
class RpcHttpError : public ChainError {
 public:
  RpcHttpError(int status, std::string body);
  int status() const noexcept { return status_; }
  const std::string& body() const noexcept { return body_; }

 private:
  int status_;
  std::string body_;
};

// Builds the typed error for a JSON-RPC error object (by code and by the message texts geth, anvil,
// Nethermind and Erigon use). The message is kept verbatim.
[[noreturn]] void throw_rpc_error(int code, const std::string& message, const Json& data);

// One JSON-RPC reply taken apart: either a result (possibly null) or an error object.
struct RpcReply {
  struct ErrorObject {
    int code = 0;
    std::string message;
    Json data;  // null when absent
  };
  Json result;
  std::optional<ErrorObject> error;
};

// Parses a reply body to a call with id expected_id (nullopt: any id). Not JSON, not a JSON-RPC 2.0 object,
// another id, both or neither of result and error, or an error object of the wrong shape: a parse error.
Result<RpcReply> parse_rpc_reply(std::string_view body, std::optional<std::uint64_t> expected_id);
// A batch reply: one reply per id in ids, matched by id (nodes may answer in any order). A missing or
// repeated id is a parse error.
Result<std::vector<RpcReply>> parse_rpc_batch_reply(std::string_view body,
                                                    const std::vector<std::uint64_t>& ids);

struct RpcOptions {
  std::string url;        // http(s)://host:port/path
  http::Options http;     // connect timeout, TLS, response size cap
  http::Headers headers;  // e.g. an API key header; never logged
  std::chrono::milliseconds request_timeout{30'000};
  int max_attempts = 4;  // 1: no retries
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{5'000};  // a Retry-After above 4 x this is not waited for: rethrown
};

class RpcClient {
 public:
  explicit RpcClient(RpcOptions options);
  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  const RpcOptions& options() const noexcept { return options_; }

  // One call: the reply's result (which may be null), after retries. Throws as the file comment says.
  Json request(std::string_view method, Json params, const CancelToken& cancel = {});

  // A JSON-RPC batch: one HTTP request, results in the order of calls. One failed call fails the batch
  // with its typed error. Retried as a whole on transient failures (only read methods belong here).
  std::vector<Json> batch(const std::vector<std::pair<std::string, Json>>& calls,
                          const CancelToken& cancel = {});

  std::uint64_t chain_id(const CancelToken& cancel = {});
  std::uint64_t block_number(const CancelToken& cancel = {});
  U256 get_balance(const Address& address, const BlockTag& block = {}, const CancelToken& cancel = {});
  // The account's nonce; with "pending", counting transactions in the node's pool.
  std::uint64_t get_transaction_count(const Address& address, const BlockTag& block = BlockTag::pending(),
                                      const CancelToken& cancel = {});
  std::uint64_t estimate_gas(const CallRequest& call, const CancelToken& cancel = {});
  U256 gas_price(const CancelToken& cancel = {});
  U256 max_priority_fee(const CancelToken& cancel = {});
  FeeHistory fee_history(std::uint64_t block_count, const BlockTag& newest,
                         const std::vector<double>& percentiles, const CancelToken& cancel = {});

  // EIP-1559 fees: max_fee = 2 x the next block's base fee + the priority fee, so the transaction stays
  // includable through six consecutive full blocks (each may raise the base fee by 12.5%). The priority fee
  // is the median, over the last `blocks` blocks, of the `percentile`-th percentile of the tips they paid;
  // when that is zero (an idle chain) it is the node's eth_maxPriorityFeePerGas, and 1 gwei if the node has
  // none. A node without EIP-1559 (no base fee): UnsupportedError.
  FeeSuggestion suggest_fees(std::uint64_t blocks = 10, double percentile = 50,
                             const CancelToken& cancel = {});

  // Submits signed bytes and returns the transaction hash (keccak256 of raw, checked against the node's).
  // Sending the same signed bytes twice is harmless (same hash, same nonce), so transport failures are
  // retried with the same bytes; what is never done is re-signing. When a retry is answered "already known",
  // the first attempt did reach the node and the hash is returned; likewise when a retry is answered "nonce
  // too low" and the node knows the transaction (the first attempt was already mined). Otherwise "already
  // known" is AlreadyKnownError and "nonce too low" NonceTooLowError, for the caller to judge.
  Hash send_raw_transaction(ByteView raw, const CancelToken& cancel = {});

  // nullopt while the transaction is pending or unknown.
  std::optional<Receipt> get_transaction_receipt(const Hash& tx_hash, const CancelToken& cancel = {});

  // Polls until the transaction has `confirmations` blocks (1: mined) or timeout passes (TimeoutError).
  // cancel interrupts the wait (CancelledError). A reverted transaction is returned (status false), not
  // thrown.
  Receipt wait_for_receipt(const Hash& tx_hash, std::uint64_t confirmations = 1,
                           std::chrono::milliseconds timeout = std::chrono::seconds(120),
                           std::chrono::milliseconds poll_interval = std::chrono::milliseconds(500),
                           const CancelToken& cancel = {});

  // eth_call; a revert is RevertError with the revert data.
  Bytes call(const CallRequest& call, const BlockTag& block = {}, const CancelToken& cancel = {});
  std::vector<Log> get_logs(const LogFilter& filter, const CancelToken& cancel = {});
  Bytes get_code(const Address& address, const BlockTag& block = {}, const CancelToken& cancel = {});
  // nullopt when the node has no such block.
  std::optional<Block> get_block(const BlockTag& block = {}, const CancelToken& cancel = {});

 private:
  std::string post(const std::string& body, const CancelToken& cancel);  // one HTTP attempt
  template <class F>
  auto with_retries(const CancelToken& cancel, F&& attempt) -> decltype(attempt(0));

  RpcOptions options_;
  std::unique_ptr<http::Client> http_;
  std::atomic<std::uint64_t> next_id_{1};
};

}  // namespace alith::web3
