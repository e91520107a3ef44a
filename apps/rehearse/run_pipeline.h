// `rehearse pipeline`: runs the reference pipeline in live mode against the services its settings
// name (the mocks of `rehearse serve`, or the real Shopify, Gorgias, Klaviyo and LLM), receiving
// their webhooks on its own HTTP listener and writing its decisions to a SQLite file. Prints one
// JSON line with its webhook URLs (and how much unfinished work it resumed from its decision log),
// then runs until SIGINT or SIGTERM and stops cleanly (events under way finish; a kill -9 loses
// nothing acknowledged: the next run resumes it).
#pragma once

#include <cstdint>
#include <string>

namespace rh::app {

struct RunPipelineOptions {
  std::string settings_path = "pipeline.yaml";
  int threads = 1;         // listener threads; the workflow itself runs on one runtime thread
  std::uint64_t seed = 1;  // the retry jitter's stream
  // PipelineOptions::resume_pause: how long work resumed after a crash waits before it starts.
  std::int64_t resume_pause_ms = 5000;
  // The calendar follows the Date headers of the services' answers (a rehearsal's stepped clock,
  // docs/ANY-PIPELINE.md) instead of the machine's alone.
  bool follow_date = false;
};

int RunPipeline(const RunPipelineOptions& options);

}  // namespace rh::app
