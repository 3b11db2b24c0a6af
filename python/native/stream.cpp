#include "stream.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include "gil.h"

namespace alith_py {

struct NativeStream::State {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Item> items;
  bool finished = false;
  std::exception_ptr error;
  Item final_item;
  std::thread thread;
  std::thread::id thread_id;
};

NativeStream::NativeStream(Work work, alith::CancelToken cancel, nb::object on_done)
    : state_(std::make_shared<State>()), cancel_(std::move(cancel)) {
  PyObjectRef done_ref;
  if (on_done.is_valid() && !on_done.is_none()) done_ref = PyObjectRef(on_done);
  state_->thread =
      std::thread([state = state_, work = std::move(work), done_ref = std::move(done_ref)]() mutable {
        Emit emit = [&state](Item item) {
          {
            std::lock_guard lock(state->mu);
            state->items.push_back(std::move(item));
          }
          state->cv.notify_all();
        };
        Item final_item;
        std::exception_ptr error;
        try {
          final_item = work(emit);
        } catch (...) {
          error = std::current_exception();
        }
        work = nullptr;  // drops what the work captured (possibly Python callables) before waking Python
        {
          std::lock_guard lock(state->mu);
          state->final_item = std::move(final_item);
          state->error = std::move(error);
          state->finished = true;
        }
        state->cv.notify_all();
        if (done_ref && python_alive()) {
          nb::gil_scoped_acquire gil;
          try {
            done_ref.get()();
          } catch (nb::python_error& e) {
            e.discard_as_unraisable("alith: stream completion callback");
          }
        }
      });
  state_->thread_id = state_->thread.get_id();
}

NativeStream::~NativeStream() {
  if (!state_->thread.joinable()) return;
  cancel_.cancel();
  if (std::this_thread::get_id() == state_->thread_id) {
    state_->thread.detach();  // dropped from its own completion callback: the thread is about to end anyway
  } else if (PyGILState_Check()) {
    nb::gil_scoped_release release;
    state_->thread.join();
  } else {
    state_->thread.join();
  }
}

void NativeStream::close() {
  cancel_.cancel();
  if (!state_->thread.joinable() || std::this_thread::get_id() == state_->thread_id) return;
  {
    nb::gil_scoped_release release;
    state_->thread.join();
  }
}

bool NativeStream::done() const {
  std::lock_guard lock(state_->mu);
  return state_->finished;
}

nb::object NativeStream::poll() {
  Item item;
  {
    nb::gil_scoped_release release;
    std::unique_lock lock(state_->mu);
    state_->cv.wait(lock, [&] { return !state_->items.empty() || state_->finished; });
    if (!state_->items.empty()) {
      item = std::move(state_->items.front());
      state_->items.pop_front();
    } else if (state_->error) {
      std::rethrow_exception(state_->error);
    }
  }
  if (!item) return nb::none();
  return item();
}

nb::object NativeStream::next() {
  nb::object item = poll();
  if (item.is_none()) throw nb::stop_iteration();
  return item;
}

nb::object NativeStream::result() {
  Item item;
  {
    nb::gil_scoped_release release;
    std::unique_lock lock(state_->mu);
    state_->cv.wait(lock, [&] { return state_->finished; });
    if (state_->error) std::rethrow_exception(state_->error);
    item = state_->final_item;
  }
  return item ? item() : nb::none();
}

void bind_stream(nb::module_& m) {
  nb::class_<NativeStream>(
      m, "NativeStream", "Events of work running on a native thread (returned by stream methods; iterate it)")
      .def("__iter__", [](nb::handle self) { return self; })
      .def("__next__", &NativeStream::next)
      .def("poll", &NativeStream::poll, "The next item, waiting without the GIL; None at the end.")
      .def("result", &NativeStream::result, "The final value, waiting for the end; raises the work's error.")
      .def("done", &NativeStream::done)
      .def("cancel", &NativeStream::cancel, "Asks the work to stop (its CancelToken fires).")
      .def("close", &NativeStream::close, "Cancels the work and waits for its thread to end.");
}

}  // namespace alith_py
