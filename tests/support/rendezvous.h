#pragma once

// A barrier for tests that prove things run at the same time (parallel tool calls, parallel agent replies):
// every party must arrive; it gives up after a timeout, so a serial run fails the test instead of hanging it.

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace alith::testing {

class Rendezvous {
 public:
  explicit Rendezvous(int parties) : waiting_(parties) {}
  // True when all parties arrived within five seconds.
  bool arrive_and_wait() {
    std::unique_lock lock(mu_);
    if (--waiting_ == 0) cv_.notify_all();
    return cv_.wait_for(lock, std::chrono::seconds(5), [&] { return waiting_ <= 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int waiting_;
};

}  // namespace alith::testing
