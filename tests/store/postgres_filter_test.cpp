// Filters into SQL over jsonb, and password redaction, without a server. What the SQL selects is checked
// against a real server in postgres_store_test.cpp; here: values only ever travel as parameters.

#include <gtest/gtest.h>

#include "postgres/pg_connection.h"
#include "postgres/pg_filter.h"

namespace alith::store::pg {
namespace {

TEST(PostgresFilter, EmptyFilterIsTrue) {
  const auto c = filter_to_sql(Filter(), 1);
  EXPECT_EQ(c.sql, "TRUE");
  EXPECT_TRUE(c.params.empty());
}

TEST(PostgresFilter, PlaceholdersStartAfterTheStatementsOwn) {
  const auto c = filter_to_sql(Filter::from_json({{"page", {{"$gte", 2}}}, {"lang", "en"}}), 3);
  // Field and operand of each condition, in order.
  EXPECT_EQ(c.params, (std::vector<std::string>{"lang", "\"en\"", "page", "2"}));
  EXPECT_NE(c.sql.find("$3"), std::string::npos);
  EXPECT_NE(c.sql.find("$6"), std::string::npos);
  EXPECT_EQ(c.sql.find("$1"), std::string::npos);
  EXPECT_EQ(c.sql.find("$7"), std::string::npos);
}

TEST(PostgresFilter, NothingFromTheFilterIsSpliced) {
  const std::string evil = "x'); DROP TABLE t; --";
  Filter f;
  f.where(evil, Condition::Op::eq, evil)
      .where(evil, Condition::Op::lt, evil)
      .where(evil, Condition::Op::in, Json::array({evil}))
      .where(evil, Condition::Op::nin, Json::array({evil}))
      .where(evil, Condition::Op::ne, evil)
      .where(evil, Condition::Op::gt, 1.5);
  const auto c = filter_to_sql(f, 1);
  EXPECT_EQ(c.sql.find("DROP"), std::string::npos) << c.sql;
  EXPECT_EQ(c.params.size(), 12u);
}

TEST(PostgresFilter, NumbersAndStringsCompareByTheirOwnRules) {
  const auto numbers = filter_to_sql(Filter::from_json({{"page", {{"$lt", 2.5}}}}), 1);
  EXPECT_NE(numbers.sql.find("'number'"), std::string::npos);
  EXPECT_NE(numbers.sql.find("::numeric"), std::string::npos);
  EXPECT_EQ(numbers.params[1], "2.5");
  const auto strings = filter_to_sql(Filter::from_json({{"name", {{"$lt", "m"}}}}), 1);
  EXPECT_NE(strings.sql.find("'string'"), std::string::npos);
  EXPECT_NE(strings.sql.find("COLLATE \"C\""), std::string::npos);
  EXPECT_EQ(strings.params[1], "m");  // raw text, compared as text
  // Equality and lists compare jsonb values: the operand is JSON text.
  const auto list = filter_to_sql(Filter::from_json({{"x", {{"$in", {1, "1", true}}}}}), 1);
  EXPECT_EQ(list.params[1], "[1,\"1\",true]");
}

TEST(PostgresFilter, MissingFieldsMatchOnlyNegations) {
  for (const auto& spec : {Json{{"x", {{"$ne", 1}}}}, Json{{"x", {{"$nin", {1}}}}}}) {
    const auto c = filter_to_sql(Filter::from_json(spec), 1);
    EXPECT_NE(c.sql.find("IS NULL OR"), std::string::npos) << c.sql;
  }
  const auto eq = filter_to_sql(Filter::from_json({{"x", 1}}), 1);
  EXPECT_EQ(eq.sql.find("IS NULL"), std::string::npos) << eq.sql;
}

TEST(PostgresUri, PasswordsAreRedacted) {
  EXPECT_EQ(redact_uri("postgresql://user:secret@host:5432/db"), "postgresql://user:***@host:5432/db");
  EXPECT_EQ(redact_uri("postgres://user@host/db"), "postgres://user@host/db");
  EXPECT_EQ(redact_uri("postgres://host/db?user=u&password=secret&sslmode=require"),
            "postgres://host/db?user=u&password=***&sslmode=require");
  EXPECT_EQ(redact_uri("postgres://host/db?password=secret"), "postgres://host/db?password=***");
  EXPECT_EQ(redact_uri("postgres://u:p@ss@host/db"), "postgres://u:***@host/db");
  EXPECT_EQ(redact_uri("postgresql://u:secret@/db?host=/tmp"), "postgresql://u:***@/db?host=/tmp");
}

}  // namespace
}  // namespace alith::store::pg
