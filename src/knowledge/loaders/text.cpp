// Plain text, and the UTF-8 decoding every text format shares.

#include <algorithm>
#include <cstring>

#include "formats.h"

namespace alith::knowledge::detail {

namespace {

// Length of the valid UTF-8 sequence at text[i], or 0 when the bytes there are not one (overlong forms,
// surrogates and code points past U+10FFFF are invalid).
size_t utf8_sequence(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

bool is_control(unsigned char c) {
  if (c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x1B) return false;
  return c < 0x20 || c == 0x7F;
}

// A NUL byte anywhere, or more than one byte in eight of the first 64 KiB being a control character or part
// of an invalid sequence: text editors and grep draw the line at much the same place.
bool looks_binary(std::string_view text) {
  if (std::memchr(text.data(), 0, text.size()) != nullptr) return true;
  const size_t sample = std::min<size_t>(text.size(), 64u << 10);
  size_t odd = 0;
  for (size_t i = 0; i < sample;) {
    const size_t n = utf8_sequence(text, i);
    if (n == 0 || is_control(static_cast<unsigned char>(text[i]))) {
      ++odd;
      ++i;
    } else {
      i += n;
    }
  }
  return odd * 8 > sample;
}

}  // namespace

std::string decode_text(std::string_view bytes, const std::string& source) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  if (looks_binary(bytes)) throw ParseError(source + ": binary content, not text");
  return valid_utf8(bytes);
}

std::string valid_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t run = 0;  // start of the valid bytes not yet copied
  for (size_t i = 0; i < bytes.size();) {
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t n = utf8_sequence(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out.append(bytes.substr(run, i - run)).append("\xEF\xBF\xBD");
    run = ++i;
  }
  out.append(bytes.substr(run));
  return out;
}

std::vector<Document> load_text(std::string_view bytes, const std::string& source) {
  Document doc;
  doc.id = source;
  doc.source = source;
  doc.text = decode_text(bytes, source);
  doc.metadata["format"] = "text";
  return {std::move(doc)};
}

}  // namespace alith::knowledge::detail
