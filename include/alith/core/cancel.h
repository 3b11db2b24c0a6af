#pragma once

// Cooperative cancellation. A CancelToken is a cheap copyable handle to one shared flag: every copy sees
// cancel() from any thread. A default-constructed token can never fire.

#include <atomic>
#include <memory>

#include "alith/core/error.h"

namespace alith {

class CancelToken {
 public:
  CancelToken() = default;
  static CancelToken create() { return CancelToken(std::make_shared<std::atomic<bool>>(false)); }

  void cancel() const noexcept {
    if (flag_) flag_->store(true, std::memory_order_release);
  }
  bool cancelled() const noexcept { return flag_ && flag_->load(std::memory_order_acquire); }
  // Throws CancelledError when cancelled.
  void check() const {
    if (cancelled()) throw CancelledError("operation cancelled");
  }

 private:
  explicit CancelToken(std::shared_ptr<std::atomic<bool>> flag) : flag_(std::move(flag)) {}
  std::shared_ptr<std::atomic<bool>> flag_;
};

}  // namespace alith
