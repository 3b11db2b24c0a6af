// The ABI against ethers v6 on random vectors, both ways: ethers encodes the values alith encoded and must
// give the same bytes, alith decodes ethers' bytes and ethers decodes alith's to the same values (compared
// through their JSON form). Likewise random human-readable fragments (canonical signature, selector, topic,
// full format, JSON form), event logs (topics and data) and encodePacked.
#include <gtest/gtest.h>

#include "abi_print.h"
#include "alith/web3/abi.h"
#include "ethers_reference.h"

namespace alith::web3::abi {

namespace {

using Rng = std::mt19937_64;

size_t pick(Rng& rng, size_t n) {
  return size_t(rng() % n);
}

std::string random_name(Rng& rng) {
  static constexpr std::string_view kLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string name = "p";
  for (size_t i = 0, n = 1 + pick(rng, 6); i < n; ++i) name += kLetters[pick(rng, kLetters.size())];
  if (pick(rng, 3) == 0) name += std::to_string(pick(rng, 100));
  if (pick(rng, 6) == 0) name += "_";
  return name;
}

// A random type; nested arrays and tuples up to three levels. Elementary-only when elementary is set.
Type random_type(Rng& rng, int depth, bool named, bool elementary = false) {
  const size_t choices = elementary ? 8 : depth < 3 ? 12 : 8;
  switch (pick(rng, choices)) {
    case 0:
      return Type::uint(unsigned(8 * (1 + pick(rng, 32))));
    case 1:
      return Type::int_(unsigned(8 * (1 + pick(rng, 32))));
    case 2:
      return Type::address();
    case 3:
      return Type::boolean();
    case 4:
      return Type::fixed_bytes(unsigned(1 + pick(rng, 32)));
    case 5:
      return Type::bytes();
    case 6:
      return Type::string();
    case 7:
      return pick(rng, 2) ? Type::uint() : Type::int_();
    case 8:
      return Type::array(random_type(rng, depth + 1, named));
    case 9:
      return Type::fixed_array(random_type(rng, depth + 1, named), 1 + pick(rng, 3));
    default: {
      std::vector<Type> comps;
      std::vector<std::string> names;
      const bool give_names = named && pick(rng, 3) != 0;
      for (size_t i = 0, n = 1 + pick(rng, 3); i < n; ++i) {
        comps.push_back(random_type(rng, depth + 1, named));
        names.push_back(give_names ? random_name(rng) + "_" + std::to_string(i) : "");
      }
      return Type::tuple(std::move(comps), std::move(names));
    }
  }
}

U256 random_word(Rng& rng) {
  return U256::from_be_bytes(testing::random_bytes(rng, 32)).value();
}

std::string random_string(Rng& rng) {
  static const std::vector<std::string> kPieces = {"a", "Z", "0",  " ",  "hello", "é",
                                                   "€", "😀", "\n", "\"", "\\",    "ünï"};
  std::string out;
  for (size_t i = 0, n = pick(rng, 4) == 0 ? 0 : pick(rng, 40); i < n; ++i)
    out += kPieces[pick(rng, kPieces.size())];
  return out;
}

Value random_value(Rng& rng, const Type& type) {
  using K = Type::Kind;
  switch (type.kind()) {
    case K::uint: {
      const unsigned bits = type.bits();
      const U256 max = bits == 256 ? U256::max() : (U256(1) << bits) - U256(1);
      switch (pick(rng, 5)) {
        case 0:
          return U256(0);
        case 1:
          return max;
        case 2:
          return U256(1);
        default:
          return random_word(rng) >> unsigned(256 - bits + pick(rng, bits));
      }
    }
    case K::int_: {
      const unsigned bits = type.bits();
      const U256 max = (U256(1) << (bits - 1)) - U256(1);
      switch (pick(rng, 6)) {
        case 0:
          return U256(0);
        case 1:
          return max;
        case 2:
          return -max - U256(1);  // the minimum
        case 3:
          return -U256(1);
        default: {
          U256 magnitude = random_word(rng) >> unsigned(256 - bits + 1 + pick(rng, bits - 1));
          return pick(rng, 2) ? magnitude : -magnitude;
        }
      }
    }
    case K::address:
      return Address::from_bytes(pick(rng, 8) == 0 ? Bytes(20, 0) : testing::random_bytes(rng, 20));
    case K::boolean:
      return pick(rng, 2) == 1;
    case K::fixed_bytes:
      return testing::random_bytes(rng, type.size());
    case K::bytes:
      return testing::random_bytes(rng, pick(rng, 4) == 0 ? 0 : pick(rng, 100));
    case K::string:
      return random_string(rng);
    case K::array: {
      Value::List items;
      for (size_t i = 0, n = pick(rng, 4); i < n; ++i) items.push_back(random_value(rng, type.element()));
      return items;
    }
    case K::fixed_array: {
      Value::List items;
      for (size_t i = 0; i < type.size(); ++i) items.push_back(random_value(rng, type.element()));
      return items;
    }
    case K::tuple: {
      Value::List items;
      for (const Type& c : type.components()) items.push_back(random_value(rng, c));
      return items;
    }
  }
  return {};
}

TEST(EthersAbi, RandomTypesEncodeAndDecodeAlike) {
  ALITH_REQUIRE_ETHERS();
  Rng rng(20261125);
  std::vector<std::vector<Type>> all_types;
  std::vector<std::vector<Value>> all_values;
  std::vector<Bytes> encodings;
  Json cases = Json::array();
  for (int i = 0; i < 1200; ++i) {
    std::vector<Type> types;
    std::vector<Value> values;
    for (size_t k = 0, n = pick(rng, 5); k < n; ++k) {
      types.push_back(random_type(rng, 1, false));
      values.push_back(random_value(rng, types.back()));
    }
    Json names = Json::array();
    for (const Type& t : types) names.push_back(t.canonical());
    encodings.push_back(encode(types, values));
    cases.push_back(
        {{"types", names}, {"values", to_json(types, values)}, {"alith", to_hex(encodings.back())}});
    all_types.push_back(std::move(types));
    all_values.push_back(std::move(values));
  }
  Json answers = testing::run_ethers("abi.cjs", {{"codec", cases}});
  ASSERT_EQ(answers["codec"].size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const Json& a = answers["codec"][i];
    SCOPED_TRACE(dump_json(cases[i]["types"]));
    ASSERT_EQ(a["encoded"], cases[i]["alith"]) << i;
    Bytes theirs = from_hex(a["encoded"].get<std::string>());
    auto decoded = decode(all_types[i], theirs);
    ASSERT_TRUE(decoded) << i << " " << decoded.error().message;
    ASSERT_EQ(*decoded, all_values[i]) << i;
    auto from_ethers = from_json(all_types[i], a["decoded"]);
    ASSERT_TRUE(from_ethers) << i << " " << from_ethers.error().message << " " << dump_json(a["decoded"]);
    ASSERT_EQ(*from_ethers, all_values[i]) << i;
  }
}

// A type as people write it: "tuple(" or "(", spaces here and there, component names.
std::string write_type(Rng& rng, const Type& t) {
  using K = Type::Kind;
  if (t.kind() == K::array) return write_type(rng, t.element()) + "[]";
  if (t.kind() == K::fixed_array) return write_type(rng, t.element()) + "[" + std::to_string(t.size()) + "]";
  if (t.kind() != K::tuple) {
    if (t.kind() == K::uint && t.bits() == 256 && pick(rng, 3) == 0) return "uint";
    if (t.kind() == K::int_ && t.bits() == 256 && pick(rng, 3) == 0) return "int";
    return t.canonical();
  }
  std::string out = pick(rng, 2) ? "tuple(" : "(";
  for (size_t i = 0; i < t.components().size(); ++i) {
    if (i) out += pick(rng, 2) ? ", " : ",";
    out += write_type(rng, t.components()[i]);
    if (!t.component_names()[i].empty()) out += " " + t.component_names()[i];
  }
  return out + ")";
}

std::string write_params(Rng& rng, const std::vector<Param>& params, bool locations) {
  std::string out = "(";
  for (size_t i = 0; i < params.size(); ++i) {
    if (i) out += pick(rng, 2) ? ", " : ",";
    out += write_type(rng, params[i].type);
    if (params[i].indexed) out += " indexed";
    if (locations && params[i].type.is_dynamic() && pick(rng, 2))
      out += pick(rng, 2) ? " memory" : " calldata";
    if (!params[i].name.empty()) out += " " + params[i].name;
  }
  return out + ")";
}

std::vector<Param> random_params(Rng& rng, size_t max, bool indexable, bool elementary_indexed = false) {
  std::vector<Param> out;
  size_t indexed = 0;
  for (size_t i = 0, n = pick(rng, max + 1); i < n; ++i) {
    Param p;
    p.indexed = indexable && indexed < 3 && pick(rng, 2) == 0;
    p.type = random_type(rng, 1, true, p.indexed && elementary_indexed);
    if (p.indexed) ++indexed;
    if (pick(rng, 4) != 0) p.name = random_name(rng) + std::to_string(i);
    out.push_back(std::move(p));
  }
  return out;
}

TEST(EthersAbi, RandomSignaturesGiveTheSameSelectorsAndTopics) {
  ALITH_REQUIRE_ETHERS();
  Rng rng(7);
  static const std::vector<std::string> kMutability = {
      "",         "view",     "pure",       "payable",
      "constant", "external", "public view"};  // ethers has no "nonpayable" word
  std::vector<std::string> texts;
  Json inputs = Json::array();
  for (int i = 0; i < 900; ++i) {
    std::string name = random_name(rng);
    std::string text;
    bool anonymous = false;
    switch (i % 3) {
      case 0: {
        text = "function " + name + write_params(rng, random_params(rng, 4, false), true);
        std::string m = kMutability[pick(rng, kMutability.size())];
        if (!m.empty()) text += " " + m;
        if (pick(rng, 2)) text += " returns " + write_params(rng, random_params(rng, 3, false), true);
        break;
      }
      case 1:
        text = "event " + name + write_params(rng, random_params(rng, 5, true), false);
        anonymous = pick(rng, 4) == 0;
        break;
      default:
        text = "error " + name + write_params(rng, random_params(rng, 4, false), false);
    }
    inputs.push_back({{"text", text}, {"anonymous", anonymous}});  // see abi.cjs on ethers and "anonymous"
    texts.push_back(anonymous ? text + " anonymous" : text);
  }
  Json answers = testing::run_ethers("abi.cjs", {{"signatures", inputs}});
  ASSERT_EQ(answers["signatures"].size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    SCOPED_TRACE(texts[i]);
    const Json& a = answers["signatures"][i];
    Interface from_text = Interface::from_signatures({texts[i]}).value();
    auto from_json = Interface::from_json(Json::array({a["json"]}));
    ASSERT_TRUE(from_json) << from_json.error().message << " " << dump_json(a["json"]);
    if (a["kind"] == "function") {
      const Function& f = from_text.functions().at(0);
      EXPECT_EQ(a["sighash"], f.signature());
      EXPECT_EQ(a["selector"], to_hex(f.selector()));
      EXPECT_EQ(a["full"], f.human_readable());
      ASSERT_EQ(from_json->functions().size(), 1u);
      EXPECT_EQ(from_json->functions()[0].inputs, f.inputs);
      EXPECT_EQ(from_json->functions()[0].outputs, f.outputs);
      EXPECT_EQ(from_json->functions()[0].state_mutability, f.state_mutability);
    } else if (a["kind"] == "event") {
      const Event& e = from_text.events().at(0);
      EXPECT_EQ(a["sighash"], e.signature());
      EXPECT_EQ(a["topic"], to_hex(e.topic()));
      EXPECT_EQ(a["full"], e.human_readable());
      ASSERT_EQ(from_json->events().size(), 1u);
      // ethers 6.17's JSON form drops "indexed" from array parameters (ParamType.format("json")), so the flag
      // is compared for the others only
      const auto& theirs = from_json->events()[0].inputs;
      ASSERT_EQ(theirs.size(), e.inputs.size());
      for (size_t k = 0; k < theirs.size(); ++k) {
        EXPECT_EQ(theirs[k].name, e.inputs[k].name);
        EXPECT_EQ(theirs[k].type, e.inputs[k].type);
        const bool array = e.inputs[k].type.kind() == Type::Kind::array ||
                           e.inputs[k].type.kind() == Type::Kind::fixed_array;
        if (!array) {
          EXPECT_EQ(theirs[k].indexed, e.inputs[k].indexed);
        }
      }
      EXPECT_EQ(from_json->events()[0].anonymous, e.anonymous);
    } else {
      const ErrorDef& e = from_text.errors().at(0);
      EXPECT_EQ(a["sighash"], e.signature());
      EXPECT_EQ(a["selector"], to_hex(e.selector()));
      EXPECT_EQ(a["full"], e.human_readable());
      ASSERT_EQ(from_json->errors().size(), 1u);
      EXPECT_EQ(from_json->errors()[0].inputs, e.inputs);
    }
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(EthersAbi, RandomEventLogsEncodeAndDecodeAlike) {
  ALITH_REQUIRE_ETHERS();
  Rng rng(11);
  std::vector<Event> events;
  std::vector<std::vector<Value>> values;
  Json inputs = Json::array();
  for (int i = 0; i < 300; ++i) {
    Event e;
    e.name = random_name(rng);
    e.inputs = random_params(rng, 5, true, true);
    e.anonymous = pick(rng, 5) == 0;
    std::vector<Value> vs;
    for (const Param& p : e.inputs) vs.push_back(random_value(rng, p.type));
    auto [topics, data] = e.encode_log(vs);
    Json topic_json = Json::array();
    for (const Hash& t : topics) topic_json.push_back(to_hex(t));
    inputs.push_back({{"abi", Interface::from_signatures({e.human_readable()}).value().to_json()},
                      {"values", to_json(types_of(e.inputs), vs)},
                      {"alith_topics", topic_json},
                      {"alith_data", to_hex(data)}});
    events.push_back(std::move(e));
    values.push_back(std::move(vs));
  }
  Json answers = testing::run_ethers("abi.cjs", {{"events", inputs}});
  ASSERT_EQ(answers["events"].size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    SCOPED_TRACE(events[i].human_readable());
    const Json& a = answers["events"][i];
    ASSERT_EQ(a["topics"], inputs[i]["alith_topics"]);
    ASSERT_EQ(a["data"], inputs[i]["alith_data"]);
    std::vector<Hash> topics;
    for (const Json& t : a["topics"]) topics.push_back(hash_from_hex(t.get<std::string>()));
    DecodedLog log = events[i].decode_log(topics, from_hex(a["data"].get<std::string>())).value();
    ASSERT_EQ(a["decoded"].size(), log.args.size());
    for (size_t k = 0; k < log.args.size(); ++k) {
      const DecodedArg& arg = log.args[k];
      if (arg.hashed) {
        ASSERT_EQ(arg.value, Value(encode_topic(arg.type, values[i][k])));
        ASSERT_EQ(a["decoded"][k], to_hex(arg.value.as_bytes()));
      } else {
        ASSERT_EQ(arg.value, values[i][k]);
        ASSERT_EQ(from_json(arg.type, a["decoded"][k]).value(), values[i][k]);
      }
    }
  }
}

TEST(EthersAbi, EncodePackedMatchesSolidityPacked) {
  ALITH_REQUIRE_ETHERS();
  Rng rng(3);
  Json inputs = Json::array();
  std::vector<Bytes> ours;
  for (int i = 0; i < 300; ++i) {
    std::vector<Type> types;
    std::vector<Value> values;
    for (size_t k = 0, n = 1 + pick(rng, 4); k < n; ++k) {
      Type t = random_type(rng, 1, false, true);
      if (pick(rng, 4) == 0 && !t.is_dynamic())
        t = pick(rng, 2) ? Type::array(t) : Type::fixed_array(t, 1 + pick(rng, 3));
      values.push_back(random_value(rng, t));
      types.push_back(std::move(t));
    }
    Json names = Json::array();
    for (const Type& t : types) names.push_back(t.canonical());
    ours.push_back(encode_packed(types, values));
    inputs.push_back({{"types", names}, {"values", to_json(types, values)}});
  }
  Json answers = testing::run_ethers("abi.cjs", {{"packed", inputs}});
  ASSERT_EQ(answers["packed"].size(), ours.size());
  for (size_t i = 0; i < ours.size(); ++i)
    ASSERT_EQ(answers["packed"][i], to_hex(ours[i])) << dump_json(inputs[i]);
}

// solc's own JSON ABI for structs, nested arrays, overloads, events, errors, a payable constructor, receive
// and fallback: alith reads it, and its selectors match solc's method identifiers and ethers' topics.
TEST(EthersAbi, SolcJsonAbiReadsWithSolcsSelectors) {
  ALITH_REQUIRE_ETHERS();
  const char* source = R"(// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Shapes {
  struct Leg { address to; uint96 amount; bytes memo; }
  struct Route { Leg[] legs; bytes32[2] tags; int24 fee; }
  event Routed(address indexed sender, Route route, string indexed label);
  event Raw(uint256 indexed a, bytes32 indexed b) anonymous;
  error TooMany(uint256 count, Leg leg);
  error Empty();
  constructor(string memory name, Route[] memory routes) payable {}
  function route(Route calldata r) external payable returns (uint256 total, Leg[] memory legs) {}
  function route(Route[2][] calldata rs, bool strict) external returns (bool) {}
  function name() external pure returns (string memory) { return "shapes"; }
  function grid(uint8[3][] calldata g, int128[] calldata xs) external view returns (int256) {}
  receive() external payable {}
  fallback(bytes calldata) external returns (bytes memory) {}
})";
  Json answers = testing::run_ethers("abi.cjs", {{"solidity", source}});
  const Json& shapes = answers["solc"]["Shapes"];
  Interface abi = Interface::from_json(shapes["abi"]).value();
  EXPECT_TRUE(abi.has_receive());
  EXPECT_TRUE(abi.has_fallback());
  EXPECT_EQ(abi.constructor().state_mutability, "payable");
  EXPECT_EQ(abi.constructor().inputs[1].type.canonical(), "((address,uint96,bytes)[],bytes32[2],int24)[]");
  ASSERT_EQ(abi.functions().size(), shapes["methods"].size());
  for (const auto& [signature, selector] : shapes["methods"].items()) {
    const Function& f = abi.function(signature);
    EXPECT_EQ(f.signature(), signature);
    EXPECT_EQ(to_hex(f.selector()), "0x" + selector.get<std::string>()) << signature;
    EXPECT_EQ(abi.function_by_selector(f.selector()), &f);
  }
  EXPECT_THROW(abi.function("route"), InvalidArgumentError);  // overloaded
  EXPECT_EQ(abi.function("route(((address,uint96,bytes)[],bytes32[2],int24)[2][],bool)").outputs.size(), 1u);
  ASSERT_EQ(abi.events().size(), shapes["topics"].size());
  for (const auto& [signature, topic] : shapes["topics"].items())
    EXPECT_EQ(to_hex(abi.event(signature).topic()), topic) << signature;
  EXPECT_TRUE(abi.event("Raw").anonymous);
  ASSERT_EQ(abi.errors().size(), shapes["errors"].size());
  for (const auto& [signature, selector] : shapes["errors"].items())
    EXPECT_EQ(to_hex(abi.error(signature).selector()), selector) << signature;
  // a call to route(Route) round-trips through its own decoder
  const Function& route = abi.function("route(((address,uint96,bytes)[],bytes32[2],int24))");
  Value leg =
      Value::list({Address::from_string("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"), 5, Bytes{1, 2}});
  Value r = Value::list({Value::list({leg, leg}), Value::list({Hash{}, Hash{}}), -7});
  EXPECT_EQ(route.decode_input(route.encode_call({r})).value(), std::vector<Value>{r});
}

}  // namespace
}  // namespace alith::web3::abi
