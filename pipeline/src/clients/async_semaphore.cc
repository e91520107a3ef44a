#include "pipeline/clients/async_semaphore.h"

#include "sim/check.h"

namespace rh::pipeline::clients {

AsyncSemaphore::AsyncSemaphore(sim::Executor& executor, int permits) : executor_(executor), permits_(permits) {
  RH_CHECK(permits > 0, "a semaphore needs at least one permit");
}

bool AsyncSemaphore::TryAcquire() {
  std::lock_guard lock(mu_);
  // Queued waiters come first: a newcomer never overtakes them (FIFO, no starvation).
  if (permits_ == 0 || !waiters_.empty()) return false;
  --permits_;
  return true;
}

bool AsyncSemaphore::Enqueue(std::coroutine_handle<> h) {
  std::lock_guard lock(mu_);
  if (permits_ > 0 && waiters_.empty()) {
    --permits_;
    return false;
  }
  waiters_.push_back(h);
  return true;
}

void AsyncSemaphore::Release() {
  std::coroutine_handle<> next;
  {
    std::lock_guard lock(mu_);
    if (waiters_.empty()) {
      ++permits_;
      return;
    }
    // The permit passes straight to the oldest waiter; it never returns to the pool.
    next = waiters_.front();
    waiters_.pop_front();
  }
  // Resumed from the executor, not inline: the releasing coroutine finishes its own step first.
  executor_.Post([next] { next.resume(); });
}

int AsyncSemaphore::available() const {
  std::lock_guard lock(mu_);
  return permits_;
}

std::size_t AsyncSemaphore::waiting() const {
  std::lock_guard lock(mu_);
  return waiters_.size();
}

}  // namespace rh::pipeline::clients
