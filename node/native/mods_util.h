#pragma once
// Helpers shared by the knowledge, flow, mcp and web3 bindings: opaque handles to C++ objects, Promises for
// work done on a native thread, and calls into JS from native threads that wait for the (maybe async) result.
#include <napi.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "alith/core/json.h"

namespace alith_node_mods {

// A C++ object owned by JS: an External holding a shared_ptr and a tag naming its type, so a handle of the
// wrong kind is a TypeError instead of undefined behaviour.
struct HandleBox {
  const char* tag;
  std::shared_ptr<void> ptr;
};

Napi::Value WrapBox(Napi::Env env, const char* tag, std::shared_ptr<void> ptr);
// Accepts the External itself or a JS object carrying it as `_native`. Throws a TypeError naming `tag`.
std::shared_ptr<void> UnwrapBox(Napi::Value value, const char* tag);

template <class T>
Napi::Value WrapHandle(Napi::Env env, const char* tag, std::shared_ptr<T> ptr) {
  return WrapBox(env, tag, std::static_pointer_cast<void>(std::move(ptr)));
}
template <class T>
std::shared_ptr<T> UnwrapHandle(Napi::Value value, const char* tag) {
  return std::static_pointer_cast<T>(UnwrapBox(value, tag));
}

// Runs on the main thread once the work is done, to build the JS value the Promise resolves with.
using Finish = std::function<Napi::Value(Napi::Env)>;

// Runs work on its own thread (not the libuv pool: work may wait on JS callbacks, and a pool full of such
// waits would starve the callbacks it waits for) and returns a Promise settled on the main thread: resolved
// with finish(env), or rejected with the alith error the work threw.
Napi::Value RunWork(Napi::Env env, std::function<Finish()> work);
Napi::Value RunJsonWork(Napi::Env env, std::function<alith::Json()> work);

// Rethrows a caught exception as the matching JS error (call inside a catch block on the main thread).
[[noreturn]] void RethrowAsJs(Napi::Env env);

// A JS function callable from any native thread. Call() queues the call on the main thread, waits until the
// function's result (awaited when it is a Promise) is known and returns it as JSON; a throw or a rejection
// becomes the alith error its `code` names (ToolError when none). Calling from the main thread would
// deadlock, so it throws InvalidArgumentError there. The function does not keep the process alive on its own.
class JsFunction {
 public:
  JsFunction(Napi::Env env, Napi::Function fn, const char* name);
  ~JsFunction();
  JsFunction(const JsFunction&) = delete;
  JsFunction& operator=(const JsFunction&) = delete;

  // args: a JSON array, spread as the function's arguments.
  alith::Json Call(const alith::Json& args) const;
  // Queues the call and returns at once; the result is ignored (progress and event callbacks).
  void Post(alith::Json args) const;

 private:
  std::shared_ptr<std::atomic<bool>> closed_;
  Napi::ThreadSafeFunction tsfn_;
};

// The alith error a JS error value stands for.
[[noreturn]] void ThrowFromJsError(Napi::Value error);

bool IsMainThread();

// Option readers for plain JS objects; undefined and null read as absent.
std::string GetString(const alith::Json& options, const char* key, std::string fallback = {});
// options[key], or null when options is not an object or has no such key.
alith::Json Opt(const alith::Json& options, const char* key);
// The i-th argument as JSON; null when the call passed fewer.
alith::Json Arg(const Napi::CallbackInfo& info, size_t i);

}  // namespace alith_node_mods
