// Goal: the sample world (mocks/sample_world.h), the demo workload of the simulation core, keeps
// sim mode's determinism contract and its own bookkeeping: byte-identical traces per seed, orders
// retried after a lost response created once, a week of virtual time run.
#include "mocks/sample_world.h"

#include <gtest/gtest.h>

namespace rh::mocks {
namespace {

using sim::Days;
using sim::Trace;

// The determinism contract of sim mode, on a world of a few services with random latencies,
// faults, retries and timers.
TEST(SampleWorld, SameSeedGivesByteIdenticalTraces) {
  SampleWorldConfig config{.seed = 1234, .shoppers = 30, .span = Days(2)};
  Trace a({.seed = 1234}), b({.seed = 1234});
  const SampleWorldResult ra = RunSampleWorld(config, &a);
  const SampleWorldResult rb = RunSampleWorld(config, &b);
  EXPECT_GT(a.size(), 1000u);
  EXPECT_EQ(a.ToJsonl(), b.ToJsonl());
  EXPECT_EQ(ra.events, rb.events);
  EXPECT_GT(ra.retries, 0u);  // the faults really happened
}

TEST(SampleWorld, DifferentSeedsGiveDifferentTraces) {
  Trace a({}), b({});
  RunSampleWorld({.seed = 1, .shoppers = 10, .span = Days(1)}, &a);
  RunSampleWorld({.seed = 2, .shoppers = 10, .span = Days(1)}, &b);
  EXPECT_NE(a.ToJsonl(), b.ToJsonl());
}

TEST(SampleWorld, RetriedOrdersAfterLostResponsesAreRecognisedNotDoubled) {
  Trace trace({});
  const SampleWorldResult r =
      RunSampleWorld({.seed = 5, .shoppers = 40, .span = Days(3), .order_lost_rate = 0.2}, &trace);
  std::uint64_t created = 0, replayed = 0;
  for (const auto& rec : trace.records()) {
    if (rec.source != "orders" || rec.kind != "http.handled") continue;
    const auto status = std::get<std::int64_t>(*rec.Find("status"));
    created += status == 201 ? 1 : 0;
    replayed += status == 200 ? 1 : 0;
  }
  EXPECT_GT(replayed, 0u);               // lost responses were retried...
  EXPECT_EQ(created, r.orders_placed);   // ...and each order was created exactly once
  EXPECT_LE(r.orders_confirmed, r.orders_placed);
}

TEST(SampleWorld, SevenVirtualDaysRun) {
  const SampleWorldResult r = RunSampleWorld({.seed = 7, .shoppers = 50, .span = Days(7)}, nullptr);
  EXPECT_GE(r.virtual_elapsed, Days(7));
  EXPECT_GT(r.events, 10'000u);
}

}  // namespace
}  // namespace rh::mocks
