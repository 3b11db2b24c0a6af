#include "provider_http.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <exception>
#include <utility>

#include "alith/core/error.h"

namespace alith::llm::detail {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// A non-negative decimal number taking the whole of s.
std::optional<double> parse_number(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(value) || value < 0)
    return std::nullopt;
  return value;
}

int parse_int(std::string_view s, bool& ok) {
  int value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  ok = ok && ec == std::errc() && ptr == s.data() + s.size();
  return value;
}

// IMF-fixdate, the form RFC 9110 requires senders to use: "Sun, 06 Nov 1994 08:49:37 GMT".
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view s) {
  s = trim(s);
  if (auto comma = s.find(','); comma != std::string_view::npos) s = trim(s.substr(comma + 1));
  // "06 Nov 1994 08:49:37 GMT"
  if (s.size() != 24 || s[2] != ' ' || s[6] != ' ' || s[11] != ' ' || s[14] != ':' || s[17] != ':' ||
      s.substr(20) != " GMT") {
    return std::nullopt;
  }
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto month_it = std::find(kMonths.begin(), kMonths.end(), s.substr(3, 3));
  if (month_it == kMonths.end()) return std::nullopt;
  bool ok = true;
  const int day = parse_int(s.substr(0, 2), ok);
  const int year = parse_int(s.substr(7, 4), ok);
  const int hour = parse_int(s.substr(12, 2), ok);
  const int minute = parse_int(s.substr(15, 2), ok);
  const int second = parse_int(s.substr(18, 2), ok);
  if (!ok || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const std::chrono::year_month_day ymd{
      std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month_it - kMonths.begin() + 1)},
      std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
         std::chrono::seconds{second};
}

// OpenAI's x-ratelimit-reset-* values: "1s", "6m0s", "1h2m3.5s", "250ms".
std::optional<double> parse_duration(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  double total = 0;
  while (!s.empty()) {
    size_t n = 0;
    while (n < s.size() && (std::isdigit(static_cast<unsigned char>(s[n])) || s[n] == '.')) ++n;
    auto number = parse_number(s.substr(0, n));
    if (!number) return std::nullopt;
    s.remove_prefix(n);
    double scale = 0;
    if (s.starts_with("ms")) {
      scale = 0.001;
      s.remove_prefix(2);
    } else if (s.starts_with("s")) {
      scale = 1;
      s.remove_prefix(1);
    } else if (s.starts_with("m")) {
      scale = 60;
      s.remove_prefix(1);
    } else if (s.starts_with("h")) {
      scale = 3600;
      s.remove_prefix(1);
    } else {
      return std::nullopt;
    }
    total += *number * scale;
  }
  return total;
}

std::string string_at(const Json& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int status_for_error_type(const std::string& type) {
  if (type == "invalid_request_error") return 400;
  if (type == "authentication_error") return 401;
  if (type == "permission_error") return 403;
  if (type == "not_found_error") return 404;
  if (type == "request_too_large") return 413;
  if (type == "rate_limit_error") return 429;
  if (type == "api_error" || type == "server_error") return 500;
  if (type == "overloaded_error") return 529;
  return 0;
}

}  // namespace

std::string join_url(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::string out(base);
  out += '/';
  out += path;
  return out;
}

std::string snippet(std::string_view text, size_t max_bytes) {
  std::string out;
  const bool cut = text.size() > max_bytes;
  if (cut) {
    size_t end = max_bytes;
    // Back up over UTF-8 continuation bytes so the cut never splits a character.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text = text.substr(0, end);
  }
  // Error messages end up in logs, JSON and other languages' strings: keep them valid UTF-8.
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = len != 0 && i + len <= text.size() && !(len == 2 && c < 0xC2) && !(c > 0xF4);
    for (size_t k = 1; valid && k < len; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    if (valid && len == 3) {
      const auto c1 = static_cast<unsigned char>(text[i + 1]);
      valid = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);  // overlong, surrogates
    }
    if (valid && len == 4) {
      const auto c1 = static_cast<unsigned char>(text[i + 1]);
      valid = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);  // overlong, > U+10FFFF
    }
    if (valid) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  if (cut) out += "...";
  return out;
}

std::optional<double> retry_after_seconds(const http::Response& response,
                                          std::chrono::system_clock::time_point now) {
  if (auto value = response.header("retry-after")) {
    if (auto seconds = parse_number(*value)) return seconds;
    if (auto date = parse_http_date(*value)) {
      const double delta = std::chrono::duration<double>(*date - now).count();
      return std::max(0.0, delta);
    }
  }
  if (auto value = response.header("retry-after-ms")) {
    if (auto ms = parse_number(*value)) return *ms / 1000.0;
  }
  // The reset times say when a budget is fully restored; the smallest one is the earliest moment any
  // capacity returns, which is what a retry needs.
  std::optional<double> best;
  for (const char* name : {"x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"}) {
    if (auto value = response.header(name)) {
      if (auto seconds = parse_duration(*value)) best = best ? std::min(*best, *seconds) : *seconds;
    }
  }
  return best;
}

std::string error_message(const Json& body) {
  if (!body.is_object()) return {};
  if (auto it = body.find("error"); it != body.end()) {
    if (it->is_string()) return it->get<std::string>();
    if (auto message = string_at(*it, "message"); !message.empty()) return message;
  }
  if (auto message = string_at(body, "message"); !message.empty()) return message;
  if (auto detail = string_at(body, "detail"); !detail.empty()) return detail;
  return {};
}

void throw_error_object(std::string_view provider, const Json& body, int status) {
  const Json* error = &body;
  if (body.is_object()) {
    if (auto it = body.find("error"); it != body.end() && it->is_object()) error = &*it;
  }
  const std::string type = string_at(*error, "type");
  if (int mapped = status_for_error_type(type); mapped != 0) status = mapped;
  if (error->is_object()) {
    if (auto code = error->find("code"); code != error->end() && code->is_number_integer()) {
      const auto value = code->get<int64_t>();
      if (value >= 100 && value <= 599) status = static_cast<int>(value);
    }
  }
  std::string message = error_message(body);
  if (message.empty()) message = snippet(dump_json(body));
  std::string text = std::string(provider) + " error";
  if (!type.empty()) text += " (" + type + ")";
  text += ": " + message;
  text = log::redact(text);
  std::string raw = log::redact(dump_json(body));
  if (status == 429) throw RateLimitedError(text, std::move(raw), std::nullopt);
  throw ProviderError(text, status, std::move(raw));
}

void throw_http_error(std::string_view provider, const http::Response& response) {
  std::string message;
  if (auto json = parse_json(response.body); json.ok()) message = error_message(*json);
  if (message.empty()) message = response.body.empty() ? "(empty body)" : snippet(response.body);
  const std::string text = log::redact(std::string(provider) + " returned HTTP " +
                                       std::to_string(response.status) + ": " + message);
  std::string body = log::redact(response.body);
  if (response.status == 429) {
    throw RateLimitedError(text, std::move(body),
                           retry_after_seconds(response, std::chrono::system_clock::now()));
  }
  throw ProviderError(text, response.status, std::move(body));
}

Json parse_body(std::string_view provider, const http::Response& response) {
  auto json = parse_json(response.body);
  if (json.ok()) return std::move(json).value();
  const std::string type = response.header("content-type").value_or("none");
  throw ParseError(std::string(provider) + " returned a reply that is not JSON (HTTP " +
                   std::to_string(response.status) + ", content-type " + type +
                   "): " + (response.body.empty() ? std::string("(empty body)") : snippet(response.body)));
}

namespace {
// Thrown from the body handler to end a transfer once the stream said it is complete: some servers keep the
// connection open after their final event.
struct StreamComplete {};
}  // namespace

StreamResult stream_sse(http::Client& client, const http::Request& request, const CancelToken& cancel,
                        const std::function<void(sse::Event&&)>& on_event,
                        const std::function<bool()>& done) {
  StreamResult result;
  sse::Parser parser;
  bool parser_failed = false;
  const size_t limit = request.max_response_bytes.value_or(client.options().max_response_bytes);
  size_t received = 0;

  auto on_body = [&](std::string_view chunk) {
    cancel.check();
    received += chunk.size();
    // Enforced here as well as in the client so that an endless stream stops even when events keep coming.
    if (received > limit) {
      throw TooLargeError("streamed reply exceeds max_response_bytes (" + std::to_string(limit) + " bytes)");
    }
    if (done()) return;
    if (!result.saw_event) result.raw_body.append(chunk);
    if (parser_failed) return;
    auto fed = parser.feed(chunk, [&](sse::Event&& event) {
      // One network read may hold many events; none is delivered after a cancel.
      cancel.check();
      if (!result.saw_event) {
        result.saw_event = true;
        result.raw_body.clear();
        result.raw_body.shrink_to_fit();
      }
      if (!done()) on_event(std::move(event));
    });
    if (fed.ok() && done()) throw StreamComplete{};
    if (!fed.ok()) {
      if (result.saw_event) throw ParseError("malformed event stream: " + fed.error().message);
      // Not an event stream at all (an HTML page, say): keep the raw bytes for the caller to explain.
      parser_failed = true;
      result.stream_error = fed.error().message;
    }
  };

  try {
    result.response = client.send_streaming(request, on_body, cancel);
  } catch (const StreamComplete&) {
    result.response.status = 200;  // the body handler only runs for a 2xx reply
    return result;
  }
  if (result.response.ok() && !done() && !parser_failed) result.truncated_event = !parser.finish().ok();
  return result;
}

ChatResponse finish_stream(std::string_view provider, const StreamResult& result, bool assembler_done,
                           const std::function<ChatResponse(const Json&)>& parse_whole,
                           const std::function<ChatResponse()>& finish, const StreamHandler& forward) {
  if (!result.response.ok()) throw_http_error(provider, result.response);
  if (!result.saw_event) {
    auto json = parse_json(result.raw_body);
    if (!json.ok() || !json->is_object()) throw_not_a_stream(provider, result);
    ChatResponse whole = parse_whole(*json);
    replay_as_events(whole, forward);
    return whole;
  }
  if (result.truncated_event && !assembler_done) {
    throw ParseError("stream truncated: the connection closed in the middle of an event");
  }
  return finish();
}

void throw_not_a_stream(std::string_view provider, const StreamResult& result) {
  const std::string where = "(HTTP " + std::to_string(result.response.status) + ", content-type " +
                            result.response.header("content-type").value_or("none") + ")";
  const std::string body = result.raw_body.empty() ? std::string("(empty body)") : snippet(result.raw_body);
  if (!result.stream_error.empty()) {
    throw ParseError(std::string(provider) + " sent a malformed event stream " + where + ": " +
                     result.stream_error + "; it began: " + body);
  }
  throw ParseError(std::string(provider) + " returned a reply that is not an event stream " + where + ": " +
                   body);
}

void replay_as_events(const ChatResponse& response, const StreamHandler& on_event) {
  if (std::string text = response.message.text(); !text.empty()) {
    StreamEvent event;
    event.kind = StreamEvent::Kind::text_delta;
    event.text = std::move(text);
    on_event(event);
  }
  int index = 0;
  for (const auto& call : response.message.tool_calls) {
    StreamEvent start;
    start.kind = StreamEvent::Kind::tool_call_start;
    start.index = index;
    start.id = call.id;
    start.name = call.name;
    on_event(start);
    StreamEvent delta;
    delta.kind = StreamEvent::Kind::tool_call_delta;
    delta.index = index;
    delta.text = call.raw_arguments.empty() ? dump_json(call.arguments) : call.raw_arguments;
    on_event(delta);
    ++index;
  }
  StreamEvent usage;
  usage.kind = StreamEvent::Kind::usage;
  usage.usage = response.usage;
  on_event(usage);
}

ChatResponse stream_with_retries(const RetryPolicy& policy, const CancelToken& cancel,
                                 const StreamHandler& on_event,
                                 const std::function<ChatResponse(const StreamHandler& forward)>& attempt) {
  ChatResponse out;
  std::exception_ptr final_error;
  run_with_retries(policy, cancel, [&](int) {
    bool delivered = false;
    const StreamHandler forward = [&](const StreamEvent& event) {
      delivered = true;
      on_event(event);
    };
    try {
      out = attempt(forward);
    } catch (...) {
      if (!delivered) throw;
      final_error = std::current_exception();
    }
  });
  if (final_error) std::rethrow_exception(final_error);
  return out;
}

std::shared_ptr<log::Logger> pick_logger(const std::shared_ptr<log::Logger>& logger) {
  return logger ? logger : log::Logger::default_logger();
}

}  // namespace alith::llm::detail
