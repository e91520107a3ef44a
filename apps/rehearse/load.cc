#include "load.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "harness/load.h"
#include "reports/load_report.h"
#include "terminal.h"

namespace rh::app {
namespace {

// "1,2,3.5" -> {1, 2, 3.5}; nullopt names the bad item.
std::optional<std::vector<double>> ParseSweep(const std::string& text, std::string& bad) {
  std::vector<double> out;
  std::size_t from = 0;
  while (from <= text.size()) {
    const std::size_t comma = std::min(text.find(',', from), text.size());
    const std::string item = text.substr(from, comma - from);
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size() || !(v > 0) || v > 100) {
      bad = item;
      return std::nullopt;
    }
    out.push_back(v);
    from = comma + 1;
  }
  return out;
}

bool WriteFile(const std::string& path, const std::function<void(std::ostream&)>& write) {
  std::ofstream out(path, std::ios::binary);
  if (!out) return false;
  write(out);
  return static_cast<bool>(out);
}

// A progress line on a terminal (the run's hour, the sweep's multiplier); nothing in CI, without
// a terminal, or when quiet.
std::function<void(int, int, double)> Progress(const LoadCommandOptions& options) {
  if (options.quiet || !Interactive()) return {};
  return [](int done, int total, double multiplier) {
    if (total == 0) return;  // a sweep run starts: its hours follow
    std::fprintf(stderr, "\r\033[Kload x%.2f: hour %d/%d", multiplier, done, total);
    if (done == total) std::fputs("\r\033[K", stderr);
  };
}

int WriteOutputs(const LoadCommandOptions& options, const harness::load::LoadResult& result) {
  reports::WriteLoadText(result, std::cout);
  if (!options.junit_file.empty() &&
      !WriteFile(options.junit_file, [&](std::ostream& out) { reports::WriteLoadJunit(result, out); })) {
    std::fprintf(stderr, "rehearse load: cannot write %s\n", options.junit_file.c_str());
    return 2;
  }
  if (!options.report_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.report_dir, ec);
    const bool ok = WriteFile(options.report_dir + "/summary.json", [&](std::ostream& out) { reports::WriteLoadJson(result, out); }) &&
                    WriteFile(options.report_dir + "/load.html", [&](std::ostream& out) { reports::WriteLoadHtml(result, out); });
    if (!ok) {
      std::fprintf(stderr, "rehearse load: cannot write the report into %s\n", options.report_dir.c_str());
      return 2;
    }
    std::fprintf(stderr, "rehearse load: report at %s/load.html\n", options.report_dir.c_str());
  }
  return result.exit_code();
}

}  // namespace

CLI::App* AddLoadCommand(CLI::App& app, LoadCommandOptions& options) {
  auto* cmd = app.add_subcommand(
      "load", "BFCM rehearsal of a load profile (scenarios/load/): queues, first response, vendor limits, agents, AI cost, "
              "and a capacity plan; exit 0 when every threshold holds, 1 when one fails, 2 on bad input");
  cmd->add_option("profile", options.profile, "The load profile (YAML)")->required();
  cmd->add_option("--mode", options.mode, "sim: virtual time (live: not built yet)")->capture_default_str();
  cmd->add_option("--seed", options.seed, "Override the profile's seed");
  cmd->add_option("--multiplier", options.multiplier, "Override the profile's multiplier of the orders curve");
  cmd->add_option("--sweep", options.sweep, "Also run at these multipliers (1,2,3,4) and show where the SLA breaks");
  cmd->add_option("--threshold", options.thresholds, "A gate, k6 style (first_response.p90 < 4h); repeatable")
      ->allow_extra_args(false);
  cmd->add_option("--junit", options.junit_file, "Write JUnit XML, one case per threshold");
  cmd->add_option("--report", options.report_dir, "Write summary.json and load.html into this folder");
  cmd->add_option("--trace", options.trace_file, "Write the main run's trace (JSONL) to this file");
  cmd->add_flag("-q,--quiet", options.quiet, "No progress output");
  return cmd;
}

int RunLoadCommand(const LoadCommandOptions& options) {
  if (options.mode == "live") {
    std::fprintf(stderr, "rehearse load: --mode live is not built yet; use --mode sim (virtual time)\n");
    return 2;
  }
  if (options.mode != "sim") {
    std::fprintf(stderr, "rehearse load: --mode is sim or live, not '%s'\n", options.mode.c_str());
    return 2;
  }
  const auto profile = harness::load::LoadLoadProfileFile(options.profile);
  if (!profile) {
    std::fprintf(stderr, "rehearse load: %s\n", profile.error().ToString().c_str());
    return 2;
  }
  harness::load::LoadOptions load;
  load.seed = options.seed;
  load.multiplier = options.multiplier;
  load.trace_path = options.trace_file;
  load.progress = Progress(options);
  if (!options.sweep.empty()) {
    std::string bad;
    const auto sweep = ParseSweep(options.sweep, bad);
    if (!sweep) {
      std::fprintf(stderr, "rehearse load: --sweep: '%s' is not a multiplier (a number above 0, at most 100)\n", bad.c_str());
      return 2;
    }
    load.sweep = *sweep;
  }
  for (const std::string& text : options.thresholds) {
    const auto parsed = harness::load::ParseThreshold(text);
    if (!parsed) {
      std::fprintf(stderr, "rehearse load: --threshold: %s\n", parsed.error().ToString().c_str());
      return 2;
    }
    load.extra_thresholds.push_back(*parsed);
  }
  const auto result = harness::load::RunLoad(*profile, load);
  if (!result) {
    std::fprintf(stderr, "rehearse load: %s\n", result.error().c_str());
    return 2;
  }
  return WriteOutputs(options, *result);
}

}  // namespace rh::app
