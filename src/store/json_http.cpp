#include "json_http.h"

#include "alith/core/error.h"

namespace alith::store {

std::string checked_base_url(std::string base_url, std::string_view scheme, const std::string& ref) {
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  if (!base_url.starts_with("http://") && !base_url.starts_with("https://"))
    throw InvalidArgumentError(std::string(scheme) + " store: expected " + std::string(scheme) +
                               ":http://HOST:PORT, got '" + ref + "'");
  return base_url;
}

http::Response send_json(http::Client& client, const std::string& method, const std::string& url,
                         const Json* body) {
  http::Request request;
  request.method = method;
  request.url = url;
  if (body) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = dump_json(*body);
  }
  return client.send(request);
}

void throw_reply_error(std::string_view store, const std::string& method, const std::string& url, int status,
                       const std::string& message, bool invalid_argument) {
  const std::string prefix(store);
  if (invalid_argument || status == 400 || status == 422) throw InvalidArgumentError(prefix + ": " + message);
  throw IoError(prefix + ": " + method + " " + url + " answered " + std::to_string(status) + ": " + message);
}

}  // namespace alith::store
