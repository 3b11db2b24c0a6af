// The HTTP side of the OpenAI-compatible provider: chat completions (plain and streamed) and embeddings.

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "alith/core/error.h"
#include "alith/llm/openai.h"
#include "provider_http.h"
#include "wire_util.h"

namespace alith::llm {

namespace {

constexpr std::string_view kProvider = "openai";
constexpr size_t kEmbeddingBatch = 256;  // well under every server's input-array limit (OpenAI: 2048)

http::Request make_request(const OpenAIOptions& options, std::string_view path, const Json& body,
                           const CallOptions& call, bool stream) {
  http::Request request;
  request.method = "POST";
  request.url = detail::join_url(options.base_url, path);
  request.headers.emplace_back("Content-Type", "application/json");
  if (stream) request.headers.emplace_back("Accept", "text/event-stream");
  if (!options.api_key.empty()) request.headers.emplace_back("Authorization", "Bearer " + options.api_key);
  for (const auto& header : options.extra_headers) request.headers.push_back(header);
  request.body = dump_json(body);
  request.timeout = call.timeout;
  return request;
}

void log_request(const log::Logger& logger, const OpenAIOptions& options, const http::Request& request,
                 const ChatRequest& chat, bool stream) {
  if (!logger.enabled(log::Level::debug)) return;
  // Only the URL and sizes: headers carry the key and bodies carry user data.
  logger.debug(std::string(kProvider) + ": POST " + request.url +
               " model=" + (chat.model.empty() ? options.model : chat.model) +
               " messages=" + std::to_string(chat.messages.size()) +
               " tools=" + std::to_string(chat.tools.size()) + (stream ? " stream" : ""));
}

OpenAIOptions prepare(OpenAIOptions options) {
  options.logger = detail::pick_logger(options.logger);
  if (!options.api_key.empty()) options.logger->add_secret(options.api_key);
  return options;
}

std::vector<float> parse_vector(const Json& embedding) {
  if (!embedding.is_array()) throw ParseError("embedding is not an array of numbers");
  std::vector<float> out;
  out.reserve(embedding.size());
  for (const auto& value : embedding) {
    if (!value.is_number()) throw ParseError("embedding holds a value that is not a number");
    const double d = value.get<double>();
    // Converting an out-of-range double to float is undefined behaviour, so reject it first.
    if (!std::isfinite(d) || std::fabs(d) > static_cast<double>(std::numeric_limits<float>::max())) {
      throw ParseError("embedding holds a value out of float range");
    }
    out.push_back(static_cast<float>(d));
  }
  return out;
}

}  // namespace

OpenAIChatModel::OpenAIChatModel(OpenAIOptions options)
    : options_(prepare(std::move(options))), client_(std::make_unique<http::Client>(options_.http)) {}

OpenAIChatModel::~OpenAIChatModel() = default;

ChatResponse OpenAIChatModel::complete(const ChatRequest& request, const CallOptions& options) {
  const Json body = openai::request_body(request, options_.model, false);
  const http::Request http_request = make_request(options_, "chat/completions", body, options, false);
  log_request(*options_.logger, options_, http_request, request, false);

  ChatResponse out;
  run_with_retries(options_.retry, options.cancel, [&](int attempt) {
    if (attempt > 0) options_.logger->debug("openai: retry " + std::to_string(attempt));
    const http::Response response = client_->send(http_request, options.cancel);
    if (!response.ok()) detail::throw_http_error(kProvider, response);
    out = openai::parse_response(detail::parse_body(kProvider, response));
  });
  return out;
}

ChatResponse OpenAIChatModel::stream(const ChatRequest& request, const StreamHandler& on_event,
                                     const CallOptions& options) {
  const Json body = openai::request_body(request, options_.model, true);
  const http::Request http_request = make_request(options_, "chat/completions", body, options, true);
  log_request(*options_.logger, options_, http_request, request, true);

  return detail::stream_with_retries(
      options_.retry, options.cancel, on_event, [&](const StreamHandler& forward) {
        openai::StreamAssembler assembler;
        auto result = detail::stream_sse(
            *client_, http_request, options.cancel,
            [&](sse::Event&& event) {
              // Most servers put errors in a data chunk (handled by the assembler); some use an event type.
              if (event.type == "error") {
                auto json = parse_json(event.data);
                detail::throw_error_object(kProvider, json.ok() ? *json : Json(event.data), 0);
              }
              assembler.on_data(event.data, forward);
            },
            [&] { return assembler.done(); });
        return detail::finish_stream(
            kProvider, result, assembler.done(),
            [](const Json& json) { return openai::parse_response(json); }, [&] { return assembler.finish(); },
            forward);
      });
}

OpenAIEmbeddingModel::OpenAIEmbeddingModel(OpenAIOptions options)
    : options_(prepare(std::move(options))), client_(std::make_unique<http::Client>(options_.http)) {}

OpenAIEmbeddingModel::~OpenAIEmbeddingModel() = default;

std::vector<std::vector<float>> OpenAIEmbeddingModel::embed(const std::vector<std::string>& inputs,
                                                            const CallOptions& options) {
  std::vector<std::vector<float>> out;
  out.reserve(inputs.size());
  for (size_t begin = 0; begin < inputs.size(); begin += kEmbeddingBatch) {
    const size_t end = std::min(inputs.size(), begin + kEmbeddingBatch);
    Json body = Json::object();
    if (!options_.model.empty()) body["model"] = options_.model;
    body["input"] = Json(std::vector<std::string>(inputs.begin() + static_cast<std::ptrdiff_t>(begin),
                                                  inputs.begin() + static_cast<std::ptrdiff_t>(end)));
    const http::Request request = make_request(options_, "embeddings", body, options, false);
    if (options_.logger->enabled(log::Level::debug)) {
      options_.logger->debug("openai: POST " + request.url + " inputs=" + std::to_string(end - begin));
    }

    std::vector<std::vector<float>> batch(end - begin);
    run_with_retries(options_.retry, options.cancel, [&](int) {
      const http::Response response = client_->send(request, options.cancel);
      if (!response.ok()) detail::throw_http_error(kProvider, response);
      const Json json = detail::parse_body(kProvider, response);
      if (detail::field(json, "error")) detail::throw_error_object(kProvider, json, 0);
      const Json* data = detail::field(json, "data");
      if (!data || !data->is_array()) throw ParseError("embeddings reply has no data array");
      if (data->size() != batch.size()) {
        throw ParseError("embeddings reply has " + std::to_string(data->size()) + " vectors for " +
                         std::to_string(batch.size()) + " inputs");
      }
      std::vector<bool> seen(batch.size(), false);
      for (size_t i = 0; i < data->size(); ++i) {
        const Json& item = (*data)[i];
        // The reply says which input each vector belongs to; order is not guaranteed.
        const int64_t index = detail::int_or(item, "index", static_cast<int64_t>(i));
        if (index < 0 || static_cast<size_t>(index) >= batch.size() || seen[static_cast<size_t>(index)]) {
          throw ParseError("embeddings reply has a bad or repeated index");
        }
        const Json* embedding = detail::field(item, "embedding");
        if (!embedding) throw ParseError("embeddings reply item has no embedding");
        batch[static_cast<size_t>(index)] = parse_vector(*embedding);
        seen[static_cast<size_t>(index)] = true;
      }
    });
    for (auto& vector : batch) out.push_back(std::move(vector));
  }
  return out;
}

}  // namespace alith::llm
