#pragma once

// An MCP client: one connection to one server over a Transport (stdio or Streamable HTTP).
//
//   auto client = mcp::Client::connect(std::make_unique<mcp::StdioTransport>(options));  // + initialize
//   for (const auto& tool : client->list_all_tools()) ...
//   mcp::CallToolResult r = client->call_tool("echo", {{"message", "hi"}});
//   auto tools = mcp::mcp_tools(client);  // the server's tools as agent tools
//
// Errors: a JSON-RPC error from the server throws McpError (ErrorCode::provider); a request without an answer
// within its timeout throws TimeoutError (and notifications/cancelled is sent); a fired CancelToken throws
// CancelledError (likewise); a server that goes away (exits, session lost) fails every pending and later call
// at once with IoError (TooLargeError when it sent a message over the cap); a malformed result throws
// ParseError. Nothing hangs: every wait has a deadline.
//
// Threading: every method is thread-safe and requests may run concurrently. Notification and request
// handlers run on the transport's reader thread: they must be quick and must not call back into the
// client's blocking methods (do that on another thread).

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alith/agent/tool.h"
#include "alith/core/cancel.h"
#include "alith/mcp/protocol.h"
#include "alith/mcp/transport.h"

namespace alith::mcp {

struct ClientOptions {
  Implementation client_info{"alith", "", ""};  // version empty: alith's own version
  std::chrono::milliseconds request_timeout{60'000};
  bool reset_timeout_on_progress = false;  // a progress notification restarts the request's timeout
  ClientCapabilities capabilities;         // what the client announces (roots/sampling/elicitation off)
};

// Per-request options.
struct RequestOptions {
  std::optional<std::chrono::milliseconds> timeout;  // default: ClientOptions::request_timeout
  CancelToken cancel;
  // Receives notifications/progress for this request (a progress token is attached when set). Runs on the
  // reader thread.
  std::function<void(const ProgressParams&)> on_progress;
};

class Client {
 public:
  explicit Client(std::unique_ptr<Transport> transport, ClientOptions options = {});
  ~Client();  // close()
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Starts the transport and initializes: a shared client ready for requests.
  static std::shared_ptr<Client> connect(std::unique_ptr<Transport> transport, ClientOptions options = {});

  // Starts the transport (if not yet), sends initialize with alith's latest version and, when the server
  // picks one alith speaks, notifications/initialized. UnsupportedError when the server's version is not
  // one of protocol_versions (the connection is closed).
  const InitializeResult& initialize();
  const InitializeResult& server() const;  // what initialize returned (InvalidArgumentError before)
  const std::string& protocol_version() const;

  // A raw request: the result object, or the typed errors above.
  Json request(const std::string& method, Json params = nullptr, const RequestOptions& options = {});
  void notify(const std::string& method, Json params = nullptr);

  void ping(const RequestOptions& options = {});

  ListToolsResult list_tools(const std::string& cursor = {}, const RequestOptions& options = {});
  std::vector<Tool> list_all_tools(
      const RequestOptions& options = {});  // follows nextCursor (max 1000 pages)
  CallToolResult call_tool(const std::string& name, const Json& arguments = Json::object(),
                           const RequestOptions& options = {});

  ListResourcesResult list_resources(const std::string& cursor = {}, const RequestOptions& options = {});
  std::vector<Resource> list_all_resources(const RequestOptions& options = {});
  ListResourceTemplatesResult list_resource_templates(const std::string& cursor = {},
                                                      const RequestOptions& options = {});
  ReadResourceResult read_resource(const std::string& uri, const RequestOptions& options = {});
  void subscribe(const std::string& uri, const RequestOptions& options = {});
  void unsubscribe(const std::string& uri, const RequestOptions& options = {});

  ListPromptsResult list_prompts(const std::string& cursor = {}, const RequestOptions& options = {});
  GetPromptResult get_prompt(const std::string& name, const Json& arguments = Json::object(),
                             const RequestOptions& options = {});

  // Handlers for server notifications by method (e.g. "notifications/tools/list_changed",
  // "notifications/message"); one per method, a later one replaces it.
  using NotificationHandler = std::function<void(const Json& params)>;
  void on_notification(const std::string& method, NotificationHandler handler);
  void on_resource_updated(std::function<void(const std::string& uri)> handler);
  void on_tools_list_changed(std::function<void()> handler);

  // Handlers for server->client requests (e.g. "roots/list"). ping is always answered; a method without a
  // handler is answered with -32601. A handler's McpError becomes that error, anything else -32603.
  using RequestHandler = std::function<Json(const Json& params)>;
  void on_request(const std::string& method, RequestHandler handler);

  bool connected() const;  // false once the transport closed or close() was called
  void close() noexcept;   // fails pending calls (IoError), closes the transport; idempotent

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// ---- Agent bridge
// ------------------------------------------------------------------------------------------

struct BridgeOptions {
  std::string name_prefix;                           // prepended to every tool name (e.g. "github_")
  std::optional<std::chrono::milliseconds> timeout;  // per call; default: the client's
};

// The server's tools (tools/list, all pages) as agent tools. Each spec is the server tool's (name made a
// valid agent tool name: characters outside [A-Za-z0-9_-] become '_', at most 64), description and
// inputSchema; invoke() calls tools/call with the context's CancelToken and maps the result:
//   text blocks joined with newlines; structuredContent (when present) returned as JSON;
//   images and audio described ("[image: image/png, 1234 bytes base64]"), never dumped;
//   resource links and embedded resources as their URI (embedded text included);
//   isError: throws ToolError with the text, so the model sees an error result.
std::vector<std::shared_ptr<agent::Tool>> mcp_tools(const std::shared_ptr<Client>& client,
                                                    const BridgeOptions& options = {});

// One server tool (from list_tools) as an agent tool, mapped as above.
std::shared_ptr<agent::Tool> mcp_tool(const std::shared_ptr<Client>& client, const Tool& tool,
                                      const BridgeOptions& options = {});

// The text an agent sees for a tool result (the mapping above, without the isError throw).
Json tool_result_to_json(const CallToolResult& result);

}  // namespace alith::mcp
