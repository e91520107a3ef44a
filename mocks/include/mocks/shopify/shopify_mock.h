// The Shopify Admin API mock: one shop, one app, served as a sim::Service so the in-memory
// network (sim mode) and the Beast server (live mode) host the same handler.
//
// What it models (see /work/shared/reference/shopify-api.md for the facts it follows):
// - REST under /admin/api/{version}/...json: orders (list with the documented filters and
//   Link-header cursor pagination, get, count, update, close, open, cancel), customers (search,
//   get, their orders), fulfillment orders and their actions, fulfillments (create, update
//   tracking, cancel, carrier events), refunds (calculate, create), webhook subscriptions.
// - GraphQL at /admin/api/{version}/graphql.json: customers, orders, order, customer, shop,
//   return lookups and the return mutations, with Shopify's calculated query cost.
// - Limits: the REST leaky bucket and the GraphQL cost bucket, per app and store (every access
//   token of the app shares them), with Shopify's headers and bodies.
// - Webhooks produced by state changes, signed with the app's client secret, delivered through
//   an optional WebhookEmitter on Shopify's retry schedule.
// - An inspection surface outside the real API, as C++ methods and as HTTP routes under
//   /_rehearsal/ (no Shopify auth): seed data, move a shipment, read the request log and the
//   webhooks, change the plan.
//
// Determinism: Handle is a function of (state, request, now); ids, request ids and webhook ids
// come from the injected Rng only; timestamps from `now.wall`. It never reads a clock.
// Thread safety: one internal mutex, held by Handle and by every public method, so the live
// server's threads and the harness may call it at once. Webhooks are handed to the emitter after
// the mutex is released (the emitter calls back into the mock when a subscription gives up).
// It must not: write hand-made webhooks for callers, or let a rejected request change state.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mocks/common/json_http.h"
#include "mocks/common/request_log.h"
#include "mocks/common/webhook_emitter.h"
#include "mocks/shopify/state.h"
#include "sim/expected.h"
#include "sim/rng.h"
#include "sim/service.h"
#include "sim/trace.h"

namespace rh::mocks::shopify {

namespace detail {
struct Core;  // the state, limits, logs and id streams behind the mutex (src/shopify/core.h)
}  // namespace detail

enum class Plan { kStandard, kAdvanced, kPlus, kEnterprise };

// The REST leaky bucket: `bucket_size` calls held, one drained every `leak_each`.
struct RestLimits {
  std::int64_t bucket_size = 40;
  sim::Duration leak_each = sim::Ms(500);
};

// The GraphQL cost bucket: points restored per second, up to the maximum.
struct GraphqlLimits {
  double restore_rate = 100;
  double maximum_available = 2000;
};

// Standard 40/2s, Advanced 80/4s, Plus 400/20s, Enterprise 400/40s (the facts file gives no
// Enterprise bucket size; 400 as for Plus).
RestLimits RestLimitsFor(Plan plan);
// Current docs: Standard 100, Advanced 200, Plus 1000, Enterprise 2000 points/s; the maximum is
// 20 times the restore rate, as seen in real responses (inferred beyond Standard and Plus).
GraphqlLimits GraphqlLimitsFor(Plan plan);

struct WebhookSubscriptionConfig {
  std::string topic;  // "orders/create"
  std::string host;   // where deliveries go: a sim host name or "127.0.0.1:port"
  std::string path = "/webhooks/shopify";
  // Admin-API subscriptions are deleted when deliveries keep failing; TOML-declared ones are not.
  bool api_created = true;
};

// Whether GET /orders.json honours `email=`. The reference documents no such filter and
// community code uses it; the default follows the documentation (an unknown parameter is
// ignored, so the caller gets every open order), and a scenario may switch it on.
enum class OrdersEmailFilter { kIgnored, kHonored };

struct Config {
  std::string shop_domain = "rehearsal-demo.myshopify.com";
  std::string shop_name = "Rehearsal Demo";
  // The shop's numeric id: in order status page URLs and the merchant business entity id.
  Id shop_id = 61'472'998'401ULL;
  // The app's Admin API access tokens. All belong to the same app on this store, so they share
  // one REST bucket and one GraphQL bucket.
  std::vector<std::string> access_tokens = {"shpat_rehearsal_0001"};
  std::string app_name = "rehearsal-app";
  // The app's client secret: the webhook signing key.
  std::string api_client_secret = "rehearsal-client-secret";
  Plan plan = Plan::kStandard;
  std::optional<RestLimits> rest_limits;        // overrides the plan's
  std::optional<GraphqlLimits> graphql_limits;  // overrides the plan's
  // Supported versions, oldest first. A well-formed unsupported version falls forward to the
  // oldest; a malformed one is 404.
  std::vector<std::string> api_versions = {"2025-01", "2025-04", "2025-07", "2025-10", "2026-01"};
  // The version of webhook payloads and of their X-Shopify-API-Version; empty: the newest.
  std::string webhook_api_version;
  std::chrono::minutes utc_offset{-5 * 60};
  std::string currency = "USD";
  // The location fulfillment orders are assigned to.
  Id location_id = 9'400'000'000'000'001ULL;
  std::string location_name = "Main warehouse";
  // Scheme and authority of the URLs in Link headers; empty: taken from the request, that is
  // "http://" + Host when the Host has a port or is a loopback address (a live client), else
  // "https://" + shop_domain.
  std::string link_origin;
  OrdersEmailFilter orders_email_filter = OrdersEmailFilter::kIgnored;
  std::vector<WebhookSubscriptionConfig> webhooks;
  // Deliveries go through it (build it with ShopifyRetrySchedule()); null: webhooks are produced
  // and recorded but not sent. It must outlive the mock; the mock installs its on_gave_up
  // callback and clears it on destruction.
  WebhookEmitter* emitter = nullptr;
  // A delivery that gives up has failed all its attempts (the "8 consecutive failures" of the
  // docs); an API-created subscription is deleted after this many such deliveries in a row.
  int gave_up_deliveries_before_delete = 1;
  // Records shopify.request / shopify.webhook events. Trace is single-threaded: pass one only
  // in sim mode.
  sim::Trace* trace = nullptr;
  // Requests kept by the request log (the oldest go first).
  std::size_t request_log_capacity = 100'000;
};

// A seeding or inspection input that is not acceptable, naming the offending field
// ("line_items[0].price"). The HTTP inspection routes answer 400 {"errors":{field:message}}.
struct SeedError {
  std::string field;
  std::string message;
};

template <class T>
using SeedResult = sim::Expected<T, SeedError>;

// A webhook the mock produced, whether or not an emitter sent it.
struct ProducedWebhook {
  Id subscription_id = 0;
  std::string topic;
  std::string webhook_id;  // X-Shopify-Webhook-Id
  std::string event_id;    // X-Shopify-Event-Id, shared by the topics of one action
  sim::Instant at{};
  sim::Request request;    // as sent: target, Host, signed headers, body bytes
};

class ShopifyMock final : public sim::Service {
 public:
  // `rng` is this mock's stream (e.g. root.Fork("mocks.shopify")); ids, request ids and
  // webhook ids come from named forks of it. When config.emitter is set, the mock installs the
  // emitter's on_gave_up callback (to delete failing subscriptions).
  ShopifyMock(Config config, sim::Rng rng);
  ~ShopifyMock() override;
  ShopifyMock(const ShopifyMock&) = delete;
  ShopifyMock& operator=(const ShopifyMock&) = delete;

  sim::Response Handle(const sim::Request& request, sim::Moment now) override;

  // ---- Seeding (documents in the REST shapes; ids assigned when absent) ----

  // A customer as in GET /customers/{id}.json (with or without the {"customer":...} wrapper).
  SeedResult<Id> SeedCustomer(const Json& customer, sim::Moment now);
  // An order as in GET /orders/{id}.json (wrapper optional). Totals are computed from the line
  // items, tax and shipping (a given total_price must agree); `customer` links to a seeded
  // customer by id or email, or creates one; `fulfillments` (with line_items by id or sku, or
  // none meaning everything) and fulfillment_status "fulfilled" create fulfillments. Each order
  // gets one fulfillment order at config.location_id. With `notify`, produces orders/create.
  SeedResult<Id> SeedOrder(const Json& order, sim::Moment now, bool notify = false);
  // A fulfillment of an existing order: {"line_items":[{"id"|"sku","quantity"}] (absent: all
  // remaining), "tracking_company", "tracking_number", "tracking_url", "shipment_status"}.
  // With `notify`, produces fulfillments/create and orders/(partially_)fulfilled.
  SeedResult<Id> SeedFulfillment(Id order_id, const Json& fulfillment, sim::Moment now,
                                 bool notify = true);
  // A return the customer asked for (status REQUESTED, or "status":"open"):
  // {"line_items":[{"line_item_id","quantity","reason"}]} of fulfilled units. Produces
  // returns/request (or returns/approve when open).
  SeedResult<Id> SeedReturn(Id order_id, const Json& request, sim::Moment now);
  // A carrier event on a fulfillment: moves shipment_status (label_printed, label_purchased,
  // confirmed, in_transit, out_for_delivery, attempted_delivery, ready_for_pickup, delivered,
  // failure, delayed, carrier_picked_up, picked_up) and produces fulfillments/update.
  SeedResult<Id> AddCarrierEvent(Id fulfillment_id, const std::string& status, sim::Moment now,
                                 std::optional<std::string> message = std::nullopt);
  // Adds a subscription as if the app created it (api_created) or declared it in TOML.
  Id AddWebhookSubscription(const WebhookSubscriptionConfig& subscription, sim::Moment now);

  // ---- Reconfiguration ----

  // The plan's limits, keeping the buckets' current levels.
  void SetPlan(Plan plan);
  void SetRestLimits(RestLimits limits);
  void SetGraphqlLimits(GraphqlLimits limits);
  void SetOrdersEmailFilter(OrdersEmailFilter filter);

  // ---- Inspection ----

  // The whole state in REST shapes: {"customers":[...],"orders":[...],"webhook_subscriptions":
  // [...]} (orders with their fulfillment_orders and returns added), in id order.
  OrderedJson Snapshot() const;
  // One resource in its REST shape, or nullopt.
  std::optional<OrderedJson> OrderJson(Id order_id) const;
  std::optional<OrderedJson> CustomerJson(Id customer_id) const;
  // Calls `fn(const State&)` under the mutex, for assertions that the JSON does not show.
  void Inspect(const std::function<void(const State&)>& fn) const;
  std::vector<RequestLogEntry> RequestLogEntries() const;
  // The newest produced webhooks (at most 10,000; a debugging surface, not ground truth).
  std::vector<ProducedWebhook> Webhooks() const;
  // How many orders the store holds: what a caller counting Snapshot()["orders"] wants, without
  // rendering every order (a snapshot of a large store is tens of KB per order).
  std::size_t OrderCount() const;
  // Current fill of the REST bucket (whole calls, rounded up) and points left in the GraphQL one.
  std::int64_t RestBucketLevel(sim::Instant now) const;
  double GraphqlPointsAvailable(sim::Instant now) const;
  const std::string& client_secret() const;

  // HTTP inspection routes (no Shopify auth; only on the mock):
  //   POST /_rehearsal/customers                      body: customer       -> 201 {"customer"}
  //   POST /_rehearsal/orders[?notify=true]           body: order          -> 201 {"order"}
  //   POST /_rehearsal/orders/{id}/fulfillments[?notify=false]             -> 201 {"fulfillment"}
  //   POST /_rehearsal/orders/{id}/returns            body: see SeedReturn -> 201 {"return"}
  //   POST /_rehearsal/fulfillments/{id}/events       {"status","message"} -> 201 {"fulfillment"}
  //   POST /_rehearsal/webhook_subscriptions          {"topic","host","path","api_created"}
  //   PUT  /_rehearsal/limits   {"plan":"plus"} and/or {"rest":{"bucket_size","leak_per_second"}}
  //                             and/or {"graphql":{"restore_rate","maximum_available"}}
  //                             and/or {"orders_email_filter":"honored"|"ignored"}
  //   GET  /_rehearsal/state        Snapshot()
  //   GET  /_rehearsal/requests     {"total","dropped","requests":[{seq,at_ns,method,target,
  //                                  account,status,rate_limit}]}
  //   GET  /_rehearsal/webhooks     {"webhooks":[{subscription_id,topic,webhook_id,event_id,
  //                                  at_ns,host,target,headers,body}],"deliveries":[...]}
  // A bad document answers 400 {"errors":{"<field>":"<message>"}}; an unknown id 404.

 private:
  // Hands produced webhooks to the emitter; called without the mutex held.
  void Deliver(std::vector<Webhook> outbox);

  mutable std::mutex mu_;
  std::unique_ptr<detail::Core> core_;
};

}  // namespace rh::mocks::shopify
