// Goal: the leaky bucket refuses exactly the request past capacity, says when to retry, never
// lets a refusal fill the bucket, and drains at its rate; boundaries on the virtual clock.
#include "mocks/common/leaky_bucket.h"

#include <gtest/gtest.h>

namespace rh::mocks {
namespace {

using sim::Instant;
using sim::Ms;
using sim::Sec;

TEST(LeakyBucket, AdmitsUpToCapacityThenRefusesWithARetryHint) {
  LeakyBucket b({.capacity = 40, .drain_each = Ms(500)});
  for (int i = 1; i <= 40; ++i) {
    const auto d = b.TryAdmit(Instant{});
    ASSERT_TRUE(d.admitted) << i;
    EXPECT_EQ(d.level, i);
  }
  const auto refused = b.TryAdmit(Instant{});
  EXPECT_FALSE(refused.admitted);
  EXPECT_EQ(refused.retry_after, Ms(500));
  EXPECT_EQ(refused.level, 40);
}

TEST(LeakyBucket, PassesAgainExactlyAfterTheLeakTime) {
  LeakyBucket b({.capacity = 2, .drain_each = Ms(500)});
  b.TryAdmit(Instant{});
  b.TryAdmit(Instant{});
  EXPECT_FALSE(b.TryAdmit(Instant(Ms(499))).admitted);
  EXPECT_TRUE(b.TryAdmit(Instant(Ms(500))).admitted);
  EXPECT_FALSE(b.TryAdmit(Instant(Ms(500))).admitted);
}

TEST(LeakyBucket, RefusalsDoNotFillTheBucket) {
  LeakyBucket b({.capacity = 1, .drain_each = Sec(1)});
  b.TryAdmit(Instant{});
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(b.TryAdmit(Instant(Ms(10))).admitted);
  EXPECT_TRUE(b.TryAdmit(Instant(Sec(1))).admitted);
}

TEST(LeakyBucket, LevelRoundsUpAndDrainsToZero) {
  LeakyBucket b({.capacity = 40, .drain_each = Ms(500)});
  for (int i = 0; i < 39; ++i) b.TryAdmit(Instant{});
  // Shopify's example: 39/40, then 10 s idle, reads 19/40.
  EXPECT_EQ(b.Level(Instant(Sec(10))), 19);
  EXPECT_EQ(b.Level(Instant(Sec(10) + Ms(1))), 19);  // 18.998 rounds up
  EXPECT_EQ(b.Level(Instant(Sec(60))), 0);
}

TEST(LeakyBucket, CostlyRequestsNeedRoomForTheirWholeCost) {
  LeakyBucket b({.capacity = 10, .drain_each = Ms(100)});
  EXPECT_TRUE(b.TryAdmit(Instant{}, 8).admitted);
  const auto d = b.TryAdmit(Instant{}, 5);
  EXPECT_FALSE(d.admitted);
  EXPECT_EQ(d.retry_after, Ms(300));
}

TEST(LeakyBucket, ReconfigureKeepsTheLevel) {
  LeakyBucket b({.capacity = 40, .drain_each = Ms(500)});
  for (int i = 0; i < 40; ++i) b.TryAdmit(Instant{});
  b.Reconfigure({.capacity = 400, .drain_each = Ms(50)});
  EXPECT_TRUE(b.TryAdmit(Instant{}).admitted);
}

}  // namespace
}  // namespace rh::mocks
