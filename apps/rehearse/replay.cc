#include "replay.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "harness/replay.h"

namespace rh::app {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> TraceFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      out.push_back(p);
      continue;
    }
    std::vector<std::string> inside;
    for (const auto& entry : fs::directory_iterator(p, ec)) {
      if (entry.path().extension() == ".jsonl") inside.push_back(entry.path().string());
    }
    std::sort(inside.begin(), inside.end());
    out.insert(out.end(), inside.begin(), inside.end());
  }
  return out;
}

void PrintDivergence(const std::string& trace, const harness::ReplayOutcome& r) {
  const harness::Divergence& d = *r.divergence;
  std::printf("%s: %s at line %zu (virtual time %.3f s)%s\n", trace.c_str(),
              r.accepted ? "diverged, accepted" : "diverged", d.line, d.t_seconds,
              r.scenario_changed ? "; the scenario file changed since it was recorded" : "");
  std::printf("  while     %s\n", d.doing.c_str());
  if (!d.before.empty()) std::printf("  before    %s\n", d.before.c_str());
  std::printf("  recorded  %s\n", d.recorded.empty() ? "(the recorded trace ends here)" : d.recorded.c_str());
  std::printf("  replayed  %s\n", d.replayed.empty() ? "(the replayed trace ends here)" : d.replayed.c_str());
  std::printf("  records   %zu recorded, %zu replayed\n", r.recorded_records, r.replayed_records);
}

}  // namespace

int RunReplay(const ReplayCommandOptions& options) {
  const std::vector<std::string> traces = TraceFiles(options.paths);
  if (traces.empty()) {
    std::fprintf(stderr, "rehearse replay: no trace files (*.jsonl) in the given paths\n");
    return 2;
  }
  int identical = 0, diverged = 0, errors = 0;
  for (const std::string& trace : traces) {
    const harness::ReplayOutcome r =
        harness::Replay(trace, {.accept = options.accept, .source_dir = REHEARSAL_SOURCE_DIR});
    switch (r.status) {
      case harness::ReplayOutcome::Status::kIdentical:
        ++identical;
        if (!options.quiet) {
          std::printf("%s: identical (%zu records)%s\n", trace.c_str(), r.recorded_records,
                      r.scenario_changed ? "; the scenario file changed but behaves the same" : "");
        }
        break;
      case harness::ReplayOutcome::Status::kDiverged:
        r.accepted ? ++identical : ++diverged;
        PrintDivergence(trace, r);
        break;
      case harness::ReplayOutcome::Status::kError:
        ++errors;
        std::fprintf(stderr, "rehearse replay: %s\n", r.error.c_str());
        break;
    }
  }
  std::printf("rehearse replay: %d reproduced%s, %d diverged, %d could not be replayed, of %zu traces\n", identical,
              options.accept ? " or accepted" : "", diverged, errors, traces.size());
  if (errors > 0) return 2;
  return diverged > 0 ? 1 : 0;
}

}  // namespace rh::app
