// The MCP Server: the tools and providers every session shares, the pool calls run on, and ProgressTool.

#include <set>

#include "alith/core/thread_pool.h"
#include "mcp/server/session_state.h"

namespace alith::mcp {
namespace {

class FunctionProgressTool final : public ProgressTool {
 public:
  FunctionProgressTool(llm::ToolSpec spec, ProgressToolFunction fn)
      : spec_(std::move(spec)), fn_(std::move(fn)) {}
  const llm::ToolSpec& spec() const override { return spec_; }
  Json invoke_with_progress(const Json& args, const agent::ToolContext& context,
                            const ProgressFn& report) override {
    return fn_(args, context, report);
  }

 private:
  llm::ToolSpec spec_;
  ProgressToolFunction fn_;
};

}  // namespace

std::shared_ptr<ProgressTool> make_progress_tool(std::string name, std::string description, Json schema,
                                                 ProgressToolFunction fn) {
  if (!agent::is_valid_tool_name(name)) throw InvalidArgumentError("invalid tool name: " + name);
  if (!schema.is_object()) throw InvalidArgumentError("tool " + name + ": the schema must be a JSON object");
  if (!fn) throw InvalidArgumentError("tool " + name + ": empty function");
  return std::make_shared<FunctionProgressTool>(
      llm::ToolSpec{std::move(name), std::move(description), std::move(schema)}, std::move(fn));
}

Server::Server(std::vector<std::shared_ptr<agent::Tool>> tools, ServerOptions options)
    : options_(std::move(options)), tools_(std::move(tools)) {
  std::set<std::string> names;
  for (const auto& tool : tools_) {
    if (!tool) throw InvalidArgumentError("mcp server: a tool is null");
    if (!names.insert(tool->spec().name).second)
      throw InvalidArgumentError("mcp server: two tools are named " + tool->spec().name);
  }
  pool_ = std::make_unique<ThreadPool>(std::max<size_t>(options_.threads, 1));
}

Server::~Server() = default;

void Server::set_resources(std::shared_ptr<ResourceProvider> provider) {
  resources_ = std::move(provider);
}
void Server::set_prompts(std::shared_ptr<PromptProvider> provider) {
  prompts_ = std::move(provider);
}

std::unique_ptr<Session> Server::open_session() {
  return std::unique_ptr<Session>(new Session(*this));
}

agent::Tool* Server::find_tool(std::string_view name) const {
  for (const auto& tool : tools_)
    if (tool->spec().name == name) return tool.get();
  return nullptr;
}

}  // namespace alith::mcp
