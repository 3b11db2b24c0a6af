#pragma once

// A libpq connection with RAII handles and parameter binding only: every value travels as a bound text
// parameter (PQexecParams), never spliced into SQL. Not thread-safe on its own; the store serialises use.

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace alith::store::pg {

struct ResultDeleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
struct ConnDeleter {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};

// A finished query's rows. Cells are text; NULL reads as "".
class Rows {
 public:
  explicit Rows(std::unique_ptr<PGresult, ResultDeleter> result) : result_(std::move(result)) {}
  int size() const { return PQntuples(result_.get()); }
  std::string_view at(int row, int column) const;
  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  // The number of rows an INSERT/UPDATE/DELETE touched.
  size_t affected() const;

 private:
  std::unique_ptr<PGresult, ResultDeleter> result_;
};

// NULL when std::nullopt.
using Param = std::optional<std::string>;

class Connection {
 public:
  // Connects to a libpq URI. IoError on failure; the message names the server without its password.
  explicit Connection(const std::string& uri);

  // Runs one statement with bound text parameters. Errors: IoError (connection lost, server error),
  // InvalidArgumentError (the server rejected a value: SQLSTATE class 22). A lost connection is reset once
  // before the statement is sent.
  Rows exec(const std::string& sql, const std::vector<Param>& params = {});

  // Quotes an identifier for the server's rules.
  std::string quote_identifier(std::string_view name) const;

 private:
  std::unique_ptr<PGconn, ConnDeleter> conn_;
  std::string safe_uri_;
};

// The URI with any password replaced by "***" (userinfo and the password= query parameter).
std::string redact_uri(std::string_view uri);

}  // namespace alith::store::pg
