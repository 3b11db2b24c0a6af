// HTML pages: readable text without scripts, styles and page chrome.

#include <gtest/gtest.h>

#include "alith/knowledge/loader.h"
#include "loader_test_util.h"

namespace alith::knowledge {
namespace {

using testing::TempDir;

Document html(const std::string& page) {
  return load_bytes(page, "html", "page.html").at(0);
}

TEST(HtmlLoader, ExtractsTextAndTitleWithoutNoise) {
  TempDir dir;
  const auto p = dir.write("page.htm", R"(<!DOCTYPE html>
<html><head><title>  The   Page
 Title </title><style>body { color: red }</style><script>var secret = "script text";</script></head>
<body>
<header><a href="/">Site name</a></header>
<nav><ul><li>Home</li><li>About</li></ul></nav>
<h1>Main heading</h1>
<p>First   paragraph
   spans lines &amp; has <b>bold</b> text.</p>
<noscript>Enable JavaScript</noscript>
<aside>Related links</aside>
<form><label>Search</label><input name=q></form>
<svg><text>vector text</text></svg>
<template><p>template text</p></template>
<div hidden>hidden text</div>
<p>Second paragraph.</p>
<footer>Copyright</footer>
</body></html>)");
  const auto docs = load_file(p);
  ASSERT_EQ(docs.size(), 1u);
  const Document& d = docs[0];
  EXPECT_EQ(d.metadata["format"], "html");
  EXPECT_EQ(d.metadata["title"], "The Page Title");
  EXPECT_EQ(d.text, "Main heading\n\nFirst paragraph spans lines & has bold text.\n\nSecond paragraph.");
  for (const char* noise : {"secret", "color", "Site name", "Home", "JavaScript", "Related", "Search",
                            "vector", "template", "hidden", "Copyright", "Title"})
    EXPECT_EQ(d.text.find(noise), std::string::npos) << noise;
}

TEST(HtmlLoader, PrefersMainContent) {
  const Document d = html(
      "<body><div>Sidebar blurb</div><main><header><h1>Article title</h1></header><p>Body.</p></main>"
      "<div>After main</div></body>");
  EXPECT_EQ(d.text, "Article title\n\nBody.");
  const Document role = html("<body><div>chrome</div><div role=main><p>Just this.</p></div></body>");
  EXPECT_EQ(role.text, "Just this.");
}

TEST(HtmlLoader, EveryOutermostArticleWithoutMain) {
  const Document d = html(
      "<body><div>menu</div><article><h2>One</h2><p>first</p><article>inner</article></article>"
      "<div>between</div><article><h2>Two</h2></article></body>");
  EXPECT_EQ(d.text, "One\n\nfirst\n\ninner\n\nTwo");
}

TEST(HtmlLoader, BlocksBreaksListsTablesAndPre) {
  const Document d = html(
      "<p>line one<br>line two<br><br>after gap</p>"
      "<ul><li>apple</li><li>pear</li></ul>"
      "<table><tr><th>name</th><th>qty</th></tr><tr><td>fig</td><td>3</td></tr></table>"
      "<pre>  keep   this\n    indented</pre><div>a</div><div>b</div><span>in</span><span>line</span>");
  EXPECT_EQ(d.text,
            "line one\nline two\n\nafter gap\n\napple\npear\n\nname | qty\nfig | 3\n\n  keep   this\n    "
            "indented\n\na\nb\ninline");
}

TEST(HtmlLoader, EntitiesAndNonBreakingSpaces) {
  EXPECT_EQ(html("<p>caf&eacute;&nbsp;&nbsp;au&#32;lait &lt;tag&gt;</p>").text, "caf\xC3\xA9 au lait <tag>");
}

TEST(HtmlLoader, MalformedMarkupIsParsedLeniently) {
  const Document d = html("<p>unclosed <b>bold <i>both</p> tail</b><div><span>deep");
  EXPECT_NE(d.text.find("unclosed bold both"), std::string::npos) << d.text;
  EXPECT_NE(d.text.find("deep"), std::string::npos);
  EXPECT_EQ(html("").text, "");
  EXPECT_EQ(html("just text, no tags").text, "just text, no tags");
}

TEST(HtmlLoader, BinaryJunkIsAParseError) {
  std::string junk;
  for (int i = 0; i < 512; ++i) junk += static_cast<char>((i * 37 + 11) % 256);
  EXPECT_THROW((void)load_bytes(junk, "html", "junk.html"), ParseError);
}

TEST(HtmlLoader, DeepNestingLoadsUpToALimitAndIsRefusedBeyond) {
  std::string deep;
  for (int i = 0; i < 500; ++i) deep += "<div><span>";
  deep += "bottom";
  EXPECT_EQ(html(deep).text, "bottom");
  // Implied and void elements do not count: a long list of unclosed items is flat.
  std::string flat = "<ul>";
  for (int i = 0; i < 5000; ++i) flat += "<li>item<br><img src=x>";
  EXPECT_NO_THROW((void)html(flat));
  // Nor do tags inside scripts and comments.
  EXPECT_NO_THROW((void)html("<script>" + std::string(3000, '<') + "div>" + "</script><!--" + deep + deep +
                             deep + "--><p>ok"));
  try {
    (void)html(deep + deep + deep);
    FAIL() << "no error";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("nested deeper"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace alith::knowledge
