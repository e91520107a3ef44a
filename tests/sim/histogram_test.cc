// Goal: the HDR-style histogram's buckets tile the integers without gaps or overlaps, its
// percentiles are within a bucket's width of the exact ones, and a merge is exactly the
// histogram of the union (what lets load shards combine without loss).
#include "sim/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/rng.h"

namespace rh::sim {
namespace {

TEST(Histogram, BucketsTileTheIntegersWithoutGapsOrOverlaps) {
  std::int64_t expected_low = 0;
  for (std::size_t i = 0; i < 40 * 64; ++i) {
    ASSERT_EQ(Histogram::LowestIn(i), expected_low) << "bucket " << i;
    ASSERT_EQ(Histogram::IndexOf(Histogram::LowestIn(i)), i);
    ASSERT_EQ(Histogram::IndexOf(Histogram::HighestIn(i)), i);
    expected_low = Histogram::HighestIn(i) + 1;
  }
}

TEST(Histogram, SmallValuesAreExactAndLargeOnesWithinOneSixtyFourth) {
  for (std::int64_t v = 0; v < Histogram::kExactBelow; ++v) EXPECT_EQ(Histogram::HighestIn(Histogram::IndexOf(v)), v);
  for (std::int64_t v : {std::int64_t{128}, std::int64_t{1000}, std::int64_t{86'400'000}, std::int64_t{1} << 50}) {
    const std::size_t i = Histogram::IndexOf(v);
    const std::int64_t width = Histogram::HighestIn(i) - Histogram::LowestIn(i) + 1;
    EXPECT_LE(width * 64, Histogram::LowestIn(i)) << v;
  }
}

TEST(Histogram, PercentilesOfOneToAThousandAreWithinABucketOfTheTruth) {
  Histogram h;
  for (std::int64_t v = 1; v <= 1000; ++v) h.Record(v);
  EXPECT_EQ(h.count(), 1000u);
  EXPECT_EQ(h.min(), 1);
  EXPECT_EQ(h.max(), 1000);
  EXPECT_DOUBLE_EQ(h.mean(), 500.5);
  for (const auto& [q, truth] : std::vector<std::pair<double, std::int64_t>>{{0.5, 500}, {0.9, 900}, {0.99, 990}, {0.999, 999}}) {
    const std::int64_t got = h.ValueAt(q);
    EXPECT_GE(got, truth) << q;
    EXPECT_LE(got, truth + truth / 64 + 1) << q;
  }
  EXPECT_EQ(h.ValueAt(1.0), 1000);  // the max is exact
  EXPECT_EQ(h.ValueAt(0.0), 1);
}

TEST(Histogram, AnEmptyHistogramAnswersZero) {
  Histogram h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.p99(), 0);
  EXPECT_EQ(h.max(), 0);
}

TEST(Histogram, MergeIsExactlyTheHistogramOfTheUnion) {
  Rng rng(42);
  for (int round = 0; round < 20; ++round) {
    Histogram a, b, both;
    const int n = static_cast<int>(rng.UniformInt(0, 500));
    for (int i = 0; i < n; ++i) {
      // Values over many magnitudes, as latencies are.
      const std::int64_t v = static_cast<std::int64_t>(rng.Below(std::uint64_t{1} << rng.UniformInt(1, 40)));
      (rng.Bernoulli(0.5) ? a : b).Record(v);
      both.Record(v);
    }
    Histogram merged = a;
    merged.Merge(b);
    EXPECT_EQ(merged, both) << "round " << round;
    Histogram other_way = b;
    other_way.Merge(a);
    EXPECT_EQ(other_way.Buckets(), both.Buckets());
    EXPECT_EQ(other_way.p999(), both.p999());
  }
}

TEST(Histogram, BucketsWrittenOutAndReadBackAreTheSameHistogram) {
  Histogram h;
  for (std::int64_t v : {0, 5, 127, 128, 4096, 4097, 999'999}) h.Record(v, 3);
  const Histogram back = Histogram::FromBuckets(h.Buckets(), h.min(), h.max(), h.sum());
  EXPECT_EQ(back, h);
}

}  // namespace
}  // namespace rh::sim
