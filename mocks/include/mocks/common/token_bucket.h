// A token bucket on the caller's clock: Shopify's GraphQL cost limit (points restored per
// second up to a maximum, requested cost reserved up front and the unused part refunded) and the
// burst and steady windows of Klaviyo's and the LLM providers' limits. Tokens are counted in
// millionths, so fractional rates stay exact integers. Deterministic.
#pragma once

#include <cstdint>

#include "sim/time.h"

namespace rh::mocks {

class TokenBucket {
 public:
  struct Config {
    double capacity = 1000;      // tokens when full
    double refill_per_second = 50;
  };
  struct Decision {
    bool admitted = false;
    sim::Duration retry_after{0};  // until `cost` tokens are available; zero when admitted
    double available = 0;          // tokens left after the decision
  };

  TokenBucket() : TokenBucket(Config{}) {}
  explicit TokenBucket(Config config);

  // Takes `cost` tokens if available (a full bucket starts full).
  Decision TryTake(sim::Instant now, double cost);
  // Gives back unused tokens (GraphQL refunds requested minus actual cost), capped at capacity.
  void Refund(sim::Instant now, double tokens);
  double Available(sim::Instant now) const;
  const Config& config() const { return config_; }

 private:
  static constexpr std::int64_t kScale = 1'000'000;  // millionths of a token
  std::int64_t AvailableAt(sim::Instant now) const;
  std::int64_t capacity_micro_;
  std::int64_t refill_micro_per_second_;
  Config config_;
  std::int64_t available_micro_;
  sim::Instant updated_{};
};

}  // namespace rh::mocks
