// LiveRuntime: an io_context, its threads, and timers keyed by id so they can be cancelled.
#include "sim/live/runtime.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "runtime_access.h"

namespace rh::sim::live {

namespace asio = boost::asio;

namespace {
// The runtime whose loop the current thread runs, for InRuntimeThread().
thread_local const void* current_runtime = nullptr;

int ConcurrencyHint(int threads) {
  // A hint of 1 lets Asio skip some locking inside the loop; posting from other threads stays safe.
  return threads == 1 ? 1 : BOOST_ASIO_CONCURRENCY_HINT_DEFAULT;
}
}  // namespace

struct LiveRuntime::Impl {
  explicit Impl(Config c) : config(c), io(ConcurrencyHint(c.threads)) {
    // RealClock counts from its construction and does not say from when, so the steady time of
    // Instant zero is measured here; the error is the few nanoseconds between the two readings.
    const auto before = std::chrono::steady_clock::now();
    const Instant now = clock.Now();
    const auto after = std::chrono::steady_clock::now();
    steady_origin =
        before + (after - before) / 2 -
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(now.time_since_epoch());
  }

  std::chrono::steady_clock::time_point ToSteady(Instant when) const {
    // Far-future instants (Instant::max() as "never") must not overflow the steady clock.
    constexpr Duration kFar = Hours(24 * 365 * 100);
    if (when.time_since_epoch() > kFar) return std::chrono::steady_clock::time_point::max();
    return steady_origin +
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(when.time_since_epoch());
  }

  Config config;
  RealClock clock;
  std::chrono::steady_clock::time_point steady_origin;

  // Declared before the timers: timers must be destroyed before the loop they belong to.
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;

  mutable std::mutex lifecycle_mu;  // Start / Stop
  std::vector<std::thread> threads;

  // Timers not yet fired. A timer's handler runs its callback only if it can still remove its
  // own entry, so Cancel wins even when Asio already queued the expiry.
  std::mutex timers_mu;
  std::unordered_map<TimerId, std::unique_ptr<asio::steady_timer>> timers;
  TimerId next_timer = 1;
};

asio::io_context& detail::RuntimeAccess::Io(LiveRuntime& runtime) { return runtime.impl_->io; }

LiveRuntime::LiveRuntime() : LiveRuntime(Config{}) {}

LiveRuntime::LiveRuntime(Config config) : impl_(std::make_unique<Impl>(config)) {
  RH_CHECK(config.threads >= 1, "LiveRuntime needs at least one thread");
}

LiveRuntime::~LiveRuntime() { Stop(); }

void LiveRuntime::Start() {
  std::lock_guard lock(impl_->lifecycle_mu);
  if (!impl_->threads.empty()) return;
  impl_->io.restart();
  impl_->work.emplace(impl_->io.get_executor());
  for (int i = 0; i < impl_->config.threads; ++i) {
    impl_->threads.emplace_back([impl = impl_.get()] {
      current_runtime = impl;
      impl->io.run();
      current_runtime = nullptr;
    });
  }
}

void LiveRuntime::Stop() {
  std::lock_guard lock(impl_->lifecycle_mu);
  if (impl_->threads.empty()) return;
  RH_CHECK(!InRuntimeThread(), "LiveRuntime::Stop from its own thread would join itself");
  impl_->work.reset();
  impl_->io.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

bool LiveRuntime::running() const {
  std::lock_guard lock(impl_->lifecycle_mu);
  return !impl_->threads.empty();
}

bool LiveRuntime::InRuntimeThread() const { return current_runtime == impl_.get(); }

const Clock& LiveRuntime::clock() const { return impl_->clock; }

void LiveRuntime::Post(Callback fn) { asio::post(impl_->io, std::move(fn)); }

TimerId LiveRuntime::ScheduleAt(Instant when, Callback fn) {
  Impl& impl = *impl_;
  std::lock_guard lock(impl.timers_mu);
  const TimerId id = impl.next_timer++;
  auto timer = std::make_unique<asio::steady_timer>(impl.io, impl.ToSteady(when));
  // The handler needs the lock to find its entry, so it cannot run before the entry exists.
  timer->async_wait([&impl, id, fn = std::move(fn)](const boost::system::error_code&) {
    {
      std::lock_guard handler_lock(impl.timers_mu);
      auto it = impl.timers.find(id);
      if (it == impl.timers.end()) return;  // cancelled
      impl.timers.erase(it);  // destroying a timer inside its own completion is allowed
    }
    fn();
  });
  impl.timers.emplace(id, std::move(timer));
  return id;
}

bool LiveRuntime::Cancel(TimerId id) {
  std::unique_ptr<asio::steady_timer> timer;
  {
    std::lock_guard lock(impl_->timers_mu);
    auto it = impl_->timers.find(id);
    if (it == impl_->timers.end()) return false;
    timer = std::move(it->second);
    impl_->timers.erase(it);
  }
  // Destroying the timer cancels its wait; a handler already queued finds no entry and returns.
  return true;
}

}  // namespace rh::sim::live
