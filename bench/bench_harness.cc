// The harness end to end (load, seed, run, judge with every oracle, KPIs and timelines, no files
// written): scenarios per second over the shipped scripted suite, and simulated tickets per
// CPU-second for each generated day of traffic, a large generated day and the BFCM week (issue
// 11). Single-threaded; `rehearse run --jobs N` spreads scenarios over N cores.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "harness/fuzz.h"
#include "harness/runner.h"
#include "harness/scenario_loader.h"

namespace {

const std::string kScenarios = std::string(REHEARSAL_SOURCE_DIR) + "/scenarios";

void BM_ScriptedSuite(benchmark::State& state) {
  std::vector<std::string> files;
  for (const char* folder : {"workflows", "quirks", "faults", "negative"}) {
    for (const auto& f : rh::harness::FindScenarioFiles({kScenarios + "/" + folder}, nullptr)) files.push_back(f);
  }
  std::int64_t scenarios = 0, failed = 0;
  for (auto _ : state) {
    const rh::harness::RunResult run = rh::harness::RunAll(files, rh::harness::RunOptions{}, 1);
    scenarios += static_cast<std::int64_t>(run.scenarios.size());
    failed += run.failed();
  }
  if (failed > 0) state.SkipWithError("a scenario failed; run `rehearse run scenarios`");
  state.counters["scenarios"] = static_cast<double>(files.size());
  state.counters["scenarios_per_cpu_s"] = benchmark::Counter(static_cast<double>(scenarios), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ScriptedSuite)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

// Runs the scenario once per iteration (every oracle on, the report computed) and counts its
// tickets and orders per run, and tickets per CPU-second.
void RunCounting(benchmark::State& state, const rh::harness::scenario::Scenario& scenario, const char* tickets_name,
                 const char* orders_name) {
  std::int64_t tickets = 0, orders = 0;
  for (auto _ : state) {
    const rh::harness::ScenarioResult r = rh::harness::RunScenario(scenario, rh::harness::RunOptions{});
    if (!r.passed()) state.SkipWithError("the scenario failed");
    tickets += r.kpis.tickets;
    orders += r.kpis.orders;
  }
  state.counters[tickets_name] = static_cast<double>(tickets) / static_cast<double>(state.iterations());
  state.counters[orders_name] = static_cast<double>(orders) / static_cast<double>(state.iterations());
  state.counters["tickets_per_cpu_s"] = benchmark::Counter(static_cast<double>(tickets), benchmark::Counter::kIsRate);
}

void BM_GeneratedDay(benchmark::State& state, const std::string& file) {
  auto loaded = rh::harness::LoadScenarioFile(kScenarios + "/generated/" + file);
  if (!loaded) {
    state.SkipWithError(loaded.error().ToString().c_str());
    return;
  }
  RunCounting(state, *loaded, "tickets_per_day", "orders_per_day");
}
BENCHMARK_CAPTURE(BM_GeneratedDay, apparel, std::string("apparel-day.yaml"))->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_GeneratedDay, electronics, std::string("electronics-day.yaml"))
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(BM_GeneratedDay, food, std::string("food-day.yaml"))->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

// Issue 11: generated worlds at scale. `orders` per day over `days` of the BFCM-week store (its file
// scaled), so one store gives a large day, the week, and the 1-day/7-day cost ratio (compare the
// tickets_per_cpu_s of week/1 and week/7).
void BM_GeneratedAtScale(benchmark::State& state, const std::string& file) {
  auto loaded = rh::harness::LoadScenarioFile(std::string(REHEARSAL_SOURCE_DIR) + "/bench/scenarios/" + file);
  if (!loaded || !loaded->generate) {
    state.SkipWithError(loaded ? "the scenario generates no traffic" : loaded.error().ToString().c_str());
    return;
  }
  loaded->generate->orders_per_day = static_cast<int>(state.range(0));
  loaded->generate->days = static_cast<int>(state.range(1));
  loaded->run_for = rh::sim::Days(state.range(1));
  RunCounting(state, *loaded, "tickets", "orders");
}
// A large generated world: one day of 2,400 orders.
BENCHMARK_CAPTURE(BM_GeneratedAtScale, large_day, std::string("bfcm-week.yaml"))
    ->Args({2400, 1})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->Iterations(1);
// The BFCM week as shipped (600 orders a day for 7 days), and one day of the same store.
BENCHMARK_CAPTURE(BM_GeneratedAtScale, bfcm_week, std::string("bfcm-week.yaml"))
    ->Args({600, 1})
    ->Args({600, 7})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->Iterations(1);

// rehearse fuzz (docs/FUZZING.md): generated whole-scenario cases per CPU-second. On the reference
// pipeline every case holds, so nothing shrinks; on a broken variant the campaign stops at the
// first failure and shrinks it, so shrink steps dominate.
void BM_FuzzCases(benchmark::State& state) {
  std::int64_t cases = 0;
  for (auto _ : state) {
    rh::harness::fuzz::FuzzOptions options;
    options.cases = 200;
    options.seed = 1;
    const auto r = rh::harness::fuzz::RunFuzz(options);
    if (!r.held) state.SkipWithError("a property failed on the reference pipeline");
    cases += r.cases;
  }
  state.counters["cases_per_cpu_s"] = benchmark::Counter(static_cast<double>(cases), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FuzzCases)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

void BM_FuzzFindAndShrink(benchmark::State& state) {
  std::int64_t runs = 0;
  for (auto _ : state) {
    rh::harness::fuzz::FuzzOptions options;
    options.cases = 300;
    options.seed = 1;
    options.variant = rh::harness::scenario::PipelineVariant::kIgnoresSuppression;
    const auto r = rh::harness::fuzz::RunFuzz(options);
    if (r.held) state.SkipWithError("the broken variant went unnoticed");
    runs += r.cases + r.shrinks_tried;
    state.counters["cases"] = r.cases;
    state.counters["shrinks_tried"] = r.shrinks_tried;
  }
  state.counters["scenarios_per_cpu_s"] = benchmark::Counter(static_cast<double>(runs), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FuzzFindAndShrink)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

}  // namespace
