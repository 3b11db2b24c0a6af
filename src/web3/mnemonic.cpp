#include "alith/web3/mnemonic.h"

#include <vector>

#include "web3/wallet_crypto.h"

namespace alith::web3 {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// The word indices of a phrase, checked against the list and the allowed counts.
Result<std::vector<int>> word_indices(std::string_view phrase) {
  std::vector<int> indices;
  std::string word;
  size_t count = 0;
  for (size_t i = 0; i <= phrase.size(); ++i) {
    if (i < phrase.size() && !is_space(phrase[i])) {
      char c = phrase[i];
      word.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
      continue;
    }
    if (word.empty()) continue;
    ++count;
    if (count <= 24) {
      int index = bip39_word_index(word);
      wipe(word.data(), word.size());
      if (index < 0) {
        return make_error(ErrorCode::parse,
                          "mnemonic word " + std::to_string(count) + " is not in the BIP-39 English list");
      }
      indices.push_back(index);
    }
    wipe(word.data(), word.size());
    word.clear();
  }
  if (count < 12 || count > 24 || count % 3 != 0) {
    return make_error(ErrorCode::parse,
                      "a mnemonic has 12, 15, 18, 21 or 24 words, got " + std::to_string(count));
  }
  return indices;
}

std::string join_words(const std::vector<int>& indices) {
  auto words = bip39_english_words();
  std::string out;
  for (int index : indices) {
    if (!out.empty()) out += ' ';
    out += words[static_cast<size_t>(index)];
  }
  return out;
}

}  // namespace

Seed::~Seed() {
  wipe(bytes_.data(), bytes_.size());
}

std::string generate_mnemonic(int word_count) {
  if (word_count < 12 || word_count > 24 || word_count % 3 != 0) {
    throw InvalidArgumentError("a mnemonic has 12, 15, 18, 21 or 24 words, not " +
                               std::to_string(word_count));
  }
  Bytes entropy(static_cast<size_t>(word_count / 3 * 4));
  detail::random_fill(entropy);
  std::string phrase = entropy_to_mnemonic(entropy);
  wipe(entropy.data(), entropy.size());
  return phrase;
}

std::string entropy_to_mnemonic(ByteView entropy) {
  if (entropy.size() < 16 || entropy.size() > 32 || entropy.size() % 4 != 0) {
    throw InvalidArgumentError("BIP-39 entropy is 16, 20, 24, 28 or 32 bytes, not " +
                               std::to_string(entropy.size()));
  }
  FixedBytes<32> checksum = detail::sha256(entropy);
  const size_t bits = entropy.size() * 8 + entropy.size() / 4;  // entropy, then ENT/32 checksum bits
  auto bit = [&](size_t i) -> int {
    std::uint8_t byte = i < entropy.size() * 8 ? entropy[i / 8] : checksum[(i - entropy.size() * 8) / 8];
    return (byte >> (7 - i % 8)) & 1;
  };
  std::vector<int> indices;
  for (size_t start = 0; start < bits; start += 11) {
    int index = 0;
    for (size_t i = start; i < start + 11; ++i) index = index << 1 | bit(i);
    indices.push_back(index);
  }
  wipe(checksum.data(), checksum.size());
  std::string phrase = join_words(indices);
  wipe(indices.data(), indices.size() * sizeof(int));
  return phrase;
}

Result<Bytes> mnemonic_to_entropy(std::string_view phrase) {
  auto indices = word_indices(phrase);
  if (!indices) return indices.error();
  const size_t total_bits = indices->size() * 11;
  const size_t entropy_bytes = indices->size() / 3 * 4;
  Bytes bits((total_bits + 7) / 8, 0);
  size_t at = 0;
  for (int index : *indices) {
    for (int b = 10; b >= 0; --b, ++at) {
      if ((index >> b) & 1) bits[at / 8] = static_cast<std::uint8_t>(bits[at / 8] | (0x80 >> (at % 8)));
    }
  }
  wipe(indices->data(), indices->size() * sizeof(int));
  Bytes entropy(bits.begin(), bits.begin() + static_cast<std::ptrdiff_t>(entropy_bytes));
  const size_t checksum_bits = entropy_bytes / 4;
  const std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - checksum_bits));
  FixedBytes<32> digest = detail::sha256(entropy);
  bool ok = (digest[0] & mask) == (bits[entropy_bytes] & mask);
  wipe(digest.data(), digest.size());
  wipe(bits.data(), bits.size());
  if (!ok) {
    wipe(entropy.data(), entropy.size());
    return make_error(ErrorCode::parse, "mnemonic checksum mismatch (a word is wrong or out of order)");
  }
  return entropy;
}

Result<std::string> normalize_mnemonic(std::string_view phrase) {
  auto entropy = mnemonic_to_entropy(phrase);
  if (!entropy) return entropy.error();
  std::string out = entropy_to_mnemonic(*entropy);
  wipe(entropy->data(), entropy->size());
  return out;
}

bool is_valid_mnemonic(std::string_view phrase) {
  auto entropy = mnemonic_to_entropy(phrase);
  if (!entropy) return false;
  wipe(entropy->data(), entropy->size());
  return true;
}

Seed mnemonic_to_seed(std::string_view phrase, std::string_view passphrase) {
  for (char c : passphrase) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      throw UnsupportedError(
          "a non-ASCII BIP-39 passphrase needs Unicode NFKD normalization, which alith does not implement");
    }
  }
  std::string canonical = normalize_mnemonic(phrase).value();
  std::string salt = "mnemonic" + std::string(passphrase);
  FixedBytes<64> seed;
  bool ok = detail::pbkdf2("SHA512", as_bytes(canonical), as_bytes(salt), 2048, seed);
  wipe(canonical.data(), canonical.size());
  wipe(salt.data(), salt.size());
  if (!ok) throw CryptoError("PBKDF2-HMAC-SHA512 failed");
  Seed out(seed);
  wipe(seed.data(), seed.size());
  return out;
}

}  // namespace alith::web3
