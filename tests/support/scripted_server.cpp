#include "support/scripted_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

namespace alith::testing {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 529:
      return "Overloaded";
    default:
      return "Status";
  }
}

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL, 0);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// An fd closed when the owner goes away.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  ~Fd() { reset(); }
  int get() const noexcept { return fd_; }
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

}  // namespace

std::string RecordedRequest::header(const std::string& lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return value;
  return "";
}

ScriptedReply ScriptedReply::http(int status, std::string body, std::string content_type,
                                  std::vector<std::string> extra_headers) {
  ScriptedReply reply;
  reply.raw = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase(status)) + "\r\n";
  if (!content_type.empty()) reply.raw += "Content-Type: " + content_type + "\r\n";
  reply.raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  for (const auto& h : extra_headers) reply.raw += h + "\r\n";
  reply.raw += "\r\n";
  reply.raw += body;
  return reply;
}

ScriptedReply ScriptedReply::sse(const std::vector<std::string>& events,
                                 std::vector<std::string> extra_headers) {
  ScriptedReply reply;
  reply.raw =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: "
      "close\r\n";
  for (const auto& h : extra_headers) reply.raw += h + "\r\n";
  reply.raw += "\r\n";
  for (const auto& e : events) reply.raw += e + "\n\n";
  return reply;
}

struct ScriptedServer::Impl {
  Fd listen_fd;
  Fd wake_read, wake_write;  // self-pipe: written once on shutdown, never drained, so every poll sees it
  uint16_t port = 0;
  std::atomic<bool> stopping{false};

  mutable std::mutex mu;
  std::deque<ScriptedReply> queue;
  std::function<ScriptedReply(const RecordedRequest&)> handler;
  std::vector<RecordedRequest> requests;
  size_t connections = 0;
  std::vector<std::thread> connection_threads;

  std::thread accept_thread;

  // Waits for `events` on fd; false when the server is stopping or the wait failed.
  bool wait(int fd, short events) const {
    for (;;) {
      pollfd fds[2] = {{fd, events, 0}, {wake_read.get(), POLLIN, 0}};
      const int n = ::poll(fds, 2, -1);
      if (n < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      if (fds[1].revents) return false;
      if (fds[0].revents) return true;
    }
  }

  // Sleeps up to d; false when interrupted by shutdown.
  bool sleep(std::chrono::milliseconds d) const {
    if (d.count() <= 0) return !stopping.load();
    pollfd fd{wake_read.get(), POLLIN, 0};
    const auto deadline = std::chrono::steady_clock::now() + d;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return true;
      const int n = ::poll(&fd, 1, static_cast<int>(left.count()));
      if (n > 0) return false;
      if (n < 0 && errno != EINTR) return false;
    }
  }

  bool write_all(int fd, std::string_view data) const {
    while (!data.empty()) {
      const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n > 0) {
        data.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        if (!wait(fd, POLLOUT)) return false;
        continue;
      }
      return false;  // peer gone
    }
    return true;
  }

  // Reads more bytes into buf; false on EOF, error or shutdown.
  bool read_more(int fd, std::string& buf) const {
    char tmp[16384];
    for (;;) {
      const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
      if (n > 0) {
        buf.append(tmp, static_cast<size_t>(n));
        return true;
      }
      if (n == 0) return false;
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        if (!wait(fd, POLLIN)) return false;
        continue;
      }
      return false;
    }
  }

  // Reads one request from fd (buf holds bytes already received past the previous request).
  std::optional<RecordedRequest> read_request(int fd, std::string& buf) const {
    size_t head_end;
    while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (!read_more(fd, buf)) return std::nullopt;
    }
    RecordedRequest req;
    std::string_view head(buf.data(), head_end);
    const size_t line_end = head.find("\r\n");
    const std::string_view request_line = head.substr(0, line_end);
    const size_t sp1 = request_line.find(' ');
    const size_t sp2 = request_line.find(' ', sp1 == std::string_view::npos ? sp1 : sp1 + 1);
    if (sp1 == std::string_view::npos || sp2 == std::string_view::npos) return std::nullopt;
    req.method = std::string(request_line.substr(0, sp1));
    req.path = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
    if (line_end != std::string_view::npos) {
      std::string_view rest = head.substr(line_end + 2);
      while (!rest.empty()) {
        const size_t e = rest.find("\r\n");
        const std::string_view line = rest.substr(0, e);
        const size_t colon = line.find(':');
        if (colon != std::string_view::npos)
          req.headers.emplace_back(lower(std::string(line.substr(0, colon))), trim(line.substr(colon + 1)));
        if (e == std::string_view::npos) break;
        rest.remove_prefix(e + 2);
      }
    }
    buf.erase(0, head_end + 4);

    if (lower(req.header("expect")) == "100-continue" && !write_all(fd, "HTTP/1.1 100 Continue\r\n\r\n"))
      return std::nullopt;

    if (lower(req.header("transfer-encoding")).find("chunked") != std::string::npos) {
      for (;;) {
        size_t eol;
        while ((eol = buf.find("\r\n")) == std::string::npos)
          if (!read_more(fd, buf)) return std::nullopt;
        const size_t size = std::strtoull(buf.substr(0, eol).c_str(), nullptr, 16);
        buf.erase(0, eol + 2);
        if (size == 0) {
          // Trailers (ignored) end with an empty line.
          for (;;) {
            while ((eol = buf.find("\r\n")) == std::string::npos)
              if (!read_more(fd, buf)) return std::nullopt;
            const bool empty = eol == 0;
            buf.erase(0, eol + 2);
            if (empty) break;
          }
          break;
        }
        while (buf.size() < size + 2)
          if (!read_more(fd, buf)) return std::nullopt;
        req.body.append(buf, 0, size);
        buf.erase(0, size + 2);
      }
    } else if (const std::string cl = req.header("content-length"); !cl.empty()) {
      const size_t size = std::strtoull(cl.c_str(), nullptr, 10);
      while (buf.size() < size)
        if (!read_more(fd, buf)) return std::nullopt;
      req.body = buf.substr(0, size);
      buf.erase(0, size);
    }
    return req;
  }

  ScriptedReply next_reply(const RecordedRequest& req) {
    std::function<ScriptedReply(const RecordedRequest&)> h;
    {
      std::lock_guard lock(mu);
      requests.push_back(req);
      if (!queue.empty()) {
        ScriptedReply r = std::move(queue.front());
        queue.pop_front();
        return r;
      }
      h = handler;
    }
    if (h) return h(req);
    return ScriptedReply::http(500, "no scripted reply", "text/plain");
  }

  void serve(Fd conn) {
    const int fd = conn.get();
    std::string buf;
    while (!stopping.load()) {
      auto req = read_request(fd, buf);
      if (!req) break;
      const ScriptedReply reply = next_reply(*req);
      if (!sleep(reply.delay_before)) break;
      if (reply.never_respond) {
        // Hold the connection until the server stops (or the peer goes away).
        while (!stopping.load()) {
          pollfd fds[2] = {{fd, POLLIN, 0}, {wake_read.get(), POLLIN, 0}};
          if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
          if (fds[1].revents) break;
          if (fds[0].revents) {
            char tmp[4096];
            const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) break;
          }
        }
        break;
      }
      std::string_view raw = reply.raw;
      bool ok = true;
      if (reply.chunk_size == 0) {
        ok = write_all(fd, raw);
      } else {
        while (ok && !raw.empty()) {
          const size_t n = std::min(reply.chunk_size, raw.size());
          ok = write_all(fd, raw.substr(0, n));
          raw.remove_prefix(n);
          if (ok && !raw.empty()) ok = sleep(reply.chunk_delay);
        }
      }
      if (!ok || !reply.keep_alive) break;
    }
    ::shutdown(fd, SHUT_RDWR);
  }

  void accept_loop() {
    while (!stopping.load()) {
      if (!wait(listen_fd.get(), POLLIN)) break;
      const int c = ::accept(listen_fd.get(), nullptr, nullptr);
      if (c < 0) continue;
      Fd conn(c);
      set_nonblocking(c);
      std::lock_guard lock(mu);
      if (stopping.load()) break;
      ++connections;
      connection_threads.emplace_back([this, fd = std::move(conn)]() mutable { serve(std::move(fd)); });
    }
  }
};

ScriptedServer::ScriptedServer() : impl_(std::make_unique<Impl>()) {
  int pipefd[2];
  if (::pipe(pipefd) != 0) throw std::runtime_error("ScriptedServer: pipe failed");
  impl_->wake_read = Fd(pipefd[0]);
  impl_->wake_write = Fd(pipefd[1]);

  impl_->listen_fd = Fd(::socket(AF_INET, SOCK_STREAM, 0));
  const int s = impl_->listen_fd.get();
  if (s < 0) throw std::runtime_error("ScriptedServer: socket failed");
  const int one = 1;
  ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(s, 64) != 0)
    throw std::runtime_error(std::string("ScriptedServer: bind/listen failed: ") + std::strerror(errno));
  socklen_t len = sizeof addr;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  impl_->port = ntohs(addr.sin_port);
  set_nonblocking(s);
  impl_->accept_thread = std::thread([impl = impl_.get()] { impl->accept_loop(); });
}

ScriptedServer::~ScriptedServer() {
  impl_->stopping.store(true);
  const char byte = 1;
  [[maybe_unused]] const ssize_t n = ::write(impl_->wake_write.get(), &byte, 1);
  impl_->accept_thread.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(impl_->mu);
    threads.swap(impl_->connection_threads);
  }
  for (auto& t : threads) t.join();
}

uint16_t ScriptedServer::port() const {
  return impl_->port;
}

std::string ScriptedServer::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

void ScriptedServer::push(ScriptedReply reply) {
  std::lock_guard lock(impl_->mu);
  impl_->queue.push_back(std::move(reply));
}

void ScriptedServer::set_handler(std::function<ScriptedReply(const RecordedRequest&)> handler) {
  std::lock_guard lock(impl_->mu);
  impl_->handler = std::move(handler);
}

std::vector<RecordedRequest> ScriptedServer::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requests;
}

size_t ScriptedServer::request_count() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requests.size();
}

size_t ScriptedServer::connection_count() const {
  std::lock_guard lock(impl_->mu);
  return impl_->connections;
}

}  // namespace alith::testing
