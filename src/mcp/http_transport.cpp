// StreamableHttpTransport: MCP over HTTP (revision 2025-03-26 and later).
//
// Every request is POSTed on a worker thread of its own; its reply is either one application/json body or a
// text/event-stream carrying notifications, server requests and finally the response. Which one it is shows
// in the first byte of the body (an SSE stream never starts with '{'), so parsing starts before the headers
// are handed back. A stream that drops before the response is resumed with GET + Last-Event-ID.
// Notifications and responses are POSTed synchronously (the server answers 202). While the initialize POST
// is in flight, other sends wait for it: its reply carries the Mcp-Session-Id they must send.

#include <algorithm>
#include <condition_variable>
#include <list>
#include <mutex>
#include <thread>

#include "alith/core/sse.h"
#include "alith/mcp/transport.h"

namespace alith::mcp {

namespace {

bool is_response_to(const Message& message, const RequestId& id) {
  if (const auto* r = std::get_if<Response>(&message)) return r->id == id;
  if (const auto* e = std::get_if<ErrorResponse>(&message)) return e->id && *e->id == id;
  return false;
}

std::string snippet(std::string_view body) {
  std::string out(body.substr(0, 300));
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace

struct StreamableHttpTransport::Impl {
  HttpTransportOptions options;
  TransportHandlers handlers;
  std::unique_ptr<http::Client> client;

  mutable std::mutex mutex;
  std::condition_variable cv;
  std::string session_id;
  std::string protocol_version;
  bool initializing = false;  // the initialize POST is in flight
  bool closing = false;
  bool closed_notified = false;
  CancelToken stop = CancelToken::create();  // fires on close(): aborts every transfer

  struct Worker {
    std::thread thread;
    std::optional<RequestId> id;
    CancelToken cancel = CancelToken::create();
    bool done = false;
  };
  std::list<Worker> workers;
  std::thread listener;

  http::Headers base_headers(bool with_content) const {
    http::Headers h = options.headers;
    std::lock_guard lock(mutex);
    if (with_content) h.emplace_back("Content-Type", "application/json");
    h.emplace_back("Accept", "application/json, text/event-stream");
    if (!session_id.empty()) h.emplace_back("Mcp-Session-Id", session_id);
    if (!protocol_version.empty()) h.emplace_back("MCP-Protocol-Version", protocol_version);
    return h;
  }

  void deliver(Message&& message) {
    {
      std::lock_guard lock(mutex);
      if (closing) return;
    }
    if (handlers.on_message) handlers.on_message(std::move(message));
  }

  void fail_request(const RequestId& id, const ErrorInfo& error) {
    {
      std::lock_guard lock(mutex);
      if (closing) return;
    }
    if (handlers.on_request_failed) handlers.on_request_failed(id, error);
  }

  void session_lost(const std::string& why) {
    {
      std::lock_guard lock(mutex);
      if (closing || closed_notified) return;
      closed_notified = true;
    }
    if (handlers.on_close) handlers.on_close(make_error(ErrorCode::io, why));
  }

  void remember_session(const http::Response& response) {
    if (auto sid = response.header("mcp-session-id"); sid && !sid->empty()) {
      std::lock_guard lock(mutex);
      session_id = *sid;
    }
  }

  // Reads one reply body (JSON or SSE) chunk by chunk, delivering each message. Tracks the last SSE event
  // id and whether the response to `id` went by.
  struct BodyReader {
    Impl& impl;
    std::optional<RequestId> id;
    sse::Parser parser;
    std::string json;
    int mode = 0;  // 0: undecided, 1: JSON, 2: SSE
    bool answered = false;
    std::string last_event_id;
    std::optional<long> retry_ms;

    BodyReader(Impl& i, std::optional<RequestId> rid, size_t cap)
        : impl(i), id(std::move(rid)), parser(sse::Limits{cap, cap}) {}

    void on_message(Message&& message) {
      if (id && is_response_to(message, *id)) answered = true;
      impl.deliver(std::move(message));
    }

    void feed(std::string_view chunk) {
      if (mode == 0) {
        size_t i = chunk.find_first_not_of(" \t\r\n");
        if (i == std::string_view::npos) return;  // whitespace only so far: decide on the next chunk
        mode = (chunk[i] == '{' || chunk[i] == '[') ? 1 : 2;
      }
      if (mode == 1) {
        if (json.size() + chunk.size() > impl.options.max_message_bytes) {
          throw TooLargeError("mcp: a reply from " + impl.options.url + " exceeds " +
                              std::to_string(impl.options.max_message_bytes) + " bytes");
        }
        json.append(chunk);
        return;
      }
      auto r = parser.feed(chunk, [&](sse::Event&& event) {
        last_event_id = event.id;
        if (event.retry_ms) retry_ms = event.retry_ms;
        if (event.type != "message" || event.data.empty()) return;  // priming events carry no message
        auto message = parse_message(event.data, impl.options.max_message_bytes);
        if (message) on_message(std::move(message).value());
      });
      if (!r) throw_error(r.error());
    }

    void finish() {
      if (mode == 1) {
        auto message = parse_message(json, impl.options.max_message_bytes);
        if (message) on_message(std::move(message).value());
      }
    }
  };

  // A non-2xx answer: a JSON-RPC error body becomes the request's ErrorResponse, anything else an IoError.
  void http_failure(const std::optional<RequestId>& id, const http::Response& response) {
    if (response.status == 404 && !session_id_copy().empty()) {
      session_lost("mcp: the session at " + options.url + " expired (HTTP 404)");
    }
    if (!id) return;
    auto message = parse_message(response.body, options.max_message_bytes);
    if (message) {
      if (auto* e = std::get_if<ErrorResponse>(&*message)) {
        e->id = *id;
        deliver(std::move(*message));
        return;
      }
    }
    fail_request(*id, make_error(ErrorCode::io, "mcp: HTTP " + std::to_string(response.status) + " from " +
                                                    options.url + ": " + snippet(response.body)));
  }

  std::string session_id_copy() const {
    std::lock_guard lock(mutex);
    return session_id;
  }

  // GET the stream again from after last_event_id. True when the response arrived on it.
  bool resume(BodyReader& reader, const CancelToken& cancel) {
    for (int attempt = 0; attempt < options.max_resume_attempts && !reader.answered; ++attempt) {
      if (cancel.cancelled() || stop.cancelled()) return false;
      std::this_thread::sleep_for(
          std::chrono::milliseconds(std::min<long>(reader.retry_ms.value_or(100), 2000)));
      http::Request get{"GET", options.url, base_headers(false), {}, std::nullopt, std::nullopt};
      get.headers.emplace_back("Last-Event-ID", reader.last_event_id);
      BodyReader next(*this, reader.id, options.max_message_bytes);
      next.last_event_id = reader.last_event_id;
      try {
        auto response = client->send_streaming(
            get, [&](std::string_view chunk) { next.feed(chunk); }, cancel);
        if (!response.ok()) return false;
      } catch (const CancelledError&) {
        return false;
      } catch (const Error&) {
      }
      reader.answered = reader.answered || next.answered;
      if (!next.last_event_id.empty()) reader.last_event_id = next.last_event_id;
    }
    return reader.answered;
  }

  void post(const Message& message, const std::optional<RequestId>& id, const CancelToken& cancel) {
    http::Request request{"POST",       options.url, base_headers(true), serialize(message),
                          std::nullopt, std::nullopt};
    BodyReader reader(*this, id, options.max_message_bytes);
    try {
      auto response = client->send_streaming(
          request, [&](std::string_view chunk) { reader.feed(chunk); }, cancel);
      remember_session(response);
      if (!response.ok()) {
        http_failure(id, response);
        return;
      }
      reader.finish();
    } catch (const CancelledError&) {
      return;  // closed or abandoned: nobody waits
    } catch (const Error& e) {
      if (id && !reader.answered && e.code() != ErrorCode::too_large && !reader.last_event_id.empty()) {
        if (resume(reader, cancel)) return;
      }
      if (id && !reader.answered) fail_request(*id, make_error(e.code(), e.what()));
      return;
    }
    if (id && !reader.answered) {
      // The stream ended without the response: resume it when it had event ids, else give up.
      if (reader.mode == 2 && !reader.last_event_id.empty() && resume(reader, cancel)) return;
      fail_request(*id, make_error(ErrorCode::io, "mcp: the reply stream from " + options.url +
                                                      " ended without a response"));
    }
  }

  void listen_loop() {
    int failures = 0;
    std::string last_event_id;
    while (!stop.cancelled() && failures < std::max(1, options.max_resume_attempts)) {
      http::Request get{"GET", options.url, base_headers(false), {}, std::nullopt, std::nullopt};
      if (!last_event_id.empty()) get.headers.emplace_back("Last-Event-ID", last_event_id);
      BodyReader reader(*this, std::nullopt, options.max_message_bytes);
      bool got_events = false;
      try {
        auto response = client->send_streaming(
            get,
            [&](std::string_view chunk) {
              reader.feed(chunk);
              got_events = true;
            },
            stop);
        if (!response.ok()) return;  // 405: the server offers no such stream
      } catch (const CancelledError&) {
        return;
      } catch (const Error&) {
      }
      if (!reader.last_event_id.empty()) last_event_id = reader.last_event_id;
      failures = got_events ? 0 : failures + 1;
      for (int i = 0; i < 10 && !stop.cancelled(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  void reap_workers() {
    // Called with mutex held: joins workers that finished.
    for (auto it = workers.begin(); it != workers.end();) {
      if (it->done && it->thread.joinable()) {
        it->thread.join();
        it = workers.erase(it);
      } else {
        ++it;
      }
    }
  }
};

StreamableHttpTransport::StreamableHttpTransport(HttpTransportOptions options)
    : impl_(std::make_shared<Impl>()) {
  if (options.url.rfind("http://", 0) != 0 && options.url.rfind("https://", 0) != 0) {
    throw InvalidArgumentError("mcp: an HTTP server needs an http:// or https:// URL");
  }
  impl_->options = std::move(options);
  http::Options http_options;
  http_options.connect_timeout = impl_->options.connect_timeout;
  http_options.timeout = std::chrono::hours(24);       // deadlines are the client's (per request)
  http_options.idle_timeout = std::chrono::hours(24);  // long tool calls may be silent
  http_options.max_response_bytes = impl_->options.max_message_bytes;
  http_options.user_agent = "alith-mcp";
  impl_->client = std::make_unique<http::Client>(http_options);
}

StreamableHttpTransport::~StreamableHttpTransport() {
  close();
}

void StreamableHttpTransport::start(TransportHandlers handlers) {
  impl_->handlers = std::move(handlers);
}

void StreamableHttpTransport::send(const Message& message) {
  Impl& impl = *impl_;
  const auto* request = std::get_if<Request>(&message);
  bool is_initialize = request && request->method == "initialize";
  std::unique_lock lock(impl.mutex);
  impl.cv.wait(lock, [&] { return !impl.initializing || impl.closing; });
  if (impl.closing) throw IoError("mcp: connection to " + impl.options.url + " is closed");
  impl.reap_workers();
  if (!request) {
    lock.unlock();
    impl.post(message, std::nullopt, impl.stop);
    return;
  }
  if (is_initialize) impl.initializing = true;
  auto& worker = impl.workers.emplace_back();
  worker.id = request->id;
  Impl::Worker* w = &worker;
  CancelToken cancel = worker.cancel;
  worker.thread = std::thread([&impl, w, message, cancel, is_initialize] {
    // The transfer stops on close() or abandon(), which both fire this worker's token.
    std::optional<RequestId> id = std::get<Request>(message).id;
    impl.post(message, id, cancel);
    std::lock_guard guard(impl.mutex);
    if (is_initialize) {
      impl.initializing = false;
      impl.cv.notify_all();
    }
    w->done = true;
  });
}

void StreamableHttpTransport::abandon(const RequestId& id) {
  std::lock_guard lock(impl_->mutex);
  for (auto& w : impl_->workers) {
    if (w.id && *w.id == id) w.cancel.cancel();
  }
}

void StreamableHttpTransport::set_protocol_version(const std::string& version) {
  Impl& impl = *impl_;
  std::lock_guard lock(impl.mutex);
  impl.protocol_version = version;
  if (impl.options.listen && !impl.listener.joinable() && !impl.closing) {
    impl.listener = std::thread([&impl] { impl.listen_loop(); });
  }
}

void StreamableHttpTransport::close() noexcept {
  if (!impl_) return;
  Impl& impl = *impl_;
  std::list<Impl::Worker> workers;
  std::string session;
  {
    std::lock_guard lock(impl.mutex);
    if (impl.closing) return;
    impl.closing = true;
    impl.stop.cancel();
    workers.swap(impl.workers);
    session = impl.session_id;
    impl.cv.notify_all();
  }
  for (auto& w : workers) {
    w.cancel.cancel();
    if (w.thread.joinable()) w.thread.join();
  }
  if (impl.listener.joinable()) impl.listener.join();
  if (!session.empty()) {
    // Ends the session on the server; failures do not matter (it may be gone already).
    try {
      http::Request del{
          "DELETE",    impl.options.url, impl.options.headers, {}, std::chrono::milliseconds(2000),
          std::nullopt};
      del.headers.emplace_back("Mcp-Session-Id", session);
      if (!impl.protocol_version.empty())
        del.headers.emplace_back("MCP-Protocol-Version", impl.protocol_version);
      impl.client->send(del);
    } catch (...) {
    }
  }
}

std::string StreamableHttpTransport::describe() const {
  return impl_->options.url;
}

std::string StreamableHttpTransport::session_id() const {
  return impl_->session_id_copy();
}

}  // namespace alith::mcp
