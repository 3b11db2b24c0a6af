// Models: hosted (OpenAI-compatible, Anthropic), local (llama.cpp in process), scripted, embeddings.
#include <chrono>
#include <memory>
#include <string>

#include "alith/inference/local_model.h"
#include "alith/llm/anthropic.h"
#include "alith/llm/openai.h"
#include "alith/llm/scripted_model.h"
#include "bindings.h"
#include "convert.h"
#include "errors.h"
#include "handles.h"
#include "messages.h"
#include "runtime.h"

namespace {

using alith::Json;

std::string StringOpt(const Napi::Object& options, const char* key, std::string fallback = {}) {
  Napi::Value v = options.Get(key);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : fallback;
}

Napi::Object OptionsArg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() > index && info[index].IsObject()) return info[index].As<Napi::Object>();
  return Napi::Object::New(info.Env());
}

alith::llm::CallOptions CallOptionsFrom(const Napi::Object& options) {
  alith::llm::CallOptions call;
  call.cancel = CancelFromJs(options.Get("signal"));
  Napi::Value timeout = options.Get("timeoutMs");
  if (timeout.IsNumber()) call.timeout = std::chrono::milliseconds(timeout.As<Napi::Number>().Int64Value());
  return call;
}

Napi::Value ChatModel(const Napi::CallbackInfo& info) {
  if (!info[0].IsString()) throw Napi::TypeError::New(info.Env(), "chatModel(ref): ref must be a string");
  return WrapChatModel(info.Env(), ChatModelFromJs(info[0]));
}

Napi::Value OpenAIModel(const Napi::CallbackInfo& info) {
  Napi::Object o = OptionsArg(info, 0);
  alith::llm::OpenAIOptions options;
  options.base_url = StringOpt(o, "baseUrl", options.base_url);
  options.api_key = StringOpt(o, "apiKey");
  options.model = StringOpt(o, "model");
  options.provider = StringOpt(o, "provider", options.provider);
  Napi::Value headers = o.Get("headers");
  if (headers.IsObject()) {
    const Json table = FromJs(headers);
    for (const auto& [k, v] : table.items()) {
      if (v.is_string()) options.extra_headers.emplace_back(k, v.get<std::string>());
    }
  }
  Napi::Value retries = o.Get("maxAttempts");
  if (retries.IsNumber()) options.retry.max_attempts = retries.As<Napi::Number>().Int32Value();
  return WrapChatModel(info.Env(), Guard(info.Env(), [&] {
                         return std::make_shared<alith::llm::OpenAIChatModel>(std::move(options));
                       }));
}

Napi::Value AnthropicModel(const Napi::CallbackInfo& info) {
  Napi::Object o = OptionsArg(info, 0);
  alith::llm::AnthropicOptions options;
  options.base_url = StringOpt(o, "baseUrl", options.base_url);
  options.api_key = StringOpt(o, "apiKey");
  options.model = StringOpt(o, "model");
  Napi::Value max_tokens = o.Get("maxTokens");
  if (max_tokens.IsNumber()) options.default_max_tokens = max_tokens.As<Napi::Number>().Int32Value();
  return WrapChatModel(info.Env(), Guard(info.Env(), [&] {
                         return std::make_shared<alith::llm::AnthropicChatModel>(std::move(options));
                       }));
}

// localModel(nameOrPath, {contextSize, sequences, threads, maxTokens}) -> Promise<handle>: loading takes a
// while.
Napi::Value LocalModel(const Napi::CallbackInfo& info) {
  if (!info[0].IsString()) throw Napi::TypeError::New(info.Env(), "localModel(name): name must be a string");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  Napi::Object o = OptionsArg(info, 1);
  alith::inference::LocalModelOptions options;
  if (o.Get("contextSize").IsNumber()) {
    options.engine.context_per_sequence = o.Get("contextSize").As<Napi::Number>().Int32Value();
  }
  if (o.Get("sequences").IsNumber())
    options.engine.sequences = o.Get("sequences").As<Napi::Number>().Int32Value();
  if (o.Get("threads").IsNumber()) options.engine.threads = o.Get("threads").As<Napi::Number>().Int32Value();
  if (o.Get("maxTokens").IsNumber())
    options.default_max_tokens = o.Get("maxTokens").As<Napi::Number>().Int32Value();
  return RunAsyncValue(info.Env(), [name, options]() -> Finisher {
    std::shared_ptr<alith::llm::ChatModel> model = alith::inference::LocalChatModel::open(name, options);
    return [model](Napi::Env env) { return WrapChatModel(env, model); };
  });
}

Napi::Value ScriptedModel(const Napi::CallbackInfo& info) {
  return WrapChatModel(info.Env(), std::make_shared<alith::llm::ScriptedModel>());
}

std::shared_ptr<alith::llm::ScriptedModel> ScriptedFrom(Napi::Value value) {
  auto scripted = std::dynamic_pointer_cast<alith::llm::ScriptedModel>(ChatModelFromJs(value));
  if (!scripted) throw Napi::TypeError::New(value.Env(), "not a ScriptedModel");
  return scripted;
}

// scriptedPush(model, {text} | {toolCalls: [{name, arguments, id?}]})
Napi::Value ScriptedPush(const Napi::CallbackInfo& info) {
  auto model = ScriptedFrom(info[0]);
  Json reply = FromJs(info[1]);
  if (auto calls = reply.find("toolCalls"); calls != reply.end() && calls->is_array()) {
    std::vector<alith::llm::ToolCall> list;
    for (const auto& c : *calls) {
      alith::llm::ToolCall call;
      call.id = c.value("id", "");
      call.name = c.value("name", "");
      call.arguments = c.value("arguments", Json::object());
      call.raw_arguments = call.arguments.dump();
      list.push_back(std::move(call));
    }
    if (list.size() == 1 && list[0].id.empty()) {
      model->push(alith::llm::ScriptedModel::tool_call(list[0].name, list[0].arguments));
    } else {
      model->push(alith::llm::ScriptedModel::tool_calls(std::move(list)));
    }
  } else {
    model->push(alith::llm::ScriptedModel::text(reply.value("text", "")));
  }
  return info.Env().Undefined();
}

Napi::Value ScriptedStats(const Napi::CallbackInfo& info) {
  auto model = ScriptedFrom(info[0]);
  auto out = Napi::Object::New(info.Env());
  out.Set("calls", static_cast<double>(model->calls()));
  out.Set("remaining", static_cast<double>(model->remaining()));
  return out;
}

Napi::Value ModelId(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), ChatModelFromJs(info[0])->id());
}

Napi::Value ModelCapabilities(const Napi::CallbackInfo& info) {
  auto caps = ChatModelFromJs(info[0])->capabilities();
  return ToJs(info.Env(), Json{{"tools", caps.tools},
                               {"jsonSchema", caps.json_schema},
                               {"jsonObject", caps.json_object},
                               {"images", caps.images},
                               {"streaming", caps.streaming}});
}

// modelComplete(model, request, {signal, timeoutMs}) -> Promise<Response>
Napi::Value ModelComplete(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto model = ChatModelFromJs(info[0]);
  auto request = Guard(env, [&] { return alith_node::RequestFromJson(FromJs(info[1])); });
  auto call = CallOptionsFrom(OptionsArg(info, 2));
  return RunAsync(env, [model, request = std::move(request), call] {
    return alith_node::ResponseToJson(model->complete(request, call));
  });
}

Json StreamEventToJson(const alith::llm::StreamEvent& event) {
  using Kind = alith::llm::StreamEvent::Kind;
  switch (event.kind) {
    case Kind::text_delta:
      return {{"type", "text"}, {"text", event.text}};
    case Kind::tool_call_start:
      return {{"type", "toolCallStart"}, {"index", event.index}, {"id", event.id}, {"name", event.name}};
    case Kind::tool_call_delta:
      return {{"type", "toolCallDelta"}, {"index", event.index}, {"text", event.text}};
    case Kind::usage:
      return {{"type", "usage"}, {"usage", alith_node::UsageToJson(event.usage)}};
  }
  return {};
}

// modelStream(model, request, onEvent, {signal, timeoutMs}) -> Promise<Response>; onEvent gets each event
// on the JS thread.
Napi::Value ModelStream(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto model = ChatModelFromJs(info[0]);
  auto request = Guard(env, [&] { return alith_node::RequestFromJson(FromJs(info[1])); });
  if (!info[2].IsFunction()) throw Napi::TypeError::New(env, "modelStream: onEvent must be a function");
  auto on_event = SharedFunction(env, info[2].As<Napi::Function>());
  auto call = CallOptionsFrom(OptionsArg(info, 3));
  napi_env raw = env;
  auto result = RunAsync(env, [model, request = std::move(request), call, on_event, raw] {
    auto response = model->stream(
        request,
        [&](const alith::llm::StreamEvent& event) {
          alith_node::PostJob(raw, [on_event, e = StreamEventToJson(event)](Napi::Env js, bool) {
            on_event->Call({ToJs(js, e)});
          });
        },
        call);
    return alith_node::ResponseToJson(response);
  });
  return result;
}

Napi::Value EmbeddingModel(const Napi::CallbackInfo& info) {
  if (!info[0].IsString())
    throw Napi::TypeError::New(info.Env(), "embeddingModel(ref): ref must be a string");
  return WrapEmbeddingModel(info.Env(), EmbeddingModelFromJs(info[0]));
}

Napi::Value EmbeddingModelId(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), EmbeddingModelFromJs(info[0])->id());
}

// embed(model, texts, {signal}) -> Promise<number[][]>
Napi::Value Embed(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto model = EmbeddingModelFromJs(info[0]);
  std::vector<std::string> texts;
  Json list = FromJs(info[1]);
  if (!list.is_array()) throw Napi::TypeError::New(env, "embed(texts): texts must be an array of strings");
  for (const auto& t : list) texts.push_back(t.is_string() ? t.get<std::string>() : t.dump());
  auto call = CallOptionsFrom(OptionsArg(info, 2));
  return RunAsyncValue(env, [model, texts = std::move(texts), call]() -> Finisher {
    auto vectors = std::make_shared<std::vector<std::vector<float>>>(model->embed(texts, call));
    return [vectors](Napi::Env e) -> Napi::Value {
      auto out = Napi::Array::New(e, vectors->size());
      for (size_t i = 0; i < vectors->size(); ++i) {
        const auto& v = (*vectors)[i];
        auto row = Napi::Array::New(e, v.size());
        for (size_t j = 0; j < v.size(); ++j) row.Set(static_cast<uint32_t>(j), Napi::Number::New(e, v[j]));
        out.Set(static_cast<uint32_t>(i), row);
      }
      return out;
    };
  });
}

}  // namespace

void InitLlm(Napi::Env env, Napi::Object exports) {
  auto add = [&](const char* name, Napi::Function::Callback fn) {
    exports.Set(name, Napi::Function::New(env, fn, name));
  };
  add("chatModel", ChatModel);
  add("openaiModel", OpenAIModel);
  add("anthropicModel", AnthropicModel);
  add("localModel", LocalModel);
  add("scriptedModel", ScriptedModel);
  add("scriptedPush", ScriptedPush);
  add("scriptedStats", ScriptedStats);
  add("modelId", ModelId);
  add("modelCapabilities", ModelCapabilities);
  add("modelComplete", ModelComplete);
  add("modelStream", ModelStream);
  add("embeddingModel", EmbeddingModel);
  add("embeddingModelId", EmbeddingModelId);
  add("embed", Embed);
}
