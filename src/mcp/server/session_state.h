#pragma once

// Module-private: the state a Session shares with its calls in flight on the pool, and helpers the server's
// source files share.

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

#include "alith/core/cancel.h"
#include "alith/core/json.h"
#include "alith/mcp/protocol.h"
#include "alith/mcp/server.h"

namespace alith::mcp {

struct Session::State {
  std::mutex mu;
  std::condition_variable idle;
  std::string version;                       // negotiated at initialize
  std::map<std::string, CancelToken> calls;  // in flight, keyed by to_string(RequestId)
  size_t running = 0;                        // tasks submitted and not finished
  bool closed = false;
};

namespace detail {

// Messages are written as text, never built as documents first (these run for every reply).

// {"jsonrpc":"2.0","id":<id>,"result":<result>}; result is a Json or a CallToolResult.
template <class Result>
std::string result_text(const RequestId& id, const Result& result) {
  std::string out;
  out.reserve(128);  // a short reply in one allocation rather than growing through four
  out += R"({"jsonrpc":"2.0","id":)";
  append_json(out, id);
  out += R"(,"result":)";
  append_json(out, result);
  out += '}';
  return out;
}

inline std::string error_text(const std::optional<RequestId>& id, int code, std::string_view message,
                              const Json& data = nullptr) {
  std::string out = R"({"jsonrpc":"2.0","id":)";
  if (id)
    append_json(out, *id);
  else
    out += "null";
  out += R"(,"error":{"code":)";
  out += std::to_string(code);
  out += R"(,"message":)";
  append_json_string(out, message);
  if (!data.is_null()) {
    out += R"(,"data":)";
    append_json(out, data);
  }
  out += "}}";
  return out;
}

inline std::string error_text(const ErrorResponse& e) {
  return error_text(e.id, e.error.code, e.error.message, e.error.data);
}

inline void reply(const Sink& sink, const RequestId& id, const std::string& text) {
  sink(Outgoing{text, &id});
}

inline void reply_error(const Sink& sink, const std::optional<RequestId>& id, int code,
                        std::string_view message, const Json& data = nullptr) {
  sink(Outgoing{error_text(id, code, message, data), id ? &*id : nullptr});
}

inline void reply_error(const Sink& sink, const ErrorResponse& e) {
  sink(Outgoing{error_text(e), e.id ? &*e.id : nullptr});
}

// What a tool's JSON result looks like to an MCP client.
CallToolResult tool_result(Json&& value, bool structured);

}  // namespace detail
}  // namespace alith::mcp
