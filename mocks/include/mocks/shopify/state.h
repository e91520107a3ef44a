// The Shopify mock's world: customers and their orders, with each order's line items, payment
// transactions, fulfillment orders, fulfillments (and carrier events), refunds and returns, plus
// the app's webhook subscriptions. Plain data, no behaviour: the handler (shopify_mock.h) is the
// only code that changes it, and renders it in Shopify's REST and GraphQL shapes on the way out.
// Money is kept in cents (integers, so totals are exact and print the same every run); times are
// calendar instants rendered in the shop's UTC offset. Maps are ordered by id, so anything that
// iterates them (listings, snapshots) is deterministic. Must not read clocks or draw randomness.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mocks/common/json_http.h"
#include "sim/time.h"

namespace rh::mocks::shopify {

// Shopify ids are 64-bit integers, here always above 2^53 (JSON numbers that lose precision in
// a double, as the real ones do for clients that parse carelessly).
using Id = std::uint64_t;
// An amount in the currency's minor unit: 5499 is "54.99".
using Cents = std::int64_t;

struct Customer {
  Id id = 0;
  std::string email;
  std::string first_name;
  std::string last_name;
  std::optional<std::string> phone;
  std::string state = "enabled";  // disabled | invited | enabled | declined
  bool verified_email = true;
  bool tax_exempt = false;
  std::vector<std::string> tags;
  std::optional<std::string> note;
  std::string currency;
  sim::WallTime created_at{};
  sim::WallTime updated_at{};
  OrderedJson addresses = OrderedJson::array();  // as seeded; the first is the default address
  OrderedJson email_marketing_consent;           // null when not seeded
  OrderedJson sms_marketing_consent;
};

struct LineItem {
  Id id = 0;
  std::optional<Id> variant_id;
  std::optional<Id> product_id;
  std::string title;
  std::optional<std::string> variant_title;
  std::optional<std::string> sku;
  std::string vendor;
  int quantity = 1;
  Cents price = 0;           // unit price
  Cents tax = 0;             // tax on the whole quantity
  Cents total_discount = 0;  // discount on the whole quantity
  bool requires_shipping = true;
  bool taxable = true;
  int grams = 0;
  // Units sent in fulfillments that are not cancelled, and units refunded. Fulfillable is
  // quantity - refunded - fulfilled (never negative), and 0 on a cancelled order.
  int fulfilled = 0;
  int refunded = 0;
};

struct Transaction {
  Id id = 0;
  std::string kind;  // sale | authorization | capture | void | refund
  std::string status = "success";
  Cents amount = 0;
  std::string gateway = "shopify_payments";
  std::optional<Id> parent_id;
  sim::WallTime created_at{};
};

struct FulfillmentOrderLine {
  Id id = 0;
  Id line_item_id = 0;
  int quantity = 0;     // units assigned to this fulfillment order
  int fulfillable = 0;  // units still to send
};

struct FulfillmentHold {
  std::string reason;  // awaiting_payment | high_risk_of_fraud | incorrect_address | ... | other
  std::optional<std::string> reason_notes;
};

struct FulfillmentOrder {
  Id id = 0;
  Id order_id = 0;
  Id assigned_location_id = 0;
  // open | in_progress | scheduled | on_hold | incomplete | closed | cancelled
  std::string status = "open";
  std::string request_status = "unsubmitted";
  std::vector<FulfillmentOrderLine> lines;
  std::vector<FulfillmentHold> holds;
  std::optional<sim::WallTime> fulfill_at;
  sim::WallTime created_at{};
  sim::WallTime updated_at{};
};

struct FulfillmentLine {
  Id id = 0;  // the FulfillmentLineItem id (GraphQL; returns refer to it)
  Id line_item_id = 0;
  int quantity = 0;
  std::optional<Id> fulfillment_order_id;
  std::optional<Id> fulfillment_order_line_id;
};

struct FulfillmentEvent {
  Id id = 0;
  std::string status;  // one of the shipment statuses
  std::optional<std::string> message;
  sim::WallTime happened_at{};
  sim::WallTime created_at{};
  std::optional<sim::WallTime> estimated_delivery_at;
  OrderedJson location = OrderedJson::object();  // city, province, country, zip, address1, ...
};

struct Fulfillment {
  Id id = 0;
  Id order_id = 0;
  int sequence = 1;  // the ".1" of "#1001.1"
  std::string status = "success";  // pending | open | success | cancelled | error | failure
  std::optional<std::string> shipment_status;
  std::optional<std::string> tracking_company;
  std::vector<std::string> tracking_numbers;
  std::vector<std::string> tracking_urls;
  std::string service = "manual";
  Id location_id = 0;
  std::vector<FulfillmentLine> lines;
  std::vector<FulfillmentEvent> events;
  sim::WallTime created_at{};
  sim::WallTime updated_at{};
};

struct RefundLine {
  Id id = 0;
  Id line_item_id = 0;
  int quantity = 0;
  std::string restock_type = "no_restock";  // no_restock | cancel | return | legacy_restock
  Cents subtotal = 0;
  Cents tax = 0;
  std::optional<Id> location_id;
};

struct Refund {
  Id id = 0;
  Id order_id = 0;
  std::optional<std::string> note;
  bool restock = false;
  std::vector<RefundLine> lines;
  std::vector<Transaction> transactions;  // kind "refund", parented to a sale or capture
  Cents shipping = 0;                      // shipping refunded (refund_shipping_lines)
  sim::WallTime created_at{};
  sim::WallTime processed_at{};
};

struct ReturnLine {
  Id id = 0;
  Id fulfillment_line_id = 0;
  Id line_item_id = 0;
  int quantity = 0;
  std::string return_reason = "UNKNOWN";  // GraphQL ReturnReason enum
  std::optional<std::string> return_reason_note;
  std::optional<std::string> customer_note;
};

struct Return {
  Id id = 0;
  Id order_id = 0;
  int sequence = 1;                 // the "-R1" of "#1001-R1"
  std::string status = "REQUESTED";  // REQUESTED | OPEN | CLOSED | DECLINED | CANCELED
  std::vector<ReturnLine> lines;
  std::optional<std::string> decline_reason;
  std::optional<std::string> decline_note;
  sim::WallTime created_at{};
  sim::WallTime updated_at{};
  std::optional<sim::WallTime> closed_at;
};

struct Order {
  Id id = 0;
  std::string name;  // "#1001"
  int order_number = 1001;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  sim::WallTime created_at{};
  sim::WallTime updated_at{};
  sim::WallTime processed_at{};
  std::optional<sim::WallTime> cancelled_at;
  std::optional<std::string> cancel_reason;
  std::optional<sim::WallTime> closed_at;
  // pending | authorized | partially_paid | paid | partially_refunded | refunded | voided
  std::string financial_status = "paid";
  bool test = false;
  std::string currency;
  std::vector<LineItem> line_items;
  Cents shipping = 0;  // total shipping price
  std::string shipping_title = "Standard";
  std::vector<std::string> tags;
  std::optional<std::string> note;
  OrderedJson note_attributes = OrderedJson::array();
  OrderedJson shipping_address;  // null or an object, as seeded or PUT
  OrderedJson billing_address;
  std::optional<Id> customer_id;
  std::string source_name = "web";
  std::vector<Transaction> transactions;
  std::vector<FulfillmentOrder> fulfillment_orders;
  std::vector<Fulfillment> fulfillments;
  std::vector<Refund> refunds;
  std::vector<Return> returns;
};

// A webhook subscription of the app. `api_created` ones are deleted after deliveries keep
// failing (Shopify deletes Admin-API subscriptions, not TOML-declared ones).
struct WebhookSubscription {
  Id id = 0;
  std::string topic;    // "orders/create"
  std::string address;  // "https://host/path" as Shopify shows it
  std::string host;     // the Host the delivery goes to (a sim service name or "127.0.0.1:port")
  std::string path;     // the request target of the delivery
  std::string api_version;
  bool api_created = true;
  sim::WallTime created_at{};
};

struct State {
  std::map<Id, Customer> customers;
  std::map<Id, Order> orders;
  std::map<Id, WebhookSubscription> subscriptions;
  int next_order_number = 1001;
};

}  // namespace rh::mocks::shopify
