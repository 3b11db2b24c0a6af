#include "postgres/pg_connection.h"

#include <utility>

#include "alith/core/error.h"

namespace alith::store::pg {
namespace {

// libpq's messages end with a newline and may span lines; one line reads better inside ours.
std::string tidy(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (auto& c : s)
    if (c == '\n') c = ' ';
  return s;
}

}  // namespace

std::string redact_uri(std::string_view uri) {
  std::string out(uri);
  // userinfo: scheme://user:password@host
  const auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    const auto start = scheme + 3;
    // The authority ends at the path or query; its last '@' ends the userinfo (a password may hold '@').
    const auto slash = out.find_first_of("/?", start);
    const auto end = slash == std::string::npos ? out.size() : slash;
    const auto at = end > start ? out.rfind('@', end - 1) : std::string::npos;
    if (at != std::string::npos && at >= start) {
      const auto colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // query parameter: ?password=... or &password=...
  for (std::string key : {"?password=", "&password="}) {
    auto pos = out.find(key);
    if (pos == std::string::npos) continue;
    const auto begin = pos + key.size();
    const auto end = out.find('&', begin);
    out.replace(begin, (end == std::string::npos ? out.size() : end) - begin, "***");
  }
  return out;
}

std::string_view Rows::at(int row, int column) const {
  const char* v = PQgetvalue(result_.get(), row, column);
  return {v, static_cast<size_t>(PQgetlength(result_.get(), row, column))};
}

size_t Rows::affected() const {
  const char* n = PQcmdTuples(result_.get());
  return n && *n ? std::stoul(n) : 0;
}

Connection::Connection(const std::string& uri) : safe_uri_(redact_uri(uri)) {
  // A default connect timeout, so an unreachable host fails in seconds rather than after the kernel's TCP
  // retries; the URI's own connect_timeout, expanded from dbname after it, takes precedence.
  const char* keys[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {"10", uri.c_str(), nullptr};
  conn_.reset(PQconnectdbParams(keys, values, 1));
  if (!conn_) throw IoError("postgres: out of memory connecting to " + safe_uri_);
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    // libpq's message names host and port, never the password.
    throw IoError("postgres: cannot connect to " + safe_uri_ + ": " + tidy(PQerrorMessage(conn_.get())));
  }
  // Server notices would otherwise go to stderr; a library does not write there.
  PQsetNoticeProcessor(
      conn_.get(), [](void*, const char*) {}, nullptr);
  exec("SET client_min_messages = warning");
}

Rows Connection::exec(const std::string& sql, const std::vector<Param>& params) {
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    PQreset(conn_.get());
    if (PQstatus(conn_.get()) != CONNECTION_OK)
      throw IoError("postgres: connection to " + safe_uri_ + " lost: " + tidy(PQerrorMessage(conn_.get())));
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  std::unique_ptr<PGresult, ResultDeleter> result(PQexecParams(conn_.get(), sql.c_str(),
                                                               static_cast<int>(values.size()), nullptr,
                                                               values.data(), nullptr, nullptr, 0));
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Rows(std::move(result));
  const std::string message = tidy(result ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn_.get()));
  const char* state = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
  if (state && state[0] == '2' && state[1] == '2') throw InvalidArgumentError("postgres: " + message);
  throw IoError("postgres: " + message);
}

std::string Connection::quote_identifier(std::string_view name) const {
  std::unique_ptr<char, decltype(&PQfreemem)> quoted(
      PQescapeIdentifier(conn_.get(), name.data(), name.size()), &PQfreemem);
  if (!quoted)
    throw InvalidArgumentError("postgres: cannot quote identifier: " + tidy(PQerrorMessage(conn_.get())));
  return quoted.get();
}

}  // namespace alith::store::pg
