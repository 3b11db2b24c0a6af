// Agents, tools, memory, extraction and cancel tokens.
#include <chrono>
#include <memory>
#include <string>

#include "alith/agent/agent.h"
#include "alith/agent/extractor.h"
#include "alith/agent/memory.h"
#include "bindings.h"
#include "convert.h"
#include "errors.h"
#include "handles.h"
#include "messages.h"
#include "runtime.h"

namespace {

using alith::Json;

Napi::Object OptionsArg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() > index && info[index].IsObject()) return info[index].As<Napi::Object>();
  return Napi::Object::New(info.Env());
}

std::string StringArg(const Napi::CallbackInfo& info, size_t index, const char* what) {
  if (!info[index].IsString())
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a string");
  return info[index].As<Napi::String>().Utf8Value();
}

// createAgent({model, name, preamble, tools: [tool handles], memory, hooks: [hooks handles], maxSteps,
//              answerOnLastStep, toolChoice, temperature, topP, seed, maxTokens, toolThreads})
Napi::Value CreateAgent(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = OptionsArg(info, 0);
  alith::agent::AgentBuilder builder;
  builder.model(ChatModelFromJs(o.Get("model")));
  if (o.Get("name").IsString()) builder.name(o.Get("name").As<Napi::String>().Utf8Value());
  if (o.Get("preamble").IsString()) builder.preamble(o.Get("preamble").As<Napi::String>().Utf8Value());
  if (o.Get("tools").IsArray()) {
    auto tools = o.Get("tools").As<Napi::Array>();
    for (uint32_t i = 0; i < tools.Length(); ++i) builder.tool(ToolFromJs(tools.Get(i)));
  }
  Napi::Value memory = o.Get("memory");
  if (!memory.IsUndefined() && !memory.IsNull()) builder.memory(MemoryFromJs(memory));
  if (o.Get("hooks").IsArray()) {
    auto hooks = o.Get("hooks").As<Napi::Array>();
    for (uint32_t i = 0; i < hooks.Length(); ++i) builder.hooks(HooksFromJs(hooks.Get(i)));
  }
  int max_steps = 10;
  if (o.Get("maxSteps").IsNumber()) max_steps = o.Get("maxSteps").As<Napi::Number>().Int32Value();
  builder.max_steps(max_steps);
  if (o.Get("answerOnLastStep").ToBoolean().Value())
    builder.hooks(alith::agent::answer_on_last_step(max_steps));
  if (o.Get("maxTokens").IsNumber()) builder.max_tokens(o.Get("maxTokens").As<Napi::Number>().Int32Value());
  if (o.Get("toolThreads").IsNumber()) {
    builder.tool_threads(static_cast<size_t>(o.Get("toolThreads").As<Napi::Number>().Int64Value()));
  }
  Napi::Value choice = o.Get("toolChoice");
  if (!choice.IsUndefined() && !choice.IsNull()) {
    builder.tool_choice(Guard(env, [&] { return alith_node::ToolChoiceFromJson(FromJs(choice)); }));
  }
  alith::llm::Sampling sampling;
  if (o.Get("temperature").IsNumber())
    sampling.temperature = o.Get("temperature").As<Napi::Number>().DoubleValue();
  if (o.Get("topP").IsNumber()) sampling.top_p = o.Get("topP").As<Napi::Number>().DoubleValue();
  if (o.Get("seed").IsNumber()) sampling.seed = o.Get("seed").As<Napi::Number>().Int64Value();
  builder.sampling(sampling);
  return WrapAgent(env, Guard(env, [&] { return builder.build(); }));
}

alith::agent::RunOptions RunOptionsFrom(const Napi::Object& o) {
  alith::agent::RunOptions options;
  options.cancel = CancelFromJs(o.Get("signal"));
  if (o.Get("timeoutMs").IsNumber()) {
    options.model_timeout = std::chrono::milliseconds(o.Get("timeoutMs").As<Napi::Number>().Int64Value());
  }
  return options;
}

Json RunResultToJson(const alith::agent::RunResult& result) {
  Json transcript = Json::array();
  for (const auto& m : result.transcript) transcript.push_back(alith_node::MessageToJson(m));
  return {{"answer", result.answer},
          {"steps", result.steps},
          {"usage", alith_node::UsageToJson(result.usage)},
          {"transcript", std::move(transcript)}};
}

Json AgentEventToJson(const alith::agent::AgentEvent& event) {
  using Kind = alith::agent::AgentEvent::Kind;
  Json j{{"step", event.step}};
  switch (event.kind) {
    case Kind::text_delta:
      j["type"] = "text";
      j["text"] = event.text;
      break;
    case Kind::tool_call_started:
      j["type"] = "toolCallStarted";
      j["toolCall"] = alith_node::ToolCallToJson(event.tool_call);
      break;
    case Kind::tool_call_finished:
      j["type"] = "toolCallFinished";
      j["toolCall"] = alith_node::ToolCallToJson(event.tool_call);
      j["result"] = event.text;
      j["isError"] = event.is_error;
      break;
    case Kind::step_finished:
      j["type"] = "stepFinished";
      break;
    case Kind::usage:
      j["type"] = "usage";
      j["usage"] = alith_node::UsageToJson(event.usage);
      break;
    case Kind::final_answer:
      j["type"] = "finalAnswer";
      j["text"] = event.text;
      break;
  }
  return j;
}

// agentPrompt(agent, text, {signal, timeoutMs}) -> Promise<string>
Napi::Value AgentPrompt(const Napi::CallbackInfo& info) {
  auto agent = AgentFromJs(info[0]);
  std::string text = StringArg(info, 1, "prompt");
  auto options = RunOptionsFrom(OptionsArg(info, 2));
  return RunAsyncValue(info.Env(), [agent, text = std::move(text), options]() mutable -> Finisher {
    auto answer = std::make_shared<std::string>(agent->prompt(std::move(text), options));
    return [answer](Napi::Env env) { return Napi::String::New(env, *answer); };
  });
}

Napi::Value AgentRun(const Napi::CallbackInfo& info) {
  auto agent = AgentFromJs(info[0]);
  std::string text = StringArg(info, 1, "prompt");
  auto options = RunOptionsFrom(OptionsArg(info, 2));
  return RunAsync(info.Env(), [agent, text = std::move(text), options]() mutable {
    return RunResultToJson(agent->run(std::move(text), options));
  });
}

// agentPromptSync(agent, text, servicing): blocks the JS thread. With servicing (the agent has JS tools) the
// run goes to a worker while this thread answers the tools' calls.
Napi::Value AgentPromptSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto& agent = AgentFromJs(info[0]);
  std::string text = StringArg(info, 1, "prompt");
  bool servicing = info[2].ToBoolean().Value();
  std::string answer;
  Guard(env, [&] {
    if (servicing) {
      alith_node::RunServicing(env, [&] { answer = agent->prompt(std::move(text)); });
    } else {
      answer = agent->prompt(std::move(text));
    }
  });
  return Napi::String::New(env, answer);
}

Napi::Value AgentRunSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto agent = AgentFromJs(info[0]);
  std::string text = StringArg(info, 1, "prompt");
  bool servicing = info[2].ToBoolean().Value();
  Json result;
  Guard(env, [&] {
    auto work = [&] { result = RunResultToJson(agent->run(std::move(text))); };
    if (servicing) {
      alith_node::RunServicing(env, work);
    } else {
      work();
    }
  });
  return ToJs(env, result);
}

// agentStream(agent, text, onEvent, {signal, timeoutMs}) -> Promise<RunResult>
Napi::Value AgentStream(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto agent = AgentFromJs(info[0]);
  std::string text = StringArg(info, 1, "prompt");
  if (!info[2].IsFunction()) throw Napi::TypeError::New(env, "agentStream: onEvent must be a function");
  auto on_event = SharedFunction(env, info[2].As<Napi::Function>());
  auto options = RunOptionsFrom(OptionsArg(info, 3));
  napi_env raw = env;
  return RunAsync(env, [agent, text = std::move(text), on_event, options, raw]() mutable {
    auto result = agent->stream(
        std::move(text),
        [&](const alith::agent::AgentEvent& event) {
          alith_node::PostJob(raw, [on_event, e = AgentEventToJson(event)](Napi::Env js, bool) {
            on_event->Call({ToJs(js, e)});
          });
        },
        options);
    return RunResultToJson(result);
  });
}

Napi::Value AgentInfo(const Napi::CallbackInfo& info) {
  auto agent = AgentFromJs(info[0]);
  Json tools = Json::array();
  for (const auto& spec : agent->tool_specs()) {
    tools.push_back(
        {{"name", spec.name}, {"description", spec.description}, {"parameters", spec.parameters}});
  }
  return ToJs(info.Env(), {{"name", agent->name()}, {"tools", std::move(tools)}});
}

// makeTool(name, description, schema, handler) -> tool handle
Napi::Value MakeTool(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = StringArg(info, 0, "tool name");
  std::string description = info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
  Json schema = FromJs(info[2]);
  if (!info[3].IsFunction()) throw Napi::TypeError::New(env, "a tool's handler must be a function");
  return WrapTool(env, MakeJsTool(env, std::move(name), std::move(description), std::move(schema),
                                  info[3].As<Napi::Function>()));
}

Napi::Value ToolSpec(const Napi::CallbackInfo& info) {
  const auto& spec = ToolFromJs(info[0])->spec();
  return ToJs(info.Env(),
              {{"name", spec.name}, {"description", spec.description}, {"parameters", spec.parameters}});
}

// toolRun(tool, args, {signal}) -> Promise<{content, isError}>: validates args, as an agent would.
Napi::Value ToolRun(const Napi::CallbackInfo& info) {
  auto tool = ToolFromJs(info[0]);
  Json args = FromJs(info[1]);
  alith::agent::ToolContext context;
  context.cancel = CancelFromJs(OptionsArg(info, 2).Get("signal"));
  return RunAsync(info.Env(), [tool, args = std::move(args), context] {
    auto outcome = alith::agent::run_tool(*tool, args, context);
    return Json{{"content", outcome.content}, {"isError", outcome.is_error}};
  });
}

Napi::Value WindowMemory(const Napi::CallbackInfo& info) {
  size_t n = info[0].IsNumber() ? static_cast<size_t>(info[0].As<Napi::Number>().Int64Value()) : 20;
  return WrapMemory(info.Env(), std::make_shared<alith::agent::WindowMemory>(n));
}

Napi::Value TokenWindowMemory(const Napi::CallbackInfo& info) {
  size_t n = info[0].IsNumber() ? static_cast<size_t>(info[0].As<Napi::Number>().Int64Value()) : 4096;
  return WrapMemory(info.Env(), std::make_shared<alith::agent::TokenWindowMemory>(n));
}

Napi::Value BufferMemory(const Napi::CallbackInfo& info) {
  return WrapMemory(info.Env(), std::make_shared<alith::agent::BufferMemory>());
}

Napi::Value MemoryMessages(const Napi::CallbackInfo& info) {
  Json out = Json::array();
  for (const auto& m : MemoryFromJs(info[0])->messages()) out.push_back(alith_node::MessageToJson(m));
  return ToJs(info.Env(), out);
}

Napi::Value MemoryAppend(const Napi::CallbackInfo& info) {
  auto memory = MemoryFromJs(info[0]);
  Guard(info.Env(), [&] { memory->append(alith_node::MessageFromJson(FromJs(info[1]))); });
  return info.Env().Undefined();
}

Napi::Value MemoryClear(const Napi::CallbackInfo& info) {
  MemoryFromJs(info[0])->clear();
  return info.Env().Undefined();
}

// extract(model, schema, input | messages, {signal, mode, instructions, repairAttempts, temperature,
// maxTokens, name, description}) -> Promise<value>
Napi::Value Extract(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto model = ChatModelFromJs(info[0]);
  Json schema = FromJs(info[1]);
  Json input = FromJs(info[2]);
  Napi::Object o = OptionsArg(info, 3);
  alith::agent::ExtractOptions options;
  std::string mode = o.Get("mode").IsString() ? o.Get("mode").As<Napi::String>().Utf8Value() : "auto";
  using Mode = alith::agent::ExtractOptions::Mode;
  if (mode == "responseFormat") options.mode = Mode::response_format;
  if (mode == "toolCall") options.mode = Mode::tool_call;
  if (mode == "prompt") options.mode = Mode::prompt;
  if (o.Get("instructions").IsString())
    options.instructions = o.Get("instructions").As<Napi::String>().Utf8Value();
  if (o.Get("name").IsString()) options.name = o.Get("name").As<Napi::String>().Utf8Value();
  if (o.Get("description").IsString())
    options.description = o.Get("description").As<Napi::String>().Utf8Value();
  if (o.Get("repairAttempts").IsNumber())
    options.repair_attempts = o.Get("repairAttempts").As<Napi::Number>().Int32Value();
  if (o.Get("temperature").IsNumber())
    options.sampling.temperature = o.Get("temperature").As<Napi::Number>().DoubleValue();
  if (o.Get("maxTokens").IsNumber()) options.max_tokens = o.Get("maxTokens").As<Napi::Number>().Int32Value();
  auto cancel = CancelFromJs(o.Get("signal"));
  auto extractor = Guard(env, [&] {
    return std::make_shared<alith::agent::Extractor>(model, std::move(schema), std::move(options));
  });
  return RunAsync(env, [extractor, input = std::move(input), cancel] {
    if (input.is_string()) return extractor->extract(input.get<std::string>(), cancel);
    return extractor->extract_messages(alith_node::MessagesFromJson(input), cancel).value;
  });
}

Napi::Value CancelToken(const Napi::CallbackInfo& info) {
  return WrapCancelToken(info.Env(), alith::CancelToken::create());
}

Napi::Value CancelTokenCancel(const Napi::CallbackInfo& info) {
  CancelFromJs(info[0]).cancel();
  return info.Env().Undefined();
}

}  // namespace

void InitAgent(Napi::Env env, Napi::Object exports) {
  auto add = [&](const char* name, Napi::Function::Callback fn) {
    exports.Set(name, Napi::Function::New(env, fn, name));
  };
  add("createAgent", CreateAgent);
  add("agentPrompt", AgentPrompt);
  add("agentRun", AgentRun);
  add("agentPromptSync", AgentPromptSync);
  add("agentRunSync", AgentRunSync);
  add("agentStream", AgentStream);
  add("agentInfo", AgentInfo);
  add("makeTool", MakeTool);
  add("toolSpec", ToolSpec);
  add("toolRun", ToolRun);
  add("windowMemory", WindowMemory);
  add("tokenWindowMemory", TokenWindowMemory);
  add("bufferMemory", BufferMemory);
  add("memoryMessages", MemoryMessages);
  add("memoryAppend", MemoryAppend);
  add("memoryClear", MemoryClear);
  add("extract", Extract);
  add("cancelToken", CancelToken);
  add("cancelTokenCancel", CancelTokenCancel);
}
