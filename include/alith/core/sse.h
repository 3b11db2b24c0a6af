#pragma once

// Incremental parser for Server-Sent Events (the WHATWG event-stream format). Bytes may arrive split at any
// point, including inside a line terminator or a multi-byte UTF-8 character.
//
// Malformed input is an error, not a crash: invalid UTF-8, a line or an event over its size cap, a NUL byte.
// finish() reports a stream that ended inside an event (truncated) as a parse error.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "alith/core/error.h"

namespace alith::sse {

struct Event {
  std::string type = "message";  // the `event:` field
  std::string data;              // `data:` lines joined with '\n'
  std::string id;                // last `id:` seen so far in the stream (spec: it persists)
  std::optional<long> retry_ms;  // `retry:` of this event, when present and valid
};

struct Limits {
  size_t max_line_bytes = 8u << 20;
  size_t max_event_bytes = 16u << 20;
};

using EventHandler = std::function<void(Event&& event)>;

class Parser {
 public:
  explicit Parser(Limits limits = {}) : limits_(limits) {}

  // Consumes bytes and calls on_event for each complete event. After an error the parser stays failed.
  Result<void> feed(std::string_view bytes, const EventHandler& on_event);
  // End of stream. Dispatches nothing new; an event or line left half-received gives a parse error.
  Result<void> finish();

  const std::string& last_event_id() const noexcept { return last_id_; }
  size_t bytes_consumed() const noexcept { return consumed_; }

 private:
  Result<void> process_line(std::string_view line, const EventHandler& on_event);
  void dispatch(const EventHandler& on_event);
  Result<void> fail(ErrorCode code, std::string message, size_t offset);

  Limits limits_;
  std::string line_;  // the unfinished line
  std::string data_;  // data of the event being built
  std::string type_;  // event type of the event being built
  std::string last_id_;
  std::optional<long> retry_;
  bool has_data_ = false;
  bool in_event_ = false;  // some field of an event was seen since the last dispatch
  bool after_cr_ = false;  // the previous byte was CR (a following LF belongs to the same terminator)
  bool bom_checked_ = false;
  unsigned utf8_pending_ = 0;                      // continuation bytes still expected
  unsigned char utf8_lo_ = 0x80, utf8_hi_ = 0xBF;  // allowed range of the next continuation byte
  size_t consumed_ = 0;
  std::optional<ErrorInfo> failed_;
};

}  // namespace alith::sse
