// Plays scenarios: builds a SimWorld and the reference pipeline (or a deliberately broken variant)
// from a scenario, seeds the world, schedules the timeline in virtual time, runs, and judges the
// run: each expectation, every invariant oracle, the support KPIs and per-ticket timelines.
// One scenario is single-threaded and deterministic (same scenario and seed: the same trace bytes
// and verdicts); RunAll spreads independent scenarios over threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/run_result.h"
#include "harness/scenario.h"

namespace rh::harness {

struct OutsidePipelineConfig;  // harness/outside_pipeline.h

struct RunOptions {
  std::optional<std::uint64_t> seed;  // overrides every scenario's own seed
  std::string report_dir;             // when set, traces go to <report_dir>/traces/<name>.jsonl
  std::string trace_path;             // when set, the trace goes to exactly this file (replay)
  double agent_cost_per_minute = 0.50;  // for the KPI cost per ticket ($30 an hour)
  double ai_price_per_resolution = 0.90;  // DESIGN.md: most plans
  // For a progress bar: called after each virtual hour of a scenario's run with the virtual time
  // covered, the run's total and the generated tickets opened so far (0 without `generate:`).
  // Unset, the run goes in one piece; set, hour by hour, which runs the same events in the same order.
  std::function<void(sim::Duration covered, sim::Duration total, std::int64_t tickets)> on_virtual_time;
  // When set, the system under test is this outside pipeline instead of the reference one
  // in-process, played in stepped time over loopback (harness/outside_pipeline.h).
  std::shared_ptr<const OutsidePipelineConfig> outside;
};

// Runs one loaded scenario.
ScenarioResult RunScenario(const scenario::Scenario& scenario, const RunOptions& options);

// Loads and runs one file; a file that does not load gives status "error" naming file, line and
// field, and never throws.
ScenarioResult RunScenarioFile(const std::string& path, const RunOptions& options);

// The one command line that replays a scenario exactly: `rehearse run --seed <seed> <file>`, the
// file quoted for a POSIX shell when it needs to be; without a seed (a file that did not load),
// `rehearse run <file>`. Named in each trace's header and the reports.
std::string ReplayCommand(const std::string& file, std::optional<std::uint64_t> seed);

// Called after each scenario finishes, from the thread that ran it (serialised by RunAll).
using ProgressFn = std::function<void(const ScenarioResult& finished, int done, int total)>;

// Runs `files` on `jobs` threads; results in the order of `files`, whatever the order of
// completion.
RunResult RunAll(const std::vector<std::string>& files, const RunOptions& options, int jobs,
                 const ProgressFn& progress = {});

}  // namespace rh::harness
