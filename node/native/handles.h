#pragma once

// The native handles other binding files share, and the async plumbing every binding uses.
//
// JS-level objects (node/lib: models, agents, tools) keep their native handle in `._native`; every *FromJs
// accepts either the JS-level object or the bare handle. ChatModelFromJs and EmbeddingModelFromJs also accept
// a model reference string ("openai:gpt-4o-mini", "local:gemma3-270m", "echo:x"). They throw a JS TypeError
// (as a Napi::Error) for anything else.
//
// Threads: every function here must be called on the JS thread, except Post (any thread).

#include <napi.h>

#include <functional>
#include <memory>
#include <string>

#include "alith/agent/agent.h"
#include "alith/agent/memory.h"
#include "alith/agent/tool.h"
#include "alith/core/cancel.h"
#include "alith/core/json.h"
#include "alith/llm/chat_model.h"

std::shared_ptr<alith::llm::ChatModel> ChatModelFromJs(Napi::Value value);
Napi::Value WrapChatModel(Napi::Env env, std::shared_ptr<alith::llm::ChatModel> model);
std::shared_ptr<alith::llm::EmbeddingModel> EmbeddingModelFromJs(Napi::Value value);
Napi::Value WrapEmbeddingModel(Napi::Env env, std::shared_ptr<alith::llm::EmbeddingModel> model);
std::shared_ptr<alith::agent::Tool> ToolFromJs(Napi::Value value);
// A native tool handle; Agent's `tools` option and lib/tools.js's Tool.fromNative accept it.
Napi::Value WrapTool(Napi::Env env, std::shared_ptr<alith::agent::Tool> tool);
std::shared_ptr<alith::agent::Agent> AgentFromJs(Napi::Value value);
Napi::Value WrapAgent(Napi::Env env, std::shared_ptr<alith::agent::Agent> agent);
std::shared_ptr<alith::agent::Memory> MemoryFromJs(Napi::Value value);
Napi::Value WrapMemory(Napi::Env env, std::shared_ptr<alith::agent::Memory> memory);
// Agent hooks made natively (e.g. a spending guard); the Agent's `hooks` option takes an array of these.
Napi::Value WrapHooks(Napi::Env env, alith::agent::Hooks hooks);
alith::agent::Hooks HooksFromJs(Napi::Value value);

// undefined/null -> a token that never fires; an AbortSignal -> a token cancelled when it aborts (at once if
// already aborted); a native CancelToken handle -> its token.
alith::CancelToken CancelFromJs(Napi::Value signal_or_undefined);
Napi::Value WrapCancelToken(Napi::Env env, alith::CancelToken token);

// A tool whose handler is a JS function fn(args, {callId, signal?}) returning a value or a Promise. The C++
// tool thread waits for the result while the JS thread stays free; a throw or a rejection becomes the
// model's error result.
std::shared_ptr<alith::agent::Tool> MakeJsTool(Napi::Env env, std::string name, std::string description,
                                               alith::Json schema, Napi::Function fn);

// A persistent reference to fn that may be dropped on any thread (it is deleted on the JS thread).
std::shared_ptr<Napi::FunctionReference> SharedFunction(Napi::Env env, Napi::Function fn);

// Runs fn on the JS thread of env as soon as the event loop gets to it; callable from any thread. Returns
// false when env is shutting down (fn is then dropped, unrun).
bool Post(Napi::Env env, std::function<void(Napi::Env)> fn);

// Runs work on a native thread and returns a Promise resolved with ToJs(result), or rejected with the
// mapped alith error.
Napi::Value RunAsync(Napi::Env env, std::function<alith::Json()> work);
// The general form: work returns a finisher that builds the resolution value on the JS thread.
using Finisher = std::function<Napi::Value(Napi::Env)>;
Napi::Value RunAsyncValue(Napi::Env env, std::function<Finisher()> work);
