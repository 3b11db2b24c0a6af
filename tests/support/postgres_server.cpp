#include "postgres_server.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <utility>

namespace alith::testing {

namespace fs = std::filesystem;

std::string PostgresServer::binaries() {
  if (const char* v = std::getenv("ALITH_PGSERVER_BIN"); v && *v) return fs::exists(v) ? v : "";
  const auto bin = fs::path(peers_dir()) / "postgres-bin";
  return fs::exists(bin / "postgres") && fs::exists(bin / "initdb") ? bin.string() : "";
}

PostgresServer::PostgresServer() {
  const std::string bin = binaries();
  if (bin.empty()) throw std::runtime_error("PostgreSQL with pgvector not found: run scripts/store-peers");
  const std::string log = dir_.file("server.log");
  const std::string data = dir_.file("data");

  ChildOptions init_options({bin + "/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                             "--locale=C", "--no-sync"},
                            log);
  init_options.drop_root = true;
  ChildProcess initdb(std::move(init_options));
  if (initdb.wait() != 0) throw std::runtime_error("initdb failed:\n" + file_tail(log));

  port_ = free_loopback_port();
  // Durability settings off: a test cluster is thrown away, and fsync would only slow the tests. SIGINT is
  // the "fast" shutdown: it ends sessions instead of waiting for clients to leave.
  ChildOptions options(
      {bin + "/postgres", "-D", data, "-h", "127.0.0.1", "-p", std::to_string(port_), "-k",
       dir_.path().string(), "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"},
      log);
  options.drop_root = true;
  options.stop_signal = SIGINT;
  child_ = ChildProcess(std::move(options));
  wait_until_ready(
      child_, "postgres", std::chrono::seconds(60), [&] { return PQping(uri().c_str()) == PQPING_OK; },
      std::chrono::milliseconds(100));
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(uri().c_str()), &PQfinish);
  std::unique_ptr<PGresult, decltype(&PQclear)> result(
      PQexec(conn.get(), "CREATE EXTENSION IF NOT EXISTS vector"), &PQclear);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    const std::string what = std::string("CREATE EXTENSION vector failed: ") + PQerrorMessage(conn.get());
    child_.stop();
    throw std::runtime_error(what + ":\n" + file_tail(log));
  }
}

PostgresServer::~PostgresServer() = default;

std::string PostgresServer::uri() const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
}

}  // namespace alith::testing
