// Goal: HttpServer honours the two ways a Service can take time: Service::HandleAsync (a Service
// that waits for something of its own, such as the LLM cassette recorder forwarding upstream,
// finishing on another thread) and Response::service_time (modelled processing time, such as an
// LLM's latency). Timing checks are lower bounds only (a response may never leave before its
// service time), so a slow machine cannot fail them.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "live_test_support.h"
#include "sim/executor.h"
#include "sim/live/http_client.h"
#include "sim/live/http_server.h"
#include "sim/live/runtime.h"
#include "sim/service.h"
#include "sim/task.h"

namespace rh::sim::live {
namespace {

using testing::Await;
using testing::Get;

// Answers after waiting `delay` on another runtime, so the answer arrives on a thread that is
// not the server's. Handle (the synchronous path) is never what the server should call.
class UpstreamService final : public Service {
 public:
  UpstreamService(LiveRuntime& upstream, Duration delay) : upstream_(upstream), delay_(delay) {}

  Response Handle(const Request&, Moment) override {
    sync_calls_.fetch_add(1);
    return Response::Text(200, "handled synchronously");
  }

  Task<Response> HandleAsync(Request request, Moment /*now*/) override {
    co_await SleepFor(upstream_, delay_);
    finished_.fetch_add(1);
    if (request.Path() == "/throw") throw std::runtime_error("upstream kaboom");
    co_return Response::Text(200, "async " + std::string(request.Path()));
  }

  int finished() const { return finished_.load(); }
  int sync_calls() const { return sync_calls_.load(); }

  // Waits (bounded) until `n` calls have finished, so no coroutine is left on `upstream_`.
  bool WaitFinished(int n) const {
    for (int i = 0; i < 2000 && finished() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return finished() >= n;
  }

 private:
  LiveRuntime& upstream_;
  Duration delay_;
  std::atomic<int> finished_{0};
  std::atomic<int> sync_calls_{0};
};

struct Fixture {
  explicit Fixture(Service& service, HttpServer::Config server_config = {})
      : server(service, std::move(server_config)), client(runtime) {
    auto started = server.Start();
    RH_CHECK(started.has_value(), "test server failed to start");
    port = *started;
    runtime.Start();
  }
  SendResult Send(Request request, SendOptions options = {}) {
    return Await(Launch(runtime, client.Send(std::move(request), options)), "a send");
  }

  HttpServer server;
  LiveRuntime runtime;
  LiveHttpClient client;
  std::uint16_t port = 0;
};

TEST(HttpServerAsync, AnswersFromAServiceThatFinishesOnAnotherThread) {
  LiveRuntime upstream;
  upstream.Start();
  UpstreamService service(upstream, Ms(20));
  {
    Fixture f(service, {.threads = 2});
    std::vector<std::future<SendResult>> answers;
    constexpr int kRequests = 24;
    for (int i = 0; i < kRequests; ++i) {
      answers.push_back(Launch(f.runtime, f.client.Send(Get(f.port, "/r" + std::to_string(i)))));
    }
    for (int i = 0; i < kRequests; ++i) {
      const SendResult result = Await(std::move(answers[static_cast<std::size_t>(i)]), "an answer");
      ASSERT_TRUE(result.has_value()) << result.error().detail;
      EXPECT_EQ(result->status, 200);
      EXPECT_EQ(result->body, "async /r" + std::to_string(i));
    }
    // The connection stays usable after an asynchronous answer.
    const SendResult again = f.Send(Get(f.port, "/again"));
    ASSERT_TRUE(again.has_value()) << again.error().detail;
    EXPECT_EQ(again->body, "async /again");
  }
  EXPECT_EQ(service.sync_calls(), 0) << "the server must call HandleAsync, not Handle";
}

TEST(HttpServerAsync, AnswersWith500WhenAnAsynchronousServiceThrowsAndKeepsServing) {
  LiveRuntime upstream;
  upstream.Start();
  UpstreamService service(upstream, Ms(1));
  Fixture f(service);
  const SendResult failed = f.Send(Get(f.port, "/throw"));
  ASSERT_TRUE(failed.has_value()) << failed.error().detail;
  EXPECT_EQ(failed->status, 500);
  EXPECT_NE(failed->body.find("upstream kaboom"), std::string::npos);
  const SendResult after = f.Send(Get(f.port, "/fine"));
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->body, "async /fine");
}

TEST(HttpServerAsync, HoldsAResponseForItsServiceTime) {
  std::atomic<std::int64_t> handled_at_ns{0};
  FunctionService service([&](const Request&, Moment now) {
    handled_at_ns = now.monotonic.time_since_epoch().count();
    Response response = Response::Text(200, "slow model");
    response.service_time = Ms(300);
    return response;
  });
  Fixture f(service);
  const Instant sent = f.runtime.clock().Now();
  const SendResult result = f.Send(Get(f.port, "/v1/chat/completions"));
  const Instant received = f.runtime.clock().Now();
  ASSERT_TRUE(result.has_value()) << result.error().detail;
  EXPECT_EQ(result->body, "slow model");
  EXPECT_NE(handled_at_ns.load(), 0);
  // A lower bound only: the response may never leave before its service time.
  EXPECT_GE(received - sent, Ms(300));
}

TEST(HttpServerAsync, StopClosesAConnectionWhoseResponseIsStillHeld) {
  FunctionService service([](const Request&, Moment) {
    Response response = Response::Text(200, "never in time");
    response.service_time = Sec(60);
    return response;
  });
  Fixture f(service);
  auto answer = Launch(f.runtime, f.client.Send(Get(f.port, "/held")));
  for (int i = 0; i < 1000 && f.server.open_connections() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  f.server.Stop(Ms(50));  // far sooner than the 60 s hold
  const SendResult result = Await(std::move(answer), "the held answer");
  ASSERT_FALSE(result.has_value()) << "a stopped server must not deliver the held response";
  EXPECT_EQ(f.server.open_connections(), 0u);
}

TEST(HttpServerAsync, AServiceThatAnswersAfterStopIsIgnoredSafely) {
  LiveRuntime upstream;
  upstream.Start();
  UpstreamService service(upstream, Ms(300));
  {
    Fixture f(service);
    auto answer = Launch(f.runtime, f.client.Send(Get(f.port, "/late")));
    for (int i = 0; i < 1000 && f.server.open_connections() == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    f.server.Stop(Ms(20));
    const SendResult result = Await(std::move(answer), "the abandoned answer");
    EXPECT_FALSE(result.has_value());
  }
  // The server is gone; the upstream call still finishes and must find nothing to write to.
  ASSERT_TRUE(service.WaitFinished(1));
  upstream.Stop();
}

}  // namespace
}  // namespace rh::sim::live
