// The flow/ module for Python: YAML workflows, agents as nodes and tools, and the multi-agent patterns. The
// graph builder and the compiled graph are in flow_graph.cpp.

#include <nanobind/nanobind.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alith/agent/agent.h"
#include "alith/agent/tool.h"
#include "alith/flow/agent_node.h"
#include "alith/flow/patterns.h"
#include "alith/flow/yaml.h"
#include "alith/llm/chat_model.h"
#include "bindings.h"
#include "convert.h"
#include "gil.h"
#include "mods_bindings.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace fl = alith::flow;

namespace alith_py {
namespace {

using AgentPtr = std::shared_ptr<alith::agent::Agent>;

// A native object, or a Python wrapper that keeps it under ._native.
template <class T>
std::shared_ptr<T> native_of(nb::handle object) {
  nb::handle h = object;
  nb::object inner;
  if (!nb::isinstance<T>(h) && nb::hasattr(h, "_native")) {
    inner = h.attr("_native");
    h = inner;
  }
  return nb::cast<std::shared_ptr<T>>(h);
}

fl::WorkflowOptions workflow_options(nb::handle model_factory, nb::handle tools, const std::string& base_dir,
                                     size_t threads) {
  fl::WorkflowOptions o;
  o.base_dir = base_dir;
  o.threads = threads;
  if (model_factory.is_valid() && !model_factory.is_none()) {
    PyObjectRef ref(model_factory);
    o.model_factory = [ref](const std::string& model_ref) {
      nb::gil_scoped_acquire gil;
      nb::object model = ref.get()(model_ref);
      return native_of<alith::llm::ChatModel>(model);
    };
  }
  if (tools.is_valid() && !tools.is_none()) {
    for (auto [name, tool] : nb::borrow<nb::dict>(tools))
      o.tools[nb::cast<std::string>(name)] = native_of<alith::agent::Tool>(tool);
  }
  return o;
}

nb::dict workflow_to_python(const fl::Workflow& w) {
  nb::dict d;
  d["name"] = w.name;
  d["graph"] = nb::cast(GraphHandle{w.graph});
  nb::list files;
  for (const auto& f : w.files) {
    nb::dict file;
    file["path"] = f.path.string();
    file["sha256"] = f.sha256;
    files.append(file);
  }
  d["files"] = files;
  d["agents"] = nb::cast(w.agents);
  return d;
}

// Agents for a pattern: each an Agent, or a tuple (name, agent[, description]).
std::vector<fl::NamedAgent> named_agents(nb::handle items) {
  std::vector<fl::NamedAgent> out;
  for (nb::handle item : items) {
    if (nb::isinstance<nb::tuple>(item) || nb::isinstance<nb::list>(item)) {
      nb::sequence seq = nb::borrow<nb::sequence>(item);
      const size_t n = nb::len(seq);
      if (n < 2 || n > 3)
        throw nb::value_error("a named agent is (name, agent) or (name, agent, description)");
      std::string description = n == 3 ? nb::cast<std::string>(seq[2]) : std::string();
      out.emplace_back(nb::cast<std::string>(seq[0]), native_of<alith::agent::Agent>(seq[1]), description);
    } else {
      out.emplace_back(native_of<alith::agent::Agent>(item));
    }
  }
  return out;
}

GraphHandle released(std::shared_ptr<const fl::Graph> graph) {
  return GraphHandle{std::move(graph)};
}

}  // namespace
}  // namespace alith_py

void bind_flow(nb::module_& m) {
  using namespace alith_py;
  bind_flow_graph(m);

  m.def(
      "flow_load_workflow",
      [](const std::filesystem::path& path, nb::handle model_factory, nb::handle tools, size_t threads) {
        auto options = workflow_options(model_factory, tools, "", threads);
        fl::Workflow w = without_gil([&] { return fl::load_workflow(path, options); });
        return workflow_to_python(w);
      },
      "path"_a, "model_factory"_a = nb::none(), "tools"_a = nb::none(), "threads"_a = 4);

  m.def(
      "flow_load_workflow_text",
      [](const std::string& text, const std::string& source_name, nb::handle model_factory, nb::handle tools,
         const std::string& base_dir, size_t threads) {
        auto options = workflow_options(model_factory, tools, base_dir, threads);
        fl::Workflow w = without_gil([&] { return fl::load_workflow_text(text, source_name, options); });
        return workflow_to_python(w);
      },
      "text"_a, "source_name"_a = "<workflow>", "model_factory"_a = nb::none(), "tools"_a = nb::none(),
      "base_dir"_a = "", "threads"_a = 4);

  m.def(
      "flow_add_agent_node",
      [](fl::GraphBuilder& b, const std::string& name, nb::handle agent, const std::string& prompt_key,
         const std::string& output_key, const std::string& messages_key, bool stream) {
        fl::AgentNodeOptions o;
        o.prompt_key = prompt_key;
        o.output_key = output_key;
        o.messages_key = messages_key;
        o.stream = stream;
        b.node(name, fl::agent_node(native_of<alith::agent::Agent>(agent), o));
      },
      "builder"_a, "name"_a, "agent"_a, "prompt_key"_a = "input", "output_key"_a = "output",
      "messages_key"_a = "", "stream"_a = true);

  m.def(
      "flow_agent_tool",
      [](nb::handle agent, const std::string& name, const std::string& description) {
        return fl::agent_tool(native_of<alith::agent::Agent>(agent), name, description);
      },
      "agent"_a, "name"_a, "description"_a);

  // ---- patterns
  m.def(
      "flow_sequential",
      [](nb::handle agents, bool stream) {
        return released(fl::sequential(named_agents(agents), {.stream = stream}));
      },
      "agents"_a, "stream"_a = true);
  m.def(
      "flow_parallel",
      [](nb::handle agents, nb::handle aggregator, bool stream) {
        auto named = named_agents(agents);
        fl::ParallelOptions options;
        options.stream = stream;
        if (nb::isinstance<alith::agent::Agent>(aggregator) || nb::hasattr(aggregator, "_native"))
          return released(
              fl::parallel(std::move(named), native_of<alith::agent::Agent>(aggregator), options));
        PyObjectRef fn(aggregator);
        fl::Aggregate aggregate = [fn](const alith::Json& answers) {
          nb::gil_scoped_acquire gil;
          return from_python(fn.get()(to_python(answers)));
        };
        return released(fl::parallel(std::move(named), aggregate, options));
      },
      "agents"_a, "aggregator"_a, "stream"_a = true, "aggregator: an Agent, or fn(answers: dict) -> output");
  m.def(
      "flow_router",
      [](nb::handle classifier, nb::handle routes, const std::string& fallback, bool stream) {
        fl::RouterOptions options;
        options.fallback = fallback;
        options.stream = stream;
        return released(
            fl::router(native_of<alith::agent::Agent>(classifier), named_agents(routes), options));
      },
      "classifier"_a, "routes"_a, "fallback"_a = "", "stream"_a = true);
  m.def(
      "flow_supervisor",
      [](nb::handle supervisor, nb::handle workers, int max_rounds, const std::string& fallback,
         bool stream) {
        fl::SupervisorOptions options;
        options.max_rounds = max_rounds;
        options.fallback = fallback;
        options.stream = stream;
        return released(
            fl::supervisor(native_of<alith::agent::Agent>(supervisor), named_agents(workers), options));
      },
      "supervisor"_a, "workers"_a, "max_rounds"_a = 5, "fallback"_a = "", "stream"_a = true);
  m.def(
      "flow_majority_vote",
      [](nb::handle agents, bool stream) {
        return released(fl::majority_vote(named_agents(agents), {}, {.stream = stream}));
      },
      "agents"_a, "stream"_a = true);
  m.def(
      "flow_debate",
      [](nb::handle debaters, nb::handle judge, int rounds, bool stream) {
        fl::DebateOptions options;
        options.stream = stream;
        return released(
            fl::debate(named_agents(debaters), native_of<alith::agent::Agent>(judge), rounds, options));
      },
      "debaters"_a, "judge"_a, "rounds"_a = 1, "stream"_a = true);
}
