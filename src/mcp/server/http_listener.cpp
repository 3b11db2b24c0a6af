// The MCP transport's HTTP/1.1 listener: see http_listener.h for why it exists and its limits.

#include "mcp/server/http_listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "alith/core/error.h"

namespace alith::mcp::detail {
namespace {

constexpr size_t kMaxHeaderBytes = 64 * 1024;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

std::string head(int status, const HttpResponder::Headers& headers, bool keep_alive) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  out += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  return out;
}

// Reads one request from fd into request, using and refilling buffer (which keeps bytes of the next request).
// Returns 0 on success, -1 when the peer closed or the socket failed, or an HTTP status to answer with.
// Waits until fd is readable, checking stopping every 200 ms (so stop() never depends on a wake-up alone).
bool wait_readable(int fd, const std::atomic<bool>& stopping) {
  while (!stopping) {
    pollfd p{fd, POLLIN, 0};
    int n = ::poll(&p, 1, 200);
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
  return false;
}

int read_request(int fd, std::string& buffer, size_t max_body, HttpRequest& request,
                 const std::atomic<bool>& stopping) {
  size_t header_end;
  for (;;) {
    header_end = buffer.find("\r\n\r\n");
    if (header_end != std::string::npos) break;
    if (buffer.size() > kMaxHeaderBytes) return 431;
    char chunk[16384];
    if (!wait_readable(fd, stopping)) return -1;
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  std::string_view text(buffer.data(), header_end);
  size_t line_end = text.find("\r\n");
  std::string_view line = text.substr(0, line_end);
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return 400;
  request.method = std::string(line.substr(0, sp1));
  request.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  if (line.substr(sp2 + 1).substr(0, 5) != "HTTP/") return 400;
  request.headers.clear();
  size_t pos = line_end == std::string_view::npos ? text.size() : line_end + 2;
  while (pos < text.size()) {
    size_t end = text.find("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view h = text.substr(pos, end - pos);
    size_t colon = h.find(':');
    if (colon == std::string_view::npos || colon == 0) return 400;
    request.headers.emplace_back(lower(trim(h.substr(0, colon))), std::string(trim(h.substr(colon + 1))));
    pos = end + 2;
  }
  size_t length = 0;
  if (auto te = request.header("transfer-encoding"); te && lower(*te) != "identity") return 411;
  if (auto cl = request.header("content-length")) {
    auto [p, ec] = std::from_chars(cl->data(), cl->data() + cl->size(), length);
    if (ec != std::errc() || p != cl->data() + cl->size()) return 400;
    if (length > max_body) return 413;
  }
  buffer.erase(0, header_end + 4);
  while (buffer.size() < length) {
    char chunk[65536];
    if (!wait_readable(fd, stopping)) return -1;
    ssize_t n = ::recv(fd, chunk, std::min(sizeof chunk, length - buffer.size()), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  request.body = buffer.substr(0, length);
  buffer.erase(0, length);
  return 0;
}

}  // namespace

std::optional<std::string> HttpRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (n == name) return v;
  return std::nullopt;
}

bool HttpResponder::send_all(std::string_view data) {
  while (!broken_ && !data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      broken_ = true;
      break;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return !broken_;
}

void HttpResponder::respond(int status, const Headers& headers, std::string_view body) {
  if (responded_) return;
  responded_ = true;
  std::string out = head(status, headers, keep_alive_);
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out += body;
  send_all(out);
}

bool HttpResponder::start_stream(int status, const Headers& headers) {
  if (responded_) return false;
  responded_ = streaming_ = true;
  return send_all(head(status, headers, keep_alive_) + "Transfer-Encoding: chunked\r\n\r\n");
}

bool HttpResponder::write(std::string_view data) {
  if (!streaming_ || data.empty()) return !broken_;
  char size[32];
  auto [end, ec] = std::to_chars(size, size + sizeof size, data.size(), 16);
  (void)ec;
  std::string out(size, end);
  out += "\r\n";
  out += data;
  out += "\r\n";
  return send_all(out);
}

void HttpResponder::end() {
  if (!streaming_) return;
  streaming_ = false;
  send_all("0\r\n\r\n");
}

HttpListener::HttpListener(HttpListenerOptions options, HttpHandler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(options_.port));
  if (::inet_pton(AF_INET, options_.host.c_str(), &addr.sin_addr) != 1)
    throw InvalidArgumentError("mcp http: not an IPv4 address: " + options_.host);
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw IoError(std::string("mcp http: socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    std::string why = std::strerror(errno);
    ::close(listen_fd_);
    throw IoError("mcp http: cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " +
                  why);
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
}

HttpListener::~HttpListener() {
  stop();
  reap(true);
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

void HttpListener::stop() noexcept {
  if (stopping_.exchange(true)) return;
  ::shutdown(listen_fd_, SHUT_RDWR);
  std::lock_guard lock(mu_);
  for (auto& c : connections_) ::shutdown(c.fd, SHUT_RDWR);
}

void HttpListener::reap(bool all) {
  std::list<Connection> finished;
  {
    std::lock_guard lock(mu_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      auto next = std::next(it);
      if (all || it->done) finished.splice(finished.end(), connections_, it);
      it = next;
    }
  }
  for (auto& c : finished) {
    if (c.thread.joinable()) c.thread.join();
    ::close(c.fd);
  }
}

void HttpListener::run() {
  while (!stopping_) {
    if (!wait_readable(listen_fd_, stopping_)) break;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN) continue;
      break;
    }
    reap(false);
    ::fcntl(fd, F_SETFL, 0);  // connections block (reads wait in poll first)
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(mu_);
    if (stopping_ || connections_.size() >= options_.max_connections) {
      HttpResponder busy(fd);
      busy.set_keep_alive(false);
      busy.respond(503, {{"Content-Type", "text/plain"}}, "too many connections\n");
      ::close(fd);
      continue;
    }
    auto& c = connections_.emplace_back();
    c.fd = fd;
    c.thread = std::thread([this, &c] { serve(c); });
  }
  reap(true);
}

void HttpListener::serve(Connection& connection) {
  std::string buffer;
  HttpRequest request;
  while (!stopping_) {
    int status = read_request(connection.fd, buffer, options_.max_body_bytes, request, stopping_);
    if (status < 0) break;
    HttpResponder responder(connection.fd);
    if (status > 0) {
      responder.set_keep_alive(false);
      responder.respond(status, {{"Content-Type", "text/plain"}}, std::string(reason(status)) + "\n");
      break;
    }
    if (auto c = request.header("connection"); c && lower(*c) == "close") responder.set_keep_alive(false);
    try {
      handler_(request, responder);
    } catch (const std::exception&) {
      responder.set_keep_alive(false);
      if (!responder.responded())
        responder.respond(500, {{"Content-Type", "text/plain"}}, "internal error\n");
    }
    if (!responder.responded()) responder.respond(500, {{"Content-Type", "text/plain"}}, "no response\n");
    responder.end();
    if (!responder.keep_alive()) break;
  }
  ::shutdown(connection.fd, SHUT_RDWR);
  connection.done = true;
}

}  // namespace alith::mcp::detail
