// Graph workflows built in Python: the builder (Python function nodes, reducers, edges, joins, branches with
// Sends), the compiled graph (invoke / resume / fork with a checkpointer, events) and the node context
// (interrupt, emit). The engine runs with the GIL released; each Python node, router or reducer re-acquires
// it, so parallel Python nodes of one step take turns on the GIL.

#include <nanobind/nanobind.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "alith/core/cancel.h"
#include "alith/flow/checkpointer.h"
#include "alith/flow/graph.h"
#include "alith/flow/state.h"
#include "convert.h"
#include "gil.h"
#include "mods_bindings.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace fl = alith::flow;

namespace alith_py {
namespace {

// Raised in Python by NodeContext.interrupt() to unwind the node's Python frames; the C++ wrapper around
// the node then rethrows the engine's own interrupt signal. A BaseException, so `except Exception` in a
// node does not swallow it.
struct GraphInterrupt : std::exception {
  const char* what() const noexcept override { return "the node was interrupted (GraphInterrupt)"; }
};

// The NodeContext a Python node sees: valid only while its node call runs.
struct PyNodeContext {
  fl::NodeContext* ctx = nullptr;
  std::exception_ptr pending;  // the engine's interrupt signal, rethrown once the Python frames unwound

  fl::NodeContext& get() const {
    if (!ctx) throw alith::InvalidArgumentError("a NodeContext is only usable while its node runs");
    return *ctx;
  }
};

fl::NodeFn node_from_python(nb::handle fn) {
  PyObjectRef ref(fn);
  return [ref](const alith::Json& state, fl::NodeContext& context) -> alith::Json {
    nb::gil_scoped_acquire gil;
    auto py_context = std::make_shared<PyNodeContext>();
    py_context->ctx = &context;
    nb::object result;
    try {
      result = ref.get()(to_python(state), nb::cast(py_context));
    } catch (nb::python_error&) {
      py_context->ctx = nullptr;
      if (py_context->pending) std::rethrow_exception(py_context->pending);
      throw;
    }
    py_context->ctx = nullptr;
    return from_python(result);
  };
}

// What a Python router returned: a node name, a Send (an object with .node and .input), or a list of them.
void add_route_item(fl::Route& route, nb::handle item) {
  if (nb::isinstance<nb::str>(item)) {
    route.nodes.push_back(nb::cast<std::string>(item));
  } else if (nb::hasattr(item, "node") && nb::hasattr(item, "input")) {
    route.sends.push_back(
        fl::Send{nb::cast<std::string>(item.attr("node")), from_python(item.attr("input"))});
  } else {
    throw nb::type_error("a router returns a node name, a Send, or a list of them");
  }
}

fl::Router router_from_python(nb::handle fn) {
  PyObjectRef ref(fn);
  return [ref](const alith::Json& state) {
    nb::gil_scoped_acquire gil;
    nb::object result = ref.get()(to_python(state));
    fl::Route route;
    if (nb::isinstance<nb::list>(result) || nb::isinstance<nb::tuple>(result)) {
      for (nb::handle item : result) add_route_item(route, item);
    } else if (!result.is_none()) {
      add_route_item(route, result);
    }
    return route;
  };
}

fl::Reducer reducer_from_python(nb::handle reducer) {
  if (!reducer.is_valid() || reducer.is_none()) return fl::Reducer::overwrite();
  if (nb::isinstance<nb::str>(reducer)) {
    const std::string name = nb::cast<std::string>(reducer);
    if (name == "overwrite") return fl::Reducer::overwrite();
    if (name == "append") return fl::Reducer::append();
    if (name == "merge") return fl::Reducer::merge();
    throw alith::InvalidArgumentError("unknown reducer '" + name +
                                      "' (overwrite, append, merge or a function)");
  }
  PyObjectRef ref(reducer);
  std::string name =
      nb::hasattr(reducer, "__name__") ? nb::cast<std::string>(reducer.attr("__name__")) : "custom";
  return fl::Reducer::custom(name, [ref](const alith::Json& current, const alith::Json& update) {
    nb::gil_scoped_acquire gil;
    return from_python(ref.get()(to_python(current), to_python(update)));
  });
}

nb::dict event_to_python(const fl::RunEvent& e) {
  static const char* const kinds[] = {"step_started", "task_started",  "task_finished", "token",
                                      "custom",       "step_finished", "interrupted"};
  nb::dict d;
  d["kind"] = kinds[static_cast<int>(e.kind)];
  d["step"] = e.step;
  d["node"] = e.node;
  d["task_id"] = e.task_id;
  d["text"] = e.text;
  d["checkpoint_id"] = e.checkpoint_id;
  d["data"] = to_python(e.data);
  return d;
}

nb::dict outcome_to_python(const fl::RunOutcome& o) {
  nb::dict d;
  d["status"] = o.status == fl::RunOutcome::Status::done ? "done" : "interrupted";
  d["state"] = to_python(o.state);
  nb::list interrupts;
  for (const auto& i : o.interrupts) {
    nb::dict item;
    item["task_id"] = i.task_id;
    item["node"] = i.node;
    item["payload"] = to_python(i.payload);
    interrupts.append(item);
  }
  d["interrupts"] = interrupts;
  d["checkpoint_id"] = o.checkpoint_id;
  d["steps"] = o.steps;
  return d;
}

// The keyword arguments every run method takes, made into a RunConfig (with the GIL held).
fl::RunConfig run_config(const std::string& thread_id, std::shared_ptr<fl::Checkpointer> checkpointer,
                         const alith::CancelToken* cancel, nb::handle on_event, std::optional<int> max_steps,
                         nb::handle metadata, const std::string& commit) {
  fl::RunConfig c;
  c.thread_id = thread_id;
  c.checkpointer = std::move(checkpointer);
  if (cancel) c.cancel = *cancel;
  c.max_steps = max_steps;
  if (metadata.is_valid() && !metadata.is_none()) c.metadata = from_python(metadata);
  if (commit == "batched") {
    c.commit = fl::CommitMode::batched;
  } else if (commit == "sync") {
    c.commit = fl::CommitMode::sync;
  } else if (commit != "auto") {
    throw alith::InvalidArgumentError("commit must be 'auto', 'sync' or 'batched'");
  }
  if (on_event.is_valid() && !on_event.is_none()) {
    PyObjectRef ref(on_event);
    c.on_event = [ref](const fl::RunEvent& event) {
      nb::gil_scoped_acquire gil;
      ref.get()(event_to_python(event));
    };
  }
  return c;
}

template <class F>
nb::dict run_released(F&& fn) {
  fl::RunOutcome outcome = without_gil([&] { return fn(); });
  return outcome_to_python(outcome);
}

const fl::Graph& graph_of(const GraphHandle& h) {
  if (!h.graph) throw alith::InvalidArgumentError("empty graph");
  return *h.graph;
}

}  // namespace

void bind_flow_graph(nb::module_& m) {
  nb::exception<GraphInterrupt>(m, "GraphInterrupt", PyExc_BaseException);

  nb::class_<PyNodeContext>(m, "NodeContext", "What a node sees besides the state (valid while it runs).")
      .def_prop_ro("thread_id", [](const PyNodeContext& c) { return c.get().thread_id(); })
      .def_prop_ro("node", [](const PyNodeContext& c) { return c.get().node(); })
      .def_prop_ro("step", [](const PyNodeContext& c) { return c.get().step(); })
      .def_prop_ro(
          "task_id", [](const PyNodeContext& c) { return c.get().task_id(); },
          "Stable across re-runs of this task: an idempotency key.")
      .def_prop_ro("cancelled", [](const PyNodeContext& c) { return c.get().cancel().cancelled(); })
      .def(
          "interrupt",
          [](PyNodeContext& c, nb::handle payload) -> nb::object {
            alith::Json p = from_python(payload);
            try {
              return to_python(c.get().interrupt(std::move(p)));
            } catch (const alith::Error&) {
              throw;
            } catch (...) {
              c.pending = std::current_exception();
              throw GraphInterrupt{};
            }
          },
          "payload"_a,
          "Pauses the run with a payload for a human; on resume the node runs again and this returns the "
          "answer.")
      .def(
          "emit", [](PyNodeContext& c, nb::handle data) { c.get().emit(from_python(data)); }, "data"_a,
          "Streams a value to the run's events (kind 'custom').")
      .def(
          "emit_token", [](PyNodeContext& c, const std::string& text) { c.get().emit_token(text); }, "text"_a,
          "Streams a piece of text to the run's events (kind 'token').");

  nb::class_<fl::Checkpointer>(m, "Checkpointer",
                               "Durable workflow state: memory:, sqlite:, postgres://, redis://.")
      .def(
          "list",
          [](fl::Checkpointer& c, const std::string& thread_id, size_t limit) {
            std::vector<fl::Checkpoint> list = without_gil([&] { return c.list(thread_id, limit); });
            nb::list out;
            for (const auto& cp : list) out.append(to_python(fl::to_json(cp)));
            return out;
          },
          "thread_id"_a, "limit"_a = 0, "The thread's checkpoints, newest first.")
      .def(
          "get",
          [](fl::Checkpointer& c, const std::string& thread_id,
             const std::string& checkpoint_id) -> nb::object {
            std::optional<fl::Checkpoint> cp = without_gil([&] { return c.get(thread_id, checkpoint_id); });
            if (!cp) return nb::none();
            return to_python(fl::to_json(*cp));
          },
          "thread_id"_a, "checkpoint_id"_a = "")
      .def("threads",
           [](fl::Checkpointer& c) {
             nb::gil_scoped_release release;
             return c.threads();
           })
      .def(
          "delete_thread",
          [](fl::Checkpointer& c, const std::string& thread_id) {
            nb::gil_scoped_release release;
            c.delete_thread(thread_id);
          },
          "thread_id"_a);

  m.def(
      "open_checkpointer",
      [](const std::string& ref, bool power_loss) {
        fl::CheckpointerOptions options;
        options.durability = power_loss ? fl::Durability::power_loss : fl::Durability::process;
        nb::gil_scoped_release release;
        return fl::open_checkpointer(ref, options);
      },
      "ref"_a, "power_loss"_a = false);

  nb::class_<fl::StateSchema>(m, "StateSchema",
                              "The state's keys, each with a reducer, a JSON Schema and an initial value.")
      .def(nb::init<>())
      .def(
          "key",
          [](fl::StateSchema& schema, const std::string& name, nb::handle reducer, nb::handle json_schema,
             nb::handle initial) {
            std::optional<alith::Json> s;
            if (json_schema.is_valid() && !json_schema.is_none()) s = from_python(json_schema);
            alith::Json init = initial.is_valid() ? from_python(initial) : alith::Json(nullptr);
            schema.key(name, reducer_from_python(reducer), s, init);
          },
          "name"_a, "reducer"_a = nb::none(), "json_schema"_a = nb::none(), "initial"_a = nb::none(),
          "reducer: 'overwrite' | 'append' | 'merge' | fn(current, update) -> value")
      .def_prop_ro("names", [](const fl::StateSchema& schema) {
        std::vector<std::string> names;
        for (const auto& k : schema.keys()) names.push_back(k.name);
        return names;
      });

  nb::class_<fl::GraphBuilder>(m, "GraphBuilder")
      .def(nb::init<>())
      .def(
          "state", [](fl::GraphBuilder& b, const fl::StateSchema& schema) { b.state(schema); }, "schema"_a)
      .def(
          "node",
          [](fl::GraphBuilder& b, const std::string& name, nb::handle fn) {
            b.node(name, node_from_python(fn));
          },
          "name"_a, "fn"_a, "fn(state: dict, context: NodeContext) -> dict | list[dict] | None")
      .def(
          "subgraph",
          [](fl::GraphBuilder& b, const std::string& name, const GraphHandle& graph) {
            b.node(name, graph.graph);
          },
          "name"_a, "graph"_a)
      .def(
          "edge",
          [](fl::GraphBuilder& b, const std::string& from, const std::string& to) { b.edge(from, to); },
          "from_"_a, "to"_a)
      .def(
          "join",
          [](fl::GraphBuilder& b, std::vector<std::string> from, const std::string& to) {
            b.join(std::move(from), to);
          },
          "from_"_a, "to"_a)
      .def(
          "branch",
          [](fl::GraphBuilder& b, const std::string& from, nb::handle router,
             std::vector<std::string> targets) {
            b.branch(from, router_from_python(router), std::move(targets));
          },
          "from_"_a, "router"_a, "targets"_a)
      .def(
          "max_steps", [](fl::GraphBuilder& b, int steps) { b.max_steps(steps); }, "steps"_a)
      .def(
          "threads", [](fl::GraphBuilder& b, size_t threads) { b.threads(threads); }, "threads"_a)
      .def("compile", [](const fl::GraphBuilder& b) { return GraphHandle{b.compile()}; });

  nb::class_<GraphHandle>(m, "Graph", "A compiled workflow graph.")
      .def(
          "invoke",
          [](const GraphHandle& h, nb::handle input, const std::string& thread_id,
             std::shared_ptr<fl::Checkpointer> checkpointer, const alith::CancelToken* cancel,
             nb::handle on_event, std::optional<int> max_steps, nb::handle metadata,
             const std::string& commit) {
            alith::Json in = input.is_none() ? alith::Json::object() : from_python(input);
            auto config =
                run_config(thread_id, std::move(checkpointer), cancel, on_event, max_steps, metadata, commit);
            const fl::Graph& g = graph_of(h);
            return run_released([&] { return g.invoke(in, config); });
          },
          "input"_a = nb::none(), "thread_id"_a = "default", "checkpointer"_a = nb::none(),
          "cancel"_a = nb::none(), "on_event"_a = nb::none(), "max_steps"_a = nb::none(),
          "metadata"_a = nb::none(), "commit"_a = "auto")
      .def(
          "resume",
          [](const GraphHandle& h, nb::handle value, bool has_value, const std::string& thread_id,
             std::shared_ptr<fl::Checkpointer> checkpointer, const alith::CancelToken* cancel,
             nb::handle on_event, std::optional<int> max_steps, nb::handle metadata,
             const std::string& commit) {
            std::optional<alith::Json> v;
            if (has_value) v = from_python(value);
            auto config =
                run_config(thread_id, std::move(checkpointer), cancel, on_event, max_steps, metadata, commit);
            const fl::Graph& g = graph_of(h);
            return run_released([&] { return g.resume(config, v); });
          },
          "value"_a = nb::none(), "has_value"_a = false, "thread_id"_a = "default",
          "checkpointer"_a = nb::none(), "cancel"_a = nb::none(), "on_event"_a = nb::none(),
          "max_steps"_a = nb::none(), "metadata"_a = nb::none(), "commit"_a = "auto")
      .def(
          "resume_tasks",
          [](const GraphHandle& h, nb::dict values, const std::string& thread_id,
             std::shared_ptr<fl::Checkpointer> checkpointer, const alith::CancelToken* cancel,
             nb::handle on_event, std::optional<int> max_steps, nb::handle metadata,
             const std::string& commit) {
            std::map<std::string, alith::Json> by_task;
            for (auto [k, v] : values) by_task[nb::cast<std::string>(k)] = from_python(v);
            auto config =
                run_config(thread_id, std::move(checkpointer), cancel, on_event, max_steps, metadata, commit);
            const fl::Graph& g = graph_of(h);
            return run_released([&] { return g.resume_tasks(config, by_task); });
          },
          "values"_a, "thread_id"_a = "default", "checkpointer"_a = nb::none(), "cancel"_a = nb::none(),
          "on_event"_a = nb::none(), "max_steps"_a = nb::none(), "metadata"_a = nb::none(),
          "commit"_a = "auto")
      .def(
          "fork",
          [](const GraphHandle& h, const std::string& checkpoint_id, nb::handle update,
             const std::string& thread_id, std::shared_ptr<fl::Checkpointer> checkpointer,
             const alith::CancelToken* cancel, nb::handle on_event, std::optional<int> max_steps,
             nb::handle metadata, const std::string& commit) {
            alith::Json u = from_python(update);
            auto config =
                run_config(thread_id, std::move(checkpointer), cancel, on_event, max_steps, metadata, commit);
            const fl::Graph& g = graph_of(h);
            return run_released([&] { return g.fork(config, checkpoint_id, u); });
          },
          "checkpoint_id"_a, "update"_a = nb::none(), "thread_id"_a = "default",
          "checkpointer"_a = nb::none(), "cancel"_a = nb::none(), "on_event"_a = nb::none(),
          "max_steps"_a = nb::none(), "metadata"_a = nb::none(), "commit"_a = "auto")
      .def_prop_ro("nodes", [](const GraphHandle& h) { return graph_of(h).nodes(); })
      .def_prop_ro("state_keys", [](const GraphHandle& h) {
        nb::list out;
        for (const auto& k : graph_of(h).schema().keys()) {
          nb::dict d;
          d["name"] = k.name;
          d["reducer"] = k.reducer.name();
          d["schema"] = k.schema ? to_python(*k.schema) : nb::none();
          d["initial"] = to_python(k.initial);
          out.append(d);
        }
        return out;
      });
}

}  // namespace alith_py
