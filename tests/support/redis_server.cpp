#include "redis_server.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace alith::testing {
namespace {

// Sends PING on a fresh connection. Up: +PONG, or -NOAUTH from a server with a password. -LOADING (an AOF
// being read) is not up yet.
bool answers_ping(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  timeval tv{};
  tv.tv_sec = 2;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool up = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    constexpr std::string_view ping = "PING\r\n";
    char buf[64] = {};
    if (::send(fd, ping.data(), ping.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(ping.size())) {
      const ssize_t n = ::recv(fd, buf, sizeof(buf) - 1, 0);
      const std::string_view reply(buf, n > 0 ? static_cast<size_t>(n) : 0);
      up = reply.starts_with("+PONG") || reply.starts_with("-NOAUTH");
    }
  }
  ::close(fd);
  return up;
}

// A config file value in double quotes, which redis-server unescapes.
std::string config_value(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The userinfo form of a password: everything but unreserved characters percent-encoded.
std::string percent_encoded(const std::string& value) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string RedisServer::binary() {
  if (const char* v = std::getenv("ALITH_REDIS_SERVER"); v && *v) return std::filesystem::exists(v) ? v : "";
  return find_in_path("redis-server");
}

RedisServer::RedisServer(RedisServerOptions options) : options_(std::move(options)) {
  if (binary().empty()) throw std::runtime_error("redis-server not found: apt-get install redis-server");
  port_ = free_loopback_port();
  std::string config = "port " + std::to_string(port_) + "\nbind 127.0.0.1\n" + "dir " +
                       config_value(dir_.path().string()) + "\nsave \"\"\n" + "databases " +
                       std::to_string(options_.databases) + "\n";
  config += options_.append_only ? "appendonly yes\nappendfsync always\n" : "appendonly no\n";
  if (!options_.password.empty()) config += "requirepass " + config_value(options_.password) + "\n";
  config += options_.extra_config;
  dir_.write("redis.conf", config);
  start();
}

RedisServer::~RedisServer() = default;

void RedisServer::start() {
  ChildOptions options({binary(), dir_.file("redis.conf")}, dir_.file("server.log"));
  child_ = ChildProcess(std::move(options));
  wait_until_ready(
      child_, "redis-server", std::chrono::seconds(30), [&] { return answers_ping(port_); },
      std::chrono::milliseconds(50));
}

void RedisServer::stop() {
  child_.stop();
}

std::string RedisServer::uri(int db) const {
  const std::string auth = options_.password.empty() ? "" : ":" + percent_encoded(options_.password) + "@";
  return "redis://" + auth + "127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db);
}

}  // namespace alith::testing
