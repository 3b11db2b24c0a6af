#pragma once

// BIP-39 mnemonics in English: 12 to 24 words that encode 128 to 256 bits of entropy plus a checksum, and the
// 64-byte seed a wallet derives its keys from (hd.h).
//
// Normalization: BIP-39 applies Unicode NFKD to the phrase and the passphrase. English words are ASCII, which
// NFKD leaves unchanged, and alith does not implement NFKD; so a passphrase must be ASCII (a non-ASCII one is
// UnsupportedError rather than silently giving another wallet than ethers or a hardware wallet would).
//
// Phrases are read like ethers reads them: words separated by any ASCII whitespace, in any letter case; the
// seed is computed from the canonical form (lowercase words joined by single spaces).

#include <array>
#include <span>
#include <string>
#include <string_view>

#include "alith/web3/bytes.h"

namespace alith::web3 {

// The 2048 words of the BIP-39 English list, in index (and alphabetical) order.
std::span<const std::string_view, 2048> bip39_english_words() noexcept;
// The word's index, or -1.
int bip39_word_index(std::string_view word) noexcept;

// A new phrase from OpenSSL's CSPRNG. word_count is 12, 15, 18, 21 or 24 (else InvalidArgumentError).
std::string generate_mnemonic(int word_count = 12);
// The phrase for 16, 20, 24, 28 or 32 bytes of entropy (else InvalidArgumentError).
std::string entropy_to_mnemonic(ByteView entropy);
// The entropy of a phrase. A parse error names the problem: the word count, the position (1-based) of a word
// not in the list, or a checksum mismatch. Messages never contain the words: even a misspelt one is part of
// a secret.
Result<Bytes> mnemonic_to_entropy(std::string_view phrase);
// The canonical form of a valid phrase (lowercase, single spaces), or the error mnemonic_to_entropy gives.
Result<std::string> normalize_mnemonic(std::string_view phrase);
bool is_valid_mnemonic(std::string_view phrase);

// A BIP-39 seed. Wiped when destroyed.
class Seed {
 public:
  explicit Seed(const FixedBytes<64>& bytes) noexcept : bytes_(bytes) {}
  Seed(const Seed&) = default;
  Seed& operator=(const Seed&) = default;
  ~Seed();
  const FixedBytes<64>& bytes() const noexcept { return bytes_; }

 private:
  FixedBytes<64> bytes_;
};

// PBKDF2-HMAC-SHA512(phrase, "mnemonic" + passphrase, 2048 rounds). An invalid phrase is ParseError; a
// non-ASCII passphrase UnsupportedError (see the top of this file).
Seed mnemonic_to_seed(std::string_view phrase, std::string_view passphrase = {});

}  // namespace alith::web3
