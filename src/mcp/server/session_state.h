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

inline Json result_message(const RequestId& id, Json result) {
  return Json{{"jsonrpc", "2.0"}, {"id", to_json(id)}, {"result", std::move(result)}};
}

inline Json error_message(const std::optional<RequestId>& id, int code, std::string message) {
  return Json{{"jsonrpc", "2.0"},
              {"id", id ? to_json(*id) : Json(nullptr)},
              {"error", Json{{"code", code}, {"message", std::move(message)}}}};
}

// What a tool's JSON result looks like to an MCP client.
CallToolResult tool_result(const Json& value, bool structured);

}  // namespace detail
}  // namespace alith::mcp
