#pragma once

// The addon's threading: a growing pool of native worker threads for long calls (never libuv's pool of 4,
// which JS callbacks doing fs work would need while our calls block it), one thread-safe function per env
// through which any thread posts work to the JS thread, and the loop a *Sync call runs so that JS tools still
// work while the JS thread is blocked.

#include <napi.h>

#include <functional>

namespace alith_node {

// Once per env, from module init.
void InitRuntime(Napi::Env env);

// Runs job on a native worker thread (spawned when none is idle; idle ones exit after a while).
void Submit(std::function<void()> job);

// True on the JS thread of env.
bool OnJsThread(napi_env env);

// While a pending async call holds the env alive, the event loop does not exit before its Promise settles.
// JS thread only.
void Hold(napi_env env);
void Release(napi_env env);

// A JS-thread job, told whether it runs inside a *Sync call's loop (where Promises cannot settle).
using JsJob = std::function<void(Napi::Env env, bool in_sync_call)>;
// Queues job for the JS thread: into the running *Sync call's loop when one is running, else onto the event
// loop. False when env is shutting down (job dropped).
bool PostJob(napi_env env, JsJob job);

// Runs work on a worker thread while the JS thread services PostJob jobs (JS tools, events), then returns or
// rethrows work's exception. JS thread only.
void RunServicing(Napi::Env env, const std::function<void()>& work);

}  // namespace alith_node
