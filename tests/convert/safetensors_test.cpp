// The safetensors header parser on good and hostile input: every malformed file is a ParseError value (or a
// thrown ParseError from SafetensorsFile), never a crash, a hang or a huge allocation.

#include "alith/convert/safetensors.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tiny_bert.h"

namespace alith::convert {
namespace {

using testing::f32_bytes;
using testing::le64;
using testing::make_safetensors;
using testing::raw_safetensors;
using testing::write_file;

Result<SafetensorsHeader> parse(const std::string& file) {
  return parse_safetensors_header(file, file.size());
}

// Asserts a parse error whose message mentions what.
void expect_parse_error(const std::string& file, const std::string& what) {
  auto r = parse(file);
  ASSERT_FALSE(r.ok()) << "accepted: " << what;
  EXPECT_EQ(r.error().code, ErrorCode::parse);
  EXPECT_NE(r.error().message.find(what), std::string::npos) << r.error().message;
}

std::string one_tensor(const std::string& entry, const std::string& data) {
  return raw_safetensors(R"({"t":)" + entry + "}", data);
}

TEST(Safetensors, ParsesAWellFormedFile) {
  const std::string file = make_safetensors({{"a", "F32", {2, 3}, f32_bytes({1, 2, 3, 4, 5, 6})},
                                             {"b", "F16", {4}, std::string(8, '\0')},
                                             {"empty", "F32", {0, 5}, ""}});
  auto r = parse(file);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->tensors.size(), 3u);
  const TensorInfo* a = r->find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->dtype, Dtype::f32);
  EXPECT_EQ(a->shape, (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(a->elements(), 6u);
  EXPECT_EQ(a->bytes(), 24u);
  EXPECT_EQ(r->find("b")->dtype, Dtype::f16);
  EXPECT_EQ(r->find("empty")->bytes(), 0u);
  EXPECT_EQ(r->metadata.at("format"), "pt");
  EXPECT_EQ(r->data_size, 32u);
  EXPECT_EQ(r->data_offset + r->data_size, file.size());
  EXPECT_EQ(r->find("missing"), nullptr);
}

TEST(Safetensors, ScalarsAndEveryDtypeParse) {
  for (const char* dtype : {"BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32",
                            "U32", "F32", "I64", "U64", "F64"}) {
    auto r = parse(make_safetensors({{"s", dtype, {}, std::string(8, '\0')}}));
    // A scalar has one element: only 8-byte dtypes fit 8 bytes.
    const bool wide =
        std::string(dtype) == "I64" || std::string(dtype) == "U64" || std::string(dtype) == "F64";
    EXPECT_EQ(r.ok(), wide) << dtype;
    if (r.ok()) {
      EXPECT_EQ(dtype_name(r->tensors[0].dtype), dtype);
    }
  }
}

TEST(Safetensors, TruncatedFiles) {
  expect_parse_error("", "shorter than the 8-byte");
  expect_parse_error("\x05\0\0", "shorter than the 8-byte");
  const std::string good = make_safetensors({{"a", "F32", {2}, f32_bytes({1, 2})}});
  // Cut inside the header: the announced length runs past the end.
  expect_parse_error(good.substr(0, 20), "past the end of the file");
  // Cut inside the data: the tensor's range runs past the data section.
  expect_parse_error(good.substr(0, good.size() - 1), "data section holds");
  // The prefix handed over is shorter than the header it announces, though the file is long enough.
  auto r = parse_safetensors_header(good.substr(0, 12), good.size());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("truncated"), std::string::npos);
}

TEST(Safetensors, HeaderLengthBeyondFileOrCap) {
  expect_parse_error(le64(1000) + "{}", "past the end of the file");
  expect_parse_error(le64(~0ull) + "{}", "over the cap");
  expect_parse_error(le64(1ull << 62) + "{}", "over the cap");
  SafetensorsLimits small;
  small.max_header_bytes = 4;
  auto r = parse_safetensors_header(raw_safetensors("{}    "), 14, small);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("over the cap"), std::string::npos);
}

TEST(Safetensors, BadJson) {
  expect_parse_error(raw_safetensors("{\"t\": "), "header JSON");
  expect_parse_error(raw_safetensors("not json"), "header JSON");
  expect_parse_error(raw_safetensors("{} trailing"), "header JSON");
  expect_parse_error(raw_safetensors("\xff\xfe"), "header JSON");
  expect_parse_error(raw_safetensors(std::string(1000, '[')),
                     "header JSON");  // nesting cap, no deep recursion
  expect_parse_error(raw_safetensors("[]"), "not a JSON object");
  expect_parse_error(raw_safetensors("42"), "not a JSON object");
  auto r = parse(raw_safetensors("{\"t\": x}"));
  ASSERT_FALSE(r.ok());
  ASSERT_TRUE(r.error().offset.has_value());
  EXPECT_GE(*r.error().offset, 8u);  // positions count from the start of the file
}

TEST(Safetensors, EntriesOfTheWrongShape) {
  expect_parse_error(one_tensor("[]", ""), "is not an object");
  expect_parse_error(one_tensor(R"({"dtype":"F32","shape":[1]})", "...."),
                     "needs dtype, shape and data_offsets");
  expect_parse_error(one_tensor(R"({"dtype":7,"shape":[1],"data_offsets":[0,4]})", "...."),
                     "dtype is not a string");
  expect_parse_error(one_tensor(R"({"dtype":"F32","shape":1,"data_offsets":[0,4]})", "...."),
                     "shape is not an array");
  expect_parse_error(one_tensor(R"({"dtype":"F32","shape":[1],"data_offsets":[0]})", "...."),
                     "two byte positions");
  expect_parse_error(one_tensor(R"({"dtype":"F32","shape":[1],"data_offsets":[0,4,8]})", "...."),
                     "two byte positions");
  expect_parse_error(one_tensor(R"({"dtype":"F32","shape":[1],"data_offsets":"0-4"})", "...."),
                     "two byte positions");
  expect_parse_error(raw_safetensors(R"({"__metadata__":[]})"), "__metadata__ is not an object");
  expect_parse_error(raw_safetensors(R"({"__metadata__":{"k":1}})"), "is not a string");
}

TEST(Safetensors, WrongDtype) {
  expect_parse_error(one_tensor(R"({"dtype":"F33","shape":[1],"data_offsets":[0,4]})", "...."),
                     "unknown dtype 'F33'");
  expect_parse_error(one_tensor(R"({"dtype":"f32","shape":[1],"data_offsets":[0,4]})", "...."),
                     "unknown dtype");
  expect_parse_error(one_tensor(R"({"dtype":"","shape":[1],"data_offsets":[0,4]})", "...."), "unknown dtype");
}

TEST(Safetensors, ShapeProductMustMatchTheByteRange) {
  // 3 F32 elements are 12 bytes, not 8.
  expect_parse_error(one_tensor(R"({"dtype":"F32","shape":[3],"data_offsets":[0,8]})", std::string(8, 'x')),
                     "need 12 bytes but data_offsets span 8");
  // The same bytes read as F16 are 4 elements, not 2.
  expect_parse_error(one_tensor(R"({"dtype":"F16","shape":[2],"data_offsets":[0,8]})", std::string(8, 'x')),
                     "need 4 bytes");
  expect_parse_error(one_tensor(R"({"dtype":"F32","shape":[-1],"data_offsets":[0,4]})", "...."),
                     "other than a size");
  expect_parse_error(one_tensor(R"({"dtype":"F32","shape":[1.5],"data_offsets":[0,4]})", "...."),
                     "other than a size");
  expect_parse_error(one_tensor(R"({"dtype":"F32","shape":["1"],"data_offsets":[0,4]})", "...."),
                     "other than a size");
  expect_parse_error(one_tensor(R"({"dtype":"F32","shape":[1],"data_offsets":[-4,0]})", "...."),
                     "two byte positions");
}

TEST(Safetensors, OverflowingShapesAreErrors) {
  // Each dimension fits in 64 bits; their product does not.
  expect_parse_error(one_tensor(R"({"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,0]})", ""),
                     "overflows");
  // The element count fits; times the dtype size it does not.
  expect_parse_error(one_tensor(R"({"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,0]})", ""),
                     "overflows");
  // Beyond 2^64 the number is not even an integer for the JSON parser.
  expect_parse_error(one_tensor(R"({"dtype":"U8","shape":[18446744073709551616],"data_offsets":[0,0]})", ""),
                     "other than a size");
  // A zero dimension makes the product zero, so a huge neighbour is fine.
  auto r = parse(one_tensor(R"({"dtype":"U8","shape":[0,18446744073709551615],"data_offsets":[0,0]})", ""));
  EXPECT_TRUE(r.ok()) << r.error().message;
  expect_parse_error(one_tensor(R"({"dtype":"U8","shape":[1,1,1,1,1,1,1,1,1],"data_offsets":[0,1]})", "x"),
                     "over the limit");
}

TEST(Safetensors, OffsetsOutOfRange) {
  expect_parse_error(one_tensor(R"({"dtype":"U8","shape":[4],"data_offsets":[4,8]})", "...."),
                     "data section holds 4");
  expect_parse_error(one_tensor(R"({"dtype":"U8","shape":[0],"data_offsets":[9,9]})", "...."),
                     "data section holds");
  expect_parse_error(
      one_tensor(R"({"dtype":"U8","shape":[1],"data_offsets":[18446744073709551615,18446744073709551616]})",
                 "."),
      "two byte positions");
  expect_parse_error(one_tensor(R"({"dtype":"U8","shape":[0],"data_offsets":[4,2]})", "...."), "end before");
}

TEST(Safetensors, OverlappingTensors) {
  expect_parse_error(raw_safetensors(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
                                     R"("b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}})",
                                     "......"),
                     "overlap");
  expect_parse_error(raw_safetensors(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
                                     R"("b":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})",
                                     "...."),
                     "overlap");
  // An empty tensor between two overlapping ones hides nothing.
  expect_parse_error(raw_safetensors(R"({"a":{"dtype":"U8","shape":[10],"data_offsets":[0,10]},)"
                                     R"("z":{"dtype":"U8","shape":[0],"data_offsets":[5,5]},)"
                                     R"("b":{"dtype":"U8","shape":[2],"data_offsets":[6,8]}})",
                                     ".........."),
                     "overlap");
  // Adjacent ranges, gaps and empty tensors inside another's range do not overlap anything.
  auto r = parse(raw_safetensors(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},)"
                                 R"("z":{"dtype":"U8","shape":[0],"data_offsets":[1,1]},)"
                                 R"("b":{"dtype":"U8","shape":[2],"data_offsets":[3,5]}})",
                                 "....."));
  EXPECT_TRUE(r.ok()) << r.error().message;
}

class SafetensorsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("alith-st-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(SafetensorsFileTest, ReadsTensorData) {
  write_file(dir_ / "m.safetensors",
             make_safetensors({{"a", "F32", {2}, f32_bytes({1.5f, -2})}, {"b", "U8", {3}, "xyz"}}));
  SafetensorsFile file(dir_ / "m.safetensors");
  const auto* b = file.header().find("b");
  ASSERT_NE(b, nullptr);
  auto bytes = file.read(*b);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()), "xyz");
  auto a = file.read(*file.header().find("a"));
  ASSERT_EQ(a.size(), 8u);
  float first = 0;
  std::memcpy(&first, a.data(), 4);
  EXPECT_EQ(first, 1.5f);
}

TEST_F(SafetensorsFileTest, MalformedFilesThrowParseError) {
  const std::vector<std::string> bad = {
      "",
      "abc",
      le64(1ull << 40) + "{}",
      le64(100) + "{}",
      raw_safetensors("{oops"),
      one_tensor(R"({"dtype":"F32","shape":[3],"data_offsets":[0,4]})", "....")};
  for (size_t i = 0; i < bad.size(); ++i) {
    const auto path = dir_ / ("bad" + std::to_string(i) + ".safetensors");
    write_file(path, bad[i]);
    try {
      SafetensorsFile file(path);
      ADD_FAILURE() << "accepted case " << i;
    } catch (const ParseError& e) {
      EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    }
  }
}

TEST_F(SafetensorsFileTest, MissingFileIsAnIoError) {
  EXPECT_THROW(SafetensorsFile(dir_ / "absent.safetensors"), IoError);
}

TEST_F(SafetensorsFileTest, AFileThatShrankGivesAnIoError) {
  const auto path = dir_ / "m.safetensors";
  write_file(path, make_safetensors({{"a", "U8", {4}, "abcd"}}));
  SafetensorsFile file(path);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 2);
  EXPECT_THROW(file.read(*file.header().find("a")), IoError);
}

}  // namespace
}  // namespace alith::convert
