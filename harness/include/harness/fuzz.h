// `rehearse fuzz`: property-based rehearsal of the policy's boundaries. RapidCheck generates small
// worlds (customers at the VIP line, orders at the edges of the return window, the cutoffs and
// tracking staleness, several orders per customer), timelines (messages from a phrase bank in
// several styles and languages, each with its true intent; carrier scans; people answering and
// closing) and faults (the LLM's semantic mistakes, duplicated and delayed webhooks, 429 bursts,
// a forged webhook, a promotion mid-issue). Each case is a scenario played by the runner; the
// property is that every oracle holds (I1..I12). A failure is shrunk in domain terms (fewer
// customers, orders, steps and faults; distances pulled to the boundary) and written as a
// scenario file that `rehearse run` fails the same way.
//
// Deterministic: the same options give the same cases, verdicts and counterexample file. Runs on
// the calling thread (RapidCheck's generation state is global).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "harness/scenario.h"

namespace rh::harness::fuzz {

struct FuzzOptions {
  int cases = 100;
  std::uint64_t seed = 1;
  std::string policy_file;  // "" : scenarios/policies/default.yaml
  scenario::PipelineVariant variant = scenario::PipelineVariant::kReference;
  bool shrink = true;
  std::string out_dir;  // where a counterexample file is written; "" : nowhere
  // After each generated case (shrinking: false) and each shrink tried (shrinking: true).
  std::function<void(int cases_done, int cases_total, bool shrinking)> progress;
};

struct FuzzResult {
  bool held = true;                       // every property held on every case
  int cases = 0;                          // generated cases played (shrink steps not counted)
  int shrinks_tried = 0;
  int shrinks_accepted = 0;
  std::map<std::string, int> boundaries;  // boundary or fault -> cases that came near it
  // The counterexample, shrunk: the oracles that fired on it, the first violation, the file.
  std::vector<std::string> oracles_fired;
  std::string violation;
  std::string counterexample_yaml;
  std::string counterexample_file;  // "" when not written
  int counterexample_lines = 0;
  bool reproduced = false;  // the written file, loaded and run again, failed the same way
  std::string reproduce;    // RapidCheck's reproduce string for this failure
  std::string error;        // the campaign itself could not run (bad policy file, unwritable folder)
};

FuzzResult RunFuzz(const FuzzOptions& options);

}  // namespace rh::harness::fuzz
