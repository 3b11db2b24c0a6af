// The ABI: the Solidity documentation's encoding examples, type grammar, the decoder's rejections of
// malformed and hostile data, JSON values, human-readable and JSON ABIs, selectors, topics, logs, reverts.
#include <gtest/gtest.h>

#include "abi_print.h"
#include "alith/web3/abi.h"
#include "alith/web3/keccak.h"

namespace alith::web3::abi {

namespace {

Bytes words(std::initializer_list<std::string_view> parts) {
  std::string hex;
  for (auto p : parts) hex += p;
  return from_hex(hex);
}

std::string word(std::string_view tail) {
  return std::string(64 - tail.size(), '0') + std::string(tail);
}

std::vector<Type> types(std::initializer_list<std::string_view> names) {
  std::vector<Type> out;
  for (auto n : names) out.push_back(Type::from_string(n));
  return out;
}

U256 u(std::string_view text) {
  return U256::from_string(text);
}

// ---- types

TEST(AbiType, ParsesEveryKindAndWritesCanonicalForms) {
  EXPECT_EQ(Type::from_string("uint").canonical(), "uint256");
  EXPECT_EQ(Type::from_string("int").canonical(), "int256");
  EXPECT_EQ(Type::from_string("uint8").bits(), 8u);
  EXPECT_EQ(Type::from_string("int136").canonical(), "int136");
  EXPECT_EQ(Type::from_string("bytes1").size(), 1u);
  EXPECT_EQ(Type::from_string("bytes32").kind(), Type::Kind::fixed_bytes);
  EXPECT_EQ(Type::from_string("bytes").kind(), Type::Kind::bytes);
  EXPECT_EQ(Type::from_string("address payable").canonical(), "address");
  EXPECT_EQ(Type::from_string("uint256[2][]").canonical(), "uint256[2][]");
  Type t = Type::from_string("uint256[2][]");
  EXPECT_EQ(t.kind(), Type::Kind::array);
  EXPECT_EQ(t.element().kind(), Type::Kind::fixed_array);
  EXPECT_EQ(t.element().size(), 2u);
  EXPECT_EQ(t.element().head_size(), 64u);
  EXPECT_TRUE(t.is_dynamic());
  EXPECT_FALSE(t.element().is_dynamic());
  Type nested = Type::from_string("(uint8,string)[3][]");
  EXPECT_EQ(nested.canonical(), "(uint8,string)[3][]");
  EXPECT_TRUE(nested.element().is_dynamic());
  Type named = Type::from_string(" tuple( uint256 a , string memory b )[] ");
  EXPECT_EQ(named.canonical(), "(uint256,string)[]");
  EXPECT_EQ(named.full(), "(uint256 a, string b)[]");
  EXPECT_EQ(named.element().component_names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Type::from_string("((uint,bool[]),address)").canonical(), "((uint256,bool[]),address)");
  EXPECT_EQ(Type::from_string("(uint256,bytes32)").head_size(), 64u);
  EXPECT_EQ(Type::uint(64), Type::from_string("uint64"));
  EXPECT_EQ(Type::tuple({Type::address(), Type::array(Type::string())}).canonical(), "(address,string[])");
}

TEST(AbiType, RejectsBadTypes) {
  for (const char* bad : {"",
                          "uint7",
                          "uint0",
                          "uint264",
                          "uint08",
                          "int9",
                          "bytes0",
                          "bytes33",
                          "bytes01",
                          "byte",
                          "uint256[0]",
                          "uint256[",
                          "uint256]",
                          "uint256[-1]",
                          "()",
                          "tuple()",
                          "(uint256",
                          "(uint256,)",
                          "uint256 x",
                          "foo",
                          "uint256[][",
                          "tuple",
                          "(uint256)x",
                          "uint256[18446744073709551616]",
                          "uint256[4294967296]",
                          "uint256[99999999999]",
                          "string[01]"}) {
    auto t = Type::parse(bad);
    EXPECT_FALSE(t) << bad;
  }
  EXPECT_EQ(Type::parse("fixed128x18").error().code, ErrorCode::unsupported);
  EXPECT_EQ(Type::parse("uint7").error().code, ErrorCode::parse);
  // nesting depth is bounded
  std::string deep = "uint8";
  for (int i = 0; i < 40; ++i) deep += "[]";
  EXPECT_FALSE(Type::parse(deep));
  std::string deep_tuple = std::string(100, '(') + "uint8" + std::string(100, ')');
  EXPECT_FALSE(Type::parse(deep_tuple));
  // static types too large to ever encode
  EXPECT_FALSE(Type::parse("uint256[4294967295][4294967295]"));
  EXPECT_THROW(Type::uint(7), InvalidArgumentError);
  EXPECT_THROW(Type::fixed_bytes(0), InvalidArgumentError);
  EXPECT_THROW(Type::fixed_array(Type::boolean(), 0), InvalidArgumentError);
  EXPECT_THROW(Type::tuple({}), InvalidArgumentError);
}

// ---- the Solidity documentation's examples

TEST(AbiCodec, SolidityDocsBazBarSam) {
  Function baz = Function::parse("function baz(uint32 x, bool y) returns (bool r)").value();
  EXPECT_EQ(to_hex(baz.selector()), "0xcdcd77c0");
  EXPECT_EQ(to_hex(baz.encode_call({69, true})), "0xcdcd77c0" + word("45") + word("1"));

  Function bar = Function::parse("function bar(bytes3[2])").value();
  EXPECT_EQ(to_hex(bar.selector()), "0xfce353f6");
  EXPECT_EQ(to_hex(bar.encode_call({Value::list({to_bytes("abc"), to_bytes("def")})})),
            "0xfce353f6" + std::string("616263") + std::string(58, '0') + "646566" + std::string(58, '0'));

  Function sam = Function::parse("sam(bytes,bool,uint256[])").value();
  EXPECT_EQ(to_hex(sam.selector()), "0xa5643bf2");
  Bytes call = sam.encode_call({to_bytes("dave"), true, Value::list({1, 2, 3})});
  EXPECT_EQ(to_hex(call), "0xa5643bf2" + word("60") + word("1") + word("a0") + word("4") + "64617665" +
                              std::string(56, '0') + word("3") + word("1") + word("2") + word("3"));
  auto back = sam.decode_input(call).value();
  EXPECT_EQ(back[0].as_bytes(), to_bytes("dave"));
  EXPECT_TRUE(back[1].as_bool());
  EXPECT_EQ(back[2], Value::list({1, 2, 3}));
}

TEST(AbiCodec, SolidityDocsDynamicF) {
  Function f = Function::parse("f(uint256,uint32[],bytes10,bytes)").value();
  EXPECT_EQ(to_hex(f.selector()), "0x8be65246");
  std::vector<Value> args = {0x123, Value::list({0x456, 0x789}), to_bytes("1234567890"),
                             to_bytes("Hello, world!")};
  Bytes call = f.encode_call(args);
  EXPECT_EQ(call, words({"8be65246", word("123"), word("80"),
                         "3132333435363738393000000000000000000000000000000000000000000000", word("e0"),
                         word("2"), word("456"), word("789"), word("d"),
                         "48656c6c6f2c20776f726c642100000000000000000000000000000000000000"}));
  EXPECT_EQ(f.decode_input(call).value(), args);
}

TEST(AbiCodec, SolidityDocsNestedG) {
  Function g = Function::parse("function g(uint256[][], string[])").value();
  EXPECT_EQ(to_hex(g.selector()), "0x2289b18c");
  std::vector<Value> args = {Value::list({Value::list({1, 2}), Value::list({3})}),
                             Value::list({"one", "two", "three"})};
  Bytes expected = words({"2289b18c",
                          word("40"),
                          word("140"),
                          word("2"),
                          word("40"),
                          word("a0"),
                          word("2"),
                          word("1"),
                          word("2"),
                          word("1"),
                          word("3"),
                          word("3"),
                          word("60"),
                          word("a0"),
                          word("e0"),
                          word("3"),
                          "6f6e650000000000000000000000000000000000000000000000000000000000",
                          word("3"),
                          "74776f0000000000000000000000000000000000000000000000000000000000",
                          word("5"),
                          "7468726565000000000000000000000000000000000000000000000000000000"});
  EXPECT_EQ(g.encode_call(args), expected);
  EXPECT_EQ(g.decode_input(expected).value(), args);
}

TEST(AbiCodec, SignedIntsAndEdges) {
  auto ts = types({"int8", "int256", "uint8", "int16"});
  // int256's minimum is 2^255 in two's complement
  std::vector<Value> vs = {-1, U256(1) << 255, 255, -32768};
  Bytes enc = encode(ts, vs);
  EXPECT_EQ(to_hex(enc), "0x" + std::string(64, 'f') + "8" + std::string(63, '0') + word("ff") +
                             std::string(60, 'f') + "8000");
  EXPECT_EQ(decode(ts, enc).value(), vs);
  EXPECT_EQ(
      to_json(ts, vs),
      Json::parse(R"(["-1", "-57896044618658097711785492504343953926634992332820282019728792003956564819968",
                                            "255", "-32768"])"));
  EXPECT_THROW(encode(types({"int8"}), {128}), InvalidArgumentError);
  EXPECT_THROW(encode(types({"int8"}), {-129}), InvalidArgumentError);
  EXPECT_THROW(encode(types({"uint8"}), {256}), InvalidArgumentError);
  EXPECT_THROW(encode(types({"uint8"}), {-1}), InvalidArgumentError);
  EXPECT_THROW(encode(types({"bytes2"}), {to_bytes("abc")}), InvalidArgumentError);
  EXPECT_THROW(encode(types({"uint8[2]"}), {Value::list({1})}), InvalidArgumentError);
  EXPECT_THROW(encode(types({"(uint8,bool)"}), {Value::list({1, 2})}), InvalidArgumentError);
  EXPECT_THROW(encode(types({"uint8", "bool"}), {1}), InvalidArgumentError);
  EXPECT_THROW(encode(types({"string"}), {to_bytes("x")}), InvalidArgumentError);
  try {
    (void)encode(types({"(uint8,bool[])"}), {Value::list({1, Value::list({true, 3})})});
    FAIL();
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("[0] [1] [1]"), std::string::npos) << e.what();
  }
  // empty values of dynamic types
  auto dyn = types({"bytes", "string", "uint256[]", "(string,bytes)[]"});
  std::vector<Value> empty = {Bytes{}, "", Value::list({}), Value::list({})};
  Bytes e = encode(dyn, empty);
  EXPECT_EQ(e.size(), 8u * 32);
  EXPECT_EQ(decode(dyn, e).value(), empty);
}

TEST(AbiCodec, EncodePackedMatchesSolidityDocs) {
  // abi.encodePacked(int16(-1), bytes1(0x42), uint16(0x03), string("Hello, world!"))
  Bytes packed =
      encode_packed(types({"int16", "bytes1", "uint16", "string"}), {-1, Bytes{0x42}, 3, "Hello, world!"});
  EXPECT_EQ(to_hex(packed), "0xffff42000348656c6c6f2c20776f726c6421");
  // array elements are padded to 32 bytes
  EXPECT_EQ(to_hex(encode_packed(types({"uint8[]", "bool"}), {Value::list({1, 2}), true})),
            "0x" + word("1") + word("2") + "01");
  EXPECT_THROW(encode_packed(types({"(uint8)"}), {Value::list({1})}), InvalidArgumentError);
  EXPECT_THROW(encode_packed(types({"string[]"}), {Value::list({"a"})}), InvalidArgumentError);
}

// ---- the decoder on bad data

TEST(AbiDecode, RejectsValuesOutOfRange) {
  auto reject = [](std::string_view type, const Bytes& data) {
    auto r = decode(types({type}), data);
    EXPECT_FALSE(r) << type << " " << to_hex(data);
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::parse);
    }
  };
  reject("uint8", words({word("100")}));
  reject("uint32", words({word("100000000")}));
  reject("bool", words({word("2")}));
  reject("bool", words({"01" + std::string(62, '0') + "01"}));
  reject("address", words({"01" + std::string(62, '0')}));
  reject("int8", words({word("80")}));                       // 128 is not sign-extended
  reject("int8", words({std::string(62, 'f') + "7f"}));      // -129
  reject("int16", words({"7" + std::string(63, 'f')}));      // huge positive
  reject("bytes1", words({"4242" + std::string(60, '0')}));  // padding
  reject("bytes31", words({std::string(62, '1') + "01"}));
  EXPECT_TRUE(decode(types({"int8"}), words({std::string(62, 'f') + "80"})));  // -128 fits
  EXPECT_TRUE(decode(types({"bytes32"}), words({std::string(64, 'f')})));
  EXPECT_TRUE(decode(types({"uint256"}), words({std::string(64, 'f')})));
}

TEST(AbiDecode, ChecksOffsetsAndLengths) {
  auto reject = [](std::vector<std::string_view> ts, const Bytes& data) {
    std::vector<Type> t;
    for (auto n : ts) t.push_back(Type::from_string(n));
    auto r = decode(t, data);
    EXPECT_FALSE(r) << to_hex(data);
  };
  reject({"uint256"}, {});
  reject({"uint256"}, Bytes(31, 0));
  reject({"uint256", "uint256"}, Bytes(32, 0));
  reject({"bytes"}, words({word("20")}));                         // offset at the end, no length
  reject({"bytes"}, words({std::string(64, 'f')}));               // huge offset
  reject({"bytes"}, words({"01" + std::string(62, '0')}));        // offset >= 2^248
  reject({"bytes"}, words({word("ffffffffffffffe0")}));           // offset that would wrap
  reject({"bytes"}, words({word("20"), word("21"), word("0")}));  // length past the end
  reject({"bytes"}, words({word("20"), std::string(64, 'f')}));
  reject({"uint256[]"}, words({word("20"), word("2"), word("1")}));      // two elements, one word
  reject({"uint256[]"}, words({word("20"), word("ffffffffffffffff")}));  // a huge count
  reject({"string[]"}, words({word("20"), word("1"), word("ff")}));      // element offset past the end
  reject({"uint256[3]"}, words({word("1"), word("2")}));
  reject({"(uint256,bytes)"}, words({word("1")}));
  // a zero offset is legal: it points at the start of its sequence, here the offset word itself (0), read
  // as the length of empty bytes
  auto zero = decode(types({"bytes"}), words({word("0")}));
  ASSERT_TRUE(zero);
  EXPECT_TRUE(zero.value()[0].as_bytes().empty());
  // trailing data is allowed
  EXPECT_TRUE(decode(types({"uint8"}), words({word("1"), word("abc")})));
}

TEST(AbiDecode, AliasedOffsetsCannotInflateTheResult) {
  // string[] of n elements that all point at one 1 KiB string: ~33 KiB of data would decode to n KiB.
  const size_t n = 1000;
  std::string hex = word("20") + word(U256(n).to_hex().substr(2));
  const size_t string_at = 32 * n;  // relative to the first element head
  for (size_t i = 0; i < n; ++i) hex += word(U256(string_at).to_hex().substr(2));
  hex += word("400") + std::string(2048, 'a');
  Bytes data = from_hex(hex);
  auto r = decode(types({"string[]"}), data);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::too_large);
  // uint256[][] with every inner array aliased: quadratic element counts
  const size_t m = 2000;
  std::string h2 = word("20") + word(U256(m).to_hex().substr(2));
  for (size_t i = 0; i < m; ++i) h2 += word(U256(32 * m).to_hex().substr(2));
  h2 += word(U256(m).to_hex().substr(2));
  for (size_t i = 0; i < m; ++i) h2 += word("1");
  auto r2 = decode(types({"uint256[][]"}), from_hex(h2));
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, ErrorCode::too_large);
}

// ---- JSON values

TEST(AbiJson, FromAndToJson) {
  Type t = Type::from_string(
      "tuple(address to, uint256 amount, int8 delta, bytes4 tag, bool flag, string note)[]");
  Json in =
      Json::parse(R"([{"to": "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "amount": "0x10", "delta": -3,
                              "tag": "0xdeadbeef", "flag": true, "note": "hi"},
                             ["0x0000000000000000000000000000000000000001", 7, "-128", "0x00000000", false, ""]])");
  Value v = from_json(t, in).value();
  EXPECT_EQ(v[0][1].as_uint(), U256(16));
  EXPECT_EQ(v[0][2].as_uint(), -U256(3));
  Json out = to_json(t, v);
  EXPECT_EQ(out[0]["to"], "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  EXPECT_EQ(out[0]["amount"], "16");
  EXPECT_EQ(out[0]["delta"], "-3");
  EXPECT_EQ(out[1]["delta"], "-128");
  EXPECT_EQ(out[0]["tag"], "0xdeadbeef");
  EXPECT_EQ(from_json(t, out).value(), v);
  EXPECT_EQ(from_json(Type::from_string("int64"), Json::parse("-1e3")).value(), Value(-1000));
  // unnamed tuples are arrays
  EXPECT_EQ(to_json(Type::from_string("(uint8,bool)"), Value::list({1, true})),
            Json::parse(R"(["1", true])"));
  EXPECT_EQ(
      from_json(Type::from_string("uint256"), Json::parse("\"" + U256::max().to_string() + "\"")).value(),
      Value(U256::max()));
  for (auto [type, json] : std::vector<std::pair<const char*, const char*>>{
           {"uint8", "256"},
           {"uint8", "-1"},
           {"uint8", "\"-1\""},
           {"int8", "128"},
           {"int8", "-129"},
           {"int8", "\"0xff\""},
           {"uint256", "1.5"},
           {"uint256", "1e300"},
           {"uint8", "-0.5"},
           {"uint256", "\"12a\""},
           {"uint256", "null"},
           {"bool", "1"},
           {"address", "\"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD\""},
           {"address", "\"0x12\""},
           {"bytes4", "\"0xdeadbe\""},
           {"bytes", "\"dead\""},
           {"bytes", "\"0xabc\""},
           {"string", "5"},
           {"uint8[2]", "[1]"},
           {"uint8[]", "{}"},
           {"(uint8,bool)", "[1]"},
           {"(uint8 a,bool b)", "{\"a\":1}"},
           {"(uint8 a,bool b)", "{\"a\":1,\"b\":true,\"c\":2}"},
           {"(uint8,bool)", "{\"a\":1}"}}) {
    auto r = from_json(Type::from_string(type), Json::parse(json));
    EXPECT_FALSE(r) << type << " " << json;
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::schema);
    }
  }
  auto err = from_json(Type::from_string("(uint8 a,bool[] b)"), Json::parse(R"({"a": 1, "b": [true, 2]})"));
  ASSERT_FALSE(err);
  EXPECT_NE(err.error().message.find(".b[1]"), std::string::npos) << err.error().message;
}

// ---- fragments and interfaces

TEST(AbiFragments, SelectorsTopicsAndHumanReadable) {
  Function transfer = Function::parse("function transfer(address to, uint256 amount) returns (bool)").value();
  EXPECT_EQ(transfer.signature(), "transfer(address,uint256)");
  EXPECT_EQ(to_hex(transfer.selector()), "0xa9059cbb");
  EXPECT_EQ(transfer.human_readable(), "function transfer(address to, uint256 amount) returns (bool)");
  Function balance =
      Function::parse("function balanceOf(address owner) external view returns (uint256)").value();
  EXPECT_EQ(balance.state_mutability, "view");
  EXPECT_EQ(balance.outputs.size(), 1u);
  EXPECT_EQ(Function::parse("function name() constant returns (string)")->state_mutability, "view");
  Event ev = Event::parse("event Transfer(address indexed from, address indexed to, uint256 value)").value();
  EXPECT_EQ(to_hex(ev.topic()), "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
  EXPECT_EQ(ev.human_readable(), "event Transfer(address indexed from, address indexed to, uint256 value)");
  ErrorDef er = ErrorDef::parse("error InsufficientBalance(uint256 available, uint256 required)").value();
  EXPECT_EQ(er.signature(), "InsufficientBalance(uint256,uint256)");
  Constructor c = Constructor::parse("constructor(string name, string symbol)").value();
  EXPECT_EQ(c.inputs.size(), 2u);
  Function tuple_fn =
      Function::parse(
          "function submit((address to, uint256[] amounts)[] calldata orders, bytes memory sig) payable")
          .value();
  EXPECT_EQ(tuple_fn.signature(), "submit((address,uint256[])[],bytes)");
  EXPECT_EQ(tuple_fn.state_mutability, "payable");
  for (const char* bad :
       {"", "function", "function f(", "function f(uint256", "function f(uint7)", "function (uint256)",
        "event E(uint256 indexed indexed a)", "function f(uint256 indexed a)", "error E(uint256) view",
        "function f() returns", "function f() frobnicates", "constructor(uint256) view",
        "function f(uint256 a b)", "f"}) {
    EXPECT_FALSE(Interface::from_signatures({bad})) << bad;
  }
}

const char* kErc20Json = R"([
  {"type":"constructor","inputs":[{"name":"name_","type":"string","internalType":"string"},
                                  {"name":"symbol_","type":"string","internalType":"string"}],"stateMutability":"nonpayable"},
  {"type":"function","name":"balanceOf","inputs":[{"name":"account","type":"address","internalType":"address"}],
   "outputs":[{"name":"","type":"uint256","internalType":"uint256"}],"stateMutability":"view"},
  {"type":"function","name":"transfer","inputs":[{"name":"to","type":"address"},{"name":"value","type":"uint256"}],
   "outputs":[{"name":"","type":"bool"}],"stateMutability":"nonpayable"},
  {"type":"function","name":"safeTransferFrom","inputs":[{"name":"from","type":"address"},{"name":"to","type":"address"},
   {"name":"id","type":"uint256"}],"outputs":[],"stateMutability":"nonpayable"},
  {"type":"function","name":"safeTransferFrom","inputs":[{"name":"from","type":"address"},{"name":"to","type":"address"},
   {"name":"id","type":"uint256"},{"name":"data","type":"bytes"}],"outputs":[],"stateMutability":"nonpayable"},
  {"type":"function","name":"batch","inputs":[{"name":"orders","type":"tuple[2][]","internalType":"struct Order[2][]",
   "components":[{"name":"to","type":"address"},{"name":"amounts","type":"uint256[]"}]}],
   "outputs":[],"stateMutability":"payable"},
  {"type":"event","name":"Transfer","anonymous":false,"inputs":[{"name":"from","type":"address","indexed":true},
   {"name":"to","type":"address","indexed":true},{"name":"value","type":"uint256","indexed":false}]},
  {"type":"event","name":"Note","anonymous":false,"inputs":[{"name":"tag","type":"string","indexed":true},
   {"name":"who","type":"address","indexed":true},{"name":"text","type":"string","indexed":false}]},
  {"type":"event","name":"Anon","anonymous":true,"inputs":[{"name":"x","type":"uint8","indexed":true},
   {"name":"y","type":"bytes","indexed":false}]},
  {"type":"error","name":"InsufficientBalance","inputs":[{"name":"available","type":"uint256"},
   {"name":"required","type":"uint256"}]},
  {"type":"receive","stateMutability":"payable"}
])";

TEST(AbiInterface, ReadsSolcJsonAndResolvesOverloads) {
  Interface abi = Interface::from_json(Json::parse(kErc20Json)).value();
  EXPECT_EQ(abi.functions().size(), 5u);
  EXPECT_EQ(abi.events().size(), 3u);
  EXPECT_EQ(abi.errors().size(), 1u);
  EXPECT_TRUE(abi.has_receive());
  EXPECT_FALSE(abi.has_fallback());
  EXPECT_EQ(abi.constructor().inputs.size(), 2u);
  EXPECT_EQ(to_hex(abi.function("transfer").selector()), "0xa9059cbb");
  EXPECT_EQ(abi.function("balanceOf").state_mutability, "view");
  EXPECT_EQ(abi.function("batch").signature(), "batch((address,uint256[])[2][])");
  EXPECT_EQ(abi.function("batch").inputs[0].type.full(), "(address to, uint256[] amounts)[2][]");
  EXPECT_THROW(abi.function("safeTransferFrom"), InvalidArgumentError);
  try {
    (void)abi.function("safeTransferFrom");
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("safeTransferFrom(address,address,uint256,bytes)"),
              std::string::npos);
  }
  EXPECT_EQ(abi.function("safeTransferFrom(address,address,uint256)").inputs.size(), 3u);
  EXPECT_EQ(abi.function("safeTransferFrom(address from, address to, uint256 id, bytes data)").inputs.size(),
            4u);
  EXPECT_THROW(abi.function("nope"), InvalidArgumentError);
  EXPECT_THROW(abi.function("transfer(address)"), InvalidArgumentError);
  EXPECT_EQ(abi.function_by_selector({0xa9, 0x05, 0x9c, 0xbb})->name, "transfer");
  EXPECT_EQ(abi.event("Transfer(address,address,uint256)").name, "Transfer");
  EXPECT_EQ(abi.error("InsufficientBalance").inputs.size(), 2u);
  // to_json and to_signatures read back to the same interface
  Interface again = Interface::from_json(abi.to_json()).value();
  Interface from_text = Interface::from_signatures(abi.to_signatures()).value();
  for (const Interface* other : {&again, &from_text}) {
    ASSERT_EQ(other->functions().size(), abi.functions().size());
    for (size_t i = 0; i < abi.functions().size(); ++i) {
      EXPECT_EQ(other->functions()[i].signature(), abi.functions()[i].signature());
      EXPECT_EQ(other->functions()[i].inputs, abi.functions()[i].inputs);
      EXPECT_EQ(other->functions()[i].state_mutability, abi.functions()[i].state_mutability);
    }
    EXPECT_EQ(other->events()[2].anonymous, true);
    EXPECT_EQ(other->events()[1].inputs, abi.events()[1].inputs);
    EXPECT_EQ(other->constructor().inputs, abi.constructor().inputs);
    EXPECT_TRUE(other->has_receive());
  }
  // artifacts carry the ABI under "abi"
  EXPECT_TRUE(Interface::from_json(Json{{"abi", Json::parse(kErc20Json)}, {"bytecode", "0x"}}));
  for (const char* bad :
       {R"({})", R"([1])", R"([{"type":"function"}])", R"([{"type":"party","name":"x"}])",
        R"([{"type":"function","name":"f","inputs":[{"type":"uint7"}]}])",
        R"([{"type":"function","name":"f","inputs":[{"type":"tuple"}]}])",
        R"([{"type":"function","name":"f","inputs":[{"type":"tuple[0]","components":[{"type":"bool"}]}]}])",
        R"([{"type":"function","name":"f","inputs":[{"type":"address","indexed":true}]}])",
        R"([{"type":"function","name":"f","stateMutability":"sometimes"}])",
        R"([{"type":"function","name":"f"},{"type":"function","name":"f"}])"}) {
    EXPECT_FALSE(Interface::from_json(Json::parse(bad))) << bad;
  }
}

TEST(AbiInterface, FallbackAndReceive) {
  Interface abi =
      Interface::from_signatures({"receive() external payable", "fallback() external payable"}).value();
  EXPECT_TRUE(abi.has_receive());
  EXPECT_TRUE(abi.fallback_payable());
  Interface again = Interface::from_json(abi.to_json()).value();
  EXPECT_TRUE(again.has_receive());
  EXPECT_TRUE(again.fallback_payable());
  EXPECT_FALSE(Interface::from_signatures({"fallback() external"})->fallback_payable());
  EXPECT_FALSE(Interface::from_signatures({"constructor(uint8)", "constructor(bool)"}));
}

TEST(AbiValue, BuildsFromCppValuesAndChecksKinds) {
  EXPECT_EQ(Value(-5).as_uint(), -U256(5));
  EXPECT_EQ(Value(std::int64_t{INT64_MIN}).as_uint(), -(U256(1) << 63));
  EXPECT_EQ(Value(size_t{7}).as_uint(), U256(7));
  EXPECT_EQ(Value(std::uint8_t{200}).as_uint(), U256(200));
  EXPECT_EQ(Value(std::uint64_t(-1)).as_uint(), U256(~std::uint64_t{0}));
  EXPECT_TRUE(Value(true).is_bool());
  EXPECT_TRUE(Value("text").is_string());
  EXPECT_TRUE(Value(Hash{}).is_bytes());
  EXPECT_EQ(Value(Hash{}).as_bytes().size(), 32u);
  EXPECT_THROW(Value(1).as_string(), InvalidArgumentError);
  EXPECT_THROW(Value::list({1})[1], InvalidArgumentError);
  EXPECT_EQ(Value::list({1, "a"})[1].as_string(), "a");
  // the JSON form of a type
  Type t = Type::from_string("(address to, (uint8 a, bytes b)[2] pairs)[]");
  Json param = t.to_json_param("orders");
  EXPECT_EQ(param["type"], "tuple[]");
  EXPECT_EQ(param["components"][1]["type"], "tuple[2]");
  EXPECT_EQ(Type::from_json_param(param).value(), t);
  EXPECT_EQ(Type::from_json_param(Json{{"type", "tuple(uint8,bool)[]"}}).value().canonical(),
            "(uint8,bool)[]");
}

TEST(AbiInterface, CallsOutputsAndConstructor) {
  Interface abi = Interface::from_signatures({"constructor(string name, string symbol)",
                                              "function balanceOf(address owner) view returns (uint256)",
                                              "function transfer(address to, uint256 amount) returns (bool)"})
                      .value();
  Address to = Address::from_string("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  Bytes call = abi.function("transfer").encode_call({to, 1000});
  EXPECT_EQ(to_hex(call), "0xa9059cbb" + word("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed") + word("3e8"));
  auto args = abi.function("transfer").decode_input(call).value();
  EXPECT_EQ(args[0].as_address(), to);
  EXPECT_FALSE(abi.function("balanceOf").decode_input(call));  // another selector
  EXPECT_FALSE(abi.function("transfer").decode_input(Bytes{0xa9, 0x05}));
  EXPECT_EQ(abi.function("transfer").decode_output(words({word("1")})).value()[0], Value(true));
  EXPECT_THROW(abi.function("transfer").encode_call({to}), InvalidArgumentError);
  Bytes deploy = abi.constructor().encode_deploy(Bytes{0x60, 0x80}, {"Token", "TOK"});
  EXPECT_EQ(Bytes(deploy.begin(), deploy.begin() + 2), (Bytes{0x60, 0x80}));
  EXPECT_EQ(Bytes(deploy.begin() + 2, deploy.end()), encode(types({"string", "string"}), {"Token", "TOK"}));
}

TEST(AbiInterface, DecodesLogs) {
  Interface abi = Interface::from_json(Json::parse(kErc20Json)).value();
  // a real ERC-20 Transfer log
  std::vector<Hash> topics = {
      hash_from_hex("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"),
      hash_from_hex("0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266"),
      hash_from_hex("0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8")};
  Bytes data = words({word("de0b6b3a7640000")});
  DecodedLog log = abi.decode_log(topics, data).value();
  EXPECT_EQ(log.event, "Transfer");
  EXPECT_EQ(log["from"].as_address().to_checksum(), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  EXPECT_EQ(log["to"].as_address().to_checksum(), "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
  EXPECT_EQ(log["value"].as_uint(), u("1000000000000000000"));
  EXPECT_EQ(log.to_json()["args"]["value"], "1000000000000000000");
  EXPECT_THROW(log["nobody"], InvalidArgumentError);
  // wrong topic count, unknown topic0, bad padding in an indexed address
  EXPECT_FALSE(abi.decode_log({topics[0], topics[1]}, data));
  EXPECT_FALSE(abi.decode_log({Hash{}, topics[1], topics[2]}, data));
  EXPECT_FALSE(abi.decode_log({}, data));
  Hash dirty = topics[1];
  dirty[0] = 1;
  EXPECT_FALSE(abi.decode_log({topics[0], dirty, topics[2]}, data));
  EXPECT_FALSE(abi.decode_log(topics, Bytes(31, 0)));

  // indexed strings are only their hash
  const Event& note = abi.event("Note");
  Address who = Address::from_string("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
  auto [note_topics, note_data] = note.encode_log({"greeting", who, "hello"});
  ASSERT_EQ(note_topics.size(), 3u);
  EXPECT_EQ(note_topics[1], keccak256("greeting"));
  DecodedLog nl = abi.decode_log(note_topics, note_data).value();
  EXPECT_TRUE(nl.args[0].hashed);
  EXPECT_EQ(nl["tag"], Value(keccak256("greeting")));
  EXPECT_EQ(nl["who"].as_address(), who);
  EXPECT_EQ(nl["text"].as_string(), "hello");
  EXPECT_EQ(nl.to_json()["args"]["tag"], to_hex(keccak256("greeting")));

  // anonymous events have no topic0 and are found by the event, not by the interface
  const Event& anon = abi.event("Anon");
  auto [anon_topics, anon_data] = anon.encode_log({7, Bytes{1, 2, 3}});
  ASSERT_EQ(anon_topics.size(), 1u);
  EXPECT_EQ(anon_topics[0], U256(7).to_be_bytes());
  DecodedLog al = anon.decode_log(anon_topics, anon_data).value();
  EXPECT_EQ(al["x"], Value(7));
  EXPECT_EQ(al["y"].as_bytes(), (Bytes{1, 2, 3}));
  EXPECT_FALSE(abi.decode_log(anon_topics, anon_data));
  EXPECT_EQ(abi.event_by_topic(anon.topic()), nullptr);
}

TEST(AbiTopics, InPlaceEncodingOfComplexIndexedValues) {
  // string/bytes: keccak of the content; arrays and structs: keccak of padded elements without lengths
  EXPECT_EQ(encode_topic(Type::bytes(), Bytes{1, 2}), keccak256(Bytes{1, 2}));
  EXPECT_EQ(encode_topic(Type::from_string("uint8[]"), Value::list({1, 2})),
            keccak256(words({word("1"), word("2")})));
  Bytes expected = words({word("1"), "6162" + std::string(60, '0')});
  EXPECT_EQ(encode_topic(Type::from_string("(uint8,string)"), Value::list({1, "ab"})), keccak256(expected));
  EXPECT_EQ(encode_topic(Type::from_string("int8"), -1), U256::max().to_be_bytes());
}

TEST(AbiRevert, ErrorPanicCustomAndUnknown) {
  Interface abi = Interface::from_json(Json::parse(kErc20Json)).value();
  EXPECT_EQ(decode_revert({}).kind, Revert::Kind::empty);
  // require(false, "Not enough Ether provided.")
  Bytes error_string = from_hex("0x08c379a0" + word("20") + word("1a") +
                                "4e6f7420656e6f7567682045746865722070726f76696465642e000000000000");
  Revert r = abi.decode_revert(error_string);
  EXPECT_EQ(r.kind, Revert::Kind::message);
  EXPECT_EQ(r.message, "Not enough Ether provided.");
  EXPECT_EQ(r.to_string(), "reverted: Not enough Ether provided.");
  Revert p = decode_revert(from_hex("0x4e487b71" + word("11")));
  EXPECT_EQ(p.kind, Revert::Kind::panic);
  EXPECT_EQ(p.panic_code, U256(0x11));
  EXPECT_EQ(p.to_string(), "panic 0x11 (arithmetic overflow or underflow)");
  Bytes custom = abi.error("InsufficientBalance").encode({5, 10});
  const Hash id = keccak256("InsufficientBalance(uint256,uint256)");
  EXPECT_EQ(Bytes(custom.begin(), custom.begin() + 4), Bytes(id.begin(), id.begin() + 4));
  Revert c = abi.decode_revert(custom);
  EXPECT_EQ(c.kind, Revert::Kind::custom);
  EXPECT_EQ(c.error_name, "InsufficientBalance");
  EXPECT_EQ(c.args, (std::vector<Value>{5, 10}));
  EXPECT_EQ(c.to_string(), "reverted with InsufficientBalance(5, 10)");
  EXPECT_EQ(decode_revert(custom).kind, Revert::Kind::unknown);  // without the interface
  EXPECT_EQ(abi.decode_revert(Bytes{1, 2, 3}).kind, Revert::Kind::unknown);
  EXPECT_EQ(abi.decode_revert(from_hex("0x08c379a0" + word("20"))).kind, Revert::Kind::unknown);  // truncated
  Revert truncated_custom = abi.decode_revert(Bytes(custom.begin(), custom.end() - 1));
  EXPECT_EQ(truncated_custom.kind, Revert::Kind::unknown);
  EXPECT_EQ(truncated_custom.data.size(), custom.size() - 1);
}

}  // namespace
}  // namespace alith::web3::abi
