// Test support for the pipeline's API clients: a sim-mode world (Scheduler, InMemoryNetwork with
// a Trace) hosting the four real mocks under the host names the clients default to, the clients
// pointed at them, and helpers to run a client's Task to completion under virtual time. Also a
// wrapping Service that measures how many requests are in flight at the service at once.
// Test-only: it may use the mocks' C++ seeding API; the clients under test never do.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mocks/gorgias/gorgias_mock.h"
#include "mocks/klaviyo/klaviyo_mock.h"
#include "mocks/llm/llm_mock.h"
#include "mocks/shopify/shopify_mock.h"
#include "pipeline/clients/gorgias_client.h"
#include "pipeline/clients/klaviyo_client.h"
#include "pipeline/clients/llm_client.h"
#include "pipeline/clients/shopify_client.h"
#include "sim/in_memory_network.h"
#include "sim/scheduler.h"
#include "sim/trace.h"

namespace rh::pipeline::clients::testing {

// Runs `task` on the scheduler until it finishes (bounded by `max_events`, so a hang fails).
template <class T>
T Run(sim::Scheduler& scheduler, sim::Task<T> task, std::uint64_t max_events = 5'000'000) {
  std::optional<T> out;
  sim::Spawn([&out, t = std::move(task)]() mutable -> sim::Task<void> { out.emplace(co_await std::move(t)); });
  for (std::uint64_t i = 0; !out && i < max_events; ++i) {
    if (!scheduler.Step()) break;
  }
  RH_CHECK(out.has_value(), "a client task did not finish");
  return std::move(*out);
}

// Runs every task at once (they interleave on the scheduler) and returns their results in order.
template <class T>
std::vector<T> RunAll(sim::Scheduler& scheduler, std::vector<sim::Task<T>> tasks,
                      std::uint64_t max_events = 20'000'000) {
  std::vector<std::optional<T>> out(tasks.size());
  std::size_t done = 0;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    sim::Spawn([&out, &done, i, t = std::move(tasks[i])]() mutable -> sim::Task<void> {
      out[i].emplace(co_await std::move(t));
      ++done;
    });
  }
  for (std::uint64_t i = 0; done < out.size() && i < max_events; ++i) {
    if (!scheduler.Step()) break;
  }
  RH_CHECK(done == out.size(), "client tasks did not finish");
  std::vector<T> results;
  for (auto& o : out) results.push_back(std::move(*o));
  return results;
}

// Holds every response `hold` longer (as service time) and measures the requests in flight at
// the service: each occupies [arrival, arrival + service time). Keyed by the request's
// `key_header` as well, for per-account caps.
class InFlightMeter final : public sim::Service {
 public:
  InFlightMeter(sim::Service& inner, sim::Duration hold, std::string key_header = "X-Test-Account")
      : inner_(inner), hold_(hold), key_header_(std::move(key_header)) {}

  sim::Response Handle(const sim::Request& request, sim::Moment now) override {
    sim::Response response = inner_.Handle(request, now);
    response.service_time += hold_;
    const std::string key(request.headers.GetOr(key_header_, ""));
    Admit(all_, max_all_, now.monotonic, response.service_time);
    Admit(by_key_[key], max_by_key_[key], now.monotonic, response.service_time);
    ++requests_;
    return response;
  }

  std::size_t max_in_flight() const { return max_all_; }
  std::size_t max_in_flight(const std::string& key) const {
    const auto it = max_by_key_.find(key);
    return it == max_by_key_.end() ? 0 : it->second;
  }
  std::size_t requests() const { return requests_; }

 private:
  static void Admit(std::multiset<sim::Instant>& ends, std::size_t& max, sim::Instant now, sim::Duration busy) {
    while (!ends.empty() && *ends.begin() <= now) ends.erase(ends.begin());
    ends.insert(now + busy);
    max = std::max(max, ends.size());
  }

  sim::Service& inner_;
  sim::Duration hold_;
  std::string key_header_;
  std::multiset<sim::Instant> all_;
  std::map<std::string, std::multiset<sim::Instant>> by_key_;
  std::size_t max_all_ = 0;
  std::map<std::string, std::size_t> max_by_key_;
  std::size_t requests_ = 0;
};

// Records of one kind in the trace, in order.
inline std::vector<const sim::TraceRecord*> RecordsOf(const sim::Trace& trace, std::string_view kind,
                                                      std::string_view source = {}) {
  std::vector<const sim::TraceRecord*> out;
  for (const auto& r : trace.records()) {
    if (r.kind == kind && (source.empty() || r.source == source)) out.push_back(&r);
  }
  return out;
}

inline std::int64_t IntField(const sim::TraceRecord& r, std::string_view key) {
  const sim::TraceValue* v = r.Find(key);
  return v != nullptr && std::holds_alternative<std::int64_t>(*v) ? std::get<std::int64_t>(*v) : -1;
}

inline std::string StrField(const sim::TraceRecord& r, std::string_view key) {
  const sim::TraceValue* v = r.Find(key);
  return v != nullptr && std::holds_alternative<std::string>(*v) ? std::get<std::string>(*v) : "";
}

inline constexpr char kShopifyToken[] = "shpat_rehearsal_0001";
inline constexpr char kGorgiasEmail[] = "pipeline@acme.example";
inline constexpr char kGorgiasKey[] = "gorgias-key-0001";
inline constexpr char kKlaviyoKey[] = "pk_abcdefghijklmnopqrstuvwxyz01234567";
inline constexpr char kLlmKey[] = "sk-test-pipeline-0001";

// The four mocks on one in-memory network, and a client for each. Time is virtual.
class MockWorld {
 public:
  explicit MockWorld(std::uint64_t seed = 1, sim::LinkProfile link = {sim::Ms(2), 0.3})
      : root_(seed), trace_(sim::TraceHeader{seed, "pipeline clients test", "", "test", ""}) {
    network_ = std::make_unique<sim::InMemoryNetwork>(scheduler_, root_.Fork("network"), &trace_);
    http_ = network_->MakeClient("pipeline");
    const sim::Moment now = scheduler_.clock().MomentNow();

    mocks::shopify::Config shopify;
    shopify_ = std::make_unique<mocks::shopify::ShopifyMock>(shopify, root_.Fork("mocks.shopify"));

    mocks::gorgias::Config gorgias;
    gorgias_ = std::make_unique<mocks::gorgias::GorgiasMock>(gorgias, root_.Fork("mocks.gorgias"), &scheduler_);
    mocks::gorgias::User api_user{0, kGorgiasEmail, "Support", "Pipeline", "admin", "", true, {}};
    gorgias_user_ = gorgias_->AddUser(api_user, now);
    gorgias_->AddApiKey(gorgias_user_, kGorgiasKey);
    agent_ = gorgias_->AddUser({0, "agent1@acme.example", "Agent", "One", "agent", "", true, {}}, now);

    mocks::klaviyo::Config klaviyo;
    klaviyo.api_keys = {kKlaviyoKey};
    klaviyo_ = std::make_unique<mocks::klaviyo::KlaviyoMock>(klaviyo, scheduler_, root_.Fork("mocks.klaviyo"));

    mocks::llm::Config llm;
    llm.api_keys = {kLlmKey};
    llm.error_model = mocks::llm::ErrorModel::Uniform(1.0);
    llm_ = std::make_unique<mocks::llm::LlmMock>(llm, root_.Fork("mocks.llm"));

    const sim::HostOptions host{link};
    network_->AddHost("shopify", *shopify_, host);
    network_->AddHost("gorgias", *gorgias_, host);
    network_->AddHost("klaviyo", *klaviyo_, host);
    network_->AddHost("llm", *llm_, host);
  }

  ~MockWorld() {
    // Let sends and timers under way finish, so no coroutine is left suspended.
    scheduler_.RunUntilIdle(1'000'000);
  }

  ShopifyConfig ShopifySettings() const {
    ShopifyConfig c;
    c.access_token = kShopifyToken;
    c.api_version = "2025-01";
    return c;
  }
  GorgiasConfig GorgiasSettings() const {
    GorgiasConfig c;
    c.email = kGorgiasEmail;
    c.api_key = kGorgiasKey;
    c.support_email = "support@acme.example";
    c.support_name = "Acme Support";
    return c;
  }
  KlaviyoConfig KlaviyoSettings() const {
    KlaviyoConfig c;
    c.api_key = kKlaviyoKey;
    return c;
  }
  LlmConfig LlmSettings() const {
    LlmConfig c;
    c.api_key = kLlmKey;
    return c;
  }

  std::unique_ptr<ShopifyClient> Shopify(ShopifyConfig c) {
    return std::make_unique<ShopifyClient>(std::move(c), *http_, scheduler_, root_.Fork("clients.shopify"), &trace_);
  }
  std::unique_ptr<ShopifyClient> Shopify() { return Shopify(ShopifySettings()); }
  std::unique_ptr<GorgiasClient> Gorgias(GorgiasConfig c) {
    return std::make_unique<GorgiasClient>(std::move(c), *http_, scheduler_, root_.Fork("clients.gorgias"), &trace_);
  }
  std::unique_ptr<GorgiasClient> Gorgias() { return Gorgias(GorgiasSettings()); }
  std::unique_ptr<KlaviyoClient> Klaviyo(KlaviyoConfig c) {
    return std::make_unique<KlaviyoClient>(std::move(c), *http_, scheduler_, root_.Fork("clients.klaviyo"), &trace_);
  }
  std::unique_ptr<KlaviyoClient> Klaviyo() { return Klaviyo(KlaviyoSettings()); }
  std::unique_ptr<LlmClient> Llm(LlmConfig c) {
    return std::make_unique<LlmClient>(std::move(c), *http_, scheduler_, root_.Fork("clients.llm"), &trace_);
  }
  std::unique_ptr<LlmClient> Llm() { return Llm(LlmSettings()); }

  template <class T>
  T Run(sim::Task<T> task) {
    return testing::Run(scheduler_, std::move(task));
  }

  sim::Moment Now() const { return scheduler_.clock().MomentNow(); }
  // Shopify's way of writing a time: the shop's offset (-05:00), whole seconds.
  std::string ShopTime(sim::Duration ago) const {
    return sim::FormatRfc3339(Now().wall - ago, std::chrono::minutes(-300), 0);
  }

  sim::Scheduler& scheduler() { return scheduler_; }
  sim::Trace& trace() { return trace_; }
  sim::InMemoryNetwork& network() { return *network_; }
  sim::HttpClient& http() { return *http_; }
  mocks::shopify::ShopifyMock& shopify() { return *shopify_; }
  mocks::gorgias::GorgiasMock& gorgias() { return *gorgias_; }
  mocks::klaviyo::KlaviyoMock& klaviyo() { return *klaviyo_; }
  mocks::llm::LlmMock& llm() { return *llm_; }
  std::uint64_t gorgias_user() const { return gorgias_user_; }
  std::uint64_t agent() const { return agent_; }

 private:
  sim::Rng root_;
  sim::Scheduler scheduler_;
  sim::Trace trace_;
  std::unique_ptr<sim::InMemoryNetwork> network_;
  std::unique_ptr<sim::HttpClient> http_;
  std::unique_ptr<mocks::shopify::ShopifyMock> shopify_;
  std::unique_ptr<mocks::gorgias::GorgiasMock> gorgias_;
  std::unique_ptr<mocks::klaviyo::KlaviyoMock> klaviyo_;
  std::unique_ptr<mocks::llm::LlmMock> llm_;
  std::uint64_t gorgias_user_ = 0;
  std::uint64_t agent_ = 0;
};

}  // namespace rh::pipeline::clients::testing
