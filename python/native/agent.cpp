// Agents, tools, memory and the extractor.

#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <utility>

#include "alith/agent/agent.h"
#include "alith/agent/builtin_tools.h"
#include "alith/agent/extractor.h"
#include "alith/agent/memory.h"
#include "alith/agent/tool.h"
#include "bindings.h"
#include "convert.h"
#include "errors.h"
#include "gil.h"
#include "options.h"
#include "stream.h"

namespace alith_py {

namespace {

namespace ag = alith::agent;
namespace llm = alith::llm;

std::string_view event_kind(ag::AgentEvent::Kind k) {
  using K = ag::AgentEvent::Kind;
  switch (k) {
    case K::text_delta:
      return "text_delta";
    case K::tool_call_started:
      return "tool_call_started";
    case K::tool_call_finished:
      return "tool_call_finished";
    case K::step_finished:
      return "step_finished";
    case K::usage:
      return "usage";
    case K::final_answer:
      return "final_answer";
  }
  return "unknown";
}

ag::RunOptions run_options(const alith::CancelToken& cancel, std::optional<double> timeout) {
  ag::RunOptions o;
  o.cancel = cancel;
  o.model_timeout = to_millis(timeout);
  return o;
}

// Hooks whose callables are Python functions, called with the GIL on the run's thread.
ag::Hooks python_hooks(nb::handle before_tool, nb::handle after_tool) {
  ag::Hooks hooks;
  if (before_tool.is_valid() && !before_tool.is_none()) {
    hooks.before_tool = [fn = PyObjectRef(before_tool)](const llm::ToolCall& call) {
      nb::gil_scoped_acquire gil;
      nb::object verdict = fn.get()(tool_call_to_python(call));
      if (verdict.is_none() || (PyBool_Check(verdict.ptr()) && verdict.ptr() == Py_True))
        return ag::ToolDecision::allow();
      if (PyUnicode_Check(verdict.ptr())) return ag::ToolDecision::veto(nb::cast<std::string>(verdict));
      return ag::ToolDecision::veto("the tool call was refused");
    };
  }
  if (after_tool.is_valid() && !after_tool.is_none()) {
    hooks.after_tool = [fn = PyObjectRef(after_tool)](const llm::ToolCall& call, ag::ToolOutcome& outcome) {
      nb::gil_scoped_acquire gil;
      nb::object replaced =
          fn.get()(tool_call_to_python(call), nb::str(outcome.content.c_str()), outcome.is_error);
      if (PyUnicode_Check(replaced.ptr())) outcome.content = nb::cast<std::string>(replaced);
    };
  }
  return hooks;
}

std::shared_ptr<ag::Memory> memory_from(nb::handle memory) {
  if (!memory.is_valid() || memory.is_none()) return nullptr;
  return nb::cast<std::shared_ptr<ag::Memory>>(memory);
}

}  // namespace

}  // namespace alith_py

void bind_agent(nb::module_& m) {
  using namespace alith_py;
  namespace ag = alith::agent;
  namespace llm = alith::llm;

  nb::class_<ag::Tool>(m, "Tool", "A tool an agent can call (native, or made from a Python function).")
      .def_prop_ro("name", [](const ag::Tool& t) { return t.spec().name; })
      .def_prop_ro("description", [](const ag::Tool& t) { return t.spec().description; })
      .def_prop_ro(
          "parameters", [](const ag::Tool& t) { return to_python(t.spec().parameters); },
          "The JSON Schema of the arguments.")
      .def(
          "invoke",
          [](ag::Tool& t, nb::handle args, const alith::CancelToken* cancel) {
            alith::Json json = from_python(args);
            ag::ToolContext context{token_or_default(cancel), "call_direct"};
            ag::ToolOutcome outcome = without_gil([&] { return ag::run_tool(t, json, context); });
            nb::dict d;
            d["content"] = nb::str(outcome.content.c_str());
            d["is_error"] = outcome.is_error;
            return d;
          },
          nb::arg("arguments"), nb::kw_only(), nb::arg("cancel") = nb::none(),
          "Runs the tool as an agent would (arguments validated): {'content': str, 'is_error': bool}.")
      .def("__repr__", [](const ag::Tool& t) { return "Tool('" + t.spec().name + "')"; });

  m.def(
      "make_tool",
      [](std::string name, std::string description, nb::handle schema, nb::object fn) {
        return make_python_tool(std::move(name), std::move(description), from_python(schema), std::move(fn));
      },
      nb::arg("name"), nb::arg("description"), nb::arg("schema"), nb::arg("fn"),
      "A tool whose handler is fn(args: dict) -> str | JSON value.");
  m.def(
      "builtin_tool",
      [](const std::string& name, bool allow_network, std::string sandbox_dir) {
        ag::BuiltinToolOptions o;
        o.allow_network = allow_network;
        o.sandbox_dir = std::move(sandbox_dir);
        return ag::builtin_tool(name, o);
      },
      nb::arg("name"), nb::kw_only(), nb::arg("allow_network") = false, nb::arg("sandbox_dir") = "",
      "One of alith's built-in tools (calculator, current_time, http_get, read_file...).");
  m.def("builtin_tool_names", &ag::builtin_tool_names);

  nb::class_<ag::Memory>(m, "Memory", "Conversation memory an agent puts before each prompt. Thread-safe.")
      .def("messages", [](const ag::Memory& mem) { return messages_to_python(mem.messages()); })
      .def("append", [](ag::Memory& mem, nb::handle message) { mem.append(message_from_python(message)); })
      .def("clear", &ag::Memory::clear)
      .def("__len__", [](const ag::Memory& mem) { return mem.messages().size(); });
  nb::class_<ag::BufferMemory, ag::Memory>(m, "BufferMemory", "Keeps every message.").def(nb::init<>());
  nb::class_<ag::WindowMemory, ag::Memory>(m, "WindowMemory", "Keeps the last max_messages, in whole turns.")
      .def(nb::init<size_t>(), nb::arg("max_messages"));
  nb::class_<ag::TokenWindowMemory, ag::Memory>(
      m, "TokenWindowMemory", "Keeps the recent messages that fit in max_tokens (estimated).")
      .def(
          "__init__",
          [](ag::TokenWindowMemory* self, size_t max_tokens) {
            new (self) ag::TokenWindowMemory(max_tokens);
          },
          nb::arg("max_tokens"))
      .def_prop_ro("tokens", &ag::TokenWindowMemory::tokens);

  nb::class_<ag::AgentEvent>(m, "AgentEvent", "Progress of a streamed run.")
      .def_prop_ro("kind", [](const ag::AgentEvent& e) { return std::string(event_kind(e.kind)); })
      .def_ro("step", &ag::AgentEvent::step)
      .def_ro("text", &ag::AgentEvent::text)
      .def_prop_ro("tool_call",
                   [](const ag::AgentEvent& e) -> nb::object {
                     if (e.tool_call.name.empty()) return nb::none();
                     return tool_call_to_python(e.tool_call);
                   })
      .def_ro("is_error", &ag::AgentEvent::is_error)
      .def_prop_ro("usage", [](const ag::AgentEvent& e) { return usage_to_python(e.usage); })
      .def("__repr__", [](const ag::AgentEvent& e) {
        return "AgentEvent(kind='" + std::string(event_kind(e.kind)) + "', step=" + std::to_string(e.step) +
               ", text=" + alith::dump_json(alith::Json(e.text)) + ")";
      });

  nb::class_<ag::RunResult>(m, "RunResult", "What a run produced.")
      .def_ro("answer", &ag::RunResult::answer)
      .def_prop_ro("transcript", [](const ag::RunResult& r) { return messages_to_python(r.transcript); })
      .def_prop_ro("usage", [](const ag::RunResult& r) { return usage_to_python(r.usage); })
      .def_ro("steps", &ag::RunResult::steps)
      .def("__repr__", [](const ag::RunResult& r) {
        return "RunResult(answer=" + alith::dump_json(alith::Json(r.answer)) +
               ", steps=" + std::to_string(r.steps) + ")";
      });

  nb::class_<ag::Agent>(m, "Agent", "The native agent (alith.Agent wraps it as ._native).")
      .def_prop_ro("name", &ag::Agent::name)
      .def_prop_ro("tool_specs",
                   [](const ag::Agent& a) {
                     nb::list out;
                     for (const auto& s : a.tool_specs()) {
                       nb::dict d;
                       d["name"] = nb::str(s.name.c_str());
                       d["description"] = nb::str(s.description.c_str());
                       d["parameters"] = to_python(s.parameters);
                       out.append(d);
                     }
                     return out;
                   })
      .def_prop_ro("memory", &ag::Agent::memory)
      .def(
          "prompt",
          [](ag::Agent& a, std::string text, const alith::CancelToken* cancel,
             std::optional<double> timeout) {
            auto options = run_options(token_or_default(cancel), timeout);
            nb::gil_scoped_release release;
            return a.prompt(std::move(text), options);
          },
          nb::arg("text"), nb::kw_only(), nb::arg("cancel") = nb::none(), nb::arg("timeout") = nb::none())
      .def(
          "run",
          [](ag::Agent& a, std::string text, const alith::CancelToken* cancel,
             std::optional<double> timeout) {
            auto options = run_options(token_or_default(cancel), timeout);
            nb::gil_scoped_release release;
            return a.run(std::move(text), options);
          },
          nb::arg("text"), nb::kw_only(), nb::arg("cancel") = nb::none(), nb::arg("timeout") = nb::none())
      .def(
          "start",
          [](std::shared_ptr<ag::Agent> a, std::string text, bool events, const alith::CancelToken* cancel,
             std::optional<double> timeout, nb::object on_done) {
            alith::CancelToken token = cancel ? *cancel : alith::CancelToken::create();
            auto options = run_options(token, timeout);
            Work work = [a, text = std::move(text), options, events](const Emit& emit) -> Item {
              ag::RunResult result;
              if (events) {
                result = a->stream(
                    text, [&](const ag::AgentEvent& e) { emit([e]() { return nb::cast(e); }); }, options);
              } else {
                result = a->run(text, options);
              }
              return [r = std::move(result)]() { return nb::cast(r); };
            };
            return new NativeStream(std::move(work), token, on_done);
          },
          nb::arg("text"), nb::kw_only(), nb::arg("events") = true, nb::arg("cancel") = nb::none(),
          nb::arg("timeout") = nb::none(), nb::arg("on_done") = nb::none(), nb::rv_policy::take_ownership,
          "Runs on a native thread: a NativeStream of AgentEvent (events=True) whose result() is the "
          "RunResult; "
          "on_done() is called (with the GIL, on that thread) when it has finished.");

  m.def(
      "build_agent",
      [](std::shared_ptr<llm::ChatModel> model, std::vector<std::shared_ptr<ag::Tool>> tools,
         std::string preamble, std::string name, nb::handle memory, int max_steps,
         std::optional<std::string> tool_choice, nb::handle sampling, std::optional<int> max_tokens,
         nb::handle before_tool, nb::handle after_tool, size_t tool_threads, bool answer_on_last_step) {
        ag::AgentBuilder b;
        b.model(std::move(model)).tools(tools).preamble(std::move(preamble)).name(std::move(name));
        b.max_steps(max_steps).tool_threads(tool_threads);
        if (auto mem = memory_from(memory)) b.memory(std::move(mem));
        if (tool_choice) b.tool_choice(tool_choice_from_string(*tool_choice));
        b.sampling(sampling_from_python(sampling));
        if (max_tokens) b.max_tokens(*max_tokens);
        if ((before_tool.is_valid() && !before_tool.is_none()) ||
            (after_tool.is_valid() && !after_tool.is_none()))
          b.hooks(python_hooks(before_tool, after_tool));
        if (answer_on_last_step) b.hooks(ag::answer_on_last_step(max_steps));
        return b.build();
      },
      nb::arg("model"), nb::arg("tools"), nb::kw_only(), nb::arg("preamble") = "", nb::arg("name") = "agent",
      nb::arg("memory") = nb::none(), nb::arg("max_steps") = 10, nb::arg("tool_choice") = nb::none(),
      nb::arg("sampling") = nb::none(), nb::arg("max_tokens") = nb::none(),
      nb::arg("before_tool") = nb::none(), nb::arg("after_tool") = nb::none(), nb::arg("tool_threads") = 4,
      nb::arg("answer_on_last_step") = false);

  nb::class_<ag::Extractor>(m, "NativeExtractor",
                            "Structured extraction against a JSON Schema (dict in, dict out).")
      .def(
          "__init__",
          [](ag::Extractor* self, std::shared_ptr<llm::ChatModel> model, nb::handle schema, std::string mode,
             std::string instructions, int repair_attempts, std::optional<int> max_tokens,
             nb::handle sampling) {
            ag::ExtractOptions o;
            using M = ag::ExtractOptions::Mode;
            if (mode == "auto" || mode.empty())
              o.mode = M::automatic;
            else if (mode == "response_format")
              o.mode = M::response_format;
            else if (mode == "tool_call")
              o.mode = M::tool_call;
            else if (mode == "prompt")
              o.mode = M::prompt;
            else
              throw alith::InvalidArgumentError("mode must be auto, response_format, tool_call or prompt");
            o.instructions = std::move(instructions);
            o.repair_attempts = repair_attempts;
            o.max_tokens = max_tokens;
            o.sampling = sampling_from_python(sampling);
            new (self) ag::Extractor(std::move(model), from_python(schema), std::move(o));
          },
          nb::arg("model"), nb::arg("schema"), nb::kw_only(), nb::arg("mode") = "auto",
          nb::arg("instructions") = "", nb::arg("repair_attempts") = 1, nb::arg("max_tokens") = nb::none(),
          nb::arg("sampling") = nb::none())
      .def(
          "extract",
          [](const ag::Extractor& e, const std::string& text, const alith::CancelToken* cancel) {
            alith::Json value;
            alith::CancelToken token = token_or_default(cancel);
            {
              nb::gil_scoped_release release;
              value = e.extract(text, token);
            }
            return to_python(value);
          },
          nb::arg("text"), nb::kw_only(), nb::arg("cancel") = nb::none())
      .def_prop_ro("schema", [](const ag::Extractor& e) { return to_python(e.schema()); });
}
