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

// Built key by key rather than from initializer lists, which allocate a temporary array per member (these
// run for every reply).
inline Json result_message(const RequestId& id, Json result) {
  Json out = Json::object();
  out["jsonrpc"] = "2.0";
  out["id"] = to_json(id);
  out["result"] = std::move(result);
  return out;
}

inline Json error_message(const std::optional<RequestId>& id, int code, std::string message) {
  Json error = Json::object();
  error["code"] = code;
  error["message"] = std::move(message);
  Json out = Json::object();
  out["jsonrpc"] = "2.0";
  out["id"] = id ? to_json(*id) : Json(nullptr);
  out["error"] = std::move(error);
  return out;
}

// What a tool's JSON result looks like to an MCP client.
CallToolResult tool_result(const Json& value, bool structured);

}  // namespace detail
}  // namespace alith::mcp
