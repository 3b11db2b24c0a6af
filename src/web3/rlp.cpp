#include "alith/web3/rlp.h"

#include <string>

namespace alith::web3 {

namespace {

ErrorInfo rlp_error(const std::string& message, size_t offset) {
  return make_error(ErrorCode::parse, "rlp: " + message, offset);
}

// Big-endian length bytes without leading zeros.
void append_length(Bytes& out, std::uint8_t short_base, std::uint8_t long_base, size_t length) {
  if (length < 56) {
    out.push_back(static_cast<std::uint8_t>(short_base + length));
    return;
  }
  std::uint8_t digits[8];
  int count = 0;
  for (std::uint64_t rest = length; rest != 0; rest >>= 8) digits[count++] = static_cast<std::uint8_t>(rest);
  out.push_back(static_cast<std::uint8_t>(long_base + count));
  for (int i = count - 1; i >= 0; --i) out.push_back(digits[i]);
}

size_t header_size(size_t length) {
  if (length < 56) return 1;
  size_t count = 0;
  for (std::uint64_t rest = length; rest != 0; rest >>= 8) ++count;
  return 1 + count;
}

size_t encoded_size(const RlpItem& item) {
  if (!item.is_list()) {
    const Bytes& b = item.bytes();
    if (b.size() == 1 && b[0] < 0x80) return 1;
    return header_size(b.size()) + b.size();
  }
  size_t payload = 0;
  for (const RlpItem& child : item.list()) payload += encoded_size(child);
  return header_size(payload) + payload;
}

void append_item(Bytes& out, const RlpItem& item) {
  if (!item.is_list()) {
    rlp_append_string(out, item.bytes());
    return;
  }
  size_t payload = 0;
  for (const RlpItem& child : item.list()) payload += encoded_size(child);
  rlp_append_list_header(out, payload);
  for (const RlpItem& child : item.list()) append_item(out, child);
}

}  // namespace

// Reads one item at a time within [pos, end); recursion is bounded by max_depth.
class RlpDecoder {
 public:
  RlpDecoder(ByteView data, size_t max_depth) : data_(data), max_depth_(max_depth) {}

  Result<RlpItem> item(size_t& pos, size_t end, size_t depth) {
    const size_t start = pos;
    const std::uint8_t prefix = data_[pos];
    RlpItem out;
    out.offset_ = start;
    if (prefix < 0x80) {
      out.bytes_.push_back(prefix);
      pos += 1;
      return out;
    }
    const bool list = prefix >= 0xc0;
    const std::uint8_t base = list ? 0xc0 : 0x80;
    size_t length = 0;
    size_t payload = pos + 1;
    if (prefix - base < 56) {
      length = static_cast<size_t>(prefix - base);
    } else {
      const size_t digits = static_cast<size_t>(prefix - base - 55);  // 1..8
      if (digits > end - payload) return rlp_error("length prefix runs past the end", start);
      if (data_[payload] == 0) return rlp_error("length with a leading zero byte", start);
      std::uint64_t value = 0;
      for (size_t i = 0; i < digits; ++i) value = (value << 8) | data_[payload + i];
      if (value < 56) return rlp_error("long length form for a length below 56", start);
      payload += digits;
      if (value > end - payload) return rlp_error("item runs past the end", start);
      length = static_cast<size_t>(value);
    }
    if (length > end - payload) return rlp_error("item runs past the end", start);
    const size_t stop = payload + length;
    if (!list) {
      if (length == 1 && data_[payload] < 0x80)
        return rlp_error("a single byte below 0x80 must be encoded as itself", start);
      out.bytes_.assign(data_.begin() + static_cast<std::ptrdiff_t>(payload),
                        data_.begin() + static_cast<std::ptrdiff_t>(stop));
      pos = stop;
      return out;
    }
    if (depth >= max_depth_)
      return rlp_error("lists nested deeper than " + std::to_string(max_depth_), start);
    out.is_list_ = true;
    pos = payload;
    while (pos < stop) {
      auto child = item(pos, stop, depth + 1);
      if (!child) return child.error();
      out.items_.push_back(std::move(child).value());
    }
    return out;
  }

 private:
  ByteView data_;
  size_t max_depth_;
};

RlpItem RlpItem::string(Bytes bytes) {
  RlpItem item;
  item.bytes_ = std::move(bytes);
  return item;
}

RlpItem RlpItem::list(std::vector<RlpItem> items) {
  RlpItem item;
  item.is_list_ = true;
  item.items_ = std::move(items);
  return item;
}

RlpItem RlpItem::uint(const U256& value) {
  return string(value.to_be_bytes_trimmed());
}

const Bytes& RlpItem::bytes() const {
  if (is_list_) throw InvalidArgumentError("rlp: expected a byte string, the item is a list");
  return bytes_;
}

const std::vector<RlpItem>& RlpItem::list() const {
  if (!is_list_) throw InvalidArgumentError("rlp: expected a list, the item is a byte string");
  return items_;
}

Result<U256> RlpItem::to_u256() const {
  if (is_list_) return rlp_error("expected an integer, got a list", offset_);
  if (bytes_.size() > 32) return rlp_error("integer wider than 256 bits", offset_);
  if (!bytes_.empty() && bytes_[0] == 0) return rlp_error("integer with a leading zero byte", offset_);
  return U256::from_be_bytes(bytes_);
}

Result<std::uint64_t> RlpItem::to_u64() const {
  if (is_list_) return rlp_error("expected an integer, got a list", offset_);
  if (bytes_.size() > 8) return rlp_error("integer wider than 64 bits", offset_);
  if (!bytes_.empty() && bytes_[0] == 0) return rlp_error("integer with a leading zero byte", offset_);
  std::uint64_t value = 0;
  for (std::uint8_t b : bytes_) value = (value << 8) | b;
  return value;
}

bool operator==(const RlpItem& a, const RlpItem& b) {
  return a.is_list_ == b.is_list_ && a.bytes_ == b.bytes_ && a.items_ == b.items_;
}

Bytes rlp_encode(const RlpItem& item) {
  Bytes out;
  out.reserve(encoded_size(item));
  append_item(out, item);
  return out;
}

Result<RlpItem> rlp_decode(ByteView data, size_t max_depth) {
  if (data.empty()) return rlp_error("empty input", 0);
  RlpDecoder decoder(data, max_depth);
  size_t pos = 0;
  auto item = decoder.item(pos, data.size(), 0);
  if (!item) return item;
  if (pos != data.size())
    return rlp_error(std::to_string(data.size() - pos) + " trailing bytes after the item", pos);
  return item;
}

void rlp_append_string(Bytes& out, ByteView bytes) {
  if (bytes.size() == 1 && bytes[0] < 0x80) {
    out.push_back(bytes[0]);
    return;
  }
  append_length(out, 0x80, 0xb7, bytes.size());
  out.insert(out.end(), bytes.begin(), bytes.end());
}

void rlp_append_uint(Bytes& out, const U256& value) {
  rlp_append_string(out, value.to_be_bytes_trimmed());
}

void rlp_append_list_header(Bytes& out, size_t payload_size) {
  append_length(out, 0xc0, 0xf7, payload_size);
}

Bytes rlp_wrap_list(ByteView payload) {
  Bytes out;
  out.reserve(header_size(payload.size()) + payload.size());
  rlp_append_list_header(out, payload.size());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

}  // namespace alith::web3
