#include "redis_connection.h"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <utility>

#include "alith/core/error.h"
#include "core/sigpipe_block.h"

namespace alith::flow::redis {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

Reply convert(const redisReply& r) {
  Reply out;
  switch (r.type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::string;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::status;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::error;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::integer;
      out.integer = r.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::array;
      out.elements.reserve(r.elements);
      for (size_t i = 0; i < r.elements; ++i) out.elements.push_back(convert(*r.element[i]));
      break;
    default:
      out.type = Reply::Type::nil;
  }
  return out;
}

// hiredis writes with write(2), not send(MSG_NOSIGNAL): a write to a connection the server reset raises
// SIGPIPE, so commands run under a SigpipeBlock (core/sigpipe_block.h).
using ::alith::detail::SigpipeBlock;

// What a malformed URI's message may show: the part after the credentials.
std::string shown(std::string_view uri) {
  const auto at = uri.rfind('@');
  return at == std::string_view::npos ? std::string(uri) : "redis://***@" + std::string(uri.substr(at + 1));
}

[[noreturn]] void malformed(std::string_view uri, const std::string& why) {
  throw ConfigError("redis: malformed URI " + shown(uri) +
                    " (redis://[:password@]host[:port][/db] expected): " + why);
}

std::string percent_decode(std::string_view text, std::string_view uri) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= text.size()) malformed(uri, "bad percent escape");
    const auto r = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (r.ec != std::errc() || r.ptr != text.data() + i + 3) malformed(uri, "bad percent escape");
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

template <class T>
std::optional<T> number(std::string_view text) {
  T value{};
  const auto r = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::chrono::milliseconds seconds_value(std::string_view text, std::string_view uri, std::string_view key) {
  const auto s = number<double>(text);
  if (!s || !(*s >= 0.001) || *s > 86400)
    malformed(uri, std::string(key) + " must be 0.001 to 86400 seconds");
  return std::chrono::milliseconds(static_cast<long long>(*s * 1000 + 0.5));
}

}  // namespace

std::string Endpoint::redacted() const {
  const bool v6 = host.find(':') != std::string::npos;
  return "redis://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" + std::to_string(db);
}

Endpoint parse_uri(std::string_view uri) {
  constexpr std::string_view scheme = "redis://";
  if (!uri.starts_with(scheme)) malformed(uri, "the scheme is not redis://");
  Endpoint e;
  std::string_view rest = uri.substr(scheme.size());
  // The credentials end at the last '@': the host, path and query never hold one, a password may.
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    const auto colon = userinfo.find(':');
    e.username = percent_decode(userinfo.substr(0, colon), uri);
    if (colon != std::string_view::npos) e.password = percent_decode(userinfo.substr(colon + 1), uri);
  }
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view path;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  // rest is host[:port], the host possibly a bracketed IPv6 address.
  std::string_view port;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) malformed(uri, "unclosed [ in the host");
    e.host = std::string(rest.substr(1, close - 1));
    const auto after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') malformed(uri, "unexpected text after the host");
      port = after.substr(1);
      if (port.empty()) malformed(uri, "empty port");
    }
  } else {
    const auto colon = rest.find(':');
    if (colon != std::string_view::npos) {
      port = rest.substr(colon + 1);
      if (port.empty()) malformed(uri, "empty port");
    }
    const auto host = rest.substr(0, colon);
    if (!host.empty()) e.host = std::string(host);
  }
  if (e.host.empty()) malformed(uri, "empty host");
  if (!port.empty()) {
    const auto p = number<int>(port);
    if (!p || *p < 1 || *p > 65535) malformed(uri, "bad port");
    e.port = *p;
  }
  if (!path.empty()) {
    const auto db = number<int>(path);
    if (!db || *db < 0) malformed(uri, "the path must be a database number");
    e.db = *db;
  }
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    const auto key = item.substr(0, eq);
    const auto value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    if (key == "timeout")
      e.command_timeout = seconds_value(value, uri, key);
    else if (key == "connect_timeout")
      e.connect_timeout = seconds_value(value, uri, key);
    else
      malformed(uri, "unknown parameter " + std::string(key));
  }
  return e;
}

Connection::Connection(Endpoint endpoint) : endpoint_(std::move(endpoint)), name_(endpoint_.redacted()) {
  connect();
}

void Connection::connect() {
  context_.reset(
      redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, to_timeval(endpoint_.connect_timeout)));
  if (!context_) throw IoError("redis: out of memory connecting to " + name_);
  if (context_->err) {
    const std::string why = context_->errstr;
    context_.reset();
    throw IoError("redis: cannot connect to " + name_ + ": " + why);
  }
  // Without a read timeout a server that stops answering would block the caller (and the mutex) forever.
  if (redisSetTimeout(context_.get(), to_timeval(endpoint_.command_timeout)) != REDIS_OK ||
      redisEnableKeepAlive(context_.get()) != REDIS_OK) {
    const std::string why = context_->errstr;
    context_.reset();
    throw IoError("redis: cannot configure the connection to " + name_ + ": " + why);
  }
  const auto setup = [&](const std::vector<std::string_view>& args, const std::string& what) {
    auto reply = send(args);
    if (!reply || reply->type == Reply::Type::error) {
      // The server's messages for AUTH (WRONGPASS, NOAUTH, ...) never repeat the password.
      const std::string why = reply ? reply->str : std::string(context_->errstr);
      context_.reset();
      throw IoError("redis: " + what + " " + name_ + " failed: " + why);
    }
  };
  if (!endpoint_.password.empty()) {
    if (endpoint_.username.empty())
      setup({"AUTH", endpoint_.password}, "authentication to");
    else
      setup({"AUTH", endpoint_.username, endpoint_.password}, "authentication to");
  }
  if (endpoint_.db != 0) setup({"SELECT", std::to_string(endpoint_.db)}, "selecting the database of");
}

std::optional<Reply> Connection::send(const std::vector<std::string_view>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  std::unique_ptr<redisReply, ReplyDeleter> reply;
  {
    const SigpipeBlock block;
    errno = 0;
    reply.reset(static_cast<redisReply*>(
        redisCommandArgv(context_.get(), static_cast<int>(argv.size()), argv.data(), lengths.data())));
  }
  if (!reply) return std::nullopt;
  return convert(*reply);
}

bool Connection::peer_closed() const {
  char byte = 0;
  const ssize_t n = ::recv(context_->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  // 0: the server closed it; data: something unasked, so replies would be out of step.
  if (n >= 0) return true;
  return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
}

Reply Connection::command(const std::vector<std::string_view>& args, Retry retry) {
  if (!context_ || context_->err || peer_closed()) connect();
  auto reply = send(args);
  if (!reply) {
    const bool timed_out = errno == EAGAIN || errno == EWOULDBLOCK;
    const std::string why =
        timed_out ? "no answer within " + std::to_string(endpoint_.command_timeout.count()) + " ms"
                  : std::string(context_->errstr);
    context_.reset();
    // A command that timed out may still be running on the server; one that broke mid-flight may have been
    // applied. Only an idempotent one is safe to send again.
    if (timed_out || retry == Retry::never)
      throw IoError("redis: " + std::string(args.front()) + " to " + name_ +
                    " failed (it may or may not have been applied): " + why);
    connect();
    reply = send(args);
    if (!reply) {
      const std::string again = context_->errstr;
      context_.reset();
      throw IoError("redis: connection to " + name_ + " lost: " + again);
    }
  }
  if (reply->type == Reply::Type::error) throw IoError("redis: " + reply->str);
  return std::move(*reply);
}

}  // namespace alith::flow::redis
