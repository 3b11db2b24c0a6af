#pragma once

// Internal helpers shared by the HTTP providers (OpenAI-compatible and Anthropic): URLs, error mapping for
// non-2xx replies, Retry-After parsing, and the SSE streaming driver. Not part of the public API.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "alith/core/http.h"
#include "alith/core/json.h"
#include "alith/core/log.h"
#include "alith/core/sse.h"
#include "alith/llm/chat_model.h"
#include "alith/llm/retry.h"

namespace alith::llm::detail {

// base + path with exactly one '/' between them.
std::string join_url(std::string_view base, std::string_view path);

// The first `max_bytes` of text, cut at a UTF-8 boundary, with "..." when cut.
std::string snippet(std::string_view text, size_t max_bytes = 300);

// Seconds to wait from Retry-After (delta-seconds or an HTTP-date), else retry-after-ms, else the
// smallest x-ratelimit-reset-* duration ("1s", "6m0s", "250ms"). nullopt when none is usable.
std::optional<double> retry_after_seconds(const http::Response& response,
                                          std::chrono::system_clock::time_point now);

// The human-readable message of a provider error body: error.message (OpenAI, Anthropic), a string
// `error`, `message` or `detail`. Empty when the body has none.
std::string error_message(const Json& body);

// Throws the typed error for a provider's `error` object found in a reply or a stream (not an HTTP status):
// Anthropic-style types map to their HTTP statuses (overloaded_error -> 529, rate_limit_error -> 429...),
// a numeric `code` (OpenRouter) is used as the status. `status` is the fallback.
[[noreturn]] void throw_error_object(std::string_view provider, const Json& body, int status);

// Throws RateLimitedError (429) or ProviderError for a non-2xx reply.
[[noreturn]] void throw_http_error(std::string_view provider, const http::Response& response);

// Parses a 2xx body as JSON; ParseError naming the content type and a snippet when it is not JSON
// (e.g. an HTML page from a proxy).
Json parse_body(std::string_view provider, const http::Response& response);

// Streams an SSE reply. on_event gets each event until done() turns true; later bytes are ignored.
// The whole body is capped at the request's (or client's) max_response_bytes (TooLargeError).
// When the reply is 2xx but carries no event at all (a server that ignored `stream: true`, or a proxy's
// HTML page), raw_body holds its beginning so the caller can interpret it.
struct StreamResult {
  http::Response response;
  bool saw_event = false;
  bool truncated_event = false;  // the stream ended inside an event
  std::string raw_body;          // the first bytes, while no event was seen
  std::string stream_error;      // why the SSE parser gave up, when it did before any event
};
StreamResult stream_sse(http::Client& client, const http::Request& request, const CancelToken& cancel,
                        const std::function<void(sse::Event&&)>& on_event, const std::function<bool()>& done);

// ParseError for a 2xx reply that carried no event: names the content type, the SSE parser's complaint
// and the beginning of the body.
[[noreturn]] void throw_not_a_stream(std::string_view provider, const StreamResult& result);

// Feeds a whole reply to a stream handler as if it had been streamed (for servers that ignore `stream`).
void replay_as_events(const ChatResponse& response, const StreamHandler& on_event);

// The reply of a finished stream_sse call: HTTP errors mapped; a server that ignored `stream` and sent one
// JSON reply is parsed with parse_whole and replayed as events; a stream cut inside an event is a ParseError;
// otherwise the assembled reply (finish()).
ChatResponse finish_stream(std::string_view provider, const StreamResult& result, bool assembler_done,
                           const std::function<ChatResponse(const Json&)>& parse_whole,
                           const std::function<ChatResponse()>& finish, const StreamHandler& forward);

// Runs a streamed call under the retry policy. An error after the first event reached on_event is final
// (the caller has already shown part of a reply); before that the usual retry rules apply.
ChatResponse stream_with_retries(const RetryPolicy& policy, const CancelToken& cancel,
                                 const StreamHandler& on_event,
                                 const std::function<ChatResponse(const StreamHandler& forward)>& attempt);

// options.logger, else the default logger.
std::shared_ptr<log::Logger> pick_logger(const std::shared_ptr<log::Logger>& logger);

}  // namespace alith::llm::detail
