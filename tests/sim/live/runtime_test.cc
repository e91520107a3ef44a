// Goal: LiveRuntime is a correct Executor on real time: timers fire, cancelled ones do not,
// coroutines sleep and resume on its threads, and RunSync/Launch hand results back to plain
// threads. Bounded waits only; nothing here asserts how fast anything is.
#include "sim/live/runtime.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "live_test_support.h"
#include "sim/executor.h"
#include "sim/task.h"

namespace rh::sim::live {
namespace {

using testing::Await;

TEST(LiveRuntime, ScheduleAtFiresOnARuntimeThreadAtOrAfterItsInstant) {
  LiveRuntime runtime;
  runtime.Start();
  std::promise<std::pair<Instant, bool>> fired;
  const Instant due = runtime.clock().Now() + Ms(20);
  runtime.ScheduleAt(due, [&] {
    fired.set_value({runtime.clock().Now(), runtime.InRuntimeThread()});
  });
  const auto [at, on_runtime] = Await(fired.get_future(), "the timer");
  EXPECT_GE(at, due);
  EXPECT_TRUE(on_runtime);
  EXPECT_FALSE(runtime.InRuntimeThread());
}

TEST(LiveRuntime, ATimerDueInThePastRunsSoon) {
  LiveRuntime runtime;
  runtime.Start();
  std::promise<void> fired;
  runtime.ScheduleAt(Instant{}, [&] { fired.set_value(); });
  Await(fired.get_future(), "the past-due timer");
}

TEST(LiveRuntime, CancelPreventsATimerFromFiringAndSaysSo) {
  LiveRuntime runtime;
  runtime.Start();
  std::atomic<bool> cancelled_ran{false};
  const TimerId id =
      runtime.ScheduleAt(runtime.clock().Now() + Ms(50), [&] { cancelled_ran = true; });
  EXPECT_TRUE(runtime.Cancel(id));
  EXPECT_FALSE(runtime.Cancel(id)) << "a second Cancel finds nothing";

  // A later timer firing proves the loop went past the cancelled one's instant.
  std::promise<void> later;
  runtime.ScheduleAt(runtime.clock().Now() + Ms(100), [&] { later.set_value(); });
  Await(later.get_future(), "the later timer");
  EXPECT_FALSE(cancelled_ran.load());
}

TEST(LiveRuntime, CancelAfterFiringReturnsFalse) {
  LiveRuntime runtime;
  runtime.Start();
  std::promise<void> fired;
  const TimerId id = runtime.ScheduleAt(runtime.clock().Now(), [&] { fired.set_value(); });
  Await(fired.get_future(), "the timer");
  EXPECT_FALSE(runtime.Cancel(id));
}

TEST(LiveRuntime, ManyTimersFromManyThreadsAllFireOnce) {
  LiveRuntime runtime(LiveRuntime::Config{.threads = 2});
  runtime.Start();
  constexpr int kThreads = 4;
  constexpr int kEach = 250;
  std::atomic<int> fired{0};
  std::promise<void> all;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        runtime.ScheduleAt(runtime.clock().Now() + Ms((i + t) % 7), [&] {
          if (fired.fetch_add(1) + 1 == kThreads * kEach) all.set_value();
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  Await(all.get_future(), "every timer");
  EXPECT_EQ(fired.load(), kThreads * kEach);
}

TEST(LiveRuntime, PostRunsWorkPostedBeforeStartOnceStarted) {
  LiveRuntime runtime;
  std::promise<bool> ran;
  runtime.Post([&] { ran.set_value(runtime.InRuntimeThread()); });
  runtime.Start();
  EXPECT_TRUE(Await(ran.get_future(), "the posted work"));
}

Task<Duration> SleepAndMeasure(LiveRuntime& runtime, Duration d) {
  const Instant start = runtime.clock().Now();
  co_await SleepFor(runtime, d);
  co_return runtime.clock().Now() - start;
}

TEST(LiveRuntime, SleepForInATaskResumesAfterTheDuration) {
  LiveRuntime runtime;
  runtime.Start();
  const Duration slept = Await(Launch(runtime, SleepAndMeasure(runtime, Ms(30))), "the sleep");
  EXPECT_GE(slept, Ms(30));
}

TEST(LiveRuntime, RunSyncReturnsTheTaskResultAndRethrows) {
  LiveRuntime runtime;
  runtime.Start();
  EXPECT_EQ(RunSync(runtime, []() -> Task<int> { co_return 42; }()), 42);
  RunSync(runtime, []() -> Task<void> { co_return; }());
  EXPECT_THROW(RunSync(runtime,
                       []() -> Task<int> {
                         throw std::runtime_error("boom");
                         co_return 0;
                       }()),
               std::runtime_error);
}

TEST(LiveRuntime, StopIsIdempotentAndTheRuntimeCanStartAgain) {
  LiveRuntime runtime;
  runtime.Start();
  runtime.Stop();
  runtime.Stop();
  EXPECT_FALSE(runtime.running());
  runtime.Start();
  EXPECT_TRUE(runtime.running());
  EXPECT_EQ(RunSync(runtime, []() -> Task<int> { co_return 7; }()), 7);
}

}  // namespace
}  // namespace rh::sim::live
