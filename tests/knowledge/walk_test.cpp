// walk(): sorted results, include/exclude globs, hidden entries, symlinks and their cycles.

#include <gtest/gtest.h>

#include <algorithm>

#include "alith/knowledge/loader.h"
#include "loader_test_util.h"

namespace alith::knowledge {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

std::vector<std::string> relative(const std::vector<fs::path>& paths, const fs::path& root) {
  std::vector<std::string> out;
  for (const auto& p : paths) out.push_back(p.lexically_relative(root).generic_string());
  return out;
}

class Walk : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* f : {"b.md", "a.txt", "a/z.html", "a/b/c.pdf", "a/b/notes.json", "image.png", "Z.CSV",
                          ".hidden.md", ".git/config.txt", "build/out.txt", "web/node_modules/pkg/readme.md",
                          "web/index.htm", "data.jsonl"})
      dir_.write(f, "x");
  }
  TempDir dir_;
};

TEST_F(Walk, SupportedFilesSortedBySlashPath) {
  const auto files = relative(walk(dir_.path()), dir_.path());
  const std::vector<std::string> expected = {
      "Z.CSV", "a.txt",         "a/b/c.pdf",  "a/b/notes.json", "a/z.html",
      "b.md",  "build/out.txt", "data.jsonl", "web/index.htm",  "web/node_modules/pkg/readme.md"};
  EXPECT_EQ(files, expected);
  EXPECT_EQ(walk(dir_.path()), walk(dir_.path()));  // deterministic
  EXPECT_EQ(walk(dir_.path())[0], dir_.path() / "Z.CSV");
}

TEST_F(Walk, IncludeAndExcludeGlobs) {
  WalkOptions o;
  o.include = {"*.md", "a/**/*.json", "*.png"};
  o.exclude = {"node_modules"};
  EXPECT_EQ(relative(walk(dir_.path(), o), dir_.path()),
            (std::vector<std::string>{"a/b/notes.json", "b.md", "image.png"}));
  WalkOptions prune;
  prune.exclude = {"build/**", "a/b", "*.txt"};
  EXPECT_EQ(relative(walk(dir_.path(), prune), dir_.path()),
            (std::vector<std::string>{"Z.CSV", "a/z.html", "b.md", "data.jsonl", "web/index.htm",
                                      "web/node_modules/pkg/readme.md"}));
}

TEST_F(Walk, HiddenEntriesOnRequest) {
  WalkOptions o;
  o.hidden = true;
  o.include = {"**/*.md", "**/*.txt"};
  const auto files = relative(walk(dir_.path(), o), dir_.path());
  EXPECT_NE(std::find(files.begin(), files.end(), ".hidden.md"), files.end());
  EXPECT_NE(std::find(files.begin(), files.end(), ".git/config.txt"), files.end());
}

TEST_F(Walk, SymlinksAreSkippedUnlessFollowedAndCyclesEnd) {
  fs::create_directory_symlink(dir_.path() / "a", dir_.path() / "link_to_a");
  fs::create_directory_symlink(dir_.path(), dir_.path() / "a" / "loop");  // a cycle back to the root
  fs::create_symlink(dir_.path() / "b.md", dir_.path() / "alias.md");
  fs::create_symlink(dir_.path() / "gone.md", dir_.path() / "dangling.md");
  WalkOptions o;
  o.include = {"*.md", "*.html"};
  EXPECT_EQ(relative(walk(dir_.path(), o), dir_.path()),
            (std::vector<std::string>{"a/z.html", "b.md", "web/node_modules/pkg/readme.md"}));
  o.follow_symlinks = true;
  // "a" and "link_to_a" are one directory: it is listed once, under the name that sorts first; the loop back
  // to the root is not entered; the file link is listed; the dangling link is not.
  const auto files = relative(walk(dir_.path(), o), dir_.path());
  EXPECT_EQ(
      std::count_if(files.begin(), files.end(), [](const std::string& f) { return f.ends_with("z.html"); }),
      1);
  EXPECT_NE(std::find(files.begin(), files.end(), "a/z.html"), files.end());
  EXPECT_NE(std::find(files.begin(), files.end(), "alias.md"), files.end());
  EXPECT_EQ(std::find(files.begin(), files.end(), "dangling.md"), files.end());
  for (const auto& f : files) EXPECT_EQ(f.find("loop"), std::string::npos) << f;
}

TEST(WalkRoot, FileRootAndMissingRoot) {
  TempDir dir;
  const auto f = dir.write("one.txt", "x");
  EXPECT_EQ(walk(f), std::vector<fs::path>{f});
  EXPECT_THROW((void)walk(dir / "absent"), IoError);
}

}  // namespace
}  // namespace alith::knowledge
