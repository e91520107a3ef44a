// A calendar that follows another party's: for a process rehearsed from outside (`rehearse
// pipeline --follow-date`), whose services answer with a Date header from the rehearsal's stepped
// clock (docs/ANY-PIPELINE.md). Monotonic time is the base clock's; calendar time is the base's
// plus the largest lead seen in those Date headers, so it never goes backwards and jumps when the
// rehearsal's clock does. Thread-safe. Not deterministic (it is for live mode).
#pragma once

#include <atomic>
#include <cstdint>

#include "sim/clock.h"
#include "sim/executor.h"

namespace rh::sim {

class FollowingClock final : public Clock {
 public:
  explicit FollowingClock(const Clock& base) : base_(base) {}
  Instant Now() const override { return base_.Now(); }
  WallTime WallNow() const override { return base_.WallNow() + Duration(lead_ns_.load(std::memory_order_relaxed)); }
  // Another party said its calendar reads `remote` now (a Date header: whole seconds, so the
  // lead may be under-read by up to a second; it is only ever raised).
  void Observe(WallTime remote);

 private:
  const Clock& base_;
  std::atomic<std::int64_t> lead_ns_{0};
};

// An Executor that runs everything on `inner` but tells time by `clock` (whose monotonic time
// must be inner's).
class ExecutorWithClock final : public Executor {
 public:
  ExecutorWithClock(Executor& inner, const Clock& clock) : inner_(inner), clock_(clock) {}
  const Clock& clock() const override { return clock_; }
  void Post(Callback fn) override { inner_.Post(std::move(fn)); }
  TimerId ScheduleAt(Instant when, Callback fn) override { return inner_.ScheduleAt(when, std::move(fn)); }
  bool Cancel(TimerId id) override { return inner_.Cancel(id); }

 private:
  Executor& inner_;
  const Clock& clock_;
};

}  // namespace rh::sim
