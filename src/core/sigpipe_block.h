#pragma once

// Blocks SIGPIPE for the calling thread while it writes to a peer that may have gone (a pipe to a child, a
// socket a library writes with write(2) rather than send(MSG_NOSIGNAL)). A SIGPIPE the writes caused is
// consumed before the mask is restored, as libpq does. A process-wide SIG_IGN would change the host program's
// signal handling, which a library must not do.

#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <ctime>

namespace alith::detail {

class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &previous_);
    was_pending_ = is_pending();
  }
  ~SigpipeBlock() {
    const int saved = errno;
    if (!was_pending_ && is_pending()) {
      const timespec zero{};
      while (sigtimedwait(&pipe_, nullptr, &zero) < 0 && errno == EINTR) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
    errno = saved;
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  static bool is_pending() {
    sigset_t pending;
    sigemptyset(&pending);
    return sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
  }

  sigset_t pipe_;
  sigset_t previous_;
  bool was_pending_ = false;
};

}  // namespace alith::detail
