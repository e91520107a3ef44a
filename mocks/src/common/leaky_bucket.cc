#include "mocks/common/leaky_bucket.h"

#include <algorithm>

#include "sim/check.h"

namespace rh::mocks {

LeakyBucket::LeakyBucket(Config config) : config_(config) {
  RH_CHECK(config.capacity > 0 && config.drain_each.count() > 0, "LeakyBucket needs a capacity and a rate");
}

sim::Duration LeakyBucket::BacklogAt(sim::Instant now) const {
  const sim::Duration elapsed = now > updated_ ? now - updated_ : sim::Duration{0};
  return std::max(sim::Duration{0}, backlog_ - elapsed);
}

std::int64_t LeakyBucket::Level(sim::Instant now) const {
  const sim::Duration backlog = BacklogAt(now);
  // Rounded up: a bucket holding 0.3 of a request still shows 1 in the call-limit header.
  return (backlog.count() + config_.drain_each.count() - 1) / config_.drain_each.count();
}

void LeakyBucket::Reconfigure(Config config) {
  RH_CHECK(config.capacity > 0 && config.drain_each.count() > 0, "LeakyBucket needs a capacity and a rate");
  // The same number of units stays in the bucket; they now drain at the new rate.
  __extension__ using I128 = __int128;
  backlog_ = sim::Duration(static_cast<sim::Duration::rep>(
      static_cast<I128>(backlog_.count()) * config.drain_each.count() / config_.drain_each.count()));
  config_ = config;
}

LeakyBucket::Decision LeakyBucket::TryAdmit(sim::Instant now, std::int64_t cost) {
  // Bring the state up to `now` first (a call with an older `now`, possible across live
  // threads, is treated as happening at the last update).
  backlog_ = BacklogAt(now);
  updated_ = std::max(updated_, now);
  const sim::Duration full = config_.drain_each * config_.capacity;
  const sim::Duration after = backlog_ + config_.drain_each * cost;
  Decision d;
  if (after > full) {
    // Refused, and the refusal pours nothing in: retry when `cost` fits.
    d.retry_after = after - full;
  } else {
    backlog_ = after;
    d.admitted = true;
  }
  d.level = Level(updated_);
  return d;
}

}  // namespace rh::mocks
