// Hex, U256, Keccak-256, addresses, keys and EIP-191 against published vectors and edge cases.
#include <gtest/gtest.h>

#include "alith/web3/keccak.h"
#include "alith/web3/keys.h"
#include "alith/web3/message.h"
#include "alith/web3/u256.h"

namespace alith::web3 {
namespace {

TEST(Hex, RoundTripsAndRejectsMalformed) {
  EXPECT_EQ(to_hex(from_hex("0xDEADbeef")), "0xdeadbeef");
  EXPECT_EQ(to_hex(from_hex("00ff")), "0x00ff");
  EXPECT_TRUE(from_hex("0x").empty());
  auto odd = parse_hex("0xabc");
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().code, ErrorCode::parse);
  auto bad = parse_hex("0x0g");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().offset, 3u);
  EXPECT_FALSE(parse_hash("0x00"));
  EXPECT_THROW(from_hex("zz"), ParseError);
}

TEST(Keccak, KnownDigests) {
  EXPECT_EQ(to_hex(keccak256("")), "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(to_hex(keccak256("abc")), "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  // The selector of transfer(address,uint256).
  EXPECT_EQ(to_hex(keccak256("transfer(address,uint256)")).substr(0, 10), "0xa9059cbb");
}

TEST(Keccak, IncrementalEqualsOneShotAcrossBlockBoundaries) {
  std::string data(1000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 + 7);
  for (size_t len : {0u, 1u, 135u, 136u, 137u, 271u, 272u, 273u, 1000u}) {
    std::string_view piece(data.data(), len);
    Keccak256 h;
    for (size_t i = 0; i < len; i += 7) h.update(piece.substr(i, 7));
    EXPECT_EQ(h.finish(), keccak256(piece)) << len;
  }
}

TEST(U256, ParsesFormatsAndWraps) {
  EXPECT_EQ(U256::from_string("0").to_string(), "0");
  EXPECT_EQ(U256::from_string("0x0").to_hex(), "0x0");
  U256 max =
      U256::from_string("115792089237316195423570985008687907853269984665640564039457584007913129639935");
  EXPECT_EQ(max, U256::max());
  EXPECT_EQ(max.to_hex(), "0x" + std::string(64, 'f'));
  EXPECT_FALSE(U256::parse("115792089237316195423570985008687907853269984665640564039457584007913129639936"));
  EXPECT_FALSE(U256::parse("12a"));
  EXPECT_FALSE(U256::parse(""));
  EXPECT_EQ(max + U256(1), U256(0));
  EXPECT_FALSE(U256::checked_add(max, 1));
  EXPECT_FALSE(U256::checked_sub(1, 2));
  EXPECT_FALSE(U256::checked_mul(U256(1) << 200, U256(1) << 56));
  EXPECT_EQ(*U256::checked_mul(U256(1) << 200, U256(1) << 55), U256(1) << 255);
  U256 big = U256::from_string("123456789012345678901234567890123456789012345678901234567890");
  EXPECT_EQ(big.to_string(), "123456789012345678901234567890123456789012345678901234567890");
  EXPECT_EQ((big / U256::from_string("1000000000000000000000000")).to_string(),
            "123456789012345678901234567890123456");
  EXPECT_EQ((big % U256(1000)).to_string(), "890");
  EXPECT_EQ((big >> 64 << 64) + (big & U256(~0ULL)), big);
  EXPECT_THROW(big / U256(0), InvalidArgumentError);
  EXPECT_EQ(U256::from_be_bytes(big.to_be_bytes()).value(), big);
  EXPECT_TRUE(U256(0).to_be_bytes_trimmed().empty());
  EXPECT_EQ(to_hex(U256(0x1234).to_be_bytes_trimmed()), "0x1234");
}

TEST(U256, SignedTwosComplement) {
  U256 minus_one = U256::parse_signed("-1").value();
  EXPECT_EQ(minus_one, U256::max());
  EXPECT_EQ(minus_one.to_signed_string(), "-1");
  U256 min =
      U256::parse_signed("-57896044618658097711785492504343953926634992332820282019728792003956564819968")
          .value();
  EXPECT_EQ(min, U256(1) << 255);
  EXPECT_FALSE(
      U256::parse_signed("-57896044618658097711785492504343953926634992332820282019728792003956564819969"));
}

TEST(Units, ParseAndFormat) {
  EXPECT_EQ(parse_units("1.5", 18).value().to_string(), "1500000000000000000");
  EXPECT_EQ(parse_units("0.000000000000000001", 18).value(), U256(1));
  EXPECT_EQ(parse_units("12", 6).value(), U256(12'000'000));
  EXPECT_FALSE(parse_units("0.0000001", 6));
  EXPECT_FALSE(parse_units("-1", 18));
  EXPECT_FALSE(parse_units("1e18", 18));
  EXPECT_EQ(format_units(U256::from_string("1500000000000000000"), 18), "1.5");
  EXPECT_EQ(format_units(U256(1), 18), "0.000000000000000001");
  EXPECT_EQ(format_units(U256(0), 18), "0");
  EXPECT_EQ(format_units(U256(42), 0), "42");
}

TEST(Address, Eip55Checksums) {
  for (const char* text :
       {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"}) {
    Address a = Address::from_string(text);
    EXPECT_EQ(a.to_checksum(), text);
    std::string lower = a.to_hex();
    EXPECT_EQ(Address::from_string(lower), a);
  }
  // One flipped letter case is a checksum error.
  auto bad = Address::parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::parse);
  EXPECT_FALSE(Address::parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA"));
  EXPECT_FALSE(Address::parse("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00"));
  EXPECT_TRUE(Address{}.is_zero());
}

TEST(Keys, KnownKeyGivesKnownAddress) {
  // The first default account of hardhat and anvil.
  auto key = PrivateKey::parse("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80").value();
  EXPECT_EQ(key.address().to_checksum(), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  EXPECT_EQ(PublicKey::parse(key.public_key().compressed()).value(), key.public_key());
}

TEST(Keys, RejectsOutOfRangeKeysWithoutEchoingThem) {
  auto zero = PrivateKey::from_bytes(Bytes(32, 0));
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, ErrorCode::crypto);
  auto order = PrivateKey::parse("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  ASSERT_FALSE(order);
  EXPECT_EQ(order.error().message.find("baaedce6"), std::string::npos);
  EXPECT_FALSE(PrivateKey::from_bytes(Bytes(31, 1)));
  EXPECT_FALSE(PrivateKey::parse("0xzz"));
}

TEST(Keys, SignaturesAreLowSAndRecover) {
  for (int i = 0; i < 50; ++i) {
    PrivateKey key = PrivateKey::random();
    Hash digest = keccak256(std::to_string(i));
    Signature sig = key.sign_hash(digest);
    EXPECT_TRUE(sig.is_low_s());
    EXPECT_EQ(recover_address(digest, sig).value(), key.address());
    EXPECT_EQ(key.sign_hash(digest), sig) << "RFC 6979 signatures are deterministic";
  }
}

TEST(Keys, RecoveryRejectsHighSAndBadValues) {
  PrivateKey key = PrivateKey::random();
  Hash digest = keccak256("x");
  Signature sig = key.sign_hash(digest);
  // s' = n - s is the same signature's high-s twin, which EIP-2 forbids.
  U256 n = U256::from_string("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  Signature high = sig;
  high.s = (n - U256::from_be_bytes(sig.s).value()).to_be_bytes();
  high.y_parity ^= 1;
  EXPECT_FALSE(high.is_low_s());
  auto rejected = recover_address(digest, high);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().code, ErrorCode::crypto);
  Signature zero = sig;
  zero.r = {};
  EXPECT_FALSE(recover_address(digest, zero));
  Signature over = sig;
  over.r = n.to_be_bytes();
  EXPECT_FALSE(recover_address(digest, over));
  auto bytes = sig.to_bytes();
  bytes[64] = 29;
  EXPECT_FALSE(Signature::from_bytes(bytes));
  EXPECT_FALSE(Signature::from_bytes(Bytes(64, 1)));
  bytes[64] = 0;
  EXPECT_EQ(Signature::from_bytes(bytes).value().y_parity, 0);
}

TEST(Message, PersonalSignRecoversTheSigner) {
  PrivateKey key =
      PrivateKey::parse("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80").value();
  Signature sig = sign_message(key, "hello");
  EXPECT_EQ(recover_message_signer("hello", sig).value(), key.address());
  EXPECT_NE(recover_message_signer("hellO", sig).value(), key.address());
  // ethers.hashMessage("hello")
  EXPECT_EQ(to_hex(hash_message("hello")),
            "0x50b2c43fd39106bafbba0da34fc430e1f91e3c96ea2acee2bc34119f92b37750");
}

}  // namespace
}  // namespace alith::web3
