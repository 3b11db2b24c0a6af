#pragma once

// alith::Error <-> Python exceptions. C++ -> Python is automatic: bind_errors registers a translator that
// raises the alith.errors class of the error's code (alith.ProviderError with .status/.body, ParseError with
// .offset, MaxStepsError with .transcript/.usage, ...) for every alith::Error that reaches Python.

#include <nanobind/nanobind.h>

#include "alith/core/error.h"

namespace alith_py {

namespace nb = nanobind;

// Rethrows a Python exception (caught as nb::python_error) as an alith::Error the C++ core understands: an
// alith.AlithError keeps its code, anything else gets `fallback`. The message is "<Type>: <text>" without the
// traceback. Needs the GIL.
[[noreturn]] void throw_python_error_as_alith(nb::python_error& error, alith::ErrorCode fallback);

}  // namespace alith_py
