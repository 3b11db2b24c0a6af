// An MCP server from Python: alith Tools (Python functions made into tools by the Python layer, agents as
// tools, MCP tools of another server...) plus optional resources and prompts backed by Python objects,
// served over stdio or Streamable HTTP. Serving runs with the GIL released; tools take it when they run.

#include <nanobind/nanobind.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alith/mcp/server.h"
#include "convert.h"
#include "gil.h"
#include "mods_bindings.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace mcp = alith::mcp;

namespace alith_py {
namespace {

// Resources from a Python object with list() -> [dict], read(uri) -> [contents dict] and optionally
// templates() -> [dict]. A KeyError or LookupError from read means an unknown uri.
class PyResources final : public mcp::ResourceProvider {
 public:
  explicit PyResources(nb::handle object) : object_(object) {}
  alith::Json list() override {
    nb::gil_scoped_acquire gil;
    return from_python(object_.get().attr("list")());
  }
  alith::Json templates() override {
    nb::gil_scoped_acquire gil;
    if (!nb::hasattr(object_.get(), "templates")) return alith::Json::array();
    return from_python(object_.get().attr("templates")());
  }
  alith::Json read(const std::string& uri) override {
    nb::gil_scoped_acquire gil;
    try {
      return from_python(object_.get().attr("read")(uri));
    } catch (nb::python_error& e) {
      if (e.matches(PyExc_LookupError)) throw alith::InvalidArgumentError("unknown resource: " + uri);
      throw alith::IoError(std::string("resource read failed: ") + e.what());
    }
  }

 private:
  PyObjectRef object_;
};

// Prompts from a Python object with list() -> [dict] and get(name, arguments) -> GetPromptResult dict.
class PyPrompts final : public mcp::PromptProvider {
 public:
  explicit PyPrompts(nb::handle object) : object_(object) {}
  alith::Json list() override {
    nb::gil_scoped_acquire gil;
    return from_python(object_.get().attr("list")());
  }
  alith::Json get(const std::string& name, const alith::Json& arguments) override {
    nb::gil_scoped_acquire gil;
    try {
      return from_python(object_.get().attr("get")(name, to_python(arguments)));
    } catch (nb::python_error& e) {
      if (e.matches(PyExc_LookupError) || e.matches(PyExc_ValueError))
        throw alith::InvalidArgumentError(std::string("prompt: ") + e.what());
      throw alith::IoError(std::string("prompt failed: ") + e.what());
    }
  }

 private:
  PyObjectRef object_;
};

// A Server and, while it serves HTTP, its transport and thread.
struct PyServer {
  std::unique_ptr<mcp::Server> server;
  std::mutex mutex;
  std::unique_ptr<mcp::HttpTransport> http;
  std::thread http_thread;

  ~PyServer() {
    stop();
    // Tool calls still in flight on the server's pool may be waiting for the GIL: release it while the pool
    // drains.
    if (python_alive() && PyGILState_Check()) {
      nb::gil_scoped_release release;
      server.reset();
    }
  }

  void stop() {
    std::unique_ptr<mcp::HttpTransport> transport;
    std::thread thread;
    {
      std::lock_guard lock(mutex);
      transport = std::move(http);
      thread = std::move(http_thread);
    }
    if (transport) transport->stop();
    if (thread.joinable()) {
      // The transport's sessions may be running Python tools, which need the GIL to finish.
      if (python_alive() && PyGILState_Check()) {
        nb::gil_scoped_release release;
        thread.join();
      } else {
        thread.join();
      }
    }
  }
};

mcp::HttpOptions http_options(const std::string& host, int port, const std::string& path,
                              std::vector<std::string> allowed_origins) {
  mcp::HttpOptions o;
  o.host = host;
  o.port = port;
  o.path = path;
  o.allowed_origins = std::move(allowed_origins);
  return o;
}

}  // namespace

void bind_mcp_server(nb::module_& m) {
  nb::class_<PyServer>(m, "McpServer", "An MCP server exposing alith tools (and resources and prompts).")
      .def(
          "__init__",
          [](PyServer* self, std::vector<std::shared_ptr<alith::agent::Tool>> tools, const std::string& name,
             const std::string& version, const std::string& instructions, size_t threads,
             nb::handle resources, nb::handle prompts) {
            mcp::ServerOptions o;
            o.name = name;
            o.version = version;
            o.instructions = instructions;
            o.threads = threads;
            new (self) PyServer();
            self->server = std::make_unique<mcp::Server>(std::move(tools), o);
            if (resources.is_valid() && !resources.is_none())
              self->server->set_resources(std::make_shared<PyResources>(resources));
            if (prompts.is_valid() && !prompts.is_none())
              self->server->set_prompts(std::make_shared<PyPrompts>(prompts));
          },
          "tools"_a, "name"_a = "alith", "version"_a = "0", "instructions"_a = "", "threads"_a = 4,
          "resources"_a = nb::none(), "prompts"_a = nb::none())
      .def_prop_ro("tool_names",
                   [](const PyServer& s) {
                     std::vector<std::string> names;
                     for (const auto& t : s.server->tools()) names.push_back(t->spec().name);
                     return names;
                   })
      .def(
          "serve_stdio",
          [](PyServer& s) {
            nb::gil_scoped_release release;
            mcp::serve_stdio(*s.server, std::cin, std::cout);
          },
          "Serves one client on this process's stdin/stdout until stdin ends. Nothing else may write to "
          "stdout.")
      .def(
          "start_http",
          [](PyServer& s, const std::string& host, int port, const std::string& path,
             std::vector<std::string> allowed_origins) {
            std::lock_guard lock(s.mutex);
            if (s.http) throw alith::InvalidArgumentError("the server already serves HTTP");
            s.http = std::make_unique<mcp::HttpTransport>(
                *s.server, http_options(host, port, path, std::move(allowed_origins)));
            s.http_thread = std::thread([transport = s.http.get()] {
              // An exception leaving a thread would terminate the interpreter; the server just stops serving.
              try {
                transport->run();
              } catch (const std::exception&) {
              }
            });
            return s.http->port();
          },
          "host"_a = "127.0.0.1", "port"_a = 0, "path"_a = "/mcp",
          "allowed_origins"_a = std::vector<std::string>{},
          "Serves Streamable HTTP on a background thread; returns the port (a free one for port=0).")
      .def_prop_ro("port",
                   [](PyServer& s) {
                     std::lock_guard lock(s.mutex);
                     return s.http ? s.http->port() : 0;
                   })
      .def(
          "stop", [](PyServer& s) { s.stop(); }, "Stops serving HTTP (idempotent).");
}

}  // namespace alith_py
