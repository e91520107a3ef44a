// Seeded, splittable randomness with the project's own distributions, so results do not depend
// on the standard library build. One 64-bit seed per run; every subsystem or actor draws from a
// named child stream (`rng.Fork("mocks.shopify")`), so a draw added in one place never shifts
// another's. Deterministic: the same seed and the same calls give the same values on every
// platform with IEEE-754 doubles (Normal and LogNormal use libm's log/cos/sqrt, which glibc
// computes identically on every run of one build).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "sim/time.h"

namespace rh::sim {

class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  // A child stream named `name`. Depends only on this stream's identity and the name, not on
  // how many values were drawn here, so forking is order-independent.
  Rng Fork(std::string_view name) const;
  // A child stream numbered `index` (for the i-th customer, say).
  Rng Fork(std::string_view name, std::uint64_t index) const;

  // The identity of this stream: the seed for a root, a derived key for a child.
  std::uint64_t key() const { return key_; }

  std::uint64_t NextU64();
  // Uniform in [0, n), unbiased (Lemire's method). n must be > 0.
  std::uint64_t Below(std::uint64_t n);
  // Uniform in [lo, hi], both inclusive.
  std::int64_t UniformInt(std::int64_t lo, std::int64_t hi);
  // Uniform in [0, 1) with 53 random bits.
  double Uniform01();
  double Uniform(double lo, double hi);
  bool Bernoulli(double p);
  // Exponential with the given mean (inverse transform).
  double Exponential(double mean);
  Duration ExponentialDuration(Duration mean);
  // Standard normal scaled (Box-Muller, one value per call, no cached state).
  double Normal(double mean, double stddev);
  // exp(Normal(mu, sigma)).
  double LogNormal(double mu, double sigma);
  // A log-normal duration with the given median and sigma (shape); the common latency model.
  Duration LogNormalDuration(Duration median, double sigma);
  // Index drawn with probability proportional to weights[i]; weights must be >= 0, sum > 0.
  std::size_t WeightedIndex(std::span<const double> weights);

 private:
  Rng(std::uint64_t key, bool /*derived*/);
  std::uint64_t key_;
  std::uint64_t s_[4];  // xoshiro256** state
};

// FNV-1a 64-bit: a stable hash for names and scenario contents (not for security).
std::uint64_t StableHash(std::string_view bytes, std::uint64_t basis = 0xcbf29ce484222325ULL);

}  // namespace rh::sim
