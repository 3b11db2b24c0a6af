// load_paths over a directory of every kind of file, good and bad: the bad ones are reported, the rest load.

#include <gtest/gtest.h>

#include <map>

#include "alith/knowledge/loader.h"
#include "loader_test_util.h"

namespace alith::knowledge {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

TEST(LoadPaths, LoadsEverythingGoodAndReportsEveryFailure) {
  TempDir dir;
  dir.write("docs/guide.md", "---\ntitle: Guide\n---\n# Heading\nText.\n");
  dir.write("docs/page.html",
            "<html><head><title>Page</title><script>x()</script></head><body><p>Hello</p>"
            "</body></html>");
  dir.write("docs/notes.txt", "plain notes\n");
  dir.write("data/rows.csv", "a,b\n1,2\n3,4\n");
  dir.write("data/items.json", R"([{"t": 1}, {"t": 2}, {"t": 3}])");
  dir.write("data/lines.jsonl", "{\"x\": 1}\n{\"x\": 2}\n");
  testing::make_pdf(".LP\nPDF text.\n", dir / "docs/paper.pdf");
  // The bad ones.
  const std::string pdf = testing::read_all(dir / "docs/paper.pdf");
  dir.write("bad/truncated.pdf", pdf.substr(0, 100));
  std::string junk;
  for (int i = 0; i < 300; ++i) junk += static_cast<char>(i % 7 == 0 ? 0 : (i * 91) % 256);
  dir.write("bad/random.pdf", junk);
  dir.write("bad/junk.html", junk);
  dir.write("bad/open.csv", "a,b\n1,\"never closed\n");
  dir.write("bad/cut.json", "[{\"a\": 1}, {\"b\"");
  dir.write("bad/line.jsonl", "{}\nnot json\n");
  dir.write("skip/image.png", "\x89PNG");

  const auto missing = dir / "nowhere.txt";
  const auto report = load_paths({dir.path(), missing, dir / "skip/image.png"});

  std::map<std::string, size_t> per_source;
  for (const auto& d : report.documents) per_source[fs::path(d.source).filename().string()]++;
  EXPECT_EQ(per_source["guide.md"], 1u);
  EXPECT_EQ(per_source["page.html"], 1u);
  EXPECT_EQ(per_source["notes.txt"], 1u);
  EXPECT_EQ(per_source["paper.pdf"], 1u);
  EXPECT_EQ(per_source["rows.csv"], 2u);
  EXPECT_EQ(per_source["items.json"], 3u);
  EXPECT_EQ(per_source["lines.jsonl"], 2u);
  EXPECT_EQ(report.documents.size(), 11u);
  // Walk order: data/ before docs/.
  EXPECT_EQ(fs::path(report.documents.front().source).filename(), "items.json");

  std::map<std::string, ErrorCode> failed;
  for (const auto& f : report.failures) {
    failed[fs::path(f.source).filename().string()] = f.code;
    EXPECT_FALSE(f.message.empty());
  }
  const std::map<std::string, ErrorCode> expected = {
      {"truncated.pdf", ErrorCode::parse}, {"random.pdf", ErrorCode::parse},
      {"junk.html", ErrorCode::parse},     {"open.csv", ErrorCode::parse},
      {"cut.json", ErrorCode::parse},      {"line.jsonl", ErrorCode::parse},
      {"nowhere.txt", ErrorCode::io},      {"image.png", ErrorCode::unsupported}};
  EXPECT_EQ(failed, expected);
  EXPECT_EQ(report.failures.size(), expected.size());
}

TEST(LoadPaths, WalkOptionsApplyToDirectoriesOnly) {
  TempDir dir;
  dir.write("a.md", "# A\n");
  dir.write("b.txt", "b");
  dir.write(".hidden.txt", "h");
  WalkOptions w;
  w.include = {"*.md"};
  const auto report = load_paths({dir.path(), dir / ".hidden.txt"}, {}, w);
  ASSERT_EQ(report.documents.size(), 2u);
  EXPECT_EQ(fs::path(report.documents[0].source).filename(), "a.md");
  EXPECT_EQ(fs::path(report.documents[1].source).filename(), ".hidden.txt");
  EXPECT_TRUE(report.failures.empty());
}

TEST(LoadPaths, OptionsReachEveryFile) {
  TempDir dir;
  dir.write("x.csv", "id,text\nk1,hello\n");
  LoadOptions o;
  o.csv.text_column = "text";
  o.csv.id_column = "id";
  const auto report = load_paths({dir.path()}, o);
  ASSERT_EQ(report.documents.size(), 1u);
  EXPECT_EQ(report.documents[0].text, "hello");
  EXPECT_EQ(report.documents[0].id, (dir / "x.csv").string() + "#k1");
}

}  // namespace
}  // namespace alith::knowledge
