#pragma once

// Thin RAII over the SQLite C API: a connection and prepared statements. Every failure becomes an IoError
// that carries SQLite's own message, so callers never check return codes.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace alith::sqlite {

class Statement;

class Database {
 public:
  // Opens (creating if needed) the file. IoError when it cannot be opened or is not a database.
  explicit Database(const std::string& path);

  // Runs one or more statements without results (schema, pragmas, BEGIN/COMMIT).
  void exec(std::string_view sql);
  Statement prepare(std::string_view sql);
  sqlite3* handle() const noexcept { return db_.get(); }
  int64_t changes() const noexcept { return sqlite3_changes64(db_.get()); }
  [[noreturn]] void fail(std::string_view what) const;

 private:
  struct Close {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Close> db_;
};

// A prepared statement. Bind parameters are 1-based, as in SQLite. step() returns true while a row is ready.
class Statement {
 public:
  Statement(const Database& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}

  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind_blob(int index, std::span<const std::byte> blob);
  Statement& bind_null(int index);

  bool step();
  // Steps to completion (for statements without results).
  void run();
  void reset();  // also clears bindings

  int64_t column_int(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
  double column_double(int column) const { return sqlite3_column_double(stmt_.get(), column); }
  std::string column_text(int column) const;
  std::span<const std::byte> column_blob(int column) const;
  bool column_is_null(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
  };
  const Database* db_;
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed without commit (an exception on the way out).
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool open_ = true;
};

}  // namespace alith::sqlite
