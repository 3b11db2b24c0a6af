// Models: ChatModel / EmbeddingModel handles, the providers' constructors, the registry, ScriptedModel and
// CancelToken.

#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/vector.h>

#include <utility>

#include "alith/core/config.h"
#include "alith/inference/local_model.h"
#include "alith/llm/anthropic.h"
#include "alith/llm/openai.h"
#include "alith/llm/registry.h"
#include "alith/llm/scripted_model.h"
#include "bindings.h"
#include "convert.h"
#include "options.h"
#include "stream.h"

namespace alith_py {

alith::llm::Sampling sampling_from_python(nb::handle dict) {
  alith::llm::Sampling s;
  if (!dict.is_valid() || dict.is_none()) return s;
  alith::Json j = from_python(dict);
  auto num = [&](const char* key) -> std::optional<double> {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    return it->get<double>();
  };
  s.temperature = num("temperature");
  s.top_p = num("top_p");
  if (auto v = num("top_k")) s.top_k = static_cast<int>(*v);
  s.min_p = num("min_p");
  s.presence_penalty = num("presence_penalty");
  s.frequency_penalty = num("frequency_penalty");
  s.repeat_penalty = num("repeat_penalty");
  if (auto v = num("seed")) s.seed = static_cast<int64_t>(*v);
  return s;
}

alith::llm::ToolChoice tool_choice_from_string(const std::string& choice) {
  using TC = alith::llm::ToolChoice;
  if (choice.empty() || choice == "auto") return TC::automatic_choice();
  if (choice == "none") return TC::none_choice();
  if (choice == "required") return TC::required_choice();
  return TC::named(choice);
}

namespace {

using alith::llm::ChatModel;
using alith::llm::ChatRequest;
using alith::llm::ChatResponse;
using alith::llm::StreamEvent;

std::string_view stream_kind(StreamEvent::Kind k) {
  switch (k) {
    case StreamEvent::Kind::text_delta:
      return "text_delta";
    case StreamEvent::Kind::tool_call_start:
      return "tool_call_start";
    case StreamEvent::Kind::tool_call_delta:
      return "tool_call_delta";
    case StreamEvent::Kind::usage:
      return "usage";
  }
  return "unknown";
}

ChatRequest make_request(nb::handle messages, nb::handle tools, const std::string& tool_choice,
                         nb::handle sampling, std::optional<int> max_tokens, nb::handle response_schema) {
  ChatRequest r;
  r.messages = messages_from_python(messages);
  if (tools.is_valid() && !tools.is_none()) {
    for (nb::handle t : tools) {
      if (nb::isinstance<alith::agent::Tool>(t)) {
        r.tools.push_back(nb::cast<alith::agent::Tool&>(t).spec());
      } else {
        alith::Json j = from_python(t);
        alith::llm::ToolSpec spec;
        spec.name = j.value("name", "");
        spec.description = j.value("description", "");
        if (j.contains("parameters")) spec.parameters = j["parameters"];
        r.tools.push_back(std::move(spec));
      }
    }
  }
  r.tool_choice = tool_choice_from_string(tool_choice);
  r.sampling = sampling_from_python(sampling);
  r.max_tokens = max_tokens;
  if (response_schema.is_valid() && !response_schema.is_none()) {
    r.response_format.kind = alith::llm::ResponseFormat::Kind::json_schema;
    r.response_format.schema = from_python(response_schema);
    r.response_format.strict = false;
  }
  return r;
}

alith::llm::CallOptions call_options(const alith::CancelToken* cancel, std::optional<double> timeout) {
  return alith::llm::CallOptions{token_or_default(cancel), to_millis(timeout)};
}

void push_replies(alith::llm::ScriptedModel* model, nb::handle replies) {
  if (!replies.is_valid() || replies.is_none()) return;
  for (nb::handle r : replies) {
    if (PyUnicode_Check(r.ptr())) {
      model->push(alith::llm::ScriptedModel::text(nb::cast<std::string>(r)));
    } else {
      alith::Json j = from_python(r);
      if (j.contains("tool_calls")) {
        std::vector<alith::llm::ToolCall> calls;
        for (const auto& c : j["tool_calls"]) {
          alith::llm::ToolCall call;
          call.id = c.value("id", "");
          call.name = c.value("name", "");
          call.arguments = c.value("arguments", alith::Json::object());
          calls.push_back(std::move(call));
        }
        model->push(alith::llm::ScriptedModel::tool_calls(std::move(calls)));
      } else if (j.contains("tool")) {
        model->push(alith::llm::ScriptedModel::tool_call(j["tool"].get<std::string>(),
                                                         j.value("arguments", alith::Json::object())));
      } else {
        model->push(alith::llm::ScriptedModel::text(j.value("text", "")));
      }
    }
  }
}

}  // namespace

}  // namespace alith_py

void bind_llm(nb::module_& m) {
  using namespace alith_py;
  namespace llm = alith::llm;
  bind_stream(m);

  nb::class_<alith::CancelToken>(
      m, "CancelToken", "Cooperative cancellation: pass as cancel= to any call; cancel() from any thread.")
      .def("__init__",
           [](alith::CancelToken* t) { new (t) alith::CancelToken(alith::CancelToken::create()); })
      .def("cancel", &alith::CancelToken::cancel)
      .def_prop_ro("cancelled", &alith::CancelToken::cancelled);

  nb::class_<llm::Usage>(m, "Usage")
      .def_ro("prompt_tokens", &llm::Usage::prompt_tokens)
      .def_ro("completion_tokens", &llm::Usage::completion_tokens)
      .def_ro("total_tokens", &llm::Usage::total_tokens)
      .def("to_dict", [](const llm::Usage& u) { return usage_to_python(u); });

  nb::class_<llm::StreamEvent>(m, "StreamEvent", "One streamed piece of a model's reply.")
      .def_prop_ro("kind", [](const llm::StreamEvent& e) { return std::string(stream_kind(e.kind)); })
      .def_ro("text", &llm::StreamEvent::text)
      .def_ro("index", &llm::StreamEvent::index)
      .def_ro("id", &llm::StreamEvent::id)
      .def_ro("name", &llm::StreamEvent::name)
      .def_prop_ro("usage", [](const llm::StreamEvent& e) { return usage_to_python(e.usage); })
      .def("__repr__", [](const llm::StreamEvent& e) {
        return "StreamEvent(kind='" + std::string(stream_kind(e.kind)) +
               "', text=" + alith::dump_json(alith::Json(e.text)) + ")";
      });

  nb::class_<llm::ChatResponse>(m, "ChatResponse", "A model's whole reply.")
      .def_prop_ro("text", [](const llm::ChatResponse& r) { return r.message.text(); })
      .def_prop_ro("message", [](const llm::ChatResponse& r) { return message_to_python(r.message); })
      .def_prop_ro("tool_calls",
                   [](const llm::ChatResponse& r) {
                     nb::list out;
                     for (const auto& c : r.message.tool_calls) out.append(tool_call_to_python(c));
                     return out;
                   })
      .def_prop_ro("finish_reason",
                   [](const llm::ChatResponse& r) { return std::string(to_string(r.finish_reason)); })
      .def_prop_ro("usage", [](const llm::ChatResponse& r) { return usage_to_python(r.usage); })
      .def_ro("model", &llm::ChatResponse::model)
      .def_ro("id", &llm::ChatResponse::id)
      .def("__repr__", [](const llm::ChatResponse& r) {
        return "ChatResponse(text=" + alith::dump_json(alith::Json(r.message.text())) + ", finish_reason='" +
               std::string(to_string(r.finish_reason)) + "')";
      });

  nb::class_<llm::ChatModel>(m, "ChatModel", "A chat model (hosted, local or scripted). Thread-safe.")
      .def_prop_ro("id", &llm::ChatModel::id)
      .def(
          "complete",
          [](llm::ChatModel& model, nb::handle messages, nb::handle tools, const std::string& tool_choice,
             nb::handle sampling, std::optional<int> max_tokens, nb::handle response_schema,
             const alith::CancelToken* cancel, std::optional<double> timeout) {
            ChatRequest request =
                make_request(messages, tools, tool_choice, sampling, max_tokens, response_schema);
            auto options = call_options(cancel, timeout);
            nb::gil_scoped_release release;
            return model.complete(request, options);
          },
          nb::arg("messages"), nb::kw_only(), nb::arg("tools") = nb::none(), nb::arg("tool_choice") = "auto",
          nb::arg("sampling") = nb::none(), nb::arg("max_tokens") = nb::none(),
          nb::arg("response_schema") = nb::none(), nb::arg("cancel") = nb::none(),
          nb::arg("timeout") = nb::none(),
          nb::sig("def complete(self, messages: str | dict[str, typing.Any] | list[str | dict[str, "
                  "typing.Any]], *, "
                  "tools: list[Tool | dict[str, typing.Any]] | None = None, tool_choice: str = 'auto', "
                  "sampling: dict[str, float | int] | None = None, max_tokens: int | None = None, "
                  "response_schema: dict[str, typing.Any] | None = None, cancel: CancelToken | None = None, "
                  "timeout: float | None = None) -> ChatResponse"),
          "The whole reply to messages (a str, a message dict or a list of them).")
      .def(
          "stream",
          [](std::shared_ptr<llm::ChatModel> model, nb::handle messages, nb::handle tools,
             const std::string& tool_choice, nb::handle sampling, std::optional<int> max_tokens,
             const alith::CancelToken* cancel, std::optional<double> timeout) {
            ChatRequest request =
                make_request(messages, tools, tool_choice, sampling, max_tokens, nb::none());
            alith::CancelToken token = cancel ? *cancel : alith::CancelToken::create();
            auto options = call_options(&token, timeout);
            Work work = [model, request = std::move(request), options](const Emit& emit) -> Item {
              auto response = model->stream(
                  request, [&](const llm::StreamEvent& e) { emit([e]() { return nb::cast(e); }); }, options);
              return [r = std::move(response)]() { return nb::cast(r); };
            };
            return new NativeStream(std::move(work), token, nb::none());
          },
          nb::arg("messages"), nb::kw_only(), nb::arg("tools") = nb::none(), nb::arg("tool_choice") = "auto",
          nb::arg("sampling") = nb::none(), nb::arg("max_tokens") = nb::none(),
          nb::arg("cancel") = nb::none(), nb::arg("timeout") = nb::none(), nb::rv_policy::take_ownership,
          nb::sig("def stream(self, messages: str | dict[str, typing.Any] | list[str | dict[str, "
                  "typing.Any]], *, "
                  "tools: list[Tool | dict[str, typing.Any]] | None = None, tool_choice: str = 'auto', "
                  "sampling: dict[str, float | int] | None = None, max_tokens: int | None = None, "
                  "cancel: CancelToken | None = None, timeout: float | None = None) -> NativeStream"),
          "Streams the reply: iterate StreamEvent objects; .result() is the ChatResponse.")
      .def("__repr__", [](const llm::ChatModel& model) { return "ChatModel('" + model.id() + "')"; });

  nb::class_<llm::ScriptedModel, llm::ChatModel>(
      m, "ScriptedModel",
      "A model answering from a script (tests, overhead benchmarks): replies are served in order, then it "
      "echoes "
      "the last user message. A reply is a str (text) or {'tool': name, 'arguments': {...}} or "
      "{'tool_calls': [{'name', 'arguments'}, ...]}.")
      .def(
          "__init__",
          [](llm::ScriptedModel* self, nb::handle replies) {
            new (self) llm::ScriptedModel();
            push_replies(self, replies);
          },
          nb::arg("replies") = nb::none())
      .def("push_text",
           [](llm::ScriptedModel& s, std::string text) { s.push(llm::ScriptedModel::text(std::move(text))); })
      .def(
          "push_tool_call",
          [](llm::ScriptedModel& s, std::string name, nb::handle args) {
            s.push(llm::ScriptedModel::tool_call(std::move(name),
                                                 args.is_none() ? alith::Json::object() : from_python(args)));
          },
          nb::arg("name"), nb::arg("arguments") = nb::none())
      .def("push_tool_calls",
           [](llm::ScriptedModel& s, nb::handle calls) {
             std::vector<llm::ToolCall> out;
             for (nb::handle c : calls) {
               alith::Json j = from_python(c);
               llm::ToolCall call;
               call.name = j.value("name", "");
               call.arguments = j.value("arguments", alith::Json::object());
               out.push_back(std::move(call));
             }
             s.push(llm::ScriptedModel::tool_calls(std::move(out)));
           })
      .def_prop_ro("calls", &llm::ScriptedModel::calls)
      .def_prop_ro("remaining", &llm::ScriptedModel::remaining);

  nb::class_<llm::OpenAIChatModel, llm::ChatModel>(
      m, "OpenAIModel", "Any OpenAI-compatible server (OpenAI, llama-server, vLLM...).")
      .def(
          "__init__",
          [](llm::OpenAIChatModel* self, std::string model, std::string base_url,
             std::optional<std::string> api_key, std::string provider, std::optional<double> timeout) {
            llm::OpenAIOptions o;
            o.model = std::move(model);
            o.base_url = std::move(base_url);
            if (api_key) {
              o.api_key = *api_key;
            } else if (o.base_url.find("api.openai.com") != std::string::npos) {
              if (const char* k = std::getenv("OPENAI_API_KEY")) o.api_key = k;
            }
            o.provider = std::move(provider);
            if (timeout) o.http.timeout = *to_millis(timeout);
            new (self) llm::OpenAIChatModel(std::move(o));
          },
          nb::kw_only(), nb::arg("model") = "", nb::arg("base_url") = "https://api.openai.com/v1",
          nb::arg("api_key") = nb::none(), nb::arg("provider") = "openai", nb::arg("timeout") = nb::none());

  nb::class_<llm::AnthropicChatModel, llm::ChatModel>(m, "AnthropicModel", "The Anthropic Messages API.")
      .def(
          "__init__",
          [](llm::AnthropicChatModel* self, std::string model, std::string base_url,
             std::optional<std::string> api_key, int max_tokens) {
            llm::AnthropicOptions o;
            o.model = std::move(model);
            o.base_url = std::move(base_url);
            if (api_key) {
              o.api_key = *api_key;
            } else if (const char* k = std::getenv("ANTHROPIC_API_KEY")) {
              o.api_key = k;
            }
            o.default_max_tokens = max_tokens;
            new (self) llm::AnthropicChatModel(std::move(o));
          },
          nb::kw_only(), nb::arg("model") = "claude-sonnet-4-5",
          nb::arg("base_url") = "https://api.anthropic.com", nb::arg("api_key") = nb::none(),
          nb::arg("max_tokens") = 4096);

  nb::class_<alith::inference::LocalChatModel, llm::ChatModel>(
      m, "LocalModel",
      "A GGUF model run in-process by llama.cpp: a catalog name (gemma3-270m) or a .gguf path.")
      .def(nb::new_([](std::string name_or_path, int sequences, int context, int threads, int max_tokens,
                       std::optional<double> temperature) {
             alith::inference::LocalModelOptions o;
             o.engine.sequences = sequences;
             o.engine.context_per_sequence = context;
             o.engine.threads = threads;
             o.default_max_tokens = max_tokens;
             if (temperature) o.sampling.temperature = static_cast<float>(*temperature);
             nb::gil_scoped_release release;
             return alith::inference::LocalChatModel::open(name_or_path, o);
           }),
           nb::arg("name_or_path"), nb::kw_only(), nb::arg("sequences") = 4, nb::arg("context") = 0,
           nb::arg("threads") = 0, nb::arg("max_tokens") = 512, nb::arg("temperature") = nb::none());

  nb::class_<llm::EmbeddingModel>(m, "EmbeddingModel", "Text embeddings (hosted or local). Thread-safe.")
      .def_prop_ro("id", &llm::EmbeddingModel::id)
      .def(
          "embed",
          [](llm::EmbeddingModel& model, std::vector<std::string> texts, const alith::CancelToken* cancel) {
            llm::CallOptions o{token_or_default(cancel), std::nullopt};
            nb::gil_scoped_release release;
            return model.embed(texts, o);
          },
          nb::arg("texts"), nb::kw_only(), nb::arg("cancel") = nb::none(), "One vector per text, in order.")
      .def("count_tokens", &llm::EmbeddingModel::count_tokens)
      .def_prop_ro("max_input_tokens", &llm::EmbeddingModel::max_input_tokens)
      .def("__repr__",
           [](const llm::EmbeddingModel& model) { return "EmbeddingModel('" + model.id() + "')"; });

  m.def(
      "chat_model",
      [](const std::string& ref) {
        nb::gil_scoped_release release;
        return llm::make_chat_model(ref, alith::Config::load());
      },
      nb::arg("ref"),
      "A model from a reference: openai:gpt-4o-mini, anthropic:..., local:gemma3-270m, echo:x.");
  m.def(
      "embedding_model",
      [](const std::string& ref) {
        nb::gil_scoped_release release;
        return llm::make_embedding_model(ref, alith::Config::load());
      },
      nb::arg("ref"), "An embedding model from a reference: openai:text-embedding-3-small, local:minilm.");
}
