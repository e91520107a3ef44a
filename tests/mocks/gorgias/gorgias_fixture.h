// The fixture of the Gorgias mock tests: one test body runs on both transports, in memory
// (InMemoryNetwork on the Scheduler) and over loopback (HttpServer + LiveHttpClient), against
// the same handler. Time is virtual in both: the loopback server hosts the mock through a
// wrapper that hands it the Scheduler's clock, and the mock's sends run on the Scheduler, so
// "advance 2 s" means the same on both and nothing here depends on the machine's speed.
// Webhooks (HTTP integrations) travel the same transport as the API: in memory to a recording
// host, or over sockets to a recording server. Every wait is bounded.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <ostream>
#include <optional>
#include <string>
#include <vector>

#include "mocks/common/json_http.h"
#include "mocks/common/webhook_emitter.h"
#include "mocks/gorgias/gorgias_mock.h"
#include "sim/crypto.h"
#include "sim/in_memory_network.h"
#include "sim/live/http_client.h"
#include "sim/live/http_server.h"
#include "sim/live/runtime.h"
#include "sim/scheduler.h"

namespace rh::mocks::gorgias::testing {

enum class Transport { kInMemory, kLoopback };

inline std::string TransportName(const ::testing::TestParamInfo<Transport>& info) {
  return info.param == Transport::kInMemory ? "InMemory" : "Loopback";
}

// For GoogleTest's (and so CTest's) test names: "in-memory", not "4-byte object <00-00 00-00>".
inline void PrintTo(Transport transport, std::ostream* os) {
  *os << (transport == Transport::kInMemory ? "in-memory" : "loopback");
}

// Request bodies above this get 413 from either transport.
inline constexpr std::size_t kBodyLimit = 64 * 1024;
// Every wait on another thread is bounded by this; reaching it fails the test.
inline constexpr auto kWaitLimit = std::chrono::seconds(10);

// Records the requests it receives and answers 200. Thread-safe: the loopback server calls it
// from its threads.
class HookReceiver final : public sim::Service {
 public:
  sim::Response Handle(const sim::Request& request, sim::Moment /*now*/) override {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    cv_.notify_all();
    return sim::Response::Text(200, "ok");
  }
  std::vector<sim::Request> Requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::size_t Count() const {
    std::lock_guard lock(mu_);
    return requests_.size();
  }
  bool WaitFor(std::size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kWaitLimit, [&] { return requests_.size() >= n; });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<sim::Request> requests_;
};

// Hosts a Service with `clock`'s time as `now`, whatever clock the transport reads.
class VirtualTimeService final : public sim::Service {
 public:
  VirtualTimeService(sim::Service& inner, const sim::Clock& clock) : inner_(inner), clock_(clock) {}
  sim::Response Handle(const sim::Request& request, sim::Moment /*now*/) override {
    return inner_.Handle(request, clock_.MomentNow());
  }

 private:
  sim::Service& inner_;
  const sim::Clock& clock_;
};

// Who calls: the seeded credentials.
enum class Auth { kAnaKey, kBenKey, kOAuth, kObserver, kPassword, kWrongKey, kNone };

// A response with its body parsed (null when it is not JSON or empty).
struct Reply {
  int status = 0;
  sim::Headers headers;
  std::string body;
  Json json;
};

class GorgiasTest : public ::testing::TestWithParam<Transport> {
 protected:
  static constexpr std::uint64_t kShopifyIntegration = 6;
  static constexpr char kAnaEmail[] = "ana@acme.example";
  static constexpr char kBenEmail[] = "ben@acme.example";
  static constexpr char kMariaEmail[] = "maria@example.com";

  void SetUp() override {
    const sim::Moment now = scheduler.clock().MomentNow();
    Config config;
    config.sending.delay = sim::Sec(1);
    config.sending.jitter = sim::Ms(500);
    if (GetParam() == Transport::kInMemory) {
      network = std::make_unique<sim::InMemoryNetwork>(scheduler, sim::Rng(7));
      client = network->MakeClient("pipeline");
      hook_client = network->MakeClient("gorgias-integrations");
      emitter = std::make_unique<WebhookEmitter>(scheduler, *hook_client, sim::Rng(8), GorgiasRetrySchedule());
      mock = std::make_unique<GorgiasMock>(config, sim::Rng(42), &scheduler, emitter.get());
      const sim::HostOptions options{sim::LinkProfile{sim::Duration{0}, 0.0}, kBodyLimit};
      network->AddHost("acme.gorgias.com", *mock, options);
      network->AddHost("hooks.example", hooks, options);
      mock_authority = "acme.gorgias.com";
      hook_authority = "hooks.example";
    } else {
      runtime = std::make_unique<sim::live::LiveRuntime>();
      client = std::make_unique<sim::live::LiveHttpClient>(*runtime);
      hook_client = std::make_unique<sim::live::LiveHttpClient>(*runtime);
      emitter = std::make_unique<WebhookEmitter>(*runtime, *hook_client, sim::Rng(8), GorgiasRetrySchedule());
      mock = std::make_unique<GorgiasMock>(config, sim::Rng(42), &scheduler, emitter.get());
      hosted = std::make_unique<VirtualTimeService>(*mock, scheduler.clock());
      sim::live::HttpServer::Config server_config;
      server_config.threads = 2;
      server_config.body_limit = kBodyLimit;
      mock_server = std::make_unique<sim::live::HttpServer>(*hosted, server_config);
      hook_server = std::make_unique<sim::live::HttpServer>(hooks, server_config);
      const auto mock_port = mock_server->Start();
      const auto hook_port = hook_server->Start();
      ASSERT_TRUE(mock_port.has_value() && hook_port.has_value()) << "a loopback server failed to start";
      runtime->Start();
      mock_authority = "127.0.0.1:" + std::to_string(*mock_port);
      hook_authority = "127.0.0.1:" + std::to_string(*hook_port);
    }
    ana = mock->AddUser({0, kAnaEmail, "Ana", "Agent", "admin", "hunter2", true, {}}, now);
    ben = mock->AddUser({0, kBenEmail, "Ben", "Boss", "admin", "", true, {}}, now);
    olga = mock->AddUser({0, "olga@acme.example", "Olga", "Observer", "observer-agent", "", true, {}}, now);
    mock->AddApiKey(ana, "key-ana");
    mock->AddApiKey(ben, "key-ben");
    mock->AddApiKey(olga, "key-olga");
    mock->AddOAuthToken({"tok-app", ana, {}, std::nullopt});
    const auto shopify = mock->SeedIntegration(
        OrderedJson{{"id", kShopifyIntegration}, {"type", "shopify"}, {"name", "acme-store"}}, now);
    ASSERT_TRUE(shopify.has_value());
    const auto maria_id = mock->SeedCustomer(OrderedJson::parse(R"({
      "email": "maria@example.com", "firstname": "Maria", "lastname": "Diaz",
      "integrations": {"6": {"__integration_type__": "shopify",
        "customer": {"id": 667928133655, "email": "maria@example.com", "orders_count": 1},
        "orders": [{"id": 772803526679, "name": "#1042", "created_at": "2026-11-20T03:29:37-08:00",
                    "fulfillment_status": null,
                    "line_items": [{"id": 1, "sku": "MUG-01", "name": "Mug", "quantity": 1}]}]}}})"),
                                              now);
    ASSERT_TRUE(maria_id.has_value()) << maria_id.error();
    maria = *maria_id;
  }

  void TearDown() override {
    // Let queued sends and webhook retries finish in virtual time (bounded), then stop the
    // live parts before destroying what they reference.
    scheduler.RunUntilIdle(100'000);
    if (mock_server) mock_server->Stop(sim::Ms(500));
    if (hook_server) hook_server->Stop(sim::Ms(500));
    if (runtime) runtime->Stop();
    emitter.reset();
    mock_server.reset();
    hosted.reset();
    mock.reset();
    client.reset();
    hook_client.reset();
    hook_server.reset();
    runtime.reset();
    network.reset();
  }

  bool InMemory() const { return GetParam() == Transport::kInMemory; }

  // --- requests ----------------------------------------------------------------------------

  static std::string Authorization(Auth auth) {
    switch (auth) {
      case Auth::kAnaKey:
        return "Basic " + sim::Base64Encode(std::string(kAnaEmail) + ":key-ana");
      case Auth::kBenKey:
        return "Basic " + sim::Base64Encode(std::string(kBenEmail) + ":key-ben");
      case Auth::kOAuth:
        return "Bearer tok-app";
      case Auth::kObserver:
        return "Basic " + sim::Base64Encode("olga@acme.example:key-olga");
      case Auth::kPassword:
        return "Basic " + sim::Base64Encode(std::string(kAnaEmail) + ":hunter2");
      case Auth::kWrongKey:
        return "Basic " + sim::Base64Encode(std::string(kAnaEmail) + ":key-nope");
      case Auth::kNone:
        break;
    }
    return "";
  }

  // Sends a raw request to the mock over the transport under test.
  Reply Send(sim::Request request) {
    request.headers.Set("Host", mock_authority);
    std::optional<sim::SendResult> result;
    if (InMemory()) {
      sim::Spawn([&]() -> sim::Task<void> { result.emplace(co_await client->Send(request)); });
      while (!result) {
        if (!scheduler.Step()) break;
      }
    } else {
      auto future = sim::live::Launch(*runtime, client->Send(std::move(request)));
      if (future.wait_for(kWaitLimit) != std::future_status::ready) {
        ADD_FAILURE() << "no response within the wait limit";
        std::abort();  // the task still references the fixture
      }
      result.emplace(future.get());
    }
    Reply reply;
    if (!result || !result->has_value()) {
      ADD_FAILURE() << "transport error: " << (result ? (*result).error().detail : "no result");
      return reply;
    }
    reply.status = (*result)->status;
    reply.headers = (*result)->headers;
    reply.body = (*result)->body;
    reply.json = Json::parse(reply.body, nullptr, false);
    if (reply.json.is_discarded()) reply.json = nullptr;
    return reply;
  }

  Reply Call(sim::Method method, std::string target, const Json& body = nullptr, Auth auth = Auth::kAnaKey) {
    sim::Request request;
    request.method = method;
    request.target = std::move(target);
    if (auth != Auth::kNone) request.headers.Set("Authorization", Authorization(auth));
    if (!body.is_null()) {
      request.headers.Set("Content-Type", "application/json");
      request.body = body.dump();
    }
    return Send(std::move(request));
  }
  Reply Get(std::string target, Auth auth = Auth::kAnaKey) { return Call(sim::Method::kGet, std::move(target), nullptr, auth); }
  Reply Post(std::string target, const Json& body, Auth auth = Auth::kAnaKey) {
    return Call(sim::Method::kPost, std::move(target), body, auth);
  }
  Reply Put(std::string target, const Json& body, Auth auth = Auth::kAnaKey) {
    return Call(sim::Method::kPut, std::move(target), body, auth);
  }
  Reply Delete(std::string target, const Json& body = nullptr, Auth auth = Auth::kAnaKey) {
    return Call(sim::Method::kDelete, std::move(target), body, auth);
  }

  // Moves virtual time on, running the mock's sends (and, in memory, webhook deliveries).
  void Advance(sim::Duration d) { scheduler.RunFor(d); }

  // Waits until the hook receiver has `n` requests: stepping virtual time in memory, waiting
  // (bounded) for the runtime over loopback.
  bool WaitForHooks(std::size_t n) {
    if (InMemory()) {
      for (int i = 0; i < 100'000 && hooks.Count() < n; ++i) {
        if (!scheduler.Step()) break;
      }
      return hooks.Count() >= n;
    }
    return hooks.WaitFor(n);
  }

  // --- builders ------------------------------------------------------------------------------

  // A customer's email, as a message of POST /api/tickets.
  Json CustomerEmail(std::string body_text, std::string email = kMariaEmail) const {
    return {{"channel", "email"},
            {"via", "email"},
            {"from_agent", false},
            {"sender", {{"email", email}}},
            {"source",
             {{"type", "email"},
              {"from", {{"address", email}}},
              {"to", Json::array({{{"address", "support@acme.example"}}})}}},
            {"subject", "Where is my order #1042?"},
            {"body_text", std::move(body_text)}};
  }

  // An agent's correct email reply to Maria.
  Json EmailReply(std::string body_text) const {
    return {{"channel", "email"},
            {"via", "api"},
            {"from_agent", true},
            {"sender", {{"id", ana}}},
            {"receiver", {{"id", maria}}},
            {"source",
             {{"type", "email"},
              {"from", {{"address", "support@acme.example"}}},
              {"to", Json::array({{{"address", kMariaEmail}}})}}},
            {"body_text", std::move(body_text)}};
  }

  // Creates an email ticket from Maria; returns its id.
  std::uint64_t CreateEmailTicket(std::string text = "Hi, no tracking yet.") {
    const Reply r = Post("/api/tickets", {{"channel", "email"},
                                          {"via", "email"},
                                          {"customer", {{"email", kMariaEmail}}},
                                          {"messages", Json::array({CustomerEmail(std::move(text))})}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.is_object() ? r.json.value("id", std::uint64_t{0}) : 0;
  }

  // The harness's view of deliveries, read over the inspection route.
  Json InspectDeliveries() {
    sim::Request request;
    request.target = "/_rehearsal/deliveries";
    return Send(std::move(request)).json["data"];
  }

  // Counts of stored objects, to prove a rejected request changed nothing.
  struct Counts {
    std::size_t tickets, messages, customers, tags, events, integrations, deliveries;
    bool operator==(const Counts&) const = default;
  };
  Counts CountState() const {
    const State s = mock->Snapshot();
    return {s.tickets.size(), s.messages.size(), s.customers.size(), s.tags.size(),
            s.events.size(),  s.integrations.size(), mock->Deliveries().size()};
  }

  sim::Scheduler scheduler;
  HookReceiver hooks;
  std::unique_ptr<sim::InMemoryNetwork> network;
  std::unique_ptr<sim::live::LiveRuntime> runtime;
  std::unique_ptr<sim::HttpClient> client;
  std::unique_ptr<sim::HttpClient> hook_client;
  std::unique_ptr<WebhookEmitter> emitter;
  std::unique_ptr<GorgiasMock> mock;
  std::unique_ptr<VirtualTimeService> hosted;
  std::unique_ptr<sim::live::HttpServer> mock_server;
  std::unique_ptr<sim::live::HttpServer> hook_server;
  std::string mock_authority;
  std::string hook_authority;
  std::uint64_t ana = 0, ben = 0, olga = 0, maria = 0;
};

}  // namespace rh::mocks::gorgias::testing
