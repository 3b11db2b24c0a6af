// The HTTP side of the Anthropic provider: /v1/messages, plain and streamed.

#include <string>
#include <utility>

#include "alith/core/error.h"
#include "alith/llm/anthropic.h"
#include "provider_http.h"
#include "wire_util.h"

namespace alith::llm {

namespace {

constexpr std::string_view kProvider = "anthropic";

http::Request make_request(const AnthropicOptions& options, const Json& body, const CallOptions& call,
                           bool stream) {
  http::Request request;
  request.method = "POST";
  request.url = detail::join_url(options.base_url, "v1/messages");
  request.headers.emplace_back("content-type", "application/json");
  if (stream) request.headers.emplace_back("accept", "text/event-stream");
  if (!options.api_key.empty()) request.headers.emplace_back("x-api-key", options.api_key);
  request.headers.emplace_back("anthropic-version", options.api_version);
  for (const auto& header : options.extra_headers) request.headers.push_back(header);
  request.body = dump_json(body);
  request.timeout = call.timeout;
  return request;
}

void log_request(const log::Logger& logger, const http::Request& request, const Json& body, bool stream) {
  if (!logger.enabled(log::Level::debug)) return;
  // Only the URL and sizes: headers carry the key and bodies carry user data.
  const Json* messages = detail::field(body, "messages");
  logger.debug(std::string(kProvider) + ": POST " + request.url + " model=" + detail::str(body, "model") +
               " messages=" + std::to_string(messages ? messages->size() : 0) + (stream ? " stream" : ""));
}

AnthropicOptions prepare(AnthropicOptions options) {
  options.logger = detail::pick_logger(options.logger);
  if (!options.api_key.empty()) options.logger->add_secret(options.api_key);
  return options;
}

}  // namespace

AnthropicChatModel::AnthropicChatModel(AnthropicOptions options)
    : options_(prepare(std::move(options))), client_(std::make_unique<http::Client>(options_.http)) {}

AnthropicChatModel::~AnthropicChatModel() = default;

ChatResponse AnthropicChatModel::complete(const ChatRequest& request, const CallOptions& options) {
  const Json body = anthropic::request_body(request, options_, false);
  const http::Request http_request = make_request(options_, body, options, false);
  log_request(*options_.logger, http_request, body, false);

  ChatResponse out;
  run_with_retries(options_.retry, options.cancel, [&](int attempt) {
    if (attempt > 0) options_.logger->debug("anthropic: retry " + std::to_string(attempt));
    const http::Response response = client_->send(http_request, options.cancel);
    if (!response.ok()) detail::throw_http_error(kProvider, response);
    out = anthropic::parse_response(detail::parse_body(kProvider, response));
  });
  return out;
}

ChatResponse AnthropicChatModel::stream(const ChatRequest& request, const StreamHandler& on_event,
                                        const CallOptions& options) {
  const Json body = anthropic::request_body(request, options_, true);
  const http::Request http_request = make_request(options_, body, options, true);
  log_request(*options_.logger, http_request, body, true);

  return detail::stream_with_retries(
      options_.retry, options.cancel, on_event, [&](const StreamHandler& forward) {
        anthropic::StreamAssembler assembler;
        auto result = detail::stream_sse(
            *client_, http_request, options.cancel,
            [&](sse::Event&& event) { assembler.on_event(event.type, event.data, forward); },
            [&] { return assembler.done(); });
        return detail::finish_stream(
            kProvider, result, assembler.done(),
            [](const Json& json) { return anthropic::parse_response(json); },
            [&] { return assembler.finish(); }, forward);
      });
}

}  // namespace alith::llm
