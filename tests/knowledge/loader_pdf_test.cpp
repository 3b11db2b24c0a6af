// PDFs typeset at test time with groff and Ghostscript: page text, page spans, metadata, bad files.

#include <gtest/gtest.h>

#include <memory>

#include "alith/knowledge/loader.h"
#include "loader_test_util.h"

namespace alith::knowledge {
namespace {

using testing::make_pdf;
using testing::read_all;
using testing::TempDir;

class PdfLoader : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    make_pdf(
        ".LP\nAlpha words on the first page.\n.bp\n.LP\nBravo words on the second page.\n.bp\n.LP\n"
        "Charlie words on the third page.\n",
        *dir_ / "three.pdf", "The Loader Guide", "Ada Lovelace");
    make_pdf(".LP\nA single page without metadata.\n", *dir_ / "plain.pdf");
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static inline std::unique_ptr<TempDir> dir_;  // the files typeset once for the suite
};

TEST_F(PdfLoader, TextPerPageWithPageStartsAndMetadata) {
  const auto docs = load_file(*dir_ / "three.pdf");
  ASSERT_EQ(docs.size(), 1u);
  const Document& d = docs[0];
  EXPECT_EQ(d.metadata["format"], "pdf");
  EXPECT_EQ(d.metadata["pages"], 3);
  EXPECT_EQ(d.metadata["title"], "The Loader Guide");
  EXPECT_EQ(d.metadata["author"], "Ada Lovelace");
  ASSERT_EQ(d.page_starts.size(), 3u);
  EXPECT_EQ(d.page_starts[0], 0u);
  const char* words[] = {"Alpha", "Bravo", "Charlie"};
  for (int page = 1; page <= 3; ++page) {
    const size_t at = d.text.find(words[page - 1]);
    ASSERT_NE(at, std::string::npos) << d.text;
    const Span s = d.span(at, at + 5);
    EXPECT_EQ(s.page_begin, page) << words[page - 1];
    EXPECT_EQ(s.page_end, page);
    // Each page's text is within its own range.
    EXPECT_GE(at, d.page_starts[static_cast<size_t>(page - 1)]);
    if (page < 3) {
      EXPECT_LT(at, d.page_starts[static_cast<size_t>(page)]);
    }
  }
  const size_t a = d.text.find("Alpha"), c = d.text.find("Charlie");
  const Span across = d.span(a, c + 7);
  EXPECT_EQ(across.page_begin, 1);
  EXPECT_EQ(across.page_end, 3);
  EXPECT_GT(across.line_end, across.line_begin);
}

TEST_F(PdfLoader, NoMetadataMeansNoTitle) {
  const Document d = load_file(*dir_ / "plain.pdf").at(0);
  EXPECT_EQ(d.metadata["pages"], 1);
  EXPECT_FALSE(d.metadata.contains("author"));
  EXPECT_NE(d.text.find("A single page without metadata."), std::string::npos);
}

TEST_F(PdfLoader, TruncatedPdfIsAParseError) {
  const std::string bytes = read_all(*dir_ / "three.pdf");
  for (size_t keep : {size_t{0}, size_t{4}, size_t{200}, bytes.size() / 3}) {
    EXPECT_THROW((void)load_bytes(bytes.substr(0, keep), "pdf", "cut.pdf"), ParseError) << keep;
  }
}

TEST_F(PdfLoader, RandomBytesAreAParseError) {
  std::string junk;
  uint32_t x = 12345;
  for (int i = 0; i < 4096; ++i) {
    x = x * 1103515245u + 12345u;
    junk += static_cast<char>(x >> 24);
  }
  EXPECT_THROW((void)load_bytes(junk, "pdf", "junk.pdf"), ParseError);
  EXPECT_THROW((void)load_bytes("%PDF-1.7\n" + junk, "pdf", "junk.pdf"), ParseError);
}

TEST_F(PdfLoader, EncryptedPdfIsAParseError) {
  const auto enc = *dir_ / "locked.pdf";
  testing::shell(
      "gs -q -dSAFER -dNOPAUSE -dBATCH -sDEVICE=pdfwrite -sOwnerPassword=owner -sUserPassword=user "
      "-dEncryptionR=3 -dKeyLength=128 -sOutputFile='" +
      enc.string() + "' '" + (*dir_ / "plain.pdf").string() + "' >/dev/null 2>&1");
  try {
    (void)load_file(enc);
    FAIL() << "no error";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("password"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace alith::knowledge
