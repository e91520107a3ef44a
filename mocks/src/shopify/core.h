// Internals of the Shopify mock shared by its translation units: the Core behind the mutex
// (state, buckets, logs, id streams, indexes), the per-request Action (its time, its outbox of
// webhooks and the event id its topics share), rendering of the REST shapes, seeding, and the
// REST handlers (Core members, each `Reply X(Call&)`). Not a public header: nothing outside
// src/shopify includes it.
// Everything here runs with the mock's mutex held and is deterministic.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mocks/common/ids.h"
#include "mocks/common/json_http.h"
#include "mocks/common/leaky_bucket.h"
#include "mocks/common/path_match.h"
#include "mocks/common/request_log.h"
#include "mocks/common/token_bucket.h"
#include "mocks/common/webhook_emitter.h"
#include "mocks/shopify/shopify_mock.h"
#include "mocks/shopify/state.h"
#include "sim/http.h"
#include "sim/rng.h"

namespace rh::mocks::shopify::detail {

enum class IdKind : std::size_t {
  kCustomer,
  kOrder,
  kLineItem,
  kTransaction,
  kFulfillmentOrder,
  kFulfillmentOrderLine,
  kFulfillment,
  kFulfillmentLine,
  kFulfillmentEvent,
  kRefund,
  kRefundLine,
  kReturn,
  kReturnLine,
  kSubscription,
  kCount,
};

// A Shopify API error before rendering: the status and the value of "errors" (a message, an
// object of field -> messages, or a list), rendered once as {"errors": ...} by ErrorResponse.
struct ApiError {
  int status = 400;
  OrderedJson errors;
};

// What a REST handler answers: the response, or the error the route table renders.
using Reply = sim::Expected<sim::Response, ApiError>;
struct Call;  // one REST request as its handler sees it (below)

// Where one resource lives inside its order (for lookups by a child id).
struct Core {
  Core(Config config, sim::Rng rng);

  Config config;
  State state;
  LeakyBucket rest_bucket;
  TokenBucket graphql_bucket;
  RequestLog request_log;
  // The newest webhooks produced, for Webhooks() and /_rehearsal/webhooks (a debugging surface:
  // no oracle or report reads it; deliveries are the emitter's record). Each holds a whole order
  // document, so it is kept short: 10,000 entries are about 60 MB, the newest day of a large store.
  std::deque<ProducedWebhook> webhooks;
  std::size_t webhook_log_capacity = 10'000;

  // Child id -> order id.
  std::map<Id, Id> order_of_fulfillment;
  std::map<Id, Id> order_of_fulfillment_order;
  std::map<Id, Id> order_of_return;
  std::map<Id, Id> order_of_line_item;
  std::map<Id, std::vector<Id>> orders_of_customer;  // in creation order

  // A fresh id of `kind` (never one already in use by a seeded resource of that kind).
  Id NextId(IdKind kind);
  std::string NextRequestId() { return Uuid4(request_id_rng_); }
  std::string NextWebhookId() { return Uuid4(webhook_id_rng_); }
  std::string NextEventId() { return Uuid4(event_id_rng_); }

  std::string ServedWebhookVersion() const;
  // Scheme and authority of the URLs in Link headers, for `request`: see core.cc.
  std::string LinkOrigin(const sim::Request& request) const;

  Order* FindOrder(Id id);
  Customer* FindCustomer(Id id);
  // The order holding fulfillment `id` (and the fulfillment), or nulls.
  std::pair<Order*, Fulfillment*> FindFulfillment(Id id);
  std::pair<Order*, FulfillmentOrder*> FindFulfillmentOrder(Id id);
  std::pair<Order*, Return*> FindReturn(Id id);

  // Registers a new order and its children in the indexes (after insertion into state).
  void IndexOrder(const Order& order);

  // ---- The REST API: one handler per route, each `Reply X(Call&)` (the route table is in
  // shopify_mock.cc); validation first, then the change and its webhooks ----

  // orders and customers, webhook subscriptions, the shop (rest_orders.cc)
  Reply ListOrders(Call& call);
  Reply CountOrders(Call& call);
  Reply GetOrder(Call& call);
  Reply UpdateOrder(Call& call);
  Reply CloseOrder(Call& call);
  Reply OpenOrder(Call& call);
  Reply CancelOrder(Call& call);
  Reply SearchCustomers(Call& call);
  Reply GetCustomer(Call& call);
  Reply CustomerOrders(Call& call);
  Reply ListSubscriptions(Call& call);
  Reply CreateSubscription(Call& call);
  Reply GetSubscription(Call& call);
  Reply DeleteSubscription(Call& call);
  Reply GetShop(Call& call);
  // fulfillment orders and fulfillments (rest_fulfillments.cc)
  Reply ListFulfillmentOrders(Call& call);
  Reply GetFulfillmentOrder(Call& call);
  Reply FulfillmentOrderAction(Call& call);
  Reply CreateFulfillmentRest(Call& call);
  Reply UpdateTracking(Call& call);
  Reply CancelFulfillment(Call& call);
  Reply ListFulfillments(Call& call);
  Reply GetFulfillment(Call& call);
  Reply ListFulfillmentEvents(Call& call);
  Reply CreateFulfillmentEvent(Call& call);
  // refunds (rest_refunds.cc)
  Reply ListRefunds(Call& call);
  Reply GetRefund(Call& call);
  Reply CalculateRefund(Call& call);
  Reply CreateRefundRest(Call& call);

  // Rendered orders are reused while nothing could have changed them: ShopifyMock calls
  // StateMayChange() on every entry that may write (any request but GET and HEAD, every seed
  // and setting), which forgets them all. Coarse on purpose: no writer can be missed, and
  // repeated reads between two writes (a support lookup, a polling client) cost a copy.
  void StateMayChange();
  // DumpJson(RenderOrder(order)), the same bytes, rendered at most once per state version.
  const std::string& OrderText(const Order& order) const;
  // Every order (by id), or only `customer_id`'s (in creation order, from the index): the
  // candidates a listing filters, so a customer's orders cost their number, not the store's.
  std::vector<const Order*> OrdersOf(std::optional<Id> customer_id) const;

 private:
  bool Taken(IdKind kind, Id id) const;
  std::vector<IdSequence> sequences_;
  // Order id -> rendered text, valid for the current state version; bounded (cleared when full),
  // so a read of every order (a snapshot) holds no more than kOrderTextCacheSize of them.
  static constexpr std::size_t kOrderTextCacheSize = 1024;
  mutable std::map<Id, std::string> order_text_;
  sim::Rng request_id_rng_;
  sim::Rng webhook_id_rng_;
  sim::Rng event_id_rng_;
};

// One call of the mock (an API request or an inspection call): its time, the webhooks it
// produced (handed to the emitter after the mutex is released) and the event id its topics
// share.
struct Action {
  sim::Moment now;
  std::vector<Webhook>* outbox = nullptr;
  std::string event_id;  // assigned at the first webhook
  // What the rate limiter decided, for the request log ("admitted 3/40", "graphql cost ...").
  std::string rate_limit_note;
};

// ---- Values ----

std::string FormatMoney(Cents cents);
// "54.99", "54.9", "54", 54.99 or 54 -> cents; nullopt for anything else (or more than two
// decimals).
std::optional<Cents> ParseMoney(const Json& value);
OrderedJson MoneySet(Cents cents, const std::string& currency);
std::string FormatTime(const Core& core, sim::WallTime t);
OrderedJson TimeOrNull(const Core& core, const std::optional<sim::WallTime>& t);
// "2026-03-02T10:00:00-05:00", "...Z" or a date "2026-03-02" (midnight in the shop's offset).
std::optional<sim::WallTime> ParseTime(const Core& core, std::string_view text);
std::string Gid(std::string_view type, Id id);
// The id of "gid://shopify/{type}/{id}", if `gid` is one of that type.
std::optional<Id> ParseGid(std::string_view type, std::string_view gid);
std::string JoinTags(const std::vector<std::string>& tags);
std::vector<std::string> SplitTags(std::string_view tags);
std::string ToLower(std::string_view s);
// Shell-style match with '*' wildcards, case-insensitive.
bool WildcardMatch(std::string_view pattern, std::string_view text);
// base64url without padding (page_info tokens, GraphQL cursors).
std::string EncodeToken(const OrderedJson& payload);
std::optional<Json> DecodeToken(std::string_view token);

// ---- Derived order values ----

struct OrderTotals {
  Cents line_items_price = 0;  // sum of price x quantity
  Cents discounts = 0;
  Cents subtotal = 0;  // line items - discounts
  Cents tax = 0;
  Cents total = 0;  // subtotal + tax + shipping
  Cents current_subtotal = 0;
  Cents current_tax = 0;
  Cents current_discounts = 0;
  Cents current_total = 0;
  Cents received = 0;  // sales and captures
  Cents authorized = 0;
  Cents refunded = 0;  // refund transactions
  Cents outstanding = 0;
};
OrderTotals ComputeTotals(const Order& order);
int Fulfillable(const Order& order, const LineItem& line);
// null, "partial" or "fulfilled", from the line items that need shipping.
std::optional<std::string> OrderFulfillmentStatus(const Order& order);
std::optional<std::string> LineFulfillmentStatus(const LineItem& line);
bool HasOpenReturn(const Order& order);
bool IsShipmentStatus(std::string_view status);

struct CustomerStats {
  int orders_count = 0;
  Cents total_spent = 0;
  const Order* last_order = nullptr;
};
CustomerStats StatsOf(const Core& core, const Customer& customer);

// ---- Search syntax (customers/search.json and GraphQL `query:`) ----

// Shopify's search syntax, the part support lookups use: terms `field:value` (value quoted or
// not, '*' wildcards, `>`, `>=`, `<`, `<=` for times and numbers), bare words, AND (implicit),
// OR between groups, and a leading '-' or NOT to negate. Unknown fields match nothing.
bool CustomerMatches(const Core& core, const Customer& customer, std::string_view query);
bool OrderMatches(const Core& core, const Order& order, std::string_view query);

// ---- Addresses and an order's derived identifiers (addresses.cc) ----

// A seeded address with Shopify's whole key set (names and codes of country and province, name);
// null when `seeded` is not an object.
OrderedJson RenderAddress(const OrderedJson& seeded);
// The customer's address `index` as the Customer resource shows it (id, customer_id,
// country_name, default).
OrderedJson RenderCustomerAddress(const Customer& c, std::size_t index);
std::string OrderToken(const Core& core, Id order_id);
std::string CheckoutToken(const Core& core, Id order_id);
std::string ConfirmationNumber(const Core& core, Id order_id);
std::string OrderStatusUrl(const Core& core, Id order_id);
std::string MerchantBusinessEntityId(const Core& core);

// ---- REST shapes ----

OrderedJson RenderOrder(const Core& core, const Order& order);
OrderedJson RenderLineItem(const Core& core, const Order& order, const LineItem& line,
                           std::optional<int> quantity = std::nullopt);
// `embedded`: the order's customer, without orders_count, total_spent, last_order_*.
OrderedJson RenderCustomer(const Core& core, const Customer& customer, bool embedded);
// The 2026-01 order-embedded customer (RenderCustomer with `embedded`).
OrderedJson RenderEmbeddedCustomer(const Core& core, const Customer& customer);
OrderedJson RenderFulfillment(const Core& core, const Order& order, const Fulfillment& f);
OrderedJson RenderFulfillmentOrder(const Core& core, const Order& order,
                                   const FulfillmentOrder& fo);
OrderedJson RenderFulfillmentEvent(const Core& core, const Order& order, const Fulfillment& f,
                                   const FulfillmentEvent& e);
OrderedJson RenderRefund(const Core& core, const Order& order, const Refund& refund);
OrderedJson RenderTransaction(const Core& core, const Order& order, const Transaction& t);
// The returns/* webhook body of `topic` (each topic has its own shape: see render.cc).
OrderedJson RenderReturn(const Core& core, const Order& order, const Return& r,
                         std::string_view topic = "returns/request");
OrderedJson RenderSubscription(const Core& core, const WebhookSubscription& s);
// Keeps only the top-level keys named in `fields` ("id,name"), in the resource's order.
OrderedJson SelectFields(const OrderedJson& resource, std::string_view fields);

// ---- Changes and their webhooks ----

// Produces `topic` for every subscription to it: serializes the body once, signs those bytes,
// records the delivery, and queues it in the action's outbox (when an emitter is configured).
// The body's "id" names the resource in X-Shopify-{Order,Fulfillment,Refund,Return}-Id.
void ProduceWebhook(Core& core, Action& action, std::string_view topic, const OrderedJson& body);
// orders/updated after any change to an order (bumps updated_at first).
void OrderChanged(Core& core, Action& action, Order& order);
// After fulfillments changed: orders/fulfilled or orders/partially_fulfilled when the status
// moved, then orders/updated.
void FulfillmentStatusMayHaveMoved(Core& core, Action& action, Order& order,
                                   const std::optional<std::string>& before);
// Carrier event: validation done by the caller.
FulfillmentEvent& AddEvent(Core& core, Action& action, Order& order, Fulfillment& f,
                           const std::string& status, std::optional<std::string> message,
                           OrderedJson location, std::optional<sim::WallTime> happened_at,
                           std::optional<sim::WallTime> estimated_delivery_at);

// A return made by returnRequest/returnCreate or seeding. Validates, then creates.
struct ReturnLineInput {
  Id fulfillment_line_id = 0;
  int quantity = 0;
  std::string reason = "UNKNOWN";
  std::optional<std::string> reason_note;
  std::optional<std::string> customer_note;
};
struct ReturnError {
  std::vector<std::string> field;
  std::string message;
  std::string code;
};
sim::Expected<Return*, ReturnError> CreateReturn(Core& core, Action& action, Order& order,
                                                  const std::vector<ReturnLineInput>& lines,
                                                  bool open);
// Applies `verb` (approve, decline, close, reopen, cancel) to a return if its status allows it,
// with the matching returns/* webhook.
std::optional<ReturnError> TransitionReturn(Core& core, Action& action, Order& order, Return& r,
                                            std::string_view verb,
                                            std::optional<std::string> decline_reason = {});

// ---- Seeding (throws nothing; errors are values) ----

SeedResult<Id> SeedCustomerImpl(Core& core, const Json& doc, sim::Moment now);
SeedResult<Id> SeedOrderImpl(Core& core, Action& action, const Json& doc, bool notify);
SeedResult<Id> SeedFulfillmentImpl(Core& core, Action& action, Id order_id, const Json& doc,
                                   bool notify);
SeedResult<Id> SeedReturnImpl(Core& core, Action& action, Id order_id, const Json& doc);
SeedResult<Id> CarrierEventImpl(Core& core, Action& action, Id fulfillment_id,
                                const std::string& status, std::optional<std::string> message);
Id AddSubscriptionImpl(Core& core, const WebhookSubscriptionConfig& s, sim::WallTime now);
// Units of one fulfillment order line to send.
struct FulfillmentPick {
  FulfillmentOrder* fulfillment_order = nullptr;
  FulfillmentOrderLine* line = nullptr;
  int quantity = 0;
};
// A fulfillment of `picks` (validated by the caller): updates the fulfillment orders and the
// line items. Produces no webhook (callers decide, so seeding without notify stays quiet).
Fulfillment& CreateFulfillment(Core& core, Order& order, const std::vector<FulfillmentPick>& picks,
                               std::optional<std::string> company,
                               std::optional<std::string> number, std::optional<std::string> url,
                               sim::WallTime now);
// Keeps the fulfillment orders consistent with the line items: what they hold to send for a
// line item comes down to what is still fulfillable (after refunds, cancels, cancelled
// fulfillments), and an open one with nothing left closes.
void SyncFulfillmentOrders(Order& order, sim::WallTime now);
// fulfillments/create, orders/(partially_)fulfilled when the status moved, orders/updated.
void FulfillmentCreated(Core& core, Action& action, Order& order, const Fulfillment& f,
                        const std::optional<std::string>& status_before);
// The tracking URL Shopify would generate for a known carrier, or nullopt.
std::optional<std::string> CarrierTrackingUrl(std::string_view company, std::string_view number);

// ---- REST handlers' context and errors ----

// One REST request after auth, rate limiting and routing, as its handler sees it.
struct Call {
  const sim::Request& request;
  // The call's time, its webhook outbox and rate-limit note (shared with seeding and GraphQL).
  Action& action;
  std::string version;  // the served API version
  PathParams params;
  std::string resource;  // the path after /admin/api/{version}, e.g. "/orders/1.json"
};

// Errors as Shopify writes them, and their one rendering.
ApiError ErrorText(int status, std::string_view message);  // {"errors":"..."}
ApiError ErrorObject(int status, OrderedJson errors);       // {"errors":{...}} or [...]
ApiError Unprocessable(std::string_view field, std::string_view message);
ApiError NotFound();
// 400 {"errors":{"<root>":"Required parameter missing or invalid"}}: the body is missing, not
// JSON (content type or syntax), or lacks the resource's root key.
ApiError MissingParameter(std::string_view root);
sim::Response ErrorResponse(const ApiError& error);
// The request body's JSON with `root` present (an object), or the 400 to send.
sim::Expected<Json, ApiError> BodyRoot(const Call& call, std::string_view root);
// The request body's JSON object for endpoints whose body is optional ({} when empty); a body
// that is not JSON (content type or syntax) is the 400 of MissingParameter(root).
sim::Expected<Json, ApiError> OptionalBody(const Call& call, std::string_view root);

// A refund request parsed and checked against the order; creating it cannot fail.
struct RefundPlan {
  std::vector<RefundLine> lines;
  std::vector<Transaction> transactions;  // kind "refund" (or "suggested_refund" to show)
  Cents shipping = 0;
  std::optional<std::string> note;
  bool restock = false;
};
// Parses a refund body ({"refund_line_items","shipping","transactions","note"}) against the
// order; a 422 when it asks for more than can be refunded.
sim::Expected<RefundPlan, ApiError> PlanRefund(Core& core, const Order& order, const Json& refund);
// What calculate suggests: the line items' and shipping's value, as suggested transactions.
std::vector<Transaction> SuggestTransactions(const Order& order, const RefundPlan& plan);
// Stores the refund, moves quantities and financial_status, and produces refunds/create. The
// caller produces orders/updated (a cancel puts orders/cancelled first).
Refund& ApplyRefund(Core& core, Action& action, Order& order, RefundPlan plan);

// GraphQL (graphql_exec.cc, with graphql_schema, graphql_cost and the resolvers): the whole
// endpoint after auth, including the cost bucket.
sim::Response HandleGraphql(Core& core, Action& action, const sim::Request& request,
                            const std::string& version);

}  // namespace rh::mocks::shopify::detail
