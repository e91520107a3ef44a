// Writing a scenario back out as YAML in the documented format (docs/SCENARIOS.md), so that a
// generated or shrunk counterexample becomes a file a person can read and `rehearse run` replays.
// The contract is the round trip: LoadScenarioText(WriteScenario(s)) gives a scenario equal to `s`
// (SameScenario: positions, the file name and its hash aside). Only fields that differ from their
// defaults are written, so a small scenario stays a short file.
//
// A policy read from a file is written as that file's path; a policy embedded in the scenario
// (policy_file is the scenario's own file) or set without a file is written under `policy:` in
// docs/POLICY.md's format, only its sections that differ from the default policy, and reads back
// with policy_file naming the new file. Pure: no I/O, deterministic.
#pragma once

#include <string>
#include <vector>

#include "harness/scenario.h"

namespace rh::harness {

struct WriteOptions {
  // Written first, each line as a `# ` comment: e.g. the oracle that fired, the seed and the
  // command that reproduces the failure. A line break inside a line starts another comment line.
  std::vector<std::string> header;
  // The folder the file will be written to. A policy file is then named relative to it, the way
  // the loader resolves it; empty: the policy's path is written as the scenario holds it.
  std::string base_dir;
};

// The scenario as YAML text, ending with a newline. Every duration must be whole seconds, the
// timeline sorted by `at` (as the loader leaves it) and every field within the loader's bounds (a
// scenario the loader produced, or one built to its rules); a duration or order that breaks this
// aborts with a message rather than writing a file that reads back differently.
std::string WriteScenario(const scenario::Scenario& scenario, const WriteOptions& options = {});

// One YAML scalar that reads back as exactly `text`: plain when that is unambiguous, else
// double-quoted with escapes (quotes, backslashes, control characters, line breaks). Exposed for
// tests and for other writers of YAML in the harness.
std::string YamlScalar(const std::string& text);

}  // namespace rh::harness
