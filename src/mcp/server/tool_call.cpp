// tools/call: argument validation, the call on the server's pool, progress, cancellation and the result.

#include <atomic>

#include "alith/agent/schema.h"
#include "alith/core/thread_pool.h"
#include "mcp/server/session_state.h"

namespace alith::mcp {

namespace detail {

CallToolResult tool_result(Json&& value, bool structured) {
  CallToolResult result;
  if (value.is_string()) {
    result.content.push_back(ContentBlock::make_text(std::move(value.get_ref<std::string&>())));
  } else {
    result.content.push_back(ContentBlock::make_text(dump_json(value)));
    // An object is also structured content (2025-06-18); the text block keeps older clients working, as the
    // specification recommends.
    if (structured && value.is_object()) result.structured_content = std::move(value);
  }
  return result;
}

}  // namespace detail

namespace {

CallToolResult error_result(std::string text) {
  CallToolResult result;
  result.content.push_back(ContentBlock::make_text(std::move(text)));
  result.is_error = true;
  return result;
}

}  // namespace

Handled Session::call_tool(Request& request, const Sink& sink, bool run_call_here) {
  Json& params = request.params;
  auto fail = [&](int code, std::string_view message) {
    detail::reply_error(sink, request.id, code, message);
    return Handled::replied;
  };
  if (!params.is_object() || !params.contains("name") || !params["name"].is_string())
    return fail(rpc_error::invalid_params, "tools/call: params.name must be a string");
  const std::string& name = params["name"].get_ref<const std::string&>();
  agent::Tool* tool = server_.find_tool(name);
  if (!tool) return fail(rpc_error::invalid_params, "Unknown tool: " + name);

  Json args = Json::object();
  if (auto it = params.find("arguments"); it != params.end() && !it->is_null()) args = std::move(*it);
  auto reply_error = [&](std::string text) {
    detail::reply(sink, request.id, detail::result_text(request.id, error_result(std::move(text))));
    return Handled::replied;
  };
  if (!args.is_object())
    return reply_error("Invalid arguments for tool " + name + ": arguments must be an object");
  if (auto valid = agent::validate(args, tool->spec().parameters); !valid)
    return reply_error("Invalid arguments for tool " + name + ": " + valid.error().message);

  std::string key = to_string(request.id);
  CancelToken token = CancelToken::create();
  bool structured;
  decltype(state_->calls)::iterator in_flight;
  {
    std::lock_guard lock(state_->mu);
    if (state_->closed) return fail(rpc_error::internal_error, "session closed");
    auto [entry, added] = state_->calls.try_emplace(key, token);
    if (!added) return fail(rpc_error::invalid_request, "request id " + key + " is already in use");
    in_flight = entry;  // only this call erases it, so it stays valid while others come and go
    ++state_->running;
    // Dates compare as strings; older revisions have no structuredContent.
    structured = state_->version.empty() || state_->version >= "2025-06-18";
  }
  std::optional<Json> progress_token = progress_token_of(params);

  auto task = [state = state_, tool, args = std::move(args), token, sink, id = request.id, key, in_flight,
               progress_token, structured] {
    std::optional<std::string> reply;
    std::shared_ptr<std::atomic<bool>> finished;  // only a progress reporter outlives the call
    try {
      agent::ToolContext context{token, key};
      Json value;
      auto* progress_tool = dynamic_cast<ProgressTool*>(tool);
      if (progress_tool && progress_token) {
        finished = std::make_shared<std::atomic<bool>>(false);
        ProgressFn report = [sink, finished, token, progress_token](
                                double progress, std::optional<double> total, const std::string& message) {
          // Never after the reply (the spec forbids it) nor for a cancelled call.
          if (finished->load() || token.cancelled()) return;
          ProgressParams p{*progress_token, progress, total, message};
          sink(
              Outgoing{dump_json(Json{
                           {"jsonrpc", "2.0"}, {"method", "notifications/progress"}, {"params", to_json(p)}}),
                       nullptr});
        };
        value = progress_tool->invoke_with_progress(args, context, report);
      } else {
        value = tool->invoke(args, context);
      }
      if (!token.cancelled())
        reply = detail::result_text(id, detail::tool_result(std::move(value), structured));
    } catch (const CancelledError&) {
    } catch (const std::exception& e) {
      if (!token.cancelled()) reply = detail::result_text(id, error_result(e.what()));
    } catch (...) {
      if (!token.cancelled()) reply = detail::result_text(id, error_result("the tool failed"));
    }
    if (finished) finished->store(true);
    // A cancelled call gets no reply (the receiver of notifications/cancelled should not answer). The reply
    // goes out before the call leaves the in-flight set: a transport that sees in_flight() false knows that
    // whatever reply there is has reached its sink.
    if (reply) {
      try {
        detail::reply(sink, id, *reply);
      } catch (...) {
      }
    }
    std::lock_guard lock(state->mu);
    state->calls.erase(in_flight);
    --state->running;
    state->idle.notify_all();
  };
  if (run_call_here) {
    task();
    return Handled::replied;
  }
  server_.pool_->submit(std::move(task));
  return Handled::pending;
}

}  // namespace alith::mcp
