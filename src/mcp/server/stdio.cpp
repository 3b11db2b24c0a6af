// The stdio transport of the MCP server: one JSON-RPC message per line in each direction.
//
// Two threads take turns reading stdin (leader/follower). The reader handles every message itself, tools/call
// included, so a quick call costs no hand-off to another thread (a thread wake-up was most of a round trip:
// 45 us against 2 us for the pipes themselves). While a call runs, the idle thread watches it; when the same
// call is still running after one watch period (1 ms), it takes over reading, so a slow tool delays the next
// message by at most that and blocks nothing. When both threads are busy with calls, new calls go to the
// server's pool. The watcher polls only while calls come in (for a second after the last one); an idle
// server has no periodic wake-ups.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <istream>
#include <mutex>
#include <ostream>
#include <streambuf>
#include <thread>
#include <vector>

#include "mcp/server/session_state.h"

namespace alith::mcp {
namespace {

class Relay {
 public:
  Relay(Server& server, std::istream& in, std::ostream& out)
      : session_(server.open_session()),
        buffer_(in.rdbuf()),
        out_(out),
        max_(server.options().max_message_bytes) {
    sink_ = [this](const Outgoing& message) {
      std::lock_guard lock(out_mu_);
      out_.write(message.json.data(), static_cast<std::streamsize>(message.json.size()));
      out_.put('\n');  // into the stream's buffer: one write(2) at the flush, and no copy of the line
      out_.flush();
    };
  }

  void run() {
    std::thread follower([this] {
      if (wait_for_turn()) lead();
    });
    lead();
    follower.join();
    // End of input: the client is gone or done sending; let the calls it made finish and answer.
    session_->drain();
  }

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr auto kWatch = std::chrono::milliseconds(1);
  static constexpr auto kKeepWatching = std::chrono::seconds(1);

  // Blocks until this thread should read (the reader is in a call that outlived a watch period); false at
  // end of input.
  bool wait_for_turn() {
    std::unique_lock lock(mu_);
    ++idle_;
    uint64_t seen = 0, last_seq = call_seq_;
    int quiet = 0;  // watch periods without a new call
    for (;;) {
      if (eof_) {
        --idle_;
        return false;
      }
      if (in_call_ && call_seq_ == seen) {
        taken_ = true;
        --idle_;
        return true;
      }
      seen = in_call_ ? call_seq_ : 0;
      quiet = call_seq_ == last_seq ? quiet + 1 : 0;
      last_seq = call_seq_;
      if (in_call_ || quiet < kKeepWatching / kWatch) {
        watching_ = true;
        turn_.wait_for(lock, kWatch);
      } else {
        watching_ = false;
        turn_.wait(lock);
      }
    }
  }

  void lead() {
    std::string line;
    for (;;) {
      bool too_long = false;
      if (!read_line(line, too_long)) {
        std::lock_guard lock(mu_);
        eof_ = true;
        turn_.notify_all();
        return;
      }
      if (too_long) {
        detail::reply_error(sink_, std::nullopt, rpc_error::invalid_request,
                            "message larger than " + std::to_string(max_) + " bytes");
        continue;
      }
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      auto message = parse_message(line, max_);
      if (!message) {
        detail::reply_error(sink_, error_response_for(line, message.error()));
        continue;
      }
      const auto* request = std::get_if<Request>(&*message);
      if (!request || request->method != "tools/call" || !begin_call()) {
        session_->handle(std::move(*message), sink_);
        continue;
      }
      session_->handle(std::move(*message), sink_, /*run_call_here=*/true);
      if (end_call() && !wait_for_turn()) return;
    }
  }

  // The reader starts a call on its own thread; false when no thread could take over reading (both busy).
  bool begin_call() {
    bool wake;
    {
      std::lock_guard lock(mu_);
      if (idle_ == 0) return false;
      in_call_ = true;
      ++call_seq_;
      wake = !watching_;  // an idle watcher sleeps without a deadline: the first call of a burst wakes it
    }
    if (wake) turn_.notify_one();
    return true;
  }

  // The call is over; true when the other thread took over reading meanwhile (this one then waits).
  bool end_call() {
    std::lock_guard lock(mu_);
    in_call_ = false;
    bool taken = taken_;
    taken_ = false;
    return taken;
  }

  // One line, of which at most max_ bytes are kept (an endless line costs no memory beyond the cap). False
  // at end of input with nothing read. Lines are cut from chunks with memchr, not read a byte at a time.
  bool read_line(std::string& line, bool& too_long) {
    line.clear();
    bool any = false;
    for (;;) {
      if (next_ == end_ && !fill()) return any;
      any = true;
      const char* start = chunk_.data() + next_;
      const size_t left = end_ - next_;
      const auto* newline = static_cast<const char*>(std::memchr(start, '\n', left));
      const size_t length = newline ? static_cast<size_t>(newline - start) : left;
      const size_t keep = std::min(length, max_ - line.size());
      if (keep < length) too_long = true;
      line.append(start, keep);
      next_ += newline ? length + 1 : length;
      if (newline) return true;
    }
  }

  // Takes what the stream holds (blocking only when it holds nothing): false at end of input.
  bool fill() {
    next_ = end_ = 0;
    // sgetc() fills an empty get area; in_avail() then counts what is in it without asking the file.
    if (!buffer_ || buffer_->sgetc() == std::char_traits<char>::eof()) return false;
    const auto want = std::clamp<std::streamsize>(buffer_->in_avail(), 1, kChunk);
    end_ = static_cast<size_t>(std::max<std::streamsize>(buffer_->sgetn(chunk_.data(), want), 0));
    return end_ > 0;
  }

  static constexpr std::streamsize kChunk = 64 * 1024;
  std::unique_ptr<Session> session_;
  std::streambuf* buffer_;
  std::vector<char> chunk_ = std::vector<char>(kChunk);  // read from buffer_; [next_, end_) not yet cut
  size_t next_ = 0, end_ = 0;
  std::ostream& out_;
  size_t max_;
  Sink sink_;
  std::mutex out_mu_;
  std::mutex mu_;
  std::condition_variable turn_;
  int idle_ = 0;           // threads in wait_for_turn
  bool in_call_ = false;   // the reader runs a call
  uint64_t call_seq_ = 0;  // calls started (tells one call from the next)
  bool taken_ = false;     // the watcher took over reading during the current call
  bool watching_ = false;  // the watcher polls (calls came recently)
  bool eof_ = false;
};

}  // namespace

void serve_stdio(Server& server, std::istream& in, std::ostream& out) {
  Relay(server, in, out).run();
}

}  // namespace alith::mcp
