#include "run.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "harness/runner.h"
#include "harness/scenario_loader.h"
#include "rehearsal/build_info.h"
#include "reports/html_report.h"
#include "reports/junit.h"
#include "reports/summary_json.h"

namespace rh::app {
namespace {

// A progress bar only for a person at a terminal; CI logs get one plain line per scenario.
bool Interactive() { return ::isatty(::fileno(stderr)) == 1 && std::getenv("CI") == nullptr; }

void Progress(const harness::ScenarioResult& r, int done, int total, bool interactive) {
  const char* mark = r.status == "passed" ? "PASS" : r.status == "failed" ? "FAIL" : "ERROR";
  if (!interactive) {
    std::fprintf(stderr, "%-5s %s (%.2f s)\n", mark, r.name.c_str(), r.wall_seconds);
    if (!r.error.empty()) std::fprintf(stderr, "      %s\n", r.error.c_str());
    return;
  }
  constexpr int kWidth = 30;
  const int filled = total > 0 ? done * kWidth / total : kWidth;
  std::fprintf(stderr, "\r\033[K[%.*s%*s] %d/%d %s %s", filled, "##############################", kWidth - filled, "", done,
               total, mark, r.name.c_str());
  if (r.status != "passed") std::fprintf(stderr, "\n");
  if (!r.error.empty()) std::fprintf(stderr, "      %s\n", r.error.c_str());
  if (done == total) std::fprintf(stderr, "\n");
  std::fflush(stderr);
}

bool WriteFile(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write) {
  std::ofstream out(path, std::ios::binary);
  if (!out) return false;
  write(out);
  return static_cast<bool>(out);
}

}  // namespace

int RunScenarios(const RunCommandOptions& options) {
  std::vector<std::string> paths = options.paths;
  if (paths.empty()) paths.push_back(std::string(REHEARSAL_SOURCE_DIR) + "/scenarios");
  std::vector<std::string> errors;
  const std::vector<std::string> files = harness::FindScenarioFiles(paths, &errors);
  for (const auto& e : errors) std::fprintf(stderr, "rehearse run: %s\n", e.c_str());
  if (files.empty()) {
    std::fprintf(stderr, "rehearse run: no scenario files (*.yaml) found\n");
    return 2;
  }
  harness::RunOptions run_options;
  run_options.seed = options.seed;
  run_options.report_dir = options.report_dir;
  if (!options.report_dir.empty()) std::filesystem::create_directories(options.report_dir);
  const bool interactive = !options.quiet && Interactive();
  harness::RunResult result = harness::RunAll(
      files, run_options, options.jobs, [&](const harness::ScenarioResult& r, int done, int total) {
        if (!options.quiet) Progress(r, done, total, interactive);
      });
  result.build = std::string(kVersion) + "+" + kGitDescribe;

  if (!options.report_dir.empty()) {
    const std::filesystem::path dir(options.report_dir);
    const bool ok = WriteFile(dir / "summary.json", [&](std::ostream& out) { reports::WriteSummaryJson(result, out, true); }) &&
                    WriteFile(dir / "index.html", [&](std::ostream& out) { reports::WriteHtmlReport(result, out); });
    if (!ok) {
      std::fprintf(stderr, "rehearse run: cannot write the report into %s\n", options.report_dir.c_str());
      return 2;
    }
  }
  if (!options.junit_file.empty() &&
      !WriteFile(options.junit_file, [&](std::ostream& out) { reports::WriteJunitXml(result, out); })) {
    std::fprintf(stderr, "rehearse run: cannot write %s\n", options.junit_file.c_str());
    return 2;
  }
  std::fprintf(stderr, "rehearse run: %d passed, %d failed of %zu scenarios\n", result.passed(), result.failed(),
               result.scenarios.size());
  if (!options.report_dir.empty()) {
    std::fprintf(stderr, "rehearse run: report at %s\n",
                 (std::filesystem::absolute(options.report_dir) / "index.html").string().c_str());
  }
  return result.failed() == 0 ? 0 : 1;
}

}  // namespace rh::app
