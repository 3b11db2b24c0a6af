#pragma once

// Work that runs on its own native thread while Python waits without the GIL: the engine of iterators over
// streamed events (agent.stream, model.stream) and of awaitables (agent.arun). The work emits items (closures
// that build the Python object later, on the consumer's thread, with the GIL) and returns a final item.
//
// Python sees `NativeStream`: __next__ blocks without the GIL until an item, the end (StopIteration) or the
// work's error (raised); poll() is the same but returns None at the end (for run_in_executor); result() gives
// the final item once done. close() (also on garbage collection) cancels the work and joins its thread.
// An optional on_done callable is called, with the GIL, on the work's thread once it has finished (asyncio
// uses it to wake its loop).

#include <nanobind/nanobind.h>

#include <functional>
#include <memory>

#include "alith/core/cancel.h"

namespace alith_py {

namespace nb = nanobind;

using Item = std::function<nb::object()>;
using Emit = std::function<void(Item)>;
using Work = std::function<Item(const Emit& emit)>;

class NativeStream {
 public:
  struct State;
  NativeStream(Work work, alith::CancelToken cancel, nb::object on_done);
  ~NativeStream();
  NativeStream(const NativeStream&) = delete;
  NativeStream& operator=(const NativeStream&) = delete;

  nb::object next();  // raises StopIteration at the end
  nb::object poll();  // None at the end
  nb::object result();
  bool done() const;
  void cancel() const { cancel_.cancel(); }
  void close();

 private:
  std::shared_ptr<State> state_;
  alith::CancelToken cancel_;
};

void bind_stream(nb::module_& m);

}  // namespace alith_py
