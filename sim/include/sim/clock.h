// The only sources of time. Code outside sim/ takes a `Clock&` and never reads the machine's
// clocks: in sim mode the scheduler drives a VirtualClock, in live mode a RealClock reads the
// machine. Simulated calendar time can be skewed as a fault without touching monotonic time.
#pragma once

#include "sim/time.h"

namespace rh::sim {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic: never goes backwards. For timeouts, limits and latency.
  virtual Instant Now() const = 0;
  // Calendar time, for timestamps that leave the process. May be skewed in simulation.
  virtual WallTime WallNow() const = 0;
  Moment MomentNow() const { return {Now(), WallNow()}; }
};

// Virtual time: moves only when the scheduler advances it. Deterministic.
class VirtualClock final : public Clock {
 public:
  // `wall_epoch` is the calendar time at Instant zero.
  explicit VirtualClock(WallTime wall_epoch);

  Instant Now() const override { return now_; }
  WallTime WallNow() const override { return wall_epoch_ + now_.time_since_epoch() + skew_; }

  // Moves time forward. Moving backwards is a bug and aborts.
  void AdvanceTo(Instant t);
  // Shifts calendar time only (a skewed-clock fault); monotonic time is untouched.
  void SetWallSkew(Duration skew) { skew_ = skew; }

 private:
  Instant now_{};
  WallTime wall_epoch_;
  Duration skew_{0};
};

// The machine's clocks, for live mode. Monotonic time counts from this object's creation.
class RealClock final : public Clock {
 public:
  RealClock();
  Instant Now() const override;
  WallTime WallNow() const override;

 private:
  std::chrono::steady_clock::time_point origin_;
};

// The default calendar start of a simulation: a Monday in the week before BFCM 2026, 00:00 UTC.
// Fixed so that traces do not depend on when they were made.
WallTime DefaultSimEpoch();

}  // namespace rh::sim
