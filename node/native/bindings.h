#pragma once

// One Init function per module of the addon; module.cc calls them in this order (errors first: every other
// module throws through it; llm and agent before the mods, whose functions take models, tools and agents).

#include <napi.h>

void InitErrors(Napi::Env env, Napi::Object exports);
void InitLlm(Napi::Env env, Napi::Object exports);
void InitAgent(Napi::Env env, Napi::Object exports);
void InitKnowledge(Napi::Env env, Napi::Object exports);
void InitFlow(Napi::Env env, Napi::Object exports);
void InitMcp(Napi::Env env, Napi::Object exports);
void InitWeb3(Napi::Env env, Napi::Object exports);
