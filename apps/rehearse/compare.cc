#include "compare.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "harness/outside_pipeline.h"
#include "harness/scenario_loader.h"
#include "reports/compare.h"
#include "terminal.h"

namespace rh::app {

int RunCompare(const CompareCommandOptions& options) {
  const bool pipelines = !options.pipeline_cmds.empty();
  if ((!pipelines && options.policies.size() != 2) || (pipelines && (options.pipeline_cmds.size() != 2 || !options.policies.empty()))) {
    std::fprintf(stderr, "rehearse compare: give --policy twice (A, then B), or --pipeline-cmd twice; got %zu and %zu\n",
                 options.policies.size(), options.pipeline_cmds.size());
    return 2;
  }
  std::vector<std::string> paths = options.paths;
  if (paths.empty()) paths.push_back(std::string(REHEARSAL_SOURCE_DIR) + "/scenarios/generated");
  std::vector<std::string> errors;
  const std::vector<std::string> files = harness::FindScenarioFiles(paths, &errors);
  for (const std::string& e : errors) std::fprintf(stderr, "rehearse compare: %s\n", e.c_str());
  if (files.empty()) {
    std::fprintf(stderr, "rehearse compare: no scenario files in the given paths\n");
    return 2;
  }

  harness::CompareOptions compare;
  if (pipelines) {
    for (int side = 0; side < 2; ++side) {
      auto outside = std::make_shared<harness::OutsidePipelineConfig>();
      outside->command = options.pipeline_cmds[side];
      (side == 0 ? compare.pipeline_a : compare.pipeline_b) = std::move(outside);
    }
  } else {
    compare.policy_a = options.policies[0];
    compare.policy_b = options.policies[1];
  }
  compare.seed = options.seed;
  compare.thresholds = options.thresholds;
  if (!options.report_dir.empty()) compare.traces_dir = options.report_dir + "/traces";
  const bool interactive = !options.quiet && Interactive();
  compare.progress = [&](const std::string& scenario, int done, int total) {
    if (options.quiet) return;
    if (interactive) {
      std::fprintf(stderr, "\r\033[Kcompare: %d/%d scenarios, both sides (%s)", done, total, scenario.c_str());
      if (done == total) std::fputc('\n', stderr);
    } else {
      std::fprintf(stderr, "compare: %d/%d %s\n", done, total, scenario.c_str());
    }
  };
  const harness::CompareResult result = harness::Compare(files, compare);
  if (result.scenarios.empty() && !result.errors.empty()) {
    for (const std::string& e : result.errors) std::fprintf(stderr, "rehearse compare: %s\n", e.c_str());
    return 2;
  }

  reports::WriteCompareText(result, std::cout);
  if (!options.json_file.empty()) {
    std::ofstream out(options.json_file, std::ios::binary);
    if (!out) {
      std::fprintf(stderr, "rehearse compare: cannot write %s\n", options.json_file.c_str());
      return 2;
    }
    reports::WriteCompareJson(result, out);
  }
  if (!options.report_dir.empty()) {
    std::filesystem::create_directories(options.report_dir);
    std::ofstream html(options.report_dir + "/compare.html", std::ios::binary);
    std::ofstream json(options.report_dir + "/compare.json", std::ios::binary);
    if (!html || !json) {
      std::fprintf(stderr, "rehearse compare: cannot write the report into %s\n", options.report_dir.c_str());
      return 2;
    }
    reports::WriteCompareHtml(result, html);
    reports::WriteCompareJson(result, json);
    std::fprintf(stderr, "rehearse compare: report at %s/compare.html\n", options.report_dir.c_str());
  }
  if (!errors.empty() || !result.errors.empty()) return 2;
  return result.worse.empty() ? 0 : 1;
}

}  // namespace rh::app
