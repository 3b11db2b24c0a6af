// Bit-flipped copies of the real model: each loads or fails with a typed error; none crashes.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "alith/core/error.h"
#include "alith/inference/model.h"
#include "model_fixture.h"

namespace alith::inference {
namespace {

TEST(GgufCorruption, BitFlippedCopiesLoadOrFailTyped) {
  const auto source = testing::gemma_path();
  if (!std::filesystem::exists(source)) GTEST_SKIP() << "model not installed";
  const auto copy =
      std::filesystem::temp_directory_path() / ("alith-flipped-" + std::to_string(::getpid()) + ".gguf");
  std::filesystem::copy_file(source, copy, std::filesystem::copy_options::overwrite_existing);
  const auto size = std::filesystem::file_size(copy);
  std::mt19937_64 rng(20261125);
  int loaded = 0, rejected = 0;
  for (int round = 0; round < 24; ++round) {
    // Most flips land in the header, metadata (vocabulary) and tensor table, where the parser decides; a few
    // in tensor data, which must load (the values are just numbers).
    const uint64_t region = round % 4 == 3 ? size : std::min<uint64_t>(size, 6'000'000);
    std::vector<std::pair<uint64_t, char>> saved;
    std::fstream f(copy, std::ios::in | std::ios::out | std::ios::binary);
    for (int flip = 0; flip < 1 + round % 5; ++flip) {
      const uint64_t at = rng() % region;
      char byte = 0;
      f.seekg(static_cast<std::streamoff>(at));
      f.get(byte);
      saved.emplace_back(at, byte);
      f.seekp(static_cast<std::streamoff>(at));
      f.put(static_cast<char>(byte ^ static_cast<char>(1u << (rng() % 8))));
    }
    f.close();
    try {
      auto model = Model::load(copy);
      ++loaded;
    } catch (const ParseError&) {
      ++rejected;
    } catch (const IoError&) {
      ++rejected;
    }
    std::fstream restore(copy, std::ios::in | std::ios::out | std::ios::binary);
    for (auto it = saved.rbegin(); it != saved.rend(); ++it) {
      restore.seekp(static_cast<std::streamoff>(it->first));
      restore.put(it->second);
    }
  }
  std::filesystem::remove(copy);
  EXPECT_EQ(loaded + rejected, 24);
  std::cout << "bit-flipped copies: " << loaded << " loaded, " << rejected
            << " rejected with a typed error\n";
}

}  // namespace
}  // namespace alith::inference
