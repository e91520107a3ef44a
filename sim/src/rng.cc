#include "sim/rng.h"

#include <cmath>
#include <numbers>

#include "sim/check.h"

namespace rh::sim {
namespace {

std::uint64_t SplitMix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A strong 64-bit mixer (the SplitMix64 finalizer), so related keys give unrelated streams.
std::uint64_t Mix(std::uint64_t x) {
  std::uint64_t s = x;
  return SplitMix64(s);
}

// 128-bit product for Lemire's method; a GCC/Clang extension, named once here.
__extension__ using U128 = unsigned __int128;

std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

std::uint64_t StableHash(std::string_view bytes, std::uint64_t basis) {
  std::uint64_t h = basis;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

Rng::Rng(std::uint64_t seed) : Rng(Mix(seed ^ 0x5245484541525341ULL), true) {}

Rng::Rng(std::uint64_t key, bool /*derived*/) : key_(key) {
  std::uint64_t x = key;
  for (auto& word : s_) word = SplitMix64(x);
}

Rng Rng::Fork(std::string_view name) const {
  return Rng(Mix(key_ ^ Mix(StableHash(name))), true);
}

Rng Rng::Fork(std::string_view name, std::uint64_t index) const {
  return Rng(Mix(Fork(name).key_ + Mix(index + 1)), true);
}

std::uint64_t Rng::NextU64() {
  // xoshiro256** (Blackman and Vigna): fast, 256-bit state, passes BigCrush.
  const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

std::uint64_t Rng::Below(std::uint64_t n) {
  RH_CHECK(n > 0, "Rng::Below(0)");
  // Lemire's nearly divisionless method: unbiased, one multiply in the common case.
  U128 m = static_cast<U128>(NextU64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<U128>(NextU64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

std::int64_t Rng::UniformInt(std::int64_t lo, std::int64_t hi) {
  RH_CHECK(lo <= hi, "Rng::UniformInt with lo > hi");
  const auto span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  if (span == UINT64_MAX) return static_cast<std::int64_t>(NextU64());
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + Below(span + 1));
}

double Rng::Uniform01() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }

double Rng::Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform01(); }

bool Rng::Bernoulli(double p) {
  if (p <= 0.0) return false;
  if (p >= 1.0) return true;
  return Uniform01() < p;
}

double Rng::Exponential(double mean) {
  // 1 - U is in (0, 1], so the log is finite.
  return -mean * std::log(1.0 - Uniform01());
}

Duration Rng::ExponentialDuration(Duration mean) {
  return Duration(static_cast<Duration::rep>(Exponential(static_cast<double>(mean.count()))));
}

double Rng::Normal(double mean, double stddev) {
  const double u1 = 1.0 - Uniform01();  // (0, 1]
  const double u2 = Uniform01();
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  return mean + stddev * z;
}

double Rng::LogNormal(double mu, double sigma) { return std::exp(Normal(mu, sigma)); }

Duration Rng::LogNormalDuration(Duration median, double sigma) {
  const double factor = LogNormal(0.0, sigma);
  return Duration(static_cast<Duration::rep>(static_cast<double>(median.count()) * factor));
}

std::size_t Rng::WeightedIndex(std::span<const double> weights) {
  double total = 0;
  for (const double w : weights) {
    RH_CHECK(w >= 0, "Rng::WeightedIndex with a negative weight");
    total += w;
  }
  RH_CHECK(total > 0, "Rng::WeightedIndex with no positive weight");
  const double x = Uniform01() * total;
  double acc = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    acc += weights[i];
    if (x < acc) return i;
  }
  // Rounding can leave x == total; fall back to the last positive weight.
  for (std::size_t i = weights.size(); i-- > 0;) {
    if (weights[i] > 0) return i;
  }
  return 0;
}

}  // namespace rh::sim
