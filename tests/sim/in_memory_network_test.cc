// Goal: the in-memory transport behaves like a network under virtual time: latency on both
// legs, refusals for unknown hosts, timeouts that do not stop a request already sent, each fault
// kind with its real consequence for the service's state, and byte-identical traces per seed.
#include "sim/in_memory_network.h"

#include <gtest/gtest.h>

namespace rh::sim {
namespace {

// Counts requests and answers with the count.
class CountingService final : public Service {
 public:
  Response Handle(const Request& req, Moment now) override {
    ++handled;
    last_seen = now.monotonic;
    return Response::Text(200, std::to_string(handled) + ":" + req.body);
  }
  int handled = 0;
  Instant last_seen{};
};

struct Fixture : ::testing::Test {
  Scheduler scheduler;
  Trace trace{{}};
  InMemoryNetwork network{scheduler, Rng(1), &trace};
  CountingService service;

  void SetUp() override { network.AddHost("svc", service, {LinkProfile{Ms(10), 0.0}, 64}); }

  // Sends one request from a fresh client and runs the world until it is answered.
  SendResult SendAndRun(std::string host, std::string body = "", Duration timeout = Sec(30)) {
    auto client = network.MakeClient("tester");
    Request req;
    req.method = Method::kPost;
    req.headers.Set("Host", host);
    req.body = std::move(body);
    std::optional<SendResult> out;
    Spawn([&]() -> Task<void> { out.emplace(co_await client->Send(req, {timeout})); });
    scheduler.RunUntilIdle();
    RH_CHECK(out.has_value(), "the exchange never finished");
    return std::move(*out);
  }
};

using InMemoryNetworkTest = Fixture;

TEST_F(InMemoryNetworkTest, DeliversAfterLatencyOnBothLegs) {
  SendResult r = SendAndRun("svc", "hello");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "1:hello");
  EXPECT_EQ(service.last_seen, Instant(Ms(10)));
  EXPECT_EQ(scheduler.Now(), Instant(Ms(20)));
}

TEST_F(InMemoryNetworkTest, UnknownHostIsRefused) {
  SendResult r = SendAndRun("nowhere");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, TransportErrorKind::kConnectFailed);
  EXPECT_EQ(service.handled, 0);
}

TEST_F(InMemoryNetworkTest, TimeoutDoesNotUnsendARequest) {
  network.faults().Add({.kind = FaultKind::kExtraLatency, .extra_latency = Sec(5)});
  SendResult r = SendAndRun("svc", "", Sec(1));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, TransportErrorKind::kTimeout);
  EXPECT_EQ(service.handled, 1);  // it still arrived, after the client gave up
}

TEST_F(InMemoryNetworkTest, ErrorStatusFaultAnswersWithoutReachingTheService) {
  Headers h;
  h.Set("Retry-After", "2");
  network.faults().Add({.kind = FaultKind::kErrorStatus, .status = 429, .body = "slow down", .headers = h});
  SendResult r = SendAndRun("svc");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->headers.Get("retry-after"), "2");
  EXPECT_EQ(service.handled, 0);
}

TEST_F(InMemoryNetworkTest, DropBeforeHandlingLeavesTheServiceUntouched) {
  network.faults().Add({.kind = FaultKind::kDropBeforeHandling});
  SendResult r = SendAndRun("svc");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, TransportErrorKind::kConnectionReset);
  EXPECT_EQ(service.handled, 0);
}

TEST_F(InMemoryNetworkTest, DropAfterHandlingChangesStateButLosesTheAnswer) {
  network.faults().Add({.kind = FaultKind::kDropAfterHandling});
  SendResult r = SendAndRun("svc");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, TransportErrorKind::kConnectionReset);
  EXPECT_EQ(service.handled, 1);
}

TEST_F(InMemoryNetworkTest, NoResponseEndsInTimeout) {
  network.faults().Add({.kind = FaultKind::kNoResponse});
  SendResult r = SendAndRun("svc", "", Sec(3));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, TransportErrorKind::kTimeout);
  EXPECT_EQ(scheduler.Now(), Instant(Sec(3)));
}

TEST_F(InMemoryNetworkTest, OversizeBodyGets413AndNeverReachesTheService) {
  SendResult r = SendAndRun("svc", std::string(65, 'x'));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(service.handled, 0);
}

TEST_F(InMemoryNetworkTest, TracesEveryLegOfAnExchange) {
  SendAndRun("svc");
  ASSERT_EQ(trace.size(), 3u);
  EXPECT_EQ(trace.records()[0].kind, "http.request");
  EXPECT_EQ(trace.records()[1].kind, "http.handled");
  EXPECT_EQ(trace.records()[2].kind, "http.response");
}

TEST_F(InMemoryNetworkTest, ConcurrentRequestsInterleaveInVirtualTime) {
  auto client = network.MakeClient("tester");
  std::vector<Task<SendResult>> sends;
  for (int i = 0; i < 50; ++i) {
    Request req;
    req.headers.Set("Host", "svc");
    sends.push_back(client->Send(req));
  }
  std::vector<SendResult> results;
  Spawn([&]() -> Task<void> { results = co_await WhenAll(std::move(sends)); });
  scheduler.RunUntilIdle();
  ASSERT_EQ(results.size(), 50u);
  EXPECT_EQ(scheduler.Now(), Instant(Ms(20)));  // all in flight together, not one after another
  EXPECT_EQ(service.handled, 50);
}

}  // namespace
}  // namespace rh::sim

namespace rh::sim {
namespace {

// Answers after waiting on the scheduler itself, as a recording proxy waits on its upstream.
class SlowProxy final : public Service {
 public:
  explicit SlowProxy(Scheduler& s) : scheduler_(s) {}
  Response Handle(const Request&, Moment) override { return Response::Text(500, "sync path used"); }
  Task<Response> HandleAsync(Request request, Moment) override {
    co_await SleepFor(scheduler_, Sec(2));
    co_return Response::Text(200, "proxied " + request.target);
  }

 private:
  Scheduler& scheduler_;
};

TEST_F(InMemoryNetworkTest, AsynchronousServicesAnswerWhenTheirOwnWaitsEnd) {
  SlowProxy proxy(scheduler);
  network.AddHost("proxy", proxy, {LinkProfile{Ms(10), 0.0}});
  SendResult r = SendAndRun("proxy");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "proxied /");
  EXPECT_EQ(scheduler.Now(), Instant(Sec(2) + Ms(20)));
}

TEST_F(InMemoryNetworkTest, ServiceTimeHoldsTheResponseBeforeItLeaves) {
  FunctionService slow([](const Request&, Moment) {
    Response r = Response::Text(200, "thought about it");
    r.service_time = Ms(750);
    return r;
  });
  network.AddHost("llm", slow, {LinkProfile{Ms(10), 0.0}});
  SendResult r = SendAndRun("llm");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(scheduler.Now(), Instant(Ms(770)));
}

}  // namespace
}  // namespace rh::sim
