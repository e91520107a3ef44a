// A leaky bucket on the caller's clock: the rate limiter of Shopify's REST Admin API and of
// Gorgias's REST API. Each request pours `cost` units in; the bucket drains at a fixed rate; a
// request that would overflow is refused (no queueing) with the time until it would fit.
// The level is kept as "time needed to drain", so no rate is a floating-point number.
// Deterministic: a pure function of the calls and the `now` values passed in.
#pragma once

#include <cstdint>

#include "sim/time.h"

namespace rh::mocks {

class LeakyBucket {
 public:
  struct Config {
    std::int64_t capacity = 40;          // units held when full
    sim::Duration drain_each = sim::Ms(500);  // time to drain one unit (500 ms = 2/s)
  };
  struct Decision {
    bool admitted = false;
    sim::Duration retry_after{0};  // zero when admitted: how long until `cost` would fit
    std::int64_t level = 0;        // whole units in the bucket after the decision, rounded up
  };

  LeakyBucket() : LeakyBucket(Config{}) {}
  explicit LeakyBucket(Config config);

  Decision TryAdmit(sim::Instant now, std::int64_t cost = 1);
  // Whole units in the bucket at `now`, rounded up (as Shopify's call-limit header shows it).
  std::int64_t Level(sim::Instant now) const;
  const Config& config() const { return config_; }
  // Changes capacity or rate, keeping the current level (a plan change, or Shopify lowering
  // limits for a while).
  void Reconfigure(Config config);

 private:
  // Drained state at `now`: the time still needed to empty the bucket.
  sim::Duration BacklogAt(sim::Instant now) const;

  Config config_;
  sim::Duration backlog_{0};  // time to drain everything in the bucket, as of `updated_`
  sim::Instant updated_{};
};

}  // namespace rh::mocks
