// What-if comparison: the same scenarios, with the same seeds, run under two policies (A, the
// current one, and B, the candidate), and what changed between them: each ticket whose intent,
// route, rule or outcome differs (both sides shown), each oracle verdict that differs, and the
// support KPIs of both sides pooled over all scenarios. Tickets are matched by the runner's label
// for them (the scenario's handle, then the order of arrival), so scripted tickets match even when
// the two worlds part ways; generated tickets are labelled by id, which agree until they part. B is "worse" when it breaks an
// oracle A held, or moves a KPI past the user's threshold.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/compare_result.h"
#include "harness/runner.h"

namespace rh::harness {

struct CompareOptions {
  std::string policy_a, policy_b;  // policy files; "" : each scenario's own policy
  // Two versions of an outside pipeline instead (harness/outside_pipeline.h); null: the
  // reference pipeline in-process. Not deterministic then: the pipelines run on their own clocks.
  std::shared_ptr<const OutsidePipelineConfig> pipeline_a, pipeline_b;
  std::optional<std::uint64_t> seed;  // overrides every scenario's seed, on both sides
  CompareThresholds thresholds;
  // When set, each side's traces are written to <traces_dir>/a/ and /b/; otherwise to a folder
  // that is removed afterwards.
  std::string traces_dir;
  std::function<void(const std::string& scenario, int done, int total)> progress;
};

CompareResult Compare(const std::vector<std::string>& scenario_files, const CompareOptions& options);

}  // namespace rh::harness
