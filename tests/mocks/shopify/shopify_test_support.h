// Test worlds for the Shopify mock: the same mock reached through the in-memory network under
// the virtual clock (SimWorld) or over loopback sockets (LiveWorld), behind one interface, so a
// typed test runs each case on both transports. Both worlds give the mock a clock the test
// moves by hand (the live one wraps the mock so Handle sees that clock instead of the machine's),
// which keeps rate-limit tests exact on both. Each world also hosts a webhook receiver and, when
// asked, a WebhookEmitter delivering to it. Every wait is bounded.
// Test-only; must not include Asio or Beast.
#pragma once

#include <gtest/gtest.h>

#include <openssl/hmac.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mocks/common/json_http.h"
#include "mocks/common/webhook_emitter.h"
#include "mocks/shopify/shopify_mock.h"
#include "sim/crypto.h"
#include "sim/in_memory_network.h"
#include "sim/live/http_client.h"
#include "sim/live/http_server.h"
#include "sim/live/runtime.h"
#include "sim/scheduler.h"
#include "sim/service.h"
#include "sim/task.h"

namespace rh::mocks::shopify::testing {

inline constexpr const char* kToken = "shpat_rehearsal_0001";
inline constexpr const char* kSecondToken = "shpat_rehearsal_0002";
inline constexpr const char* kSecret = "rehearsal-client-secret";
inline constexpr std::size_t kBodyLimit = 64 * 1024;
inline constexpr auto kWaitLimit = std::chrono::seconds(10);

// Records what webhook deliveries it receives and answers with a status the test chooses.
class Receiver final : public sim::Service {
 public:
  sim::Response Handle(const sim::Request& request, sim::Moment now) override {
    std::lock_guard lock(mu_);
    received_.push_back(request);
    times_.push_back(now.monotonic);
    cv_.notify_all();
    int status = status_;
    if (!script_.empty()) {
      status = script_.front();
      script_.erase(script_.begin());
    }
    return sim::Response::Text(status, "ok");
  }
  // The status of every later delivery.
  void set_status(int status) {
    std::lock_guard lock(mu_);
    status_ = status;
  }
  // The statuses of the next deliveries, one each, before falling back to set_status's.
  void set_script(std::vector<int> statuses) {
    std::lock_guard lock(mu_);
    script_ = std::move(statuses);
  }
  std::vector<sim::Request> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }
  std::vector<sim::Instant> times() const {
    std::lock_guard lock(mu_);
    return times_;
  }
  // Waits (bounded) until at least `n` deliveries came; false on timeout.
  bool WaitFor(std::size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kWaitLimit, [&] { return received_.size() >= n; });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<sim::Request> received_;
  std::vector<sim::Instant> times_;
  std::vector<int> script_;
  int status_ = 200;
};

struct WorldOptions {
  Config config;
  // Subscriptions to these topics go to the world's receiver.
  std::vector<std::string> topics;
  bool emitter = false;
  RetrySchedule schedule = ShopifyRetrySchedule();
};

class World {
 public:
  virtual ~World() = default;
  virtual ShopifyMock& mock() = 0;
  // Sends to the mock (the Host header is filled in) and returns its response; a transport
  // error is a test failure (and an empty 0-status response).
  virtual sim::Response Send(sim::Request request) = 0;
  // Moves the mock's clock forward (sim: also runs what falls due, such as webhook retries).
  virtual void Advance(sim::Duration d) = 0;
  virtual sim::Moment Now() const = 0;
  // Lets webhook deliveries happen until the receiver has `n` of them (sim: runs the scheduler,
  // live: waits, bounded). False when they do not come.
  virtual bool DeliverUntil(std::size_t n) = 0;
  virtual bool is_live() const = 0;
  // The origin the mock's Link headers should name for this world's requests.
  virtual std::string LinkOrigin() const = 0;
  Receiver& receiver() { return receiver_; }
  WebhookEmitter* emitter() { return emitter_.get(); }

 protected:
  Receiver receiver_;
  std::unique_ptr<WebhookEmitter> emitter_;
};

inline Config PrepareConfig(WorldOptions& options, const std::string& hook_host) {
  Config config = options.config;
  for (const auto& topic : options.topics) config.webhooks.push_back({topic, hook_host, "/webhooks/shopify", true});
  if (config.access_tokens.size() == 1 && config.access_tokens.front() == kToken) {
    config.access_tokens.push_back(kSecondToken);
  }
  return config;
}

class SimWorld final : public World {
 public:
  explicit SimWorld(WorldOptions options) : network_(scheduler_, sim::Rng(11)) {
    network_.AddHost("hooks", receiver_, {sim::LinkProfile{sim::Ms(1), 0.0}, kBodyLimit});
    Config config = PrepareConfig(options, "hooks");
    if (options.emitter) {
      hook_client_ = network_.MakeClient("shopify.webhooks");
      emitter_ = std::make_unique<WebhookEmitter>(scheduler_, *hook_client_, sim::Rng(5).Fork("emitter"),
                                                  options.schedule);
      config.emitter = emitter_.get();
    }
    mock_ = std::make_unique<ShopifyMock>(std::move(config), sim::Rng(42).Fork("mocks.shopify"));
    network_.AddHost("shop", *mock_, {sim::LinkProfile{sim::Duration(0), 0.0}, kBodyLimit});
    client_ = network_.MakeClient("pipeline");
  }
  ~SimWorld() override {
    // Lets deliveries (and their retries) finish in virtual time, so no coroutine frame is left
    // suspended in the scheduler when it goes.
    scheduler_.RunUntilIdle(1'000'000);
    client_.reset();
    mock_.reset();  // before the emitter it calls back from
    emitter_.reset();
    hook_client_.reset();
  }

  ShopifyMock& mock() override { return *mock_; }
  sim::Response Send(sim::Request request) override {
    request.headers.Set("Host", "shop");
    std::optional<sim::SendResult> out;
    sim::Spawn([&]() -> sim::Task<void> { out.emplace(co_await client_->Send(request)); });
    for (int i = 0; !out && i < 1'000'000 && scheduler_.Step(); ++i) {
    }
    if (!out || !out->has_value()) {
      ADD_FAILURE() << "the in-memory exchange did not complete";
      return sim::Response{0, {}, {}};
    }
    return std::move(**out);
  }
  void Advance(sim::Duration d) override { scheduler_.RunFor(d, 1'000'000); }
  sim::Moment Now() const override { return scheduler_.clock().MomentNow(); }
  bool DeliverUntil(std::size_t n) override {
    for (int i = 0; receiver_.received().size() < n && i < 1'000'000 && scheduler_.Step(); ++i) {
    }
    return receiver_.received().size() >= n;
  }
  bool is_live() const override { return false; }
  // The in-memory network's Host is a service name, so links keep Shopify's own origin.
  std::string LinkOrigin() const override { return "https://rehearsal-demo.myshopify.com"; }
  sim::Scheduler& scheduler() { return scheduler_; }

 private:
  sim::Scheduler scheduler_;
  sim::InMemoryNetwork network_;
  std::unique_ptr<sim::HttpClient> hook_client_;
  std::unique_ptr<ShopifyMock> mock_;
  std::unique_ptr<sim::HttpClient> client_;
};

// Calls the mock with the test's clock instead of the server's real one.
class ClockShim final : public sim::Service {
 public:
  ClockShim(ShopifyMock& mock, const sim::VirtualClock& clock, std::mutex& clock_mu)
      : mock_(mock), clock_(clock), clock_mu_(clock_mu) {}
  sim::Response Handle(const sim::Request& request, sim::Moment) override {
    sim::Moment now;
    {
      std::lock_guard lock(clock_mu_);
      now = clock_.MomentNow();
    }
    return mock_.Handle(request, now);
  }

 private:
  ShopifyMock& mock_;
  const sim::VirtualClock& clock_;
  std::mutex& clock_mu_;
};

class LiveWorld final : public World {
 public:
  explicit LiveWorld(WorldOptions options)
      : clock_(sim::DefaultSimEpoch()),
        hook_server_(receiver_, HookConfig()) {
    const auto hook_port = hook_server_.Start();
    RH_CHECK(hook_port.has_value(), "webhook receiver failed to start");
    hook_host_ = "127.0.0.1:" + std::to_string(*hook_port);
    runtime_.Start();
    client_ = std::make_unique<sim::live::LiveHttpClient>(runtime_);
    Config config = PrepareConfig(options, hook_host_);
    if (options.emitter) {
      hook_client_ = std::make_unique<sim::live::LiveHttpClient>(runtime_);
      emitter_ = std::make_unique<WebhookEmitter>(runtime_, *hook_client_, sim::Rng(5).Fork("emitter"),
                                                  options.schedule);
      config.emitter = emitter_.get();
    }
    mock_ = std::make_unique<ShopifyMock>(std::move(config), sim::Rng(42).Fork("mocks.shopify"));
    shim_ = std::make_unique<ClockShim>(*mock_, clock_, clock_mu_);
    sim::live::HttpServer::Config server_config;
    server_config.threads = 2;
    server_config.body_limit = kBodyLimit;
    server_ = std::make_unique<sim::live::HttpServer>(*shim_, server_config);
    const auto port = server_->Start();
    RH_CHECK(port.has_value(), "mock server failed to start");
    host_ = "127.0.0.1:" + std::to_string(*port);
  }
  ~LiveWorld() override {
    // Waits (bounded) for deliveries in flight to finish, so none is cut off mid-coroutine.
    for (int i = 0; emitter_ && emitter_->InFlight() > 0 && i < 5000; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    server_->Stop(sim::Ms(500));
    hook_server_.Stop(sim::Ms(500));
    client_->Close();
    if (hook_client_) hook_client_->Close();
    runtime_.Stop();
    server_.reset();
    shim_.reset();
    mock_.reset();
    emitter_.reset();
    hook_client_.reset();
    client_.reset();
  }

  ShopifyMock& mock() override { return *mock_; }
  sim::Response Send(sim::Request request) override {
    request.headers.Set("Host", host_);
    auto future = sim::live::Launch(runtime_, client_->Send(std::move(request)));
    if (future.wait_for(kWaitLimit) != std::future_status::ready) {
      std::fprintf(stderr, "timed out waiting for the live mock\n");
      std::abort();
    }
    sim::SendResult result = future.get();
    if (!result.has_value()) {
      ADD_FAILURE() << "transport error: " << result.error().detail;
      return sim::Response{0, {}, {}};
    }
    return std::move(*result);
  }
  void Advance(sim::Duration d) override {
    std::lock_guard lock(clock_mu_);
    clock_.AdvanceTo(clock_.Now() + d);
  }
  sim::Moment Now() const override {
    std::lock_guard lock(clock_mu_);
    return clock_.MomentNow();
  }
  bool DeliverUntil(std::size_t n) override { return receiver_.WaitFor(n); }
  bool is_live() const override { return true; }
  // A loopback Host with a port: links name the mock's own plain-HTTP address.
  std::string LinkOrigin() const override { return "http://" + host_; }
  const std::string& hook_host() const { return hook_host_; }

 private:
  static sim::live::HttpServer::Config HookConfig() {
    sim::live::HttpServer::Config c;
    c.threads = 1;
    return c;
  }

  mutable std::mutex clock_mu_;
  sim::VirtualClock clock_;
  sim::live::HttpServer hook_server_;
  std::string hook_host_;
  sim::live::LiveRuntime runtime_;
  std::unique_ptr<sim::live::LiveHttpClient> client_;
  std::unique_ptr<sim::live::LiveHttpClient> hook_client_;
  std::unique_ptr<ShopifyMock> mock_;
  std::unique_ptr<ClockShim> shim_;
  std::unique_ptr<sim::live::HttpServer> server_;
  std::string host_;
};

// ---- Requests ----

inline sim::Request Api(sim::Method method, const std::string& target, const std::string& body = "",
                        const char* token = kToken, const std::string& version = "2025-07") {
  sim::Request r;
  r.method = method;
  r.target = target.rfind("/admin/", 0) == 0 || target.rfind("/_rehearsal/", 0) == 0
                 ? target
                 : "/admin/api/" + version + target;
  if (token) r.headers.Set("X-Shopify-Access-Token", token);
  if (!body.empty()) {
    r.headers.Set("Content-Type", "application/json");
    r.body = body;
  }
  return r;
}

inline sim::Request Get(const std::string& target) { return Api(sim::Method::kGet, target); }
inline sim::Request Post(const std::string& target, const std::string& body) {
  return Api(sim::Method::kPost, target, body);
}
inline sim::Request Put(const std::string& target, const std::string& body) {
  return Api(sim::Method::kPut, target, body);
}
inline sim::Request Graphql(const std::string& query, const Json& variables = Json::object(),
                            const char* token = kToken) {
  return Api(sim::Method::kPost, "/graphql.json", Json{{"query", query}, {"variables", variables}}.dump(), token);
}

inline Json Body(const sim::Response& r) {
  Json j = Json::parse(r.body, nullptr, false);
  if (j.is_discarded()) ADD_FAILURE() << "not JSON: " << r.body;
  return j;
}

// An HMAC computed with OpenSSL directly, independent of the project's crypto wrapper.
inline std::string IndependentHmacBase64(const std::string& key, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  return sim::Base64Encode(std::string(reinterpret_cast<const char*>(digest), length));
}

// ---- Seed data ----

// A customer with two orders (one paid and unfulfilled, one paid and fulfilled in transit) and
// another customer with one order. Returns the ids.
struct Seeded {
  Id bob = 0;
  Id alice = 0;
  Id open_order = 0;       // #1001, bob, paid, unfulfilled
  Id fulfilled_order = 0;  // #1002, bob, paid, fulfilled, UPS in transit
  Id alice_order = 0;      // #1003, alice, authorized
};

inline Seeded SeedStandard(World& world) {
  Seeded s;
  ShopifyMock& mock = world.mock();
  const sim::Moment now = world.Now();
  s.bob = *mock.SeedCustomer(Json::parse(R"({"email":"bob@example.com","first_name":"Bob","last_name":"Norman",
      "tags":"vip, wholesale","phone":"+15551234567",
      "addresses":[{"address1":"92 Chestnut St","city":"Louisville","province_code":"KY","zip":"40202","country_code":"US"}]})"),
                                 now);
  s.alice = *mock.SeedCustomer(Json::parse(R"({"email":"alice@example.com","first_name":"Alice","last_name":"Liddell"})"), now);
  s.open_order = *mock.SeedOrder(Json::parse(R"({"customer":{"id":)" + std::to_string(s.bob) + R"(},
      "created_at":"2026-03-02T10:00:00-05:00","financial_status":"paid","tags":"vip, gift",
      "line_items":[{"title":"Hoodie","variant_title":"M / Black","sku":"HD-M-BLK","price":"54.99","quantity":1}],
      "total_tax":"4.98",
      "shipping_address":{"first_name":"Bob","last_name":"Norman","address1":"92 Chestnut St","city":"Louisville","zip":"40202","country_code":"US"},
      "note_attributes":[{"name":"gift_message","value":"Happy birthday"}]})"),
                                 now);
  s.fulfilled_order = *mock.SeedOrder(Json::parse(R"({"customer":{"id":)" + std::to_string(s.bob) + R"(},
      "created_at":"2026-03-05T09:00:00-05:00","financial_status":"paid",
      "line_items":[{"title":"Mug","sku":"MUG-1","price":"12.00","quantity":2},{"title":"Cap","sku":"CAP-1","price":"20.00","quantity":1}],
      "shipping_lines":[{"title":"Standard","price":"5.00"}],
      "fulfillments":[{"tracking_company":"UPS","tracking_number":"1Z999AA10123456784","shipment_status":"in_transit"}]})"),
                                      now);
  s.alice_order = *mock.SeedOrder(Json::parse(R"({"email":"alice@example.com","created_at":"2026-03-06T09:00:00-05:00",
      "financial_status":"authorized","line_items":[{"title":"Scarf","price":"30.00"}]})"),
                                  now);
  return s;
}

}  // namespace rh::mocks::shopify::testing

namespace rh::mocks::shopify::testing {

// A typed fixture: each test body runs once per world (in memory, then over loopback).
template <class W>
class ShopifyWorldTest : public ::testing::Test {
 protected:
  void Start(WorldOptions options = {}) { world_ = std::make_unique<W>(std::move(options)); }
  void StartSeeded(WorldOptions options = {}) {
    Start(std::move(options));
    seeded_ = SeedStandard(*world_);
  }
  sim::Response Send(sim::Request request) { return world_->Send(std::move(request)); }
  World& world() { return *world_; }
  ShopifyMock& mock() { return world_->mock(); }
  // The REST order as the API shows it.
  Json Order(Id id) { return Body(Send(Get("/orders/" + std::to_string(id) + ".json")))["order"]; }
  Id FirstLineItem(Id order_id) { return Order(order_id)["line_items"][0]["id"].template get<Id>(); }

  std::unique_ptr<World> world_;
  Seeded seeded_;
};

using Worlds = ::testing::Types<SimWorld, LiveWorld>;

struct WorldNames {
  template <class T>
  static std::string GetName(int) {
    return std::is_same_v<T, SimWorld> ? "InMemory" : "Loopback";
  }
};

}  // namespace rh::mocks::shopify::testing
