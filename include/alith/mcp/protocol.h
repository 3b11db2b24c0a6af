#pragma once

// The Model Context Protocol's wire layer, shared by the client and the server: JSON-RPC 2.0 messages, their
// parser and serializer, error codes, protocol versions and the typed forms of what both sides exchange.
//
// Contract:
//  - parse_message never throws on bad input: malformed JSON, a non-object, a batch (arrays were removed in
//    2025-06-18 and alith does not send them), a wrong "jsonrpc", an id that is neither a number nor a
//    string, both "result" and "error", ... give ErrorCode::parse; a message over max_bytes gives
//    ErrorCode::too_large. A parse error carries an offset exactly when the JSON text itself was malformed
//    (JSON-RPC -32700); without one the JSON was fine but not a valid message (-32600). error_response_for()
//    builds the reply.
//  - parse<T>(json) decodes the typed forms leniently (unknown fields ignored, optional ones may be absent)
//    but returns a parse error when a required field is missing or has the wrong type.
//  - to_json(x) produces the spec's camelCase field names and omits empty optional fields.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "alith/core/error.h"
#include "alith/core/json.h"

namespace alith::mcp {

// ---- Protocol versions
// -------------------------------------------------------------------------------------

// The revisions alith speaks, newest first. The client asks for the first; a server may pick any of them.
inline constexpr std::array<std::string_view, 3> protocol_versions = {"2025-06-18", "2025-03-26",
                                                                      "2024-11-05"};
inline constexpr std::string_view latest_protocol_version = protocol_versions[0];

bool is_supported_protocol_version(std::string_view version) noexcept;

// What a server answers to a client's requested version: the same one when alith speaks it, otherwise
// alith's latest (the client then decides whether it can go on).
std::string negotiate_protocol_version(std::string_view requested);

// ---- JSON-RPC error codes
// ----------------------------------------------------------------------------------

namespace rpc_error {
inline constexpr int parse_error = -32700;       // not JSON
inline constexpr int invalid_request = -32600;   // JSON, but not a valid request
inline constexpr int method_not_found = -32601;  // unknown method (also: a capability the peer lacks)
inline constexpr int invalid_params = -32602;    // bad params (unknown tool, arguments failing the schema...)
inline constexpr int internal_error = -32603;    // the handler failed
inline constexpr int connection_closed = -32000;   // the SDKs' code for a transport that went away
inline constexpr int request_timeout = -32001;     // the SDKs' code for a request that timed out
inline constexpr int resource_not_found = -32002;  // resources/read of an unknown URI (MCP)
inline constexpr int url_elicitation_required = -32042;
}  // namespace rpc_error

// The error object of a JSON-RPC error response.
struct RpcError {
  int code = rpc_error::internal_error;
  std::string message;
  Json data;  // null when absent
};

// A JSON-RPC error the peer answered with (or that alith answers with on the server side). ErrorCode is
// `provider`: like a hosted model provider, an MCP server is a remote peer whose refusal is not a bug of the
// caller's code; a tool-level failure (CallToolResult.isError) is not an McpError but a ToolError in the
// agent bridge.
class McpError : public Error {
 public:
  McpError(int rpc_code, std::string rpc_message, Json data = nullptr);
  int rpc_code() const noexcept { return rpc_code_; }
  const std::string& rpc_message() const noexcept { return rpc_message_; }
  const Json& data() const noexcept { return data_; }
  RpcError to_rpc_error() const { return RpcError{rpc_code_, rpc_message_, data_}; }

 private:
  int rpc_code_;
  std::string rpc_message_;
  Json data_;
};

// ---- Messages
// ----------------------------------------------------------------------------------------------

// A request id: a JSON number (integral) or a string. null ids are only valid in error responses.
using RequestId = std::variant<int64_t, std::string>;
Json to_json(const RequestId& id);
std::string to_string(const RequestId& id);               // its JSON: 7 or "abc"
using alith::append_json;                                 // the Json overload, beside the ones below
void append_json(std::string& out, const RequestId& id);  // appends to_string(id)

struct Request {
  RequestId id;
  std::string method;
  Json params;  // an object, or null when absent
};

struct Notification {
  std::string method;
  Json params;  // an object, or null when absent
};

struct Response {
  RequestId id;
  Json result;  // an object (MCP results always are)
};

struct ErrorResponse {
  std::optional<RequestId> id;  // empty when the request's id could not be read
  RpcError error;
};

using Message = std::variant<Request, Notification, Response, ErrorResponse>;

// 16 MiB: the default cap on one message in both directions.
inline constexpr size_t default_max_message_bytes = size_t{16} << 20;

// Parses one message (one line of stdio or one POST body / SSE event). Never throws (see the contract above).
Result<Message> parse_message(std::string_view text, size_t max_bytes = default_max_message_bytes);

// The same, from JSON already parsed.
Result<Message> message_from_json(const Json& json);
Result<Message> message_from_json(Json&& json);  // moves params and results out of json

Json to_json(const Message& message);

// Compact single-line JSON (newlines inside strings are escaped, so it is safe for newline framing); no
// trailing newline.
std::string serialize(const Message& message);

// The reply a peer sends for text that parse_message rejected with `error`: -32700 for malformed JSON,
// -32600 otherwise (too_large included), with the request's id when it could be recovered.
ErrorResponse error_response_for(std::string_view text, const ErrorInfo& error);

// The params' "_meta.progressToken", when present (a string or an integer).
std::optional<Json> progress_token_of(const Json& params);

// ---- Typed forms
// -------------------------------------------------------------------------------------------

struct Implementation {
  std::string name;
  std::string version;
  std::string title;  // optional
};

// What a client supports. Fields mirror the spec; `raw` keeps everything (experimental, unknown keys).
struct ClientCapabilities {
  bool roots = false;
  bool roots_list_changed = false;
  bool sampling = false;
  bool elicitation = false;
  Json raw = Json::object();
};

struct ServerCapabilities {
  bool tools = false;
  bool tools_list_changed = false;
  bool resources = false;
  bool resources_subscribe = false;
  bool resources_list_changed = false;
  bool prompts = false;
  bool prompts_list_changed = false;
  bool logging = false;
  bool completions = false;
  Json raw = Json::object();
};

struct InitializeParams {
  std::string protocol_version;
  ClientCapabilities capabilities;
  Implementation client_info;
};

struct InitializeResult {
  std::string protocol_version;
  ServerCapabilities capabilities;
  Implementation server_info;
  std::string instructions;  // optional
};

struct Tool {
  std::string name;
  std::string title;        // optional
  std::string description;  // optional
  Json input_schema = Json{{"type", "object"}};
  std::optional<Json> output_schema;  // when set, results carry structuredContent conforming to it
  Json annotations;                   // null when absent (readOnlyHint, destructiveHint, ...)
};

// The contents of a resource: text or a base64 blob.
struct ResourceContents {
  std::string uri;
  std::string mime_type;            // optional
  std::optional<std::string> text;  // exactly one of text and blob is set
  std::optional<std::string> blob;  // base64
};

// One content block of a tool result or a prompt message. Which fields matter depends on type:
//   text           text
//   image, audio   data (base64), mime_type
//   resource_link  uri, name, title, description, mime_type
//   resource       resource (embedded contents)
struct ContentBlock {
  enum class Type { text, image, audio, resource_link, resource };
  Type type = Type::text;
  std::string text;
  std::string data;
  std::string mime_type;
  std::string uri;
  std::string name;
  std::string title;
  std::string description;
  std::optional<ResourceContents> resource;
  Json annotations;  // null when absent

  static ContentBlock make_text(std::string text);
  static ContentBlock make_image(std::string base64, std::string mime_type);
  static ContentBlock make_audio(std::string base64, std::string mime_type);
};

std::string_view to_string(ContentBlock::Type type) noexcept;  // "text", "image", ..., "resource_link"

struct CallToolResult {
  std::vector<ContentBlock> content;
  std::optional<Json> structured_content;
  bool is_error = false;
};

struct ListToolsResult {
  std::vector<Tool> tools;
  std::string next_cursor;  // empty: last page
};

struct Resource {
  std::string uri;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
  std::optional<int64_t> size;
  Json annotations;
};

struct ResourceTemplate {
  std::string uri_template;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
  Json annotations;
};

struct ListResourcesResult {
  std::vector<Resource> resources;
  std::string next_cursor;
};

struct ListResourceTemplatesResult {
  std::vector<ResourceTemplate> resource_templates;
  std::string next_cursor;
};

struct ReadResourceResult {
  std::vector<ResourceContents> contents;
};

struct PromptArgument {
  std::string name;
  std::string title;
  std::string description;
  bool required = false;
};

struct Prompt {
  std::string name;
  std::string title;
  std::string description;
  std::vector<PromptArgument> arguments;
};

struct ListPromptsResult {
  std::vector<Prompt> prompts;
  std::string next_cursor;
};

struct PromptMessage {
  std::string role;  // "user" or "assistant"
  ContentBlock content;
};

struct GetPromptResult {
  std::string description;
  std::vector<PromptMessage> messages;
};

// notifications/progress params.
struct ProgressParams {
  Json progress_token;  // string or integer
  double progress = 0;
  std::optional<double> total;
  std::string message;  // optional
};

Json to_json(const Implementation& value);
Json to_json(const ClientCapabilities& value);
Json to_json(const ServerCapabilities& value);
Json to_json(const InitializeParams& value);
Json to_json(const InitializeResult& value);
Json to_json(const Tool& value);
Json to_json(const ResourceContents& value);
Json to_json(const ContentBlock& value);
Json to_json(const CallToolResult& value);
// Appends the JSON of a tools/call result, equal in value to to_json(value), without building the document
// (every tools/call reply goes through here).
void append_json(std::string& out, const CallToolResult& value);
Json to_json(const ListToolsResult& value);
Json to_json(const Resource& value);
Json to_json(const ResourceTemplate& value);
Json to_json(const ListResourcesResult& value);
Json to_json(const ListResourceTemplatesResult& value);
Json to_json(const ReadResourceResult& value);
Json to_json(const PromptArgument& value);
Json to_json(const Prompt& value);
Json to_json(const ListPromptsResult& value);
Json to_json(const PromptMessage& value);
Json to_json(const GetPromptResult& value);
Json to_json(const ProgressParams& value);

// Decodes one typed form; specialized for each struct above. Never throws.
template <class T>
Result<T> parse(const Json& json);
template <>
Result<Implementation> parse<Implementation>(const Json& json);
template <>
Result<ClientCapabilities> parse<ClientCapabilities>(const Json& json);
template <>
Result<ServerCapabilities> parse<ServerCapabilities>(const Json& json);
template <>
Result<InitializeParams> parse<InitializeParams>(const Json& json);
template <>
Result<InitializeResult> parse<InitializeResult>(const Json& json);
template <>
Result<Tool> parse<Tool>(const Json& json);
template <>
Result<ResourceContents> parse<ResourceContents>(const Json& json);
template <>
Result<ContentBlock> parse<ContentBlock>(const Json& json);
template <>
Result<CallToolResult> parse<CallToolResult>(const Json& json);
template <>
Result<ListToolsResult> parse<ListToolsResult>(const Json& json);
template <>
Result<Resource> parse<Resource>(const Json& json);
template <>
Result<ResourceTemplate> parse<ResourceTemplate>(const Json& json);
template <>
Result<ListResourcesResult> parse<ListResourcesResult>(const Json& json);
template <>
Result<ListResourceTemplatesResult> parse<ListResourceTemplatesResult>(const Json& json);
template <>
Result<ReadResourceResult> parse<ReadResourceResult>(const Json& json);
template <>
Result<PromptArgument> parse<PromptArgument>(const Json& json);
template <>
Result<Prompt> parse<Prompt>(const Json& json);
template <>
Result<ListPromptsResult> parse<ListPromptsResult>(const Json& json);
template <>
Result<PromptMessage> parse<PromptMessage>(const Json& json);
template <>
Result<GetPromptResult> parse<GetPromptResult>(const Json& json);
template <>
Result<ProgressParams> parse<ProgressParams>(const Json& json);

}  // namespace alith::mcp
