// Transactions: the EIP-155 example, type 1 and type 2 vectors computed once with ethers v6, and every
// malformed raw transaction decode_transaction must refuse.

#include "alith/web3/transaction.h"

#include <gtest/gtest.h>

#include "alith/web3/rlp.h"

namespace alith::web3 {
namespace {

const char* kKey = "0x4646464646464646464646464646464646464646464646464646464646464646";
const char* kSender = "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F";
const char* kEip155Raw =
    "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd9"
    "39"
    "bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297f"
    "b1"
    "966a3b6d83";
const char* kType2Raw =
    "0x02f873010984773594008506fc23ac00825208943535353535353535353535353535353535353535880de0b6b3a764000080c0"
    "80"
    "a02b03b67e070f45175ce9d07c4512720168bd468a24edb6997977a53d48c87a12a0733d775fdd689d306e08ac8ab399f34b5a02"
    "53"
    "b47ed81b8bf2d2a6ea607fcac7";
const char* kType1Raw =
    "0x01f89005808504a817c80082c3508080856001600055f838f7943535353535353535353535353535353535353535e1a0000000"
    "00"
    "0000000000000000000000000000000000000000000000000000000180a00d3e6de1ebe1dd233009122d25c83962cb2a98301aea"
    "8a"
    "77ec3875e419d08659a0487efbabee4ab4496b93118672ba961ccb733499561a6002bd0ce6e7f61ab651";
// secp256k1's group order n.
const char* kOrder = "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

PrivateKey key() {
  return PrivateKey::parse(kKey).value();
}

Transaction eip155_example() {
  Transaction tx;
  tx.type = TxType::legacy;
  tx.chain_id = 1;
  tx.nonce = 9;
  tx.gas_price = U256::from_string("20000000000");
  tx.gas_limit = 21000;
  tx.to = Address::from_string("0x3535353535353535353535353535353535353535");
  tx.value = U256::from_string("1000000000000000000");
  return tx;
}

TEST(Transaction, Eip155Example) {
  Transaction tx = eip155_example();
  EXPECT_EQ(to_hex(tx.signing_payload()),
            "0xec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080");
  EXPECT_EQ(to_hex(tx.signing_hash()), "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
  SignedTransaction signed_tx = sign_transaction(tx, key());
  EXPECT_EQ(signed_tx.v(), U256(37));
  EXPECT_EQ(U256::from_be_bytes(signed_tx.signature.r).value().to_string(),
            "18515461264373351373200002665853028612451056578545711640558177340181847433846");
  EXPECT_EQ(U256::from_be_bytes(signed_tx.signature.s).value().to_string(),
            "46948507304638947509940763649030358759909902576025900602547168820602576006531");
  EXPECT_EQ(to_hex(signed_tx.raw()), kEip155Raw);
  EXPECT_EQ(signed_tx.sender().value().to_checksum(), kSender);

  auto decoded = decode_transaction(from_hex(kEip155Raw));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, signed_tx);
  EXPECT_EQ(decoded->hash(), signed_tx.hash());
}

TEST(Transaction, PreEip155LegacyUsesV27Or28) {
  Transaction tx = eip155_example();
  tx.chain_id = 0;
  EXPECT_EQ(to_hex(tx.signing_payload()),
            "0xe9098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080");
  SignedTransaction signed_tx = sign_transaction(tx, key());
  EXPECT_TRUE(signed_tx.v() == U256(27) || signed_tx.v() == U256(28));
  auto decoded = decode_transaction(signed_tx.raw());
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, signed_tx);
  EXPECT_EQ(decoded->sender().value(), key().address());
}

TEST(Transaction, DynamicFeeVector) {
  Transaction tx;
  tx.type = TxType::dynamic_fee;
  tx.chain_id = 1;
  tx.nonce = 9;
  tx.max_priority_fee_per_gas = U256::from_string("2000000000");
  tx.max_fee_per_gas = U256::from_string("30000000000");
  tx.gas_limit = 21000;
  tx.to = Address::from_string("0x3535353535353535353535353535353535353535");
  tx.value = U256::from_string("1000000000000000000");
  EXPECT_EQ(
      to_hex(tx.signing_payload()),
      "0x02f0010984773594008506fc23ac00825208943535353535353535353535353535353535353535880de0b6b3a764000080"
      "c0");
  EXPECT_EQ(to_hex(tx.signing_hash()), "0xfae77debb64203fbaea6213fcde74f1b138c6854c3d7b44ba1c2ced52c2d8c4d");
  SignedTransaction signed_tx = sign_transaction(tx, key());
  EXPECT_EQ(to_hex(signed_tx.raw()), kType2Raw);
  EXPECT_EQ(to_hex(signed_tx.hash()), "0xbb94970b7e5afad02e4e38a462eacd085a96791deacaab2827d61aeb20e0778e");
  auto decoded = decode_transaction(from_hex(kType2Raw));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, signed_tx);
  EXPECT_EQ(decoded->sender().value().to_checksum(), kSender);
}

TEST(Transaction, AccessListVectorWithContractCreation) {
  Transaction tx;
  tx.type = TxType::access_list;
  tx.chain_id = 5;
  tx.gas_price = U256::from_string("20000000000");
  tx.gas_limit = 50000;
  tx.data = from_hex("0x6001600055");
  tx.access_list.push_back({.address = Address::from_string("0x3535353535353535353535353535353535353535"),
                            .storage_keys = {hash_from_hex("0x" + std::string(63, '0') + "1")}});
  EXPECT_EQ(to_hex(tx.signing_hash()), "0x4f4286007710ef4551adeda1ce90232c138f2d03367c4e5071cae6334b4d5888");
  SignedTransaction signed_tx = sign_transaction(tx, key());
  EXPECT_EQ(to_hex(signed_tx.raw()), kType1Raw);
  EXPECT_EQ(to_hex(signed_tx.hash()), "0xae192d6a2de5b452516cee031a9e98e1b0b4bf76e094cededa58672a7a571321");
  auto decoded = decode_transaction(from_hex(kType1Raw));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, signed_tx);
  EXPECT_FALSE(decoded->tx.to.has_value());
}

TEST(Transaction, FieldsOfAnotherTypeAreRefused) {
  Transaction dynamic;
  dynamic.gas_price = 1;
  EXPECT_THROW((void)dynamic.signing_hash(), InvalidArgumentError);
  Transaction legacy = eip155_example();
  legacy.access_list.push_back({});
  EXPECT_THROW((void)sign_transaction(legacy, key()), InvalidArgumentError);
  Transaction access = eip155_example();
  access.type = TxType::access_list;
  access.max_fee_per_gas = 1;
  EXPECT_THROW((void)access.signing_payload(), InvalidArgumentError);
  Transaction inverted;
  inverted.max_priority_fee_per_gas = 2;
  inverted.max_fee_per_gas = 1;
  EXPECT_NO_THROW((void)inverted.signing_hash());
  EXPECT_THROW((void)sign_transaction(inverted, key()), InvalidArgumentError);
}

TEST(Transaction, Json) {
  SignedTransaction signed_tx = sign_transaction(eip155_example(), key());
  Json json = to_json(signed_tx);
  EXPECT_EQ(json["type"], "0x0");
  EXPECT_EQ(json["chainId"], "0x1");
  EXPECT_EQ(json["nonce"], "0x9");
  EXPECT_EQ(json["gas"], "0x5208");
  EXPECT_EQ(json["gasPrice"], "0x4a817c800");
  EXPECT_EQ(json["to"], "0x3535353535353535353535353535353535353535");
  EXPECT_EQ(json["value"], "0xde0b6b3a7640000");
  EXPECT_EQ(json["input"], "0x");
  EXPECT_EQ(json["v"], "0x25");
  EXPECT_EQ(json["r"], "0x28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276");
  EXPECT_EQ(json["s"], "0x67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
  EXPECT_EQ(json["from"], kSender);
  EXPECT_EQ(json["hash"], to_hex(signed_tx.hash()));
  EXPECT_FALSE(json.contains("accessList"));
  EXPECT_FALSE(json.contains("yParity"));

  Json typed = to_json(decode_transaction(from_hex(kType1Raw)).value());
  EXPECT_EQ(typed["type"], "0x1");
  EXPECT_EQ(typed["to"], nullptr);
  EXPECT_EQ(typed["yParity"], "0x0");
  EXPECT_EQ(typed["v"], "0x0");
  EXPECT_EQ(typed["accessList"][0]["address"], "0x3535353535353535353535353535353535353535");
  EXPECT_EQ(typed["accessList"][0]["storageKeys"][0], "0x" + std::string(63, '0') + "1");
  Json dynamic = to_json(decode_transaction(from_hex(kType2Raw)).value().tx);
  EXPECT_EQ(dynamic["maxFeePerGas"], "0x6fc23ac00");
  EXPECT_EQ(dynamic["maxPriorityFeePerGas"], "0x77359400");
  EXPECT_FALSE(dynamic.contains("gasPrice"));
  EXPECT_FALSE(dynamic.contains("from"));
}

// Decoding malformed transactions: each case starts from a valid one and breaks one thing.

std::vector<RlpItem> fields_of(const char* raw_hex, bool typed) {
  Bytes raw = from_hex(raw_hex);
  return rlp_decode(ByteView(raw).subspan(typed ? 1 : 0)).value().list();
}

Bytes legacy_raw(const std::vector<RlpItem>& fields) {
  return rlp_encode(RlpItem::list(fields));
}

Bytes typed_raw(std::uint8_t type, const std::vector<RlpItem>& fields) {
  Bytes out{type};
  Bytes body = rlp_encode(RlpItem::list(fields));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

ErrorInfo decode_error(const Bytes& raw, ErrorCode code = ErrorCode::parse) {
  auto decoded = decode_transaction(raw);
  EXPECT_FALSE(decoded.ok()) << to_hex(raw) << " decoded";
  if (decoded.ok()) return {};
  EXPECT_EQ(decoded.error().code, code) << decoded.error().message;
  EXPECT_TRUE(decoded.error().offset.has_value()) << decoded.error().message;
  return decoded.error();
}

TEST(DecodeTransaction, RejectsUnknownTypesAndNonLists) {
  EXPECT_EQ(decode_error({}).offset, 0u);
  for (std::uint8_t type : {0x00, 0x03, 0x04, 0x05, 0x7f}) {
    Bytes raw = from_hex(kType2Raw);
    raw[0] = type;
    ErrorInfo e = decode_error(raw);
    EXPECT_EQ(e.offset, 0u);
    EXPECT_NE(e.message.find("type"), std::string::npos) << e.message;
  }
  EXPECT_EQ(decode_error(from_hex("0x80")).offset, 0u);
  EXPECT_EQ(decode_error(from_hex("0x8180")).offset, 0u);
  // A typed transaction whose payload is a string, not a list.
  EXPECT_EQ(decode_error(from_hex("0x0280")).offset, 1u);
}

TEST(DecodeTransaction, RejectsTrailingBytesAndTruncation) {
  Bytes legacy = from_hex(kEip155Raw);
  legacy.push_back(0x00);
  EXPECT_EQ(decode_error(legacy).offset, legacy.size() - 1);
  Bytes typed = from_hex(kType2Raw);
  typed.push_back(0xc0);
  EXPECT_EQ(decode_error(typed).offset, typed.size() - 1);
  Bytes truncated = from_hex(kType1Raw);
  truncated.pop_back();
  decode_error(truncated);
}

TEST(DecodeTransaction, RejectsWrongFieldCounts) {
  auto legacy = fields_of(kEip155Raw, false);
  auto fewer = legacy;
  fewer.pop_back();
  decode_error(legacy_raw(fewer));
  auto more = legacy;
  more.push_back(RlpItem());
  decode_error(legacy_raw(more));
  auto typed = fields_of(kType2Raw, true);
  decode_error(typed_raw(1, typed));  // 12 fields under type 1, which has 11
  typed.pop_back();
  decode_error(typed_raw(2, typed));
}

TEST(DecodeTransaction, RejectsNonCanonicalAndOversizedIntegers) {
  auto legacy = fields_of(kEip155Raw, false);
  auto padded = legacy;
  padded[0] = RlpItem::string(Bytes{0x00, 0x09});  // nonce 9 with a leading zero
  ErrorInfo e = decode_error(legacy_raw(padded));
  EXPECT_EQ(e.offset, 2u);
  EXPECT_NE(e.message.find("nonce"), std::string::npos) << e.message;
  auto zero = legacy;
  zero[4] = RlpItem::string(Bytes{0x00});  // value zero written as 0x00
  decode_error(legacy_raw(zero));
  auto wide_nonce = legacy;
  wide_nonce[0] = RlpItem::string(Bytes(9, 0x01));
  decode_error(legacy_raw(wide_nonce));
  auto wide_gas = legacy;
  wide_gas[2] = RlpItem::string(Bytes(9, 0x01));
  decode_error(legacy_raw(wide_gas));
  auto wide_value = legacy;
  wide_value[4] = RlpItem::string(Bytes(33, 0x01));
  decode_error(legacy_raw(wide_value));
  auto typed = fields_of(kType2Raw, true);
  auto wide_chain = typed;
  wide_chain[0] = RlpItem::string(Bytes(9, 0x01));
  EXPECT_EQ(decode_error(typed_raw(2, wide_chain)).offset, 3u);
  auto list_fee = typed;
  list_fee[3] = RlpItem::list({});
  decode_error(typed_raw(2, list_fee));
  auto list_data = typed;
  list_data[7] = RlpItem::list({});
  decode_error(typed_raw(2, list_data));
}

TEST(DecodeTransaction, RejectsBadRecipients) {
  auto legacy = fields_of(kEip155Raw, false);
  for (size_t size : {1u, 19u, 21u, 32u}) {
    auto bad = legacy;
    bad[3] = RlpItem::string(Bytes(size, 0x35));
    ErrorInfo e = decode_error(legacy_raw(bad));
    EXPECT_NE(e.message.find("to"), std::string::npos) << e.message;
  }
  auto list_to = legacy;
  list_to[3] = RlpItem::list({});
  decode_error(legacy_raw(list_to));
}

TEST(DecodeTransaction, RejectsMalformedAccessLists) {
  auto typed = fields_of(kType1Raw, true);
  const RlpItem good_entry = typed[7].list()[0];
  const RlpItem address = good_entry.list()[0];
  const RlpItem keys = good_entry.list()[1];
  std::vector<RlpItem> bad_lists = {
      RlpItem(),                                                              // a string
      RlpItem::list({RlpItem()}),                                             // an entry that is a string
      RlpItem::list({RlpItem::list({address})}),                              // one field
      RlpItem::list({RlpItem::list({address, keys, keys})}),                  // three fields
      RlpItem::list({RlpItem::list({RlpItem::string(Bytes(19, 1)), keys})}),  // short address
      RlpItem::list({RlpItem::list({address, RlpItem()})}),                   // keys not a list
      RlpItem::list({RlpItem::list({address, RlpItem::list({RlpItem::uint(1)})})}),   // a 1-byte key
      RlpItem::list({RlpItem::list({address, RlpItem::list({RlpItem::list({})})})}),  // a list as key
  };
  for (const RlpItem& list : bad_lists) {
    auto bad = typed;
    bad[7] = list;
    ErrorInfo e = decode_error(typed_raw(1, bad));
    EXPECT_NE(e.message.find("accessList"), std::string::npos) << e.message;
  }
}

TEST(DecodeTransaction, RejectsBadSignatureValues) {
  auto legacy = fields_of(kEip155Raw, false);
  for (std::uint64_t v : {0u, 1u, 26u, 29u, 35u, 36u}) {
    auto bad = legacy;
    bad[6] = RlpItem::uint(v);
    ErrorInfo e = decode_error(legacy_raw(bad));
    EXPECT_NE(e.message.find("v"), std::string::npos) << e.message;
  }
  // v claiming a chain id past 64 bits.
  auto huge_v = legacy;
  huge_v[6] = RlpItem::uint(U256(1) << 70);
  decode_error(legacy_raw(huge_v));
  // A different chain id in v decodes (to another chain), but the sender no longer recovers to the signer.
  auto other_chain = legacy;
  other_chain[6] = RlpItem::uint(2 * 5 + 35);
  auto moved = decode_transaction(legacy_raw(other_chain));
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->tx.chain_id, 5u);
  auto moved_sender = moved->sender();
  EXPECT_TRUE(!moved_sender.ok() || moved_sender.value().to_checksum() != kSender);

  // High s (the malleable twin n - s with the parity flipped) is refused as a crypto error.
  const U256 order = U256::from_string(kOrder);
  auto high = legacy;
  high[6] = RlpItem::uint(38);
  high[8] = RlpItem::uint(order - legacy[8].to_u256().value());
  decode_error(legacy_raw(high), ErrorCode::crypto);
  auto zero_r = legacy;
  zero_r[7] = RlpItem();
  decode_error(legacy_raw(zero_r), ErrorCode::crypto);
  auto zero_s = legacy;
  zero_s[8] = RlpItem();
  decode_error(legacy_raw(zero_s), ErrorCode::crypto);
  auto wide_r = legacy;
  wide_r[7] = RlpItem::string(Bytes(33, 0x01));
  decode_error(legacy_raw(wide_r));

  auto typed = fields_of(kType2Raw, true);
  for (std::uint64_t parity : {2u, 27u, 28u}) {
    auto bad = typed;
    bad[9] = RlpItem::uint(parity);
    ErrorInfo e = decode_error(typed_raw(2, bad));
    EXPECT_NE(e.message.find("yParity"), std::string::npos) << e.message;
  }
  auto typed_high = typed;
  typed_high[9] = RlpItem::uint(1 - typed[9].to_u64().value());
  typed_high[11] = RlpItem::uint(order - typed[11].to_u256().value());
  decode_error(typed_raw(2, typed_high), ErrorCode::crypto);
}

TEST(DecodeTransaction, DecodedTransactionsReserializeExactly) {
  for (const char* raw : {kEip155Raw, kType1Raw, kType2Raw}) {
    Bytes bytes = from_hex(raw);
    auto decoded = decode_transaction(bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(decoded->raw(), bytes);
  }
}

}  // namespace
}  // namespace alith::web3
