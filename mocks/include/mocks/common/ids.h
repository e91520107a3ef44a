// Real-looking identifiers, deterministic from the run's Rng: Shopify's 64-bit ids (above 2^53,
// increasing with gaps), Gorgias's small increasing integers, and UUIDv4 strings for webhook and
// event ids.
#pragma once

#include <cstdint>
#include <string>

#include "sim/rng.h"

namespace rh::mocks {

// Increasing ids from `start`, each step a draw in [1, max_gap].
class IdSequence {
 public:
  IdSequence(std::uint64_t start, std::uint64_t max_gap, sim::Rng rng)
      : next_(start), max_gap_(max_gap), rng_(rng) {}
  std::uint64_t Next() {
    const std::uint64_t id = next_;
    next_ += max_gap_ <= 1 ? 1 : 1 + rng_.Below(max_gap_);
    return id;
  }

 private:
  std::uint64_t next_;
  std::uint64_t max_gap_;
  sim::Rng rng_;
};

// "f47ac10b-58cc-4372-a567-0e02b2c3d479" style, version 4, variant 1.
std::string Uuid4(sim::Rng& rng);

}  // namespace rh::mocks
