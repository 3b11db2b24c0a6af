#include "convert.h"

#include <cstdint>
#include <utility>

#include "alith/core/error.h"
#include "errors.h"
#include "gil.h"

namespace alith_py {

namespace {

constexpr int kMaxDepth = 256;

nb::object to_python_impl(const alith::Json& value, int depth) {
  if (depth > kMaxDepth) throw alith::InvalidArgumentError("JSON nests too deeply for Python conversion");
  switch (value.type()) {
    case alith::Json::value_t::null:
    case alith::Json::value_t::discarded:
      return nb::none();
    case alith::Json::value_t::boolean:
      return nb::bool_(value.get<bool>());
    case alith::Json::value_t::number_integer:
      return nb::int_(value.get<int64_t>());
    case alith::Json::value_t::number_unsigned:
      return nb::steal(PyLong_FromUnsignedLongLong(value.get<uint64_t>()));
    case alith::Json::value_t::number_float:
      return nb::float_(value.get<double>());
    case alith::Json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      return nb::str(s.data(), s.size());
    }
    case alith::Json::value_t::array: {
      nb::list out;
      for (const auto& item : value) out.append(to_python_impl(item, depth + 1));
      return out;
    }
    case alith::Json::value_t::object: {
      nb::dict out;
      for (const auto& [key, item] : value.items())
        out[nb::str(key.data(), key.size())] = to_python_impl(item, depth + 1);
      return out;
    }
    case alith::Json::value_t::binary:
      break;
  }
  throw alith::InvalidArgumentError("binary JSON values have no Python form");
}

alith::Json from_python_impl(nb::handle o, int depth) {
  if (depth > kMaxDepth) throw alith::InvalidArgumentError("value nests too deeply for JSON");
  if (o.is_none()) return nullptr;
  PyObject* p = o.ptr();
  if (PyBool_Check(p)) return p == Py_True;
  if (PyLong_Check(p)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(p, &overflow);
    if (overflow == 0) return static_cast<int64_t>(v);
    if (overflow > 0) {
      unsigned long long u = PyLong_AsUnsignedLongLong(p);
      if (!PyErr_Occurred()) return static_cast<uint64_t>(u);
      PyErr_Clear();
    }
    return PyLong_AsDouble(p);  // beyond 64 bits: JSON numbers are doubles to most readers anyway
  }
  if (PyFloat_Check(p)) return PyFloat_AS_DOUBLE(p);
  if (PyUnicode_Check(p)) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(p, &size);
    if (!data) throw nb::python_error();
    return std::string(data, static_cast<size_t>(size));
  }
  if (PyDict_Check(p)) {
    alith::Json out = alith::Json::object();
    PyObject* key = nullptr;
    PyObject* item = nullptr;
    Py_ssize_t pos = 0;
    while (PyDict_Next(p, &pos, &key, &item)) {
      if (!PyUnicode_Check(key)) {
        nb::str text = nb::str(nb::handle(key));
        out[text.c_str()] = from_python_impl(item, depth + 1);
      } else {
        out[nb::borrow<nb::str>(key).c_str()] = from_python_impl(item, depth + 1);
      }
    }
    return out;
  }
  if (PyList_Check(p) || PyTuple_Check(p)) {
    alith::Json out = alith::Json::array();
    for (nb::handle item : o) out.push_back(from_python_impl(item, depth + 1));
    return out;
  }
  // pydantic models and dataclasses are converted by the Python layer before they get here.
  throw nb::type_error(
      ("cannot convert " + std::string(nb::type_name(o.type()).c_str()) + " to JSON").c_str());
}

}  // namespace

nb::object to_python(const alith::Json& value) {
  return to_python_impl(value, 0);
}
alith::Json from_python(nb::handle object) {
  return from_python_impl(object, 0);
}

nb::dict message_to_python(const alith::llm::Message& message) {
  nb::dict d;
  d["role"] = nb::str(std::string(alith::llm::to_string(message.role)).c_str());
  bool text_only = true;
  for (const auto& part : message.content)
    text_only = text_only && part.kind == alith::llm::ContentPart::Kind::text;
  if (text_only) {
    std::string text = message.text();
    d["content"] = nb::str(text.data(), text.size());
  } else {
    d["content"] = to_python(alith::llm::to_json(message)["content"]);
  }
  if (!message.tool_calls.empty()) {
    nb::list calls;
    for (const auto& call : message.tool_calls) calls.append(tool_call_to_python(call));
    d["tool_calls"] = calls;
  }
  if (!message.tool_call_id.empty()) d["tool_call_id"] = nb::str(message.tool_call_id.c_str());
  if (!message.name.empty()) d["name"] = nb::str(message.name.c_str());
  if (message.is_error) d["is_error"] = true;
  return d;
}

alith::llm::Message message_from_python(nb::handle object) {
  if (PyUnicode_Check(object.ptr())) return alith::llm::Message::user(nb::cast<std::string>(object));
  return alith::llm::message_from_json(from_python(object));
}

std::vector<alith::llm::Message> messages_from_python(nb::handle object) {
  std::vector<alith::llm::Message> out;
  if (PyUnicode_Check(object.ptr()) || PyDict_Check(object.ptr())) {
    out.push_back(message_from_python(object));
  } else {
    for (nb::handle item : object) out.push_back(message_from_python(item));
  }
  return out;
}

nb::list messages_to_python(const std::vector<alith::llm::Message>& messages) {
  nb::list out;
  for (const auto& m : messages) out.append(message_to_python(m));
  return out;
}

nb::dict usage_to_python(const alith::llm::Usage& usage) {
  nb::dict d;
  d["prompt_tokens"] = usage.prompt_tokens;
  d["completion_tokens"] = usage.completion_tokens;
  d["total_tokens"] = usage.total_tokens;
  return d;
}

nb::dict tool_call_to_python(const alith::llm::ToolCall& call) {
  nb::dict d;
  d["id"] = nb::str(call.id.c_str());
  d["name"] = nb::str(call.name.c_str());
  d["arguments"] = to_python(call.arguments);
  if (!call.raw_arguments.empty()) d["raw_arguments"] = nb::str(call.raw_arguments.c_str());
  return d;
}

namespace {

class PythonTool final : public alith::agent::Tool {
 public:
  PythonTool(alith::llm::ToolSpec spec, nb::object fn) : spec_(std::move(spec)), fn_(fn) {}
  const alith::llm::ToolSpec& spec() const override { return spec_; }

  alith::Json invoke(const alith::Json& args, const alith::agent::ToolContext& context) override {
    context.cancel.check();
    if (!python_alive()) throw alith::ToolError("the Python interpreter is shutting down");
    nb::gil_scoped_acquire gil;
    try {
      nb::object result = fn_.get()(to_python(args));
      if (PyUnicode_Check(result.ptr())) return nb::cast<std::string>(result);
      return from_python(result);
    } catch (nb::python_error& e) {
      throw_python_error_as_alith(e, alith::ErrorCode::tool);
    }
  }

 private:
  alith::llm::ToolSpec spec_;
  PyObjectRef fn_;
};

}  // namespace

std::shared_ptr<alith::agent::Tool> make_python_tool(std::string name, std::string description,
                                                     alith::Json schema, nb::object fn) {
  if (!alith::agent::is_valid_tool_name(name))
    throw alith::InvalidArgumentError("invalid tool name \"" + name + "\": use 1-64 of [A-Za-z0-9_-]");
  if (!schema.is_object()) throw alith::InvalidArgumentError("a tool's schema must be a JSON object");
  if (!PyCallable_Check(fn.ptr())) throw alith::InvalidArgumentError("a tool's handler must be callable");
  alith::llm::ToolSpec spec{std::move(name), std::move(description), std::move(schema)};
  return std::make_shared<PythonTool>(std::move(spec), std::move(fn));
}

}  // namespace alith_py
