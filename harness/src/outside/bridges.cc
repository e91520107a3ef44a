#include "bridges.h"

#include <algorithm>
#include <charconv>

namespace rh::harness::outside {
namespace {

// The longest Retry-After the clock is held for: a pipeline told to wait longer than this gets
// the jump instead (the limit has drained in virtual time meanwhile).
constexpr sim::Duration kLongestHold = sim::Sec(60);

sim::Response Unavailable(int status, const std::string& why) {
  return sim::Response::Json(status, "{\"error\":\"rehearsal bridge: " + why + "\"}");
}

// Seconds of a Retry-After header ("2", "0.5"); nullopt when absent or not a number.
std::optional<sim::Duration> RetryAfter(const sim::Response& response) {
  const auto text = response.headers.Get("Retry-After");
  if (!text) return std::nullopt;
  double seconds = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), seconds);
  if (ec != std::errc() || seconds < 0) return std::nullopt;
  return std::chrono::duration_cast<sim::Duration>(std::chrono::duration<double>(std::min(seconds, 3600.0)));
}

struct ToWorld {
  MockGateway* gateway;
  sim::Request* request;
  std::optional<sim::SendResult>* result;
  sim::SteppedTime* time;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const {
    MockGateway* g = gateway;
    sim::Request* r = request;
    std::optional<sim::SendResult>* out = result;
    time->Post([g, r, out, h] { g->SendInWorld(r, out, h); });
  }
  void await_resume() const noexcept {}
};

struct ToPipeline {
  PipelineForwarder* forwarder;
  sim::Request* request;
  std::optional<sim::SendResult>* result;
  sim::live::LiveRuntime* runtime;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const {
    PipelineForwarder* f = forwarder;
    sim::Request* r = request;
    std::optional<sim::SendResult>* out = result;
    runtime->Post([f, r, out, h] { f->SendLive(r, out, h); });
  }
  void await_resume() const noexcept {}
};

}  // namespace

sim::Response MockGateway::Handle(const sim::Request&, sim::Moment) {
  return Unavailable(500, "the gateway answers only asynchronously");
}

sim::Task<sim::Response> MockGateway::HandleAsync(sim::Request request, sim::Moment) {
  time_.BeginWork();
  request.headers.Set("Host", host_);
  std::optional<sim::SendResult> result;
  co_await ToWorld{this, &request, &result, &time_};
  sim::Response response = *result ? std::move(**result) : Unavailable(502, "the mock gave no response");
  // The world's network already held the response for its service time, in the world's clock.
  response.service_time = std::chrono::nanoseconds(0);
  // Read on the world's thread (the exchange resumed there): the world's calendar, as a real
  // service's Date header gives its own.
  response.headers.Set("Date", sim::FormatHttpDate(world_clock_.WallNow()));
  if (response.status == 429) {
    if (auto wait = RetryAfter(response)) time_.HoldFor(std::min(*wait, kLongestHold));
  }
  time_.EndWork();
  co_return response;
}

void MockGateway::SendInWorld(sim::Request* request, std::optional<sim::SendResult>* result,
                              std::coroutine_handle<> waiting) {
  sim::HttpClient* client = &world_client_;
  sim::Spawn([client, request, result, waiting]() -> sim::Task<void> {
    auto sending = client->Send(std::move(*request));
    *result = co_await std::move(sending);
    waiting.resume();
  });
}

sim::Response PipelineForwarder::Handle(const sim::Request&, sim::Moment) {
  return Unavailable(500, "the forwarder answers only asynchronously");
}

sim::Task<sim::Response> PipelineForwarder::HandleAsync(sim::Request request, sim::Moment) {
  time_.BeginWork();
  request.headers.Set("Host", authority_);
  request.target = prefix_ + request.target;
  std::optional<sim::SendResult> result;
  co_await ToPipeline{this, &request, &result, &runtime_};
  time_.EndWork();
  if (!*result) {
    // Nothing answered: for the mocks' senders this is a failed delivery, retried on their
    // schedule, as a real service would.
    co_return Unavailable(503, "the pipeline did not answer: " + result->error().detail);
  }
  co_return std::move(**result);
}

void PipelineForwarder::SendLive(sim::Request* request, std::optional<sim::SendResult>* result,
                                 std::coroutine_handle<> waiting) {
  sim::live::LiveHttpClient* client = &client_;
  sim::SteppedTime* time = &time_;
  sim::Spawn([client, time, request, result, waiting]() -> sim::Task<void> {
    auto sending = client->Send(std::move(*request), sim::SendOptions{sim::Sec(10)});
    *result = co_await std::move(sending);
    time->Post([waiting] { waiting.resume(); });
  });
}

}  // namespace rh::harness::outside
