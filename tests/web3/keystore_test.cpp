// Web3 Secret Storage v3 keystores: the spec's test vectors (password "testpassword"), round trips, the
// writers' variants, scrypt against RFC 7914, and every rejection.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <random>
#include <string>

#include "alith/core/json.h"
#include "alith/web3/keystore.h"
#include "web3/wallet_crypto.h"

namespace alith::web3 {
namespace {

constexpr std::string_view kSpecKey = "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";

Json spec_pbkdf2() {
  return Json::parse(R"({
    "crypto": {
      "cipher": "aes-128-ctr",
      "cipherparams": {"iv": "6087dab2f9fdbbfaddc31a909735c1e6"},
      "ciphertext": "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
      "kdf": "pbkdf2",
      "kdfparams": {"c": 262144, "dklen": 32, "prf": "hmac-sha256",
                    "salt": "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},
      "mac": "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"
    },
    "id": "3198bc9c-6672-5ab3-d995-4942343ae5b6",
    "version": 3
  })");
}

Json spec_scrypt() {
  return Json::parse(R"({
    "crypto": {
      "cipher": "aes-128-ctr",
      "cipherparams": {"iv": "83dbcc02d8ccb40e466191a123791e0e"},
      "ciphertext": "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
      "kdf": "scrypt",
      "kdfparams": {"dklen": 32, "n": 262144, "p": 8, "r": 1,
                    "salt": "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},
      "mac": "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"
    },
    "id": "3198bc9c-6672-5ab3-d995-4942343ae5b6",
    "version": 3
  })");
}

// A small, valid scrypt keystore to mutate in the error tests (n = 16: fast).
Json small_keystore() {
  KeystoreOptions options;
  options.kdf = ScryptParams{16, 1, 1};
  return Json::parse(encrypt_keystore(PrivateKey::parse(kSpecKey).value(), "pw", options));
}

ErrorInfo parse_error(const Json& doc, const KeystoreLimits& limits = {}) {
  auto parsed = Keystore::parse(dump_json(doc), limits);
  EXPECT_FALSE(parsed) << dump_json(doc);
  return parsed ? ErrorInfo{ErrorCode::parse, "parsed", std::nullopt} : parsed.error();
}

TEST(Keystore, DecryptsTheSpecPbkdf2Vector) {
  PrivateKey key = decrypt_keystore(dump_json(spec_pbkdf2()), "testpassword");
  EXPECT_EQ(key.reveal_hex(), kSpecKey);
  EXPECT_EQ(key.address().to_hex(), "0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b");
}

TEST(Keystore, DecryptsTheSpecScryptVector) {
  // n = 2^18 with r = 1 breaks RFC 7914's n < 2^(16r), which OpenSSL's scrypt and ethers v6 (noble)
  // enforce; geth does not, and neither does alith.
  PrivateKey key = decrypt_keystore(dump_json(spec_scrypt()), "testpassword");
  EXPECT_EQ(key.reveal_hex(), kSpecKey);
}

TEST(Keystore, EncryptingWithTheSpecParametersGivesTheSpecFile) {
  PrivateKey key = PrivateKey::parse(kSpecKey).value();
  KeystoreOptions options;
  options.kdf = Pbkdf2Params{262144, Pbkdf2Hash::sha256};
  options.salt = from_hex("ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd");
  FixedBytes<16> iv;
  auto iv_bytes = from_hex("6087dab2f9fdbbfaddc31a909735c1e6");
  std::copy(iv_bytes.begin(), iv_bytes.end(), iv.begin());
  options.iv = iv;
  options.uuid = FixedBytes<16>{};
  Keystore k = Keystore::encrypt(key, "testpassword", options);
  EXPECT_EQ(to_hex(k.ciphertext), "0x5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46");
  EXPECT_EQ(to_hex(k.mac), "0x517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2");
  EXPECT_EQ(k.id, "00000000-0000-4000-8000-000000000000");  // version 4, RFC 4122 variant
  Json doc = Json::parse(k.to_json());
  EXPECT_EQ(doc["address"], "008aeeda4d805471df9b2a5b0f38a0c3bcba786b");
  EXPECT_EQ(doc["version"], 3);
  EXPECT_EQ(doc["crypto"]["kdfparams"]["prf"], "hmac-sha256");
  EXPECT_EQ(doc["crypto"]["kdfparams"]["c"], 262144);
}

TEST(Keystore, ScryptMatchesRfc7914AndOpenSsl) {
  FixedBytes<64> out;
  ASSERT_TRUE(detail::scrypt({}, {}, 16, 1, 1, out));
  EXPECT_EQ(
      to_hex(out),
      "0x77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3"
      "e0fb2e0d3628cf35e20c38d18906");
  ASSERT_TRUE(detail::scrypt(as_bytes("password"), as_bytes("NaCl"), 1024, 8, 16, out));
  EXPECT_EQ(to_hex(out),
            "0xfdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830"
            "dac727a"
            "fb94a83ee6d8360cbdfa2cc0640");
  // Where OpenSSL's scrypt accepts the parameters (n < 2^(16r)), both agree.
  std::mt19937_64 rng(7914);
  for (int i = 0; i < 20; ++i) {
    std::uint32_t r = 1 + static_cast<std::uint32_t>(rng() % 4);
    std::uint64_t n = std::uint64_t{2} << (rng() % 10);
    std::uint32_t p = 1 + static_cast<std::uint32_t>(rng() % 3);
    Bytes password(rng() % 20), salt(rng() % 40);
    for (auto& b : password) b = static_cast<std::uint8_t>(rng());
    for (auto& b : salt) b = static_cast<std::uint8_t>(rng());
    FixedBytes<32> ours, theirs;
    ASSERT_TRUE(detail::scrypt(password, salt, n, r, p, ours));
    ASSERT_EQ(EVP_PBE_scrypt(reinterpret_cast<const char*>(password.data()), password.size(), salt.data(),
                             salt.size(), n, r, p, 0, theirs.data(), theirs.size()),
              1);
    EXPECT_EQ(ours, theirs) << n << " " << r << " " << p;
  }
  EXPECT_FALSE(detail::scrypt({}, {}, 12, 1, 1, out));  // not a power of two
  EXPECT_FALSE(detail::scrypt({}, {}, 16, 0, 1, out));
}

TEST(Keystore, RoundTripsWithEveryKdf) {
  PrivateKey key = PrivateKey::random();
  for (KdfParams kdf :
       {KdfParams(ScryptParams{1024, 8, 1}), KdfParams(ScryptParams{16, 2, 3}),
        KdfParams(Pbkdf2Params{1000, Pbkdf2Hash::sha256}), KdfParams(Pbkdf2Params{10, Pbkdf2Hash::sha512})}) {
    KeystoreOptions options;
    options.kdf = kdf;
    std::string json = encrypt_keystore(key, "correct horse \xc3\xa9", options);
    EXPECT_EQ(decrypt_keystore(json, "correct horse \xc3\xa9").secret_bytes(), key.secret_bytes());
    auto parsed = Keystore::parse(json).value();
    EXPECT_EQ(parsed.address, key.address());
    EXPECT_EQ(parsed.id.size(), 36u);
    EXPECT_EQ(parsed.id[14], '4');
  }
  // An empty password and an empty salt are legal.
  for (KdfParams kdf : {KdfParams(ScryptParams{16, 1, 1}), KdfParams(Pbkdf2Params{1, Pbkdf2Hash::sha256})}) {
    KeystoreOptions options;
    options.kdf = kdf;
    options.salt = Bytes{};
    std::string json = encrypt_keystore(key, "", options);
    EXPECT_EQ(decrypt_keystore(json, "").address(), key.address());
    EXPECT_THROW(decrypt_keystore(json, " "), CryptoError);
  }
  // Fresh salt, iv and id every time.
  std::string a = encrypt_keystore(key, "pw", {ScryptParams{16, 1, 1}, {}, {}, {}});
  std::string b = encrypt_keystore(key, "pw", {ScryptParams{16, 1, 1}, {}, {}, {}});
  EXPECT_NE(a, b);
  EXPECT_THROW(decrypt_keystore(a, ""), CryptoError);
}

TEST(Keystore, WrongPasswordIsACryptoErrorWithoutThePassword) {
  std::string json = dump_json(small_keystore());
  try {
    decrypt_keystore(json, "hunter2-secret");
    FAIL() << "decrypted with a wrong password";
  } catch (const CryptoError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("wrong password"), std::string::npos) << what;
    EXPECT_EQ(what.find("hunter2"), std::string::npos);
    EXPECT_EQ(what.find("7a28b5ba"), std::string::npos);
  }
}

TEST(Keystore, ReadsTheWritersVariants) {
  Json doc = spec_pbkdf2();
  // ethers: "Crypto", address without 0x; hex with 0x prefixes; numbers as strings; mixed-case MAC.
  Json crypto = doc["crypto"];
  doc.erase("crypto");
  crypto["kdfparams"]["c"] = "262144";
  crypto["kdfparams"]["dklen"] = "32";
  crypto["ciphertext"] = "0x" + crypto["ciphertext"].get<std::string>();
  crypto["mac"] = "0x517EAD924A9D0DC3124507E3393D175CE3FF7C1E96529C6C555CE9E51205E9B2";
  doc["Crypto"] = crypto;
  doc["address"] = "008AEEDA4D805471DF9B2A5B0F38A0C3BCBA786B";
  doc["version"] = "3";
  doc["x-ethers"] = {{"client", "ethers/6.17.0"}};
  EXPECT_EQ(decrypt_keystore(dump_json(doc), "testpassword").reveal_hex(), kSpecKey);
  doc["address"] = "0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b";  // geth: with 0x
  EXPECT_EQ(decrypt_keystore(dump_json(doc), "testpassword").reveal_hex(), kSpecKey);
  doc["address"] = "";
  EXPECT_EQ(decrypt_keystore(dump_json(doc), "testpassword").reveal_hex(), kSpecKey);
}

TEST(Keystore, AddressThatIsNotTheKeysIsACryptoError) {
  Json doc = small_keystore();
  doc["address"] = "0000000000000000000000000000000000000001";
  EXPECT_THROW(decrypt_keystore(dump_json(doc), "pw"), CryptoError);
  doc["address"] = "not an address";
  EXPECT_EQ(parse_error(doc).code, ErrorCode::parse);
}

TEST(Keystore, MalformedFilesAreTypedErrors) {
  auto code_of = [](const std::string& text) {
    auto parsed = Keystore::parse(text);
    EXPECT_FALSE(parsed) << text;
    return parsed ? ErrorCode::parse : parsed.error().code;
  };
  EXPECT_EQ(code_of(""), ErrorCode::parse);
  EXPECT_EQ(code_of("{"), ErrorCode::parse);
  EXPECT_EQ(code_of("[]"), ErrorCode::parse);
  EXPECT_EQ(code_of("{}"), ErrorCode::parse);
  EXPECT_EQ(code_of(std::string(2 << 20, ' ')), ErrorCode::too_large);
  EXPECT_THROW(decrypt_keystore("{", "pw"), ParseError);

  struct Case {
    std::string pointer;  // what to change
    Json value;           // null: remove it
    ErrorCode code;
    std::string mentions;
  };
  const std::vector<Case> cases = {
      {"/version", 4, ErrorCode::unsupported, "version"},
      {"/version", nullptr, ErrorCode::parse, "version"},
      {"/crypto", nullptr, ErrorCode::parse, "crypto"},
      {"/crypto", "x", ErrorCode::parse, "crypto"},
      {"/crypto/cipher", "aes-128-gcm", ErrorCode::unsupported, "cipher"},
      {"/crypto/cipher", 5, ErrorCode::parse, "crypto.cipher"},
      {"/crypto/cipherparams/iv", "00", ErrorCode::parse, "crypto.cipherparams.iv"},
      {"/crypto/cipherparams/iv", "zz", ErrorCode::parse, "crypto.cipherparams.iv"},
      {"/crypto/cipherparams", nullptr, ErrorCode::parse, "crypto.cipherparams"},
      {"/crypto/ciphertext", "0011", ErrorCode::parse, "crypto.ciphertext"},
      {"/crypto/mac", "xyz", ErrorCode::parse, "crypto.mac"},
      {"/crypto/mac", nullptr, ErrorCode::parse, "crypto.mac"},
      {"/crypto/kdf", "argon2id", ErrorCode::unsupported, "kdf"},
      {"/crypto/kdfparams", nullptr, ErrorCode::parse, "crypto.kdfparams"},
      {"/crypto/kdfparams/dklen", 16, ErrorCode::parse, "dklen"},
      {"/crypto/kdfparams/n", 1000, ErrorCode::parse, "crypto.kdfparams.n"},
      {"/crypto/kdfparams/n", 1, ErrorCode::parse, "crypto.kdfparams.n"},
      {"/crypto/kdfparams/n", -16, ErrorCode::parse, "crypto.kdfparams.n"},
      {"/crypto/kdfparams/n", 16.5, ErrorCode::parse, "crypto.kdfparams.n"},
      {"/crypto/kdfparams/n", std::uint64_t{1} << 40, ErrorCode::too_large, "memory"},
      {"/crypto/kdfparams/n", std::uint64_t{1} << 63, ErrorCode::too_large, "memory"},
      {"/crypto/kdfparams/r", 0, ErrorCode::parse, "crypto.kdfparams.r"},
      {"/crypto/kdfparams/r", std::uint64_t{1} << 32, ErrorCode::parse, "crypto.kdfparams.r"},
      {"/crypto/kdfparams/r", 4294967295u, ErrorCode::too_large, "memory"},
      {"/crypto/kdfparams/p", 0, ErrorCode::parse, "crypto.kdfparams.p"},
      {"/crypto/kdfparams/p", 4000000000u, ErrorCode::too_large, ""},
      {"/crypto/kdfparams/salt", "0xg0", ErrorCode::parse, "crypto.kdfparams.salt"},
      {"/crypto/kdfparams/salt", std::string(4096, 'a'), ErrorCode::parse, "crypto.kdfparams.salt"},
  };
  for (const auto& c : cases) {
    Json doc = small_keystore();
    if (c.value.is_null()) {
      Json::json_pointer ptr(c.pointer);
      doc[ptr.parent_pointer()].erase(ptr.back());
    } else {
      doc[Json::json_pointer(c.pointer)] = c.value;
    }
    ErrorInfo e = parse_error(doc);
    EXPECT_EQ(e.code, c.code) << c.pointer << " " << e.message;
    EXPECT_NE(e.message.find(c.mentions), std::string::npos) << c.pointer << ": " << e.message;
  }
}

TEST(Keystore, Pbkdf2ParametersAreChecked) {
  Json doc = spec_pbkdf2();
  doc["crypto"]["kdfparams"]["prf"] = "hmac-sha1";
  EXPECT_EQ(parse_error(doc).code, ErrorCode::unsupported);
  doc = spec_pbkdf2();
  doc["crypto"]["kdfparams"]["c"] = 0;
  EXPECT_EQ(parse_error(doc).code, ErrorCode::parse);
  doc["crypto"]["kdfparams"]["c"] = 1'000'000'000;
  EXPECT_EQ(parse_error(doc).code, ErrorCode::too_large);
  doc["crypto"]["kdfparams"].erase("prf");
  EXPECT_EQ(parse_error(doc).code, ErrorCode::parse);
}

TEST(Keystore, LimitsBoundTheWorkAFileMayAskFor) {
  KeystoreLimits tight;
  tight.max_scrypt_memory = 1 << 20;
  tight.max_scrypt_work = 1 << 12;
  tight.max_pbkdf2_iterations = 1000;
  EXPECT_EQ(parse_error(spec_scrypt(), tight).code, ErrorCode::too_large);
  EXPECT_EQ(parse_error(spec_pbkdf2(), tight).code, ErrorCode::too_large);
  Keystore k = Keystore::parse(dump_json(spec_pbkdf2())).value();
  EXPECT_THROW(k.decrypt("testpassword", tight), TooLargeError);
  // n·r·p over the work limit with little memory: p is sequential.
  Json doc = small_keystore();
  doc["crypto"]["kdfparams"]["p"] = 1 << 21;
  EXPECT_EQ(parse_error(doc).code, ErrorCode::too_large);
}

TEST(Keystore, EncryptRejectsInvalidParameters) {
  PrivateKey key = PrivateKey::random();
  EXPECT_THROW(encrypt_keystore(key, "pw", {ScryptParams{1000, 8, 1}, {}, {}, {}}), InvalidArgumentError);
  EXPECT_THROW(encrypt_keystore(key, "pw", {ScryptParams{1024, 0, 1}, {}, {}, {}}), InvalidArgumentError);
  EXPECT_THROW(encrypt_keystore(key, "pw", {ScryptParams{std::uint64_t{1} << 62, 8, 1}, {}, {}, {}}),
               InvalidArgumentError);
  EXPECT_THROW(encrypt_keystore(key, "pw", {Pbkdf2Params{0, Pbkdf2Hash::sha256}, {}, {}, {}}),
               InvalidArgumentError);
}

}  // namespace
}  // namespace alith::web3
