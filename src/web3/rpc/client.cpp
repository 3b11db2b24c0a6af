// The JSON-RPC transport: one HTTP POST per call or batch, retries on transient failures, typed errors.

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>

#include "alith/web3/keccak.h"
#include "alith/web3/rpc.h"

namespace alith::web3 {
namespace {

constexpr size_t kMaxBodyInError = 500;

// Sleeps in short slices so that a cancel is noticed quickly.
void cancellable_sleep(std::chrono::milliseconds total, const CancelToken& cancel) {
  const auto deadline = std::chrono::steady_clock::now() + total;
  for (;;) {
    cancel.check();
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(deadline - now, std::chrono::milliseconds(20)));
  }
}

std::optional<double> retry_after_seconds(const http::Response& response) {
  auto value = response.header("retry-after");
  if (!value) return std::nullopt;
  try {
    size_t used = 0;
    double s = std::stod(*value, &used);
    if (used == value->size() && std::isfinite(s) && s >= 0) return s;
  } catch (const std::exception&) {  // an HTTP-date: fall back to backoff
  }
  return std::nullopt;
}

Json envelope(std::uint64_t id, std::string_view method, Json params) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", std::string(method)}, {"params", std::move(params)}};
}

}  // namespace

RpcClient::RpcClient(RpcOptions options)
    : options_(std::move(options)), http_(std::make_unique<http::Client>(options_.http)) {
  if (options_.url.empty()) throw InvalidArgumentError("RpcClient: empty url");
}

RpcClient::~RpcClient() = default;

std::string RpcClient::post(const std::string& body, const CancelToken& cancel) {
  http::Request request;
  request.method = "POST";
  request.url = options_.url;
  request.headers = options_.headers;
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = body;
  request.timeout = options_.request_timeout;
  http::Response response = http_->send(request, cancel);
  if (response.ok()) return std::move(response.body);
  std::string shown = response.body.substr(0, kMaxBodyInError);
  if (response.status == 429) {
    throw RateLimitedError("RPC endpoint answered HTTP 429", shown, retry_after_seconds(response));
  }
  // Some nodes send JSON-RPC errors with a 4xx/5xx status: the error object says more than the status.
  if (auto reply = parse_rpc_reply(response.body, std::nullopt); reply && reply->error) {
    throw_rpc_error(reply->error->code, reply->error->message, reply->error->data);
  }
  throw RpcHttpError(response.status, shown);
}

template <class F>
auto RpcClient::with_retries(const CancelToken& cancel, F&& attempt) -> decltype(attempt(0)) {
  const int max_attempts = std::max(1, options_.max_attempts);
  std::mt19937_64 rng(std::random_device{}());  // per call: no shared state between threads
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int n = 0;; ++n) {
    cancel.check();
    std::optional<std::chrono::milliseconds> wait;
    const bool last = n + 1 >= max_attempts;
    try {
      return attempt(n);
    } catch (const RateLimitedError& e) {
      if (last) throw;
      if (auto after = e.retry_after_seconds()) {
        if (*after * 1000.0 > static_cast<double>(options_.max_backoff.count()) * 4) throw;
        wait = std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(*after * 1000.0)));
      }
    } catch (const RpcHttpError& e) {
      if (last || !(e.status() == 502 || e.status() == 503 || e.status() == 504)) throw;
    } catch (const LimitExceededError&) {
      if (last) throw;
    } catch (const IoError&) {
      if (last) throw;
    }
    if (!wait) {
      const double ceiling =
          std::min(static_cast<double>(options_.max_backoff.count()),
                   static_cast<double>(options_.initial_backoff.count()) * std::pow(2.0, n));
      wait = std::chrono::milliseconds(static_cast<std::int64_t>(ceiling * unit(rng)));
    }
    cancellable_sleep(*wait, cancel);
  }
}

Json RpcClient::request(std::string_view method, Json params, const CancelToken& cancel) {
  const std::uint64_t id = next_id_.fetch_add(1, std::memory_order_relaxed);
  const std::string body = dump_json(envelope(id, method, std::move(params)));
  return with_retries(cancel, [&](int) {
    RpcReply reply = parse_rpc_reply(post(body, cancel), id).value();
    if (reply.error) throw_rpc_error(reply.error->code, reply.error->message, reply.error->data);
    return std::move(reply.result);
  });
}

std::vector<Json> RpcClient::batch(const std::vector<std::pair<std::string, Json>>& calls,
                                   const CancelToken& cancel) {
  if (calls.empty()) return {};
  std::vector<std::uint64_t> ids;
  Json body = Json::array();
  for (const auto& [method, params] : calls) {
    ids.push_back(next_id_.fetch_add(1, std::memory_order_relaxed));
    body.push_back(envelope(ids.back(), method, params));
  }
  const std::string text = dump_json(body);
  return with_retries(cancel, [&](int) {
    auto replies = parse_rpc_batch_reply(post(text, cancel), ids).value();
    std::vector<Json> out;
    out.reserve(replies.size());
    for (auto& r : replies) {
      if (r.error) throw_rpc_error(r.error->code, r.error->message, r.error->data);
      out.push_back(std::move(r.result));
    }
    return out;
  });
}

Hash RpcClient::send_raw_transaction(ByteView raw, const CancelToken& cancel) {
  const Hash expected = keccak256(raw);
  const std::uint64_t id = next_id_.fetch_add(1, std::memory_order_relaxed);
  const std::string body = dump_json(envelope(id, "eth_sendRawTransaction", Json::array({to_hex(raw)})));
  Json result = with_retries(cancel, [&](int attempt) -> Json {
    try {
      RpcReply reply = parse_rpc_reply(post(body, cancel), id).value();
      if (reply.error) throw_rpc_error(reply.error->code, reply.error->message, reply.error->data);
      return std::move(reply.result);
    } catch (const AlreadyKnownError&) {
      // A retry finding the transaction already there: an earlier attempt got through.
      if (attempt > 0) return to_hex(expected);
      throw;
    } catch (const NonceTooLowError&) {
      // On a retry, the earlier attempt may have got through and been mined already: then the node knows it.
      if (attempt > 0) {
        const std::uint64_t id2 = next_id_.fetch_add(1, std::memory_order_relaxed);
        const std::string lookup =
            dump_json(envelope(id2, "eth_getTransactionByHash", Json::array({to_hex(expected)})));
        auto known = parse_rpc_reply(post(lookup, cancel), id2);
        if (known && !known->error && !known->result.is_null()) return to_hex(expected);
      }
      throw;
    }
  });
  const Hash hash = parse_hash_json(result).value();
  if (hash != expected) {
    throw ChainError("eth_sendRawTransaction: the node returned " + to_hex(hash) +
                     " for a transaction hashing to " + to_hex(expected));
  }
  return hash;
}

}  // namespace alith::web3
