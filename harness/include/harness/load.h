// `rehearse load --mode sim`: a load profile (load_profile.h) played in virtual time: the
// reference pipeline against the mocks with the profile's vendor tiers and their real limits,
// simulated customers on the profile's curve and agents on its roster, every oracle on. Measured
// from ground truth (what Gorgias holds and delivered, what crossed the in-memory network), per
// hour and overall; then the capacity plan (load_plan.h) and the thresholds. Deterministic: the
// same profile, seed and multiplier give the same trace and the same numbers.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/load_profile.h"
#include "harness/load_result.h"
#include "harness/load_thresholds.h"

namespace rh::harness::load {

struct LoadOptions {
  std::optional<std::uint64_t> seed;        // overrides the profile's
  std::optional<double> multiplier;         // overrides the profile's
  std::vector<double> sweep;                // multipliers to try for the plan (each a whole run)
  std::vector<Threshold> extra_thresholds;  // from the command line, after the profile's
  std::string trace_path;                   // when set, the main run's trace goes there
  // Called after each simulated hour of the main run (hours done, hours in all), and before each
  // sweep run (0, 0).
  std::function<void(int done, int total, double multiplier)> progress;
};

// One simulated run of `profile` at its multiplier: the numbers, no plan, no thresholds.
LoadResult SimulateLoad(const LoadProfile& profile, const LoadOptions& options);

// The whole rehearsal: the main run, the sweep, the plan, the thresholds judged. A threshold whose
// metric the run does not have is an input error: returned as the message (exit status 2).
sim::Expected<LoadResult, std::string> RunLoad(const LoadProfile& profile, const LoadOptions& options);

// The names and values thresholds can use (docs/LOAD.md), from a finished run and its plan.
std::map<std::string, double> LoadMetrics(const LoadResult& result);

}  // namespace rh::harness::load
