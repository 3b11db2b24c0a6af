// The typed forms of MCP (tools, content blocks, resources, prompts, ...) to and from JSON.

#include "alith/mcp/protocol.h"

namespace alith::mcp {

namespace {

// Reads fields of one JSON object, remembering the first problem; decoders check ok() at the end.
class Reader {
 public:
  Reader(const Json& json, std::string what) : json_(json), what_(std::move(what)) {
    if (!json_.is_object()) fail("is not an object");
  }

  std::string str(const char* key, bool required = false) {
    const Json* v = find(key);
    if (!v || v->is_null()) {
      if (required) fail(std::string("lacks \"") + key + "\"");
      return {};
    }
    if (!v->is_string()) {
      fail(std::string("\"") + key + "\" is not a string");
      return {};
    }
    return v->get<std::string>();
  }

  std::optional<std::string> opt_str(const char* key) {
    const Json* v = find(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string()) {
      fail(std::string("\"") + key + "\" is not a string");
      return std::nullopt;
    }
    return v->get<std::string>();
  }

  bool boolean(const char* key) {
    const Json* v = find(key);
    if (!v || v->is_null()) return false;
    if (!v->is_boolean()) {
      fail(std::string("\"") + key + "\" is not a boolean");
      return false;
    }
    return v->get<bool>();
  }

  std::optional<double> number(const char* key, bool required = false) {
    const Json* v = find(key);
    if (!v || v->is_null()) {
      if (required) fail(std::string("lacks \"") + key + "\"");
      return std::nullopt;
    }
    if (!v->is_number()) {
      fail(std::string("\"") + key + "\" is not a number");
      return std::nullopt;
    }
    return v->get<double>();
  }

  Json any(const char* key) {
    const Json* v = find(key);
    return v ? *v : Json();
  }

  Json object(const char* key, bool required = false) {
    const Json* v = find(key);
    if (!v || v->is_null()) {
      if (required) fail(std::string("lacks \"") + key + "\"");
      return Json();
    }
    if (!v->is_object()) {
      fail(std::string("\"") + key + "\" is not an object");
      return Json();
    }
    return *v;
  }

  // Decodes an array of T under key (absent: empty unless required).
  template <class T>
  std::vector<T> list(const char* key, bool required = false) {
    std::vector<T> out;
    const Json* v = find(key);
    if (!v || v->is_null()) {
      if (required) fail(std::string("lacks \"") + key + "\"");
      return out;
    }
    if (!v->is_array()) {
      fail(std::string("\"") + key + "\" is not an array");
      return out;
    }
    out.reserve(v->size());
    for (const auto& item : *v) {
      auto r = parse<T>(item);
      if (!r) {
        fail(std::string("\"") + key + "\": " + r.error().message);
        return out;
      }
      out.push_back(std::move(r).value());
    }
    return out;
  }

  template <class T>
  std::optional<T> nested(const char* key, bool required = false) {
    const Json* v = find(key);
    if (!v || v->is_null()) {
      if (required) fail(std::string("lacks \"") + key + "\"");
      return std::nullopt;
    }
    auto r = parse<T>(*v);
    if (!r) {
      fail(std::string("\"") + key + "\": " + r.error().message);
      return std::nullopt;
    }
    return std::move(r).value();
  }

  void fail(const std::string& message) {
    if (!error_) error_ = make_error(ErrorCode::parse, what_ + " " + message);
  }

  template <class T>
  Result<T> finish(T value) {
    if (error_) return *error_;
    return value;
  }

 private:
  const Json* find(const char* key) const {
    if (!json_.is_object()) return nullptr;
    auto it = json_.find(key);
    return it == json_.end() ? nullptr : &*it;
  }

  const Json& json_;
  std::string what_;
  std::optional<ErrorInfo> error_;
};

void put(Json& out, const char* key, const std::string& value) {
  if (!value.empty()) out[key] = value;
}

void put(Json& out, const char* key, const Json& value) {
  if (!value.is_null()) out[key] = value;
}

template <class T>
Json array_of(const std::vector<T>& items) {
  Json out = Json::array();
  for (const auto& item : items) out.push_back(to_json(item));
  return out;
}

bool has(const Json& object, const char* key) {
  return object.is_object() && object.contains(key);
}

bool flag(const Json& object, const char* key, const char* sub) {
  if (!has(object, key)) return false;
  const Json& v = object.at(key);
  return v.is_object() && v.contains(sub) && v.at(sub).is_boolean() && v.at(sub).get<bool>();
}

}  // namespace

// ---- Implementation and capabilities ---------------------------------------------------------------------

Json to_json(const Implementation& value) {
  Json out{{"name", value.name}, {"version", value.version}};
  put(out, "title", value.title);
  return out;
}

template <>
Result<Implementation> parse<Implementation>(const Json& json) {
  Reader r(json, "implementation info");
  Implementation out;
  out.name = r.str("name", true);
  out.version = r.str("version");
  out.title = r.str("title");
  return r.finish(std::move(out));
}

Json to_json(const ClientCapabilities& value) {
  Json out = value.raw.is_object() ? value.raw : Json::object();
  if (value.roots) out["roots"] = Json{{"listChanged", value.roots_list_changed}};
  if (value.sampling && !out.contains("sampling")) out["sampling"] = Json::object();
  if (value.elicitation && !out.contains("elicitation")) out["elicitation"] = Json::object();
  return out;
}

template <>
Result<ClientCapabilities> parse<ClientCapabilities>(const Json& json) {
  if (!json.is_object()) return make_error(ErrorCode::parse, "client capabilities is not an object");
  ClientCapabilities out;
  out.raw = json;
  out.roots = has(json, "roots");
  out.roots_list_changed = flag(json, "roots", "listChanged");
  out.sampling = has(json, "sampling");
  out.elicitation = has(json, "elicitation");
  return out;
}

Json to_json(const ServerCapabilities& value) {
  Json out = value.raw.is_object() ? value.raw : Json::object();
  if (value.tools) out["tools"] = Json{{"listChanged", value.tools_list_changed}};
  if (value.resources) {
    out["resources"] =
        Json{{"subscribe", value.resources_subscribe}, {"listChanged", value.resources_list_changed}};
  }
  if (value.prompts) out["prompts"] = Json{{"listChanged", value.prompts_list_changed}};
  if (value.logging && !out.contains("logging")) out["logging"] = Json::object();
  if (value.completions && !out.contains("completions")) out["completions"] = Json::object();
  return out;
}

template <>
Result<ServerCapabilities> parse<ServerCapabilities>(const Json& json) {
  if (!json.is_object()) return make_error(ErrorCode::parse, "server capabilities is not an object");
  ServerCapabilities out;
  out.raw = json;
  out.tools = has(json, "tools");
  out.tools_list_changed = flag(json, "tools", "listChanged");
  out.resources = has(json, "resources");
  out.resources_subscribe = flag(json, "resources", "subscribe");
  out.resources_list_changed = flag(json, "resources", "listChanged");
  out.prompts = has(json, "prompts");
  out.prompts_list_changed = flag(json, "prompts", "listChanged");
  out.logging = has(json, "logging");
  out.completions = has(json, "completions");
  return out;
}

Json to_json(const InitializeParams& value) {
  return Json{{"protocolVersion", value.protocol_version},
              {"capabilities", to_json(value.capabilities)},
              {"clientInfo", to_json(value.client_info)}};
}

template <>
Result<InitializeParams> parse<InitializeParams>(const Json& json) {
  Reader r(json, "initialize params");
  InitializeParams out;
  out.protocol_version = r.str("protocolVersion", true);
  if (auto caps = r.nested<ClientCapabilities>("capabilities")) out.capabilities = std::move(*caps);
  if (auto info = r.nested<Implementation>("clientInfo", true)) out.client_info = std::move(*info);
  return r.finish(std::move(out));
}

Json to_json(const InitializeResult& value) {
  Json out{{"protocolVersion", value.protocol_version},
           {"capabilities", to_json(value.capabilities)},
           {"serverInfo", to_json(value.server_info)}};
  put(out, "instructions", value.instructions);
  return out;
}

template <>
Result<InitializeResult> parse<InitializeResult>(const Json& json) {
  Reader r(json, "initialize result");
  InitializeResult out;
  out.protocol_version = r.str("protocolVersion", true);
  if (auto caps = r.nested<ServerCapabilities>("capabilities")) out.capabilities = std::move(*caps);
  if (auto info = r.nested<Implementation>("serverInfo", true)) out.server_info = std::move(*info);
  out.instructions = r.str("instructions");
  return r.finish(std::move(out));
}

// ---- Tools -----------------------------------------------------------------------------------------------

Json to_json(const Tool& value) {
  Json out{{"name", value.name}, {"inputSchema", value.input_schema}};
  put(out, "title", value.title);
  put(out, "description", value.description);
  if (value.output_schema) out["outputSchema"] = *value.output_schema;
  put(out, "annotations", value.annotations);
  return out;
}

template <>
Result<Tool> parse<Tool>(const Json& json) {
  Reader r(json, "tool");
  Tool out;
  out.name = r.str("name", true);
  out.title = r.str("title");
  out.description = r.str("description");
  out.input_schema = r.object("inputSchema", true);
  Json output = r.object("outputSchema");
  if (!output.is_null()) out.output_schema = std::move(output);
  out.annotations = r.object("annotations");
  return r.finish(std::move(out));
}

Json to_json(const ListToolsResult& value) {
  Json out{{"tools", array_of(value.tools)}};
  put(out, "nextCursor", value.next_cursor);
  return out;
}

template <>
Result<ListToolsResult> parse<ListToolsResult>(const Json& json) {
  Reader r(json, "tools/list result");
  ListToolsResult out;
  out.tools = r.list<Tool>("tools", true);
  out.next_cursor = r.str("nextCursor");
  return r.finish(std::move(out));
}

// ---- Content
// -----------------------------------------------------------------------------------------------

Json to_json(const ResourceContents& value) {
  Json out{{"uri", value.uri}};
  put(out, "mimeType", value.mime_type);
  if (value.text) out["text"] = *value.text;
  if (value.blob) out["blob"] = *value.blob;
  return out;
}

template <>
Result<ResourceContents> parse<ResourceContents>(const Json& json) {
  Reader r(json, "resource contents");
  ResourceContents out;
  out.uri = r.str("uri", true);
  out.mime_type = r.str("mimeType");
  out.text = r.opt_str("text");
  out.blob = r.opt_str("blob");
  if (!out.text && !out.blob) r.fail("has neither \"text\" nor \"blob\"");
  return r.finish(std::move(out));
}

std::string_view to_string(ContentBlock::Type type) noexcept {
  switch (type) {
    case ContentBlock::Type::text:
      return "text";
    case ContentBlock::Type::image:
      return "image";
    case ContentBlock::Type::audio:
      return "audio";
    case ContentBlock::Type::resource_link:
      return "resource_link";
    case ContentBlock::Type::resource:
      return "resource";
  }
  return "text";
}

ContentBlock ContentBlock::make_text(std::string text) {
  ContentBlock out;
  out.type = Type::text;
  out.text = std::move(text);
  return out;
}

ContentBlock ContentBlock::make_image(std::string base64, std::string mime_type) {
  ContentBlock out;
  out.type = Type::image;
  out.data = std::move(base64);
  out.mime_type = std::move(mime_type);
  return out;
}

ContentBlock ContentBlock::make_audio(std::string base64, std::string mime_type) {
  ContentBlock out = make_image(std::move(base64), std::move(mime_type));
  out.type = Type::audio;
  return out;
}

// Hot-path builders (every tool result) assign keys one by one: nlohmann's initializer lists first build each
// {key, value} pair as a two-element array, two allocations per member.
Json to_json(const ContentBlock& value) {
  Json out = Json::object();
  out["type"] = to_string(value.type);
  switch (value.type) {
    case ContentBlock::Type::text:
      out["text"] = value.text;
      break;
    case ContentBlock::Type::image:
    case ContentBlock::Type::audio:
      out["data"] = value.data;
      out["mimeType"] = value.mime_type;
      break;
    case ContentBlock::Type::resource_link:
      out["uri"] = value.uri;
      out["name"] = value.name;
      put(out, "title", value.title);
      put(out, "description", value.description);
      put(out, "mimeType", value.mime_type);
      break;
    case ContentBlock::Type::resource:
      out["resource"] = value.resource ? to_json(*value.resource) : Json{{"uri", ""}, {"text", ""}};
      break;
  }
  put(out, "annotations", value.annotations);
  return out;
}

template <>
Result<ContentBlock> parse<ContentBlock>(const Json& json) {
  Reader r(json, "content block");
  ContentBlock out;
  std::string type = r.str("type", true);
  out.annotations = r.object("annotations");
  if (type == "text") {
    out.type = ContentBlock::Type::text;
    out.text = r.str("text", true);
  } else if (type == "image" || type == "audio") {
    out.type = type == "image" ? ContentBlock::Type::image : ContentBlock::Type::audio;
    out.data = r.str("data", true);
    out.mime_type = r.str("mimeType", true);
  } else if (type == "resource_link") {
    out.type = ContentBlock::Type::resource_link;
    out.uri = r.str("uri", true);
    out.name = r.str("name");
    out.title = r.str("title");
    out.description = r.str("description");
    out.mime_type = r.str("mimeType");
  } else if (type == "resource") {
    out.type = ContentBlock::Type::resource;
    out.resource = r.nested<ResourceContents>("resource", true);
  } else if (!type.empty()) {
    r.fail("has an unknown type \"" + type + "\"");
  }
  return r.finish(std::move(out));
}

Json to_json(const CallToolResult& value) {
  Json out = Json::object();
  out["content"] = array_of(value.content);
  if (value.structured_content) out["structuredContent"] = *value.structured_content;
  if (value.is_error) out["isError"] = true;
  return out;
}

void append_json(std::string& out, const CallToolResult& value) {
  out += R"({"content":[)";
  for (size_t i = 0; i < value.content.size(); ++i) {
    const ContentBlock& block = value.content[i];
    if (i > 0) out += ',';
    if (block.type == ContentBlock::Type::text && block.annotations.is_null()) {
      out += R"({"type":"text","text":)";
      append_json_string(out, block.text);
      out += '}';
    } else {
      append_json(out, to_json(block));  // rarer kinds keep one writer: their document
    }
  }
  out += ']';
  if (value.structured_content) {
    out += R"(,"structuredContent":)";
    append_json(out, *value.structured_content);
  }
  if (value.is_error) out += R"(,"isError":true)";
  out += '}';
}

template <>
Result<CallToolResult> parse<CallToolResult>(const Json& json) {
  Reader r(json, "tools/call result");
  CallToolResult out;
  out.content = r.list<ContentBlock>("content");
  Json structured = r.any("structuredContent");
  if (!structured.is_null()) out.structured_content = std::move(structured);
  out.is_error = r.boolean("isError");
  // 2024-11-05 servers may answer with the older {"toolResult": ...} form.
  if (json.is_object() && !json.contains("content") && json.contains("toolResult")) {
    out.structured_content = json.at("toolResult");
  }
  return r.finish(std::move(out));
}

// ---- Resources
// ---------------------------------------------------------------------------------------------

Json to_json(const Resource& value) {
  Json out{{"uri", value.uri}, {"name", value.name}};
  put(out, "title", value.title);
  put(out, "description", value.description);
  put(out, "mimeType", value.mime_type);
  if (value.size) out["size"] = *value.size;
  put(out, "annotations", value.annotations);
  return out;
}

template <>
Result<Resource> parse<Resource>(const Json& json) {
  Reader r(json, "resource");
  Resource out;
  out.uri = r.str("uri", true);
  out.name = r.str("name");
  out.title = r.str("title");
  out.description = r.str("description");
  out.mime_type = r.str("mimeType");
  if (auto size = r.number("size")) out.size = static_cast<int64_t>(*size);
  out.annotations = r.object("annotations");
  return r.finish(std::move(out));
}

Json to_json(const ResourceTemplate& value) {
  Json out{{"uriTemplate", value.uri_template}, {"name", value.name}};
  put(out, "title", value.title);
  put(out, "description", value.description);
  put(out, "mimeType", value.mime_type);
  put(out, "annotations", value.annotations);
  return out;
}

template <>
Result<ResourceTemplate> parse<ResourceTemplate>(const Json& json) {
  Reader r(json, "resource template");
  ResourceTemplate out;
  out.uri_template = r.str("uriTemplate", true);
  out.name = r.str("name");
  out.title = r.str("title");
  out.description = r.str("description");
  out.mime_type = r.str("mimeType");
  out.annotations = r.object("annotations");
  return r.finish(std::move(out));
}

Json to_json(const ListResourcesResult& value) {
  Json out{{"resources", array_of(value.resources)}};
  put(out, "nextCursor", value.next_cursor);
  return out;
}

template <>
Result<ListResourcesResult> parse<ListResourcesResult>(const Json& json) {
  Reader r(json, "resources/list result");
  ListResourcesResult out;
  out.resources = r.list<Resource>("resources", true);
  out.next_cursor = r.str("nextCursor");
  return r.finish(std::move(out));
}

Json to_json(const ListResourceTemplatesResult& value) {
  Json out{{"resourceTemplates", array_of(value.resource_templates)}};
  put(out, "nextCursor", value.next_cursor);
  return out;
}

template <>
Result<ListResourceTemplatesResult> parse<ListResourceTemplatesResult>(const Json& json) {
  Reader r(json, "resources/templates/list result");
  ListResourceTemplatesResult out;
  out.resource_templates = r.list<ResourceTemplate>("resourceTemplates", true);
  out.next_cursor = r.str("nextCursor");
  return r.finish(std::move(out));
}

Json to_json(const ReadResourceResult& value) {
  return Json{{"contents", array_of(value.contents)}};
}

template <>
Result<ReadResourceResult> parse<ReadResourceResult>(const Json& json) {
  Reader r(json, "resources/read result");
  ReadResourceResult out;
  out.contents = r.list<ResourceContents>("contents", true);
  return r.finish(std::move(out));
}

// ---- Prompts
// -----------------------------------------------------------------------------------------------

Json to_json(const PromptArgument& value) {
  Json out{{"name", value.name}};
  put(out, "title", value.title);
  put(out, "description", value.description);
  if (value.required) out["required"] = true;
  return out;
}

template <>
Result<PromptArgument> parse<PromptArgument>(const Json& json) {
  Reader r(json, "prompt argument");
  PromptArgument out;
  out.name = r.str("name", true);
  out.title = r.str("title");
  out.description = r.str("description");
  out.required = r.boolean("required");
  return r.finish(std::move(out));
}

Json to_json(const Prompt& value) {
  Json out{{"name", value.name}};
  put(out, "title", value.title);
  put(out, "description", value.description);
  if (!value.arguments.empty()) out["arguments"] = array_of(value.arguments);
  return out;
}

template <>
Result<Prompt> parse<Prompt>(const Json& json) {
  Reader r(json, "prompt");
  Prompt out;
  out.name = r.str("name", true);
  out.title = r.str("title");
  out.description = r.str("description");
  out.arguments = r.list<PromptArgument>("arguments");
  return r.finish(std::move(out));
}

Json to_json(const ListPromptsResult& value) {
  Json out{{"prompts", array_of(value.prompts)}};
  put(out, "nextCursor", value.next_cursor);
  return out;
}

template <>
Result<ListPromptsResult> parse<ListPromptsResult>(const Json& json) {
  Reader r(json, "prompts/list result");
  ListPromptsResult out;
  out.prompts = r.list<Prompt>("prompts", true);
  out.next_cursor = r.str("nextCursor");
  return r.finish(std::move(out));
}

Json to_json(const PromptMessage& value) {
  return Json{{"role", value.role}, {"content", to_json(value.content)}};
}

template <>
Result<PromptMessage> parse<PromptMessage>(const Json& json) {
  Reader r(json, "prompt message");
  PromptMessage out;
  out.role = r.str("role", true);
  if (auto content = r.nested<ContentBlock>("content", true)) out.content = std::move(*content);
  return r.finish(std::move(out));
}

Json to_json(const GetPromptResult& value) {
  Json out{{"messages", array_of(value.messages)}};
  put(out, "description", value.description);
  return out;
}

template <>
Result<GetPromptResult> parse<GetPromptResult>(const Json& json) {
  Reader r(json, "prompts/get result");
  GetPromptResult out;
  out.description = r.str("description");
  out.messages = r.list<PromptMessage>("messages", true);
  return r.finish(std::move(out));
}

// ---- Progress
// ----------------------------------------------------------------------------------------------

Json to_json(const ProgressParams& value) {
  Json out{{"progressToken", value.progress_token}, {"progress", value.progress}};
  if (value.total) out["total"] = *value.total;
  put(out, "message", value.message);
  return out;
}

template <>
Result<ProgressParams> parse<ProgressParams>(const Json& json) {
  Reader r(json, "progress params");
  ProgressParams out;
  out.progress_token = r.any("progressToken");
  if (!out.progress_token.is_string() && !out.progress_token.is_number_integer()) {
    r.fail("\"progressToken\" must be a string or an integer");
  }
  out.progress = r.number("progress", true).value_or(0);
  out.total = r.number("total");
  out.message = r.str("message");
  return r.finish(std::move(out));
}

}  // namespace alith::mcp
