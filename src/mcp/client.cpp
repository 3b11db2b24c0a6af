// mcp::Client: requests matched to replies by id, notifications dispatched, server requests answered.

#include "alith/mcp/client.h"

#include <condition_variable>
#include <map>
#include <mutex>

#include "alith/version.h"

namespace alith::mcp {

namespace {

struct Pending {
  bool done = false;
  Json result;
  std::optional<RpcError> rpc_error;
  std::optional<ErrorInfo> failure;
  std::function<void(const ProgressParams&)> on_progress;
  std::string progress_key;
  std::chrono::milliseconds timeout{0};
  std::chrono::steady_clock::time_point deadline;
};

template <class T>
T decode(const Json& result) {
  auto r = parse<T>(result);
  if (!r) throw ParseError("mcp: malformed result: " + r.error().message);
  return std::move(r).value();
}

}  // namespace

struct Client::Impl {
  std::unique_ptr<Transport> transport;
  ClientOptions options;
  mutable std::mutex mutex;
  std::condition_variable cv;
  std::map<std::string, std::shared_ptr<Pending>> pending;      // by to_string(id)
  std::map<std::string, std::shared_ptr<Pending>> by_progress;  // by dump of the progress token
  int64_t next_id = 1;
  bool started = false;
  bool closed = false;
  std::optional<ErrorInfo> close_reason;
  std::optional<InitializeResult> init;
  std::map<std::string, NotificationHandler> notification_handlers;
  std::map<std::string, RequestHandler> request_handlers;

  void start() {
    {
      std::lock_guard lock(mutex);
      if (started) return;
      started = true;
    }
    TransportHandlers handlers;
    handlers.on_message = [this](Message&& m) { on_message(std::move(m)); };
    handlers.on_close = [this](const ErrorInfo& reason) { fail_all(reason); };
    handlers.on_request_failed = [this](const RequestId& id, const ErrorInfo& error) {
      std::lock_guard lock(mutex);
      if (auto it = pending.find(to_string(id)); it != pending.end() && !it->second->done) {
        it->second->failure = error;
        it->second->done = true;
        cv.notify_all();
      }
    };
    transport->start(std::move(handlers));
  }

  void fail_all(const ErrorInfo& reason) {
    std::lock_guard lock(mutex);
    if (!closed) {
      closed = true;
      close_reason = reason;
    }
    for (auto& [key, p] : pending) {
      if (!p->done) {
        p->failure = reason;
        p->done = true;
      }
    }
    cv.notify_all();
  }

  void send_quietly(const Message& message) {
    try {
      transport->send(message);
    } catch (const Error&) {
      // The connection is gone; fail_all reports it to waiting calls.
    }
  }

  void on_message(Message&& message) {
    if (auto* r = std::get_if<Response>(&message)) return complete(r->id, std::move(r->result), std::nullopt);
    if (auto* e = std::get_if<ErrorResponse>(&message)) {
      if (e->id) complete(*e->id, nullptr, std::move(e->error));
      return;
    }
    if (auto* n = std::get_if<Notification>(&message)) return on_notification(*n);
    on_server_request(std::get<Request>(message));
  }

  void complete(const RequestId& id, Json result, std::optional<RpcError> error) {
    std::lock_guard lock(mutex);
    auto it = pending.find(to_string(id));
    if (it == pending.end() || it->second->done) return;  // late or unknown: dropped
    it->second->result = std::move(result);
    it->second->rpc_error = std::move(error);
    it->second->done = true;
    cv.notify_all();
  }

  void on_notification(const Notification& n) {
    if (n.method == "notifications/progress") {
      auto params = parse<ProgressParams>(n.params);
      if (!params) return;
      std::function<void(const ProgressParams&)> callback;
      {
        std::lock_guard lock(mutex);
        auto it = by_progress.find(dump_json(params->progress_token));
        if (it == by_progress.end()) return;
        callback = it->second->on_progress;
        if (options.reset_timeout_on_progress) {
          it->second->deadline = std::chrono::steady_clock::now() + it->second->timeout;
        }
      }
      if (callback) {
        try {
          callback(*params);
        } catch (...) {
        }
      }
      return;
    }
    NotificationHandler handler;
    {
      std::lock_guard lock(mutex);
      if (auto it = notification_handlers.find(n.method); it != notification_handlers.end())
        handler = it->second;
    }
    if (handler) {
      try {
        handler(n.params.is_null() ? Json::object() : n.params);
      } catch (...) {
      }
    }
  }

  void on_server_request(const Request& request) {
    if (request.method == "ping") return send_quietly(Response{request.id, Json::object()});
    RequestHandler handler;
    {
      std::lock_guard lock(mutex);
      if (auto it = request_handlers.find(request.method); it != request_handlers.end()) handler = it->second;
    }
    if (!handler) {
      return send_quietly(ErrorResponse{
          request.id, RpcError{rpc_error::method_not_found, "Method not found: " + request.method, nullptr}});
    }
    try {
      Json result = handler(request.params.is_null() ? Json::object() : request.params);
      send_quietly(Response{request.id, result.is_object() ? result : Json::object()});
    } catch (const McpError& e) {
      send_quietly(ErrorResponse{request.id, e.to_rpc_error()});
    } catch (const std::exception& e) {
      send_quietly(ErrorResponse{request.id, RpcError{rpc_error::internal_error, e.what(), nullptr}});
    }
  }

  Json request(const std::string& method, Json params, const RequestOptions& ro) {
    start();
    auto p = std::make_shared<Pending>();
    p->timeout = ro.timeout.value_or(options.request_timeout);
    RequestId id;
    std::string key;
    {
      std::lock_guard lock(mutex);
      if (closed) {
        throw_error(close_reason ? make_error(close_reason->code, close_reason->message)
                                 : make_error(ErrorCode::io, "mcp: the client is closed"));
      }
      id = next_id++;
      key = to_string(id);
      if (ro.on_progress) {
        if (!params.is_object()) params = Json::object();
        params["_meta"]["progressToken"] = std::get<int64_t>(id);
        p->on_progress = ro.on_progress;
        p->progress_key = dump_json(Json(std::get<int64_t>(id)));
        by_progress[p->progress_key] = p;
      }
      p->deadline = std::chrono::steady_clock::now() + p->timeout;
      pending[key] = p;
    }
    auto forget = [&] {
      std::lock_guard lock(mutex);
      pending.erase(key);
      if (!p->progress_key.empty()) by_progress.erase(p->progress_key);
    };
    try {
      transport->send(Request{id, method, std::move(params)});
    } catch (...) {
      forget();
      throw;
    }
    std::unique_lock lock(mutex);
    while (!p->done) {
      bool cancelled = ro.cancel.cancelled();
      bool timed_out = std::chrono::steady_clock::now() >= p->deadline;
      if (cancelled || timed_out) {
        lock.unlock();
        forget();
        std::string reason = cancelled ? "cancelled by the client" : "timed out";
        if (method != "initialize") {  // the spec forbids cancelling initialize
          send_quietly(
              Notification{"notifications/cancelled", Json{{"requestId", to_json(id)}, {"reason", reason}}});
        }
        transport->abandon(id);
        if (cancelled) throw CancelledError("mcp: " + method + " cancelled");
        throw TimeoutError("mcp: " + method + " got no reply within " + std::to_string(p->timeout.count()) +
                           " ms");
      }
      auto slice = std::chrono::steady_clock::now() + std::chrono::milliseconds(25);
      cv.wait_until(lock, std::min(slice, p->deadline));
    }
    lock.unlock();
    forget();
    if (p->failure) throw_error(*p->failure);
    if (p->rpc_error) throw McpError(p->rpc_error->code, p->rpc_error->message, p->rpc_error->data);
    return p->result.is_object() ? p->result : Json::object();
  }

  void close() noexcept {
    fail_all(make_error(ErrorCode::io, "mcp: the client is closed"));
    transport->close();
  }
};

Client::Client(std::unique_ptr<Transport> transport, ClientOptions options)
    : impl_(std::make_shared<Impl>()) {
  if (!transport) throw InvalidArgumentError("mcp: Client needs a transport");
  impl_->transport = std::move(transport);
  if (options.client_info.name.empty()) options.client_info.name = "alith";
  if (options.client_info.version.empty()) options.client_info.version = ALITH_VERSION_STRING;
  impl_->options = std::move(options);
}

Client::~Client() {
  close();
}

std::shared_ptr<Client> Client::connect(std::unique_ptr<Transport> transport, ClientOptions options) {
  auto client = std::make_shared<Client>(std::move(transport), std::move(options));
  client->initialize();
  return client;
}

const InitializeResult& Client::initialize() {
  InitializeParams params{std::string(latest_protocol_version), impl_->options.capabilities,
                          impl_->options.client_info};
  InitializeResult result = decode<InitializeResult>(impl_->request("initialize", to_json(params), {}));
  if (!is_supported_protocol_version(result.protocol_version)) {
    close();
    throw UnsupportedError("mcp: server " + impl_->transport->describe() + " speaks protocol version " +
                           result.protocol_version + ", which alith does not support");
  }
  impl_->transport->set_protocol_version(result.protocol_version);
  {
    std::lock_guard lock(impl_->mutex);
    impl_->init = std::move(result);
  }
  notify("notifications/initialized");
  return *impl_->init;
}

const InitializeResult& Client::server() const {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->init) throw InvalidArgumentError("mcp: the client is not initialized");
  return *impl_->init;
}

const std::string& Client::protocol_version() const {
  return server().protocol_version;
}

Json Client::request(const std::string& method, Json params, const RequestOptions& options) {
  return impl_->request(method, std::move(params), options);
}

void Client::notify(const std::string& method, Json params) {
  impl_->start();
  impl_->transport->send(Notification{method, std::move(params)});
}

void Client::ping(const RequestOptions& options) {
  request("ping", nullptr, options);
}

namespace {
Json cursor_params(const std::string& cursor) {
  return cursor.empty() ? Json::object() : Json{{"cursor", cursor}};
}
}  // namespace

ListToolsResult Client::list_tools(const std::string& cursor, const RequestOptions& options) {
  return decode<ListToolsResult>(request("tools/list", cursor_params(cursor), options));
}

std::vector<Tool> Client::list_all_tools(const RequestOptions& options) {
  std::vector<Tool> out;
  std::string cursor;
  for (int page = 0; page < 1000; ++page) {
    auto r = list_tools(cursor, options);
    std::move(r.tools.begin(), r.tools.end(), std::back_inserter(out));
    if (r.next_cursor.empty() || r.next_cursor == cursor) break;
    cursor = r.next_cursor;
  }
  return out;
}

CallToolResult Client::call_tool(const std::string& name, const Json& arguments,
                                 const RequestOptions& options) {
  Json params{{"name", name}, {"arguments", arguments.is_null() ? Json::object() : arguments}};
  return decode<CallToolResult>(request("tools/call", std::move(params), options));
}

ListResourcesResult Client::list_resources(const std::string& cursor, const RequestOptions& options) {
  return decode<ListResourcesResult>(request("resources/list", cursor_params(cursor), options));
}

std::vector<Resource> Client::list_all_resources(const RequestOptions& options) {
  std::vector<Resource> out;
  std::string cursor;
  for (int page = 0; page < 1000; ++page) {
    auto r = list_resources(cursor, options);
    std::move(r.resources.begin(), r.resources.end(), std::back_inserter(out));
    if (r.next_cursor.empty() || r.next_cursor == cursor) break;
    cursor = r.next_cursor;
  }
  return out;
}

ListResourceTemplatesResult Client::list_resource_templates(const std::string& cursor,
                                                            const RequestOptions& options) {
  return decode<ListResourceTemplatesResult>(
      request("resources/templates/list", cursor_params(cursor), options));
}

ReadResourceResult Client::read_resource(const std::string& uri, const RequestOptions& options) {
  return decode<ReadResourceResult>(request("resources/read", Json{{"uri", uri}}, options));
}

void Client::subscribe(const std::string& uri, const RequestOptions& options) {
  request("resources/subscribe", Json{{"uri", uri}}, options);
}

void Client::unsubscribe(const std::string& uri, const RequestOptions& options) {
  request("resources/unsubscribe", Json{{"uri", uri}}, options);
}

ListPromptsResult Client::list_prompts(const std::string& cursor, const RequestOptions& options) {
  return decode<ListPromptsResult>(request("prompts/list", cursor_params(cursor), options));
}

GetPromptResult Client::get_prompt(const std::string& name, const Json& arguments,
                                   const RequestOptions& options) {
  Json params{{"name", name}};
  if (arguments.is_object() && !arguments.empty()) params["arguments"] = arguments;
  return decode<GetPromptResult>(request("prompts/get", std::move(params), options));
}

void Client::on_notification(const std::string& method, NotificationHandler handler) {
  std::lock_guard lock(impl_->mutex);
  impl_->notification_handlers[method] = std::move(handler);
}

void Client::on_resource_updated(std::function<void(const std::string& uri)> handler) {
  on_notification("notifications/resources/updated", [handler = std::move(handler)](const Json& params) {
    if (params.contains("uri") && params["uri"].is_string()) handler(params["uri"].get<std::string>());
  });
}

void Client::on_tools_list_changed(std::function<void()> handler) {
  on_notification("notifications/tools/list_changed",
                  [handler = std::move(handler)](const Json&) { handler(); });
}

void Client::on_request(const std::string& method, RequestHandler handler) {
  std::lock_guard lock(impl_->mutex);
  impl_->request_handlers[method] = std::move(handler);
}

bool Client::connected() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->started && !impl_->closed;
}

void Client::close() noexcept {
  if (impl_) impl_->close();
}

}  // namespace alith::mcp
