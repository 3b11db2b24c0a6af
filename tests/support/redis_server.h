#pragma once

// Starts a throw-away redis-server (Debian package redis-server) on 127.0.0.1 with a free port and a
// temporary folder for integration tests, waits until it answers PING, and stops it and removes the folder on
// destruction. The settings go into a config file in that folder, so a password never shows in `ps`.

#include <string>

#include "support/child_process.h"
#include "support/temp_dir.h"

namespace alith::testing {

struct RedisServerOptions {
  std::string password;      // requirepass; empty: no authentication
  bool append_only = false;  // appendonly with an fsync per write: what stop() and start() keep
  int databases = 16;        // SELECT 0 .. databases-1: a test may give each case its own database
  std::string extra_config;  // more redis.conf lines, e.g. "proto-max-bulk-len 1mb\n"
};

class RedisServer {
 public:
  // The redis-server program: $ALITH_REDIS_SERVER, else redis-server on $PATH. Empty when absent.
  static std::string binary();

  // Throws std::runtime_error with the server's log when it does not come up.
  explicit RedisServer(RedisServerOptions options = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // "redis://127.0.0.1:<port>/<db>", with ":<password>@" when the server has one.
  std::string uri(int db = 0) const;
  int port() const { return port_; }

  // Stops the server (SIGTERM: it finishes its AOF and exits); the folder stays. Clients see the connection
  // close.
  void stop();
  // Starts it again on the same port and folder (after stop()).
  void start();

 private:
  TempDir dir_{"alith-redis-"};  // config, data and log; declared before child_, so removed after it stops
  RedisServerOptions options_;
  int port_ = 0;
  ChildProcess child_;
};

}  // namespace alith::testing
