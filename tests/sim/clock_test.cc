// Goal: virtual time only moves forward and only when told; calendar time can be skewed without
// touching monotonic time; RFC 3339 formatting and parsing agree.
#include "sim/clock.h"

#include <gtest/gtest.h>

namespace rh::sim {
namespace {

TEST(VirtualClock, StartsAtZeroAndMovesOnlyWhenAdvanced) {
  VirtualClock clock(DefaultSimEpoch());
  EXPECT_EQ(clock.Now(), Instant{});
  EXPECT_EQ(clock.WallNow(), DefaultSimEpoch());
  clock.AdvanceTo(Instant(Sec(90)));
  EXPECT_EQ(clock.Now(), Instant(Sec(90)));
  EXPECT_EQ(clock.WallNow(), DefaultSimEpoch() + Sec(90));
}

TEST(VirtualClock, WallSkewShiftsCalendarTimeOnly) {
  VirtualClock clock(DefaultSimEpoch());
  clock.AdvanceTo(Instant(Sec(10)));
  clock.SetWallSkew(-Minutes(5));
  EXPECT_EQ(clock.Now(), Instant(Sec(10)));
  EXPECT_EQ(clock.WallNow(), DefaultSimEpoch() + Sec(10) - Minutes(5));
}

TEST(VirtualClockDeathTest, RefusesToGoBackwards) {
  VirtualClock clock(DefaultSimEpoch());
  clock.AdvanceTo(Instant(Sec(5)));
  EXPECT_DEATH(clock.AdvanceTo(Instant(Sec(4))), "backwards");
}

TEST(RealClock, IsMonotonic) {
  RealClock clock;
  const Instant a = clock.Now();
  const Instant b = clock.Now();
  EXPECT_LE(a, b);
  EXPECT_GT(clock.WallNow(), DefaultSimEpoch() - Days(365 * 10));
}

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(FormatRfc3339Utc(DefaultSimEpoch() + Hours(9) + Ms(30'123)), "2026-11-23T09:00:30.123Z");
}

TEST(Rfc3339, ParsesWhatItFormatsAndHonoursOffsets) {
  WallTime t;
  ASSERT_TRUE(ParseRfc3339("2026-11-23T09:00:30.123Z", t));
  EXPECT_EQ(t, DefaultSimEpoch() + Hours(9) + Ms(30'123));
  ASSERT_TRUE(ParseRfc3339("2026-11-23T04:00:00-05:00", t));
  EXPECT_EQ(t, DefaultSimEpoch() + Hours(9));
}

TEST(Rfc3339, RefusesMalformedText) {
  WallTime t;
  for (const char* bad : {"", "2026-11-23", "2026-13-01T00:00:00Z", "2026-11-23T09:00:00",
                          "2026-11-23T09:00:00Zjunk", "2026-02-30T00:00:00Z", "2026-11-23T25:00:00Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad, t)) << bad;
  }
}

}  // namespace
}  // namespace rh::sim

namespace rh::sim {
namespace {

TEST(Rfc3339, FormatsInAFixedOffsetWithChosenPrecision) {
  const WallTime t = DefaultSimEpoch() + Hours(9) + Ms(30'201) + std::chrono::microseconds(4);
  EXPECT_EQ(FormatRfc3339(t, std::chrono::minutes(-300), 0), "2026-11-23T04:00:30-05:00");
  EXPECT_EQ(FormatRfc3339(t, std::chrono::minutes(0), 6), "2026-11-23T09:00:30.201004+00:00");
  EXPECT_EQ(FormatRfc3339(t, std::chrono::minutes(330), 3), "2026-11-23T14:30:30.201+05:30");
  // Across midnight backwards.
  EXPECT_EQ(FormatRfc3339(DefaultSimEpoch(), std::chrono::minutes(-480), 0), "2026-11-22T16:00:00-08:00");
  WallTime back;
  ASSERT_TRUE(ParseRfc3339(FormatRfc3339(t, std::chrono::minutes(-300), 6), back));
  EXPECT_EQ(back, DefaultSimEpoch() + Hours(9) + Ms(30'201) + std::chrono::microseconds(4));
}

}  // namespace
}  // namespace rh::sim
