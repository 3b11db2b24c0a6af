#include "alith/llm/retry.h"

#include <gtest/gtest.h>

#include <thread>

#include "alith/core/error.h"

namespace alith::llm {
namespace {

RetryPolicy instant(int attempts = 4) {
  RetryPolicy p;
  p.max_attempts = attempts;
  p.initial_delay = std::chrono::milliseconds(0);
  p.max_delay = std::chrono::milliseconds(0);
  return p;
}

TEST(Backoff, GrowsExponentiallyUpToTheCap) {
  RetryPolicy p;
  p.initial_delay = std::chrono::milliseconds(100);
  p.max_delay = std::chrono::milliseconds(1000);
  p.multiplier = 2.0;
  EXPECT_EQ(backoff_delay(p, 1, 0.999).count(), 99);
  EXPECT_EQ(backoff_delay(p, 2, 0.5).count(), 100);
  EXPECT_EQ(backoff_delay(p, 3, 0.5).count(), 200);
  EXPECT_EQ(backoff_delay(p, 10, 0.5).count(), 500);    // capped at max_delay
  EXPECT_EQ(backoff_delay(p, 5000, 0.5).count(), 500);  // no overflow for huge retry numbers
  EXPECT_EQ(backoff_delay(p, 3, 0.0).count(), 0);
}

TEST(Retry, ReturnsAfterTheFirstSuccess) {
  int calls = 0;
  run_with_retries(instant(), {}, [&](int attempt) {
    EXPECT_EQ(attempt, calls);
    ++calls;
  });
  EXPECT_EQ(calls, 1);
}

TEST(Retry, RetriesServerErrorsAndIoErrors) {
  int calls = 0;
  run_with_retries(instant(), {}, [&](int attempt) {
    ++calls;
    if (attempt == 0) throw ProviderError("boom", 503, "");
    if (attempt == 1) throw IoError("reset");
    if (attempt == 2) throw ProviderError("overloaded", 529, "");
  });
  EXPECT_EQ(calls, 4);
}

TEST(Retry, DoesNotRetryClientErrors) {
  for (int status : {400, 401, 404, 0}) {
    int calls = 0;
    EXPECT_THROW(run_with_retries(instant(), {},
                                  [&](int) {
                                    ++calls;
                                    throw ProviderError("bad", status, "");
                                  }),
                 ProviderError);
    EXPECT_EQ(calls, 1) << status;
  }
}

TEST(Retry, RetriesRequestTimeoutAndConflictStatuses) {
  for (int status : {408, 409, 500}) {
    int calls = 0;
    run_with_retries(instant(), {}, [&](int attempt) {
      ++calls;
      if (attempt == 0) throw ProviderError("x", status, "");
    });
    EXPECT_EQ(calls, 2) << status;
  }
}

TEST(Retry, TimeoutsAndParseErrorsAreNotRetried) {
  int calls = 0;
  EXPECT_THROW(run_with_retries(instant(), {},
                                [&](int) {
                                  ++calls;
                                  throw TimeoutError("slow");
                                }),
               TimeoutError);
  EXPECT_THROW(run_with_retries(instant(), {},
                                [&](int) {
                                  ++calls;
                                  throw ParseError("bad");
                                }),
               ParseError);
  EXPECT_EQ(calls, 2);
}

TEST(Retry, GivesUpAfterMaxAttemptsWithTheLastError) {
  int calls = 0;
  try {
    run_with_retries(instant(3), {}, [&](int attempt) {
      ++calls;
      throw ProviderError("attempt " + std::to_string(attempt), 500, "");
    });
    FAIL() << "expected ProviderError";
  } catch (const ProviderError& e) {
    EXPECT_STREQ(e.what(), "attempt 2");
  }
  EXPECT_EQ(calls, 3);
}

TEST(Retry, HonoursShortRetryAfter) {
  int calls = 0;
  run_with_retries(instant(), {}, [&](int attempt) {
    ++calls;
    if (attempt == 0) throw RateLimitedError("slow down", "", 0.0);
  });
  EXPECT_EQ(calls, 2);
}

TEST(Retry, RethrowsWhenRetryAfterIsTooLong) {
  RetryPolicy p = instant();
  p.max_retry_after = std::chrono::milliseconds(1000);
  int calls = 0;
  EXPECT_THROW(run_with_retries(p, {},
                                [&](int) {
                                  ++calls;
                                  throw RateLimitedError("come back tomorrow", "", 86400.0);
                                }),
               RateLimitedError);
  EXPECT_EQ(calls, 1);
}

TEST(Retry, CancelDuringTheWaitGivesCancelledError) {
  RetryPolicy p = instant();
  auto cancel = CancelToken::create();
  int calls = 0;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cancel.cancel();
  });
  // A 30 s Retry-After would make the test hang if the wait did not watch the token.
  EXPECT_THROW(run_with_retries(p, cancel,
                                [&](int) {
                                  ++calls;
                                  throw RateLimitedError("wait", "", 30.0);
                                }),
               CancelledError);
  canceller.join();
  EXPECT_EQ(calls, 1);
}

TEST(Retry, AlreadyCancelledTokenMakesNoAttempt) {
  auto cancel = CancelToken::create();
  cancel.cancel();
  int calls = 0;
  EXPECT_THROW(run_with_retries(instant(), cancel, [&](int) { ++calls; }), CancelledError);
  EXPECT_EQ(calls, 0);
}

TEST(Retry, ZeroAttemptsMeansOne) {
  int calls = 0;
  EXPECT_THROW(run_with_retries(instant(0), {},
                                [&](int) {
                                  ++calls;
                                  throw IoError("down");
                                }),
               IoError);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace alith::llm
