#pragma once

// Structured extraction: a JSON value that validates against a schema, or SchemaError. Never half-parsed
// JSON.
//
// How the model is asked (Mode::automatic picks by model->capabilities()):
//   response_format  response_format json_schema (capabilities().json_schema); the reply text is the value.
//   tool_call        a forced call (tool_choice named) of a tool whose parameters are the schema; the call's
//                    arguments are the value (capabilities().tools).
//   prompt           the schema in the system prompt, json_object mode where supported; the reply is parsed.
// A schema whose root is not an object is wrapped as {"value": schema} for the model and unwrapped again.
// When the value does not parse or validate, the model gets the error back and up to repair_attempts more
// tries (default 1); then SchemaError with the last validation message. Model errors propagate.
//
//   struct Person { std::string name; std::optional<int> age; static constexpr auto fields = ...; };
//   Person p = alith::agent::extract<Person>(model, "Ada Lovelace, 36, mathematician");

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alith/agent/schema.h"
#include "alith/core/cancel.h"
#include "alith/llm/chat_model.h"

namespace alith::agent {

struct ExtractOptions {
  enum class Mode { automatic, response_format, tool_call, prompt };
  Mode mode = Mode::automatic;
  std::string name = "extract";  // the response_format / tool name
  std::string description = "Record the extracted data.";
  std::string instructions;  // the system prompt; a generic extraction instruction when empty
  int repair_attempts = 1;
  bool strict = false;  // response_format strict flag (OpenAI's strict mode restricts the schema)
  llm::Sampling sampling;
  std::optional<int> max_tokens;
};

struct Extraction {
  Json value;
  llm::Usage usage;  // over all attempts
  int attempts = 0;  // model calls made
};

// Thread-safe: extract() may be called concurrently.
class Extractor {
 public:
  // InvalidArgumentError when schema is not a JSON object or model is null.
  Extractor(std::shared_ptr<llm::ChatModel> model, Json schema, ExtractOptions options = {});

  Json extract(const std::string& input, const CancelToken& cancel = {}) const;
  // From a conversation (the last message is usually the user's input).
  Extraction extract_messages(std::vector<llm::Message> messages, const CancelToken& cancel = {}) const;

  const Json& schema() const noexcept { return schema_; }

 private:
  std::shared_ptr<llm::ChatModel> model_;
  Json schema_;
  Json model_schema_;  // what the model sees (wrapped when the root is not an object)
  bool wrapped_ = false;
  ExtractOptions options_;
};

// Extracts a T (a struct with `fields`, see alith/agent/schema.h) from input.
template <class T>
T extract(std::shared_ptr<llm::ChatModel> model, const std::string& input, ExtractOptions options = {},
          const CancelToken& cancel = {}) {
  Extractor extractor(std::move(model), schema_of<T>(), std::move(options));
  return from_json<T>(extractor.extract(input, cancel));
}

}  // namespace alith::agent
