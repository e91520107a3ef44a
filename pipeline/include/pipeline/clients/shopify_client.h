// The pipeline's Shopify Admin API client: the customer and their latest orders by e-mail, one
// order with its fulfillments, line items, refunds and returns, cancelling an order and changing
// its shipping address. It speaks the public API only (REST, plus GraphQL for returns, which
// Shopify offers nowhere else), so the same code works against the mock and a real store.
//
// Real-API facts it follows:
// - Orders by e-mail: GET /customers/search.json?query=email:"..." then
//   GET /customers/{id}/orders.json?status=any. `orders.json?email=` is not in the reference (the
//   mock ignores it by default), and `status` must be `any`, or cancelled and closed orders are
//   silently left out.
// - Auth: X-Shopify-Access-Token; JSON bodies with Content-Type application/json.
// - Ids are 64-bit integers above 2^53, read as integers (never through a double); money is a
//   decimal string, kept here in minor units.
// - The order-embedded customer has no orders_count / total_spent since 2022-04; they come from
//   the customer resource.
// - Rate limits: the REST leaky bucket's X-Shopify-Shop-Api-Call-Limit on every response (paced
//   before it fills), Retry-After "2.0" on a 429; GraphQL's cost bucket in extensions.cost, and
//   THROTTLED as HTTP 200 (retried as a 429).
// - Cancel: POST /orders/{id}/cancel.json {"reason","email"}; 422 when already cancelled, paid and
//   fulfilled, or with an open return. A cancel whose answer was lost is reconciled by reading
//   the order: a cancelled_at set by us is a success, not an error.
// - Address change: PUT /orders/{id}.json {"order":{"id","shipping_address":{...}}}; fields given
//   replace those of the current address.
//
// Thread safety and determinism: as ApiCaller (its Trace only in sim mode). The client must
// outlive its calls. It must not: use the mock's /_rehearsal/ routes, or read a clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/clients/api_caller.h"
#include "pipeline/clients/values.h"

namespace rh::pipeline::clients {

struct ShopifyConfig {
  std::string host = "shopify";  // the Host header: a sim host, "127.0.0.1:port", "{shop}.myshopify.com"
  std::string access_token;
  std::string api_version = "2025-01";
  int latest_orders = 5;          // orders read per customer lookup (newest first)
  // A full REST bucket drains in 20 s on every plan (40 at 2/s ... 400 at 20/s); keep this share
  // of it free for other callers of the store.
  sim::Duration bucket_drain_window = sim::Sec(20);
  double keep_free = 0.2;
  RetryPolicy retry;
};

struct ShopifyLineItem {
  std::uint64_t id = 0;
  std::string sku;  // empty when the product has none
  std::string title;
  std::string variant_title;
  int quantity = 0;
  int current_quantity = 0;      // after refunds and removals
  int fulfillable_quantity = 0;
  std::string fulfillment_status;  // "", "fulfilled", "partial", ...
  std::int64_t price = 0;          // unit price, minor units
};

struct ShopifyFulfillmentLine {
  std::uint64_t line_item_id = 0;
  int quantity = 0;
};

struct ShopifyFulfillment {
  std::uint64_t id = 0;
  std::string name;             // "#1001.1"
  std::string status;           // pending | open | success | cancelled | error | failure
  std::string shipment_status;  // "" until a carrier event; in_transit, delivered, failure, ...
  std::string tracking_company;
  std::vector<std::string> tracking_numbers;
  std::vector<std::string> tracking_urls;
  Timestamp created_at;
  Timestamp updated_at;  // the last change: a carrier scan moves it
  std::vector<ShopifyFulfillmentLine> line_items;
};

struct ShopifyRefundLine {
  std::uint64_t line_item_id = 0;
  int quantity = 0;
  std::string restock_type;
};

struct ShopifyRefund {
  std::uint64_t id = 0;
  Timestamp created_at;
  std::string note;
  std::int64_t amount = 0;  // successful refund transactions, minor units
  std::vector<ShopifyRefundLine> line_items;
};

// A return (GraphQL only). Status as Shopify's ReturnStatus: REQUESTED, OPEN, CLOSED, DECLINED,
// CANCELED.
struct ShopifyReturn {
  std::string id;  // "gid://shopify/Return/..."
  std::string name;
  std::string status;
  bool open() const { return status == "REQUESTED" || status == "OPEN"; }
};

struct ShopifyAddress {
  std::string first_name, last_name, company, address1, address2, city, province, province_code,
      zip, country, country_code, phone;
};

struct ShopifyOrder {
  std::uint64_t id = 0;
  std::string name;  // "#1001"
  std::string email;
  Timestamp created_at;
  Timestamp updated_at;
  Timestamp processed_at;
  Timestamp cancelled_at;  // empty when not cancelled
  std::string cancel_reason;
  Timestamp closed_at;
  std::string financial_status;    // pending | authorized | partially_paid | paid | partially_refunded | refunded | voided
  std::string fulfillment_status;  // "" (null), partial, fulfilled, restocked
  std::string currency;
  std::int64_t total_price = 0;  // minor units of `currency`
  std::int64_t subtotal_price = 0;
  std::int64_t total_tax = 0;
  std::int64_t current_total_price = 0;
  std::vector<std::string> tags;
  std::string note;
  std::vector<ShopifyLineItem> line_items;
  std::vector<ShopifyFulfillment> fulfillments;
  std::vector<ShopifyRefund> refunds;
  // Filled only by GetOrder(..., with_returns = true) or OrderReturns; `returns_known` says so.
  std::vector<ShopifyReturn> returns;
  bool returns_known = false;
  std::optional<ShopifyAddress> shipping_address;
  std::optional<std::uint64_t> customer_id;

  bool cancelled() const { return !cancelled_at.empty(); }
  // Refunded so far, minor units.
  std::int64_t RefundedTotal() const;
};

struct ShopifyCustomer {
  std::uint64_t id = 0;
  std::string email;
  std::string first_name;
  std::string last_name;
  std::string phone;
  std::string state;  // disabled | invited | enabled | declined
  std::vector<std::string> tags;
  std::int64_t orders_count = 0;
  std::int64_t total_spent = 0;  // minor units of `currency`
  std::string currency;
  std::optional<std::uint64_t> last_order_id;
  std::string last_order_name;
};

// A lookup by e-mail: the customer (none when Shopify does not know the address) and their
// newest orders, newest first.
struct ShopifyCustomerOrders {
  std::optional<ShopifyCustomer> customer;
  std::vector<ShopifyOrder> orders;
};

struct ShopifyCancel {
  std::string reason = "customer";  // customer | inventory | fraud | declined | other
  bool notify_customer = false;     // Shopify's "email"
};

class ShopifyClient {
 public:
  // `rng` is this client's own stream; `trace` may be null.
  ShopifyClient(ShopifyConfig config, sim::HttpClient& http, sim::Executor& executor, sim::Rng rng,
                sim::Trace* trace = nullptr);

  // GET /customers/search.json?query=email:"..."; the match whose e-mail equals `email`
  // (ignoring case), else none.
  sim::Task<CallResult<std::optional<ShopifyCustomer>>> FindCustomerByEmail(std::string email);
  // GET /customers/{id}/orders.json?status=any&limit=N, newest first.
  sim::Task<CallResult<std::vector<ShopifyOrder>>> CustomerOrders(std::uint64_t customer_id, int limit);
  // Both: the customer and their `latest_orders` newest orders.
  sim::Task<CallResult<ShopifyCustomerOrders>> LookupByEmail(std::string email);
  // GET /orders.json?status=any&name=#1001: the order with exactly that name, else none.
  sim::Task<CallResult<std::optional<ShopifyOrder>>> FindOrderByName(std::string name);
  // GET /orders/{id}.json (404: kClientError with status 404); with returns from GraphQL.
  sim::Task<CallResult<ShopifyOrder>> GetOrder(std::uint64_t order_id, bool with_returns = false);
  // The order's returns, from GraphQL (order(id:) { returns(first: 20) { nodes {...} } }).
  sim::Task<CallResult<std::vector<ShopifyReturn>>> OrderReturns(std::uint64_t order_id);
  // POST /orders/{id}/cancel.json; the cancelled order.
  sim::Task<CallResult<ShopifyOrder>> CancelOrder(std::uint64_t order_id, ShopifyCancel cancel);
  // PUT /orders/{id}.json with the non-empty fields of `address`; the updated order.
  sim::Task<CallResult<ShopifyOrder>> UpdateShippingAddress(std::uint64_t order_id, ShopifyAddress address);

  ApiCaller& caller() { return caller_; }

 private:
  sim::Request Make(sim::Method method, std::string path_and_query, std::string body = {}) const;
  CallOptions Options(std::string operation, bool idempotent = true, std::string rate_key = "rest") const;

  ShopifyConfig config_;
  ApiCaller caller_;
};

// True for a final 404 (an unknown order or customer).
bool IsNotFound(const CallError& error);

}  // namespace rh::pipeline::clients
