// BIP-39 mnemonics (the Trezor reference vectors, passphrase "TREZOR"), BIP-32 test vector 1, BIP-44
// Ethereum accounts, derivation paths, and every rejection.
#include <gtest/gtest.h>

#include <set>

#include "alith/web3/hd.h"
#include "alith/web3/mnemonic.h"

namespace alith::web3 {
namespace {

struct Bip39Vector {
  const char* entropy;
  const char* phrase;
  const char* seed;
};

// From the BIP-39 reference vectors (trezor/python-mnemonic vectors.json), passphrase "TREZOR".
const Bip39Vector kBip39[] = {
    {"00000000000000000000000000000000",
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
     "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3"
     "c4ab7"
     "c81b2f001698e7463b04"},
    {"7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
     "legal winner thank year wave sausage worth useful legal winner thank yellow",
     "2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1069be3a3a5b"
     "d381e"
     "e6260e8d9739fce1f607"},
    {"80808080808080808080808080808080",
     "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
     "d71de856f81a8acc65e6fc851a38d4d7ec216fd0796d0a6827a3ad6ed5511a30fa280f12eb2e47ed2ac03b5c462a0358d18d69f"
     "e4f98"
     "5ec81778c1b370b652a8"},
    {"ffffffffffffffffffffffffffffffff", "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
     "ac27495480225222079d7be181583751e86f571027b0497b5b5d11218e0a8a13332572917f0f8e5a589620c6f15b11c61dee327"
     "651a1"
     "4c34e18231052e48c069"},
    {"0000000000000000000000000000000000000000000000000000000000000000",
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
     "abandon "
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art",
     "bda85446c68413707090a52022edd26a1c9462295029f2e60cd7c4f2bbd3097170af7a4d73245cafa9c3cca8d561a7c3de6f5d4"
     "a10be"
     "8ed2a5e608d68f92fcc8"},
    {"9e885d952ad362caeb4efe34a8e91bd2",
     "ozone drill grab fiber curtain grace pudding thank cruise elder eight picnic",
     "274ddc525802f7c828d8ef7ddbcdc5304e87ac3535913611fbbfa986d0c9e5476c91689f9c8a54fd55bd38606aa6a8595ad213d"
     "4c9c9"
     "f9aca3fb217069a41028"},
};

constexpr std::string_view kAbandonAbout =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

TEST(Bip39, WordlistIsTheEnglishList) {
  auto words = bip39_english_words();
  EXPECT_EQ(words.front(), "abandon");
  EXPECT_EQ(words[1], "ability");
  EXPECT_EQ(words[1024], "length");
  EXPECT_EQ(words.back(), "zoo");
  EXPECT_TRUE(std::is_sorted(words.begin(), words.end()));
  EXPECT_EQ(std::set<std::string_view>(words.begin(), words.end()).size(), 2048u);
  for (size_t i = 0; i < words.size(); ++i) ASSERT_EQ(bip39_word_index(words[i]), static_cast<int>(i));
  EXPECT_EQ(bip39_word_index("abandonn"), -1);
  EXPECT_EQ(bip39_word_index(""), -1);
}

TEST(Bip39, ReferenceVectors) {
  for (const auto& v : kBip39) {
    EXPECT_EQ(entropy_to_mnemonic(from_hex(v.entropy)), v.phrase);
    EXPECT_EQ(to_hex(mnemonic_to_entropy(v.phrase).value(), false), v.entropy);
    EXPECT_EQ(to_hex(mnemonic_to_seed(v.phrase, "TREZOR").bytes(), false), v.seed);
  }
}

TEST(Bip39, GeneratesValidPhrasesOfEveryLength) {
  for (int words : {12, 15, 18, 21, 24}) {
    std::string phrase = generate_mnemonic(words);
    EXPECT_EQ(std::count(phrase.begin(), phrase.end(), ' '), words - 1);
    EXPECT_TRUE(is_valid_mnemonic(phrase)) << phrase;
    EXPECT_EQ(mnemonic_to_entropy(phrase)->size(), static_cast<size_t>(words / 3 * 4));
  }
  EXPECT_NE(generate_mnemonic(), generate_mnemonic());
  for (int bad : {0, 11, 13, 27, -12}) EXPECT_THROW(generate_mnemonic(bad), InvalidArgumentError);
  for (size_t bad : {0u, 15u, 17u, 36u}) EXPECT_THROW(entropy_to_mnemonic(Bytes(bad)), InvalidArgumentError);
}

TEST(Bip39, ReadsPhrasesLikeEthers) {
  std::string messy =
      "  Abandon\tabandon  abandon abandon abandon abandon\nabandon abandon abandon abandon ABANDON about ";
  EXPECT_EQ(normalize_mnemonic(messy).value(), kAbandonAbout);
  EXPECT_EQ(mnemonic_to_seed(messy).bytes(), mnemonic_to_seed(kAbandonAbout).bytes());
}

TEST(Bip39, InvalidPhrasesSayWhyWithoutTheWords) {
  auto error_of = [](std::string_view phrase) {
    auto r = mnemonic_to_entropy(phrase);
    EXPECT_FALSE(r) << phrase;
    return r ? std::string() : r.error().message;
  };
  EXPECT_NE(error_of("").find("got 0"), std::string::npos);
  EXPECT_NE(error_of("abandon abandon abandon").find("got 3"), std::string::npos);
  std::string thirteen(kAbandonAbout);
  thirteen += " abandon";
  EXPECT_NE(error_of(thirteen).find("got 13"), std::string::npos);
  std::string typo =
      "abandon abandon abandon abandn abandon abandon abandon abandon abandon abandon abandon about";
  std::string message = error_of(typo);
  EXPECT_NE(message.find("word 4"), std::string::npos) << message;
  EXPECT_EQ(message.find("abandn"), std::string::npos) << message;
  std::string checksum =
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon";
  message = error_of(checksum);
  EXPECT_NE(message.find("checksum"), std::string::npos) << message;
  EXPECT_EQ(message.find("abandon"), std::string::npos) << message;
  EXPECT_FALSE(
      is_valid_mnemonic("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
                        "abandon \xc3\xa1\x62out"));
  EXPECT_THROW(mnemonic_to_seed(checksum), ParseError);
  EXPECT_THROW(mnemonic_to_seed(kAbandonAbout, "caf\xc3\xa9"), UnsupportedError);
}

struct Bip32Step {
  const char* path;
  const char* xpub;
  const char* xprv;
};

// BIP-32 test vector 1, seed 000102030405060708090a0b0c0d0e0f.
const Bip32Step kVector1[] = {
    {"m",
     "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W"
     "1EGMcet8",
     "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yu"
     "GBxrMPHi"},
    {"m/0H",
     "xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2d"
     "ZXvgGDnw",
     "xprv9uHRZZhk6KAJC1avXpDAp4MDc3sQKNxDiPvvkX8Br5ngLNv1TxvUxt4cV1rGL5hj6KCesnDYUhd7oWgT11eZG7XnxHrnYeSvkzY"
     "7d2bhkJ7"},
    {"m/0H/1",
     "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmA"
     "LppuCkwQ",
     "xprv9wTYmMFdV23N2TdNG573QoEsfRrWKQgWeibmLntzniatZvR9BmLnvSxqu53Kw1UmYPxLgboyZQaXwTCg8MSY3H2EU4pWcQDnRnr"
     "VA1xe8fs"},
    {"m/0H/1/2H",
     "xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5"
     "Uv6fcLW5",
     "xprv9z4pot5VBttmtdRTWfWQmoH1taj2axGVzFqSb8C9xaxKymcFzXBDptWmT7FwuEzG3ryjH4ktypQSAewRiNMjANTtpgP4mLTj34b"
     "hnZX7UiM"},
    {"m/0H/1/2H/2",
     "xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62cfN7fe5JnJ7dh8z"
     "L4fiyLHV",
     "xprvA2JDeKCSNNZky6uBCviVfJSKyQ1mDYahRjijr5idH2WwLsEd4Hsb2Tyh8RfQMuPh7f7RtyzTtdrbdqqsunu5Mm3wDvUAKRHSC34"
     "sJ7in334"},
    {"m/0H/1/2H/2/1000000000",
     "xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP3SSQvnyA8FSVqNTEcYFgJS2UaFcxupHiYkro49S8yGasTvXEYBVPamhGW6c"
     "FJodrTHy",
     "xprvA41z7zogVVwxVSgdKUHDy1SKmdb533PjDz7J6N6mV6uS3ze1ai8FHa8kmHScGpWmj4WggLyQjgPie1rFSruoUihUZREPSL39UNd"
     "E3BBDu76"},
};

TEST(Bip32, TestVector1) {
  HDKey master = HDKey::from_seed(from_hex("000102030405060708090a0b0c0d0e0f"));
  for (const auto& step : kVector1) {
    HDKey key = master.derive(step.path);
    EXPECT_EQ(key.to_xpub(), step.xpub) << step.path;
    EXPECT_EQ(key.to_xprv(), step.xprv) << step.path;
  }
  // Step by step gives the same keys as whole paths, with depth and numbers recorded.
  HDKey key = master.derive_child(kHardened).derive_child(1).derive_child(kHardened + 2);
  EXPECT_EQ(key.to_xprv(), kVector1[3].xprv);
  EXPECT_EQ(key.depth(), 3);
  EXPECT_EQ(key.child_number(), kHardened + 2);
  EXPECT_EQ(key.parent_fingerprint(), master.derive("m/0'/1").fingerprint());
  EXPECT_EQ(master.fingerprint(), 0x3442193eu);
  // A relative path continues from a key.
  EXPECT_EQ(master.derive("m/0'").derive("1/2'").to_xprv(), kVector1[3].xprv);
}

TEST(Bip44, AbandonAboutEthereumAccount) {
  PrivateKey account = ethereum_account(kAbandonAbout);
  EXPECT_EQ(account.address().to_checksum(), "0x9858EfFD232B4033E47d90003D41EC34EcaEda94");
  HDKey master = HDKey::from_mnemonic(kAbandonAbout);
  EXPECT_EQ(ethereum_account(master, 0).address(), account.address());
  EXPECT_EQ(master.derive("m/44'/60'/0'/0/0").address(), account.address());
  EXPECT_NE(ethereum_account(master, 1).address(), account.address());
  EXPECT_EQ(ethereum_path(5), "m/44'/60'/0'/0/5");
  EXPECT_THROW(ethereum_path(kHardened), InvalidArgumentError);
}

TEST(DerivationPaths, ParseAndPrint) {
  auto p = DerivationPath::parse("m/44'/60h/0H/0/5").value();
  EXPECT_TRUE(p.absolute);
  EXPECT_EQ(p.indices, (std::vector<std::uint32_t>{kHardened + 44, kHardened + 60, kHardened, 0, 5}));
  EXPECT_EQ(p.to_string(), "m/44'/60'/0'/0/5");
  EXPECT_TRUE(DerivationPath::parse("m")->indices.empty());
  auto relative = DerivationPath::parse("0/2147483647'").value();
  EXPECT_FALSE(relative.absolute);
  EXPECT_EQ(relative.indices.back(), 0xffffffffu);
  EXPECT_EQ(relative.to_string(), "0/2147483647'");
}

TEST(DerivationPaths, MalformedPathsAreParseErrorsWithOffsets) {
  struct Bad {
    const char* path;
    size_t offset;
  };
  for (auto [path, offset] : {Bad{"", 0}, Bad{"m/", 2}, Bad{"m//0", 2}, Bad{"m/0/", 4}, Bad{"m/x", 2},
                              Bad{"m/0''", 4}, Bad{"m/2147483648", 2}, Bad{"m/99999999999999999999", 2},
                              Bad{"mm/0", 1}, Bad{"/0", 0}, Bad{"m/-1", 2}, Bad{"m/1 /2", 3}}) {
    auto r = DerivationPath::parse(path);
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().code, ErrorCode::parse) << path;
    EXPECT_EQ(r.error().offset, offset) << path << ": " << r.error().message;
  }
  std::string deep = "m";
  for (int i = 0; i < 256; ++i) deep += "/0";
  EXPECT_FALSE(DerivationPath::parse(deep));
  HDKey master = HDKey::from_seed(from_hex("000102030405060708090a0b0c0d0e0f"));
  EXPECT_THROW(master.derive("m/x"), ParseError);
  EXPECT_THROW(master.derive("m/0").derive("m/1"), InvalidArgumentError);
}

TEST(Bip32, SeedLengthIsChecked) {
  EXPECT_THROW(HDKey::from_seed(Bytes(15)), InvalidArgumentError);
  EXPECT_THROW(HDKey::from_seed(Bytes(65)), InvalidArgumentError);
  EXPECT_NO_THROW(HDKey::from_seed(Bytes(16, 1)));
  EXPECT_NO_THROW(HDKey::from_seed(Bytes(64, 1)));
}

}  // namespace
}  // namespace alith::web3
