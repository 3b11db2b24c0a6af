#include <algorithm>

#include "alith/web3/mnemonic.h"

namespace alith::web3 {
namespace {

constexpr std::array<std::string_view, 2048> kWords = {
#include "bip39_english.inc"
};

}  // namespace

std::span<const std::string_view, 2048> bip39_english_words() noexcept {
  return kWords;
}

int bip39_word_index(std::string_view word) noexcept {
  auto it = std::lower_bound(kWords.begin(), kWords.end(), word);
  if (it == kWords.end() || *it != word) return -1;
  return static_cast<int>(it - kWords.begin());
}

}  // namespace alith::web3
