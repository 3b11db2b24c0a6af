// EIP-712 typed data: the specification's Mail example (encodeType, typeHash, domain separator, digest and
// the signature by keccak256("cow")), the domain derived when types omit it, and every rejection with its
// path.
#include <gtest/gtest.h>

#include "alith/web3/eip712.h"
#include "alith/web3/keccak.h"

namespace alith::web3 {
namespace {

Json mail() {
  return Json::parse(R"({
    "types": {
      "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                       {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
      "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
      "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person"},
               {"name": "contents", "type": "string"}]
    },
    "primaryType": "Mail",
    "domain": {"name": "Ether Mail", "version": "1", "chainId": 1,
               "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
    "message": {
      "from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
      "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
      "contents": "Hello, Bob!"
    }
  })");
}

constexpr std::string_view kMailDigest = "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2";

ErrorInfo error_of(const Json& doc) {
  auto parsed = TypedData::from_json(doc);
  EXPECT_FALSE(parsed) << doc.dump();
  return parsed ? ErrorInfo{ErrorCode::parse, "parsed", std::nullopt} : parsed.error();
}

// A document with one struct T of the given fields and a message for it.
Json single(const Json& fields, const Json& message) {
  return {
      {"types", {{"T", fields}}}, {"primaryType", "T"}, {"domain", {{"chainId", 1}}}, {"message", message}};
}

TEST(Eip712, MailExampleFromTheSpecification) {
  TypedData data = TypedData::from_json(mail()).value();
  EXPECT_EQ(data.types().encode_type("Mail").value(),
            "Mail(Person from,Person to,string contents)Person(string name,address wallet)");
  EXPECT_EQ(to_hex(data.types().type_hash("Mail").value()),
            "0xa0cedeb2dc280ba39b857546d74f5549c3a1d7bdc2dd96bf881f76108e23dac2");
  EXPECT_EQ(to_hex(data.domain_separator()),
            "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f");
  EXPECT_EQ(to_hex(data.message_hash()),
            "0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e");
  EXPECT_EQ(to_hex(data.digest()), kMailDigest);
  EXPECT_EQ(data.primary_type(), "Mail");

  PrivateKey cow = PrivateKey::from_bytes(keccak256("cow")).value();
  EXPECT_EQ(cow.address().to_checksum(), "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826");
  Signature sig = sign_typed_data(cow, data);
  EXPECT_EQ(sig.to_hex(),
            "0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d07299936d304c153f6443dfa05f40f"
            "f007d7291"
            "1b6f72307f996231605b915621c");
  EXPECT_EQ(recover_typed_data_signer(data, sig).value(), cow.address());
}

TEST(Eip712, ParsesTextAndDerivesTheDomainTypeAndPrimaryType) {
  EXPECT_EQ(to_hex(TypedData::parse(mail().dump()).value().digest()), kMailDigest);
  Json doc = mail();
  doc["types"].erase("EIP712Domain");
  doc.erase("primaryType");
  TypedData data = TypedData::from_json(doc).value();
  EXPECT_EQ(to_hex(data.digest()), kMailDigest);
  EXPECT_EQ(data.primary_type(), "Mail");
  EXPECT_EQ(data.types().encode_type("EIP712Domain").value(),
            "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
  // Derived in the standard order whatever the domain's order; a null field is absent.
  doc["domain"] = {{"salt", "0x" + std::string(64, '1')}, {"chainId", "0x89"}, {"name", nullptr}};
  EXPECT_EQ(TypedData::from_json(doc).value().types().encode_type("EIP712Domain").value(),
            "EIP712Domain(uint256 chainId,bytes32 salt)");
}

TEST(Eip712, IntegerFormsAndAliases) {
  Json fields = {{{"name", "a"}, {"type", "uint"}},
                 {{"name", "b"}, {"type", "int8"}},
                 {{"name", "c"}, {"type", "int[]"}}};
  TypedData data =
      TypedData::from_json(single(fields, {{"a", "0xff"}, {"b", -128}, {"c", {"-1", 5, "0x10"}}})).value();
  EXPECT_EQ(data.types().encode_type("T").value(), "T(uint256 a,int8 b,int256[] c)");
  TypedData same =
      TypedData::from_json(single(fields, {{"a", 255}, {"b", "-128"}, {"c", {-1, "5", 16.0}}})).value();
  EXPECT_EQ(data.digest(), same.digest());
  Bytes encoded = data.types().encode_data("T", data.message()).value();
  ASSERT_EQ(encoded.size(), 4u * 32);
  EXPECT_EQ(encoded[63], 0xff);
  EXPECT_EQ(encoded[64], 0xff);  // -128 sign-extended to 256 bits
  EXPECT_EQ(encoded[95], 0x80);
}

TEST(Eip712, BareDomainSignsTheSeparatorAlone) {
  Json doc = mail();
  doc["primaryType"] = "EIP712Domain";
  TypedData data = TypedData::from_json(doc).value();
  const std::uint8_t prefix[2] = {0x19, 0x01};
  Bytes payload(prefix, prefix + 2);
  payload.insert(payload.end(), data.domain_separator().begin(), data.domain_separator().end());
  EXPECT_EQ(data.digest(), keccak256(ByteView(payload)));
}

TEST(Eip712, MalformedTypesNameTheirPlace) {
  struct Case {
    Json types;
    std::string mentions;
  };
  auto f = [](const char* name, const char* type) { return Json{{"name", name}, {"type", type}}; };
  const std::vector<Case> cases = {
      {{{"T", {f("a", "Missing")}}}, "types.T.a: unknown type \"Missing\""},
      {{{"T", {f("a", "uint7")}}}, "invalid width"},
      {{{"T", {f("a", "uint264")}}}, "invalid width"},
      {{{"T", {f("a", "uint08")}}}, "invalid width"},
      {{{"T", {f("a", "int0")}}}, "invalid width"},
      {{{"T", {f("a", "bytes0")}}}, "invalid width"},
      {{{"T", {f("a", "bytes33")}}}, "invalid width"},
      {{{"T", {f("a", "uint256[")}}}, "malformed array"},
      {{{"T", {f("a", "uint256[x]")}}}, "bad array length"},
      {{{"T", {f("a", "uint256[01]")}}}, "bad array length"},
      {{{"T", {f("a", "uint256]")}}}, "malformed array"},
      {{{"T", {f("a", "T")}}}, "circular type reference: T -> T"},
      {{{"T", {f("a", "U[]")}}, {"U", {f("b", "V")}}, {"V", {f("c", "T[2]")}}},
       "circular type reference: T -> U -> V -> T"},
      {{{"T", {f("a", "uint8"), f("a", "bool")}}}, "duplicate field name \"a\""},
      {{{"T", {f("a b", "uint8")}}}, "types.T[0]: a field name must be an identifier"},
      {{{"T", {f("", "uint8")}}}, "identifier"},
      {{{"uint256", {f("a", "uint8")}}}, "atomic type"},
      {{{"My Type", {f("a", "uint8")}}}, "identifier"},
      {{{"T", Json::object()}}, "types.T: must be an array"},
      {{{"T", {{{"name", "a"}}}}}, "types.T[0]"},
      {{{"T", {{{"name", "a"}, {"type", 5}}}}}, "types.T[0]"},
      {Json::array(), "types: must be an object"},
  };
  for (const auto& c : cases) {
    Json doc = {
        {"types", c.types}, {"primaryType", "T"}, {"domain", Json::object()}, {"message", Json::object()}};
    ErrorInfo e = error_of(doc);
    EXPECT_EQ(e.code, ErrorCode::parse);
    EXPECT_NE(e.message.find(c.mentions), std::string::npos) << c.types.dump() << " -> " << e.message;
  }
}

TEST(Eip712, BadValuesNameTheirPath) {
  struct Case {
    const char* type;
    Json value;
    std::string mentions;
  };
  const std::vector<Case> cases = {
      {"uint8", 256, "message.v: value out of range for uint8"},
      {"uint8", -1, "out of range"},
      {"uint256", "-1", "out of range"},
      {"uint256", "0x1" + std::string(64, '0'), "256 bits"},
      {"int8", 128, "out of range for int8"},
      {"int8", -129, "out of range"},
      {"int8", "-0x81", "out of range"},
      {"uint64", 1.5, "not an integer"},
      {"uint64", 1e300, "not an integer"},
      {"uint64", "", "not an integer"},
      {"uint64", "12a", "not an integer"},
      {"uint64", true, "expected an integer"},
      {"bool", "true", "expected true or false"},
      {"bool", 1, "expected true or false"},
      {"address", "0x123", "message.v"},
      {"address", "0xCd2a3d9F938E13CD947Ec05AbC7FE734Df8DD826", "checksum"},
      {"address", 5, "expected an address"},
      {"bytes4", "0x010203", "expected 4 bytes"},
      {"bytes4", "0x0102030405", "expected 4 bytes"},
      {"bytes", "0xabc", "message.v"},
      {"bytes", 7, "expected a hex string"},
      {"string", 7, "expected a string"},
      {"uint8[2]", {1}, "expected 2 elements, got 1"},
      {"uint8[]", 1, "expected an array"},
      {"uint8[][]", {{1}, {2, 300}}, "message.v[1][1]: value out of range"},
  };
  for (const auto& c : cases) {
    ErrorInfo e = error_of(single({{{"name", "v"}, {"type", c.type}}}, {{"v", c.value}}));
    EXPECT_EQ(e.code, ErrorCode::parse);
    EXPECT_NE(e.message.find(c.mentions), std::string::npos)
        << c.type << " " << c.value.dump() << " -> " << e.message;
  }
  // Boundaries that are in range.
  for (auto [type, value] :
       {std::pair{"int8", Json(-128)}, std::pair{"int8", Json(127)}, std::pair{"uint8", Json(255)},
        std::pair{"int256", Json("-0x8" + std::string(63, '0'))},
        std::pair{"uint256", Json("0x" + std::string(64, 'f'))}, std::pair{"uint8", Json("-0")}}) {
    EXPECT_TRUE(TypedData::from_json(single({{{"name", "v"}, {"type", type}}}, {{"v", value}})))
        << type << value.dump();
  }
}

TEST(Eip712, MissingPartsAreErrors) {
  Json doc = mail();
  doc["message"]["to"].erase("wallet");
  EXPECT_NE(error_of(doc).message.find("message.to.wallet: missing"), std::string::npos);
  doc = mail();
  doc["message"]["from"] = "Cow";
  EXPECT_NE(error_of(doc).message.find("message.from: expected an object"), std::string::npos);
  doc = mail();
  doc["message"]["contents"] = nullptr;
  EXPECT_NE(error_of(doc).message.find("message.contents: missing"), std::string::npos);
  doc = mail();
  doc["domain"].erase("chainId");
  EXPECT_NE(error_of(doc).message.find("domain.chainId: missing"), std::string::npos);
  doc = mail();
  doc["types"].erase("EIP712Domain");
  doc["domain"]["extra"] = 1;
  EXPECT_NE(error_of(doc).message.find("domain.extra: not a standard EIP-712 domain field"),
            std::string::npos);
  doc = mail();
  doc["primaryType"] = "Letter";
  EXPECT_NE(error_of(doc).message.find("primaryType"), std::string::npos);
  doc = mail();
  doc["primaryType"] = 5;
  EXPECT_NE(error_of(doc).message.find("primaryType"), std::string::npos);
  for (const char* key : {"types", "domain", "message"}) {
    doc = mail();
    doc.erase(key);
    EXPECT_NE(error_of(doc).message.find(key), std::string::npos) << key;
  }
  EXPECT_FALSE(TypedData::from_json(Json::array()));
  doc = mail();
  doc["types"].erase("EIP712Domain");
  doc.erase("primaryType");
  doc["types"]["Other"] = {{{"name", "x"}, {"type", "bool"}}};
  EXPECT_NE(error_of(doc).message.find("primaryType"), std::string::npos);
  auto text = TypedData::parse("{\"types\": ");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, ErrorCode::parse);
  EXPECT_TRUE(text.error().offset.has_value());
  // Extra message fields are ignored, as ethers ignores them.
  doc = mail();
  doc["message"]["bcc"] = "someone";
  EXPECT_EQ(to_hex(TypedData::from_json(doc).value().digest()), kMailDigest);
}

TEST(Eip712, LowLevelEncodingOfUnknownStructIsAnError) {
  TypedData data = TypedData::from_json(mail()).value();
  EXPECT_FALSE(data.types().encode_type("Letter"));
  EXPECT_FALSE(data.types().type_hash("Letter"));
  EXPECT_FALSE(data.types().hash_struct("Letter", Json::object()));
  EXPECT_EQ(data.types().hash_struct("Mail", data.message()).value(), data.message_hash());
}

}  // namespace
}  // namespace alith::web3
