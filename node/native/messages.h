#pragma once

// The JS shapes of the conversation types (camelCase, plain objects), as alith::Json so they can be built off
// the JS thread:
//   Message  {role, content: string | parts[], toolCalls?: [{id, name, arguments}], toolCallId?, name?,
//   isError?} Response {message, finishReason, usage: {promptTokens, completionTokens, totalTokens}, model,
//   id}
// Parsing also accepts alith's snake_case serialization (tool_calls, tool_call_id, is_error).

#include <vector>

#include "alith/core/json.h"
#include "alith/llm/chat_model.h"

namespace alith_node {

alith::Json MessageToJson(const alith::llm::Message& message);
alith::llm::Message MessageFromJson(const alith::Json& json);  // ParseError on a wrong shape
std::vector<alith::llm::Message> MessagesFromJson(const alith::Json& json);
alith::Json UsageToJson(const alith::llm::Usage& usage);
alith::Json ToolCallToJson(const alith::llm::ToolCall& call);
alith::Json ResponseToJson(const alith::llm::ChatResponse& response);
// {messages, tools?: [{name, description, parameters}], toolChoice?, temperature?, topP?, seed?, maxTokens?,
//  stop?, responseFormat?: {type: 'json_object'} | {type: 'json_schema', schema, name?, strict?}}
alith::llm::ChatRequest RequestFromJson(const alith::Json& json);
// 'auto' | 'none' | 'required' | a tool's name | {name}
alith::llm::ToolChoice ToolChoiceFromJson(const alith::Json& json);

}  // namespace alith_node
