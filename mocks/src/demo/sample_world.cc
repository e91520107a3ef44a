#include "mocks/sample_world.h"

#include <map>
#include <string>

#include "sim/check.h"
#include "sim/in_memory_network.h"
#include "sim/scheduler.h"
#include "sim/service.h"

namespace rh::mocks {

using namespace rh::sim;  // a demo of the simulation core, written in its terms
namespace {

constexpr int kSkus = 8;

// Stock per SKU. GET /stock?sku=N, POST /reserve?sku=N (409 when out of stock).
class InventoryService final : public Service {
 public:
  Response Handle(const Request& req, Moment) override {
    const auto sku = req.Query("sku");
    if (!sku) return Response::Json(400, R"({"error":"sku is required"})");
    int& level = stock_[*sku];
    if (req.Path() == "/stock" && req.method == Method::kGet) {
      return Response::Json(200, "{\"sku\":\"" + *sku + "\",\"available\":" + std::to_string(level) + "}");
    }
    if (req.Path() == "/reserve" && req.method == Method::kPost) {
      if (level <= 0) return Response::Json(409, R"({"error":"out of stock"})");
      --level;
      return Response::Json(200, R"({"reserved":true})");
    }
    return Response::Json(404, R"({"error":"not found"})");
  }
  void Restock(int each) {
    for (int i = 0; i < kSkus; ++i) stock_[std::to_string(i)] = each;
  }

 private:
  std::map<std::string, int> stock_;
};

// Records orders; an idempotency key makes a retried order count once.
class OrderService final : public Service {
 public:
  Response Handle(const Request& req, Moment now) override {
    if (req.method != Method::kPost || req.Path() != "/orders") {
      return Response::Json(404, R"({"error":"not found"})");
    }
    const std::string key(req.headers.GetOr("Idempotency-Key", ""));
    auto [it, inserted] = orders_.try_emplace(key, now.wall);
    return Response::Json(inserted ? 201 : 200,
                          "{\"order\":\"" + key + "\",\"at\":\"" + FormatRfc3339Utc(it->second) + "\"}");
  }
  std::uint64_t placed() const { return orders_.size(); }

 private:
  std::map<std::string, WallTime> orders_;
};

struct World {
  explicit World(const SampleWorldConfig& c, Trace* t)
      : config(c), trace(t), root(c.seed), network(scheduler, root.Fork("network"), t) {}

  const SampleWorldConfig& config;
  Trace* trace;
  Rng root;
  Scheduler scheduler;
  InventoryService inventory;
  OrderService orders;
  InMemoryNetwork network;
  SampleWorldResult result;
};

Request MakeRequest(Method m, std::string host, std::string target) {
  Request r;
  r.method = m;
  r.target = std::move(target);
  r.headers.Set("Host", host);
  return r;
}

// Sends with up to three attempts and exponential backoff; counts retries.
Task<SendResult> SendWithRetry(World& w, HttpClient& client, Request req, Rng& rng) {
  Duration backoff = Sec(1);
  for (int attempt = 1;; ++attempt) {
    SendResult r = co_await client.Send(req, SendOptions{Sec(10)});
    const bool retryable = !r.has_value() || r->status >= 500;
    if (!retryable || attempt == 3) co_return r;
    ++w.result.retries;
    // Full jitter, from the shopper's own stream.
    co_await SleepFor(w.scheduler, Duration(rng.UniformInt(0, backoff.count())));
    backoff *= 2;
  }
}

Task<void> Shopper(World& w, int index) {
  Rng rng = w.root.Fork("shopper", static_cast<std::uint64_t>(index));
  auto client = w.network.MakeClient("shopper-" + std::to_string(index));
  const Instant end = Instant(w.config.span);
  int order_no = 0;
  while (true) {
    co_await SleepFor(w.scheduler, rng.ExponentialDuration(w.config.mean_think_time));
    if (w.scheduler.Now() >= end) break;
    const std::string sku = std::to_string(rng.Below(kSkus));
    SendResult stock = co_await SendWithRetry(w, *client, MakeRequest(Method::kGet, "inventory", "/stock?sku=" + sku), rng);
    if (!stock.has_value() || stock->status != 200 || stock->body.find("\"available\":0") != std::string::npos) {
      continue;
    }
    SendResult reserve = co_await SendWithRetry(w, *client, MakeRequest(Method::kPost, "inventory", "/reserve?sku=" + sku), rng);
    if (!reserve.has_value() || reserve->status != 200) continue;
    Request order = MakeRequest(Method::kPost, "orders", "/orders");
    order.headers.Set("Idempotency-Key", "s" + std::to_string(index) + "-" + std::to_string(++order_no));
    order.body = "{\"sku\":\"" + sku + "\"}";
    SendResult placed = co_await SendWithRetry(w, *client, std::move(order), rng);
    if (placed.has_value() && placed->status < 300) {
      ++w.result.orders_confirmed;
      if (w.trace != nullptr) {
        w.trace->Record(w.scheduler.Now(), "shopper-" + std::to_string(index), "order.confirmed",
                        {{"sku", sku}, {"status", placed->status}});
      }
    }
  }
}

void ScheduleRestock(World& w) {
  w.scheduler.ScheduleAfter(w.config.restock_every, [&w] {
    if (w.scheduler.Now() >= Instant(w.config.span)) return;
    w.inventory.Restock(5);
    if (w.trace != nullptr) w.trace->Record(w.scheduler.Now(), "inventory", "restock", {{"each", 5}});
    ScheduleRestock(w);
  });
}

}  // namespace

SampleWorldResult RunSampleWorld(const SampleWorldConfig& config, Trace* trace) {
  World w(config, trace);
  SetCheckContext(config.seed, &w.scheduler.clock());
  w.network.AddHost("inventory", w.inventory, {LinkProfile{Ms(2), 0.5}});
  w.network.AddHost("orders", w.orders, {LinkProfile{Ms(5), 0.8}});
  w.network.faults().Add({.name = "inventory-503",
                          .host = "inventory",
                          .kind = FaultKind::kErrorStatus,
                          .probability = config.inventory_error_rate,
                          .status = 503,
                          .body = R"({"error":"unavailable"})"});
  w.network.faults().Add({.name = "orders-lost-response",
                          .host = "orders",
                          .kind = FaultKind::kDropAfterHandling,
                          .probability = config.order_lost_rate});
  w.inventory.Restock(5);
  ScheduleRestock(w);
  for (int i = 0; i < config.shoppers; ++i) Detach(Shopper(w, i));
  w.result.events = w.scheduler.RunUntilIdle();
  RH_CHECK(w.scheduler.Pending() == 0, "sample world left events pending");
  w.result.requests = w.network.requests_sent();
  w.result.orders_placed = w.orders.placed();
  w.result.virtual_elapsed = w.scheduler.Now().time_since_epoch();
  ClearCheckContext();
  return w.result;
}

}  // namespace rh::mocks
