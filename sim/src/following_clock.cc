#include "sim/following_clock.h"

namespace rh::sim {

void FollowingClock::Observe(WallTime remote) {
  const std::int64_t lead = (remote - base_.WallNow()).count();
  std::int64_t seen = lead_ns_.load(std::memory_order_relaxed);
  while (lead > seen && !lead_ns_.compare_exchange_weak(seen, lead, std::memory_order_relaxed)) {
  }
}

}  // namespace rh::sim
