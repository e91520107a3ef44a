#include "mocks/common/token_bucket.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/check.h"

namespace rh::mocks {

namespace {
std::int64_t ToMicro(double tokens) { return static_cast<std::int64_t>(std::llround(tokens * 1e6)); }
}  // namespace

TokenBucket::TokenBucket(Config config)
    : capacity_micro_(ToMicro(config.capacity)),
      refill_micro_per_second_(ToMicro(config.refill_per_second)),
      config_(config),
      available_micro_(capacity_micro_) {
  RH_CHECK(capacity_micro_ > 0 && refill_micro_per_second_ > 0, "TokenBucket needs a capacity and a rate");
}

std::int64_t TokenBucket::AvailableAt(sim::Instant now) const {
  if (now <= updated_) return available_micro_;
  const auto elapsed_ns = (now - updated_).count();
  // Integer arithmetic in 128 bits: refill (micro-tokens/s) x elapsed (ns) / 1e9.
  __extension__ using I128 = __int128;
  const I128 gained = static_cast<I128>(refill_micro_per_second_) * elapsed_ns / 1'000'000'000;
  const I128 total = static_cast<I128>(available_micro_) + gained;
  return total > capacity_micro_ ? capacity_micro_ : static_cast<std::int64_t>(total);
}

double TokenBucket::Available(sim::Instant now) const {
  return static_cast<double>(AvailableAt(now)) / static_cast<double>(kScale);
}

TokenBucket::Decision TokenBucket::TryTake(sim::Instant now, double cost) {
  const std::int64_t available = AvailableAt(now);
  available_micro_ = available;
  updated_ = std::max(updated_, now);
  const std::int64_t want = ToMicro(cost);
  Decision d;
  if (want <= available) {
    available_micro_ = available - want;
    d.admitted = true;
  } else {
    const std::int64_t missing = want - available;
    // Ceiling division so that waiting exactly retry_after is enough; in 128 bits, since a large
    // cost (an LLM call of a million tokens) times 1e9 overflows 64.
    __extension__ using I128 = __int128;
    const I128 ns = (static_cast<I128>(missing) * 1'000'000'000 + refill_micro_per_second_ - 1) / refill_micro_per_second_;
    const I128 max_ns = std::numeric_limits<std::int64_t>::max() / 2;
    d.retry_after = sim::Duration(static_cast<std::int64_t>(ns > max_ns ? max_ns : ns));
  }
  d.available = static_cast<double>(available_micro_) / static_cast<double>(kScale);
  return d;
}

void TokenBucket::Refund(sim::Instant now, double tokens) {
  available_micro_ = std::min(capacity_micro_, AvailableAt(now) + ToMicro(tokens));
  updated_ = std::max(updated_, now);
}

}  // namespace rh::mocks
