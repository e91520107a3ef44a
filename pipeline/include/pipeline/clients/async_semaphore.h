// An asynchronous counting semaphore over an Executor: `co_await sem.Acquire()` takes a permit or
// suspends until one is released; Release hands the permit straight to the oldest waiter and
// posts its resumption to the executor (never resumes it inline, so a releasing coroutine does
// not run someone else's work on its stack). The API clients cap their concurrency with it.
//
// Thread-safe: a mutex guards the count and the queue, so it is correct on a multi-threaded
// LiveRuntime; in sim mode waiters resume in FIFO order through the Scheduler, deterministically.
// It must not be destroyed while coroutines wait on it (they would never resume).
#pragma once

#include <coroutine>
#include <cstddef>
#include <deque>
#include <mutex>

#include "sim/executor.h"

namespace rh::pipeline::clients {

class AsyncSemaphore {
 public:
  AsyncSemaphore(sim::Executor& executor, int permits);
  AsyncSemaphore(const AsyncSemaphore&) = delete;
  AsyncSemaphore& operator=(const AsyncSemaphore&) = delete;

  // Raw pointer only: awaiters carry nothing with a non-trivial destructor (GCC 12 may destroy
  // a co_await operand's temporaries twice).
  struct Acquirer {
    AsyncSemaphore* semaphore;
    bool await_ready() const { return semaphore->TryAcquire(); }
    bool await_suspend(std::coroutine_handle<> h) const { return semaphore->Enqueue(h); }
    void await_resume() const noexcept {}
  };

  // `co_await Acquire()`: resumes holding a permit.
  Acquirer Acquire() { return Acquirer{this}; }
  bool TryAcquire();
  void Release();

  int available() const;
  std::size_t waiting() const;

 private:
  // Takes a permit if one came free since await_ready (returns false: do not suspend), else
  // queues `h` (returns true). Nothing is touched after `h` is queued.
  bool Enqueue(std::coroutine_handle<> h);

  sim::Executor& executor_;
  mutable std::mutex mu_;
  int permits_;                               // guarded by mu_
  std::deque<std::coroutine_handle<>> waiters_;  // guarded by mu_; oldest first
};

}  // namespace rh::pipeline::clients
