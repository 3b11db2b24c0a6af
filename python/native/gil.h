#pragma once

// Python objects owned by C++ objects (tool handlers, callbacks) that may be destroyed on threads without the
// GIL, such as the agent's tool pool or a native run thread.

#include <nanobind/nanobind.h>

#include <memory>
#include <utility>

namespace alith_py {

namespace nb = nanobind;

// Whether calling into Python is still possible (false once the interpreter is finalizing).
bool python_alive() noexcept;

// A shared owner of one Python reference; the last copy drops it with the GIL held, on any thread, and leaks
// it instead once the interpreter is gone (touching it then would crash at exit).
class PyObjectRef {
 public:
  PyObjectRef() = default;
  explicit PyObjectRef(nb::handle object);
  // Only with the GIL held.
  const nb::object& get() const { return *ref_; }
  explicit operator bool() const noexcept { return static_cast<bool>(ref_); }

 private:
  std::shared_ptr<nb::object> ref_;
};

// fn() with the GIL released: for C++ work that may block (models, HTTP, stores, chain calls). Its arguments
// must already be C++ values; the result is built before the GIL is taken back.
template <class Fn>
auto without_gil(Fn&& fn) {
  nb::gil_scoped_release release;
  return std::forward<Fn>(fn)();
}

}  // namespace alith_py
