#include "sim/clock.h"

#include "sim/check.h"

namespace rh::sim {

VirtualClock::VirtualClock(WallTime wall_epoch) : wall_epoch_(wall_epoch) {}

void VirtualClock::AdvanceTo(Instant t) {
  RH_CHECK(t >= now_, "virtual time may not go backwards");
  now_ = t;
}

RealClock::RealClock() : origin_(std::chrono::steady_clock::now()) {}

Instant RealClock::Now() const {
  return Instant(std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - origin_));
}

WallTime RealClock::WallNow() const {
  return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
}

WallTime DefaultSimEpoch() {
  using namespace std::chrono;
  // Monday 2026-11-23, the week of Black Friday (27 November 2026).
  return WallTime(sys_days(year{2026} / November / 23).time_since_epoch());
}

}  // namespace rh::sim
