#include "alith/llm/retry.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>
#include <thread>

#include "alith/core/error.h"

namespace alith::llm {

namespace {

// Statuses worth another attempt: request timeout, conflict (OpenAI uses 409 for transient lock errors),
// server errors, and Anthropic's 529 "overloaded".
bool retryable_status(int status) {
  return status == 408 || status == 409 || (status >= 500 && status <= 599);
}

// Sleeps in short slices so that a cancel is noticed quickly; a default token never fires.
void cancellable_sleep(std::chrono::milliseconds total, const CancelToken& cancel) {
  constexpr std::chrono::milliseconds kSlice{20};
  const auto deadline = std::chrono::steady_clock::now() + total;
  for (;;) {
    cancel.check();
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    std::this_thread::sleep_for(std::min(left + std::chrono::milliseconds(1), kSlice));
  }
}

}  // namespace

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry, double unit_random) {
  const double base = static_cast<double>(std::max<int64_t>(0, policy.initial_delay.count()));
  const double cap = static_cast<double>(std::max<int64_t>(0, policy.max_delay.count()));
  const double multiplier = std::max(1.0, policy.multiplier);
  const int exponent = std::max(0, retry - 1);
  // pow may overflow to inf for large exponents; min() with the cap keeps the result finite.
  const double ceiling = std::min(cap, base * std::pow(multiplier, exponent));
  const double u = std::isfinite(unit_random) ? std::clamp(unit_random, 0.0, 1.0) : 0.0;
  return std::chrono::milliseconds(static_cast<int64_t>(std::floor(ceiling * u)));
}

// TimeoutError is deliberately not retried: the caller's deadline already passed (or a model is slow
// enough that repeating the same long call would likely time out again), so retrying would multiply the
// wait the caller asked to bound. Callers that want it can catch and call again.
void run_with_retries(const RetryPolicy& policy, const CancelToken& cancel,
                      const std::function<void(int attempt)>& attempt) {
  const int max_attempts = std::max(1, policy.max_attempts);
  // Local to the call: no shared RNG state between threads.
  std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> unit(0.0, 1.0);

  for (int n = 0;; ++n) {
    cancel.check();
    std::optional<std::chrono::milliseconds> wait;
    try {
      attempt(n);
      return;
    } catch (const RateLimitedError& e) {
      if (n + 1 >= max_attempts) throw;
      if (auto after = e.retry_after_seconds()) {
        const double ms = std::max(0.0, *after) * 1000.0;
        if (!std::isfinite(ms) || ms > static_cast<double>(policy.max_retry_after.count())) throw;
        wait = std::chrono::milliseconds(static_cast<int64_t>(std::ceil(ms)));
      }
    } catch (const ProviderError& e) {
      if (n + 1 >= max_attempts || !retryable_status(e.status())) throw;
    } catch (const IoError&) {
      if (n + 1 >= max_attempts) throw;
    }
    if (!wait) wait = backoff_delay(policy, n + 1, unit(rng));
    cancellable_sleep(*wait, cancel);
  }
}

}  // namespace alith::llm
