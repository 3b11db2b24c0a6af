#include "errors.h"

#include <mutex>
#include <string>
#include <unordered_map>

#include "alith/core/error.h"
#include "bindings.h"

namespace {

// The JS classes lib/errors.js registers, by code, per env (the main thread's and each worker_thread's are
// different objects).
std::mutex g_classes_mu;
std::unordered_map<napi_env, Napi::FunctionReference*>& Classes() {
  static auto* classes = new std::unordered_map<napi_env, Napi::FunctionReference*>();
  return *classes;
}

Napi::FunctionReference* ClassesOf(napi_env env) {
  std::lock_guard<std::mutex> lock(g_classes_mu);
  auto it = Classes().find(env);
  return it == Classes().end() ? nullptr : it->second;
}

Napi::Error Make(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Value ctor;
  Napi::FunctionReference* classes = ClassesOf(env);
  if (classes != nullptr && !classes->IsEmpty()) {
    Napi::Object table = classes->Value();
    ctor = table.Get(code);
    if (!ctor.IsFunction()) ctor = table.Get("AlithError");
  }
  Napi::Object object;
  if (ctor.IsFunction()) {
    object = ctor.As<Napi::Function>().New({Napi::String::New(env, message)});
  } else {
    object = Napi::Error::New(env, message).Value();
  }
  object.Set("code", Napi::String::New(env, code));
  return Napi::Error(env, object);
}

Napi::Value RegisterErrorClasses(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction())
    throw Napi::TypeError::New(info.Env(), "registerErrorClasses(table) wants a function");
  // A function (table of classes by code as its properties) so that it is an object napi can reference
  // strongly.
  Napi::Env env = info.Env();
  auto* ref = new Napi::FunctionReference(Napi::Persistent(info[0].As<Napi::Function>()));
  Napi::FunctionReference* old = nullptr;
  {
    std::lock_guard<std::mutex> lock(g_classes_mu);
    auto& slot = Classes()[env];
    old = slot;
    slot = ref;
  }
  if (old == nullptr) {
    // The env's references die with it; forget it so a later env at the same address starts clean.
    napi_add_env_cleanup_hook(
        env,
        [](void* arg) {
          std::lock_guard<std::mutex> lock(g_classes_mu);
          Classes().erase(static_cast<napi_env>(arg));
        },
        static_cast<napi_env>(env));
  }
  delete old;
  return env.Undefined();
}

}  // namespace

Napi::Error ToJsError(Napi::Env env, const std::exception& error) {
  if (const auto* alith_error = dynamic_cast<const alith::Error*>(&error)) {
    Napi::Error js = Make(env, std::string(alith::to_string(alith_error->code())), alith_error->what());
    Napi::Object object = js.Value();
    if (const auto* provider = dynamic_cast<const alith::ProviderError*>(&error)) {
      object.Set("status", Napi::Number::New(env, provider->status()));
      object.Set("body", Napi::String::New(env, provider->body()));
    }
    if (const auto* limited = dynamic_cast<const alith::RateLimitedError*>(&error)) {
      if (limited->retry_after_seconds()) {
        object.Set("retryAfterSeconds", Napi::Number::New(env, *limited->retry_after_seconds()));
      }
    }
    if (const auto* parse = dynamic_cast<const alith::ParseError*>(&error)) {
      if (parse->offset())
        object.Set("offset", Napi::Number::New(env, static_cast<double>(*parse->offset())));
    }
    return js;
  }
  if (const auto* js = dynamic_cast<const Napi::Error*>(&error)) return *js;
  return Make(env, "internal", error.what());
}

Napi::Error ToJsError(Napi::Env env, const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const Napi::Error& js) {
    return js;
  } catch (const std::exception& e) {
    return ToJsError(env, e);
  } catch (...) {
    return Make(env, "internal", "unknown C++ exception");
  }
}

void ThrowJs(Napi::Env env, const std::exception& error) {
  throw ToJsError(env, error);
}

void InitErrors(Napi::Env env, Napi::Object exports) {
  exports.Set("registerErrorClasses", Napi::Function::New(env, RegisterErrorClasses, "registerErrorClasses"));
}
