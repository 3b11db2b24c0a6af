#include "alith/core/sse.h"

#include <cstdint>
#include <cstring>
#include <limits>

namespace alith::sse {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr uint64_t kHighBits = 0x8080808080808080ULL;
constexpr uint64_t kLowBits = 0x0101010101010101ULL;

// Returns the offset of the first byte that makes the stream invalid (malformed UTF-8 or a NUL byte), or n.
// The state of a multi-byte character split across calls lives in pending/lo/hi: lo..hi is the range the
// next continuation byte must fall in, which is how overlong forms, surrogates and code points above
// U+10FFFF are refused.
size_t validate(const char* data, size_t n, unsigned& pending, unsigned char& lo, unsigned char& hi) {
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  size_t i = 0;
  while (i < n) {
    if (pending == 0) {
      // Fast path: 8 ASCII bytes at a time, none of them NUL (a zero byte or a high bit stops it).
      while (i + 8 <= n) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        if (((w | ((w - kLowBits) & ~w)) & kHighBits) != 0) break;
        i += 8;
      }
      if (i >= n) break;
      const unsigned char c = p[i];
      if (c < 0x80) {
        if (c == 0) return i;
      } else if (c < 0xC2) {
        return i;  // a stray continuation byte, or the lead of an overlong 2-byte form
      } else if (c < 0xE0) {
        pending = 1, lo = 0x80, hi = 0xBF;
      } else if (c < 0xF0) {
        pending = 2, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
      } else if (c < 0xF5) {
        pending = 3, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
      } else {
        return i;
      }
      ++i;
    } else {
      const unsigned char c = p[i];
      if (c < lo || c > hi) return i;
      lo = 0x80, hi = 0xBF;
      --pending;
      ++i;
    }
  }
  return n;
}

// The first CR or LF in [p, end), or nullptr.
const char* find_eol(const char* p, const char* end) {
  const auto* lf = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
  const char* limit = lf ? lf : end;
  const auto* cr = static_cast<const char*>(std::memchr(p, '\r', static_cast<size_t>(limit - p)));
  return cr ? cr : lf;
}

std::optional<long> parse_retry(std::string_view value) {
  if (value.empty()) return std::nullopt;
  long result = 0;
  for (const char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    if (result > (std::numeric_limits<long>::max() - 9) / 10) return std::nullopt;
    result = result * 10 + (c - '0');
  }
  return result;
}

}  // namespace

Result<void> Parser::fail(ErrorCode code, std::string message, size_t offset) {
  failed_ = make_error(code, "SSE: " + std::move(message), offset);
  return *failed_;
}

Result<void> Parser::feed(std::string_view bytes, const EventHandler& on_event) {
  if (failed_) return *failed_;
  const size_t valid = validate(bytes.data(), bytes.size(), utf8_pending_, utf8_lo_, utf8_hi_);
  const char* const begin = bytes.data();
  const char* p = begin;
  const char* const end = begin + valid;
  auto offset_of = [&](const char* at) { return consumed_ + static_cast<size_t>(at - begin); };

  try {
    if (after_cr_ && p < end) {
      after_cr_ = false;
      if (*p == '\n') ++p;
    }
    // Most streams use LF only; one cheap scan lets the loop below look for LF alone.
    const bool has_cr = p < end && std::memchr(p, '\r', static_cast<size_t>(end - p)) != nullptr;
    while (p < end) {
      const char* eol = has_cr ? find_eol(p, end)
                               : static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      if (!eol) {
        const auto rest = static_cast<size_t>(end - p);
        if (line_.size() + rest > limits_.max_line_bytes)
          return fail(ErrorCode::too_large,
                      "line longer than " + std::to_string(limits_.max_line_bytes) + " bytes", offset_of(p));
        line_.append(p, rest);
        p = end;
        break;
      }
      const std::string_view piece(p, static_cast<size_t>(eol - p));
      const char* next = eol + 1;
      if (*eol == '\r') {
        if (next < end) {
          if (*next == '\n') ++next;
        } else {
          after_cr_ = true;  // a LF at the start of the next feed completes this CRLF
        }
      }
      if (line_.size() + piece.size() > limits_.max_line_bytes)
        return fail(ErrorCode::too_large,
                    "line longer than " + std::to_string(limits_.max_line_bytes) + " bytes", offset_of(p));
      Result<void> r;
      if (line_.empty()) {
        r = process_line(piece, on_event);
      } else {
        line_.append(piece);
        r = process_line(line_, on_event);
        line_.clear();
      }
      if (!r) return fail(r.error().code, r.error().message, offset_of(eol));
      p = next;
    }
  } catch (...) {
    // The handler threw: the rest of this feed is lost, so the stream cannot continue consistently.
    failed_ = make_error(ErrorCode::invalid_argument, "SSE: event handler failed", offset_of(p));
    consumed_ += static_cast<size_t>(p - begin);
    throw;
  }
  consumed_ += valid;
  if (valid < bytes.size()) {
    const auto c = static_cast<unsigned char>(bytes[valid]);
    return fail(ErrorCode::parse, c == 0 ? "NUL byte in stream" : "invalid UTF-8", consumed_);
  }
  return {};
}

void Parser::dispatch(const EventHandler& on_event) {
  in_event_ = false;
  if (!has_data_) {
    // Per the spec an event with no data is dropped, and its type forgotten.
    type_.clear();
    retry_.reset();
    return;
  }
  Event event;
  if (!type_.empty()) event.type = std::move(type_);
  event.data = std::move(data_);
  event.id = last_id_;
  event.retry_ms = retry_;
  type_.clear();
  data_.clear();
  retry_.reset();
  has_data_ = false;
  on_event(std::move(event));
}

Result<void> Parser::process_line(std::string_view line, const EventHandler& on_event) {
  if (!bom_checked_) {
    bom_checked_ = true;
    if (line.starts_with(kBom)) line.remove_prefix(kBom.size());
  }
  if (line.empty()) {
    dispatch(on_event);
    return {};
  }
  if (line.front() == ':') return {};  // comment (often a keep-alive ping)

  const size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  in_event_ = true;
  if (field == "data") {
    if (!has_data_) {
      if (value.size() > limits_.max_event_bytes) return make_error(ErrorCode::too_large, "event too large");
      data_.assign(value);
      has_data_ = true;
    } else {
      if (data_.size() + 1 + value.size() > limits_.max_event_bytes)
        return make_error(ErrorCode::too_large,
                          "event larger than " + std::to_string(limits_.max_event_bytes) + " bytes");
      data_.push_back('\n');
      data_.append(value);
    }
  } else if (field == "event") {
    type_.assign(value);
  } else if (field == "id") {
    // The spec ignores ids containing NUL; a NUL byte already fails the whole stream here.
    last_id_.assign(value);
  } else if (field == "retry") {
    if (auto ms = parse_retry(value)) retry_ = ms;
  }
  return {};
}

Result<void> Parser::finish() {
  if (failed_) return *failed_;
  if (utf8_pending_ != 0) return fail(ErrorCode::parse, "stream ended inside a UTF-8 character", consumed_);
  if (!line_.empty() && !(!bom_checked_ && line_ == kBom))
    return fail(ErrorCode::parse, "stream ended inside a line", consumed_);
  if (in_event_) return fail(ErrorCode::parse, "stream ended inside an event", consumed_);
  return {};
}

}  // namespace alith::sse
