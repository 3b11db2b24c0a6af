// Bad model files give a typed error, never a crash. (Bit-flipped copies of the real model are in the model
// tests; the load path is fuzzed by fuzz/gguf_load_fuzz.)

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "alith/core/error.h"
#include "alith/inference/model.h"

namespace alith::inference {
namespace {

class GgufLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("alith-gguf-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path write(const std::string& name, const std::string& bytes) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(GgufLoad, MissingPathIsAnIoError) {
  EXPECT_THROW(Model::load(dir_ / "nope.gguf"), IoError);
}

TEST_F(GgufLoad, DirectoryIsAnIoError) {
  EXPECT_THROW(Model::load(dir_), IoError);
}

TEST_F(GgufLoad, EmptyFileIsAParseError) {
  EXPECT_THROW(Model::load(write("empty.gguf", "")), ParseError);
}

TEST_F(GgufLoad, TextFileNamedGgufIsAParseError) {
  EXPECT_THROW(Model::load(write("notes.gguf", "these are my notes, not a model\n")), ParseError);
}

TEST_F(GgufLoad, HeaderOnlyIsAParseError) {
  // Magic, version 3, then nothing: the counts are missing.
  EXPECT_THROW(Model::load(write("short.gguf", std::string("GGUF\x03\x00\x00\x00", 8))), ParseError);
}

TEST_F(GgufLoad, TruncatedRealModelIsAParseError) {
  const std::filesystem::path real = ALITH_DEFAULT_TEST_MODEL;
  if (!std::filesystem::exists(real)) GTEST_SKIP() << "model not installed (scripts/setup)";
  std::ifstream in(real, std::ios::binary);
  for (size_t size : {16u, 1000u, 100'000u, 3'000'000u, 50'000'000u}) {
    std::string bytes(size, '\0');
    in.seekg(0);
    in.read(bytes.data(), static_cast<std::streamsize>(size));
    EXPECT_THROW(Model::load(write("truncated.gguf", bytes)), ParseError) << size;
  }
}

// Found by gguf_load_fuzz: a BERT GGUF whose vocabulary lacks a [SEP] token loaded fine, then llama.cpp's
// tokenizer aborted the process on the first text. Load now refuses it.
TEST_F(GgufLoad, MissingSpecialTokenIsAParseError) {
  const std::filesystem::path bad =
      std::filesystem::path(ALITH_SOURCE_DIR) / "fuzz/corpus/gguf_load_fuzz/missing_sep_token.gguf";
  try {
    Model::load(bad);
    FAIL() << "expected ParseError";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("does not define"), std::string::npos) << e.what();
  }
}

TEST_F(GgufLoad, RegistrySharesAndUnloads) {
  ModelRegistry registry;
  EXPECT_THROW(registry.load(dir_ / "nope.gguf"), IoError);
  EXPECT_EQ(registry.loaded(), 0u);
}

}  // namespace
}  // namespace alith::inference
