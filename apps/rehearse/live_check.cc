#include "live_check.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

#include "sim/live/http_client.h"
#include "sim/live/http_server.h"
#include "sim/live/runtime.h"
#include "sim/service.h"

namespace rh::app {
namespace {

// Answers every request with a small JSON body naming the request's path.
class EchoService final : public sim::Service {
 public:
  sim::Response Handle(const sim::Request& request, sim::Moment) override {
    return sim::Response::Json(200, "{\"path\":\"" + std::string(request.Path()) + "\"}");
  }
};

double Percentile(const std::vector<sim::Duration>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return static_cast<double>(sorted[std::min(i, sorted.size() - 1)].count()) / 1e6;
}

}  // namespace

int RunLiveCheck(const LiveCheckOptions& options) {
  EchoService service;
  sim::live::HttpServer server(service, {.threads = options.server_threads});
  auto port = server.Start();
  if (!port) {
    std::fprintf(stderr, "rehearse: live-check could not listen: %s\n", port.error().c_str());
    return 2;
  }
  sim::live::LiveRuntime runtime;
  runtime.Start();
  sim::live::LiveHttpClient client(runtime, {.max_connections_per_host = static_cast<std::size_t>(options.connections)});
  const std::string host = "127.0.0.1:" + std::to_string(*port);

  std::vector<sim::Duration> latencies(static_cast<std::size_t>(options.requests));
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  auto worker = [&]() -> sim::Task<void> {
    for (int i = next++; i < options.requests; i = next++) {
      sim::Request req;
      req.target = "/orders/" + std::to_string(i);
      req.headers.Set("Host", host);
      const sim::Instant start = runtime.clock().Now();
      sim::SendResult r = co_await client.Send(std::move(req), {sim::Sec(10)});
      latencies[static_cast<std::size_t>(i)] = runtime.clock().Now() - start;
      if (!r.has_value() || r->status != 200) ++failures;
    }
  };
  const sim::Instant started = runtime.clock().Now();
  sim::live::RunSync(runtime, [&]() -> sim::Task<void> {
    std::vector<sim::Task<void>> workers;
    for (int c = 0; c < options.connections; ++c) workers.push_back(worker());
    co_await sim::WhenAll(std::move(workers));
  }());
  const double seconds = sim::ToSeconds(runtime.clock().Now() - started);
  const std::uint64_t opened = client.connections_opened();
  client.Close();
  runtime.Stop();
  server.Stop();

  std::sort(latencies.begin(), latencies.end());
  std::printf(
      "live-check: %d requests over %d keep-alive connections (%llu opened) on 127.0.0.1:%u\n"
      "  %.0f requests/s; latency ms p50 %.3f, p90 %.3f, p99 %.3f, p99.9 %.3f, max %.3f; %d failed\n",
      options.requests, options.connections, static_cast<unsigned long long>(opened),
      static_cast<unsigned>(*port), options.requests / seconds, Percentile(latencies, 0.5),
      Percentile(latencies, 0.9), Percentile(latencies, 0.99), Percentile(latencies, 0.999),
      Percentile(latencies, 1.0), failures.load());
  return failures.load() == 0 ? 0 : 1;
}

}  // namespace rh::app
