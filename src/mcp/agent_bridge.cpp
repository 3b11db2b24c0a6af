// The agent bridge: an MCP server's tools as ordinary agent::Tool objects.

#include "alith/mcp/client.h"

namespace alith::mcp {

namespace {

std::string describe_bytes(std::string_view kind, const std::string& mime, size_t base64_size) {
  return "[" + std::string(kind) + ": " + (mime.empty() ? "unknown type" : mime) + ", " +
         std::to_string(base64_size / 4 * 3) + " bytes]";
}

std::string block_text(const ContentBlock& block) {
  switch (block.type) {
    case ContentBlock::Type::text:
      return block.text;
    case ContentBlock::Type::image:
      return describe_bytes("image", block.mime_type, block.data.size());
    case ContentBlock::Type::audio:
      return describe_bytes("audio", block.mime_type, block.data.size());
    case ContentBlock::Type::resource_link: {
      std::string out =
          "[resource link: " + (block.name.empty() ? block.uri : block.name + " <" + block.uri + ">");
      if (!block.description.empty()) out += " - " + block.description;
      return out + "]";
    }
    case ContentBlock::Type::resource:
      if (!block.resource) return "[resource]";
      if (block.resource->text) return "[resource " + block.resource->uri + "]\n" + *block.resource->text;
      return describe_bytes("resource " + block.resource->uri, block.resource->mime_type,
                            block.resource->blob ? block.resource->blob->size() : 0);
  }
  return {};
}

// The agent's name for a server tool: [A-Za-z0-9_-], 1..64 characters.
std::string agent_tool_name(const std::string& prefix, const std::string& name) {
  std::string out = prefix + name;
  for (char& c : out) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) c = '_';
  }
  if (out.empty()) out = "tool";
  if (out.size() > 64) out.resize(64);
  return out;
}

class McpTool final : public agent::Tool {
 public:
  McpTool(std::shared_ptr<Client> client, const mcp::Tool& tool, const BridgeOptions& options)
      : client_(std::move(client)), remote_name_(tool.name), timeout_(options.timeout) {
    spec_.name = agent_tool_name(options.name_prefix, tool.name);
    spec_.description = !tool.description.empty() ? tool.description : tool.title;
    Json schema = tool.input_schema.is_object() ? tool.input_schema : Json{{"type", "object"}};
    schema.erase("$schema");  // some providers reject the meta-schema key
    if (!schema.contains("type")) schema["type"] = "object";
    if (!schema.contains("properties")) schema["properties"] = Json::object();
    spec_.parameters = std::move(schema);
  }

  const llm::ToolSpec& spec() const override { return spec_; }

  Json invoke(const Json& args, const agent::ToolContext& context) override {
    RequestOptions options;
    options.timeout = timeout_;
    options.cancel = context.cancel;
    CallToolResult result = client_->call_tool(remote_name_, args.is_null() ? Json::object() : args, options);
    if (result.is_error) {
      std::string text;
      for (const auto& block : result.content) {
        if (!text.empty()) text += "\n";
        text += block_text(block);
      }
      throw ToolError(text.empty() ? "the MCP tool " + remote_name_ + " failed" : text);
    }
    return tool_result_to_json(result);
  }

 private:
  std::shared_ptr<Client> client_;
  std::string remote_name_;
  std::optional<std::chrono::milliseconds> timeout_;
  llm::ToolSpec spec_;
};

}  // namespace

Json tool_result_to_json(const CallToolResult& result) {
  if (result.structured_content) return *result.structured_content;
  std::string text;
  for (const auto& block : result.content) {
    if (!text.empty()) text += "\n";
    text += block_text(block);
  }
  return Json(std::move(text));
}

std::shared_ptr<agent::Tool> mcp_tool(const std::shared_ptr<Client>& client, const Tool& tool,
                                      const BridgeOptions& options) {
  if (!client) throw InvalidArgumentError("mcp_tool: no client");
  return std::make_shared<McpTool>(client, tool, options);
}

std::vector<std::shared_ptr<agent::Tool>> mcp_tools(const std::shared_ptr<Client>& client,
                                                    const BridgeOptions& options) {
  if (!client) throw InvalidArgumentError("mcp_tools: no client");
  std::vector<std::shared_ptr<agent::Tool>> out;
  for (const auto& tool : client->list_all_tools())
    out.push_back(std::make_shared<McpTool>(client, tool, options));
  return out;
}

}  // namespace alith::mcp
