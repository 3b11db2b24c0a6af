#pragma once

// Conversions between alith's C++ values and Python objects, shared by every binder.
// JSON: dict/list/str/int/float/bool/None both ways (tuples read as lists; anything else is a TypeError).
// All functions need the GIL.

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include <memory>
#include <string>
#include <vector>

#include "alith/agent/tool.h"
#include "alith/core/json.h"
#include "alith/llm/message.h"

namespace alith_py {

namespace nb = nanobind;

nb::object to_python(const alith::Json& value);
alith::Json from_python(nb::handle object);

// A message as a dict: {"role", "content"} plus "tool_calls", "tool_call_id", "name", "is_error" when set.
// content is a str when the message is text only, else the list of parts as alith serializes them.
nb::dict message_to_python(const alith::llm::Message& message);
// Accepts such a dict (content a str or a list of parts) or a plain str (a user message).
alith::llm::Message message_from_python(nb::handle object);
std::vector<alith::llm::Message> messages_from_python(nb::handle object);  // a str, one dict or a list
nb::list messages_to_python(const std::vector<alith::llm::Message>& messages);
nb::dict usage_to_python(const alith::llm::Usage& usage);
nb::dict tool_call_to_python(const alith::llm::ToolCall& call);

// A tool whose handler is a Python callable fn(args: dict) -> str | JSON value, called with the GIL acquired
// on whatever thread the agent runs the tool. A str result goes to the model verbatim. A Python exception
// becomes alith::ToolError carrying "<ExceptionType>: <message>" (never the traceback), so the model sees
// the message; alith.CancelledError raised by fn becomes alith::CancelledError.
std::shared_ptr<alith::agent::Tool> make_python_tool(std::string name, std::string description,
                                                     alith::Json schema, nb::object fn);

}  // namespace alith_py

// The contract names, usable unqualified from any binder.
using alith_py::from_python;
using alith_py::make_python_tool;
using alith_py::to_python;
