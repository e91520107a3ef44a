// `rehearse run [PATHS...]`: runs scenario files and folders (the repository's scenarios/ by
// default) on the reference pipeline, in parallel with --jobs, each scenario deterministic;
// writes summary.json, the HTML report and the traces with --report DIR, JUnit XML with --junit;
// shows a progress bar on a terminal and plain lines elsewhere (CI); exits 0 only when every
// expectation and oracle held. With --seeds, a sweep: every scenario under every seed, then the
// failing (scenario, seed) pairs, each with the command that replays it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "run_outside.h"

namespace rh::app {

struct RunCommandOptions {
  std::vector<std::string> paths;
  std::optional<std::uint64_t> seed;
  // A sweep's seeds as written ("1-100", "1,5,9"); absent: one run per scenario.
  std::optional<std::string> seeds;
  std::string report_dir;
  std::string junit_file;
  int jobs = 1;
  bool quiet = false;
  // An outside pipeline under test instead of the reference one (docs/ANY-PIPELINE.md).
  OutsideFlags outside;
};

int RunScenarios(const RunCommandOptions& options);

}  // namespace rh::app
