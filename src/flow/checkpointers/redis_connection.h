#pragma once

// A blocking Redis connection over hiredis with RAII handles. Every command is sent as an argument vector
// (redisCommandArgv), so keys and values are binary-safe and never parsed as command text. Not thread-safe on
// its own; the checkpointer serialises use.
//
// A connection the server closed (a restart, an idle timeout) is noticed before the next command is sent and
// re-established once, with AUTH and SELECT again. A command that fails mid-flight is sent again only when
// the caller says it is idempotent: the server may have applied it before the connection broke.

#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace alith::flow::redis {

// Where and how to connect, from "redis://[[user]:password@]host[:port][/db][?timeout=S&connect_timeout=S]".
struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string username;  // empty: AUTH with the password alone (requirepass, or the default ACL user)
  std::string password;  // empty: no AUTH
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds command_timeout{30000};

  // "redis://host:port/db": what messages name. Never the credentials.
  std::string redacted() const;
};

// ConfigError for a URI that is not redis://... or is malformed (bad port, db or query). The error names the
// URI without its credentials.
Endpoint parse_uri(std::string_view uri);

// One reply, copied out of hiredis's tree so it outlives nothing.
struct Reply {
  enum class Type { string, array, integer, nil, status, error };
  Type type = Type::nil;
  std::string str;  // string, status and error replies
  long long integer = 0;
  std::vector<Reply> elements;

  bool is_nil() const { return type == Type::nil; }
};

enum class Retry {
  never,       // the command changes state in a way a second run would not repeat (or would report)
  idempotent,  // running it twice is the same as once: sent again after a reconnect
};

struct ContextDeleter {
  void operator()(redisContext* c) const noexcept { redisFree(c); }
};

class Connection {
 public:
  // Connects, authenticates and selects the database. IoError when the server cannot be reached or refuses
  // the credentials; the message names the server, never the password.
  explicit Connection(Endpoint endpoint);

  // Runs one command. IoError when the connection fails (after the reconnect the retry policy allows) or the
  // server answers with an error (its message included); a command timeout is an IoError too.
  Reply command(const std::vector<std::string_view>& args, Retry retry = Retry::idempotent);

  const Endpoint& endpoint() const { return endpoint_; }

 private:
  void connect();
  // The reply, or nullopt when the connection failed (context_'s errstr and errno say why).
  std::optional<Reply> send(const std::vector<std::string_view>& args);
  // True when the server has closed the connection (or sent something unasked), so it must be re-established
  // before a command is sent on it.
  bool peer_closed() const;

  Endpoint endpoint_;
  std::string name_;  // endpoint_.redacted()
  std::unique_ptr<redisContext, ContextDeleter> context_;
};

}  // namespace alith::flow::redis
