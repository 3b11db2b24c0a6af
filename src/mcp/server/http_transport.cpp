// The Streamable HTTP transport of the MCP server (specification 2025-06-18, "Transports").

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <random>

#include "mcp/server/http_listener.h"
#include "mcp/server/session_state.h"

namespace alith::mcp {
namespace {

using detail::HttpRequest;
using detail::HttpResponder;

// A message a session emitted, kept past the sink call.
struct Emitted {
  std::string json;
  std::optional<RequestId> answers;
  bool answers_request(const RequestId& id) const { return answers && *answers == id; }
};

// Messages a session emits for one POST, handed from pool threads to the connection's thread.
struct Outbox {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Emitted> messages;
  void push(const Outgoing& message) {
    Emitted kept{std::string(message.json),
                 message.answers ? std::optional<RequestId>(*message.answers) : std::nullopt};
    {
      std::lock_guard lock(mu);
      messages.push_back(std::move(kept));
    }
    cv.notify_one();
  }
  // The next message, or nullopt when none came within wait.
  std::optional<Emitted> pop(std::chrono::milliseconds wait) {
    std::unique_lock lock(mu);
    if (!cv.wait_for(lock, wait, [&] { return !messages.empty(); })) return std::nullopt;
    Emitted out = std::move(messages.front());
    messages.pop_front();
    return out;
  }
};

std::string new_session_id() {
  std::random_device random;
  static constexpr char hex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 8; ++i) {
    unsigned value = random();
    for (int j = 0; j < 4; ++j, value >>= 4) id += hex[value & 15];
  }
  return id;
}

bool is_local_origin(std::string_view origin) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (!origin.starts_with(scheme)) continue;
    std::string_view host = origin.substr(scheme.size());
    for (std::string_view local : {"localhost", "127.0.0.1", "[::1]"}) {
      if (host.starts_with(local) && (host.size() == local.size() || host[local.size()] == ':')) return true;
    }
  }
  return false;
}

const HttpResponder::Headers kJson = {{"Content-Type", "application/json"}};

void respond_rpc_error(HttpResponder& out, int status, int code, const std::string& message,
                       const std::optional<RequestId>& id = std::nullopt) {
  out.respond(status, kJson, detail::error_text(id, code, message));
}

}  // namespace

struct HttpTransport::Impl {
  Impl(Server& s, HttpOptions o)
      : server(s),
        options(std::move(o)),
        listener({options.host, options.port, s.options().max_message_bytes, 64},
                 [this](const HttpRequest& request, HttpResponder& out) { handle(request, out); }) {}

  void handle(const HttpRequest& request, HttpResponder& out);
  void post(const HttpRequest& request, HttpResponder& out);
  std::shared_ptr<Session> find(const HttpRequest& request, HttpResponder& out, bool& sent);

  Server& server;
  HttpOptions options;
  std::mutex mu;
  std::map<std::string, std::shared_ptr<Session>> sessions;
  detail::HttpListener listener;
};

void HttpTransport::Impl::handle(const HttpRequest& request, HttpResponder& out) {
  if (auto origin = request.header("origin")) {
    bool allowed = is_local_origin(*origin);
    for (const auto& o : options.allowed_origins) allowed = allowed || o == *origin;
    if (!allowed) return respond_rpc_error(out, 403, rpc_error::invalid_request, "origin not allowed");
  }
  std::string_view path(request.target);
  path = path.substr(0, path.find('?'));
  if (path != options.path) return out.respond(404, {{"Content-Type", "text/plain"}}, "not found\n");
  if (request.method == "POST") return post(request, out);
  if (request.method == "DELETE") {
    bool sent = false;
    auto session = find(request, out, sent);
    if (!session) return;
    {
      std::lock_guard lock(mu);
      sessions.erase(*request.header("mcp-session-id"));
    }
    session->close();
    return out.respond(200, {}, "");
  }
  // No server-initiated stream: this server sends nothing outside replies to requests.
  out.respond(405, {{"Allow", "POST, DELETE"}, {"Content-Type", "text/plain"}}, "method not allowed\n");
}

std::shared_ptr<Session> HttpTransport::Impl::find(const HttpRequest& request, HttpResponder& out,
                                                   bool& sent) {
  auto id = request.header("mcp-session-id");
  if (!id) {
    sent = true;
    respond_rpc_error(out, 400, rpc_error::invalid_request, "Bad Request: Mcp-Session-Id header is required");
    return nullptr;
  }
  std::lock_guard lock(mu);
  auto it = sessions.find(*id);
  if (it == sessions.end()) {
    sent = true;
    respond_rpc_error(out, 404, rpc_error::invalid_request, "Session not found");
    return nullptr;
  }
  return it->second;
}

void HttpTransport::Impl::post(const HttpRequest& request, HttpResponder& out) {
  auto content_type = request.header("content-type");
  if (!content_type || content_type->find("application/json") == std::string::npos)
    return respond_rpc_error(out, 415, rpc_error::invalid_request, "Content-Type must be application/json");
  auto parsed = parse_message(request.body, server.options().max_message_bytes);
  if (!parsed) {
    auto error = error_response_for(request.body, parsed.error());
    return out.respond(400, kJson, detail::error_text(error));
  }
  const Request* rpc_request = std::get_if<Request>(&*parsed);
  auto outbox = std::make_shared<Outbox>();
  Sink sink = [outbox](const Outgoing& message) { outbox->push(message); };

  if (rpc_request && rpc_request->method == "initialize") {
    std::shared_ptr<Session> session = server.open_session();
    std::string id = new_session_id();
    {
      std::lock_guard lock(mu);
      if (sessions.size() >= options.max_sessions)
        return respond_rpc_error(out, 503, rpc_error::internal_error, "too many sessions", rpc_request->id);
      sessions.emplace(id, session);
    }
    session->handle(std::move(*parsed), sink);
    auto reply = outbox->pop(std::chrono::milliseconds(0));
    HttpResponder::Headers headers = kJson;
    headers.emplace_back("Mcp-Session-Id", id);
    return out.respond(200, headers, reply ? std::move(reply->json) : "{}");
  }

  bool sent = false;
  auto session = find(request, out, sent);
  if (!session) return;
  if (auto version = request.header("mcp-protocol-version");
      version && !is_supported_protocol_version(*version))
    return respond_rpc_error(out, 400, rpc_error::invalid_request,
                             "Bad Request: unsupported MCP-Protocol-Version: " + *version);

  // What the wait below needs, read before the message moves into the session (which takes the arguments).
  std::optional<RequestId> call_id;
  bool stream = false;
  if (rpc_request) {
    call_id = rpc_request->id;
    stream = progress_token_of(rpc_request->params).has_value();
  }
  Handled handled = session->handle(std::move(*parsed), sink);
  if (handled == Handled::no_reply) return out.respond(202, {}, "");
  if (handled == Handled::replied || !call_id) {
    auto reply = outbox->pop(std::chrono::milliseconds(0));
    return out.respond(200, kJson, reply ? std::move(reply->json) : "{}");
  }
  // A tool call on the pool. With a progress token its notifications stream as SSE before the reply.
  const RequestId& id = *call_id;
  if (stream) {
    out.start_stream(200, {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}});
  }
  for (;;) {
    auto message = outbox->pop(std::chrono::milliseconds(50));
    if (!message) {
      if (session->in_flight(id)) continue;
      message = outbox->pop(std::chrono::milliseconds(0));  // the reply is queued before the call ends
      if (!message) {
        // Cancelled: no reply will come. Close the request without one.
        if (!stream) out.respond(202, {}, "");
        return;
      }
    }
    if (stream) {
      if (!out.write("event: message\ndata: " + message->json + "\n\n")) return;
      if (message->answers_request(id)) return;
    } else if (message->answers_request(id)) {
      return out.respond(200, kJson, std::move(message->json));
    }
  }
}

HttpTransport::HttpTransport(Server& server, HttpOptions options)
    : impl_(std::make_unique<Impl>(server, std::move(options))) {}

HttpTransport::~HttpTransport() {
  stop();
}

int HttpTransport::port() const noexcept {
  return impl_->listener.port();
}

void HttpTransport::run() {
  impl_->listener.run();
  std::map<std::string, std::shared_ptr<Session>> sessions;
  {
    std::lock_guard lock(impl_->mu);
    sessions.swap(impl_->sessions);
  }
  for (auto& [id, session] : sessions) session->close();
}

void HttpTransport::stop() noexcept {
  impl_->listener.stop();
}

}  // namespace alith::mcp
