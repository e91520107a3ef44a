// Goal: coroutine tasks start lazily, pass values and exceptions to their awaiter, and WhenAll
// keeps input order while tasks finish in any order.
#include "sim/task.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "sim/scheduler.h"

namespace rh::sim {
namespace {

Task<int> Answer() { co_return 42; }
Task<int> Twice() { co_return 2 * co_await Answer(); }
Task<int> Throws() {
  throw std::runtime_error("boom");
  co_return 0;
}

TEST(Task, IsLazyUntilStarted) {
  bool ran = false;
  auto body = [&]() -> Task<void> {
    ran = true;
    co_return;
  };
  auto t = body();
  EXPECT_FALSE(ran);
  t.Start();
  EXPECT_TRUE(ran);
  EXPECT_TRUE(t.done());
}

TEST(Task, PassesValuesThroughAwaits) {
  auto t = Twice();
  t.Start();
  ASSERT_TRUE(t.done());
  EXPECT_EQ(t.TakeResult(), 84);
}

TEST(Task, RethrowsExceptionsInTheAwaiter) {
  auto catcher = []() -> Task<std::string> {
    try {
      co_await Throws();
    } catch (const std::runtime_error& e) {
      co_return std::string("caught ") + e.what();
    }
    co_return "not caught";
  };
  auto outer = catcher();
  outer.Start();
  EXPECT_EQ(outer.TakeResult(), "caught boom");
}

TEST(Task, DetachReportsEscapingExceptions) {
  std::string seen;
  Detach([]() -> Task<void> {
    co_await Throws();
  }(), [&](std::exception_ptr e) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      seen = ex.what();
    }
  });
  EXPECT_EQ(seen, "boom");
}

TEST(Task, WhenAllKeepsInputOrderWhateverTheFinishOrder) {
  Scheduler s;
  auto delayed = [&](int value, Duration d) -> Task<int> {
    co_await SleepFor(s, d);
    co_return value;
  };
  std::vector<Task<int>> tasks;
  tasks.push_back(delayed(1, Sec(3)));
  tasks.push_back(delayed(2, Sec(1)));
  tasks.push_back(delayed(3, Sec(2)));
  std::vector<int> got;
  Spawn([&]() -> Task<void> { got = co_await WhenAll(std::move(tasks)); });
  s.RunUntilIdle();
  EXPECT_EQ(got, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(s.Now(), Instant(Sec(3)));
}

TEST(Task, WhenAllOfNothingAndOfFinishedTasksCompletesAtOnce) {
  bool done = false;
  Spawn([&]() -> Task<void> {
    co_await WhenAll(std::vector<Task<void>>{});
    std::vector<Task<int>> ready;
    ready.push_back(Answer());
    auto v = co_await WhenAll(std::move(ready));
    done = v == std::vector<int>{42};
  });
  EXPECT_TRUE(done);
}

}  // namespace
}  // namespace rh::sim
