// The fixture of the Klaviyo mock tests: one test body runs on both transports, in memory
// (InMemoryNetwork on the Scheduler) and over loopback (HttpServer + LiveHttpClient), against
// the same handler. Time is virtual in both: the loopback server hosts the mock through a
// wrapper that hands it the Scheduler's clock, and the mock's campaign and flow timers run on
// the Scheduler, so "advance 3 days" means the same on both and nothing depends on the
// machine's speed. Every wait on another thread is bounded.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include "mocks/common/json_http.h"
#include "mocks/klaviyo/klaviyo_mock.h"
#include "sim/in_memory_network.h"
#include "sim/live/http_client.h"
#include "sim/live/http_server.h"
#include "sim/live/runtime.h"
#include "sim/scheduler.h"

namespace rh::mocks::klaviyo::testing {

enum class Transport { kInMemory, kLoopback };

inline std::string TransportName(const ::testing::TestParamInfo<Transport>& info) {
  return info.param == Transport::kInMemory ? "InMemory" : "Loopback";
}

inline constexpr auto kWaitLimit = std::chrono::seconds(10);
inline constexpr char kKey[] = "pk_abcdefghijklmnopqrstuvwxyz01234567";
inline constexpr char kRevision[] = "2025-10-15";

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

struct Reply {
  int status = 0;
  sim::Headers headers;
  std::string body;
  Json json;
};

// How a request authenticates and which revision it names.
struct As {
  std::string authorization = std::string("Klaviyo-API-Key ") + kKey;
  std::string revision = kRevision;
};

class KlaviyoTest : public ::testing::TestWithParam<Transport> {
 protected:
  void SetUp() override {
    Config config;
    config.api_keys = {kKey};
    mock = std::make_unique<KlaviyoMock>(config, scheduler, sim::Rng(42));
    if (GetParam() == Transport::kInMemory) {
      network = std::make_unique<sim::InMemoryNetwork>(scheduler, sim::Rng(7));
      client = network->MakeClient("pipeline");
      network->AddHost("a.klaviyo.com", *mock, sim::HostOptions{sim::LinkProfile{sim::Duration{0}, 0.0}, 1 << 20});
      authority = "a.klaviyo.com";
    } else {
      runtime = std::make_unique<sim::live::LiveRuntime>();
      client = std::make_unique<sim::live::LiveHttpClient>(*runtime);
      hosted = std::make_unique<VirtualTimeService>(*mock, scheduler.clock());
      server = std::make_unique<sim::live::HttpServer>(*hosted);
      const auto port = server->Start();
      ASSERT_TRUE(port.has_value()) << "the loopback server failed to start";
      runtime->Start();
      authority = "127.0.0.1:" + std::to_string(*port);
    }
  }

  void TearDown() override {
    if (server) server->Stop(sim::Ms(500));
    if (runtime) runtime->Stop();
    server.reset();
    hosted.reset();
    client.reset();
    runtime.reset();
    network.reset();
    mock.reset();
  }

  sim::Moment Now() const { return scheduler.clock().MomentNow(); }

  Reply Send(sim::Request request) {
    request.headers.Set("Host", authority);
    std::optional<sim::SendResult> result;
    if (GetParam() == Transport::kInMemory) {
      sim::Spawn([&]() -> sim::Task<void> { result.emplace(co_await client->Send(request)); });
      // Step only until the reply is in, so timers due later stay pending.
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
      ADD_FAILURE() << "transport error";
      return reply;
    }
    reply.status = (*result)->status;
    reply.headers = (*result)->headers;
    reply.body = (*result)->body;
    reply.json = Json::parse(reply.body, nullptr, false);
    if (reply.json.is_discarded()) reply.json = nullptr;
    return reply;
  }

  Reply Call(sim::Method method, std::string target, std::string body = "", As as = {}) {
    sim::Request request;
    request.method = method;
    request.target = std::move(target);
    if (!as.authorization.empty()) request.headers.Set("Authorization", as.authorization);
    if (!as.revision.empty()) request.headers.Set("revision", as.revision);
    request.headers.Set("Accept", "application/vnd.api+json");
    if (!body.empty()) {
      request.headers.Set("Content-Type", "application/vnd.api+json");
      request.body = std::move(body);
    }
    return Send(std::move(request));
  }
  Reply Get(std::string target, As as = {}) { return Call(sim::Method::kGet, std::move(target), "", as); }
  Reply Post(std::string target, const Json& body, As as = {}) {
    return Call(sim::Method::kPost, std::move(target), body.dump(), as);
  }
  // An inspection route: no auth, no revision.
  Reply Inspect(sim::Method method, std::string target, const Json& body = nullptr) {
    return Call(method, std::move(target), body.is_null() ? "" : body.dump(), As{"", ""});
  }

  // Moves virtual time on, running the mock's campaign and flow timers.
  void Advance(sim::Duration d) { scheduler.RunFor(d); }

  // --- builders --------------------------------------------------------------------------------

  std::string CreateProfile(const std::string& email, Json extra = Json::object()) {
    extra["email"] = email;
    const Reply r = Post("/api/profiles", {{"data", {{"type", "profile"}, {"attributes", extra}}}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.is_object() ? r.json["data"].value("id", "") : "";
  }

  std::string CreateList(const std::string& name) {
    const Reply r = Post("/api/lists", {{"data", {{"type", "list"}, {"attributes", {{"name", name}}}}}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.is_object() ? r.json["data"].value("id", "") : "";
  }

  void AddToList(const std::string& list_id, const std::vector<std::string>& profile_ids) {
    Json data = Json::array();
    for (const auto& id : profile_ids) data.push_back({{"type", "profile"}, {"id", id}});
    const Reply r = Post("/api/lists/" + list_id + "/relationships/profiles", {{"data", data}});
    EXPECT_EQ(r.status, 204) << r.body;
  }

  static Json EventDoc(const std::string& metric, const std::string& email, const std::string& unique_id = "") {
    Json attributes = {{"properties", {{"order_id", 1042}}},
                       {"metric", {{"data", {{"type", "metric"}, {"attributes", {{"name", metric}}}}}}},
                       {"profile", {{"data", {{"type", "profile"}, {"attributes", {{"email", email}}}}}}}};
    if (!unique_id.empty()) attributes["unique_id"] = unique_id;
    return {{"data", {{"type", "event"}, {"attributes", attributes}}}};
  }

  Reply BulkSuppress(const std::vector<std::string>& emails, bool suppress = true) {
    Json profiles = Json::array();
    for (const auto& e : emails) profiles.push_back({{"type", "profile"}, {"attributes", {{"email", e}}}});
    const std::string type = suppress ? "profile-suppression-bulk-create-job" : "profile-suppression-bulk-delete-job";
    return Post(suppress ? "/api/profile-suppression-bulk-create-jobs" : "/api/profile-suppression-bulk-delete-jobs",
                {{"data", {{"type", type}, {"attributes", {{"profiles", {{"data", profiles}}}}}}}});
  }

  // The send record, read over the inspection route.
  Json Sends() { return Inspect(sim::Method::kGet, "/_rehearsal/sends").json["data"]; }

  // Counts of stored objects, to prove a rejected request changed nothing.
  struct Counts {
    std::size_t profiles, lists, members, metrics, events, sends;
    std::string profile_digest;
    bool operator==(const Counts&) const = default;
  };
  Counts CountState() const {
    const State s = mock->Snapshot();
    std::size_t members = 0;
    for (const auto& [id, l] : s.lists) members += l.members.size();
    std::string digest;
    for (const auto& [id, p] : s.profiles) {
      digest += id + p.email.value_or("-") + p.first_name.value_or("-") + std::to_string(p.suppressions.size()) + ";";
    }
    return {s.profiles.size(), s.lists.size(), members, s.metrics.size(), s.events.size(), s.sends.size(), digest};
  }

  sim::Scheduler scheduler;
  std::unique_ptr<KlaviyoMock> mock;
  std::unique_ptr<sim::InMemoryNetwork> network;
  std::unique_ptr<sim::live::LiveRuntime> runtime;
  std::unique_ptr<sim::HttpClient> client;
  std::unique_ptr<VirtualTimeService> hosted;
  std::unique_ptr<sim::live::HttpServer> server;
  std::string authority;
};

}  // namespace rh::mocks::klaviyo::testing
