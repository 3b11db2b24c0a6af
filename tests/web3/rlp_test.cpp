// RLP: the classic vectors of the Ethereum wiki both ways, and every non-canonical or truncated form the
// decoder must refuse (with the offset of the offending item).

#include "alith/web3/rlp.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace alith::web3 {
namespace {

RlpItem str(std::string_view text) {
  return RlpItem::string(to_bytes(text));
}

RlpItem list(std::vector<RlpItem> items) {
  return RlpItem::list(std::move(items));
}

std::string encode_hex(const RlpItem& item) {
  return to_hex(rlp_encode(item), false);
}

void expect_round_trip(const RlpItem& item, const std::string& hex) {
  EXPECT_EQ(encode_hex(item), hex);
  auto decoded = rlp_decode(from_hex(hex));
  ASSERT_TRUE(decoded.ok()) << hex << ": " << decoded.error().message;
  EXPECT_EQ(*decoded, item) << hex;
}

// The decoder's error for hex, which must be a parse error at offset.
ErrorInfo decode_error(const std::string& hex) {
  auto decoded = rlp_decode(from_hex(hex));
  EXPECT_FALSE(decoded.ok()) << hex << " decoded";
  if (decoded.ok()) return {};
  EXPECT_EQ(decoded.error().code, ErrorCode::parse);
  return decoded.error();
}

TEST(Rlp, ClassicVectors) {
  expect_round_trip(str("dog"), "83646f67");
  expect_round_trip(list({str("cat"), str("dog")}), "c88363617483646f67");
  expect_round_trip(str(""), "80");
  expect_round_trip(list({}), "c0");
  expect_round_trip(RlpItem::string(Bytes{0x00}), "00");
  expect_round_trip(RlpItem::string(Bytes{0x0f}), "0f");
  expect_round_trip(RlpItem::string(Bytes{0x7f}), "7f");
  expect_round_trip(RlpItem::string(Bytes{0x80}), "8180");
  expect_round_trip(RlpItem::string(Bytes{0x04, 0x00}), "820400");
  // The set-theoretic representation of three: [ [], [[]], [ [], [[]] ] ].
  expect_round_trip(list({list({}), list({list({})}), list({list({}), list({list({})})})}),
                    "c7c0c1c0c3c0c1c0");
  const std::string lorem = "Lorem ipsum dolor sit amet, consectetur adipisicing elit";
  ASSERT_EQ(lorem.size(), 56u);
  expect_round_trip(str(lorem), "b838" + to_hex(as_bytes(lorem), false));
  // A list whose payload is 56 bytes or more takes the long form too.
  expect_round_trip(list({str(lorem)}), "f83a" + std::string("b838") + to_hex(as_bytes(lorem), false));
}

TEST(Rlp, Integers) {
  EXPECT_EQ(encode_hex(RlpItem::uint(0)), "80");
  EXPECT_EQ(encode_hex(RlpItem::uint(15)), "0f");
  EXPECT_EQ(encode_hex(RlpItem::uint(127)), "7f");
  EXPECT_EQ(encode_hex(RlpItem::uint(128)), "8180");
  EXPECT_EQ(encode_hex(RlpItem::uint(1024)), "820400");
  EXPECT_EQ(encode_hex(RlpItem::uint(U256::max())), "a0" + std::string(64, 'f'));
  for (std::uint64_t v : {0ull, 1ull, 127ull, 128ull, 255ull, 256ull, 1024ull, 0xffffffffffffffffull}) {
    auto decoded = rlp_decode(rlp_encode(RlpItem::uint(v)));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->to_u64().value(), v);
    EXPECT_EQ(decoded->to_u256().value(), U256(v));
  }
  auto big = U256::from_string("0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  EXPECT_EQ(rlp_decode(rlp_encode(RlpItem::uint(big))).value().to_u256().value(), big);
}

TEST(Rlp, IntegersMustBeCanonical) {
  // A leading zero byte: the same number would have two encodings.
  auto leading = rlp_decode(from_hex("820001")).value();
  EXPECT_FALSE(leading.to_u64().ok());
  EXPECT_FALSE(leading.to_u256().ok());
  // Zero is the empty string, never 0x00.
  auto zero_byte = rlp_decode(from_hex("00")).value();
  EXPECT_FALSE(zero_byte.to_u64().ok());
  EXPECT_FALSE(zero_byte.to_u256().ok());
  // Too wide for the field.
  auto nine = rlp_decode(rlp_encode(RlpItem::string(Bytes(9, 0x01)))).value();
  EXPECT_FALSE(nine.to_u64().ok());
  EXPECT_TRUE(nine.to_u256().ok());
  auto wide = rlp_decode(rlp_encode(RlpItem::string(Bytes(33, 0x01)))).value();
  EXPECT_FALSE(wide.to_u256().ok());
  // A list is not an integer.
  EXPECT_FALSE(rlp_decode(from_hex("c0")).value().to_u64().ok());
  // The error points at the item inside the enclosing list.
  auto in_list = rlp_decode(from_hex("c4808200ff")).value();
  auto error = in_list.list()[1].to_u64();
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().code, ErrorCode::parse);
  EXPECT_EQ(error.error().offset, 2u);
}

TEST(Rlp, AccessorsOfTheWrongKindThrow) {
  EXPECT_THROW((void)list({}).bytes(), InvalidArgumentError);
  EXPECT_THROW((void)str("x").list(), InvalidArgumentError);
}

TEST(Rlp, RejectsNonCanonicalForms) {
  // A single byte below 0x80 written with a length prefix.
  EXPECT_EQ(decode_error("8105").offset, 0u);
  EXPECT_EQ(decode_error("817f").offset, 0u);
  EXPECT_EQ(decode_error("c28105").offset, 1u);
  // The long form for a length below 56, for strings and lists.
  EXPECT_EQ(decode_error("b803646f67").offset, 0u);
  EXPECT_EQ(decode_error("b837" + std::string(55 * 2, '1')).offset, 0u);
  EXPECT_EQ(decode_error("f801c0").offset, 0u);
  // A length with leading zeros.
  EXPECT_EQ(decode_error("b90038" + std::string(56 * 2, '1')).offset, 0u);
  EXPECT_EQ(decode_error("f9003a" + std::string("b838") + std::string(56 * 2, '1')).offset, 0u);
}

TEST(Rlp, RejectsTruncatedAndOverlongInput) {
  EXPECT_EQ(decode_error("").offset, 0u);
  EXPECT_EQ(decode_error("83646f").offset, 0u);
  EXPECT_EQ(decode_error("b8").offset, 0u);
  EXPECT_EQ(decode_error("b938").offset, 0u);
  EXPECT_EQ(decode_error("c3c0").offset, 0u);
  // 64-bit length prefixes far past the end, including the largest, must not wrap around.
  EXPECT_EQ(decode_error("bfffffffffffffffff").offset, 0u);
  EXPECT_EQ(decode_error("bfffffffffffffffff00").offset, 0u);
  EXPECT_EQ(decode_error("bf7fffffffffffffff").offset, 0u);
  EXPECT_EQ(decode_error("ffffffffffffffffff").offset, 0u);
  EXPECT_EQ(decode_error("ff8000000000000000c0").offset, 0u);
  // An item that crosses the end of its enclosing list, though the input goes on.
  EXPECT_EQ(decode_error("c1820000").offset, 1u);
  EXPECT_EQ(decode_error("c1c1c0").offset, 1u);
}

TEST(Rlp, RejectsTrailingBytes) {
  EXPECT_EQ(decode_error("8080").offset, 1u);
  EXPECT_EQ(decode_error("c000").offset, 1u);
  EXPECT_EQ(decode_error("83646f6767").offset, 4u);
}

TEST(Rlp, LimitsNesting) {
  auto nested = [](size_t depth) {
    RlpItem item = list({});
    for (size_t i = 1; i < depth; ++i) item = list({item});
    return rlp_encode(item);
  };
  EXPECT_TRUE(rlp_decode(nested(kRlpMaxDepth)).ok());
  auto too_deep = rlp_decode(nested(kRlpMaxDepth + 1));
  ASSERT_FALSE(too_deep.ok());
  EXPECT_NE(too_deep.error().message.find("nested deeper than 64"), std::string::npos);
  EXPECT_FALSE(rlp_decode(nested(3), 2).ok());
  EXPECT_TRUE(rlp_decode(nested(2), 2).ok());
  // Far deeper than the limit (a well-formed chain of 100,000 lists): refused without exhausting the stack.
  std::vector<Bytes> headers;
  size_t size = 1;
  for (int i = 0; i < 100'000; ++i) {
    Bytes header;
    rlp_append_list_header(header, size);
    size += header.size();
    headers.push_back(std::move(header));
  }
  Bytes deep;
  for (auto it = headers.rbegin(); it != headers.rend(); ++it)
    deep.insert(deep.end(), it->begin(), it->end());
  deep.push_back(0xc0);
  ASSERT_EQ(deep.size(), size);
  EXPECT_FALSE(rlp_decode(deep).ok());
}

TEST(Rlp, RecordsOffsets) {
  auto decoded = rlp_decode(from_hex("c88363617483646f67")).value();
  EXPECT_EQ(decoded.offset(), 0u);
  EXPECT_EQ(decoded.list()[0].offset(), 1u);
  EXPECT_EQ(decoded.list()[1].offset(), 5u);
}

TEST(Rlp, AppendHelpersMatchItems) {
  Bytes payload;
  rlp_append_uint(payload, 1024);
  rlp_append_string(payload, as_bytes("dog"));
  EXPECT_EQ(to_hex(rlp_wrap_list(payload), false), encode_hex(list({RlpItem::uint(1024), str("dog")})));
  Bytes long_payload(1000, 0x01);
  EXPECT_EQ(rlp_wrap_list(long_payload).size(), 3u + 1000u);
  EXPECT_EQ(rlp_encode(RlpItem::string(Bytes(70000, 0x02))).size(), 4u + 70000u);
  auto big = rlp_decode(rlp_encode(RlpItem::string(Bytes(70000, 0x02))));
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->bytes().size(), 70000u);
}

}  // namespace
}  // namespace alith::web3
