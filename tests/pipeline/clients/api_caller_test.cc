// Goal: the retrying core's promises, against scripted services on the in-memory network under
// virtual time: Retry-After honoured (seconds and HTTP-date; checked on the trace's virtual
// times), a 429 storm ends in success without more attempts than allowed, a final 4xx is one
// attempt, transport errors are retried (but not on writes that may have gone through), the
// retry budget stops a storm, concurrency caps hold per service and per account, pacing from
// rate headers, and jitter that is the same for the same seed. Plus the semaphore on a
// multi-threaded live runtime.
#include "pipeline/clients/api_caller.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "clients_test_support.h"
#include "sim/live/runtime.h"

namespace rh::pipeline::clients {
namespace {

using testing::IntField;
using testing::RecordsOf;
using testing::StrField;

// A service answering from a script of responses (the last repeats), counting what it saw.
class ScriptedService final : public sim::Service {
 public:
  explicit ScriptedService(std::vector<sim::Response> script) : script_(std::move(script)) {}
  sim::Response Handle(const sim::Request& request, sim::Moment now) override {
    arrivals_.push_back(now.monotonic);
    requests_.push_back(request);
    const std::size_t n = next_++;
    sim::Response r = script_[std::min(n, script_.size() - 1)];
    if (make_) r = make_(request, now, n);
    return r;
  }
  void set_maker(std::function<sim::Response(const sim::Request&, sim::Moment, std::size_t)> make) {
    make_ = std::move(make);
  }
  std::size_t count() const { return arrivals_.size(); }
  const std::vector<sim::Instant>& arrivals() const { return arrivals_; }

 private:
  std::vector<sim::Response> script_;
  std::function<sim::Response(const sim::Request&, sim::Moment, std::size_t)> make_;
  std::size_t next_ = 0;
  std::vector<sim::Instant> arrivals_;
  std::vector<sim::Request> requests_;
};

sim::Response Status(int status, std::vector<std::pair<std::string, std::string>> headers = {}) {
  sim::Response r = sim::Response::Json(status, status < 300 ? R"({"ok":true})" : R"({"error":"x"})");
  for (const auto& [k, v] : headers) r.headers.Set(k, v);
  return r;
}

// "Sun, 06 Nov 1994 08:49:37 GMT".
std::string HttpDate(sim::WallTime t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<seconds>(t - day)};
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02lld:%02lld:%02lld GMT", kDays[weekday{day}.c_encoding()],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<long long>(hms.hours().count()),
                static_cast<long long>(hms.minutes().count()), static_cast<long long>(hms.seconds().count()));
  return buf;
}

class ApiCallerTest : public ::testing::Test {
 protected:
  void Host(sim::Service& service, sim::LinkProfile link = {sim::Ms(1), 0.0}) {
    network.AddHost("svc", service, sim::HostOptions{link});
  }
  std::unique_ptr<ApiCaller> Caller(RetryPolicy policy, RateReader reader = {}, std::uint64_t seed = 99) {
    return std::make_unique<ApiCaller>(*http, scheduler, sim::Rng(seed), &trace, "svc", policy, std::move(reader));
  }
  static sim::Request Get(std::string target = "/thing", std::string account = "") {
    sim::Request r;
    r.target = std::move(target);
    r.headers.Set("Host", "svc");
    if (!account.empty()) r.headers.Set("X-Test-Account", account);
    return r;
  }
  CallResult<sim::Response> Call(ApiCaller& caller, sim::Request request, CallOptions options = {"test.op", "", "", true}) {
    return testing::Run(scheduler, caller.Call(std::move(request), std::move(options)));
  }
  // Virtual times of the attempts the trace recorded.
  std::vector<sim::Instant> AttemptTimes() const {
    std::vector<sim::Instant> out;
    for (const auto* r : RecordsOf(trace, "client.attempt")) out.push_back(r->time);
    return out;
  }

  sim::Scheduler scheduler;
  sim::Trace trace{sim::TraceHeader{1, "api caller", "", "test", ""}};
  sim::InMemoryNetwork network{scheduler, sim::Rng(5), &trace};
  std::unique_ptr<sim::HttpClient> http = network.MakeClient("pipeline");
};

TEST_F(ApiCallerTest, WaitsWhatRetryAfterSaysBeforeTheNextAttempt) {
  ScriptedService service({Status(429, {{"Retry-After", "2.5"}}), Status(429, {{"Retry-After", "1"}}), Status(200)});
  Host(service);
  auto caller = Caller(RetryPolicy{});
  const auto result = Call(*caller, Get());
  ASSERT_TRUE(result.has_value()) << DescribeError(result.error());

  const auto retries = RecordsOf(trace, "client.retry");
  const auto attempts = AttemptTimes();
  ASSERT_EQ(attempts.size(), 3u);
  ASSERT_EQ(retries.size(), 2u);
  // Each retry is decided when the 429 arrives; the next attempt waits at least Retry-After.
  EXPECT_EQ(IntField(*retries[0], "retry_after_ms"), 2500);
  EXPECT_GE(attempts[1] - retries[0]->time, sim::Ms(2500));
  EXPECT_EQ(IntField(*retries[1], "retry_after_ms"), 1000);
  EXPECT_GE(attempts[2] - retries[1]->time, sim::Sec(1));
  // ... and not much more: the jitter on top is bounded by the policy's.
  EXPECT_LE(attempts[1] - retries[0]->time, sim::Ms(2500) + RetryPolicy{}.retry_after_jitter);
  EXPECT_EQ(caller->stats().rate_limited, 2u);
}

TEST_F(ApiCallerTest, ReadsAnHttpDateRetryAfter) {
  ScriptedService service({Status(200)});
  service.set_maker([](const sim::Request&, sim::Moment now, std::size_t i) {
    if (i == 0) return Status(429, {{"Retry-After", HttpDate(now.wall + sim::Sec(7))}});
    return Status(200);
  });
  Host(service);
  auto caller = Caller(RetryPolicy{});
  ASSERT_TRUE(Call(*caller, Get()).has_value());
  ASSERT_EQ(service.count(), 2u);
  // The date names a whole second 7 s after the refusal (the mock's wall clock is sub-second).
  EXPECT_GE(service.arrivals()[1] - service.arrivals()[0], sim::Sec(6));
  EXPECT_LE(service.arrivals()[1] - service.arrivals()[0], sim::Sec(8));
}

TEST_F(ApiCallerTest, AFaultPlanStormOf429sEndsInSuccessWithinTheAttemptsAllowed) {
  ScriptedService service({Status(200)});
  Host(service);
  sim::FaultRule storm;
  storm.name = "429 storm";
  storm.host = "svc";
  storm.kind = sim::FaultKind::kErrorStatus;
  storm.status = 429;
  storm.headers.Set("Retry-After", "1.5");
  storm.max_fires = 3;
  network.faults().Add(storm);
  RetryPolicy policy;
  policy.max_attempts = 5;
  auto caller = Caller(policy);
  const auto result = Call(*caller, Get());
  ASSERT_TRUE(result.has_value()) << DescribeError(result.error());
  const auto attempts = AttemptTimes();
  ASSERT_EQ(attempts.size(), 4u);  // three refusals, then through
  for (std::size_t i = 1; i < attempts.size(); ++i) EXPECT_GE(attempts[i] - attempts[i - 1], sim::Ms(1500));
  EXPECT_EQ(service.count(), 1u);  // the refusals never reached it
}

TEST_F(ApiCallerTest, AStormLongerThanThePolicyEndsRateLimitedAfterExactlyMaxAttempts) {
  ScriptedService service({Status(429, {{"Retry-After", "1"}})});
  Host(service);
  RetryPolicy policy;
  policy.max_attempts = 3;
  auto caller = Caller(policy);
  const auto result = Call(*caller, Get());
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, CallErrorKind::kRateLimited);
  EXPECT_EQ(result.error().attempts, 3);
  EXPECT_EQ(result.error().retry_after, sim::Sec(1));
  EXPECT_EQ(service.count(), 3u);
  const auto gave_up = RecordsOf(trace, "client.gave_up");
  ASSERT_EQ(gave_up.size(), 1u);
  EXPECT_EQ(StrField(*gave_up[0], "error_kind"), "rate_limited");
}

TEST_F(ApiCallerTest, ARetryAfterBeyondThePolicyIsNotWaitedFor) {
  ScriptedService service({Status(429, {{"Retry-After", "86400"}})});
  Host(service);
  auto caller = Caller(RetryPolicy{});
  const auto result = Call(*caller, Get());
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, CallErrorKind::kRateLimited);
  EXPECT_EQ(result.error().retry_after, sim::Sec(86400));  // for the caller to reschedule
  EXPECT_EQ(service.count(), 1u);
}

TEST_F(ApiCallerTest, AClientErrorIsFinalAfterOneAttempt) {
  ScriptedService service({Status(404)});
  Host(service);
  auto caller = Caller(RetryPolicy{});
  const auto result = Call(*caller, Get());
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, CallErrorKind::kClientError);
  EXPECT_EQ(result.error().status, 404);
  EXPECT_EQ(result.error().attempts, 1);
  EXPECT_EQ(result.error().body, R"({"error":"x"})");
  EXPECT_EQ(service.count(), 1u);
  EXPECT_EQ(RecordsOf(trace, "client.failed").size(), 1u);
  EXPECT_TRUE(RecordsOf(trace, "client.gave_up").empty());  // an answer, not a drop
}

TEST_F(ApiCallerTest, AConflictIsRetriedOnlyWhereTheServiceSaysItIsTransient) {
  ScriptedService service({Status(409), Status(200)});
  Host(service);
  auto strict = Caller(RetryPolicy{});
  EXPECT_EQ(Call(*strict, Get()).error().kind, CallErrorKind::kClientError);
  RetryPolicy lenient;
  lenient.retry_conflict = true;
  ScriptedService again({Status(409), Status(200)});
  network.AddHost("svc", again);
  auto caller = Caller(lenient);
  EXPECT_TRUE(Call(*caller, Get()).has_value());
  EXPECT_EQ(again.count(), 2u);
}

TEST_F(ApiCallerTest, ATransportErrorIsRetried) {
  ScriptedService service({Status(200)});
  Host(service);
  sim::FaultRule reset;
  reset.name = "reset";
  reset.kind = sim::FaultKind::kDropBeforeHandling;
  reset.nth = 1;
  network.faults().Add(reset);
  sim::FaultRule silence;
  silence.name = "silence";
  silence.kind = sim::FaultKind::kNoResponse;
  silence.nth = 2;
  network.faults().Add(silence);
  RetryPolicy policy;
  policy.attempt_timeout = sim::Sec(2);
  auto caller = Caller(policy);
  const auto result = Call(*caller, Get());
  ASSERT_TRUE(result.has_value()) << DescribeError(result.error());
  const auto retries = RecordsOf(trace, "client.retry");
  ASSERT_EQ(retries.size(), 2u);
  EXPECT_EQ(StrField(*retries[0], "error"), "connection_reset");
  EXPECT_EQ(StrField(*retries[1], "error"), "timeout");
  EXPECT_EQ(service.count(), 1u);
}

TEST_F(ApiCallerTest, AWriteThatMayHaveGoneThroughIsNotRepeated) {
  ScriptedService service({Status(201)});
  Host(service);
  sim::FaultRule lost;
  lost.name = "lost answer";
  lost.kind = sim::FaultKind::kDropAfterHandling;
  lost.nth = 1;
  network.faults().Add(lost);
  auto caller = Caller(RetryPolicy{});
  sim::Request post = Get("/messages");
  post.method = sim::Method::kPost;
  const auto result = Call(*caller, post, {"test.create", "", "", /*idempotent=*/false});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, CallErrorKind::kTransport);
  EXPECT_TRUE(result.error().maybe_applied);
  EXPECT_EQ(service.count(), 1u);  // handled once, never sent again

  // A write refused with 429 did nothing, so it may go again.
  ScriptedService throttled({Status(429, {{"Retry-After", "1"}}), Status(201)});
  network.AddHost("svc", throttled);
  EXPECT_TRUE(Call(*caller, post, {"test.create", "", "", false}).has_value());
  EXPECT_EQ(throttled.count(), 2u);
}

TEST_F(ApiCallerTest, ServerErrorsAreRetriedWithJitteredBackoffUntilTheAttemptsRunOut) {
  ScriptedService service({Status(503)});
  Host(service);
  RetryPolicy policy;
  policy.max_attempts = 4;
  policy.base_backoff = sim::Ms(100);
  auto caller = Caller(policy);
  const auto result = Call(*caller, Get());
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, CallErrorKind::kServerError);
  EXPECT_EQ(result.error().attempts, 4);
  EXPECT_TRUE(result.error().maybe_applied);
  const auto retries = RecordsOf(trace, "client.retry");
  ASSERT_EQ(retries.size(), 3u);
  // Full jitter: each wait within [0, base * 2^(n-1)].
  EXPECT_LE(IntField(*retries[0], "wait_ms"), 100);
  EXPECT_LE(IntField(*retries[1], "wait_ms"), 200);
  EXPECT_LE(IntField(*retries[2], "wait_ms"), 400);
}

TEST_F(ApiCallerTest, XShouldRetryOverridesTheStatus) {
  ScriptedService service({Status(503, {{"x-should-retry", "false"}})});
  Host(service);
  auto caller = Caller(RetryPolicy{});
  EXPECT_EQ(Call(*caller, Get()).error().attempts, 1);
}

TEST_F(ApiCallerTest, TheRetryBudgetStopsARetryStorm) {
  ScriptedService service({Status(503)});
  Host(service);
  RetryPolicy policy;
  policy.max_attempts = 10;
  policy.base_backoff = sim::Ms(50);
  policy.max_backoff = sim::Ms(400);
  policy.budget_ratio = 0.1;
  policy.budget_min_retries = 5;
  policy.budget_window = sim::Sec(60);  // the whole storm falls in one window
  policy.max_concurrency = 100;
  policy.max_concurrency_per_account = 100;
  auto caller = Caller(policy);
  std::vector<sim::Task<CallResult<sim::Response>>> calls;
  for (int i = 0; i < 100; ++i) calls.push_back(caller->Call(Get(), {"test.storm", "", "", true}));
  const auto results = testing::RunAll(scheduler, std::move(calls));
  int exhausted = 0;
  for (const auto& r : results) {
    ASSERT_FALSE(r.has_value());
    exhausted += r.error().kind == CallErrorKind::kBudgetExhausted ? 1 : 0;
  }
  // 100 first attempts may bring 5 + 10 retries; without a budget it would be 900.
  EXPECT_LE(service.count(), 100u + 5u + 10u);
  EXPECT_GE(exhausted, 80);
  EXPECT_EQ(caller->stats().retries, service.count() - 100u);
}

TEST_F(ApiCallerTest, ConcurrencyNeverExceedsTheServiceCap) {
  ScriptedService inner({Status(200)});
  testing::InFlightMeter meter(inner, sim::Ms(100));
  Host(meter);
  RetryPolicy policy;
  policy.max_concurrency = 4;
  auto caller = Caller(policy);
  std::vector<sim::Task<CallResult<sim::Response>>> calls;
  for (int i = 0; i < 40; ++i) calls.push_back(caller->Call(Get(), {"test.many", "", "", true}));
  for (const auto& r : testing::RunAll(scheduler, std::move(calls))) EXPECT_TRUE(r.has_value());
  EXPECT_EQ(meter.requests(), 40u);
  EXPECT_EQ(meter.max_in_flight(), 4u);  // reached, never exceeded
  EXPECT_EQ(caller->stats().max_in_flight, 4u);
}

TEST_F(ApiCallerTest, ConcurrencyNeverExceedsThePerAccountCap) {
  ScriptedService inner({Status(200)});
  testing::InFlightMeter meter(inner, sim::Ms(100));
  Host(meter);
  RetryPolicy policy;
  policy.max_concurrency = 3;
  policy.max_concurrency_per_account = 2;
  auto caller = Caller(policy);
  std::vector<sim::Task<CallResult<sim::Response>>> calls;
  for (int i = 0; i < 30; ++i) {
    const std::string account = i % 3 == 0 ? "b" : "a";
    calls.push_back(caller->Call(Get("/thing", account), {"test.accounts", account, "", true}));
  }
  for (const auto& r : testing::RunAll(scheduler, std::move(calls))) EXPECT_TRUE(r.has_value());
  EXPECT_EQ(meter.max_in_flight("a"), 2u);
  EXPECT_LE(meter.max_in_flight("b"), 2u);
  EXPECT_LE(meter.max_in_flight(), 3u);
}

TEST_F(ApiCallerTest, ANearlyFullBucketSlowsTheAccountDownBeforeItIsRefused) {
  ScriptedService service({Status(200, {{"X-Shopify-Shop-Api-Call-Limit", "39/40"}})});
  Host(service);
  auto caller = Caller(RetryPolicy{}, [](const sim::Response& r, std::int64_t in_flight) {
    return LeakyBucketPause(r.headers, "X-Shopify-Shop-Api-Call-Limit", sim::Sec(20), 0.2, in_flight);
  });
  ASSERT_TRUE(Call(*caller, Get()).has_value());
  ASSERT_TRUE(Call(*caller, Get()).has_value());
  const auto waits = RecordsOf(trace, "client.wait");
  ASSERT_EQ(waits.size(), 1u);
  // 39 of 40 with 8 kept free: wait for 8 calls to drain at 2/s.
  EXPECT_EQ(IntField(*waits[0], "wait_ms"), 4000);
  EXPECT_EQ(StrField(*waits[0], "reason"), "paced at 500ms: call limit 39/40");
  EXPECT_GE(service.arrivals()[1] - service.arrivals()[0], sim::Sec(4));
}

TEST_F(ApiCallerTest, A429PausesTheWholeAccountNotJustTheCall) {
  ScriptedService service({Status(200)});
  service.set_maker([](const sim::Request&, sim::Moment, std::size_t i) {
    return i == 0 ? Status(429, {{"Retry-After", "3"}}) : Status(200);
  });
  Host(service, {sim::Ms(1), 0.0});
  RetryPolicy policy;
  policy.max_concurrency = 1;
  auto caller = Caller(policy);
  std::vector<sim::Task<CallResult<sim::Response>>> calls;
  for (int i = 0; i < 3; ++i) calls.push_back(caller->Call(Get(), {"test.pause", "", "", true}));
  for (const auto& r : testing::RunAll(scheduler, std::move(calls))) EXPECT_TRUE(r.has_value());
  // The two calls queued behind the refused one also waited out the 3 s.
  ASSERT_EQ(service.count(), 4u);
  for (std::size_t i = 1; i < 4; ++i) EXPECT_GE(service.arrivals()[i] - service.arrivals()[0], sim::Sec(3));
}

TEST_F(ApiCallerTest, JitterIsTheSameForTheSameSeedAndDiffersForAnother) {
  auto run = [](std::uint64_t seed) {
    sim::Scheduler s;
    sim::Trace t(sim::TraceHeader{seed, "jitter", "", "test", ""});
    sim::InMemoryNetwork net(s, sim::Rng(5), &t);
    ScriptedService service({Status(503), Status(503), Status(200)});
    net.AddHost("svc", service);
    auto client = net.MakeClient("pipeline");
    ApiCaller caller(*client, s, sim::Rng(seed), &t, "svc", RetryPolicy{});
    EXPECT_TRUE(testing::Run(s, caller.Call(Get(), {"test.jitter", "", "", true})).has_value());
    return t.ToJsonl();
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
}

// A worker on the live runtime: takes the semaphore `rounds` times, checking the cap.
sim::Task<int> Worker(AsyncSemaphore* sem, sim::live::LiveRuntime* runtime, std::atomic<int>* in_flight,
                      std::atomic<int>* peak, int cap, int rounds) {
  int violations = 0;
  for (int i = 0; i < rounds; ++i) {
    co_await sem->Acquire();
    const int now = in_flight->fetch_add(1) + 1;
    if (now > cap) ++violations;
    int seen = peak->load();
    while (now > seen && !peak->compare_exchange_weak(seen, now)) {
    }
    co_await sim::Yield{*runtime};
    in_flight->fetch_sub(1);
    sem->Release();
  }
  co_return violations;
}

TEST(AsyncSemaphore, HoldsItsCapOnAMultiThreadedLiveRuntime) {
  sim::live::LiveRuntime runtime(sim::live::LiveRuntime::Config{4});
  runtime.Start();
  constexpr int kCap = 3;
  AsyncSemaphore sem(runtime, kCap);
  std::atomic<int> in_flight{0};
  std::atomic<int> peak{0};
  std::vector<std::future<int>> futures;
  for (int i = 0; i < 32; ++i) futures.push_back(sim::live::Launch(runtime, Worker(&sem, &runtime, &in_flight, &peak, kCap, 200)));
  int violations = 0;
  for (auto& f : futures) {
    ASSERT_EQ(f.wait_for(std::chrono::seconds(60)), std::future_status::ready);
    violations += f.get();
  }
  runtime.Stop();
  EXPECT_EQ(violations, 0);
  EXPECT_LE(peak.load(), kCap);
  EXPECT_EQ(sem.available(), kCap);
  EXPECT_EQ(sem.waiting(), 0u);
}

TEST(RetryBudget, AllowsAFloorPlusAShareOfRecentRequests) {
  RetryBudget budget(0.1, 2, sim::Sec(10));
  const sim::Instant t0{};
  for (int i = 0; i < 30; ++i) budget.RecordRequest(t0);
  EXPECT_EQ(budget.Available(t0), 5);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(budget.TryRetry(t0 + sim::Sec(1)));
  EXPECT_FALSE(budget.TryRetry(t0 + sim::Sec(1)));
  // Once the window has moved past them, the deposits and withdrawals are forgotten.
  EXPECT_EQ(budget.Available(t0 + sim::Sec(12)), 2);
}

}  // namespace
}  // namespace rh::pipeline::clients
