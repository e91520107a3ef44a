// `rehearse load PROFILE --mode sim`: the BFCM rehearsal in virtual time (harness/load.h). Prints
// the run's summary and the capacity plan; --sweep 1,2,3,4 tries multipliers to find where the
// SLA breaks; --threshold EXPR (repeatable, k6 style) gates CI; --junit FILE has one case per
// threshold; --report DIR writes summary.json and load.html. Exits 0 when every threshold holds,
// 1 when one fails, 2 on bad input (the profile, a threshold, an option). `--mode live` is not
// built yet and says so.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace rh::app {

struct LoadCommandOptions {
  std::string profile;
  std::string mode = "sim";
  std::optional<std::uint64_t> seed;
  std::optional<double> multiplier;
  std::string sweep;  // "1,2,3,4"
  std::vector<std::string> thresholds;
  std::string junit_file;
  std::string report_dir;
  std::string trace_file;
  bool quiet = false;
};

CLI::App* AddLoadCommand(CLI::App& app, LoadCommandOptions& options);
int RunLoadCommand(const LoadCommandOptions& options);

}  // namespace rh::app
