// C++20 coroutine tasks: the one asynchronous model of the pipeline and the mocks in both modes.
// A Task is lazy: it starts when awaited (or spawned) and resumes its awaiter by symmetric
// transfer when it finishes. Tasks know nothing about threads or time: suspension points
// (sleeps, HTTP sends) are awaitables of an Executor, which is the virtual-time scheduler in sim
// mode and an Asio event loop in live mode. So this header stays free of Asio.
#pragma once

#include <atomic>
#include <coroutine>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/check.h"

namespace rh::sim {

template <class T>
class Task;

namespace detail {

struct TaskPromiseBase {
  std::coroutine_handle<> continuation;
  std::exception_ptr exception;

  std::suspend_always initial_suspend() noexcept { return {}; }
  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      auto next = h.promise().continuation;
      return next ? next : std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { exception = std::current_exception(); }
};

template <class T>
struct TaskPromise : TaskPromiseBase {
  std::optional<T> value;
  Task<T> get_return_object() noexcept;
  template <class U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
  T Take() {
    if (exception) std::rethrow_exception(exception);
    RH_CHECK(value.has_value(), "Task finished without a value");
    return std::move(*value);
  }
};

template <>
struct TaskPromise<void> : TaskPromiseBase {
  Task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void Take() {
    if (exception) std::rethrow_exception(exception);
  }
};

}  // namespace detail

template <class T = void>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::TaskPromise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  Task() = default;
  explicit Task(Handle h) : h_(h) {}
  Task(Task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Task& operator=(Task&& o) noexcept {
    if (this != &o) {
      Reset();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { Reset(); }

  bool valid() const { return static_cast<bool>(h_); }
  bool done() const { return h_ && h_.done(); }

  auto operator co_await() && noexcept {
    struct Awaiter {
      Handle h;
      bool await_ready() noexcept { return !h || h.done(); }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
        h.promise().continuation = awaiting;
        return h;
      }
      T await_resume() { return h.promise().Take(); }
    };
    return Awaiter{h_};
  }

  // For drivers: start the task without an awaiter; check done() and Take() later.
  void Start() {
    RH_CHECK(h_ && !h_.done(), "Task::Start on an empty or finished task");
    h_.resume();
  }
  T TakeResult() {
    RH_CHECK(done(), "Task::TakeResult before the task finished");
    return h_.promise().Take();
  }

 private:
  void Reset() {
    if (h_) h_.destroy();
    h_ = {};
  }
  Handle h_{};
};

namespace detail {
template <class T>
Task<T> TaskPromise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<TaskPromise<T>>::from_promise(*this));
}
inline Task<void> TaskPromise<void>::get_return_object() noexcept {
  return Task<void>(std::coroutine_handle<TaskPromise<void>>::from_promise(*this));
}

// A self-destroying coroutine used to run a Task without an awaiter.
struct DetachedTask {
  struct promise_type {
    DetachedTask get_return_object() noexcept { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
};
}  // namespace detail

// Runs `task` to completion without an awaiter, starting now on the caller's stack. An exception
// escaping it is passed to `on_error`; without one it is a bug and terminates.
void Detach(Task<void> task, std::function<void(std::exception_ptr)> on_error = {});

// Runs a coroutine lambda with its closure kept alive. `[&]() -> Task<> {...}()` is a trap: the
// closure, and so every capture, dies at the end of that full expression while the coroutine may
// still be suspended. Spawn moves the lambda into a frame that lives until its coroutine ends,
// then starts it now, like Detach.
template <class F>
  requires std::is_invocable_r_v<Task<void>, F&>
void Spawn(F lambda, std::function<void(std::exception_ptr)> on_error = {}) {
  auto holder = [](F f) -> Task<void> { co_await f(); };
  Detach(holder(std::move(lambda)), std::move(on_error));
}

// Awaits every task; results in input order. Tasks start one after another on the awaiting
// coroutine's thread and run concurrently from their first suspension on. Safe when tasks resume
// on other threads (the last to finish resumes the awaiter). An exception in any task is
// rethrown after all have finished.
template <class T>
Task<std::vector<T>> WhenAll(std::vector<Task<T>> tasks);
Task<void> WhenAll(std::vector<Task<void>> tasks);

namespace detail {
struct WhenAllState {
  std::atomic<std::size_t> remaining;
  std::coroutine_handle<> awaiter;
  std::exception_ptr first_error;
  std::atomic<bool> error_taken{false};
};

inline DetachedTask RunForWhenAll(Task<void> task, std::shared_ptr<WhenAllState> state) {
  try {
    co_await std::move(task);
  } catch (...) {
    if (!state->error_taken.exchange(true)) state->first_error = std::current_exception();
  }
  if (state->remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) state->awaiter.resume();
}

// Raw pointers only: GCC 12 may destroy temporaries of a co_await operand twice, so awaiters
// carry nothing with a non-trivial destructor (the coroutine frame owns the state).
struct WhenAllAwaiter {
  std::shared_ptr<WhenAllState>* state_owner;
  std::vector<Task<void>>* tasks;
  bool await_ready() noexcept { return tasks->empty(); }
  bool await_suspend(std::coroutine_handle<> h) {
    auto& state = *state_owner;
    state->awaiter = h;
    // One extra count held while starting, so a task finishing inline cannot resume us early.
    state->remaining.store(tasks->size() + 1, std::memory_order_relaxed);
    for (auto& t : *tasks) RunForWhenAll(std::move(t), state);
    return state->remaining.fetch_sub(1, std::memory_order_acq_rel) != 1;
  }
  void await_resume() {
    if ((*state_owner)->first_error) std::rethrow_exception((*state_owner)->first_error);
  }
};
}  // namespace detail

inline Task<void> WhenAll(std::vector<Task<void>> tasks) {
  auto state = std::make_shared<detail::WhenAllState>();
  co_await detail::WhenAllAwaiter{&state, &tasks};
}

template <class T>
Task<std::vector<T>> WhenAll(std::vector<Task<T>> tasks) {
  std::vector<std::optional<T>> slots(tasks.size());
  std::vector<Task<void>> wrapped;
  wrapped.reserve(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    wrapped.push_back([](Task<T> t, std::optional<T>* slot) -> Task<void> {
      slot->emplace(co_await std::move(t));
    }(std::move(tasks[i]), &slots[i]));
  }
  co_await WhenAll(std::move(wrapped));
  std::vector<T> out;
  out.reserve(slots.size());
  for (auto& s : slots) out.push_back(std::move(*s));
  co_return out;
}

}  // namespace rh::sim
