// Klaviyo's Shopify integration: Shopify's webhooks (and, for orders that existed before the
// run, the order documents Klaviyo's sync reads from Shopify's API) become Klaviyo's Shopify
// metrics on the customer's profile. The integration knows Shopify only by its public payloads:
// it never reads the Shopify mock's state. Metric names and property names follow Klaviyo's
// "Shopify data reference" (help.klaviyo.com 115005080447): $value, Items, Item Count,
// Collections, Discount Codes, Total Discounts, Source Name; Ordered Product carries the
// product's Name, ProductID, SKU, Quantity, Variant Name and Vendor. Deterministic: ids come
// from the mock's Rng, times from the payloads and `now`.
#include <algorithm>
#include <string>

#include "core.h"
#include "mocks/common/ids.h"
#include "sim/crypto.h"
#include "sim/time.h"

namespace rh::mocks::klaviyo {
namespace detail {
namespace {

std::string Text(const Json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::uint64_t IdOf(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it != j.end() && it->is_number_unsigned()) return it->get<std::uint64_t>();
  if (it != j.end() && it->is_number_integer() && it->get<std::int64_t>() > 0) {
    return static_cast<std::uint64_t>(it->get<std::int64_t>());
  }
  return 0;
}

double Amount(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) return 0.0;
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) return std::strtod(it->get_ref<const std::string&>().c_str(), nullptr);
  return 0.0;
}

// The payload's time at `key` (RFC 3339), else `fallback`; truncated to the second as Klaviyo
// keeps event times.
sim::WallTime TimeOf(const Json& j, const char* key, sim::WallTime fallback) {
  sim::WallTime t = fallback;
  const std::string text = Text(j, key);
  if (!text.empty()) sim::ParseRfc3339(text, t);
  return std::chrono::time_point_cast<std::chrono::seconds>(t);
}

// Items, Item Count, Discount Codes and the other order-level properties of Klaviyo's Shopify
// order metrics.
OrderedJson OrderProperties(const Json& order) {
  OrderedJson items = OrderedJson::array();
  OrderedJson vendors = OrderedJson::array();
  std::int64_t count = 0;
  if (const auto it = order.find("line_items"); it != order.end() && it->is_array()) {
    for (const Json& line : *it) {
      items.push_back(Text(line, "title"));
      const std::string vendor = Text(line, "vendor");
      if (!vendor.empty() && std::find(vendors.begin(), vendors.end(), vendor) == vendors.end()) vendors.push_back(vendor);
      count += line.value("quantity", 0);
    }
  }
  OrderedJson codes = OrderedJson::array();
  if (const auto it = order.find("discount_codes"); it != order.end() && it->is_array()) {
    for (const Json& d : *it) codes.push_back(Text(d, "code"));
  }
  OrderedJson p;
  p["$event_id"] = std::to_string(IdOf(order, "id"));
  p["$value"] = Amount(order, "total_price");
  p["OrderId"] = std::to_string(IdOf(order, "id"));
  p["Items"] = items;
  p["Item Count"] = count;
  p["Collections"] = OrderedJson::array();
  p["Brands"] = vendors;
  p["Discount Codes"] = codes;
  p["Total Discounts"] = Amount(order, "total_discounts");
  p["Source Name"] = Text(order, "source_name");
  p["$extra"] = {{"order_name", Text(order, "name")}};
  return p;
}

}  // namespace

namespace {

// One event of the integration: finds or creates the profile by e-mail, drops a repeat of the
// same (profile, metric, unique id), stores the event and starts the flows it triggers.
bool Record(Core& core, const std::string& email, const Json* customer, const std::string& metric_name,
            OrderedJson properties, std::optional<double> value, const std::string& currency,
            const std::string& unique_id, sim::WallTime time, sim::Moment now) {
  if (email.empty()) return false;  // Klaviyo syncs Shopify orders only for profiles with an e-mail
  Profile* profile = core.FindByEmail(email);
  if (profile == nullptr) {
    Profile p;
    p.id = core.NewUlid(now.wall);
    p.email = email;
    if (customer != nullptr) {
      if (const std::string f = Text(*customer, "first_name"); !f.empty()) p.first_name = f;
      if (const std::string l = Text(*customer, "last_name"); !l.empty()) p.last_name = l;
    }
    p.created = p.updated = now.wall;
    profile = &core.PutProfile(std::move(p));
  }
  Metric& metric = core.MetricNamed(metric_name, now.wall);
  if (!core.event_keys.insert(profile->id + "|" + metric.id + "|" + unique_id).second) return false;
  Event e;
  // Only the integration's own ids are checked: scanning every event per sync made a large world
  // quadratic, and a clash with an id the API gave (62^11 of them) is negligible.
  e.id = core.NewShortId(11, [&](const std::string& x) { return core.shopify_event_ids.count(x) > 0; });
  core.shopify_event_ids.insert(e.id);
  e.uuid = Uuid4(core.rng);
  e.metric_id = metric.id;
  e.profile_id = profile->id;
  e.time = time;
  e.properties = std::move(properties);
  e.value = value;
  if (!currency.empty()) e.value_currency = currency;
  e.unique_id = unique_id;
  profile->last_event_date = std::max(profile->last_event_date.value_or(time), time);
  core.state.events.push_back(std::move(e));
  if (core.trace != nullptr) {
    core.trace->Record(now.monotonic, "mocks.klaviyo", "klaviyo.shopify_event",
                       {{"metric", metric_name}, {"profile", profile->id}, {"unique_id", unique_id}});
  }
  core.OnEvent(core.state.events.back(), metric_name, now);
  return true;
}

const Json* CustomerOf(const Json& order) {
  const auto it = order.find("customer");
  return it != order.end() && it->is_object() ? &*it : nullptr;
}

std::string EmailOf(const Json& order) {
  std::string email = Text(order, "email");
  if (email.empty()) {
    if (const Json* c = CustomerOf(order)) email = Text(*c, "email");
  }
  return email;
}

void Remember(Core& core, const Json& order) {
  const std::uint64_t id = IdOf(order, "id");
  if (id == 0) return;
  Core::ShopifyOrderMemo& memo = core.shopify_orders[id];
  memo.email = EmailOf(order);
  memo.name = Text(order, "name");
  memo.currency = Text(order, "currency");
  memo.items = OrderProperties(order)["Items"];
}

int PlacedOrder(Core& core, const Json& order, sim::Moment now) {
  const std::string email = EmailOf(order);
  const std::string currency = Text(order, "currency");
  const std::string order_id = std::to_string(IdOf(order, "id"));
  const sim::WallTime at = TimeOf(order, "processed_at", TimeOf(order, "created_at", now.wall));
  int recorded = Record(core, email, CustomerOf(order), "Placed Order", OrderProperties(order),
                        Amount(order, "total_price"), currency, order_id, at, now);
  if (const auto it = order.find("line_items"); it != order.end() && it->is_array()) {
    for (const Json& line : *it) {
      OrderedJson p;
      const std::string line_id = std::to_string(IdOf(line, "id"));
      p["$event_id"] = order_id + ":" + line_id;
      p["$value"] = Amount(line, "price");
      p["OrderId"] = order_id;
      p["Name"] = Text(line, "title");
      p["ProductID"] = std::to_string(IdOf(line, "product_id"));
      p["SKU"] = Text(line, "sku");
      p["Quantity"] = line.value("quantity", 0);
      p["Variant Name"] = Text(line, "variant_title");
      p["Vendor"] = Text(line, "vendor");
      p["Collections"] = OrderedJson::array();
      recorded += Record(core, email, CustomerOf(order), "Ordered Product", std::move(p), Amount(line, "price"),
                         currency, order_id + ":" + line_id, at, now);
    }
  }
  return recorded;
}

// The latest fulfillment's time: when the order became (partially) fulfilled.
sim::WallTime FulfilledAt(const Json& order, sim::WallTime fallback) {
  sim::WallTime latest{};
  bool any = false;
  if (const auto it = order.find("fulfillments"); it != order.end() && it->is_array()) {
    for (const Json& f : *it) {
      const sim::WallTime t = TimeOf(f, "created_at", fallback);
      if (!any || t > latest) latest = t;
      any = true;
    }
  }
  return any ? latest : TimeOf(order, "updated_at", fallback);
}

std::size_t FulfillmentCount(const Json& order) {
  const auto it = order.find("fulfillments");
  return it != order.end() && it->is_array() ? it->size() : 0;
}

int OrderMetric(Core& core, const Json& order, const std::string& metric, std::string unique_id, sim::WallTime at,
                sim::Moment now) {
  OrderedJson p = OrderProperties(order);
  if (metric == "Cancelled Order") p["Reason"] = Text(order, "cancel_reason");
  return Record(core, EmailOf(order), CustomerOf(order), metric, std::move(p), Amount(order, "total_price"),
                Text(order, "currency"), unique_id, at, now);
}

int RefundedOrder(Core& core, const Json& refund, sim::Moment now) {
  const auto memo = core.shopify_orders.find(IdOf(refund, "order_id"));
  if (memo == core.shopify_orders.end()) return 0;  // an order the integration never saw
  double amount = 0.0;
  if (const auto it = refund.find("transactions"); it != refund.end() && it->is_array()) {
    for (const Json& t : *it) {
      if (Text(t, "kind") == "refund" && Text(t, "status") == "success") amount += Amount(t, "amount");
    }
  }
  OrderedJson p;
  p["$event_id"] = std::to_string(IdOf(refund, "id"));
  p["$value"] = amount;
  p["OrderId"] = std::to_string(IdOf(refund, "order_id"));
  p["Items"] = memo->second.items;
  p["Note"] = Text(refund, "note");
  p["$extra"] = {{"order_name", memo->second.name}};
  return Record(core, memo->second.email, nullptr, "Refunded Order", std::move(p), amount, memo->second.currency,
                std::to_string(IdOf(refund, "id")), TimeOf(refund, "created_at", now.wall), now);
}

int ShipmentMetric(Core& core, const Json& fulfillment, sim::Moment now) {
  const std::string status = Text(fulfillment, "shipment_status");
  const char* metric = status == "in_transit"         ? "Confirmed Shipment"
                       : status == "out_for_delivery" ? "Marked Out for Delivery"
                       : status == "delivered"        ? "Delivered Shipment"
                                                      : nullptr;
  if (metric == nullptr) return 0;
  std::string email = Text(fulfillment, "email");
  const auto memo = core.shopify_orders.find(IdOf(fulfillment, "order_id"));
  if (email.empty() && memo != core.shopify_orders.end()) email = memo->second.email;
  OrderedJson p;
  p["$event_id"] = std::to_string(IdOf(fulfillment, "id")) + ":" + status;
  p["OrderId"] = std::to_string(IdOf(fulfillment, "order_id"));
  p["Tracking Company"] = Text(fulfillment, "tracking_company");
  p["Tracking Number"] = Text(fulfillment, "tracking_number");
  p["Tracking URL"] = Text(fulfillment, "tracking_url");
  return Record(core, email, nullptr, metric, std::move(p), std::nullopt, "",
                std::to_string(IdOf(fulfillment, "id")) + ":" + status, TimeOf(fulfillment, "updated_at", now.wall),
                now);
}

sim::Response Plain(int status, std::string body = {}) {
  sim::Response r;
  r.status = status;
  if (!body.empty()) {
    r.headers.Set("Content-Type", "application/json");
    r.body = std::move(body);
  }
  return r;
}

}  // namespace

sim::Response Core::HandleShopifyIntake(const sim::Request& request, sim::Moment now) {
  if (config.shopify.webhook_secret.empty()) return Plain(404, R"({"detail":"No Shopify store is connected."})");
  if (request.method != sim::Method::kPost) return Plain(405);
  const std::string expected = sim::Base64Encode(sim::HmacSha256(config.shopify.webhook_secret, request.body));
  if (std::string(request.headers.Get("X-Shopify-Hmac-Sha256").value_or("")) != expected) {
    return Plain(401, R"({"detail":"Invalid webhook signature."})");
  }
  const std::string delivery(request.headers.Get("X-Shopify-Webhook-Id").value_or(""));
  if (!delivery.empty() && !shopify_deliveries.insert(delivery).second) return Plain(200);  // a retry or duplicate
  const Json body = ParseJsonText(request.body);
  if (body.is_discarded() || !body.is_object()) return Plain(400, R"({"detail":"The body is not a JSON object."})");
  const std::string topic(request.headers.Get("X-Shopify-Topic").value_or(""));
  if (topic.starts_with("orders/")) Remember(*this, body);
  if (topic == "orders/create") {
    PlacedOrder(*this, body, now);
  } else if (topic == "orders/partially_fulfilled") {
    OrderMetric(*this, body, "Fulfilled Partial Order",
                std::to_string(IdOf(body, "id")) + ":" + std::to_string(FulfillmentCount(body)),
                FulfilledAt(body, now.wall), now);
  } else if (topic == "orders/fulfilled") {
    OrderMetric(*this, body, "Fulfilled Order", std::to_string(IdOf(body, "id")), FulfilledAt(body, now.wall), now);
  } else if (topic == "orders/cancelled") {
    OrderMetric(*this, body, "Cancelled Order", std::to_string(IdOf(body, "id")),
                TimeOf(body, "cancelled_at", now.wall), now);
  } else if (topic == "refunds/create") {
    RefundedOrder(*this, body, now);
  } else if (topic == "fulfillments/update") {
    ShipmentMetric(*this, body, now);
  }
  return Plain(200);
}

int Core::SyncShopifyOrderLocked(const Json& order, sim::Moment now) {
  if (!order.is_object() || IdOf(order, "id") == 0) return 0;
  Remember(*this, order);
  const std::string order_id = std::to_string(IdOf(order, "id"));
  int recorded = PlacedOrder(*this, order, now);
  const std::string status = Text(order, "fulfillment_status");
  if (status == "partial") {
    recorded += OrderMetric(*this, order, "Fulfilled Partial Order",
                            order_id + ":" + std::to_string(FulfillmentCount(order)), FulfilledAt(order, now.wall), now);
  }
  if (status == "fulfilled") {
    recorded += OrderMetric(*this, order, "Fulfilled Order", order_id, FulfilledAt(order, now.wall), now);
  }
  if (!Text(order, "cancelled_at").empty()) {
    recorded += OrderMetric(*this, order, "Cancelled Order", order_id, TimeOf(order, "cancelled_at", now.wall), now);
  }
  if (const auto it = order.find("refunds"); it != order.end() && it->is_array()) {
    for (const Json& refund : *it) recorded += RefundedOrder(*this, refund, now);
  }
  return recorded;
}

}  // namespace detail

int KlaviyoMock::SyncShopifyOrder(const Json& order, sim::Moment now) {
  std::lock_guard lock(core_->mu);
  return core_->SyncShopifyOrderLocked(order, now);
}

}  // namespace rh::mocks::klaviyo
