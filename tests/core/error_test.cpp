#include "alith/core/error.h"

#include <gtest/gtest.h>

namespace alith {
namespace {

template <class E>
void expect_throws_as(ErrorCode code) {
  try {
    throw_error(make_error(code, "msg", 5));
  } catch (const E& e) {
    EXPECT_EQ(e.code(), code);
    EXPECT_STREQ(e.what(), "msg");
    return;
  } catch (...) {
  }
  ADD_FAILURE() << "wrong exception type for " << to_string(code);
}

TEST(Error, ThrowErrorMapsEachCodeToItsClass) {
  expect_throws_as<ProviderError>(ErrorCode::provider);
  expect_throws_as<RateLimitedError>(ErrorCode::rate_limited);
  expect_throws_as<TimeoutError>(ErrorCode::timeout);
  expect_throws_as<ParseError>(ErrorCode::parse);
  expect_throws_as<SchemaError>(ErrorCode::schema);
  expect_throws_as<ToolError>(ErrorCode::tool);
  expect_throws_as<IoError>(ErrorCode::io);
  expect_throws_as<ChainError>(ErrorCode::chain);
  expect_throws_as<CryptoError>(ErrorCode::crypto);
  expect_throws_as<CancelledError>(ErrorCode::cancelled);
  expect_throws_as<ConfigError>(ErrorCode::config);
  expect_throws_as<InvalidArgumentError>(ErrorCode::invalid_argument);
  expect_throws_as<TooLargeError>(ErrorCode::too_large);
  expect_throws_as<Error>(ErrorCode::max_steps);
  expect_throws_as<UnsupportedError>(ErrorCode::unsupported);
}

TEST(Error, ParseErrorKeepsOffset) {
  try {
    throw_error(make_error(ErrorCode::parse, "bad", 12));
  } catch (const ParseError& e) {
    EXPECT_EQ(e.offset(), 12u);
  }
}

TEST(Error, ProviderErrorHasNoStatus) {
  try {
    throw_error(make_error(ErrorCode::provider, "bad"));
  } catch (const ProviderError& e) {
    EXPECT_EQ(e.status(), 0);
  }
}

TEST(Error, CodesHaveStableNames) {
  EXPECT_EQ(to_string(ErrorCode::rate_limited), "rate_limited");
  EXPECT_EQ(to_string(ErrorCode::too_large), "too_large");
  EXPECT_EQ(to_string(ErrorCode::invalid_argument), "invalid_argument");
}

TEST(Error, ResultHoldsValueOrError) {
  Result<int> good = 3;
  EXPECT_TRUE(good.ok());
  EXPECT_EQ(good.value(), 3);
  Result<int> bad = make_error(ErrorCode::io, "x");
  EXPECT_FALSE(bad.ok());
  EXPECT_THROW((void)bad.value(), IoError);
  Result<void> v = make_error(ErrorCode::timeout, "t");
  EXPECT_THROW(v.value(), TimeoutError);
}

}  // namespace
}  // namespace alith
