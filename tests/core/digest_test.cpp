#include "alith/core/digest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "alith/core/error.h"

namespace alith {
namespace {

TEST(Digest, Sha256KnownVectors) {
  EXPECT_EQ(to_hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Digest, FileDigestMatchesTheBytes) {
  const auto path = std::filesystem::temp_directory_path() / ("alith-digest-" + std::to_string(::getpid()));
  std::string big(200'000, 'x');  // more than one read buffer
  big[123'456] = 'y';
  std::ofstream(path, std::ios::binary) << big;
  EXPECT_EQ(sha256_file(path), sha256(big));
  std::filesystem::remove(path);
  EXPECT_THROW(sha256_file(path), IoError);
}

}  // namespace
}  // namespace alith
