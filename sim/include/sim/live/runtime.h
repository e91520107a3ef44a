// The live-mode Executor: an Asio event loop run by a few threads under the machine's clocks.
// Coroutines of live mode (the live HTTP client, webhook delivery, the load driver) resume here,
// and their timers fire here. Not deterministic: reproducible runs use the Scheduler under
// virtual time instead.
// It must not expose Asio: this header is included by code that never compiles Asio, and only
// sim/src/live/ reaches the event loop (through detail::RuntimeAccess, defined there).
#pragma once

#include <future>
#include <memory>
#include <type_traits>
#include <utility>

#include "sim/check.h"
#include "sim/clock.h"
#include "sim/executor.h"
#include "sim/task.h"

namespace rh::sim::live {

namespace detail {
struct RuntimeAccess;
}  // namespace detail

class LiveRuntime final : public Executor {
 public:
  struct Config {
    int threads = 1;  // threads running the event loop; at least 1
  };

  LiveRuntime();
  explicit LiveRuntime(Config config);
  // Stops (see Stop). Clients and servers using this runtime must be destroyed first.
  ~LiveRuntime() override;
  LiveRuntime(const LiveRuntime&) = delete;
  LiveRuntime& operator=(const LiveRuntime&) = delete;

  // Starts the threads. Work posted before Start waits for it. Idempotent; a stopped runtime
  // can be started again and runs what was left queued.
  void Start();
  // Stops the loop and joins its threads; handlers not yet run stay queued (and are destroyed,
  // not run, with the runtime). Idempotent. Must not be called from a runtime thread.
  void Stop();
  bool running() const;
  // True on one of this runtime's threads.
  bool InRuntimeThread() const;

  // Executor. clock() is a RealClock owned by the runtime, created with it.
  const Clock& clock() const override;
  // Thread-safe.
  void Post(Callback fn) override;
  // Thread-safe. Timers due at the same instant run in no guaranteed order in live mode (the
  // threads race anyway); only the virtual-time Scheduler promises insertion order.
  TimerId ScheduleAt(Instant when, Callback fn) override;
  // Thread-safe; false when the timer already ran (or is running) or was cancelled.
  bool Cancel(TimerId id) override;

 private:
  friend struct detail::RuntimeAccess;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

namespace detail {
template <class T>
Task<void> FulfilPromise(Task<T> task, std::shared_ptr<std::promise<T>> promise) {
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(task);
      promise->set_value();
    } else {
      promise->set_value(co_await std::move(task));
    }
  } catch (...) {
    promise->set_exception(std::current_exception());
  }
}
}  // namespace detail

// Starts `task` on a runtime thread and returns a future for its result (an exception escaping
// the task is stored in the future). For threads outside the runtime: tests, the command line.
// Whatever the task references must outlive it, even when the caller stops waiting.
template <class T>
std::future<T> Launch(LiveRuntime& runtime, Task<T> task) {
  // The promise is shared with the coroutine so that neither side outlives it.
  auto promise = std::make_shared<std::promise<T>>();
  std::future<T> future = promise->get_future();
  // Post needs a copyable callable, and a Task is move-only.
  auto wrapper = std::make_shared<Task<void>>(detail::FulfilPromise(std::move(task), promise));
  runtime.Post([wrapper] { Detach(std::move(*wrapper)); });
  return future;
}

// Blocks the calling thread until `task` has run to completion on the runtime. Calling it from a
// runtime thread would deadlock, so that is a bug.
template <class T>
T RunSync(LiveRuntime& runtime, Task<T> task) {
  RH_CHECK(!runtime.InRuntimeThread(), "RunSync called on a runtime thread would deadlock");
  RH_CHECK(runtime.running(), "RunSync on a runtime that is not started would never return");
  return Launch(runtime, std::move(task)).get();
}

}  // namespace rh::sim::live
