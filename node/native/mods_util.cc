#include "mods_util.h"

#include <atomic>
#include <cstring>
#include <exception>
#include <future>
#include <map>
#include <thread>
#include <utility>

#include "alith/core/error.h"
#include "convert.h"
#include "errors.h"

namespace alith_node_mods {
namespace {

const std::thread::id kMainThread = std::this_thread::get_id();

alith::ErrorCode CodeFromName(const std::string& name) {
  static const std::map<std::string, alith::ErrorCode> codes = {
      {"provider", alith::ErrorCode::provider},
      {"rate_limited", alith::ErrorCode::rate_limited},
      {"timeout", alith::ErrorCode::timeout},
      {"parse", alith::ErrorCode::parse},
      {"schema", alith::ErrorCode::schema},
      {"tool", alith::ErrorCode::tool},
      {"io", alith::ErrorCode::io},
      {"chain", alith::ErrorCode::chain},
      {"crypto", alith::ErrorCode::crypto},
      {"cancelled", alith::ErrorCode::cancelled},
      {"config", alith::ErrorCode::config},
      {"invalid_argument", alith::ErrorCode::invalid_argument},
      {"too_large", alith::ErrorCode::too_large},
      {"max_steps", alith::ErrorCode::max_steps},
      {"unsupported", alith::ErrorCode::unsupported},
  };
  auto it = codes.find(name);
  return it == codes.end() ? alith::ErrorCode::tool : it->second;
}

// What a JS error says, captured on the main thread so that a native thread can throw it.
alith::ErrorInfo InfoFromJsError(Napi::Value error) {
  alith::ErrorInfo info{alith::ErrorCode::tool, "JavaScript callback failed", std::nullopt};
  if (error.IsObject()) {
    Napi::Object object = error.As<Napi::Object>();
    Napi::Value message = object.Get("message");
    if (message.IsString()) info.message = message.As<Napi::String>().Utf8Value();
    Napi::Value code = object.Get("code");
    if (code.IsString()) info.code = CodeFromName(code.As<Napi::String>().Utf8Value());
  } else if (error.IsString()) {
    info.message = error.As<Napi::String>().Utf8Value();
  }
  return info;
}

struct WorkState {
  Napi::Promise::Deferred deferred;
  Finish finish;
  std::exception_ptr error;
};

void Settle(Napi::Env env, WorkState* state) {
  std::unique_ptr<WorkState> owned(state);
  Napi::HandleScope scope(env);
  try {
    if (owned->error) std::rethrow_exception(owned->error);
    owned->deferred.Resolve(owned->finish(env));
  } catch (const Napi::Error& e) {
    owned->deferred.Reject(e.Value());
  } catch (const std::exception& e) {
    owned->deferred.Reject(ToJsError(env, e).Value());
  } catch (...) {
    owned->deferred.Reject(Napi::Error::New(env, "unknown native error").Value());
  }
}

struct CallRequest {
  alith::Json args;
  std::promise<alith::Json> result;
  bool wait = true;
};

void DeliverResult(Napi::Env env, Napi::Value value, CallRequest* request) {
  try {
    request->result.set_value(FromJs(value));
  } catch (const std::exception& e) {
    request->result.set_exception(std::make_exception_ptr(
        alith::InvalidArgumentError(std::string("callback result is not JSON: ") + e.what())));
  }
  (void)env;
}

void InvokeOnMain(Napi::Env env, Napi::Function fn, CallRequest* request) {
  if (env == nullptr || fn.IsEmpty()) {  // the environment is going away
    if (request->wait)
      request->result.set_exception(
          std::make_exception_ptr(alith::CancelledError("JavaScript environment closed")));
    else
      delete request;
    return;
  }
  Napi::HandleScope scope(env);
  Napi::Value returned;
  try {
    std::vector<napi_value> argv;
    if (request->args.is_array())
      for (const auto& arg : request->args) argv.push_back(ToJs(env, arg));
    returned = fn.Call(argv);
  } catch (const std::exception& e) {
    // A throw from the function (or a failed conversion) must still release the waiting native thread.
    alith::ErrorInfo error{alith::ErrorCode::tool, e.what(), std::nullopt};
    if (const auto* js = dynamic_cast<const Napi::Error*>(&e)) error = InfoFromJsError(js->Value());
    if (request->wait)
      request->result.set_exception(std::make_exception_ptr(alith::Error(error.code, error.message)));
    else
      delete request;
    return;
  }
  if (!request->wait) {
    delete request;
    return;
  }
  if (returned.IsPromise()) {
    Napi::Object promise = returned.As<Napi::Object>();
    Napi::Function on_ok = Napi::Function::New(
        env, [request](const Napi::CallbackInfo& info) { DeliverResult(info.Env(), info[0], request); });
    Napi::Function on_error = Napi::Function::New(env, [request](const Napi::CallbackInfo& info) {
      alith::ErrorInfo error = InfoFromJsError(info[0]);
      request->result.set_exception(std::make_exception_ptr(alith::Error(error.code, error.message)));
    });
    promise.Get("then").As<Napi::Function>().Call(promise, {on_ok, on_error});
    return;
  }
  DeliverResult(env, returned, request);
}

}  // namespace

bool IsMainThread() {
  return std::this_thread::get_id() == kMainThread;
}

Napi::Value WrapBox(Napi::Env env, const char* tag, std::shared_ptr<void> ptr) {
  auto* box = new HandleBox{tag, std::move(ptr)};
  return Napi::External<HandleBox>::New(env, box, [](Napi::Env, HandleBox* b) { delete b; });
}

std::shared_ptr<void> UnwrapBox(Napi::Value value, const char* tag) {
  Napi::Env env = value.Env();
  if (value.IsObject() && !value.IsExternal()) value = value.As<Napi::Object>().Get("_native");
  if (value.IsExternal()) {
    auto* box = value.As<Napi::External<HandleBox>>().Data();
    if (box != nullptr && std::strcmp(box->tag, tag) == 0 && box->ptr) return box->ptr;
  }
  throw Napi::TypeError::New(env, std::string("expected a ") + tag);
}

Napi::Value RunWork(Napi::Env env, std::function<Finish()> work) {
  auto deferred = Napi::Promise::Deferred::New(env);
  auto* state = new WorkState{deferred, {}, {}};
  auto tsfn = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}),
                                            "alith-work", 0, 1);
  std::thread([tsfn, state, work = std::move(work)]() mutable {
    try {
      state->finish = work();
    } catch (...) {
      state->error = std::current_exception();
    }
    tsfn.BlockingCall(state, [](Napi::Env env, Napi::Function, WorkState* s) { Settle(env, s); });
    tsfn.Release();
  }).detach();
  return deferred.Promise();
}

Napi::Value RunJsonWork(Napi::Env env, std::function<alith::Json()> work) {
  return RunWork(env, [work = std::move(work)]() -> Finish {
    auto result = std::make_shared<alith::Json>(work());
    return [result](Napi::Env env) { return ToJs(env, *result); };
  });
}

void RethrowAsJs(Napi::Env env) {
  try {
    throw;
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw ToJsError(env, e);
  }
}

[[noreturn]] void ThrowFromJsError(Napi::Value error) {
  alith::ErrorInfo info = InfoFromJsError(error);
  throw alith::Error(info.code, info.message);
}

JsFunction::JsFunction(Napi::Env env, Napi::Function fn, const char* name)
    : closed_(std::make_shared<std::atomic<bool>>(false)) {
  // At environment teardown Node finalizes the function itself; releasing it after that would touch freed
  // memory, so the finalizer leaves a mark the destructor checks.
  auto* mark = new std::shared_ptr<std::atomic<bool>>(closed_);
  tsfn_ = Napi::ThreadSafeFunction::New(env, fn, name, 0, 1, mark,
                                        [](Napi::Env, std::shared_ptr<std::atomic<bool>>* m) {
                                          (*m)->store(true);
                                          delete m;
                                        });
  tsfn_.Unref(env);
}

JsFunction::~JsFunction() {
  if (!closed_->load()) tsfn_.Release();
}

alith::Json JsFunction::Call(const alith::Json& args) const {
  if (IsMainThread())
    throw alith::InvalidArgumentError(
        "a JavaScript callback cannot be called synchronously from the main thread; use the async API");
  CallRequest request{args, {}, true};
  auto future = request.result.get_future();
  napi_status status = tsfn_.BlockingCall(&request, InvokeOnMain);
  if (status != napi_ok) throw alith::CancelledError("JavaScript environment closed");
  return future.get();
}

void JsFunction::Post(alith::Json args) const {
  auto* request = new CallRequest{std::move(args), {}, false};
  if (tsfn_.NonBlockingCall(request, InvokeOnMain) != napi_ok) delete request;
}

std::string GetString(const alith::Json& options, const char* key, std::string fallback) {
  if (options.is_object()) {
    auto it = options.find(key);
    if (it != options.end() && it->is_string()) return it->get<std::string>();
  }
  return fallback;
}

alith::Json Opt(const alith::Json& options, const char* key) {
  if (!options.is_object()) return nullptr;
  auto it = options.find(key);
  return it == options.end() ? alith::Json(nullptr) : *it;
}

alith::Json Arg(const Napi::CallbackInfo& info, size_t i) {
  return i < info.Length() ? FromJs(info[i]) : alith::Json(nullptr);
}

}  // namespace alith_node_mods
