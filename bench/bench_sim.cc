// Micro-benchmarks of the simulation core: how many scheduler events, in-memory HTTP round trips
// and trace records a second of CPU buys. Figures go into BENCHMARKS.md with the machine named.
#include <benchmark/benchmark.h>

#include <functional>

#include "sim/in_memory_network.h"
#include "sim/rng.h"
#include "mocks/sample_world.h"
#include "sim/scheduler.h"
#include "sim/service.h"
#include "sim/trace.h"

namespace rh::sim {
namespace {

// A steady population of `range(0)` pending timers, each re-arming itself at a random delay:
// the shape of a simulation with that many actors.
void BM_SchedulerEvents(benchmark::State& state) {
  const auto population = static_cast<int>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    Scheduler s;
    Rng rng(1);
    std::int64_t remaining = 1'000'000;
    std::function<void()> tick = [&] {
      if (--remaining > 0) s.ScheduleAfter(Duration(rng.Below(1'000'000'000)), tick);
    };
    for (int i = 0; i < population; ++i) s.ScheduleAfter(Duration(rng.Below(1'000'000'000)), tick);
    state.ResumeTiming();
    benchmark::DoNotOptimize(s.RunUntilIdle());
  }
  state.SetItemsProcessed(state.iterations() * 1'000'000);
}
BENCHMARK(BM_SchedulerEvents)->Arg(10)->Arg(1000)->Arg(100'000)->Unit(benchmark::kMillisecond);

void BM_SchedulerScheduleAndCancel(benchmark::State& state) {
  Scheduler s;
  for (auto _ : state) {
    const TimerId id = s.ScheduleAfter(Sec(30), [] {});
    benchmark::DoNotOptimize(s.Cancel(id));
    if (s.Pending() == 0 && (state.iterations() & 1023) == 0) s.RunUntilIdle();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SchedulerScheduleAndCancel);

class FixedService final : public Service {
 public:
  Response Handle(const Request&, Moment) override { return Response::Json(200, R"({"ok":true})"); }
};

// Round trips through the in-memory network under virtual time, `range(0)` in flight at once.
void BM_InMemoryRoundTrips(benchmark::State& state) {
  const auto concurrency = static_cast<int>(state.range(0));
  const bool traced = state.range(1) != 0;
  constexpr int kPerWorker = 2000;
  for (auto _ : state) {
    Scheduler s;
    Trace trace({});
    trace.set_enabled(traced);
    InMemoryNetwork net(s, Rng(1), &trace);
    FixedService svc;
    net.AddHost("svc", svc, {LinkProfile{Ms(1), 0.3}});
    auto client = net.MakeClient("bench");
    auto worker = [&]() -> Task<void> {
      Request req;
      req.target = "/orders/1";
      req.headers.Set("Host", "svc");
      for (int i = 0; i < kPerWorker; ++i) benchmark::DoNotOptimize(co_await client->Send(req));
    };
    for (int i = 0; i < concurrency; ++i) Spawn(worker);
    s.RunUntilIdle();
  }
  state.SetItemsProcessed(state.iterations() * concurrency * kPerWorker);
}
BENCHMARK(BM_InMemoryRoundTrips)
    ->ArgsProduct({{1, 64}, {0, 1}})
    ->ArgNames({"concurrency", "traced"})
    ->Unit(benchmark::kMillisecond);

void BM_TraceRecord(benchmark::State& state) {
  Trace trace({});
  std::int64_t i = 0;
  for (auto _ : state) {
    trace.Record(Instant(Duration(++i)), "pipeline", "route",
                 {{"ticket", i}, {"intent", "wismo"}, {"auto", true}});
    if (trace.size() > 1'000'000) {
      state.PauseTiming();
      trace = Trace({});
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TraceRecord);

void BM_TraceRenderJsonl(benchmark::State& state) {
  Trace trace({});
  for (std::int64_t i = 0; i < 100'000; ++i) {
    trace.Record(Instant(Duration(i)), "pipeline", "route", {{"ticket", i}, {"intent", "wismo"}, {"score", 0.93}});
  }
  for (auto _ : state) benchmark::DoNotOptimize(trace.ToJsonl());
  state.SetItemsProcessed(state.iterations() * 100'000);
}
BENCHMARK(BM_TraceRenderJsonl)->Unit(benchmark::kMillisecond);

// The whole sample world for a week, with and without recording the trace: the ratio is the
// cost of tracing (target: under 10 %).
void BM_SampleWorldWeek(benchmark::State& state) {
  const bool traced = state.range(0) != 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    Trace trace({});
    trace.set_enabled(traced);
    events += mocks::RunSampleWorld({.seed = 1, .shoppers = 50, .span = Days(7)}, &trace).events;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
}
BENCHMARK(BM_SampleWorldWeek)->Arg(0)->Arg(1)->ArgName("traced")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rh::sim
