// `rehearse fuzz`: property-based rehearsal of the policy's boundaries (harness/fuzz.h), with a
// progress bar on a terminal and plain lines in CI, a summary of the boundaries the cases came
// near, and the shrunk counterexample written as a scenario file. Exits 0 when every property
// held, 1 with a counterexample, 2 on bad usage. `--jobs N` runs N campaigns (seeds S, S+1, ...)
// in child processes, the cases split between them: RapidCheck generates on one thread.
#pragma once

#include <cstdint>
#include <string>

namespace rh::app {

struct FuzzCommandOptions {
  int cases = 100;
  std::uint64_t seed = 1;
  std::string policy_file;
  std::string variant = "reference";
  int jobs = 1;
  std::string out_dir = "out/fuzz";
  bool shrink = true;
  bool quiet = false;
};

int RunFuzzCommand(const FuzzCommandOptions& options);

}  // namespace rh::app
