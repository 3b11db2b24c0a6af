#pragma once

// A small HTTP/1.1 server on POSIX sockets for the MCP Streamable HTTP transport (module-private).
//
// Why not cpp-httplib: llama.cpp's libllama-common, linked into alith, exports ~1,200 cpp-httplib symbols of
// its own version (no versioned namespace). A second copy in alith would have the same mangled names and
// the dynamic linker could bind one library's calls to the other's code. This listener needs only what MCP
// needs: requests with a Content-Length body, keep-alive, and responses that are either whole or a chunked
// stream (Server-Sent Events).
//
// One thread per connection (MCP clients keep a handful open); at most max_connections at once, others are
// answered 503. Limits on the request line and headers (64 KiB) and the body (max_body_bytes: 413).

#include <atomic>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace alith::mcp::detail {

struct HttpRequest {
  std::string method;
  std::string target;                                        // the path and query as sent
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  // First header with this lower-case name.
  std::optional<std::string> header(std::string_view name) const;
};

// Writes one response: either respond() once, or start_stream() then write() pieces and finish with end().
// write() returns false once the peer has gone (the handler should stop).
class HttpResponder {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  explicit HttpResponder(int fd) : fd_(fd) {}
  void respond(int status, const Headers& headers, std::string_view body);
  bool start_stream(int status, const Headers& headers);
  bool write(std::string_view data);
  void end();
  bool responded() const noexcept { return responded_; }
  bool keep_alive() const noexcept { return keep_alive_; }
  void set_keep_alive(bool on) noexcept { keep_alive_ = on; }

 private:
  bool send_all(std::string_view data);
  int fd_;
  bool responded_ = false;
  bool streaming_ = false;
  bool keep_alive_ = true;
  bool broken_ = false;
};

using HttpHandler = std::function<void(const HttpRequest&, HttpResponder&)>;

struct HttpListenerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: the kernel picks one (see HttpListener::port())
  size_t max_body_bytes = 4u << 20;
  size_t max_connections = 64;
};

class HttpListener {
 public:
  // Binds and listens; IoError when the address cannot be bound.
  HttpListener(HttpListenerOptions options, HttpHandler handler);
  ~HttpListener();  // stop()
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  int port() const noexcept { return port_; }
  // Accepts connections until stop(); returns then, after every connection thread has ended.
  void run();
  // Thread-safe, idempotent: closes the listening socket and every open connection.
  void stop() noexcept;

 private:
  struct Connection {
    int fd;
    std::thread thread;
    std::atomic<bool> done{false};
  };
  void serve(Connection& connection);
  void reap(bool all);

  HttpListenerOptions options_;
  HttpHandler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::list<Connection> connections_;
};

}  // namespace alith::mcp::detail
