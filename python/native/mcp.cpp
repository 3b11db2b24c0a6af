// The MCP client for Python: connect over stdio or Streamable HTTP (or every server of an mcpServers config),
// list and call tools, resources and prompts, and turn the server's tools into alith Tools. Results cross as
// the specification's JSON objects (dicts). The server side is in mcp_server.cpp.

#include <nanobind/nanobind.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "alith/mcp/client.h"
#include "alith/mcp/config.h"
#include "alith/mcp/transport.h"
#include "bindings.h"
#include "convert.h"
#include "gil.h"
#include "mods_bindings.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace mcp = alith::mcp;

namespace alith_py {
namespace {

std::chrono::milliseconds seconds_to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

mcp::RequestOptions request_options(std::optional<double> timeout, const alith::CancelToken* cancel) {
  mcp::RequestOptions o;
  if (timeout) o.timeout = seconds_to_ms(*timeout);
  if (cancel) o.cancel = *cancel;
  return o;
}

mcp::ClientOptions client_options(std::optional<double> request_timeout, const std::string& client_name) {
  mcp::ClientOptions o;
  if (request_timeout) o.request_timeout = seconds_to_ms(*request_timeout);
  if (!client_name.empty()) o.client_info.name = client_name;
  return o;
}

template <class T>
nb::list json_list(const std::vector<T>& items) {
  nb::list out;
  for (const auto& item : items) out.append(to_python(mcp::to_json(item)));
  return out;
}

std::shared_ptr<mcp::Client> connect(std::unique_ptr<mcp::Transport> transport, mcp::ClientOptions options) {
  nb::gil_scoped_release release;
  return mcp::Client::connect(std::move(transport), std::move(options));
}

// Runs fn with the GIL released and converts its JSON result.
template <class F>
nb::object released_json(F&& fn) {
  alith::Json result = without_gil([&] { return fn(); });
  return to_python(result);
}

alith::Result<mcp::Config> config_from_python(nb::handle config) {
  if (nb::isinstance<nb::str>(config)) return mcp::parse_config(nb::cast<std::string>(config));
  return mcp::parse_config(alith::dump_json(from_python(config)));
}

}  // namespace
}  // namespace alith_py

void bind_mcp(nb::module_& m) {
  using namespace alith_py;
  using mcp::Client;

  nb::class_<Client>(m, "McpClient", "One connection to one MCP server.")
      .def_prop_ro(
          "server_info", [](const Client& c) { return to_python(mcp::to_json(c.server())); },
          "What initialize returned: {protocolVersion, capabilities, serverInfo, instructions?}.")
      .def_prop_ro("protocol_version", &Client::protocol_version)
      .def_prop_ro("connected", &Client::connected)
      .def(
          "request",
          [](Client& c, const std::string& method, nb::handle params, std::optional<double> timeout,
             const alith::CancelToken* cancel) {
            alith::Json p = params.is_none() ? alith::Json(nullptr) : from_python(params);
            auto o = request_options(timeout, cancel);
            return released_json([&] { return c.request(method, p, o); });
          },
          "method"_a, "params"_a = nb::none(), "timeout"_a = nb::none(), "cancel"_a = nb::none())
      .def(
          "notify",
          [](Client& c, const std::string& method, nb::handle params) {
            alith::Json p = params.is_none() ? alith::Json(nullptr) : from_python(params);
            nb::gil_scoped_release release;
            c.notify(method, p);
          },
          "method"_a, "params"_a = nb::none())
      .def(
          "ping",
          [](Client& c, std::optional<double> timeout) {
            auto o = request_options(timeout, nullptr);
            nb::gil_scoped_release release;
            c.ping(o);
          },
          "timeout"_a = nb::none())
      .def(
          "list_tools",
          [](Client& c, std::optional<double> timeout) {
            auto o = request_options(timeout, nullptr);
            std::vector<mcp::Tool> tools = without_gil([&] { return c.list_all_tools(o); });
            return json_list(tools);
          },
          "timeout"_a = nb::none(), "Every tool (all pages): [{name, description, inputSchema, ...}].")
      .def(
          "call_tool",
          [](Client& c, const std::string& name, nb::handle arguments, std::optional<double> timeout,
             const alith::CancelToken* cancel, nb::handle on_progress) {
            alith::Json args = arguments.is_none() ? alith::Json::object() : from_python(arguments);
            auto o = request_options(timeout, cancel);
            if (!on_progress.is_none()) {
              PyObjectRef fn(on_progress);
              o.on_progress = [fn](const mcp::ProgressParams& p) {
                nb::gil_scoped_acquire gil;
                try {
                  fn.get()(to_python(mcp::to_json(p)));
                } catch (nb::python_error& e) {
                  e.discard_as_unraisable("MCP progress handler");
                }
              };
            }
            return released_json([&] { return mcp::to_json(c.call_tool(name, args, o)); });
          },
          "name"_a, "arguments"_a = nb::none(), "timeout"_a = nb::none(), "cancel"_a = nb::none(),
          "on_progress"_a = nb::none(), "tools/call: {content: [...], structuredContent?, isError}.")
      .def(
          "list_resources",
          [](Client& c, std::optional<double> timeout) {
            auto o = request_options(timeout, nullptr);
            std::vector<mcp::Resource> items = without_gil([&] { return c.list_all_resources(o); });
            return json_list(items);
          },
          "timeout"_a = nb::none())
      .def(
          "list_resource_templates",
          [](Client& c, const std::string& cursor, std::optional<double> timeout) {
            auto o = request_options(timeout, nullptr);
            return released_json([&] { return mcp::to_json(c.list_resource_templates(cursor, o)); });
          },
          "cursor"_a = "", "timeout"_a = nb::none())
      .def(
          "read_resource",
          [](Client& c, const std::string& uri, std::optional<double> timeout) {
            auto o = request_options(timeout, nullptr);
            return released_json([&] { return mcp::to_json(c.read_resource(uri, o)); });
          },
          "uri"_a, "timeout"_a = nb::none(), "resources/read: {contents: [{uri, mimeType?, text | blob}]}.")
      .def(
          "list_prompts",
          [](Client& c, const std::string& cursor, std::optional<double> timeout) {
            auto o = request_options(timeout, nullptr);
            return released_json([&] { return mcp::to_json(c.list_prompts(cursor, o)); });
          },
          "cursor"_a = "", "timeout"_a = nb::none())
      .def(
          "get_prompt",
          [](Client& c, const std::string& name, nb::handle arguments, std::optional<double> timeout) {
            alith::Json args = arguments.is_none() ? alith::Json::object() : from_python(arguments);
            auto o = request_options(timeout, nullptr);
            return released_json([&] { return mcp::to_json(c.get_prompt(name, args, o)); });
          },
          "name"_a, "arguments"_a = nb::none(), "timeout"_a = nb::none())
      .def(
          "on_notification",
          [](Client& c, const std::string& method, nb::handle fn) {
            PyObjectRef ref(fn);
            c.on_notification(method, [ref](const alith::Json& params) {
              nb::gil_scoped_acquire gil;
              try {
                ref.get()(to_python(params));
              } catch (nb::python_error& e) {
                // The reader thread must go on: report the handler's failure the way Python reports
                // exceptions nobody can catch.
                e.discard_as_unraisable("MCP notification handler");
              }
            });
          },
          "method"_a, "handler"_a,
          "handler(params: dict) runs on the connection's reader thread: keep it quick, do not call the "
          "client.")
      .def("close",
           [](Client& c) {
             nb::gil_scoped_release release;
             c.close();
           })
      .def("__repr__", [](const Client& c) {
        return std::string("<McpClient ") + (c.connected() ? "connected>" : "closed>");
      });

  m.def(
      "mcp_connect_stdio",
      [](const std::string& command, std::vector<std::string> args,
         std::vector<std::pair<std::string, std::string>> env, const std::string& cwd,
         const std::string& stderr_log, std::optional<double> request_timeout,
         const std::string& client_name) {
        mcp::StdioOptions o;
        o.command = command;
        o.args = std::move(args);
        o.env = std::move(env);
        o.cwd = cwd;
        o.stderr_log = stderr_log;
        return connect(std::make_unique<mcp::StdioTransport>(std::move(o)),
                       client_options(request_timeout, client_name));
      },
      "command"_a, "args"_a = std::vector<std::string>{},
      "env"_a = std::vector<std::pair<std::string, std::string>>{}, "cwd"_a = "", "stderr_log"_a = "",
      "request_timeout"_a = nb::none(), "client_name"_a = "");

  m.def(
      "mcp_connect_http",
      [](const std::string& url, std::vector<std::pair<std::string, std::string>> headers,
         std::optional<double> request_timeout, const std::string& client_name) {
        mcp::HttpTransportOptions o;
        o.url = url;
        for (auto& [k, v] : headers) o.headers.emplace_back(k, v);
        return connect(std::make_unique<mcp::StreamableHttpTransport>(std::move(o)),
                       client_options(request_timeout, client_name));
      },
      "url"_a, "headers"_a = std::vector<std::pair<std::string, std::string>>{},
      "request_timeout"_a = nb::none(), "client_name"_a = "");

  m.def(
      "mcp_tools",
      [](std::shared_ptr<Client> client, const std::string& prefix, std::optional<double> timeout) {
        mcp::BridgeOptions o;
        o.name_prefix = prefix;
        if (timeout) o.timeout = seconds_to_ms(*timeout);
        nb::gil_scoped_release release;
        return mcp::mcp_tools(client, o);
      },
      "client"_a, "prefix"_a = "", "timeout"_a = nb::none(),
      "The server's tools as alith Tools for an Agent.");

  m.def(
      "mcp_tool_result_to_json",
      [](nb::handle result) {
        auto parsed = mcp::parse<mcp::CallToolResult>(from_python(result));
        return to_python(mcp::tool_result_to_json(parsed.value()));
      },
      "result"_a);

  nb::class_<mcp::McpServers>(m, "McpServers", "Every server of an mcpServers config, connected.")
      .def_prop_ro("names",
                   [](const mcp::McpServers& s) {
                     std::vector<std::string> names;
                     for (const auto& [name, client] : s.clients()) names.push_back(name);
                     return names;
                   })
      .def("client", &mcp::McpServers::client, "name"_a)
      .def("tools",
           [](const mcp::McpServers& s) {
             nb::gil_scoped_release release;
             return s.tools();
           })
      .def("close", [](mcp::McpServers& s) {
        nb::gil_scoped_release release;
        s.close();
      });

  m.def(
      "mcp_servers",
      [](nb::handle config, std::optional<double> request_timeout) {
        mcp::Config parsed;
        if (nb::isinstance<nb::str>(config) || nb::isinstance<nb::dict>(config)) {
          parsed = config_from_python(config).value();
        } else {
          auto path = nb::cast<std::filesystem::path>(config);
          parsed = mcp::load_config(path);
        }
        auto options = client_options(request_timeout, "");
        nb::gil_scoped_release release;
        return std::make_shared<mcp::McpServers>(parsed, options);
      },
      "config"_a, "request_timeout"_a = nb::none(),
      "config: an mcpServers dict, its JSON text, or a path (pathlib.Path) to a config file.");

  m.def(
      "mcp_parse_config",
      [](nb::handle config) {
        mcp::Config parsed = config_from_python(config).value();
        nb::list out;
        for (const auto& s : parsed.servers) {
          nb::dict d;
          d["name"] = s.name;
          d["kind"] = s.kind == mcp::ServerConfig::Kind::stdio ? "stdio" : "http";
          d["command"] = s.command;
          d["args"] = nb::cast(s.args);
          d["cwd"] = s.cwd;
          d["url"] = s.url;
          out.append(d);
        }
        return out;
      },
      "config"_a, "The servers of a config (env and header values left out: they may be secrets).");

  bind_mcp_server(m);
}
