#include "alith/llm/message.h"

#include <gtest/gtest.h>

#include "alith/core/error.h"

namespace alith::llm {
namespace {

TEST(Message, FactoriesSetRoleAndContent) {
  EXPECT_EQ(Message::system("be brief").role, Role::system);
  EXPECT_EQ(Message::user("hi").text(), "hi");

  const auto tool = Message::tool_result("call_1", "search", "no results", true);
  EXPECT_EQ(tool.role, Role::tool);
  EXPECT_EQ(tool.tool_call_id, "call_1");
  EXPECT_EQ(tool.name, "search");
  EXPECT_TRUE(tool.is_error);
  EXPECT_EQ(tool.text(), "no results");
}

TEST(Message, AssistantWithOnlyToolCallsHasNoTextPart) {
  ToolCall call{"c1", "f", Json{{"x", 1}}, "{\"x\":1}"};
  const auto m = Message::assistant("", {call});
  EXPECT_TRUE(m.content.empty());
  ASSERT_EQ(m.tool_calls.size(), 1u);
  EXPECT_EQ(Message::assistant("").content.size(), 1u);
}

TEST(Message, TextJoinsOnlyTextParts) {
  Message m;
  m.content = {ContentPart::make_text("a"), ContentPart::make_image_url("http://x/y.png"),
               ContentPart::make_text("b")};
  EXPECT_EQ(m.text(), "ab");
}

TEST(Message, RoleAndFinishReasonNames) {
  EXPECT_EQ(to_string(Role::assistant), "assistant");
  EXPECT_EQ(to_string(Role::tool), "tool");
  EXPECT_EQ(to_string(FinishReason::tool_calls), "tool_calls");
  EXPECT_EQ(to_string(FinishReason::content_filter), "content_filter");
}

TEST(Usage, Accumulates) {
  Usage total;
  total += Usage{1, 2, 3};
  total += Usage{10, 20, 30};
  EXPECT_EQ(total.prompt_tokens, 11);
  EXPECT_EQ(total.completion_tokens, 22);
  EXPECT_EQ(total.total_tokens, 33);
}

TEST(MessageJson, RoundTripsEveryField) {
  Message m = Message::assistant("thinking", {ToolCall{"c1", "f", Json{{"a", 1}}, "{\"a\":1}"},
                                              ToolCall{"c2", "g", nullptr, "{broken"}});
  m.content.push_back(ContentPart::make_image_base64("image/png", "iVBOR"));
  m.content.push_back(ContentPart::make_image_url("https://x/y.jpg"));
  const Message back = message_from_json(to_json(m));
  EXPECT_EQ(back.role, Role::assistant);
  ASSERT_EQ(back.content.size(), 3u);
  EXPECT_EQ(back.content[1].kind, ContentPart::Kind::image_base64);
  EXPECT_EQ(back.content[1].media_type, "image/png");
  EXPECT_EQ(back.content[1].data, "iVBOR");
  EXPECT_EQ(back.content[2].url, "https://x/y.jpg");
  ASSERT_EQ(back.tool_calls.size(), 2u);
  EXPECT_EQ(back.tool_calls[0].arguments, (Json{{"a", 1}}));
  EXPECT_TRUE(back.tool_calls[1].arguments.is_null());
  EXPECT_EQ(back.tool_calls[1].raw_arguments, "{broken");

  const Message tool = message_from_json(to_json(Message::tool_result("c1", "f", "oops", true)));
  EXPECT_EQ(tool.tool_call_id, "c1");
  EXPECT_EQ(tool.name, "f");
  EXPECT_TRUE(tool.is_error);
}

TEST(MessageJson, AcceptsStringContent) {
  const Message m = message_from_json(Json{{"role", "user"}, {"content", "hello"}});
  EXPECT_EQ(m.text(), "hello");
}

TEST(MessageJson, WrongShapesThrowParseError) {
  EXPECT_THROW(message_from_json(Json::array()), ParseError);
  EXPECT_THROW(message_from_json(Json{{"content", "x"}}), ParseError);
  EXPECT_THROW(message_from_json(Json{{"role", "wizard"}}), ParseError);
  EXPECT_THROW(message_from_json(Json{{"role", "user"}, {"content", 5}}), ParseError);
  EXPECT_THROW(message_from_json(Json{{"role", "user"}, {"content", {{{"type", "video"}}}}}), ParseError);
  EXPECT_THROW(message_from_json(Json{{"role", "assistant"}, {"tool_calls", {{{"id", "x"}}}}}), ParseError);
  EXPECT_THROW(message_from_json(Json{{"role", "tool"}, {"is_error", "yes"}}), ParseError);
}

}  // namespace
}  // namespace alith::llm
