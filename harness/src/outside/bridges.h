// The two bridges between the single-threaded world and the sockets of an outside pipeline:
// - MockGateway: a Service for a loopback HttpServer. A request the pipeline makes to a mock is
//   handed to the world's thread, sent there through the world's in-memory network as the caller
//   "pipeline" (so it is traced, faulted and logged as the reference pipeline's calls are), and
//   the answer is handed back to the server's thread.
// - PipelineForwarder: the Service at the world's "pipeline" host. A webhook the mocks send there
//   goes to the outside pipeline through a live HTTP client; the answer is posted back to the
//   world's thread.
// Both keep SteppedTime told of what is in flight. Awaiters hold only raw pointers (STYLE and
// docs/ARCHITECTURE.md: GCC 12 destroys some temporaries of a co_await twice).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "sim/http_client.h"
#include "sim/live/http_client.h"
#include "sim/live/runtime.h"
#include "sim/service.h"
#include "sim/stepped_time.h"

namespace rh::harness::outside {

class MockGateway final : public sim::Service {
 public:
  // `host` is the mock's name on the world's network ("shopify"); `world_client` is a client of
  // that network, used only on the world's thread.
  // `world_clock` dates the answers (the Date header follows the stepped clock).
  MockGateway(std::string host, sim::HttpClient& world_client, const sim::Clock& world_clock, sim::SteppedTime& time)
      : host_(std::move(host)), world_client_(world_client), world_clock_(world_clock), time_(time) {}

  sim::Response Handle(const sim::Request& request, sim::Moment now) override;
  sim::Task<sim::Response> HandleAsync(sim::Request request, sim::Moment now) override;

  // Called on the world's thread: sends `request` and resumes `waiting` with the result.
  void SendInWorld(sim::Request* request, std::optional<sim::SendResult>* result, std::coroutine_handle<> waiting);

 private:
  std::string host_;
  sim::HttpClient& world_client_;
  const sim::Clock& world_clock_;
  sim::SteppedTime& time_;
};

class PipelineForwarder final : public sim::Service {
 public:
  // `authority` is "127.0.0.1:9000"; `prefix` a path the pipeline's URL carried ("" or "/hooks").
  PipelineForwarder(std::string authority, std::string prefix, sim::live::LiveRuntime& runtime,
                    sim::live::LiveHttpClient& client, sim::SteppedTime& time)
      : authority_(std::move(authority)), prefix_(std::move(prefix)), runtime_(runtime), client_(client), time_(time) {}

  sim::Response Handle(const sim::Request& request, sim::Moment now) override;
  sim::Task<sim::Response> HandleAsync(sim::Request request, sim::Moment now) override;

  // Called on a runtime thread: sends `request` and posts the resumption of `waiting` to the world.
  void SendLive(sim::Request* request, std::optional<sim::SendResult>* result, std::coroutine_handle<> waiting);

 private:
  std::string authority_;
  std::string prefix_;
  sim::live::LiveRuntime& runtime_;
  sim::live::LiveHttpClient& client_;
  sim::SteppedTime& time_;
};

}  // namespace rh::harness::outside
