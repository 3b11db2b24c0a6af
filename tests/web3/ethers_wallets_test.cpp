// Wallet formats against ethers v6, on random inputs made here (seeded, so a failure replays):
//  - EIP-712: 1,000 random documents (nested structs, arrays of every shape, every atomic type, random
//  domains);
//    ethers' TypedDataEncoder.hash, encodeType and primary type, its signTypedData signature, and the signer
//    it recovers from alith's signature;
//  - HD wallets: 1,000 random mnemonics (12 to 24 words), passphrases and paths vs HDNodeWallet.fromPhrase;
//  - the BIP-39 English wordlist vs LangEn;
//  - keystores both ways: 900 scrypt and 100 pbkdf2 files each way, with small random KDF costs (scrypt n
//    of 2 to 128) so that a thousand files take seconds: the cost does not change the format.
#include <gtest/gtest.h>

#include <set>

#include "alith/web3/eip712.h"
#include "alith/web3/hd.h"
#include "alith/web3/keystore.h"
#include "alith/web3/u256.h"
#include "ethers_reference.h"

namespace alith::web3 {
namespace {

using Rng = std::mt19937_64;

size_t pick(Rng& rng, size_t n) {
  return static_cast<size_t>(rng() % n);
}

std::string random_identifier(Rng& rng, const char* prefix) {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
  std::string out = prefix;
  for (size_t i = 0, n = 1 + pick(rng, 6); i < n; ++i) out += kChars[pick(rng, sizeof(kChars) - 1)];
  return out;
}

std::string random_text(Rng& rng) {
  static const char* kPieces[] = {
      "a",  "Z",  " ",  "0",    "\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x98\x80",
      "\"", "\\", "\n", "mail", "\xd0\xb6"};
  std::string out;
  for (size_t i = 0, n = pick(rng, 12); i < n; ++i) out += kPieces[pick(rng, std::size(kPieces))];
  return out;
}

// A random integer of type (u)intN as ethers and alith both accept it: a JSON number when small, else a
// decimal or 0x string; boundaries are likely.
Json random_integer(Rng& rng, bool is_signed, int bits) {
  U256 magnitude;
  bool negative = is_signed && rng() % 2 == 0;
  int limit = is_signed ? bits - 1 : bits;  // magnitude below 2^limit (or exactly 2^limit when negative)
  switch (pick(rng, 5)) {
    case 0:
      magnitude = U256(0);
      break;
    case 1:  // the extreme
      magnitude = (U256(1) << static_cast<unsigned>(limit)) - U256(negative ? 0 : 1);
      break;
    case 2:
      magnitude = U256(rng() % 1000);
      if (magnitude.bit_length() > limit) magnitude = U256(limit);
      break;
    default: {
      auto bytes = testing::random_bytes(rng, 32);
      magnitude = U256::from_be_bytes(bytes).value() >> static_cast<unsigned>(256 - pick(rng, limit) - 1);
      if (magnitude.bit_length() > limit) magnitude = U256(1);
    }
  }
  if (magnitude.is_zero()) negative = false;
  if (magnitude.fits_u64() && magnitude.low_u64() < (std::uint64_t{1} << 53) && rng() % 2 == 0) {
    auto small = static_cast<std::int64_t>(magnitude.low_u64());
    return negative ? Json(-small) : Json(small);
  }
  std::string text = rng() % 2 ? magnitude.to_string() : magnitude.to_hex();
  return negative ? "-" + text : text;
}

struct Generator {
  Rng& rng;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> structs;  // name -> (field, type)
  std::vector<std::string> order;                                                   // order[0] is primary

  std::string atomic_type() {
    switch (pick(rng, 9)) {
      case 0:
        return "uint" + std::to_string(8 * (1 + pick(rng, 32)));
      case 1:
        return "int" + std::to_string(8 * (1 + pick(rng, 32)));
      case 2:
        return "bytes" + std::to_string(1 + pick(rng, 32));
      case 3:
        return "bytes";
      case 4:
        return "string";
      case 5:
        return "bool";
      case 6:
        return "address";
      case 7:
        return rng() % 2 ? "uint256" : "int256";
      default:
        return rng() % 2 ? "uint8" : "bytes32";
    }
  }

  std::string with_arrays(std::string type) {
    size_t dims = pick(rng, 4) == 0 ? 1 + pick(rng, 2) : 0;
    for (size_t i = 0; i < dims; ++i) type += rng() % 2 ? "[]" : "[" + std::to_string(1 + pick(rng, 3)) + "]";
    return type;
  }

  void make_types() {
    size_t count = 1 + pick(rng, 4);
    std::set<std::string> names;
    while (names.size() < count) names.insert(random_identifier(rng, "S"));
    order.assign(names.begin(), names.end());
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t i = 0; i < order.size(); ++i) {
      auto& fields = structs[order[i]];
      for (size_t f = 0, n = 1 + pick(rng, 5); f < n; ++f) {
        fields.emplace_back("f" + std::to_string(f) + random_identifier(rng, "_"),
                            with_arrays(atomic_type()));
      }
      // Each struct after the first is used by an earlier one, so order[0] is the only root (as ethers asks)
      // and there are no cycles; sometimes by two.
      if (i > 0) {
        for (size_t uses = 0, n = 1 + pick(rng, 2); uses < n; ++uses) {
          auto& parent = structs[order[pick(rng, i)]];
          parent.emplace(parent.begin() + static_cast<std::ptrdiff_t>(pick(rng, parent.size() + 1)),
                         "r" + std::to_string(parent.size()) + random_identifier(rng, "_"),
                         with_arrays(order[i]));
        }
      }
    }
  }

  Json value(const std::string& type) {
    if (type.back() == ']') {
      size_t open = type.rfind('[');
      std::string element = type.substr(0, open);
      std::string digits = type.substr(open + 1, type.size() - open - 2);
      size_t n = digits.empty() ? pick(rng, 4) : std::stoul(digits);
      Json out = Json::array();
      for (size_t i = 0; i < n; ++i) out.push_back(value(element));
      return out;
    }
    if (auto it = structs.find(type); it != structs.end()) {
      Json out = Json::object();
      for (const auto& [name, field_type] : it->second) out[name] = value(field_type);
      return out;
    }
    if (type.rfind("uint", 0) == 0) return random_integer(rng, false, std::stoi(type.substr(4)));
    if (type.rfind("int", 0) == 0) return random_integer(rng, true, std::stoi(type.substr(3)));
    if (type == "bytes") return to_hex(testing::random_bytes(rng, pick(rng, 70)));
    if (type.rfind("bytes", 0) == 0) return to_hex(testing::random_bytes(rng, std::stoul(type.substr(5))));
    if (type == "string") return random_text(rng);
    if (type == "bool") return rng() % 2 == 0;
    if (type == "address") {
      Address a = Address::from_bytes(testing::random_bytes(rng, 20));
      return rng() % 2 ? a.to_checksum() : a.to_hex();
    }
    ADD_FAILURE() << "no value for " << type;
    return nullptr;
  }

  Json types_json() const {
    Json out = Json::object();
    for (const auto& [name, fields] : structs) {
      Json list = Json::array();
      for (const auto& [field, type] : fields) list.push_back({{"name", field}, {"type", type}});
      out[name] = list;
    }
    return out;
  }

  Json domain() {
    Json out = Json::object();
    if (rng() % 2) out["name"] = random_text(rng);
    if (rng() % 2) out["version"] = std::to_string(pick(rng, 10));
    if (rng() % 2) out["chainId"] = rng() % 2 ? Json(1 + pick(rng, 100000)) : Json(U256(rng()).to_hex());
    if (rng() % 2)
      out["verifyingContract"] = Address::from_bytes(testing::random_bytes(rng, 20)).to_checksum();
    if (rng() % 3 == 0) out["salt"] = to_hex(testing::random_bytes(rng, 32));
    return out;
  }
};

TEST(EthersWallets, TypedDataDigestsAndSignaturesMatch) {
  ALITH_REQUIRE_ETHERS();
  Rng rng(712712);
  Json vectors = Json::array();
  std::vector<TypedData> documents;
  std::vector<PrivateKey> keys;
  for (int i = 0; i < 1000; ++i) {
    Generator gen{rng, {}, {}};
    gen.make_types();
    Json domain = gen.domain();
    Json message = gen.value(gen.order[0]);
    Json types = gen.types_json();
    Json doc = {{"types", types}, {"primaryType", gen.order[0]}, {"domain", domain}, {"message", message}};
    if (rng() % 2) {  // alith also reads the domain type when the document declares it
      static const std::pair<const char*, const char*> kDomain[] = {{"name", "string"},
                                                                    {"version", "string"},
                                                                    {"chainId", "uint256"},
                                                                    {"verifyingContract", "address"},
                                                                    {"salt", "bytes32"}};
      Json fields = Json::array();
      for (auto [name, type] : kDomain) {
        if (domain.contains(name)) fields.push_back({{"name", name}, {"type", type}});
      }
      doc["types"]["EIP712Domain"] = fields;
    }
    auto parsed = TypedData::from_json(doc);
    ASSERT_TRUE(parsed) << parsed.error().message << "\n" << doc.dump();
    documents.push_back(std::move(parsed).value());
    keys.push_back(PrivateKey::from_bytes(testing::random_bytes(rng, 32)).value());
    vectors.push_back({{"types", types},
                       {"primaryType", gen.order[0]},
                       {"domain", domain},
                       {"message", message},
                       {"key", keys.back().reveal_hex()},
                       {"alith_signature", sign_typed_data(keys.back(), documents.back()).to_hex()}});
  }
  Json answers = testing::run_ethers("wallets.cjs", {{"typed", vectors}})["typed"];
  ASSERT_EQ(answers.size(), vectors.size());
  for (size_t i = 0; i < answers.size(); ++i) {
    const Json& a = answers[i];
    const TypedData& d = documents[i];
    ASSERT_EQ(a["digest"], to_hex(d.digest())) << i << " " << vectors[i].dump();
    ASSERT_EQ(a["encode_type"], d.types().encode_type(d.primary_type()).value()) << i;
    ASSERT_EQ(a["primary_type"], d.primary_type()) << i;
    ASSERT_EQ(a["signature"], vectors[i]["alith_signature"]) << i;
    ASSERT_EQ(a["recovered"], keys[i].address().to_checksum()) << i;
    auto ethers_signature = Signature::parse(a["signature"].get<std::string>()).value();
    ASSERT_EQ(recover_typed_data_signer(d, ethers_signature).value(), keys[i].address()) << i;
  }
}

TEST(EthersWallets, HdAddressesMatch) {
  ALITH_REQUIRE_ETHERS();
  Rng rng(3244);
  Json vectors = Json::array();
  std::vector<PrivateKey> keys;
  for (int i = 0; i < 1000; ++i) {
    std::string phrase = entropy_to_mnemonic(testing::random_bytes(rng, 16 + 4 * pick(rng, 5)));
    std::string password;
    for (size_t c = 0, n = pick(rng, 3) == 0 ? 0 : pick(rng, 20); c < n; ++c) {
      password += static_cast<char>(' ' + pick(rng, 95));  // printable ASCII
    }
    std::string path;
    if (rng() % 2) {
      path = ethereum_path(static_cast<std::uint32_t>(rng() % 2 ? pick(rng, 20) : rng() & 0x7fffffffu));
    } else {
      path = "m";
      for (size_t d = 0, n = pick(rng, 6); d < n; ++d) {
        path +=
            "/" + std::to_string(rng() % 2 ? pick(rng, 100) : rng() & 0x7fffffffu) + (rng() % 2 ? "'" : "");
      }
    }
    keys.push_back(HDKey::from_mnemonic(phrase, password).derive(path).private_key());
    vectors.push_back({{"phrase", phrase}, {"password", password}, {"path", path}});
  }
  Json answers = testing::run_ethers("wallets.cjs", {{"hd", vectors}})["hd"];
  ASSERT_EQ(answers.size(), vectors.size());
  for (size_t i = 0; i < answers.size(); ++i) {
    ASSERT_EQ(answers[i]["address"], keys[i].address().to_checksum()) << vectors[i].dump();
    ASSERT_EQ(answers[i]["key"], keys[i].reveal_hex()) << i;
  }
}

TEST(EthersWallets, Bip39WordlistIsEthersLangEn) {
  ALITH_REQUIRE_ETHERS();
  Json words = testing::run_ethers("wallets.cjs", {{"wordlist", true}})["wordlist"];
  ASSERT_EQ(words.size(), 2048u);
  auto ours = bip39_english_words();
  for (size_t i = 0; i < 2048; ++i) ASSERT_EQ(words[i], ours[i]) << i;
}

std::string random_password(Rng& rng) {
  static const char* kPieces[] = {"a",           "B", "7", " ", "!", "\xc3\xa9", "\xd0\xbf\xd0\xb0\xd1\x80",
                                  "\xe6\x97\xa5"};  // already NFKC, which ethers applies
  std::string out;
  for (size_t i = 0, n = pick(rng, 12); i < n; ++i) out += kPieces[pick(rng, std::size(kPieces))];
  return out;
}

TEST(EthersWallets, KeystoresFromEthersDecrypt) {
  ALITH_REQUIRE_ETHERS();
  Rng rng(3003);
  Json vectors = Json::array();
  std::vector<PrivateKey> keys;
  for (int i = 0; i < 1000; ++i) {
    keys.push_back(PrivateKey::from_bytes(testing::random_bytes(rng, 32)).value());
    bool pbkdf2 = i >= 900;
    Json v = {{"key", keys.back().reveal_hex()}, {"password", random_password(rng)}};
    if (pbkdf2) {
      v["kdf"] = "pbkdf2";
      v["iterations"] = 1 + pick(rng, 2000);
      v["salt"] = to_hex(testing::random_bytes(rng, 1 + pick(rng, 40)));
      v["iv"] = to_hex(testing::random_bytes(rng, 16));
    } else {
      v["kdf"] = "scrypt";
      v["n"] = std::uint64_t{1} << (1 + pick(rng, 7));
      v["r"] = 1 + pick(rng, 8);
      v["p"] = 1 + pick(rng, 2);
    }
    vectors.push_back(v);
  }
  Json files = testing::run_ethers("wallets.cjs", {{"encrypt", vectors}})["encrypt"];
  ASSERT_EQ(files.size(), vectors.size());
  for (size_t i = 0; i < files.size(); ++i) {
    std::string json = files[i].get<std::string>();
    std::string password = vectors[i]["password"].get<std::string>();
    PrivateKey key = decrypt_keystore(json, password);
    ASSERT_EQ(key.secret_bytes(), keys[i].secret_bytes()) << json;
    ASSERT_THROW(decrypt_keystore(json, password + "x"), CryptoError) << i;
  }
}

TEST(EthersWallets, KeystoresFromAlithDecryptInEthers) {
  ALITH_REQUIRE_ETHERS();
  Rng rng(3004);
  Json vectors = Json::array();
  std::vector<PrivateKey> keys;
  for (int i = 0; i < 1000; ++i) {
    keys.push_back(PrivateKey::from_bytes(testing::random_bytes(rng, 32)).value());
    KeystoreOptions options;
    if (i < 900) {
      options.kdf =
          ScryptParams{std::uint64_t{1} << (1 + pick(rng, 7)), static_cast<std::uint32_t>(1 + pick(rng, 8)),
                       static_cast<std::uint32_t>(1 + pick(rng, 2))};
    } else {
      options.kdf = Pbkdf2Params{1 + pick(rng, 2000), Pbkdf2Hash::sha256};
    }
    std::string password = random_password(rng);
    vectors.push_back({{"json", encrypt_keystore(keys.back(), password, options)}, {"password", password}});
  }
  Json answers = testing::run_ethers("wallets.cjs", {{"decrypt", vectors}})["decrypt"];
  ASSERT_EQ(answers.size(), vectors.size());
  for (size_t i = 0; i < answers.size(); ++i) {
    ASSERT_EQ(answers[i]["key"], keys[i].reveal_hex()) << vectors[i]["json"];
    ASSERT_EQ(answers[i]["address"], keys[i].address().to_checksum()) << i;
  }
}

}  // namespace
}  // namespace alith::web3
