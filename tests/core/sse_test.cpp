#include "alith/core/sse.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace alith::sse {
namespace {

using namespace std::literals;

struct Outcome {
  std::vector<Event> events;
  bool ok = true;
  std::optional<ErrorInfo> error;
  bool finished_ok = false;
};

// Feeds the pieces in order, then finish().
Outcome run(const std::vector<std::string_view>& pieces, Limits limits = {}) {
  Parser parser(limits);
  Outcome out;
  for (auto piece : pieces) {
    auto r = parser.feed(piece, [&](Event&& e) { out.events.push_back(std::move(e)); });
    if (!r) {
      out.ok = false;
      out.error = r.error();
      return out;
    }
  }
  auto f = parser.finish();
  out.finished_ok = f.ok();
  if (!f) out.error = f.error();
  return out;
}

Outcome run_whole(std::string_view text, Limits limits = {}) {
  return run({text}, limits);
}

Outcome run_bytewise(std::string_view text) {
  std::vector<std::string_view> pieces;
  for (size_t i = 0; i < text.size(); ++i) pieces.push_back(text.substr(i, 1));
  return run(pieces);
}

void expect_same(const std::vector<Event>& a, const std::vector<Event>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].type, b[i].type) << i;
    EXPECT_EQ(a[i].data, b[i].data) << i;
    EXPECT_EQ(a[i].id, b[i].id) << i;
    EXPECT_EQ(a[i].retry_ms, b[i].retry_ms) << i;
  }
}

// Every way of cutting the stream in two, and byte by byte, must give the same events and outcome.
void expect_split_invariant(std::string_view text) {
  const Outcome whole = run_whole(text);
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    const Outcome split = run({text.substr(0, cut), text.substr(cut)});
    SCOPED_TRACE("cut at " + std::to_string(cut));
    expect_same(whole.events, split.events);
    EXPECT_EQ(whole.ok, split.ok);
    EXPECT_EQ(whole.finished_ok, split.finished_ok);
  }
  const Outcome bytes = run_bytewise(text);
  expect_same(whole.events, bytes.events);
  EXPECT_EQ(whole.ok, bytes.ok);
  EXPECT_EQ(whole.finished_ok, bytes.finished_ok);
}

constexpr std::string_view kMixedStream =
    "\xEF\xBB\xBF: welcome\r\n"
    "event: message_start\r\n"
    "data: {\"a\":1}\r\n"
    "\r\n"
    "id: 7\n"
    "data: line one\n"
    "data: line two \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\n"
    "\n"
    "retry: 1500\r"
    "data:no-space\r"
    "\r"
    ": keep-alive\n"
    "event: done\n"
    "data\n"
    "\n"
    "data: [DONE]\r\n\r\n";

TEST(Sse, ParsesMixedStream) {
  const Outcome out = run_whole(kMixedStream);
  ASSERT_TRUE(out.ok);
  EXPECT_TRUE(out.finished_ok);
  ASSERT_EQ(out.events.size(), 5u);
  EXPECT_EQ(out.events[0].type, "message_start");
  EXPECT_EQ(out.events[0].data, "{\"a\":1}");
  EXPECT_EQ(out.events[0].id, "");
  EXPECT_EQ(out.events[1].type, "message");
  EXPECT_EQ(out.events[1].data, "line one\nline two \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_EQ(out.events[1].id, "7");
  EXPECT_EQ(out.events[2].data, "no-space");
  EXPECT_EQ(out.events[2].retry_ms, 1500);
  EXPECT_EQ(out.events[2].id, "7");  // ids persist
  EXPECT_EQ(out.events[3].type, "done");
  EXPECT_EQ(out.events[3].data, "");  // a field name without a colon has an empty value
  EXPECT_EQ(out.events[4].data, "[DONE]");
  EXPECT_FALSE(out.events[4].retry_ms.has_value());  // retry belongs to one event
}

TEST(Sse, EverySplitPointGivesTheSameEvents) {
  expect_split_invariant(kMixedStream);
}

TEST(Sse, SplitInvarianceHoldsForErrorsToo) {
  expect_split_invariant("data: a\n\ndata: b\xC0\xAF\n\n");
  expect_split_invariant("data: a\n\ndata: b");
  expect_split_invariant("data: a\r\n\r\ndata: x\0y\n\n"sv);
}

TEST(Sse, LineTerminators) {
  for (std::string_view eol : {"\n", "\r", "\r\n"}) {
    std::string text = "data: x" + std::string(eol) + "data: y" + std::string(eol) + std::string(eol);
    const Outcome out = run_whole(text);
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0].data, "x\ny");
    EXPECT_TRUE(out.finished_ok);
  }
}

TEST(Sse, CrLfSplitAcrossFeedsIsOneTerminator) {
  // Were the LF taken as a second terminator, it would end the event early.
  const Outcome out = run({"data: a\r", "\ndata: b\r", "\n\r", "\n"});
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].data, "a\nb");
  EXPECT_TRUE(out.finished_ok);
}

TEST(Sse, CrCrIsABlankLine) {
  const Outcome out = run_whole("data: a\r\rdata: b\r\r");
  ASSERT_EQ(out.events.size(), 2u);
}

TEST(Sse, CommentsAndUnknownFieldsAreIgnored) {
  const Outcome out = run_whole(": ping\n:\nfoo: bar\ndata: x\n\n: trailing comment\n");
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].data, "x");
  EXPECT_TRUE(out.finished_ok);
}

TEST(Sse, OnlyOneLeadingSpaceIsStripped) {
  const Outcome out = run_whole("data:  two\n\n");
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].data, " two");
}

TEST(Sse, EventWithoutDataIsNotDispatched) {
  const Outcome out = run_whole("event: lonely\n\ndata: x\n\n");
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].type, "message");  // the dropped event's type does not leak
}

TEST(Sse, EmptyDataLineDispatchesEmptyEvent) {
  const Outcome out = run_whole("data:\n\n");
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].data, "");
}

TEST(Sse, IdPersistsAndCanBeReset) {
  Parser parser;
  std::vector<Event> events;
  auto sink = [&](Event&& e) { events.push_back(std::move(e)); };
  ASSERT_TRUE(parser.feed("id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n", sink).ok());
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].id, "1");
  EXPECT_EQ(events[1].id, "1");
  EXPECT_EQ(events[2].id, "");
  EXPECT_EQ(parser.last_event_id(), "");
}

TEST(Sse, RetryNeedsDigitsOnly) {
  const Outcome out = run_whole(
      "retry: 12a\ndata: a\n\nretry:\ndata: b\n\nretry: 99999999999999999999999\ndata: c\n\n"
      "retry: 0\ndata: d\n\n");
  ASSERT_EQ(out.events.size(), 4u);
  EXPECT_FALSE(out.events[0].retry_ms);
  EXPECT_FALSE(out.events[1].retry_ms);
  EXPECT_FALSE(out.events[2].retry_ms);
  EXPECT_EQ(out.events[3].retry_ms, 0);
}

TEST(Sse, BomOnlyAtStart) {
  const Outcome split = run({"\xEF", "\xBB", "\xBF", "data: x\n\n"});
  ASSERT_EQ(split.events.size(), 1u);
  EXPECT_EQ(split.events[0].data, "x");
  // A BOM later is content: here it makes an unknown field name, so nothing is dispatched.
  const Outcome later = run_whole(
      "data: x\n\n\xEF\xBB\xBF"
      "data: y\n\n");
  EXPECT_EQ(later.events.size(), 1u);
}

TEST(Sse, MultiByteCharacterSplitAcrossFeedsIsValid) {
  const std::string text = "data: \xF0\x9F\x98\x80 \xE2\x82\xAC\n\n";
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    const Outcome out = run({std::string_view(text).substr(0, cut), std::string_view(text).substr(cut)});
    ASSERT_TRUE(out.ok) << cut;
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0].data, "\xF0\x9F\x98\x80 \xE2\x82\xAC");
  }
}

TEST(Sse, InvalidUtf8IsAParseError) {
  for (std::string_view bad : {
           "\x80"sv,              // stray continuation
           "\xC0\xAF"sv,          // overlong '/'
           "\xE0\x80\xAF"sv,      // overlong
           "\xED\xA0\x80"sv,      // UTF-16 surrogate
           "\xF4\x90\x80\x80"sv,  // above U+10FFFF
           "\xF5\x80\x80\x80"sv,  // invalid lead byte
           "\xFF"sv,
           "\xC3("sv,  // truncated sequence followed by ASCII
       }) {
    const std::string text = "data: ok\n\ndata: " + std::string(bad) + "\n\n";
    const Outcome out = run_whole(text);
    EXPECT_FALSE(out.ok) << ::testing::PrintToString(bad);
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->code, ErrorCode::parse);
    // The offending byte: the lead byte, or the continuation byte that cannot follow it.
    ASSERT_TRUE(out.error->offset);
    EXPECT_GE(*out.error->offset, 16u);
    EXPECT_LE(*out.error->offset, 17u);
    EXPECT_EQ(out.events.size(), 1u);  // events before the bad byte were delivered
  }
}

TEST(Sse, StreamEndingInsideCharacterFails) {
  const Outcome out = run_whole("data: \xE2\x82");
  EXPECT_TRUE(out.ok);
  EXPECT_FALSE(out.finished_ok);
}

TEST(Sse, NulByteIsAParseError) {
  const Outcome out = run_whole("data: a\0b\n\n"sv);
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error->code, ErrorCode::parse);
  EXPECT_EQ(out.error->offset, 7u);
}

TEST(Sse, ParserStaysFailed) {
  Parser parser;
  auto sink = [](Event&&) {};
  EXPECT_FALSE(parser.feed("\xFF", sink).ok());
  EXPECT_FALSE(parser.feed("data: x\n\n", sink).ok());
  EXPECT_FALSE(parser.finish().ok());
}

TEST(Sse, LineCap) {
  Limits limits;
  limits.max_line_bytes = 16;
  EXPECT_TRUE(run_whole("data: 0123456789\n\n", limits).finished_ok);
  const Outcome whole = run_whole("data: 0123456789A\n\n", limits);
  EXPECT_FALSE(whole.ok);
  EXPECT_EQ(whole.error->code, ErrorCode::too_large);
  // An endless line fed in pieces hits the cap without any terminator.
  Parser parser(limits);
  Result<void> r;
  for (int i = 0; i < 100 && r.ok(); ++i) r = parser.feed("xxxx", [](Event&&) {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::too_large);
}

TEST(Sse, EventCap) {
  Limits limits;
  limits.max_event_bytes = 10;
  EXPECT_TRUE(run_whole("data: 01234\ndata: 0123\n\n", limits).finished_ok);
  const Outcome out = run_whole("data: 01234\ndata: 01234\n\n", limits);
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error->code, ErrorCode::too_large);
}

TEST(Sse, TruncatedStreamFailsAtFinish) {
  for (std::string_view text :
       {"data: partial line"sv, "data: x\n"sv, "event: e\ndata: x\r\n"sv, "id: 3\n"sv}) {
    const Outcome out = run_whole(text);
    EXPECT_TRUE(out.ok) << text;
    EXPECT_FALSE(out.finished_ok) << text;
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->code, ErrorCode::parse);
  }
  EXPECT_TRUE(run_whole("").finished_ok);
  EXPECT_TRUE(run_whole(": only a comment\n").finished_ok);
  EXPECT_TRUE(run_whole("data: x\n\n").finished_ok);
  EXPECT_TRUE(run_whole("data: x\r\n\r").finished_ok);
}

TEST(Sse, HandlerExceptionPropagatesAndFailsTheParser) {
  Parser parser;
  EXPECT_THROW((void)parser.feed("data: a\n\ndata: b\n\n", [](Event&&) { throw std::runtime_error("stop"); }),
               std::runtime_error);
  EXPECT_FALSE(parser.feed("data: c\n\n", [](Event&&) {}).ok());
}

TEST(Sse, CountsConsumedBytes) {
  Parser parser;
  ASSERT_TRUE(parser.feed("data: a\n", [](Event&&) {}).ok());
  ASSERT_TRUE(parser.feed("\n", [](Event&&) {}).ok());
  EXPECT_EQ(parser.bytes_consumed(), 9u);
}

}  // namespace
}  // namespace alith::sse
