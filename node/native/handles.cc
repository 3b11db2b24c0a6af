#include "handles.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <utility>

#include "alith/core/config.h"
#include "alith/llm/registry.h"
#include "convert.h"
#include "errors.h"
#include "runtime.h"

namespace {

// Each handle kind is a type-tagged napi External, so a handle of one kind is never taken for another.
template <class T>
struct Holder {
  T value;
};

template <class T>
const napi_type_tag& TagOf();
#define ALITH_NODE_TAG(T, lo)                   \
  template <>                                   \
  const napi_type_tag& TagOf<T>() {             \
    static const napi_type_tag tag{lo, 0xa11f}; \
    return tag;                                 \
  }
ALITH_NODE_TAG(std::shared_ptr<alith::llm::ChatModel>, 0x6d6f64656c01)
ALITH_NODE_TAG(std::shared_ptr<alith::llm::EmbeddingModel>, 0x656d626564)
ALITH_NODE_TAG(std::shared_ptr<alith::agent::Tool>, 0x746f6f6c)
ALITH_NODE_TAG(std::shared_ptr<alith::agent::Agent>, 0x6167656e74)
ALITH_NODE_TAG(std::shared_ptr<alith::agent::Memory>, 0x6d656d6f7279)
ALITH_NODE_TAG(alith::agent::Hooks, 0x686f6f6b73)
ALITH_NODE_TAG(alith::CancelToken, 0x63616e63656c)
#undef ALITH_NODE_TAG

template <class T>
Napi::Value Wrap(Napi::Env env, T value) {
  auto external = Napi::External<Holder<T>>::New(env, new Holder<T>{std::move(value)},
                                                 [](Napi::Env, Holder<T>* holder) { delete holder; });
  napi_type_tag_object(env, external, &TagOf<T>());
  return external;
}

// The handle inside value (itself, or a JS-level object's `_native`), or null.
template <class T>
Holder<T>* Unwrap(Napi::Value value) {
  Napi::Env env = value.Env();
  if (value.IsObject() && !value.IsExternal()) value = value.As<Napi::Object>().Get("_native");
  if (!value.IsExternal()) return nullptr;
  bool matches = false;
  napi_check_object_type_tag(env, value, &TagOf<T>(), &matches);
  if (!matches) return nullptr;
  return value.As<Napi::External<Holder<T>>>().Data();
}

const alith::Config& TheConfig() {
  static const alith::Config config = alith::Config::load();
  return config;
}

}  // namespace

std::shared_ptr<alith::llm::ChatModel> ChatModelFromJs(Napi::Value value) {
  Napi::Env env = value.Env();
  if (value.IsString()) {
    return Guard(
        env, [&] { return alith::llm::make_chat_model(value.As<Napi::String>().Utf8Value(), TheConfig()); });
  }
  if (auto* holder = Unwrap<std::shared_ptr<alith::llm::ChatModel>>(value)) return holder->value;
  throw Napi::TypeError::New(
      env, "expected a chat model (a model object or a reference like 'openai:gpt-4o-mini')");
}

Napi::Value WrapChatModel(Napi::Env env, std::shared_ptr<alith::llm::ChatModel> model) {
  return Wrap(env, std::move(model));
}

std::shared_ptr<alith::llm::EmbeddingModel> EmbeddingModelFromJs(Napi::Value value) {
  Napi::Env env = value.Env();
  if (value.IsString()) {
    return Guard(env, [&] {
      return alith::llm::make_embedding_model(value.As<Napi::String>().Utf8Value(), TheConfig());
    });
  }
  if (auto* holder = Unwrap<std::shared_ptr<alith::llm::EmbeddingModel>>(value)) return holder->value;
  throw Napi::TypeError::New(
      env, "expected an embedding model (an EmbeddingModel or a reference like 'local:minilm')");
}

Napi::Value WrapEmbeddingModel(Napi::Env env, std::shared_ptr<alith::llm::EmbeddingModel> model) {
  return Wrap(env, std::move(model));
}

std::shared_ptr<alith::agent::Tool> ToolFromJs(Napi::Value value) {
  if (auto* holder = Unwrap<std::shared_ptr<alith::agent::Tool>>(value)) return holder->value;
  throw Napi::TypeError::New(value.Env(), "expected a tool (made by tool() or a native tool)");
}

Napi::Value WrapTool(Napi::Env env, std::shared_ptr<alith::agent::Tool> tool) {
  return Wrap(env, std::move(tool));
}

std::shared_ptr<alith::agent::Agent> AgentFromJs(Napi::Value value) {
  if (auto* holder = Unwrap<std::shared_ptr<alith::agent::Agent>>(value)) return holder->value;
  throw Napi::TypeError::New(value.Env(), "expected an Agent");
}

Napi::Value WrapAgent(Napi::Env env, std::shared_ptr<alith::agent::Agent> agent) {
  return Wrap(env, std::move(agent));
}

std::shared_ptr<alith::agent::Memory> MemoryFromJs(Napi::Value value) {
  if (auto* holder = Unwrap<std::shared_ptr<alith::agent::Memory>>(value)) return holder->value;
  throw Napi::TypeError::New(value.Env(),
                             "expected a memory (WindowMemory, BufferMemory, TokenWindowMemory)");
}

Napi::Value WrapMemory(Napi::Env env, std::shared_ptr<alith::agent::Memory> memory) {
  return Wrap(env, std::move(memory));
}

Napi::Value WrapHooks(Napi::Env env, alith::agent::Hooks hooks) {
  return Wrap(env, std::move(hooks));
}

alith::agent::Hooks HooksFromJs(Napi::Value value) {
  if (auto* holder = Unwrap<alith::agent::Hooks>(value)) return holder->value;
  throw Napi::TypeError::New(value.Env(), "expected native agent hooks");
}

Napi::Value WrapCancelToken(Napi::Env env, alith::CancelToken token) {
  return Wrap(env, std::move(token));
}

alith::CancelToken CancelFromJs(Napi::Value value) {
  if (value.IsUndefined() || value.IsNull()) return {};
  if (auto* holder = Unwrap<alith::CancelToken>(value)) return holder->value;
  Napi::Env env = value.Env();
  if (!value.IsObject() || !value.As<Napi::Object>().Has("aborted")) {
    throw Napi::TypeError::New(env, "signal must be an AbortSignal");
  }
  auto signal = value.As<Napi::Object>();
  alith::CancelToken token = alith::CancelToken::create();
  if (signal.Get("aborted").ToBoolean().Value()) {
    token.cancel();
    return token;
  }
  Napi::Value add = signal.Get("addEventListener");
  if (add.IsFunction()) {
    auto listener = Napi::Function::New(
        env, [token](const Napi::CallbackInfo&) { token.cancel(); }, "onAbort");
    auto options = Napi::Object::New(env);
    options.Set("once", true);
    add.As<Napi::Function>().Call(signal, {Napi::String::New(env, "abort"), listener, options});
  }
  return token;
}

// --- tools with JS handlers
// ---------------------------------------------------------------------------------

namespace {

// One call's rendezvous between the tool thread and the JS thread.
struct Pending {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  bool failed = false;
  alith::Json value;
  std::string error;

  void Finish(alith::Json v) {
    std::lock_guard<std::mutex> lock(mu);
    if (done) return;
    value = std::move(v);
    done = true;
    cv.notify_all();
  }
  void Fail(std::string message) {
    std::lock_guard<std::mutex> lock(mu);
    if (done) return;
    error = std::move(message);
    failed = true;
    done = true;
    cv.notify_all();
  }
};

std::string MessageOf(Napi::Value reason) {
  if (reason.IsObject()) {
    Napi::Value message = reason.As<Napi::Object>().Get("message");
    if (message.IsString()) return message.As<Napi::String>().Utf8Value();
  }
  if (reason.IsUndefined() || reason.IsNull()) return "the tool failed";
  return reason.ToString().Utf8Value();
}

void CallHandler(Napi::Env env, bool in_sync_call, const std::shared_ptr<Napi::FunctionReference>& fn,
                 const alith::Json& args, const std::string& call_id,
                 const std::shared_ptr<Pending>& pending) {
  try {
    auto context = Napi::Object::New(env);
    context.Set("callId", Napi::String::New(env, call_id));
    Napi::Value result = fn->Call({ToJs(env, args), context});
    if (result.IsObject() && result.As<Napi::Object>().Get("then").IsFunction()) {
      if (in_sync_call) {
        pending->Fail("an async tool handler cannot run inside a *Sync call; use the Promise API");
        return;
      }
      auto on_ok = Napi::Function::New(env, [pending](const Napi::CallbackInfo& info) {
        try {
          pending->Finish(FromJs(info[0]));
        } catch (const Napi::Error& e) {
          pending->Fail(e.Message());
        }
      });
      auto on_error = Napi::Function::New(
          env, [pending](const Napi::CallbackInfo& info) { pending->Fail(MessageOf(info[0])); });
      result.As<Napi::Object>().Get("then").As<Napi::Function>().Call(result, {on_ok, on_error});
      return;
    }
    pending->Finish(FromJs(result));
  } catch (const Napi::Error& e) {
    pending->Fail(MessageOf(e.Value()));
  } catch (const std::exception& e) {
    pending->Fail(e.what());
  }
}

class JsTool final : public alith::agent::Tool {
 public:
  JsTool(napi_env env, alith::llm::ToolSpec spec, std::shared_ptr<Napi::FunctionReference> fn)
      : env_(env), spec_(std::move(spec)), fn_(std::move(fn)) {}

  const alith::llm::ToolSpec& spec() const override { return spec_; }

  alith::Json invoke(const alith::Json& args, const alith::agent::ToolContext& context) override {
    auto pending = std::make_shared<Pending>();
    napi_env env = env_;
    if (alith_node::OnJsThread(env)) {
      // Called from a synchronous binding on the JS thread itself: run inline (no Promise can settle here).
      CallHandler(Napi::Env(env), true, fn_, args, context.call_id, pending);
    } else {
      auto job = [fn = fn_, args, call_id = context.call_id, pending](Napi::Env e, bool in_sync) {
        CallHandler(e, in_sync, fn, args, call_id, pending);
      };
      if (!alith_node::PostJob(env, std::move(job)))
        throw alith::CancelledError("the JS environment is shutting down");
    }
    std::unique_lock<std::mutex> lock(pending->mu);
    while (!pending->cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return pending->done; })) {
      context.cancel.check();  // the handler's eventual result is dropped
    }
    if (pending->failed) throw alith::ToolError(pending->error);
    return std::move(pending->value);
  }

 private:
  napi_env env_;
  alith::llm::ToolSpec spec_;
  std::shared_ptr<Napi::FunctionReference> fn_;
};

}  // namespace

std::shared_ptr<alith::agent::Tool> MakeJsTool(Napi::Env env, std::string name, std::string description,
                                               alith::Json schema, Napi::Function fn) {
  auto handler = SharedFunction(env, fn);
  // make_tool validates the name and schema; the JS tool keeps its spec.
  Guard(env, [&] {
    alith::agent::make_tool(
        name, description, schema,
        [](const alith::Json&, const alith::agent::ToolContext&) { return alith::Json(); });
  });
  alith::llm::ToolSpec spec{std::move(name), std::move(description), std::move(schema)};
  return std::make_shared<JsTool>(env, std::move(spec), std::move(handler));
}
