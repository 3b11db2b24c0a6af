#pragma once

// The pieces the knowledge, flow, mcp and web3 binders are split into, and what they share.

#include <nanobind/nanobind.h>

#include <memory>
#include <vector>

#include "alith/flow/graph.h"
#include "alith/store/filter.h"
#include "alith/store/vector_store.h"

namespace alith_py {

namespace nb = nanobind;

void bind_store(nb::module_& m);       // store.cpp
void bind_flow_graph(nb::module_& m);  // flow_graph.cpp
void bind_web3_keys(nb::module_& m);   // web3_keys.cpp
void bind_web3_chain(nb::module_& m);  // web3_chain.cpp
void bind_mcp_server(nb::module_& m);  // mcp_server.cpp

// A compiled workflow graph (Graph is immutable and shared; nanobind holds it through this handle).
struct GraphHandle {
  std::shared_ptr<const alith::flow::Graph> graph;
};

alith::store::Filter filter_from_python(nb::handle filter);  // None: no filter
nb::dict hit_to_python(const alith::store::Hit& hit);
nb::list hits_to_python(const std::vector<alith::store::Hit>& hits);
// A dict with "id" and optional "score", "text", "metadata" (what hit_to_python makes, or a reranker
// returns).
alith::store::Hit hit_from_python(nb::handle item);

}  // namespace alith_py
