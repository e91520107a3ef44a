// Where coroutines resume and timers fire. The Scheduler (virtual time, one thread) and the live
// runtime (an Asio event loop) both implement it, so pipeline and mock code awaiting a sleep or
// an HTTP reply is written once for both modes.
#pragma once

#include <coroutine>
#include <cstdint>
#include <functional>

#include "sim/clock.h"

namespace rh::sim {

using TimerId = std::uint64_t;

class Executor {
 public:
  using Callback = std::function<void()>;
  virtual ~Executor() = default;

  virtual const Clock& clock() const = 0;
  // Runs `fn` soon, after work already queued for now. Thread-safe in live mode.
  virtual void Post(Callback fn) = 0;
  // Runs `fn` at `when` (or now, if `when` has passed). The Scheduler runs ties in the order
  // scheduled; the live runtime's threads cannot promise that.
  virtual TimerId ScheduleAt(Instant when, Callback fn) = 0;
  // Cancels a timer that has not fired; false when it already ran or was cancelled.
  virtual bool Cancel(TimerId id) = 0;
};

// `co_await SleepUntil(ex, t)`: resumes on `ex` at `t`.
struct SleepUntil {
  Executor& executor;
  Instant when;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const {
    executor.ScheduleAt(when, [h] { h.resume(); });
  }
  void await_resume() const noexcept {}
};

// `co_await SleepFor(ex, d)`.
inline SleepUntil SleepFor(Executor& executor, Duration d) {
  return SleepUntil{executor, executor.clock().Now() + d};
}

// `co_await Yield(ex)`: lets work already queued for this instant run first.
struct Yield {
  Executor& executor;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const {
    executor.Post([h] { h.resume(); });
  }
  void await_resume() const noexcept {}
};

}  // namespace rh::sim
