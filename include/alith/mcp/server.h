#pragma once

// An MCP server (Model Context Protocol, the revisions of protocol.h: 2025-06-18, 2025-03-26, 2024-11-05)
// that exposes alith tools, agents as tools (flow::agent_tool) and optionally resources and prompts.
//
//   mcp::Server server({agent::builtin_tool("calculator")}, {.name = "my-server"});
//   mcp::serve_stdio(server, std::cin, std::cout);                  // or
//   mcp::HttpTransport http(server, {.port = 8080}); http.run();   // Streamable HTTP on 127.0.0.1:8080/mcp
//
// The Server holds what every connection shares (tools, providers, the thread pool tools run on); a Session
// is one connection's protocol state (initialize, negotiated version, the calls in flight). Transports feed a
// session one JSON-RPC message at a time and deliver what it emits.
//
// Behaviour (the contract the tests check):
//  - initialize answers the client's protocolVersion when supported, else the newest one alith speaks;
//    capabilities list tools, and resources/prompts only when a provider was given.
//  - tools/list pages by an opaque cursor (page_size tools a page); a bad cursor is -32602.
//  - tools/call validates the arguments against the tool's JSON Schema (agent::validate): invalid arguments
//    and anything the tool throws give a result with isError true, as the specification recommends (the
//    model can read it and retry); an unknown tool is the JSON-RPC error -32602. Calls run on the server's
//    thread pool, so a slow tool does not hold up other messages. notifications/cancelled fires the call's
//    CancelToken and its reply is dropped. A ProgressTool called with _meta.progressToken sends
//    notifications/progress before its reply.
//  - unknown methods: -32601; malformed JSON: -32700 with id null; a message that is not a JSON-RPC 2.0
//    request or notification (or a batch): -32600 with id null; a message over max_message_bytes: -32600.
//  - Nothing a client sends makes the server throw, crash or hang.

#include <atomic>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alith/agent/tool.h"
#include "alith/core/json.h"
#include "alith/mcp/protocol.h"

namespace alith {
class ThreadPool;
}

namespace alith::mcp {

// Resources offered to clients. Shapes are the specification's JSON objects.
class ResourceProvider {
 public:
  virtual ~ResourceProvider() = default;
  // Resource objects: {"uri", "name", optional "title", "description", "mimeType", "size"}.
  virtual Json list() = 0;
  // ResourceTemplate objects: {"uriTemplate", "name", ...}; none by default.
  virtual Json templates() { return Json::array(); }
  // The contents array of resources/read: [{"uri", "mimeType"?, "text" | "blob" (base64)}]. Throw
  // InvalidArgumentError for an unknown uri (the client gets -32002, "resource not found").
  virtual Json read(const std::string& uri) = 0;
};

// Prompts offered to clients.
class PromptProvider {
 public:
  virtual ~PromptProvider() = default;
  // Prompt objects: {"name", "description"?, "arguments"?: [{"name", "description"?, "required"?}]}.
  virtual Json list() = 0;
  // A GetPromptResult {"description"?, "messages": [{"role", "content"}]}. Throw InvalidArgumentError for an
  // unknown prompt or missing arguments (the client gets -32602).
  virtual Json get(const std::string& name, const Json& arguments) = 0;
};

// A tool that reports progress while it runs. Plain agent::Tool has no progress channel, so the server
// sends notifications/progress only for tools of this kind (and only when the request asked for it).
using ProgressFn =
    std::function<void(double progress, std::optional<double> total, const std::string& message)>;

class ProgressTool : public agent::Tool {
 public:
  // report may be called from the tool's thread any number of times; it does nothing when the client did
  // not ask for progress.
  virtual Json invoke_with_progress(const Json& args, const agent::ToolContext& context,
                                    const ProgressFn& report) = 0;
  Json invoke(const Json& args, const agent::ToolContext& context) override {
    return invoke_with_progress(args, context,
                                ProgressFn([](double, std::optional<double>, const std::string&) {}));
  }
};

using ProgressToolFunction =
    std::function<Json(const Json& args, const agent::ToolContext& context, const ProgressFn& report)>;

// A ProgressTool from a JSON Schema and a function (InvalidArgumentError as for agent::make_tool).
std::shared_ptr<ProgressTool> make_progress_tool(std::string name, std::string description, Json schema,
                                                 ProgressToolFunction fn);

struct ServerOptions {
  std::string name = "alith";
  std::string version = "0";
  std::string instructions{};  // sent in the initialize result when not empty
  size_t max_message_bytes =
      default_max_message_bytes;  // a larger message is refused (-32600 on stdio, 413 over HTTP)
  size_t page_size = 100;         // tools per tools/list page
  size_t threads = 4;             // the pool tool calls run on
};

class Server;

// What handle() did with a message, so a transport knows whether a reply follows.
enum class Handled {
  no_reply,  // a notification or a response: nothing will be emitted for it (HTTP answers 202)
  replied,   // the reply was emitted before handle() returned
  pending,   // the reply (and maybe progress notifications before it) will be emitted from a pool thread
};

// One message a session emits, already serialized: a transport writes it as it is, and the hot path (a
// tools/call result) is written as text without building a document first.
struct Outgoing {
  std::string_view json;               // one JSON-RPC message, compact (no newline); valid during the call
  const RequestId* answers = nullptr;  // the request it is the result or error of; null for a notification
};

// Receives every message a session emits (replies, notifications). Called from the thread that called
// handle() or from pool threads, possibly concurrently: it must be thread-safe.
using Sink = std::function<void(const Outgoing& message)>;

class Session {
 public:
  ~Session();  // close()
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // One message as text (a line of stdio, the body of a POST). Malformed text gets a -32700 reply.
  Handled handle(std::string_view text, const Sink& sink);
  // One already parsed message. With run_call_here, a tools/call runs on the calling thread (and is replied
  // before handle() returns): for a transport that keeps reading on another thread meanwhile (serve_stdio
  // hands its reader role to an idle thread first), which saves the hand-off to the pool.
  Handled handle(const Message& message, const Sink& sink, bool run_call_here = false);
  // The same, taking the message over: a tool's arguments move into the call instead of being copied.
  Handled handle(Message&& message, const Sink& sink, bool run_call_here = false);

  bool initialized() const noexcept { return initialized_; }
  // The negotiated version ("" before initialize).
  std::string protocol_version() const;
  // Whether a tools/call with this id is still running (its reply, if any, is emitted before this turns
  // false; a cancelled call ends without one).
  bool in_flight(const RequestId& id) const;
  // Cancels the calls in flight and waits until none runs. Idempotent.
  void close();
  // Waits until no call is in flight (without cancelling).
  void drain();

 private:
  friend class Server;
  explicit Session(Server& server);
  // Both may move parts of the request away (the tool's arguments).
  Handled dispatch(Request& request, const Sink& sink, bool run_call_here);
  Handled call_tool(Request& request, const Sink& sink, bool run_call_here);  // tool_call.cpp
  struct State;
  Server& server_;
  std::atomic<bool> initialized_{false};
  std::shared_ptr<State> state_;
};

class Server {
 public:
  // tools: names must be unique (InvalidArgumentError otherwise).
  explicit Server(std::vector<std::shared_ptr<agent::Tool>> tools, ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void set_resources(std::shared_ptr<ResourceProvider> provider);
  void set_prompts(std::shared_ptr<PromptProvider> provider);

  // A new connection's session. Sessions must not outlive the server.
  std::unique_ptr<Session> open_session();

  const ServerOptions& options() const noexcept { return options_; }
  const std::vector<std::shared_ptr<agent::Tool>>& tools() const noexcept { return tools_; }

 private:
  friend class Session;
  agent::Tool* find_tool(std::string_view name) const;
  ServerOptions options_;
  std::vector<std::shared_ptr<agent::Tool>> tools_;
  std::shared_ptr<ResourceProvider> resources_;
  std::shared_ptr<PromptProvider> prompts_;
  std::unique_ptr<ThreadPool> pool_;
};

// Serves one client over newline-delimited JSON-RPC: reads messages from in until end of input, writes
// replies and notifications to out (one line each, flushed). Nothing else is written to out. At the end of
// input it waits for the calls in flight to answer, then returns.
void serve_stdio(Server& server, std::istream& in, std::ostream& out);

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: a free port (HttpTransport::port())
  std::string path = "/mcp";
  // Origins accepted besides http(s)://localhost, 127.0.0.1 and [::1] (any port); a request with another
  // Origin header gets 403 (protection against DNS rebinding). Requests without Origin are accepted.
  std::vector<std::string> allowed_origins{};
  size_t max_sessions = 256;  // initialize beyond this is refused (503)
};

// The Streamable HTTP transport: POST path with one JSON-RPC message gives application/json, or
// text/event-stream for a tools/call that asked for progress; notifications and responses get 202.
// initialize issues an Mcp-Session-Id that every later request must carry (400 without, 404 unknown);
// MCP-Protocol-Version, when sent, must be one the server speaks (400). DELETE ends the session; GET is 405.
class HttpTransport {
 public:
  // Binds host:port (IoError when it cannot).
  HttpTransport(Server& server, HttpOptions options = {});
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  int port() const noexcept;
  // Serves until stop(). Blocking.
  void run();
  // Thread-safe: makes run() return (after closing every connection and session).
  void stop() noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace alith::mcp
