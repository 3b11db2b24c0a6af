// glob_match: wildcards, classes, globstars and the basename rule.

#include <gtest/gtest.h>

#include "alith/knowledge/walk.h"

namespace alith::knowledge {
namespace {

TEST(Glob, StarAndQuestionStayWithinAComponent) {
  EXPECT_TRUE(glob_match("docs/*.md", "docs/guide.md"));
  EXPECT_FALSE(glob_match("docs/*.md", "docs/sub/guide.md"));
  EXPECT_TRUE(glob_match("docs/?.md", "docs/a.md"));
  EXPECT_FALSE(glob_match("docs/?.md", "docs/ab.md"));
  EXPECT_FALSE(glob_match("a?b", "a/b"));
  EXPECT_TRUE(glob_match("docs/*", "docs/x"));
  EXPECT_TRUE(glob_match("*x*y*", "axbyc"));
  EXPECT_FALSE(glob_match("docs/*.md", "docs/guide.mdx"));
}

TEST(Glob, QuestionMarkIsOneCodePoint) {
  EXPECT_TRUE(glob_match("caf?.txt", "caf\xC3\xA9.txt"));
  EXPECT_TRUE(glob_match("[\xC3\xA0-\xC3\xBF]x", "\xC3\xA9x"));
}

TEST(Glob, PatternsWithoutSlashMatchTheNameAtAnyDepth) {
  EXPECT_TRUE(glob_match("*.md", "guide.md"));
  EXPECT_TRUE(glob_match("*.md", "a/b/guide.md"));
  EXPECT_TRUE(glob_match("node_modules", "web/node_modules"));
  EXPECT_FALSE(glob_match("/guide.md", "a/guide.md"));  // a leading '/' anchors it at the root
  EXPECT_TRUE(glob_match("/guide.md", "guide.md"));
}

TEST(Glob, GlobStar) {
  EXPECT_TRUE(glob_match("a/**/b", "a/b"));
  EXPECT_TRUE(glob_match("a/**/b", "a/x/b"));
  EXPECT_TRUE(glob_match("a/**/b", "a/x/y/b"));
  EXPECT_FALSE(glob_match("a/**/b", "a/xb"));
  EXPECT_FALSE(glob_match("a/**/b", "ab"));
  EXPECT_TRUE(glob_match("**/*.md", "top.md"));
  EXPECT_TRUE(glob_match("**/*.md", "deep/down/x.md"));
  EXPECT_TRUE(glob_match("build/**", "build"));
  EXPECT_TRUE(glob_match("build/**", "build/x/y.o"));
  EXPECT_FALSE(glob_match("build/**", "builder/x"));
  EXPECT_TRUE(glob_match("**", "any/thing/at/all"));
  EXPECT_TRUE(glob_match("**/**", "x/y"));
  EXPECT_TRUE(glob_match("a**b/c", "axxb/c"));  // not a whole component: a plain star
  EXPECT_FALSE(glob_match("a**b/c", "ax/xb/c"));
}

TEST(Glob, CharacterClasses) {
  EXPECT_TRUE(glob_match("file[0-9].txt", "file7.txt"));
  EXPECT_FALSE(glob_match("file[0-9].txt", "filex.txt"));
  EXPECT_TRUE(glob_match("[abc]x", "bx"));
  EXPECT_TRUE(glob_match("[!abc]x", "dx"));
  EXPECT_FALSE(glob_match("[!abc]x", "ax"));
  EXPECT_TRUE(glob_match("[^a]x", "bx"));
  EXPECT_TRUE(glob_match("[]]x", "]x"));
  EXPECT_TRUE(glob_match("[a-]x", "-x"));
  EXPECT_FALSE(glob_match("a[/]b", "a/b"));
  EXPECT_TRUE(glob_match("[x", "[x"));  // an unclosed '[' is literal
}

TEST(Glob, Escapes) {
  EXPECT_TRUE(glob_match("\\*.md", "*.md"));
  EXPECT_FALSE(glob_match("\\*.md", "a.md"));
  EXPECT_TRUE(glob_match("what\\?", "what?"));
}

TEST(Glob, NoExponentialBacktracking) {
  // A classic pathological case for backtracking matchers; dynamic programming answers at once.
  const std::string path(200, 'a');
  std::string pattern;
  for (int i = 0; i < 40; ++i) pattern += "*a";
  pattern += "b";
  EXPECT_FALSE(glob_match(pattern, path));
  EXPECT_TRUE(glob_match(pattern.substr(0, pattern.size() - 1), path));
}

}  // namespace
}  // namespace alith::knowledge
