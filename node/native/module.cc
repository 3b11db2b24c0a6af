// The addon's entry: every module registers its functions on one exports object (lib/native.js loads it).
#include <napi.h>

#include "bindings.h"
#include "runtime.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  alith_node::InitRuntime(env);
  InitErrors(env, exports);
  InitLlm(env, exports);
  InitAgent(env, exports);
  InitKnowledge(env, exports);
  InitFlow(env, exports);
  InitMcp(env, exports);
  InitWeb3(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(alith, Init)
