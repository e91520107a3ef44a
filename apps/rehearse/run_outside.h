// `rehearse run --pipeline-cmd CMD` / `--pipeline-url URL`: the flags that put an outside pipeline
// under test instead of the reference one (docs/ANY-PIPELINE.md), checked and turned into the
// runner's OutsidePipelineConfig, and the lines the command prints about such a run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "harness/run_result.h"
#include "harness/runner.h"

namespace rh::app {

struct OutsideFlags {
  std::string pipeline_cmd;
  std::string pipeline_url;
  std::string mock_ports;  // "7001,7002,7003,7004": shopify, gorgias, klaviyo, llm
  int settle_ms = 300;
  int start_timeout_ms = 15000;
  // Print the REHEARSAL_* environment a pipeline behind --pipeline-url needs, and run nothing.
  bool print_env = false;
  bool any() const { return !pipeline_cmd.empty() || !pipeline_url.empty(); }
};

// Fills `options.outside` from the flags; an error for a person when they do not fit together
// (both a command and a URL, a URL without --mock-ports, more than one job on fixed ports).
std::optional<std::string> ConfigureOutside(const OutsideFlags& flags, int jobs, harness::RunOptions& options);

// `rehearse run --print-env --pipeline-url URL --mock-ports P`: the `export NAME='value'` lines
// that configure a pipeline to be rehearsed at URL (the credentials every world uses). Exit code.
int PrintPipelineEnvironment(const OutsideFlags& flags);

// What to print under a scenario's line for an outside pipeline: the oracles not applicable and
// how time was stepped. "" for the reference pipeline.
std::string OutsideDetails(const harness::ScenarioResult& r);

}  // namespace rh::app
