#pragma once

// HTTP client on libcurl. Thread-safe: one HttpClient may be shared by many threads; it keeps a pool of
// idle connections (keep-alive) reused across requests. Proxies come from the environment as curl reads them
// (http_proxy, https_proxy, all_proxy, no_proxy). TLS peers are verified unless Options says otherwise.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alith/core/cancel.h"

namespace alith::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  // Per-request overrides of the client's Options.
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<size_t> max_response_bytes;
};

struct Response {
  int status = 0;
  Headers headers;   // names lower-cased, in arrival order
  std::string body;  // for streamed requests: only filled when the status is not 2xx

  // First header with this (case-insensitive) name.
  std::optional<std::string> header(std::string_view name) const;
  bool ok() const noexcept { return status >= 200 && status < 300; }
};

struct Options {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{600'000};       // whole request, including a streamed body
  std::chrono::milliseconds idle_timeout{120'000};  // abort when no byte arrives for this long
  size_t max_response_bytes = 64u << 20;            // a larger body gives TooLargeError
  size_t max_idle_connections = 16;
  bool verify_tls = true;
  std::string ca_bundle;  // empty: the system store
  std::string user_agent = "alith";
};

// Called with each piece of a 2xx body as it arrives. Throwing from it aborts the request and the exception
// propagates out of send().
using BodyHandler = std::function<void(std::string_view chunk)>;

class Client {
 public:
  explicit Client(Options options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Performs the request and returns the whole response. Errors: TimeoutError, CancelledError,
  // TooLargeError, IoError (connection refused, reset, TLS, DNS). A non-2xx status is not an error here.
  Response send(const Request& request, const CancelToken& cancel = {});

  // Like send(), but a 2xx body is delivered to on_body as it arrives instead of being stored.
  Response send_streaming(const Request& request, const BodyHandler& on_body, const CancelToken& cancel = {});

  const Options& options() const noexcept { return options_; }

 private:
  struct Pool;
  Options options_;
  std::unique_ptr<Pool> pool_;
};

// Percent-encodes for a URL query component.
std::string url_encode(std::string_view text);

}  // namespace alith::http
