#include "errors.h"

#include <exception>
#include <string>

#include "alith/agent/agent.h"
#include "bindings.h"
#include "convert.h"

namespace alith_py {

namespace {

std::optional<alith::ErrorCode> code_from_string(const std::string& code) {
  using C = alith::ErrorCode;
  for (C c :
       {C::provider, C::rate_limited, C::timeout, C::parse, C::schema, C::tool, C::io, C::chain, C::crypto,
        C::cancelled, C::config, C::invalid_argument, C::too_large, C::max_steps, C::unsupported}) {
    if (alith::to_string(c) == code) return c;
  }
  return std::nullopt;
}

// Builds the alith.errors exception for e and sets it as the pending Python error.
void raise(const alith::Error& e, const char* what) {
  nb::module_ errors = nb::module_::import_("alith.errors");
  std::string code(alith::to_string(e.code()));
  nb::object cls = errors.attr("error_class")(nb::str(code.c_str()));
  nb::object exc = cls(nb::str(what));
  exc.attr("code") = nb::str(code.c_str());
  if (const auto* p = dynamic_cast<const alith::ProviderError*>(&e)) {
    exc.attr("status") = p->status();
    exc.attr("body") = nb::str(p->body().c_str());
    if (const auto* r = dynamic_cast<const alith::RateLimitedError*>(&e)) {
      exc.attr("retry_after") =
          r->retry_after_seconds() ? nb::object(nb::float_(*r->retry_after_seconds())) : nb::none();
    }
  } else if (const auto* pe = dynamic_cast<const alith::ParseError*>(&e)) {
    exc.attr("offset") = pe->offset() ? nb::object(nb::int_(*pe->offset())) : nb::none();
  } else if (const auto* m = dynamic_cast<const alith::agent::MaxStepsError*>(&e)) {
    exc.attr("transcript") = messages_to_python(m->transcript());
    exc.attr("usage") = usage_to_python(m->usage());
  }
  PyErr_SetObject(cls.ptr(), exc.ptr());
}

}  // namespace

void throw_python_error_as_alith(nb::python_error& error, alith::ErrorCode fallback) {
  nb::handle value = error.value();
  std::string type = nb::type_name(error.type()).c_str();
  std::string message = nb::str(value).c_str();
  alith::ErrorCode code = fallback;
  if (nb::hasattr(value, "code") && nb::isinstance<nb::str>(value.attr("code"))) {
    nb::module_ errors = nb::module_::import_("alith.errors");
    if (nb::isinstance(value, errors.attr("AlithError"))) {
      if (auto c = code_from_string(nb::cast<std::string>(value.attr("code")))) code = *c;
    }
  }
  if (code == alith::ErrorCode::cancelled)
    throw alith::CancelledError(message.empty() ? "cancelled" : message);
  if (code == alith::ErrorCode::timeout && code != fallback) throw alith::TimeoutError(message);
  if (message.empty())
    message = type;
  else if (code == fallback)
    message = type + ": " + message;
  throw alith::Error(code, message);
}

}  // namespace alith_py

void bind_errors(nb::module_& m) {
  (void)m;
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const alith::Error& e) {
      alith_py::raise(e, e.what());
    }
  });
}
