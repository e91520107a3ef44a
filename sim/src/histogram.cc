#include "sim/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace rh::sim {
namespace {

constexpr std::size_t kHalf = std::size_t{1} << (Histogram::kSubBucketBits - 1);  // buckets per power of two

}  // namespace

std::size_t Histogram::IndexOf(std::int64_t value) {
  if (value < kExactBelow) return static_cast<std::size_t>(std::max<std::int64_t>(value, 0));
  const auto v = static_cast<std::uint64_t>(value);
  const int msb = 63 - std::countl_zero(v);
  const int shift = msb - kSubBucketBits + 1;  // >= 1
  const std::uint64_t mantissa = v >> shift;   // in [kHalf, 2 x kHalf)
  return static_cast<std::size_t>(shift) * kHalf + static_cast<std::size_t>(mantissa);
}

std::int64_t Histogram::LowestIn(std::size_t index) {
  if (index < static_cast<std::size_t>(kExactBelow)) return static_cast<std::int64_t>(index);
  const std::size_t shift = index / kHalf - 1;
  const std::size_t mantissa = index - shift * kHalf;
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(mantissa) << shift);
}

std::int64_t Histogram::HighestIn(std::size_t index) {
  if (index < static_cast<std::size_t>(kExactBelow)) return static_cast<std::int64_t>(index);
  const std::size_t shift = index / kHalf - 1;
  return LowestIn(index) + ((std::int64_t{1} << shift) - 1);
}

void Histogram::Record(std::int64_t value, std::uint64_t count) {
  if (count == 0) return;
  value = std::max<std::int64_t>(value, 0);
  const std::size_t index = IndexOf(value);
  if (index >= counts_.size()) counts_.resize(index + 1, 0);
  counts_[index] += count;
  min_ = total_ == 0 ? value : std::min(min_, value);
  max_ = total_ == 0 ? value : std::max(max_, value);
  total_ += count;
  sum_ += value * static_cast<std::int64_t>(count);
}

void Histogram::Merge(const Histogram& other) {
  if (other.total_ == 0) return;
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  min_ = total_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = total_ == 0 ? other.max_ : std::max(max_, other.max_);
  total_ += other.total_;
  sum_ += other.sum_;
}

std::int64_t Histogram::ValueAt(double q) const {
  if (total_ == 0) return 0;
  const double clamped = std::clamp(q, 0.0, 1.0);
  const auto wanted = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(clamped * static_cast<double>(total_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= wanted) return std::clamp(HighestIn(i), min_, max_);
  }
  return max_;
}

std::vector<std::pair<std::int64_t, std::uint64_t>> Histogram::Buckets() const {
  std::vector<std::pair<std::int64_t, std::uint64_t>> out;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] != 0) out.emplace_back(LowestIn(i), counts_[i]);
  }
  return out;
}

Histogram Histogram::FromBuckets(const std::vector<std::pair<std::int64_t, std::uint64_t>>& buckets,
                                 std::int64_t min, std::int64_t max, std::int64_t sum) {
  Histogram h;
  for (const auto& [low, count] : buckets) {
    const std::size_t index = IndexOf(low);
    if (index >= h.counts_.size()) h.counts_.resize(index + 1, 0);
    h.counts_[index] += count;
    h.total_ += count;
  }
  if (h.total_ != 0) {
    h.min_ = min;
    h.max_ = max;
    h.sum_ = sum;
  }
  return h;
}

}  // namespace rh::sim
