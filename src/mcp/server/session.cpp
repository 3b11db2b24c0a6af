// A server session: one connection's protocol state and the dispatch of every method but tools/call
// (tool_call.cpp).

#include <charconv>

#include "alith/core/error.h"
#include "mcp/server/session_state.h"

namespace alith::mcp {
namespace {

// Cursors are the decimal index of the next item; opaque to clients.
std::optional<size_t> parse_cursor(const Json& params) {
  if (!params.is_object() || !params.contains("cursor") || params["cursor"].is_null()) return size_t{0};
  const Json& c = params["cursor"];
  if (!c.is_string()) return std::nullopt;
  const std::string& s = c.get_ref<const std::string&>();
  size_t value = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

// Providers return whole lists; pages of page_size are cut here so a provider stays simple.
Json page(const Json& items, const char* key, const Json& params, size_t page_size, bool& bad_cursor) {
  auto start = parse_cursor(params);
  Json array = items.is_array() ? items : Json::array();
  if (!start || *start > array.size()) {
    bad_cursor = true;
    return nullptr;
  }
  size_t end = std::min(array.size(), *start + std::max<size_t>(page_size, 1));
  Json out = Json::object();
  out[key] = Json(array.begin() + static_cast<std::ptrdiff_t>(*start),
                  array.begin() + static_cast<std::ptrdiff_t>(end));
  if (end < array.size()) out["nextCursor"] = std::to_string(end);
  return out;
}

}  // namespace

Session::Session(Server& server) : server_(server), state_(std::make_shared<State>()) {}

Session::~Session() {
  close();
}

std::string Session::protocol_version() const {
  std::lock_guard lock(state_->mu);
  return state_->version;
}

bool Session::in_flight(const RequestId& id) const {
  std::lock_guard lock(state_->mu);
  return state_->calls.count(to_string(id)) > 0;
}

void Session::close() {
  std::unique_lock lock(state_->mu);
  state_->closed = true;
  for (auto& [id, token] : state_->calls) token.cancel();
  state_->idle.wait(lock, [&] { return state_->running == 0; });
}

void Session::drain() {
  std::unique_lock lock(state_->mu);
  state_->idle.wait(lock, [&] { return state_->running == 0; });
}

Handled Session::handle(std::string_view text, const Sink& sink) {
  auto message = parse_message(text, server_.options_.max_message_bytes);
  if (!message) {
    detail::reply_error(sink, error_response_for(text, message.error()));
    return Handled::replied;
  }
  return handle(std::move(*message), sink);
}

Handled Session::handle(const Message& message, const Sink& sink, bool run_call_here) {
  return handle(Message(message), sink, run_call_here);
}

Handled Session::handle(Message&& message, const Sink& sink, bool run_call_here) {
  if (auto* request = std::get_if<Request>(&message)) return dispatch(*request, sink, run_call_here);
  if (auto* notification = std::get_if<Notification>(&message)) {
    if (notification->method == "notifications/cancelled" && notification->params.is_object()) {
      auto id = notification->params.find("requestId");
      if (id != notification->params.end() && (id->is_string() || id->is_number_integer())) {
        std::string key = id->is_string() ? to_string(RequestId(id->get<std::string>()))
                                          : to_string(RequestId(id->get<int64_t>()));
        std::lock_guard lock(state_->mu);
        if (auto it = state_->calls.find(key); it != state_->calls.end()) it->second.cancel();
      }
    } else if (notification->method == "notifications/initialized") {
      initialized_ = true;
    }
    return Handled::no_reply;  // other notifications (progress, roots changed, ...) need nothing from us
  }
  return Handled::no_reply;  // responses: this server sends no requests, so there is nothing to match
}

Handled Session::dispatch(Request& request, const Sink& sink, bool run_call_here) {
  const std::string& method = request.method;
  const Json& params = request.params;
  auto reply = [&](const Json& result) {
    detail::reply(sink, request.id, detail::result_text(request.id, result));
    return Handled::replied;
  };
  auto fail = [&](int code, std::string_view message) {
    detail::reply_error(sink, request.id, code, message);
    return Handled::replied;
  };
  try {
    if (method == "tools/call") return call_tool(request, sink, run_call_here);
    if (method == "ping") return reply(Json::object());
    if (method == "initialize") {
      auto init = parse<InitializeParams>(params.is_null() ? Json::object() : params);
      if (!init) return fail(rpc_error::invalid_params, "initialize: " + init.error().message);
      InitializeResult result;
      result.protocol_version = negotiate_protocol_version(init->protocol_version);
      result.capabilities.tools = true;
      result.capabilities.resources = server_.resources_ != nullptr;
      result.capabilities.prompts = server_.prompts_ != nullptr;
      result.server_info = {server_.options_.name, server_.options_.version, {}};
      result.instructions = server_.options_.instructions;
      {
        std::lock_guard lock(state_->mu);
        state_->version = result.protocol_version;
      }
      Json out = to_json(result);
      // Say explicitly that the lists are fixed (the spec's listChanged capability), not just by omission.
      out["capabilities"]["tools"] = Json{{"listChanged", false}};
      if (server_.resources_)
        out["capabilities"]["resources"] = Json{{"subscribe", false}, {"listChanged", false}};
      if (server_.prompts_) out["capabilities"]["prompts"] = Json{{"listChanged", false}};
      return reply(out);
    }
    bool bad_cursor = false;
    if (method == "tools/list") {
      Json tools = Json::array();
      auto start = parse_cursor(params);
      const auto& all = server_.tools_;
      if (!start || *start > all.size()) return fail(rpc_error::invalid_params, "tools/list: invalid cursor");
      size_t end = std::min(all.size(), *start + std::max<size_t>(server_.options_.page_size, 1));
      for (size_t i = *start; i < end; ++i) {
        const auto& spec = all[i]->spec();
        Tool tool;
        tool.name = spec.name;
        tool.description = spec.description;
        tool.input_schema = spec.parameters;
        tools.push_back(to_json(tool));
      }
      Json out{{"tools", std::move(tools)}};
      if (end < all.size()) out["nextCursor"] = std::to_string(end);
      return reply(out);
    }
    if (method.starts_with("resources/")) {
      if (!server_.resources_) return fail(rpc_error::method_not_found, "Method not found: " + method);
      auto& provider = *server_.resources_;
      if (method == "resources/list") {
        Json out = page(provider.list(), "resources", params, server_.options_.page_size, bad_cursor);
        return bad_cursor ? fail(rpc_error::invalid_params, "resources/list: invalid cursor") : reply(out);
      }
      if (method == "resources/templates/list") {
        Json out =
            page(provider.templates(), "resourceTemplates", params, server_.options_.page_size, bad_cursor);
        return bad_cursor ? fail(rpc_error::invalid_params, "resources/templates/list: invalid cursor")
                          : reply(out);
      }
      if (method == "resources/read") {
        if (!params.is_object() || !params.contains("uri") || !params["uri"].is_string())
          return fail(rpc_error::invalid_params, "resources/read: params.uri must be a string");
        std::string uri = params["uri"].get<std::string>();
        try {
          return reply(Json{{"contents", provider.read(uri)}});
        } catch (const InvalidArgumentError& e) {
          detail::reply_error(sink, request.id, rpc_error::resource_not_found,
                              std::string("Resource not found: ") + e.what(), Json{{"uri", uri}});
          return Handled::replied;
        }
      }
      return fail(rpc_error::method_not_found, "Method not found: " + method);
    }
    if (method.starts_with("prompts/")) {
      if (!server_.prompts_) return fail(rpc_error::method_not_found, "Method not found: " + method);
      if (method == "prompts/list") {
        Json out = page(server_.prompts_->list(), "prompts", params, server_.options_.page_size, bad_cursor);
        return bad_cursor ? fail(rpc_error::invalid_params, "prompts/list: invalid cursor") : reply(out);
      }
      if (method == "prompts/get") {
        if (!params.is_object() || !params.contains("name") || !params["name"].is_string())
          return fail(rpc_error::invalid_params, "prompts/get: params.name must be a string");
        Json arguments = params.value("arguments", Json::object());
        if (!arguments.is_object())
          return fail(rpc_error::invalid_params, "prompts/get: arguments must be an object");
        try {
          return reply(server_.prompts_->get(params["name"].get<std::string>(), arguments));
        } catch (const InvalidArgumentError& e) {
          return fail(rpc_error::invalid_params, e.what());
        }
      }
      return fail(rpc_error::method_not_found, "Method not found: " + method);
    }
    return fail(rpc_error::method_not_found, "Method not found: " + method);
  } catch (const McpError& e) {
    return fail(e.rpc_code(), e.rpc_message());
  } catch (const std::exception& e) {
    return fail(rpc_error::internal_error, std::string("internal error: ") + e.what());
  }
}

}  // namespace alith::mcp
