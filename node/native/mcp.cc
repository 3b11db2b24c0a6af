// Node bindings of mcp/: a client over stdio or Streamable HTTP (requests are raw JSON-RPC; lib/mcp.js names
// them), the servers of an mcpServers config, and an MCP server of alith tools (JS tools included) over stdio
// or HTTP. Everything that waits on a peer returns a Promise.
#include <chrono>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alith/core/error.h"
#include "alith/mcp/client.h"
#include "alith/mcp/config.h"
#include "alith/mcp/server.h"
#include "alith/mcp/transport.h"
#include "bindings.h"
#include "convert.h"
#include "errors.h"
#include "handles.h"
#include "mods_util.h"

namespace {

using alith::Json;
using namespace alith_node_mods;
namespace mcp = alith::mcp;

constexpr const char* kClientTag = "McpClient";
constexpr const char* kServersTag = "McpServers";
constexpr const char* kServerTag = "McpServer";
constexpr const char* kHttpTag = "McpHttpServer";

std::vector<std::pair<std::string, std::string>> Pairs(const Json& object) {
  std::vector<std::pair<std::string, std::string>> out;
  if (object.is_object())
    for (const auto& [k, v] : object.items())
      out.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

mcp::ClientOptions ClientOptionsFrom(const Json& o) {
  mcp::ClientOptions options;
  if (Json t = Opt(o, "timeoutMs"); t.is_number())
    options.request_timeout = std::chrono::milliseconds(t.get<int64_t>());
  if (Json n = Opt(o, "clientName"); n.is_string()) options.client_info.name = n.get<std::string>();
  return options;
}

// options: {command, args, env, cwd, stderrLog} for stdio or {url, headers} for Streamable HTTP.
std::unique_ptr<mcp::Transport> TransportFrom(const Json& o) {
  if (Json url = Opt(o, "url"); url.is_string()) {
    mcp::HttpTransportOptions http;
    http.url = url.get<std::string>();
    http.headers = Pairs(Opt(o, "headers"));
    return std::make_unique<mcp::StreamableHttpTransport>(http);
  }
  if (Json command = Opt(o, "command"); command.is_string()) {
    mcp::StdioOptions stdio;
    stdio.command = command.get<std::string>();
    if (Json args = Opt(o, "args"); args.is_array()) stdio.args = args.get<std::vector<std::string>>();
    stdio.env = Pairs(Opt(o, "env"));
    stdio.cwd = GetString(o, "cwd");
    stdio.stderr_log = GetString(o, "stderrLog");
    return std::make_unique<mcp::StdioTransport>(stdio);
  }
  throw alith::InvalidArgumentError("an MCP client needs `command` (stdio) or `url` (Streamable HTTP)");
}

mcp::RequestOptions RequestOptionsFrom(const Json& o, alith::CancelToken cancel) {
  mcp::RequestOptions options;
  if (Json t = Opt(o, "timeoutMs"); t.is_number())
    options.timeout = std::chrono::milliseconds(t.get<int64_t>());
  options.cancel = std::move(cancel);
  return options;
}

Napi::Value ToolsArray(Napi::Env env, const std::vector<std::shared_ptr<alith::agent::Tool>>& tools) {
  Napi::Array out = Napi::Array::New(env, tools.size());
  for (uint32_t i = 0; i < tools.size(); ++i) out.Set(i, WrapTool(env, tools[i]));
  return out;
}

mcp::BridgeOptions BridgeOptionsFrom(const Json& o) {
  mcp::BridgeOptions options;
  options.name_prefix = GetString(o, "namePrefix");
  if (Json t = Opt(o, "timeoutMs"); t.is_number())
    options.timeout = std::chrono::milliseconds(t.get<int64_t>());
  return options;
}

// ---- client
// ------------------------------------------------------------------------------------------------

Napi::Value Connect(const Napi::CallbackInfo& info) {
  Json o = Arg(info, 0);
  return RunWork(info.Env(), [o]() -> Finish {
    auto client = mcp::Client::connect(TransportFrom(o), ClientOptionsFrom(o));
    return [client](Napi::Env env) { return WrapHandle(env, kClientTag, client); };
  });
}

Napi::Value ServerInfo(const Napi::CallbackInfo& info) {
  auto client = UnwrapHandle<mcp::Client>(info[0], kClientTag);
  return Guard(info.Env(), [&] {
    Json j = mcp::to_json(client->server());
    j["protocolVersion"] = client->protocol_version();
    return ToJs(info.Env(), j);
  });
}

Napi::Value Request(const Napi::CallbackInfo& info) {
  auto client = UnwrapHandle<mcp::Client>(info[0], kClientTag);
  std::string method = info[1].As<Napi::String>().Utf8Value();
  Json params = Arg(info, 2);
  Json o = Arg(info, 3);
  alith::CancelToken cancel = info.Length() > 4 ? CancelFromJs(info[4]) : alith::CancelToken();
  return RunJsonWork(info.Env(), [client, method, params, o, cancel]() -> Json {
    return client->request(method, params, RequestOptionsFrom(o, cancel));
  });
}

Napi::Value Notify(const Napi::CallbackInfo& info) {
  auto client = UnwrapHandle<mcp::Client>(info[0], kClientTag);
  std::string method = info[1].As<Napi::String>().Utf8Value();
  Json params = Arg(info, 2);
  return Guard(info.Env(), [&] {
    client->notify(method, params);
    return info.Env().Undefined();
  });
}

Napi::Value ClientTools(const Napi::CallbackInfo& info) {
  auto client = UnwrapHandle<mcp::Client>(info[0], kClientTag);
  Json o = Arg(info, 1);
  return RunWork(info.Env(), [client, o]() -> Finish {
    auto tools = mcp::mcp_tools(client, BridgeOptionsFrom(o));
    return [tools](Napi::Env env) { return ToolsArray(env, tools); };
  });
}

Napi::Value Connected(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), UnwrapHandle<mcp::Client>(info[0], kClientTag)->connected());
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  auto client = UnwrapHandle<mcp::Client>(info[0], kClientTag);
  return RunJsonWork(info.Env(), [client]() -> Json {
    client->close();
    return nullptr;
  });
}

// ---- mcpServers configs
// --------------------------------------------------------------------------------------

// config: the mcpServers JSON (an object) or a path to such a file.
Napi::Value ConnectServers(const Napi::CallbackInfo& info) {
  Json config = Arg(info, 0);
  Json o = Arg(info, 1);
  return RunWork(info.Env(), [config, o]() -> Finish {
    mcp::Config parsed = config.is_string() ? mcp::load_config(config.get<std::string>())
                                            : mcp::parse_config(config.dump()).value();
    auto servers = std::make_shared<mcp::McpServers>(parsed, ClientOptionsFrom(o));
    return [servers](Napi::Env env) {
      Napi::Object out = Napi::Object::New(env);
      out.Set("handle", WrapHandle(env, kServersTag, servers));
      Napi::Object clients = Napi::Object::New(env);
      for (const auto& [name, client] : servers->clients())
        clients.Set(name, WrapHandle(env, kClientTag, client));
      out.Set("clients", clients);
      return out;
    };
  });
}

Napi::Value ServersTools(const Napi::CallbackInfo& info) {
  auto servers = UnwrapHandle<mcp::McpServers>(info[0], kServersTag);
  return RunWork(info.Env(), [servers]() -> Finish {
    auto tools = servers->tools();
    return [tools](Napi::Env env) { return ToolsArray(env, tools); };
  });
}

Napi::Value ServersClose(const Napi::CallbackInfo& info) {
  auto servers = UnwrapHandle<mcp::McpServers>(info[0], kServersTag);
  return RunJsonWork(info.Env(), [servers]() -> Json {
    servers->close();
    return nullptr;
  });
}

// ---- server
// --------------------------------------------------------------------------------------------------

// A JS callback's InvalidArgumentError (code 'invalid_argument', which lib/mcp.js gives to "not found"
// answers) as the C++ type the server maps to an MCP error (-32002 for resources/read, -32602 for
// prompts/get); any other error passes through (-32603).
Json CallMapped(const JsFunction& fn, const Json& args) {
  try {
    return fn.Call(args);
  } catch (const alith::InvalidArgumentError&) {
    throw;
  } catch (const alith::Error& e) {
    if (e.code() == alith::ErrorCode::invalid_argument) throw alith::InvalidArgumentError(e.what());
    throw;
  }
}

std::shared_ptr<JsFunction> Method(Napi::Object object, const char* name, const char* label) {
  Napi::Value fn = object.Get(name);
  if (!fn.IsFunction()) return nullptr;
  return std::make_shared<JsFunction>(object.Env(), fn.As<Napi::Function>(), label);
}

// Resources and prompts backed by JS functions (lib/mcp.js wraps the user's object, awaiting what its
// methods return). The server calls them on its own threads; each call waits for the JS result while the
// event loop runs on.
class JsResources final : public mcp::ResourceProvider {
 public:
  explicit JsResources(Napi::Object o)
      : list_(Method(o, "list", "alith-mcp-resources-list")),
        templates_(Method(o, "templates", "alith-mcp-resources-templates")),
        read_(Method(o, "read", "alith-mcp-resources-read")) {
    if (!list_ || !read_) throw alith::InvalidArgumentError("resources need list() and read(uri)");
  }
  Json list() override { return list_->Call(Json::array()); }
  Json templates() override { return templates_ ? templates_->Call(Json::array()) : Json::array(); }
  Json read(const std::string& uri) override { return CallMapped(*read_, Json::array({uri})); }

 private:
  std::shared_ptr<JsFunction> list_, templates_, read_;
};

class JsPrompts final : public mcp::PromptProvider {
 public:
  explicit JsPrompts(Napi::Object o)
      : list_(Method(o, "list", "alith-mcp-prompts-list")), get_(Method(o, "get", "alith-mcp-prompts-get")) {
    if (!list_ || !get_) throw alith::InvalidArgumentError("prompts need list() and get(name, arguments)");
  }
  Json list() override { return list_->Call(Json::array()); }
  Json get(const std::string& name, const Json& arguments) override {
    return CallMapped(*get_, Json::array({name, arguments}));
  }

 private:
  std::shared_ptr<JsFunction> list_, get_;
};

// newServer(tools, options, resources?, prompts?): resources {list, templates?, read}, prompts {list, get}.
Napi::Value NewServer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&] {
    std::vector<std::shared_ptr<alith::agent::Tool>> tools;
    Napi::Array list = info[0].As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); ++i) tools.push_back(ToolFromJs(list.Get(i)));
    Json o = Arg(info, 1);
    mcp::ServerOptions options;
    options.name = GetString(o, "name", options.name);
    options.version = GetString(o, "version", options.version);
    options.instructions = GetString(o, "instructions");
    if (Json t = Opt(o, "threads"); t.is_number()) options.threads = t.get<size_t>();
    auto server = std::make_shared<mcp::Server>(std::move(tools), options);
    if (info.Length() > 2 && info[2].IsObject())
      server->set_resources(std::make_shared<JsResources>(info[2].As<Napi::Object>()));
    if (info.Length() > 3 && info[3].IsObject())
      server->set_prompts(std::make_shared<JsPrompts>(info[3].As<Napi::Object>()));
    return WrapHandle(env, kServerTag, server);
  });
}

// Serves stdin/stdout until stdin ends. The process's stdout then belongs to the protocol: JS must not write
// to it (console.log) while this runs.
Napi::Value ServeStdio(const Napi::CallbackInfo& info) {
  auto server = UnwrapHandle<mcp::Server>(info[0], kServerTag);
  return RunJsonWork(info.Env(), [server]() -> Json {
    mcp::serve_stdio(*server, std::cin, std::cout);
    return nullptr;
  });
}

struct HttpServe {
  std::shared_ptr<mcp::Server> server;  // outlives the transport
  std::unique_ptr<mcp::HttpTransport> transport;
  ~HttpServe() {
    if (transport) transport->stop();
  }
};

Napi::Value HttpStart(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto server = UnwrapHandle<mcp::Server>(info[0], kServerTag);
  Json o = Arg(info, 1);
  return Guard(env, [&] {
    mcp::HttpOptions options;
    options.host = GetString(o, "host", options.host);
    if (Json p = Opt(o, "port"); p.is_number()) options.port = p.get<int>();
    options.path = GetString(o, "path", options.path);
    if (Json a = Opt(o, "allowedOrigins"); a.is_array())
      options.allowed_origins = a.get<std::vector<std::string>>();
    auto serve = std::make_shared<HttpServe>();
    serve->server = server;
    serve->transport = std::make_unique<mcp::HttpTransport>(*server, options);
    return WrapHandle(env, kHttpTag, serve);
  });
}

Napi::Value HttpPort(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), UnwrapHandle<HttpServe>(info[0], kHttpTag)->transport->port());
}

// Resolves when the server stops; the pending Promise keeps the process alive meanwhile.
Napi::Value HttpRun(const Napi::CallbackInfo& info) {
  auto serve = UnwrapHandle<HttpServe>(info[0], kHttpTag);
  return RunJsonWork(info.Env(), [serve]() -> Json {
    serve->transport->run();
    return nullptr;
  });
}

Napi::Value HttpStop(const Napi::CallbackInfo& info) {
  auto serve = UnwrapHandle<HttpServe>(info[0], kHttpTag);
  return RunJsonWork(info.Env(), [serve]() -> Json {
    serve->transport->stop();
    return nullptr;
  });
}

}  // namespace

void InitMcp(Napi::Env env, Napi::Object exports) {
  Napi::Object m = Napi::Object::New(env);
  m.Set("connect", Napi::Function::New(env, Connect));
  m.Set("serverInfo", Napi::Function::New(env, ServerInfo));
  m.Set("request", Napi::Function::New(env, Request));
  m.Set("notify", Napi::Function::New(env, Notify));
  m.Set("clientTools", Napi::Function::New(env, ClientTools));
  m.Set("connected", Napi::Function::New(env, Connected));
  m.Set("close", Napi::Function::New(env, Close));
  m.Set("connectServers", Napi::Function::New(env, ConnectServers));
  m.Set("serversTools", Napi::Function::New(env, ServersTools));
  m.Set("serversClose", Napi::Function::New(env, ServersClose));
  m.Set("newServer", Napi::Function::New(env, NewServer));
  m.Set("serveStdio", Napi::Function::New(env, ServeStdio));
  m.Set("httpStart", Napi::Function::New(env, HttpStart));
  m.Set("httpPort", Napi::Function::New(env, HttpPort));
  m.Set("httpRun", Napi::Function::New(env, HttpRun));
  m.Set("httpStop", Napi::Function::New(env, HttpStop));
  exports.Set("mcp", m);
}
