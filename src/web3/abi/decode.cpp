// The ABI decoder. Its input is untrusted: every offset and length is checked against the buffer before it
// is used, values must be padded exactly as the encoder pads them, and a budget bounds what decoding may
// allocate, because offsets may alias (a thousand array elements pointing at one long string) and so make
// a small input describe a huge value.

#include <algorithm>

#include "alith/web3/abi_codec.h"

namespace alith::web3::abi {
namespace {

using K = Type::Kind;

class Decoder {
 public:
  Decoder(ByteView data, int max_depth)
      : data_(data),
        // A canonical encoding spends at least one 32-byte word per value at each nesting level, and its
        // byte strings fit in the data; anything beyond that is aliasing.
        values_left_((data.size() / 32 + 1) * std::uint64_t(max_depth + 1) + 16),
        bytes_left_(data.size()) {}

  // The sequence of n values whose encoding starts at base.
  template <class TypeAt>
  Result<Value::List> sequence(size_t n, TypeAt type_at, size_t base) {
    Value::List out;
    out.reserve(n);  // callers checked that n heads fit in the data
    size_t head = base;
    for (size_t i = 0; i < n; ++i) {
      const Type& t = type_at(i);
      if (t.is_dynamic()) {
        auto offset = read_size(head, "offset");
        if (!offset) return offset.error();
        if (*offset > data_.size() - base) return fail(head, "offset points past the end of the data");
        auto v = value(t, base + size_t(*offset));
        if (!v) return v.error();
        out.push_back(std::move(v).value());
      } else {
        auto v = value(t, head);
        if (!v) return v.error();
        out.push_back(std::move(v).value());
      }
      head += size_t(t.head_size());
    }
    return out;
  }

  Result<Value> value(const Type& type, size_t at) {
    if (values_left_ == 0) return too_large(at);
    --values_left_;
    switch (type.kind()) {
      case K::bytes:
      case K::string: {
        auto len = read_size(at, "length");
        if (!len) return len.error();
        const size_t start = at + 32;
        if (*len > data_.size() - start) return fail(at, "length runs past the end of the data");
        if (*len > bytes_left_) return too_large(at);
        bytes_left_ -= size_t(*len);
        auto first = data_.begin() + std::ptrdiff_t(start);
        auto last = first + std::ptrdiff_t(*len);
        if (type.kind() == K::bytes) return Value(Bytes(first, last));
        return Value(std::string(first, last));
      }
      case K::array: {
        auto len = read_size(at, "array length");
        if (!len) return len.error();
        const size_t start = at + 32;
        const std::uint64_t room = (data_.size() - start) / type.element().head_size();
        if (*len > room) return fail(at, "array length larger than the data that follows");
        auto items = sequence(
            size_t(*len), [&](size_t) -> const Type& { return type.element(); }, start);
        if (!items) return items.error();
        return Value(std::move(items).value());
      }
      case K::fixed_array: {
        const std::uint64_t per = type.element().head_size();
        if (at > data_.size() || type.size() > (data_.size() - at) / per)
          return fail(at, "fixed-size array runs past the end of the data");
        auto items = sequence(
            size_t(type.size()), [&](size_t) -> const Type& { return type.element(); }, at);
        if (!items) return items.error();
        return Value(std::move(items).value());
      }
      case K::tuple: {
        std::uint64_t heads = 0;
        for (const Type& c : type.components()) heads += c.head_size();
        if (at > data_.size() || heads > data_.size() - at)
          return fail(at, "tuple runs past the end of the data");
        auto items = sequence(
            type.components().size(), [&](size_t i) -> const Type& { return type.components()[i]; }, at);
        if (!items) return items.error();
        return Value(std::move(items).value());
      }
      default:
        return elementary(type, at);
    }
  }

 private:
  static ErrorInfo fail(size_t at, const std::string& why) {
    return make_error(ErrorCode::parse, "ABI decode: " + why + " at offset " + std::to_string(at), at);
  }
  static ErrorInfo too_large(size_t at) {
    return make_error(
        ErrorCode::too_large,
        "ABI decode: the data describes far more than its own size (aliased offsets) at offset " +
            std::to_string(at),
        at);
  }

  Result<const std::uint8_t*> word(size_t at) const {
    if (at > data_.size() || data_.size() - at < 32) return fail(at, "data too short");
    return data_.data() + at;
  }

  // A word that must be an offset or a length: it has to fit in the data, so anything above its size is
  // already an error (and no arithmetic on it can overflow).
  Result<std::uint64_t> read_size(size_t at, const char* what) const {
    auto w = word(at);
    if (!w) return w.error();
    const std::uint8_t* p = *w;
    if (std::any_of(p, p + 24, [](std::uint8_t b) { return b != 0; }))
      return fail(at, std::string(what) + " larger than the data");
    std::uint64_t v = 0;
    for (int i = 24; i < 32; ++i) v = v << 8 | p[i];
    if (v > data_.size()) return fail(at, std::string(what) + " larger than the data");
    return v;
  }

  Result<Value> elementary(const Type& type, size_t at) const {
    auto w = word(at);
    if (!w) return w.error();
    const std::uint8_t* p = *w;
    auto zeros = [](const std::uint8_t* from, const std::uint8_t* to) {
      return std::all_of(from, to, [](std::uint8_t b) { return b == 0; });
    };
    switch (type.kind()) {
      case K::uint:
      case K::int_: {
        U256 v = U256::from_be_bytes(ByteView(p, 32)).value();
        const unsigned bits = type.bits();
        if (bits < 256) {
          if (type.kind() == K::uint) {
            if (v.bit_length() > int(bits)) return fail(at, "value out of range for " + type.canonical());
          } else {
            const U256 rest = v >> (bits - 1);  // the sign bit and everything above must agree
            if (!rest.is_zero() && rest != (U256::max() >> (bits - 1)))
              return fail(at, "value not sign-extended for " + type.canonical());
          }
        }
        return Value(v);
      }
      case K::address:
        if (!zeros(p, p + 12)) return fail(at, "address with nonzero padding");
        return Value(Address::from_bytes(ByteView(p + 12, 20)));
      case K::boolean:
        if (!zeros(p, p + 31) || p[31] > 1) return fail(at, "bool neither 0 nor 1");
        return Value(p[31] == 1);
      case K::fixed_bytes:
        if (!zeros(p + type.size(), p + 32)) return fail(at, type.canonical() + " with nonzero padding");
        return Value(Bytes(p, p + type.size()));
      default:
        return fail(at, "unexpected type");
    }
  }

  ByteView data_;
  std::uint64_t values_left_;
  size_t bytes_left_;
};

}  // namespace

Result<std::vector<Value>> decode(const std::vector<Type>& types, ByteView data) {
  int depth = 1;
  std::uint64_t heads = 0;
  for (const Type& t : types) {
    depth = std::max(depth, t.depth());
    heads += t.head_size();
  }
  if (heads > data.size())
    return make_error(ErrorCode::parse,
                      "ABI decode: " + std::to_string(data.size()) + " bytes of data, the heads alone need " +
                          std::to_string(heads),
                      data.size());
  Decoder decoder(data, depth + 1);
  return decoder.sequence(
      types.size(), [&](size_t i) -> const Type& { return types[i]; }, 0);
}

Result<Value> decode(const Type& type, ByteView data) {
  auto values = decode(std::vector<Type>{type}, data);
  if (!values) return values.error();
  return std::move(values->front());
}

}  // namespace alith::web3::abi
