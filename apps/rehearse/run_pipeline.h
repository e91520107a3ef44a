// `rehearse pipeline`: runs the reference pipeline in live mode against the services its settings
// name (the mocks of `rehearse serve`, or the real Shopify, Gorgias, Klaviyo and LLM), receiving
// their webhooks on its own HTTP listener and writing its decisions to a SQLite file. Prints one
// JSON line with its webhook URLs, then runs until SIGINT or SIGTERM and stops cleanly (tickets
// under way finish).
#pragma once

#include <string>

namespace rh::app {

struct RunPipelineOptions {
  std::string settings_path = "pipeline.yaml";
  int threads = 1;         // listener threads; the workflow itself runs on one runtime thread
  std::uint64_t seed = 1;  // the retry jitter's stream
};

int RunPipeline(const RunPipelineOptions& options);

}  // namespace rh::app
