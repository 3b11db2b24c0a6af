// Structured extraction: response_format, forced tool call, prompt mode, repair, final SchemaError.

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "alith/agent/extractor.h"
#include "scripted_model.h"

namespace alith::agent {
namespace {

using testing::make_call;
using testing::malformed_call;
using testing::ScriptedModel;
using testing::text_reply;
using testing::tool_reply;

struct Person {
  std::string name;
  std::optional<int> age;
  static constexpr auto fields =
      std::make_tuple(field(&Person::name, "name", "Full name"), field(&Person::age, "age", "Age in years"));
};

TEST(Extractor, ViaResponseFormat) {
  auto model = std::make_shared<ScriptedModel>();
  model->push(text_reply(R"({"name":"Ada Lovelace","age":36})"));
  Person p = extract<Person>(model, "Ada Lovelace, 36, mathematician");
  EXPECT_EQ(p.name, "Ada Lovelace");
  EXPECT_EQ(p.age, 36);
  auto req = model->requests().at(0);
  EXPECT_EQ(req.response_format.kind, llm::ResponseFormat::Kind::json_schema);
  EXPECT_EQ(req.response_format.schema, schema_of<Person>());
  EXPECT_EQ(req.response_format.name, "extract");
  EXPECT_FALSE(req.response_format.strict);
  EXPECT_TRUE(req.tools.empty());
  ASSERT_EQ(req.messages.size(), 2u);
  EXPECT_EQ(req.messages[0].role, llm::Role::system);
  EXPECT_EQ(req.messages[1].text(), "Ada Lovelace, 36, mathematician");
}

TEST(Extractor, FencedJsonIsAccepted) {
  auto model = std::make_shared<ScriptedModel>();
  model->push(text_reply("```json\n{\"name\":\"Bo\"}\n```"));
  EXPECT_EQ(extract<Person>(model, "Bo").name, "Bo");
}

TEST(Extractor, ViaForcedToolCall) {
  auto model = std::make_shared<ScriptedModel>();
  model->caps.json_schema = false;
  model->push(tool_reply({make_call("c1", "extract", {{"name", "Alan Turing"}, {"age", 41}})}));
  Person p = extract<Person>(model, "Alan Turing died at 41");
  EXPECT_EQ(p.name, "Alan Turing");
  EXPECT_EQ(p.age, 41);
  auto req = model->requests().at(0);
  EXPECT_EQ(req.response_format.kind, llm::ResponseFormat::Kind::text);
  ASSERT_EQ(req.tools.size(), 1u);
  EXPECT_EQ(req.tools[0].name, "extract");
  EXPECT_EQ(req.tools[0].parameters, schema_of<Person>());
  EXPECT_EQ(req.tool_choice.mode, llm::ToolChoice::Mode::named);
  EXPECT_EQ(req.tool_choice.name, "extract");
}

TEST(Extractor, RepairRetrySendsTheValidationError) {
  auto model = std::make_shared<ScriptedModel>();
  model->caps.json_schema = false;
  model->push(tool_reply({make_call("c1", "extract", {{"name", "Grace"}, {"age", "eighty-five"}})}));
  model->push(tool_reply({make_call("c2", "extract", {{"name", "Grace"}, {"age", 85}})}));
  Extractor extractor(model, schema_of<Person>());
  Extraction out = extractor.extract_messages({llm::Message::user("Grace Hopper, 85")});
  EXPECT_EQ(out.value, Json({{"name", "Grace"}, {"age", 85}}));
  EXPECT_EQ(out.attempts, 2);
  EXPECT_EQ(out.usage.total_tokens, 10);
  auto second = model->requests().at(1);
  ASSERT_EQ(second.messages.size(), 4u);  // system, user, assistant call, tool error
  EXPECT_EQ(second.messages[2].tool_calls.at(0).id, "c1");
  EXPECT_EQ(second.messages[3].role, llm::Role::tool);
  EXPECT_EQ(second.messages[3].tool_call_id, "c1");
  EXPECT_TRUE(second.messages[3].is_error);
  EXPECT_NE(second.messages[3].text().find("$.age: expected integer, got string"), std::string::npos)
      << second.messages[3].text();
}

TEST(Extractor, RepairAfterUnparseableText) {
  auto model = std::make_shared<ScriptedModel>();
  model->push(text_reply("Sure! The name is Bob."));
  model->push(text_reply(R"({"name":"Bob"})"));
  EXPECT_EQ(extract<Person>(model, "Bob").name, "Bob");
  auto second = model->requests().at(1);
  ASSERT_EQ(second.messages.size(), 4u);
  EXPECT_EQ(second.messages[2].role, llm::Role::assistant);
  EXPECT_EQ(second.messages[3].role, llm::Role::user);
  EXPECT_NE(second.messages[3].text().find("not valid JSON"), std::string::npos);
}

TEST(Extractor, FinalSchemaErrorAfterTheRepairFails) {
  auto model = std::make_shared<ScriptedModel>();
  model->caps.json_schema = false;
  model->push(tool_reply({make_call("c1", "extract", {{"age", 3}})}));
  model->push(tool_reply({malformed_call("c2", "extract", "{\"name\": ")}));
  model->push(text_reply("unused"));
  try {
    extract<Person>(model, "someone");
    FAIL() << "expected SchemaError";
  } catch (const SchemaError& e) {
    EXPECT_NE(std::string(e.what()).find("after 2 attempts"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos) << e.what();
  }
  EXPECT_EQ(model->requests().size(), 2u);
  EXPECT_EQ(model->pending(), 1u);
}

TEST(Extractor, NoToolCallIsRepairedToo) {
  auto model = std::make_shared<ScriptedModel>();
  model->caps.json_schema = false;
  model->push(text_reply("I refuse"));
  model->push(tool_reply({make_call("c1", "extract", {{"name", "Z"}})}));
  EXPECT_EQ(extract<Person>(model, "Z").name, "Z");
  auto second = model->requests().at(1);
  EXPECT_EQ(second.messages.back().role, llm::Role::user);
  EXPECT_NE(second.messages.back().text().find("did not call"), std::string::npos);
}

TEST(Extractor, NoRepairWhenDisabled) {
  auto model = std::make_shared<ScriptedModel>();
  model->push(text_reply(R"({"name":1})"));
  ExtractOptions options;
  options.repair_attempts = 0;
  Extractor extractor(model, schema_of<Person>(), options);
  EXPECT_THROW(extractor.extract("x"), SchemaError);
  EXPECT_EQ(model->requests().size(), 1u);
}

TEST(Extractor, NonObjectSchemasAreWrapped) {
  auto model = std::make_shared<ScriptedModel>();
  model->caps.json_schema = false;
  Json schema = {
      {"type", "array"}, {"items", {{"$ref", "#/$defs/tag"}}}, {"$defs", {{"tag", {{"type", "string"}}}}}};
  model->push(tool_reply({make_call("c1", "extract", {{"value", {"a", "b"}}})}));
  Extractor extractor(model, schema);
  EXPECT_EQ(extractor.extract("a and b"), Json({"a", "b"}));
  auto params = model->requests().at(0).tools.at(0).parameters;
  EXPECT_EQ(params["type"], "object");
  EXPECT_EQ(params["properties"]["value"]["type"], "array");
  EXPECT_TRUE(params.contains("$defs"));  // refs still resolve from the new root
}

TEST(Extractor, PromptModeForModelsWithoutToolsOrSchemas) {
  auto model = std::make_shared<ScriptedModel>();
  model->caps.json_schema = false;
  model->caps.tools = false;
  model->push(text_reply(R"({"name":"Q"})"));
  EXPECT_EQ(extract<Person>(model, "Q").name, "Q");
  auto req = model->requests().at(0);
  EXPECT_EQ(req.response_format.kind, llm::ResponseFormat::Kind::json_object);
  EXPECT_TRUE(req.tools.empty());
  EXPECT_NE(req.messages[0].text().find("\"name\""), std::string::npos);  // the schema is in the prompt
}

TEST(Extractor, ExplicitModeAndValidation) {
  auto model = std::make_shared<ScriptedModel>();
  ExtractOptions options;
  options.mode = ExtractOptions::Mode::tool_call;
  options.name = "record_person";
  model->push(tool_reply({make_call("c1", "record_person", {{"name", "N"}})}));
  Extractor extractor(model, schema_of<Person>(), options);
  EXPECT_EQ(extractor.extract("N")["name"], "N");
  EXPECT_EQ(model->requests().at(0).tools.at(0).name, "record_person");

  EXPECT_THROW(Extractor(nullptr, schema_of<Person>()), InvalidArgumentError);
  EXPECT_THROW(Extractor(model, Json::array()), InvalidArgumentError);
  ExtractOptions bad;
  bad.name = "bad name";
  EXPECT_THROW(Extractor(model, schema_of<Person>(), bad), InvalidArgumentError);
}

TEST(Extractor, CancellationPropagates) {
  auto model = std::make_shared<ScriptedModel>();
  model->push(text_reply("{}"));
  auto token = CancelToken::create();
  token.cancel();
  Extractor extractor(model, schema_of<Person>());
  EXPECT_THROW(extractor.extract("x", token), CancelledError);
}

}  // namespace
}  // namespace alith::agent
