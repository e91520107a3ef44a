// `rehearse replay TRACE...`: re-runs each recorded scenario with its recorded seed on this build
// and compares the traces (harness/replay.h). A folder stands for the traces in it, so
// `rehearse replay scenarios/golden` is the snapshot test of the suite. Exits 0 when every trace
// is reproduced (or, with --accept, rewritten), 1 when one diverged, 2 when one cannot be
// replayed (unreadable trace, scenario not found or not loading).
#pragma once

#include <string>
#include <vector>

namespace rh::app {

struct ReplayCommandOptions {
  std::vector<std::string> paths;
  bool accept = false;
  bool quiet = false;  // print divergences and errors only
};

int RunReplay(const ReplayCommandOptions& options);

}  // namespace rh::app
