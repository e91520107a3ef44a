// Goal: events run in time order, ties in insertion order, cancelled events never run, and
// virtual time jumps instead of waiting, so a week of simulated time costs no real time.
#include "sim/scheduler.h"

#include <gtest/gtest.h>

#include <functional>

#include <string>
#include <vector>

#include "sim/task.h"

namespace rh::sim {
namespace {

TEST(Scheduler, RunsEventsInTimeOrderAndMovesTheClock) {
  Scheduler s;
  std::vector<std::string> log;
  s.ScheduleAt(Instant(Sec(3)), [&] { log.push_back("c@" + std::to_string(s.Now().time_since_epoch().count() / 1'000'000'000)); });
  s.ScheduleAt(Instant(Sec(1)), [&] { log.push_back("a@1"); });
  s.ScheduleAt(Instant(Sec(2)), [&] { log.push_back("b@2"); });
  EXPECT_EQ(s.RunUntilIdle(), 3u);
  EXPECT_EQ(log, (std::vector<std::string>{"a@1", "b@2", "c@3"}));
  EXPECT_EQ(s.Now(), Instant(Sec(3)));
}

TEST(Scheduler, BreaksTiesByInsertionOrder) {
  Scheduler s;
  std::vector<int> order;
  for (int i = 0; i < 100; ++i) s.ScheduleAt(Instant(Sec(1)), [&order, i] { order.push_back(i); });
  s.RunUntilIdle();
  for (int i = 0; i < 100; ++i) ASSERT_EQ(order[i], i);
}

TEST(Scheduler, EventsPostedWhileRunningGoAfterThoseAlreadyDueNow) {
  Scheduler s;
  std::vector<std::string> order;
  s.ScheduleAt(Instant(Sec(1)), [&] {
    order.push_back("first");
    s.Post([&] { order.push_back("posted"); });
  });
  s.ScheduleAt(Instant(Sec(1)), [&] { order.push_back("second"); });
  s.RunUntilIdle();
  EXPECT_EQ(order, (std::vector<std::string>{"first", "second", "posted"}));
}

TEST(Scheduler, CancelledEventsNeverRunAndIdsAreNotReused) {
  Scheduler s;
  int ran = 0;
  const TimerId a = s.ScheduleAfter(Sec(1), [&] { ran += 1; });
  s.ScheduleAfter(Sec(2), [&] { ran += 10; });
  EXPECT_EQ(s.Pending(), 2u);
  EXPECT_TRUE(s.Cancel(a));
  EXPECT_FALSE(s.Cancel(a));
  EXPECT_EQ(s.Pending(), 1u);
  s.RunUntilIdle();
  EXPECT_EQ(ran, 10);
  // The slot of `a` is reused by a new event; the old id must not cancel it.
  s.ScheduleAfter(Sec(1), [&] { ran += 100; });
  EXPECT_FALSE(s.Cancel(a));
  s.RunUntilIdle();
  EXPECT_EQ(ran, 110);
}

TEST(Scheduler, AnEventInThePastRunsNowWithoutMovingTimeBack) {
  Scheduler s;
  s.RunFor(Sec(10));
  Instant seen{};
  s.ScheduleAt(Instant(Sec(1)), [&] { seen = s.Now(); });
  s.RunUntilIdle();
  EXPECT_EQ(seen, Instant(Sec(10)));
}

TEST(Scheduler, RunUntilStopsAtTheDeadlineAndAdvancesToIt) {
  Scheduler s;
  int ran = 0;
  s.ScheduleAt(Instant(Sec(5)), [&] { ++ran; });
  s.ScheduleAt(Instant(Sec(15)), [&] { ++ran; });
  EXPECT_EQ(s.RunUntil(Instant(Sec(10))), 1u);
  EXPECT_EQ(s.Now(), Instant(Sec(10)));
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(s.Pending(), 1u);
}

TEST(Scheduler, EventBoundTurnsALivelockIntoAStop) {
  Scheduler s;
  std::function<void()> rearm = [&] { s.ScheduleAfter(Ms(1), rearm); };
  s.Post(rearm);
  EXPECT_EQ(s.RunUntilIdle(1000), 1000u);
  EXPECT_EQ(s.Pending(), 1u);
}

TEST(Scheduler, TasksSleepInVirtualTime) {
  Scheduler s;
  std::vector<std::int64_t> woke_at_s;
  auto sleeper = [&](Duration d) -> Task<void> {
    co_await SleepFor(s, d);
    woke_at_s.push_back(s.Now().time_since_epoch().count() / 1'000'000'000);
  };
  Detach(sleeper(Hours(2)));
  Detach(sleeper(Sec(30)));
  s.RunUntilIdle();
  EXPECT_EQ(woke_at_s, (std::vector<std::int64_t>{30, 7200}));
}

// Runs under CTest's timeout (see CMakeLists.txt): a scheduler that waited in real time for a
// week of virtual time would be killed long before it finished.
TEST(Scheduler, SevenVirtualDaysOfTimersCompleteWithoutWaiting) {
  Scheduler s;
  std::int64_t ticks = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    if (s.Now() < Instant(Days(7))) s.ScheduleAfter(Minutes(1), tick);
  };
  s.Post(tick);
  s.RunUntilIdle();
  EXPECT_EQ(s.Now(), Instant(Days(7)));
  EXPECT_EQ(ticks, 7 * 24 * 60 + 1);
}

}  // namespace
}  // namespace rh::sim
