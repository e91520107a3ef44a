// Goal: the token bucket starts full, restores at its rate up to its maximum, refunds unused
// cost, and says exactly when a refused cost will fit.
#include "mocks/common/token_bucket.h"

#include <gtest/gtest.h>

namespace rh::mocks {
namespace {

using sim::Instant;
using sim::Ms;
using sim::Sec;

TEST(TokenBucket, StartsFullAndTakesCost) {
  TokenBucket b({.capacity = 2000, .refill_per_second = 100});
  const auto d = b.TryTake(Instant{}, 752);
  EXPECT_TRUE(d.admitted);
  EXPECT_DOUBLE_EQ(d.available, 1248);
}

TEST(TokenBucket, RefusesWhenShortAndSaysWhenItWillFit) {
  TokenBucket b({.capacity = 1000, .refill_per_second = 50});
  ASSERT_TRUE(b.TryTake(Instant{}, 900).admitted);
  const auto d = b.TryTake(Instant{}, 200);
  EXPECT_FALSE(d.admitted);
  EXPECT_EQ(d.retry_after, Sec(2));  // 100 missing at 50/s
  EXPECT_FALSE(b.TryTake(Instant(Sec(2) - Ms(1)), 200).admitted);
  EXPECT_TRUE(b.TryTake(Instant(Sec(2)), 200).admitted);
}

TEST(TokenBucket, RestoresNoMoreThanCapacity) {
  TokenBucket b({.capacity = 100, .refill_per_second = 10});
  b.TryTake(Instant{}, 50);
  EXPECT_DOUBLE_EQ(b.Available(Instant(Sec(2))), 70);
  EXPECT_DOUBLE_EQ(b.Available(Instant(Sec(3600))), 100);
}

TEST(TokenBucket, RefundsUnusedCostUpToCapacity) {
  TokenBucket b({.capacity = 100, .refill_per_second = 1});
  b.TryTake(Instant{}, 60);
  b.Refund(Instant{}, 45);
  EXPECT_DOUBLE_EQ(b.Available(Instant{}), 85);
  b.Refund(Instant{}, 1000);
  EXPECT_DOUBLE_EQ(b.Available(Instant{}), 100);
}

TEST(TokenBucket, FractionalRatesStayExact) {
  TokenBucket b({.capacity = 1, .refill_per_second = 0.5});
  ASSERT_TRUE(b.TryTake(Instant{}, 1).admitted);
  EXPECT_DOUBLE_EQ(b.Available(Instant(Ms(1000))), 0.5);
  EXPECT_EQ(b.TryTake(Instant(Ms(1000)), 1).retry_after, Sec(1));
}

}  // namespace
}  // namespace rh::mocks
