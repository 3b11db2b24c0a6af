#include "text_stream.h"

#include <gtest/gtest.h>

namespace alith::inference::detail {
namespace {

TEST(TextStream, Utf8TailIsHeldUntilComplete) {
  EXPECT_EQ(incomplete_utf8_tail("abc"), 0u);
  EXPECT_EQ(incomplete_utf8_tail("a\xC3"), 1u);
  EXPECT_EQ(incomplete_utf8_tail("\xE2\x82"), 2u);
  EXPECT_EQ(incomplete_utf8_tail("\xE2\x82\xAC"), 0u);
  EXPECT_EQ(incomplete_utf8_tail("\xF0\x9F\x98"), 3u);
  EXPECT_EQ(incomplete_utf8_tail("\xF0\x9F\x98\x80"), 0u);
  EXPECT_EQ(incomplete_utf8_tail("\x80\x80"), 0u);  // malformed, not incomplete

  TextStream s;
  EXPECT_EQ(s.push("caf"), "caf");
  EXPECT_EQ(s.push("\xC3"), "");
  EXPECT_EQ(s.push("\xA9!"), "\xC3\xA9!");
  EXPECT_EQ(s.push("\xF0\x9F"), "");
  EXPECT_EQ(s.finish(), "");  // half a character at the end is dropped, never shown
  EXPECT_EQ(s.emitted(), "caf\xC3\xA9!");
}

TEST(TextStream, StopStringSplitAcrossPieces) {
  TextStream s({"</end>", "STOP"});
  std::string out;
  for (std::string_view piece : {"Hello </", "e", "nd> ignored"}) out += s.push(piece);
  EXPECT_TRUE(s.stopped());
  EXPECT_EQ(out, "Hello ");
  EXPECT_EQ(s.push("more"), "");
}

TEST(TextStream, HeldPrefixIsReleasedWhenItDiverges) {
  TextStream s({"STOP"});
  EXPECT_EQ(s.push("a ST"), "a ");
  EXPECT_EQ(s.push("O"), "");
  EXPECT_EQ(s.push("RM"), "STORM");
  EXPECT_FALSE(s.stopped());
  EXPECT_EQ(s.push("S"), "");
  EXPECT_EQ(s.finish(), "S");
}

TEST(TextStream, EarliestStopWins) {
  TextStream s({"bc", "ab"});
  EXPECT_EQ(s.push("xabc"), "x");
  EXPECT_TRUE(s.stopped());
}

TEST(TextStream, EveryByteSplitGivesTheSameText) {
  const std::string text = "Grüße 🌍 done. END tail";
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    TextStream s({"END"});
    std::string out = s.push(text.substr(0, cut));
    out += s.push(text.substr(cut));
    out += s.finish();
    EXPECT_EQ(out, "Grüße 🌍 done. ") << cut;
  }
}

}  // namespace
}  // namespace alith::inference::detail
