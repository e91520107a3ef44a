#include "run.h"

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/runner.h"
#include "harness/seed_list.h"
#include "harness/scenario_loader.h"
#include "rehearsal/build_info.h"
#include "reports/html_report.h"
#include "reports/junit.h"
#include "reports/summary_json.h"
#include "terminal.h"

namespace rh::app {
namespace {

// Within a long scenario (a day or more of virtual time), on a terminal: the virtual time covered
// and the generated tickets so far; the next Progress line overwrites it.
void VirtualTimeBar(sim::Duration covered, sim::Duration total, std::int64_t tickets) {
  if (total < sim::Days(1)) return;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(covered.count() * kWidth / total.count());
  const auto hours = std::chrono::duration_cast<std::chrono::hours>(covered).count();
  const auto total_hours = std::chrono::duration_cast<std::chrono::hours>(total).count();
  std::fprintf(stderr, "\r\033[K[%.*s%*s] %lldd%02lldh of %lldd%02lldh virtual, %lld tickets", filled,
               "##############################", kWidth - filled, "", static_cast<long long>(hours / 24),
               static_cast<long long>(hours % 24), static_cast<long long>(total_hours / 24),
               static_cast<long long>(total_hours % 24), static_cast<long long>(tickets));
  std::fflush(stderr);
}

// `label` names the run: the scenario, and in a sweep its seed.
std::string WhatFailed(const harness::ScenarioResult& r);

void Progress(const harness::ScenarioResult& r, const std::string& label, int done, int total, bool interactive) {
  const char* mark = r.status == "passed" ? "PASS" : r.status == "failed" ? "FAIL" : "ERROR";
  if (!interactive) {
    std::fprintf(stderr, "%-5s %s (%.2f s)\n", mark, label.c_str(), r.wall_seconds);
    if (!r.error.empty()) std::fprintf(stderr, "      %s\n", r.error.c_str());
    if (r.status == "failed" && !r.pipeline.empty()) std::fprintf(stderr, "      %s\n", WhatFailed(r).c_str());
    std::fputs(OutsideDetails(r).c_str(), stderr);
    return;
  }
  constexpr int kWidth = 30;
  const int filled = total > 0 ? done * kWidth / total : kWidth;
  std::fprintf(stderr, "\r\033[K[%.*s%*s] %d/%d %s %s", filled, "##############################", kWidth - filled, "", done,
               total, mark, label.c_str());
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

// A sweep's bound, in runs (scenarios x seeds): enough for the suite under a thousand seeds, and a
// typo such as 1-1000000 is refused instead of running for days.
constexpr std::size_t kMaxSweepRuns = 100'000;

// What a failed run got wrong, in one line: the oracles that did not pass, each with the first
// line of its message, then how many expectations did not hold; for an error, the error.
std::string WhatFailed(const harness::ScenarioResult& r) {
  if (r.status == "error") return r.error;
  std::string out;
  for (const auto& o : r.oracles) {
    if (o.passed()) continue;
    const std::string message = o.message.substr(0, o.message.find('\n'));
    out += (out.empty() ? "" : "; ") + o.id +
           (o.expected_to_fire ? " was expected to fire and held" : " fired" + (message.empty() ? "" : ": " + message));
  }
  int broken = 0;
  for (const auto& e : r.expectations) broken += e.held ? 0 : 1;
  if (broken > 0) {
    out += (out.empty() ? "" : "; ") + std::to_string(broken) + (broken == 1 ? " expectation" : " expectations") +
           " did not hold";
  }
  return out;
}

std::string SeedLabel(const harness::ScenarioResult& r) { return r.name + " (seed " + std::to_string(r.seed) + ")"; }

// The traces of a sweep's failed runs, as <report>/traces/<scenario>-seed<N>.jsonl. The sweep
// itself writes no traces (one per run would be thousands of files, and runs with the same name
// under different seeds would overwrite each other), so each failed run is played again with
// traces on: the same file and seed give the same trace, which the digest confirms.
bool WriteFailedTraces(std::vector<harness::ScenarioResult*> failed, const std::filesystem::path& report) {
  const std::filesystem::path scratch = report / ".replay";
  std::filesystem::create_directories(report / "traces");
  bool ok = true;
  for (harness::ScenarioResult* r : failed) {
    if (r->status != "failed") continue;  // an error has no trace
    harness::RunOptions replay;
    replay.seed = r->seed;
    replay.report_dir = scratch.string();
    const harness::ScenarioResult again = harness::RunScenarioFile(r->file, replay);
    if (again.trace_file.empty() || again.trace_digest != r->trace_digest) {
      std::fprintf(stderr, "rehearse run: replaying %s gave another trace than the sweep's (a determinism bug)\n",
                   SeedLabel(*r).c_str());
      ok = false;
      continue;
    }
    const std::string name =
        std::filesystem::path(again.trace_file).stem().string() + "-seed" + std::to_string(r->seed) + ".jsonl";
    std::error_code error;
    std::filesystem::rename(scratch / again.trace_file, report / "traces" / name, error);
    if (error) {
      std::fprintf(stderr, "rehearse run: cannot write %s: %s\n", (report / "traces" / name).string().c_str(),
                   error.message().c_str());
      ok = false;
      continue;
    }
    r->trace_file = "traces/" + name;
  }
  std::error_code ignored;
  std::filesystem::remove_all(scratch, ignored);
  return ok;
}

// A sweep's summary.json: the usual document (build, totals and KPIs over every run), but with
// only the failed runs listed under "scenarios" (each with its seed, replay command and trace), and
// a "sweep" object saying what was swept. Thousands of passing entries would bury the few that
// matter; their count is in the totals.
bool WriteSweepSummary(const harness::RunResult& all, const std::string& seeds, std::size_t scenario_count,
                       const std::filesystem::path& path) {
  nlohmann::ordered_json j = reports::SummaryJson(all, true);
  nlohmann::ordered_json failed = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < all.scenarios.size(); ++i) {
    if (!all.scenarios[i].passed()) failed.push_back(j["scenarios"][i]);
  }
  j["scenarios"] = std::move(failed);
  j["sweep"] = nlohmann::ordered_json{{"seeds", seeds},
                                      {"scenarios", scenario_count},
                                      {"runs", all.scenarios.size()},
                                      {"failed", all.failed()},
                                      {"listed", "failed runs only"}};
  return WriteFile(path, [&](std::ostream& out) {
    out << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
  });
}

// Every scenario under every seed: one RunAll per seed (each run deterministic, --jobs spread
// over the scenarios), then the failing (scenario, seed) pairs with their replay commands.
int SweepSeeds(const std::vector<std::string>& files, const RunCommandOptions& options, bool interactive) {
  const auto seeds = harness::ParseSeedList(*options.seeds, kMaxSweepRuns);
  if (!seeds) {
    std::fprintf(stderr, "rehearse run: %s\n", seeds.error().c_str());
    return 2;
  }
  const std::size_t runs = files.size() * seeds->size();
  if (runs > kMaxSweepRuns) {
    std::fprintf(stderr, "rehearse run: --seeds %s over %zu scenarios is %zu runs; a sweep runs at most %zu\n",
                 options.seeds->c_str(), files.size(), runs, kMaxSweepRuns);
    return 2;
  }
  harness::RunResult all;
  int done_before = 0;
  for (const std::uint64_t seed : *seeds) {
    harness::RunOptions run_options;
    run_options.seed = seed;
    harness::RunResult one = harness::RunAll(files, run_options, options.jobs, [&](const harness::ScenarioResult& r, int done, int) {
      if (!options.quiet) Progress(r, SeedLabel(r), done_before + done, static_cast<int>(runs), interactive);
    });
    done_before += static_cast<int>(files.size());
    for (auto& r : one.scenarios) {
      // Per-ticket timelines feed only the HTML report, which a sweep does not write; kept for
      // thousands of runs they would be most of the memory.
      r.timelines = {};
      all.scenarios.push_back(std::move(r));
    }
  }
  all.build = std::string(kVersion) + "+" + kGitDescribe;

  std::vector<harness::ScenarioResult*> failed;
  for (auto& r : all.scenarios) {
    if (!r.passed()) failed.push_back(&r);
  }
  if (!options.report_dir.empty()) {
    const std::filesystem::path dir(options.report_dir);
    std::filesystem::create_directories(dir);
    const bool traces = WriteFailedTraces(failed, dir);
    if (!WriteSweepSummary(all, *options.seeds, files.size(), dir / "summary.json")) {
      std::fprintf(stderr, "rehearse run: cannot write the report into %s\n", options.report_dir.c_str());
      return 2;
    }
    if (!traces) return 1;
  }
  if (!options.junit_file.empty()) {
    // One test case per run, named with its seed, so CI shows which seed failed.
    harness::RunResult named = all;
    for (auto& r : named.scenarios) r.name = SeedLabel(r);
    if (!WriteFile(options.junit_file, [&](std::ostream& out) { reports::WriteJunitXml(named, out); })) {
      std::fprintf(stderr, "rehearse run: cannot write %s\n", options.junit_file.c_str());
      return 2;
    }
  }
  std::fprintf(stderr, "rehearse run: %zu runs (%zu %s x %zu %s), %zu failed\n", runs, files.size(),
               files.size() == 1 ? "scenario" : "scenarios", seeds->size(), seeds->size() == 1 ? "seed" : "seeds",
               failed.size());
  for (const harness::ScenarioResult* r : failed) {
    std::fprintf(stderr, "  FAIL  %s: %s\n        %s\n", SeedLabel(*r).c_str(), WhatFailed(*r).c_str(),
                 harness::ReplayCommand(r->file, r->seed).c_str());
  }
  if (!options.report_dir.empty()) {
    std::fprintf(stderr, "rehearse run: report at %s\n",
                 (std::filesystem::absolute(options.report_dir) / "summary.json").string().c_str());
  }
  return failed.empty() ? 0 : 1;
}

}  // namespace

int RunScenarios(const RunCommandOptions& options) {
  if (options.outside.print_env) return PrintPipelineEnvironment(options.outside);
  std::vector<std::string> paths = options.paths;
  if (paths.empty()) paths.push_back(std::string(REHEARSAL_SOURCE_DIR) + "/scenarios");
  std::vector<std::string> errors;
  const std::vector<std::string> files = harness::FindScenarioFiles(paths, &errors);
  for (const auto& e : errors) std::fprintf(stderr, "rehearse run: %s\n", e.c_str());
  if (files.empty()) {
    std::fprintf(stderr, "rehearse run: no scenario files (*.yaml) found\n");
    return 2;
  }
  const bool interactive = !options.quiet && Interactive();
  if (options.seeds && options.outside.any()) {
    std::fprintf(stderr, "rehearse run: --seeds sweeps the reference pipeline only; an outside pipeline runs with --seed\n");
    return 2;
  }
  if (options.seeds) return SweepSeeds(files, options, interactive);
  harness::RunOptions run_options;
  run_options.seed = options.seed;
  run_options.report_dir = options.report_dir;
  if (interactive && options.jobs == 1) run_options.on_virtual_time = VirtualTimeBar;
  if (auto wrong = ConfigureOutside(options.outside, options.jobs, run_options)) {
    std::fprintf(stderr, "rehearse run: %s\n", wrong->c_str());
    return 2;
  }
  if (!options.report_dir.empty()) std::filesystem::create_directories(options.report_dir);
  harness::RunResult result = harness::RunAll(
      files, run_options, options.jobs, [&](const harness::ScenarioResult& r, int done, int total) {
        if (!options.quiet) Progress(r, r.name, done, total, interactive);
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
