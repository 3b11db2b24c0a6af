#include "runtime.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "convert.h"
#include "errors.h"
#include "handles.h"

namespace alith_node {
namespace {

class Workers {
 public:
  void Submit(std::function<void()> job) {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(job));
    if (queue_.size() > idle_) {
      std::thread([this] { Loop(); }).detach();
    } else {
      cv_.notify_one();
    }
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      ++idle_;
      bool woke = cv_.wait_for(lock, std::chrono::seconds(30), [this] { return !queue_.empty(); });
      --idle_;
      if (!woke) return;
      auto job = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      job();
      job = nullptr;  // the job's captures die off the lock
      lock.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  size_t idle_ = 0;
};

// Deliberately leaked: detached workers may still touch it while the process exits.
Workers& TheWorkers() {
  static auto* workers = new Workers();
  return *workers;
}

struct SyncLoop {
  std::condition_variable cv;
  std::deque<JsJob> jobs;
  int depth = 0;
  bool done = false;
};

struct EnvState {
  std::mutex mu;  // guards tsfn against release, and sync
  napi_threadsafe_function tsfn = nullptr;
  bool closing = false;
  std::thread::id js_thread;
  int holds = 0;  // JS thread only
  SyncLoop sync;
};

std::mutex g_envs_mu;
std::unordered_map<napi_env, EnvState*>& Envs() {
  static auto* envs = new std::unordered_map<napi_env, EnvState*>();
  return *envs;
}

EnvState* StateOf(napi_env env) {
  std::lock_guard<std::mutex> lock(g_envs_mu);
  auto it = Envs().find(env);
  return it == Envs().end() ? nullptr : it->second;
}

void CallJs(napi_env env, napi_value /*js_cb*/, void* /*context*/, void* data) {
  std::unique_ptr<JsJob> job(static_cast<JsJob*>(data));
  if (env == nullptr) return;  // the env is going away
  Napi::Env e(env);
  Napi::HandleScope scope(e);
  try {
    (*job)(e, false);
  } catch (const Napi::Error& error) {
    // A JS callback threw: surface it as the uncaught exception it is.
    error.ThrowAsJavaScriptException();
  } catch (const std::exception& error) {
    ToJsError(e, error).ThrowAsJavaScriptException();
  }
}

void Cleanup(void* arg) {
  auto* state = static_cast<EnvState*>(arg);
  std::lock_guard<std::mutex> lock(state->mu);
  state->closing = true;
  napi_release_threadsafe_function(state->tsfn, napi_tsfn_abort);
  // The state stays allocated: worker threads may still look it up and see `closing`.
}

}  // namespace

void InitRuntime(Napi::Env env) {
  auto* state = new EnvState();
  state->js_thread = std::this_thread::get_id();
  napi_value name;
  napi_create_string_utf8(env, "alith", NAPI_AUTO_LENGTH, &name);
  napi_status status = napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr,
                                                       nullptr, CallJs, &state->tsfn);
  if (status != napi_ok) NAPI_THROW_VOID(Napi::Error::New(env, "alith: cannot create the dispatcher"));
  napi_unref_threadsafe_function(env, state->tsfn);
  {
    std::lock_guard<std::mutex> lock(g_envs_mu);
    Envs()[env] = state;
  }
  napi_add_env_cleanup_hook(env, Cleanup, state);
}

void Submit(std::function<void()> job) {
  TheWorkers().Submit(std::move(job));
}

bool OnJsThread(napi_env env) {
  EnvState* state = StateOf(env);
  return state != nullptr && state->js_thread == std::this_thread::get_id();
}

void Hold(napi_env env) {
  EnvState* state = StateOf(env);
  if (state != nullptr && state->holds++ == 0) napi_ref_threadsafe_function(env, state->tsfn);
}

void Release(napi_env env) {
  EnvState* state = StateOf(env);
  if (state != nullptr && --state->holds == 0) napi_unref_threadsafe_function(env, state->tsfn);
}

bool PostJob(napi_env env, JsJob job) {
  EnvState* state = StateOf(env);
  if (state == nullptr) return false;
  std::lock_guard<std::mutex> lock(state->mu);
  if (state->closing) return false;
  if (state->sync.depth > 0) {
    state->sync.jobs.push_back(std::move(job));
    state->sync.cv.notify_all();
    return true;
  }
  auto* data = new JsJob(std::move(job));
  if (napi_call_threadsafe_function(state->tsfn, data, napi_tsfn_nonblocking) != napi_ok) {
    delete data;
    return false;
  }
  return true;
}

void RunServicing(Napi::Env env, const std::function<void()>& work) {
  EnvState* state = StateOf(env);
  if (state == nullptr) {
    work();
    return;
  }
  struct Outcome {
    bool done = false;
    std::exception_ptr error;
  };
  auto outcome = std::make_shared<Outcome>();
  std::unique_lock<std::mutex> lock(state->mu);
  ++state->sync.depth;
  lock.unlock();
  Submit([state, outcome, &work] {
    try {
      work();
    } catch (...) {
      outcome->error = std::current_exception();
    }
    std::lock_guard<std::mutex> l(state->mu);
    outcome->done = true;
    state->sync.cv.notify_all();
  });
  lock.lock();
  for (;;) {
    state->sync.cv.wait(lock, [&] { return outcome->done || !state->sync.jobs.empty(); });
    while (!state->sync.jobs.empty()) {
      JsJob job = std::move(state->sync.jobs.front());
      state->sync.jobs.pop_front();
      lock.unlock();
      {
        Napi::HandleScope scope(env);
        try {
          job(env, true);
        } catch (const std::exception&) {
          // Jobs report their own failures; nothing may escape into the blocked caller.
        }
      }
      lock.lock();
    }
    if (outcome->done) break;
  }
  if (--state->sync.depth == 0) {
    // Anything queued after the work finished (another thread's tool call) goes to the event loop.
    std::deque<JsJob> rest = std::move(state->sync.jobs);
    state->sync.jobs.clear();
    for (auto& job : rest) {
      auto* data = new JsJob(std::move(job));
      if (napi_call_threadsafe_function(state->tsfn, data, napi_tsfn_nonblocking) != napi_ok) delete data;
    }
  }
  lock.unlock();
  if (outcome->error) std::rethrow_exception(outcome->error);
}

}  // namespace alith_node

std::shared_ptr<Napi::FunctionReference> SharedFunction(Napi::Env env, Napi::Function fn) {
  napi_env raw = env;
  return std::shared_ptr<Napi::FunctionReference>(
      new Napi::FunctionReference(Napi::Persistent(fn)), [raw](Napi::FunctionReference* ref) {
        if (alith_node::OnJsThread(raw)) {
          delete ref;
        } else if (!Post(Napi::Env(raw), [ref](Napi::Env) { delete ref; })) {
          // The env is shutting down; its references go with it.
        }
      });
}

bool Post(Napi::Env env, std::function<void(Napi::Env)> fn) {
  return alith_node::PostJob(env, [fn = std::move(fn)](Napi::Env e, bool) { fn(e); });
}

// RunAsync family (declared in handles.h).
Napi::Value RunAsyncValue(Napi::Env env, std::function<Finisher()> work) {
  auto deferred = std::make_shared<Napi::Promise::Deferred>(Napi::Promise::Deferred::New(env));
  Napi::Promise promise = deferred->Promise();
  alith_node::Hold(env);
  napi_env raw = env;
  alith_node::Submit([raw, deferred, work = std::move(work)] {
    Finisher finish;
    std::exception_ptr error;
    try {
      finish = work();
    } catch (...) {
      error = std::current_exception();
    }
    alith_node::PostJob(raw, [deferred, finish = std::move(finish), error](Napi::Env e, bool) {
      alith_node::Release(e);
      if (error) {
        deferred->Reject(ToJsError(e, error).Value());
        return;
      }
      try {
        deferred->Resolve(finish ? finish(e) : e.Undefined());
      } catch (const Napi::Error& js) {
        deferred->Reject(js.Value());
      } catch (const std::exception& cpp) {
        deferred->Reject(ToJsError(e, cpp).Value());
      }
    });
  });
  return promise;
}

Napi::Value RunAsync(Napi::Env env, std::function<alith::Json()> work) {
  return RunAsyncValue(env, [work = std::move(work)]() -> Finisher {
    auto result = std::make_shared<alith::Json>(work());
    return [result](Napi::Env e) { return ToJs(e, *result); };
  });
}
