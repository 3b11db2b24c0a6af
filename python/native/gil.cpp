#include "gil.h"

namespace alith_py {

bool python_alive() noexcept {
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsInitialized() && !Py_IsFinalizing();
#else
  return Py_IsInitialized() && !_Py_IsFinalizing();
#endif
}

PyObjectRef::PyObjectRef(nb::handle object)
    : ref_(new nb::object(nb::borrow(object)), [](nb::object* o) {
        if (python_alive()) {
          nb::gil_scoped_acquire gil;
          delete o;
        } else {
          (void)o->release();
          delete o;
        }
      }) {}

}  // namespace alith_py
