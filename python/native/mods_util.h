#pragma once

// What the knowledge, flow, mcp and web3 binders share with the core's: JSON conversion (convert.h) and
// Python callables owned by C++ objects that may be destroyed on threads without the GIL (gil.h). Every
// callback into Python takes the GIL itself (nb::gil_scoped_acquire) before touching a Python object,
// arguments included, since the C++ that calls it runs with the GIL released.

#include <nanobind/nanobind.h>

#include "alith/core/json.h"
#include "convert.h"
#include "gil.h"

namespace alith_py {

using PyRef = PyObjectRef;

}  // namespace alith_py
