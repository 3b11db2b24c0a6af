#pragma once

// Retries with exponential backoff and full jitter. Retried: RateLimitedError (honouring its Retry-After),
// ProviderError with a 5xx status (and 408/409), IoError (connection refused/reset). Everything else, and any
// error once a streamed reply has started delivering events, is rethrown at once. TimeoutError is not retried:
// the caller's deadline has passed, and repeating a call that was too slow would multiply the wait.

#include <chrono>
#include <functional>

#include "alith/core/cancel.h"

namespace alith::llm {

struct RetryPolicy {
  int max_attempts = 4;  // 1 = no retries
  std::chrono::milliseconds initial_delay{500};
  std::chrono::milliseconds max_delay{30'000};
  double multiplier = 2.0;
  std::chrono::milliseconds max_retry_after{60'000};  // a longer Retry-After is not waited for: rethrow
};

// Calls attempt() until it returns or throws something not retryable or attempts run out. Waits between
// attempts are cut short by cancel (then CancelledError). The attempt number (0-based) is passed in.
void run_with_retries(const RetryPolicy& policy, const CancelToken& cancel,
                      const std::function<void(int attempt)>& attempt);

// The delay before retry number `retry` (1-based), without Retry-After: a uniform draw in
// [0, min(max_delay, initial_delay * multiplier^(retry-1))]. `unit_random` in [0,1).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry, double unit_random);

}  // namespace alith::llm
