// An HDR-style histogram of non-negative integers (latencies in the caller's unit: milliseconds
// of virtual time in sim mode, microseconds on sockets later): log-linear buckets, exact merge,
// percentiles with a bounded relative error. Small and dependency-free, in sim/ (the bottom
// layer) so the harness, the live load and the reports can all use it.
//
// Layout (after HdrHistogram's, written our own way): values below 2^kSubBucketBits are counted
// exactly, one bucket each; above, every power of two [2^k, 2^(k+1)) is split into
// 2^(kSubBucketBits-1) equal buckets, so a bucket is at most 1/64 of its values wide (under 1.6 %
// relative error, two significant digits). A value's bucket is found with a shift, never a search.
//
// Merging adds bucket counts, so merge(A, B) is exactly the histogram of A's and B's values
// together: shards of a load can be combined without losing anything. Deterministic: no
// floating point in recording or merging.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace rh::sim {

class Histogram {
 public:
  static constexpr int kSubBucketBits = 7;
  static constexpr std::int64_t kExactBelow = std::int64_t{1} << kSubBucketBits;  // 128

  // Records `value` (negative values count as 0) `count` times.
  void Record(std::int64_t value, std::uint64_t count = 1);
  // Adds every count of `other`: the histogram of both sets of values.
  void Merge(const Histogram& other);

  std::uint64_t count() const { return total_; }
  bool empty() const { return total_ == 0; }
  std::int64_t min() const { return total_ == 0 ? 0 : min_; }  // exact
  std::int64_t max() const { return total_ == 0 ? 0 : max_; }  // exact
  double mean() const { return total_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(total_); }

  // The value at quantile `q` (0..1): the highest value of the bucket holding the
  // ceil(q x count)-th smallest value (at least the first), never above the exact max; 0 when
  // empty. Within a bucket's width of the true value.
  std::int64_t ValueAt(double q) const;
  std::int64_t p50() const { return ValueAt(0.50); }
  std::int64_t p90() const { return ValueAt(0.90); }
  std::int64_t p99() const { return ValueAt(0.99); }
  std::int64_t p999() const { return ValueAt(0.999); }

  // The non-empty buckets as (lowest value of the bucket, count), lowest first: for charts and
  // for writing a histogram out to merge it elsewhere (FromBuckets is its inverse).
  std::vector<std::pair<std::int64_t, std::uint64_t>> Buckets() const;
  // Sum and extremes are not in the buckets; they travel beside them.
  static Histogram FromBuckets(const std::vector<std::pair<std::int64_t, std::uint64_t>>& buckets,
                               std::int64_t min, std::int64_t max, std::int64_t sum);
  std::int64_t sum() const { return sum_; }

  // Bucket arithmetic, public for tests: the index of a value, and a bucket's value range.
  static std::size_t IndexOf(std::int64_t value);
  static std::int64_t LowestIn(std::size_t index);
  static std::int64_t HighestIn(std::size_t index);

  bool operator==(const Histogram&) const = default;

 private:
  std::vector<std::uint64_t> counts_;  // by bucket index, grown on demand
  std::uint64_t total_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
  std::int64_t sum_ = 0;
};

}  // namespace rh::sim
