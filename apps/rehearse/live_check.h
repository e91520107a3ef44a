// `rehearse live-check`: a loopback round trip of the live transports (Beast server and pool
// client), with throughput and latency percentiles, so a person can see live mode work.
#pragma once

namespace rh::app {

struct LiveCheckOptions {
  int requests = 20'000;
  int connections = 16;
  int server_threads = 1;
};

// Prints a summary; returns the process exit code.
int RunLiveCheck(const LiveCheckOptions& options);

}  // namespace rh::app
