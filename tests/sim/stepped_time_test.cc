// Goal: stepped time (the clock of an outside pipeline's world) runs every event in order, jumps
// over quiet time, and does not jump while work is in flight; HTTP's Date header is written and
// read as RFC 9110's IMF-fixdate; a FollowingClock's calendar follows what it observes, forward
// only. The stepped-time tests take a few real milliseconds (settle periods of 10 ms).
#include "sim/stepped_time.h"

#include <gtest/gtest.h>

#include <vector>

#include "sim/following_clock.h"

namespace rh::sim {
namespace {

TEST(HttpDate, WritesAndReadsImfFixdate) {
  const WallTime t = std::chrono::sys_days(std::chrono::year(1994) / 11 / 6) + std::chrono::hours(8) +
                     std::chrono::minutes(49) + std::chrono::seconds(37);
  EXPECT_EQ(FormatHttpDate(t + Ms(900)), "Sun, 06 Nov 1994 08:49:37 GMT");
  WallTime read;
  ASSERT_TRUE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT", read));
  EXPECT_EQ(read, t);
  EXPECT_FALSE(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT", read));
  EXPECT_FALSE(ParseHttpDate("Sun, 31 Feb 1994 08:49:37 GMT", read));
}

TEST(FollowingClock, CalendarFollowsTheLeadItSawAndNeverGoesBack) {
  VirtualClock base(DefaultSimEpoch());
  FollowingClock clock(base);
  clock.Observe(DefaultSimEpoch() + Days(3));
  EXPECT_EQ(clock.WallNow(), DefaultSimEpoch() + Days(3));
  clock.Observe(DefaultSimEpoch() + Days(1));
  EXPECT_EQ(clock.WallNow(), DefaultSimEpoch() + Days(3));
  EXPECT_EQ(clock.Now(), base.Now());
}

TEST(SteppedTime, JumpsOverQuietTimeAndRunsEveryEventInOrder) {
  Scheduler scheduler;
  std::vector<Instant> ran;
  for (Duration at : {Hours(1), Days(2), Hours(3)}) {
    scheduler.ScheduleAt(Instant{} + at, [&] { ran.push_back(scheduler.Now()); });
  }
  SteppedTime time(scheduler, {.settle = Ms(10), .poll = Ms(5)});
  time.RunUntil(Instant{} + Days(3));
  EXPECT_EQ(ran, (std::vector<Instant>{Instant{} + Hours(1), Instant{} + Hours(3), Instant{} + Days(2)}));
  EXPECT_EQ(scheduler.Now(), Instant{} + Days(3));
  EXPECT_EQ(time.stats().jumps, 4u);  // to 1h, 3h, 2d and the end
}

TEST(SteppedTime, DoesNotJumpWhileWorkIsInFlight) {
  Scheduler scheduler;
  SteppedTime time(scheduler, {.settle = Ms(10), .poll = Ms(5)});
  time.BeginWork();  // as a gateway does when a request arrives
  Instant ended{};
  scheduler.ScheduleAt(Instant{} + Ms(30), [&] {
    ended = scheduler.Now();
    time.EndWork();
  });
  Instant later{};
  scheduler.ScheduleAt(Instant{} + Hours(1), [&] { later = scheduler.Now(); });
  time.RunUntil(Instant{} + Hours(1));
  EXPECT_EQ(ended, Instant{} + Ms(30));
  EXPECT_EQ(later, Instant{} + Hours(1));
  // The first 30 ms and the settle period after them passed at real speed, not by a jump.
  EXPECT_LE(time.stats().jumped, Hours(1) - Ms(40));
  EXPECT_EQ(time.stats().jumps, 1u);
}

TEST(SteppedTime, RunsWhatOtherThreadsPostOnItsOwnThreadAtTheCurrentTime) {
  Scheduler scheduler;
  SteppedTime time(scheduler, {.settle = Ms(10), .poll = Ms(5)});
  Instant seen{Hours(99)};
  time.Post([&] { seen = scheduler.Now(); });
  time.RunUntil(Instant{} + Hours(1));
  EXPECT_LT(seen, Instant{} + Sec(1));
}

}  // namespace
}  // namespace rh::sim
