#pragma once

// The binders module.cpp calls, in this order: errors, llm and agent first (they register ChatModel,
// EmbeddingModel, Tool, Agent and CancelToken, which the others take and return), then the modules.

#include <nanobind/nanobind.h>

namespace nb = nanobind;

void bind_errors(nb::module_& m);
void bind_llm(nb::module_& m);
void bind_agent(nb::module_& m);
void bind_knowledge(nb::module_& m);
void bind_flow(nb::module_& m);
void bind_mcp(nb::module_& m);
void bind_web3(nb::module_& m);
