// `rehearse compare --policy A.yaml --policy B.yaml [PATHS]`: the same scenarios (the generated
// days by default) with the same seeds under two policies; prints the tickets whose intent, route,
// rule or outcome changed, the oracle verdicts that changed and the KPI deltas (harness/compare.h);
// --json FILE and --report DIR (compare.html, compare.json and both sides' traces) for tools and
// people. Exits 0 when nothing got worse by the thresholds, 1 when something did, 2 on bad input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/compare.h"

namespace rh::app {

struct CompareCommandOptions {
  std::vector<std::string> policies;  // exactly two, or none with two pipeline_cmds
  std::vector<std::string> pipeline_cmds;  // two outside pipelines (A, B) under the scenarios' own policies
  std::vector<std::string> paths;
  std::optional<std::uint64_t> seed;
  std::string json_file;
  std::string report_dir;
  harness::CompareThresholds thresholds;
  bool quiet = false;
};

int RunCompare(const CompareCommandOptions& options);

}  // namespace rh::app
