// The GraphQL Admin API endpoint: a small schema (the lookups a support pipeline makes, and the
// return mutations), validation with graphql-ruby's messages, Shopify's calculated query cost
// (scalar 0, object 1, connection 2 + first x node, mutation 10) reserved in the cost bucket and
// refunded down to the actual cost, and execution against the state. Every response carries
// extensions.cost; a throttle is HTTP 200 with code THROTTLED; a query above 1000 points is
// MAX_COST_EXCEEDED. Deterministic: a function of the state, the request and `now`.
#include <algorithm>
#include <cmath>
#include <variant>

#include "core.h"
#include "mocks/shopify/graphql.h"

namespace rh::mocks::shopify::detail {

namespace {

using graphql::Selection;
using graphql::Value;

constexpr int kMaxQueryCost = 1000;
constexpr int kMaxPageSize = 250;
constexpr int kMutationCost = 10;

// ---- Schema ----

enum class Kind { kScalar, kObject, kList, kConnection };

struct FieldSpec {
  Kind kind = Kind::kScalar;
  std::string_view type;  // object, list element or connection node type; scalars: the scalar
  std::vector<std::string_view> required_args;
};

using TypeSpec = std::map<std::string_view, FieldSpec, std::less<>>;

const std::map<std::string_view, TypeSpec, std::less<>>& Schema() {
  static const auto* schema = [] {
    auto* s = new std::map<std::string_view, TypeSpec, std::less<>>();
    auto scalars = [](TypeSpec& t, std::initializer_list<std::string_view> names, std::string_view type = "String") {
      for (auto n : names) t[n] = {Kind::kScalar, type, {}};
    };
    TypeSpec query;
    query["order"] = {Kind::kObject, "Order", {"id"}};
    query["orders"] = {Kind::kConnection, "Order", {}};
    query["customer"] = {Kind::kObject, "Customer", {"id"}};
    query["customers"] = {Kind::kConnection, "Customer", {}};
    query["shop"] = {Kind::kObject, "Shop", {}};
    query["return"] = {Kind::kObject, "Return", {"id"}};
    query["fulfillment"] = {Kind::kObject, "Fulfillment", {"id"}};
    query["fulfillmentOrder"] = {Kind::kObject, "FulfillmentOrder", {"id"}};
    (*s)["QueryRoot"] = query;

    TypeSpec mutation;
    mutation["returnRequest"] = {Kind::kObject, "ReturnRequestPayload", {"input"}};
    mutation["returnCreate"] = {Kind::kObject, "ReturnCreatePayload", {"returnInput"}};
    mutation["returnApproveRequest"] = {Kind::kObject, "ReturnApproveRequestPayload", {"input"}};
    mutation["returnDeclineRequest"] = {Kind::kObject, "ReturnDeclineRequestPayload", {"input"}};
    mutation["returnClose"] = {Kind::kObject, "ReturnClosePayload", {"id"}};
    mutation["returnReopen"] = {Kind::kObject, "ReturnReopenPayload", {"id"}};
    mutation["returnCancel"] = {Kind::kObject, "ReturnCancelPayload", {"id"}};
    (*s)["Mutation"] = mutation;

    TypeSpec payload;
    payload["return"] = {Kind::kObject, "Return", {}};
    payload["userErrors"] = {Kind::kList, "ReturnUserError", {}};
    for (auto name : {"ReturnRequestPayload", "ReturnCreatePayload", "ReturnApproveRequestPayload",
                      "ReturnDeclineRequestPayload", "ReturnClosePayload", "ReturnReopenPayload",
                      "ReturnCancelPayload"}) {
      (*s)[name] = payload;
    }
    TypeSpec user_error;
    scalars(user_error, {"field", "message", "code"});
    (*s)["ReturnUserError"] = user_error;

    TypeSpec shop;
    scalars(shop, {"id", "name", "myshopifyDomain", "currencyCode", "email", "ianaTimezone"});
    (*s)["Shop"] = shop;

    TypeSpec customer;
    scalars(customer, {"id", "legacyResourceId", "email", "firstName", "lastName", "displayName",
                       "phone", "numberOfOrders", "note", "state", "verifiedEmail", "taxExempt",
                       "createdAt", "updatedAt", "tags"});
    customer["amountSpent"] = {Kind::kObject, "MoneyV2", {}};
    customer["orders"] = {Kind::kConnection, "Order", {}};
    customer["lastOrder"] = {Kind::kObject, "Order", {}};
    customer["defaultAddress"] = {Kind::kObject, "MailingAddress", {}};
    customer["addresses"] = {Kind::kList, "MailingAddress", {}};
    (*s)["Customer"] = customer;

    TypeSpec order;
    scalars(order, {"id", "legacyResourceId", "name", "email", "phone", "createdAt", "updatedAt",
                    "processedAt", "cancelledAt", "cancelReason", "closed", "closedAt", "confirmed",
                    "test", "displayFinancialStatus", "displayFulfillmentStatus", "currencyCode",
                    "presentmentCurrencyCode", "note", "tags", "returnStatus", "fullyPaid",
                    "refundable", "subtotalLineItemsQuantity", "currentSubtotalLineItemsQuantity"});
    for (auto name : {"totalPriceSet", "subtotalPriceSet", "totalTaxSet", "totalShippingPriceSet",
                      "totalRefundedSet", "totalDiscountsSet", "currentTotalPriceSet",
                      "currentSubtotalPriceSet", "totalOutstandingSet", "totalReceivedSet"}) {
      order[name] = {Kind::kObject, "MoneyBag", {}};
    }
    order["customer"] = {Kind::kObject, "Customer", {}};
    order["shippingAddress"] = {Kind::kObject, "MailingAddress", {}};
    order["billingAddress"] = {Kind::kObject, "MailingAddress", {}};
    order["lineItems"] = {Kind::kConnection, "LineItem", {}};
    order["fulfillments"] = {Kind::kList, "Fulfillment", {}};
    order["fulfillmentOrders"] = {Kind::kConnection, "FulfillmentOrder", {}};
    order["refunds"] = {Kind::kList, "Refund", {}};
    order["returns"] = {Kind::kConnection, "Return", {}};
    order["customAttributes"] = {Kind::kList, "Attribute", {}};
    order["transactions"] = {Kind::kList, "OrderTransaction", {}};
    (*s)["Order"] = order;

    TypeSpec line;
    scalars(line, {"id", "title", "name", "quantity", "currentQuantity", "unfulfilledQuantity",
                   "refundableQuantity", "sku", "variantTitle", "vendor", "requiresShipping",
                   "taxable"});
    for (auto name : {"originalUnitPriceSet", "discountedUnitPriceSet", "originalTotalSet",
                      "discountedTotalSet", "totalDiscountSet"}) {
      line[name] = {Kind::kObject, "MoneyBag", {}};
    }
    (*s)["LineItem"] = line;

    TypeSpec fulfillment;
    scalars(fulfillment, {"id", "legacyResourceId", "name", "status", "displayStatus", "createdAt",
                          "updatedAt", "deliveredAt", "inTransitAt", "estimatedDeliveryAt",
                          "totalQuantity"});
    fulfillment["trackingInfo"] = {Kind::kList, "FulfillmentTrackingInfo", {}};
    fulfillment["fulfillmentLineItems"] = {Kind::kConnection, "FulfillmentLineItem", {}};
    fulfillment["events"] = {Kind::kConnection, "FulfillmentEvent", {}};
    fulfillment["order"] = {Kind::kObject, "Order", {}};
    (*s)["Fulfillment"] = fulfillment;

    TypeSpec tracking;
    scalars(tracking, {"number", "company", "url"});
    (*s)["FulfillmentTrackingInfo"] = tracking;

    TypeSpec fline;
    scalars(fline, {"id", "quantity"});
    fline["lineItem"] = {Kind::kObject, "LineItem", {}};
    (*s)["FulfillmentLineItem"] = fline;

    TypeSpec event;
    scalars(event, {"id", "status", "happenedAt", "message", "createdAt", "estimatedDeliveryAt",
                    "city", "province", "country", "zip"});
    (*s)["FulfillmentEvent"] = event;

    TypeSpec fo;
    scalars(fo, {"id", "status", "requestStatus", "fulfillAt", "createdAt", "updatedAt"});
    fo["lineItems"] = {Kind::kConnection, "FulfillmentOrderLineItem", {}};
    fo["fulfillmentHolds"] = {Kind::kList, "FulfillmentHold", {}};
    fo["order"] = {Kind::kObject, "Order", {}};
    (*s)["FulfillmentOrder"] = fo;

    TypeSpec fo_line;
    scalars(fo_line, {"id", "totalQuantity", "remainingQuantity"});
    fo_line["lineItem"] = {Kind::kObject, "LineItem", {}};
    (*s)["FulfillmentOrderLineItem"] = fo_line;

    TypeSpec hold;
    scalars(hold, {"reason", "reasonNotes"});
    (*s)["FulfillmentHold"] = hold;

    TypeSpec refund;
    scalars(refund, {"id", "legacyResourceId", "createdAt", "note"});
    refund["totalRefundedSet"] = {Kind::kObject, "MoneyBag", {}};
    refund["refundLineItems"] = {Kind::kConnection, "RefundLineItem", {}};
    (*s)["Refund"] = refund;

    TypeSpec refund_line;
    scalars(refund_line, {"quantity", "restockType"});
    refund_line["lineItem"] = {Kind::kObject, "LineItem", {}};
    refund_line["subtotalSet"] = {Kind::kObject, "MoneyBag", {}};
    refund_line["totalTaxSet"] = {Kind::kObject, "MoneyBag", {}};
    (*s)["RefundLineItem"] = refund_line;

    TypeSpec ret;
    scalars(ret, {"id", "name", "status", "totalQuantity", "createdAt", "closedAt"});
    ret["order"] = {Kind::kObject, "Order", {}};
    ret["returnLineItems"] = {Kind::kConnection, "ReturnLineItem", {}};
    ret["decline"] = {Kind::kObject, "ReturnDecline", {}};
    (*s)["Return"] = ret;

    TypeSpec ret_line;
    scalars(ret_line, {"id", "quantity", "returnReason", "returnReasonNote", "customerNote"});
    ret_line["fulfillmentLineItem"] = {Kind::kObject, "FulfillmentLineItem", {}};
    (*s)["ReturnLineItem"] = ret_line;

    TypeSpec decline;
    scalars(decline, {"reason", "note"});
    (*s)["ReturnDecline"] = decline;

    TypeSpec bag;
    bag["shopMoney"] = {Kind::kObject, "MoneyV2", {}};
    bag["presentmentMoney"] = {Kind::kObject, "MoneyV2", {}};
    (*s)["MoneyBag"] = bag;

    TypeSpec money;
    scalars(money, {"amount", "currencyCode"});
    (*s)["MoneyV2"] = money;

    TypeSpec address;
    scalars(address, {"address1", "address2", "city", "company", "country", "countryCodeV2",
                      "firstName", "lastName", "name", "phone", "province", "provinceCode", "zip"});
    (*s)["MailingAddress"] = address;

    TypeSpec attribute;
    scalars(attribute, {"key", "value"});
    (*s)["Attribute"] = attribute;

    TypeSpec tx;
    scalars(tx, {"id", "kind", "status", "gateway", "createdAt"});
    tx["amountSet"] = {Kind::kObject, "MoneyBag", {}};
    (*s)["OrderTransaction"] = tx;
    return s;
  }();
  return *schema;
}

// ---- Errors ----

OrderedJson Locations(graphql::Location at) {
  return OrderedJson::array({OrderedJson{{"line", at.line}, {"column", at.column}}});
}

struct GqlError {
  std::string message;
  graphql::Location location;
  OrderedJson path = OrderedJson::array();
  OrderedJson extensions;  // null: none

  OrderedJson ToJson() const {
    OrderedJson e;
    e["message"] = message;
    e["locations"] = Locations(location);
    if (!path.empty()) e["path"] = path;
    if (!extensions.is_null()) e["extensions"] = extensions;
    return e;
  }
};

// ---- Values ----

Json ToJson(const Value& v, const Json& variables, std::vector<std::string>* undefined) {
  switch (v.kind) {
    case Value::Kind::kNull: return nullptr;
    case Value::Kind::kInt: {
      try {
        return std::stoll(v.text);
      } catch (...) {
        return nullptr;
      }
    }
    case Value::Kind::kFloat: return std::strtod(v.text.c_str(), nullptr);
    case Value::Kind::kString:
    case Value::Kind::kEnum: return v.text;
    case Value::Kind::kBoolean: return v.text == "true";
    case Value::Kind::kList: {
      Json out = Json::array();
      for (const auto& item : v.items) out.push_back(ToJson(item, variables, undefined));
      return out;
    }
    case Value::Kind::kObject: {
      Json out = Json::object();
      for (const auto& [k, item] : v.fields) out[k] = ToJson(item, variables, undefined);
      return out;
    }
    case Value::Kind::kVariable: {
      if (!variables.contains(v.text)) {
        if (undefined) undefined->push_back(v.text);
        return nullptr;
      }
      return variables[v.text];
    }
  }
  return nullptr;
}

// ---- Runtime objects ----

struct ShopV {};
struct CustomerV { const Customer* c; };
struct OrderV { const Order* o; };
struct LineV { const Order* o; const LineItem* l; };
struct FulfillmentV { const Order* o; const Fulfillment* f; };
struct TrackingV { std::optional<std::string> number, company, url; };
struct FLineV { const Order* o; const FulfillmentLine* fl; };
struct EventV { const FulfillmentEvent* e; };
struct FoV { const Order* o; const FulfillmentOrder* fo; };
struct FoLineV { const Order* o; const FulfillmentOrderLine* l; };
struct HoldV { const FulfillmentHold* h; };
struct RefundV { const Order* o; const Refund* r; };
struct RefundLineV { const Order* o; const RefundLine* rl; };
struct ReturnV { const Order* o; const Return* r; };
struct ReturnLineV { const Order* o; const ReturnLine* rl; };
struct DeclineV { const Return* r; };
struct MoneyBagV { Cents cents; std::string currency; };
struct MoneyV { Cents cents; std::string currency; };
struct AddressV { OrderedJson json; };
struct AttributeV { std::string key; OrderedJson value; };
struct TxV { const Order* o; const Transaction* t; };
struct PayloadV { const Order* o; const Return* r; std::vector<ReturnError> errors; };
struct UserErrorV { ReturnError e; };

using Obj = std::variant<ShopV, CustomerV, OrderV, LineV, FulfillmentV, TrackingV, FLineV, EventV,
                         FoV, FoLineV, HoldV, RefundV, RefundLineV, ReturnV, ReturnLineV, DeclineV,
                         MoneyBagV, MoneyV, AddressV, AttributeV, TxV, PayloadV, UserErrorV>;

struct Resolved {
  OrderedJson scalar;             // kScalar
  std::optional<Obj> object;      // kObject; nullopt is null
  std::vector<Obj> items;         // kList, kConnection (all candidates, in order)
  std::vector<std::string> keys;  // kConnection: the cursor of each item
};

Resolved Scalar(OrderedJson v) {
  Resolved r;
  r.scalar = std::move(v);
  return r;
}
Resolved Object(std::optional<Obj> o) {
  Resolved r;
  r.object = std::move(o);
  return r;
}

// Shopify's Decimal: trailing zeros dropped, one decimal kept ("59.9", "10.0").
std::string Decimal(Cents cents) {
  std::string s = FormatMoney(cents);
  while (s.size() > 2 && s.back() == '0' && s[s.size() - 2] != '.') s.pop_back();
  return s;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

OrderedJson Str(const std::optional<std::string>& s) { return s ? OrderedJson(*s) : OrderedJson(nullptr); }

std::string CursorOf(Id id) { return EncodeToken(OrderedJson{{"last_id", id}}); }

struct Exec {
  Core& core;
  Action& action;
  Json variables;
  std::vector<GqlError> errors;
};

OrderedJson GqlTime(sim::WallTime t) {
  std::string s = sim::FormatRfc3339(t, std::chrono::minutes(0), 0);
  if (s.size() >= 6 && s.compare(s.size() - 6, 6, "+00:00") == 0) s.replace(s.size() - 6, 6, "Z");
  return s;
}
OrderedJson GqlTime(const std::optional<sim::WallTime>& t) {
  return t ? GqlTime(*t) : OrderedJson(nullptr);
}

const LineItem* LineOf(const Order& o, Id id) {
  for (const auto& l : o.line_items) {
    if (l.id == id) return &l;
  }
  return nullptr;
}

// Sorted orders for a connection: `query` filters; sortKey (default ID, as the docs read for
// the mock's purposes) and reverse order them.
Resolved OrderConnection(Exec& ex, std::vector<const Order*> orders, const Json& args) {
  const std::string query = args.contains("query") && args["query"].is_string() ? args["query"].get<std::string>() : "";
  if (!query.empty()) {
    std::erase_if(orders, [&](const Order* o) { return !OrderMatches(ex.core, *o, query); });
  }
  const std::string sort = args.contains("sortKey") && args["sortKey"].is_string() ? args["sortKey"].get<std::string>() : "ID";
  auto key = [&](const Order* o) -> std::int64_t {
    if (sort == "CREATED_AT") return o->created_at.time_since_epoch().count();
    if (sort == "UPDATED_AT") return o->updated_at.time_since_epoch().count();
    if (sort == "PROCESSED_AT") return o->processed_at.time_since_epoch().count();
    if (sort == "ORDER_NUMBER") return o->order_number;
    if (sort == "TOTAL_PRICE") return ComputeTotals(*o).total;
    return 0;
  };
  std::stable_sort(orders.begin(), orders.end(), [&](const Order* a, const Order* b) {
    const auto ka = key(a), kb = key(b);
    return ka != kb ? ka < kb : a->id < b->id;
  });
  if ((args.contains("reverse") && args["reverse"].is_boolean() && args["reverse"].get<bool>())) std::reverse(orders.begin(), orders.end());
  Resolved r;
  for (const Order* o : orders) {
    r.items.push_back(OrderV{o});
    r.keys.push_back(CursorOf(o->id));
  }
  return r;
}

std::optional<Obj> ByGid(Exec& ex, const Selection& field, std::string_view type, const Json& args) {
  const std::string gid = args.contains("id") && args["id"].is_string() ? args["id"].get<std::string>() : "";
  if (gid.rfind("gid://shopify/", 0) != 0) {
    ex.errors.push_back({"Invalid global id '" + gid + "'", field.location,
                         OrderedJson::array({std::string(field.ResponseKey())}),
                         OrderedJson{{"code", "argumentLiteralsIncompatible"}}});
    return std::nullopt;
  }
  const std::optional<Id> id = ParseGid(type, gid);
  if (!id) return std::nullopt;
  if (type == "Order") {
    if (const Order* o = ex.core.FindOrder(*id)) return OrderV{o};
  } else if (type == "Customer") {
    if (const Customer* c = ex.core.FindCustomer(*id)) return CustomerV{c};
  } else if (type == "Return") {
    auto [o, r] = ex.core.FindReturn(*id);
    if (r) return ReturnV{o, r};
  } else if (type == "Fulfillment") {
    auto [o, f] = ex.core.FindFulfillment(*id);
    if (f) return FulfillmentV{o, f};
  } else if (type == "FulfillmentOrder") {
    auto [o, fo] = ex.core.FindFulfillmentOrder(*id);
    if (fo) return FoV{o, fo};
  }
  return std::nullopt;
}

// ---- Resolvers, one per type ----

Resolved Resolve(Exec& ex, const ShopV&, std::string_view f, const Json&) {
  const Config& c = ex.core.config;
  if (f == "id") return Scalar("gid://shopify/Shop/1");
  if (f == "name") return Scalar(c.shop_name);
  if (f == "myshopifyDomain") return Scalar(c.shop_domain);
  if (f == "currencyCode") return Scalar(c.currency);
  if (f == "email") return Scalar("support@" + c.shop_domain);
  return Scalar(nullptr);
}

Resolved Resolve(Exec& ex, const CustomerV& v, std::string_view f, const Json& args) {
  const Customer& c = *v.c;
  if (f == "id") return Scalar(Gid("Customer", c.id));
  if (f == "legacyResourceId") return Scalar(std::to_string(c.id));
  if (f == "email") return Scalar(c.email.empty() ? OrderedJson(nullptr) : OrderedJson(c.email));
  if (f == "firstName") return Scalar(c.first_name);
  if (f == "lastName") return Scalar(c.last_name);
  if (f == "displayName") {
    std::string name = c.first_name;
    if (!c.last_name.empty()) name += (name.empty() ? "" : " ") + c.last_name;
    return Scalar(name.empty() ? c.email : name);
  }
  if (f == "phone") return Scalar(Str(c.phone));
  // UnsignedInt64 is a string in Shopify's GraphQL.
  if (f == "numberOfOrders") return Scalar(std::to_string(StatsOf(ex.core, c).orders_count));
  if (f == "note") return Scalar(Str(c.note));
  if (f == "state") return Scalar(Upper(c.state));
  if (f == "verifiedEmail") return Scalar(c.verified_email);
  if (f == "taxExempt") return Scalar(c.tax_exempt);
  if (f == "createdAt") return Scalar(GqlTime(c.created_at));
  if (f == "updatedAt") return Scalar(GqlTime(c.updated_at));
  if (f == "tags") return Scalar(c.tags);
  if (f == "amountSpent") return Object(MoneyV{StatsOf(ex.core, c).total_spent, c.currency});
  if (f == "lastOrder") {
    const CustomerStats stats = StatsOf(ex.core, c);
    return stats.last_order ? Object(OrderV{stats.last_order}) : Object(std::nullopt);
  }
  if (f == "defaultAddress") {
    if (c.addresses.empty()) return Object(std::nullopt);
    return Object(AddressV{c.addresses.front()});
  }
  if (f == "addresses") {
    Resolved r;
    for (const auto& a : c.addresses) r.items.push_back(AddressV{a});
    return r;
  }
  if (f == "orders") {
    std::vector<const Order*> orders;
    const auto it = ex.core.orders_of_customer.find(c.id);
    if (it != ex.core.orders_of_customer.end()) {
      for (Id id : it->second) {
        if (const Order* o = ex.core.FindOrder(id)) orders.push_back(o);
      }
    }
    return OrderConnection(ex, std::move(orders), args);
  }
  return Scalar(nullptr);
}

std::string DisplayFulfillmentStatus(const Order& o) {
  const std::optional<std::string> fs = OrderFulfillmentStatus(o);
  if (fs == "fulfilled") return "FULFILLED";
  if (fs == "partial") return "PARTIALLY_FULFILLED";
  for (const auto& fo : o.fulfillment_orders) {
    if (fo.status == "on_hold") return "ON_HOLD";
  }
  for (const auto& fo : o.fulfillment_orders) {
    if (fo.status == "scheduled") return "SCHEDULED";
  }
  return "UNFULFILLED";
}

std::string ReturnStatus(const Order& o) {
  bool requested = false, open = false, closed = false;
  for (const auto& r : o.returns) {
    requested |= r.status == "REQUESTED";
    open |= r.status == "OPEN";
    closed |= r.status == "CLOSED";
  }
  if (open) return "IN_PROGRESS";
  if (requested) return "RETURN_REQUESTED";
  if (closed) return "RETURNED";
  return "NO_RETURN";
}

template <class T>
Resolved FirstOf(std::vector<Obj> items, const Json& args) {
  Resolved r;
  r.items = std::move(items);
  if (args.contains("first") && args["first"].is_number_integer()) {
    const auto n = static_cast<std::size_t>(std::max<std::int64_t>(0, args["first"].get<std::int64_t>()));
    if (r.items.size() > n) r.items.resize(n);
  }
  return r;
}

Resolved Resolve(Exec& ex, const OrderV& v, std::string_view f, const Json& args) {
  const Order& o = *v.o;
  const std::string& cur = o.currency;
  if (f == "id") return Scalar(Gid("Order", o.id));
  if (f == "legacyResourceId") return Scalar(std::to_string(o.id));
  if (f == "name") return Scalar(o.name);
  if (f == "email") return Scalar(Str(o.email));
  if (f == "phone") return Scalar(Str(o.phone));
  if (f == "createdAt") return Scalar(GqlTime(o.created_at));
  if (f == "updatedAt") return Scalar(GqlTime(o.updated_at));
  if (f == "processedAt") return Scalar(GqlTime(o.processed_at));
  if (f == "cancelledAt") return Scalar(GqlTime(o.cancelled_at));
  if (f == "cancelReason") return Scalar(o.cancel_reason ? OrderedJson(Upper(*o.cancel_reason)) : OrderedJson(nullptr));
  if (f == "closed") return Scalar(o.closed_at.has_value());
  if (f == "closedAt") return Scalar(GqlTime(o.closed_at));
  if (f == "confirmed") return Scalar(true);
  if (f == "test") return Scalar(o.test);
  if (f == "displayFinancialStatus") return Scalar(Upper(o.financial_status));
  if (f == "displayFulfillmentStatus") return Scalar(DisplayFulfillmentStatus(o));
  if (f == "currencyCode" || f == "presentmentCurrencyCode") return Scalar(cur);
  if (f == "note") return Scalar(Str(o.note));
  if (f == "tags") return Scalar(o.tags);
  if (f == "returnStatus") return Scalar(ReturnStatus(o));
  const OrderTotals t = ComputeTotals(o);
  if (f == "fullyPaid") return Scalar(t.outstanding == 0 && t.received > 0);
  if (f == "refundable") return Scalar(t.received - t.refunded > 0);
  if (f == "subtotalLineItemsQuantity" || f == "currentSubtotalLineItemsQuantity") {
    int n = 0;
    for (const auto& l : o.line_items) n += f == "subtotalLineItemsQuantity" ? l.quantity : l.quantity - l.refunded;
    return Scalar(n);
  }
  if (f == "totalPriceSet") return Object(MoneyBagV{t.total, cur});
  if (f == "subtotalPriceSet") return Object(MoneyBagV{t.subtotal, cur});
  if (f == "totalTaxSet") return Object(MoneyBagV{t.tax, cur});
  if (f == "totalShippingPriceSet") return Object(MoneyBagV{o.shipping, cur});
  if (f == "totalRefundedSet") return Object(MoneyBagV{t.refunded, cur});
  if (f == "totalDiscountsSet") return Object(MoneyBagV{t.discounts, cur});
  if (f == "currentTotalPriceSet") return Object(MoneyBagV{t.current_total, cur});
  if (f == "currentSubtotalPriceSet") return Object(MoneyBagV{t.current_subtotal, cur});
  if (f == "totalOutstandingSet") return Object(MoneyBagV{t.outstanding, cur});
  if (f == "totalReceivedSet") return Object(MoneyBagV{t.received, cur});
  if (f == "customer") {
    if (!o.customer_id) return Object(std::nullopt);
    const Customer* c = ex.core.FindCustomer(*o.customer_id);
    return c ? Object(CustomerV{c}) : Object(std::nullopt);
  }
  if (f == "shippingAddress") {
    return o.shipping_address.is_object() ? Object(AddressV{o.shipping_address}) : Object(std::nullopt);
  }
  if (f == "billingAddress") {
    return o.billing_address.is_object() ? Object(AddressV{o.billing_address}) : Object(std::nullopt);
  }
  if (f == "lineItems") {
    Resolved r;
    for (const auto& l : o.line_items) {
      r.items.push_back(LineV{&o, &l});
      r.keys.push_back(CursorOf(l.id));
    }
    return r;
  }
  if (f == "fulfillments") {
    std::vector<Obj> items;
    for (const auto& fl : o.fulfillments) items.push_back(FulfillmentV{&o, &fl});
    return FirstOf<FulfillmentV>(std::move(items), args);
  }
  if (f == "fulfillmentOrders") {
    Resolved r;
    for (const auto& fo : o.fulfillment_orders) {
      r.items.push_back(FoV{&o, &fo});
      r.keys.push_back(CursorOf(fo.id));
    }
    return r;
  }
  if (f == "refunds") {
    std::vector<Obj> items;
    for (const auto& rf : o.refunds) items.push_back(RefundV{&o, &rf});
    return FirstOf<RefundV>(std::move(items), args);
  }
  if (f == "returns") {
    Resolved r;
    for (const auto& rt : o.returns) {
      r.items.push_back(ReturnV{&o, &rt});
      r.keys.push_back(CursorOf(rt.id));
    }
    return r;
  }
  if (f == "customAttributes") {
    Resolved r;
    for (const auto& a : o.note_attributes) {
      if (!a.is_object()) continue;
      const std::string name = a.contains("name") && a["name"].is_string() ? a["name"].get<std::string>() : "";
      r.items.push_back(AttributeV{name, a.contains("value") ? a["value"] : OrderedJson(nullptr)});
    }
    return r;
  }
  if (f == "transactions") {
    std::vector<Obj> items;
    for (const auto& tx : o.transactions) items.push_back(TxV{&o, &tx});
    return FirstOf<TxV>(std::move(items), args);
  }
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const LineV& v, std::string_view f, const Json&) {
  const LineItem& l = *v.l;
  const std::string& cur = v.o->currency;
  if (f == "id") return Scalar(Gid("LineItem", l.id));
  if (f == "title") return Scalar(l.title);
  if (f == "name") return Scalar(l.variant_title ? l.title + " - " + *l.variant_title : l.title);
  if (f == "quantity") return Scalar(l.quantity);
  if (f == "currentQuantity") return Scalar(l.quantity - l.refunded);
  if (f == "unfulfilledQuantity") return Scalar(Fulfillable(*v.o, l));
  if (f == "refundableQuantity") return Scalar(l.quantity - l.refunded);
  if (f == "sku") return Scalar(Str(l.sku));
  if (f == "variantTitle") return Scalar(Str(l.variant_title));
  if (f == "vendor") return Scalar(l.vendor.empty() ? OrderedJson(nullptr) : OrderedJson(l.vendor));
  if (f == "requiresShipping") return Scalar(l.requires_shipping);
  if (f == "taxable") return Scalar(l.taxable);
  const Cents unit_discount = l.quantity > 0 ? l.total_discount / l.quantity : 0;
  if (f == "originalUnitPriceSet") return Object(MoneyBagV{l.price, cur});
  if (f == "discountedUnitPriceSet") return Object(MoneyBagV{l.price - unit_discount, cur});
  if (f == "originalTotalSet") return Object(MoneyBagV{l.price * l.quantity, cur});
  if (f == "discountedTotalSet") return Object(MoneyBagV{l.price * l.quantity - l.total_discount, cur});
  if (f == "totalDiscountSet") return Object(MoneyBagV{l.total_discount, cur});
  return Scalar(nullptr);
}

std::string DisplayStatus(const Fulfillment& f) {
  if (f.status == "cancelled") return "CANCELED";
  if (!f.shipment_status) return "FULFILLED";
  const std::string& s = *f.shipment_status;
  if (s == "carrier_picked_up" || s == "delayed") return "IN_TRANSIT";
  return Upper(s);
}

Resolved Resolve(Exec&, const FulfillmentV& v, std::string_view f, const Json& args) {
  const Fulfillment& fu = *v.f;
  if (f == "id") return Scalar(Gid("Fulfillment", fu.id));
  if (f == "legacyResourceId") return Scalar(std::to_string(fu.id));
  if (f == "name") return Scalar(v.o->name + "." + std::to_string(fu.sequence));
  if (f == "status") return Scalar(Upper(fu.status));
  if (f == "displayStatus") return Scalar(DisplayStatus(fu));
  if (f == "createdAt") return Scalar(GqlTime(fu.created_at));
  if (f == "updatedAt") return Scalar(GqlTime(fu.updated_at));
  auto first_event = [&](std::string_view status) -> OrderedJson {
    for (const auto& e : fu.events) {
      if (e.status == status) return GqlTime(e.happened_at);
    }
    return nullptr;
  };
  if (f == "deliveredAt") return Scalar(first_event("delivered"));
  if (f == "inTransitAt") return Scalar(first_event("in_transit"));
  if (f == "estimatedDeliveryAt") {
    OrderedJson out = nullptr;
    for (const auto& e : fu.events) {
      if (e.estimated_delivery_at) out = GqlTime(*e.estimated_delivery_at);
    }
    return Scalar(out);
  }
  if (f == "totalQuantity") {
    int n = 0;
    for (const auto& l : fu.lines) n += l.quantity;
    return Scalar(n);
  }
  if (f == "trackingInfo") {
    std::vector<Obj> items;
    const std::size_t n = std::max(fu.tracking_numbers.size(), fu.tracking_urls.size());
    for (std::size_t i = 0; i < n; ++i) {
      TrackingV t;
      t.company = fu.tracking_company;
      if (i < fu.tracking_numbers.size()) t.number = fu.tracking_numbers[i];
      if (i < fu.tracking_urls.size()) t.url = fu.tracking_urls[i];
      items.push_back(t);
    }
    return FirstOf<TrackingV>(std::move(items), args);
  }
  if (f == "fulfillmentLineItems") {
    Resolved r;
    for (const auto& l : fu.lines) {
      r.items.push_back(FLineV{v.o, &l});
      r.keys.push_back(CursorOf(l.id));
    }
    return r;
  }
  if (f == "events") {
    Resolved r;
    for (const auto& e : fu.events) {
      r.items.push_back(EventV{&e});
      r.keys.push_back(CursorOf(e.id));
    }
    return r;
  }
  if (f == "order") return Object(OrderV{v.o});
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const TrackingV& v, std::string_view f, const Json&) {
  if (f == "number") return Scalar(Str(v.number));
  if (f == "company") return Scalar(Str(v.company));
  if (f == "url") return Scalar(Str(v.url));
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const FLineV& v, std::string_view f, const Json&) {
  if (f == "id") return Scalar(Gid("FulfillmentLineItem", v.fl->id));
  if (f == "quantity") return Scalar(v.fl->quantity);
  if (f == "lineItem") {
    const LineItem* l = LineOf(*v.o, v.fl->line_item_id);
    return l ? Object(LineV{v.o, l}) : Object(std::nullopt);
  }
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const EventV& v, std::string_view f, const Json&) {
  const FulfillmentEvent& e = *v.e;
  if (f == "id") return Scalar(Gid("FulfillmentEvent", e.id));
  if (f == "status") return Scalar(Upper(e.status));
  if (f == "happenedAt") return Scalar(GqlTime(e.happened_at));
  if (f == "createdAt") return Scalar(GqlTime(e.created_at));
  if (f == "message") return Scalar(Str(e.message));
  if (f == "estimatedDeliveryAt") return Scalar(GqlTime(e.estimated_delivery_at));
  if (f == "city" || f == "province" || f == "country" || f == "zip") {
    const std::string key(f);
    return Scalar(e.location.contains(key) ? e.location[key] : OrderedJson(nullptr));
  }
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const FoV& v, std::string_view f, const Json&) {
  const FulfillmentOrder& fo = *v.fo;
  if (f == "id") return Scalar(Gid("FulfillmentOrder", fo.id));
  if (f == "status") return Scalar(Upper(fo.status));
  if (f == "requestStatus") return Scalar(Upper(fo.request_status));
  if (f == "fulfillAt") return Scalar(GqlTime(fo.fulfill_at));
  if (f == "createdAt") return Scalar(GqlTime(fo.created_at));
  if (f == "updatedAt") return Scalar(GqlTime(fo.updated_at));
  if (f == "lineItems") {
    Resolved r;
    for (const auto& l : fo.lines) {
      r.items.push_back(FoLineV{v.o, &l});
      r.keys.push_back(CursorOf(l.id));
    }
    return r;
  }
  if (f == "fulfillmentHolds") {
    Resolved r;
    for (const auto& h : fo.holds) r.items.push_back(HoldV{&h});
    return r;
  }
  if (f == "order") return Object(OrderV{v.o});
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const FoLineV& v, std::string_view f, const Json&) {
  if (f == "id") return Scalar(Gid("FulfillmentOrderLineItem", v.l->id));
  if (f == "totalQuantity") return Scalar(v.l->quantity);
  if (f == "remainingQuantity") return Scalar(v.l->fulfillable);
  if (f == "lineItem") {
    const LineItem* l = LineOf(*v.o, v.l->line_item_id);
    return l ? Object(LineV{v.o, l}) : Object(std::nullopt);
  }
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const HoldV& v, std::string_view f, const Json&) {
  if (f == "reason") return Scalar(Upper(v.h->reason));
  if (f == "reasonNotes") return Scalar(Str(v.h->reason_notes));
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const RefundV& v, std::string_view f, const Json&) {
  const Refund& r = *v.r;
  if (f == "id") return Scalar(Gid("Refund", r.id));
  if (f == "legacyResourceId") return Scalar(std::to_string(r.id));
  if (f == "createdAt") return Scalar(GqlTime(r.created_at));
  if (f == "note") return Scalar(Str(r.note));
  if (f == "totalRefundedSet") {
    Cents total = 0;
    for (const auto& t : r.transactions) total += t.amount;
    return Object(MoneyBagV{total, v.o->currency});
  }
  if (f == "refundLineItems") {
    Resolved out;
    for (const auto& rl : r.lines) {
      out.items.push_back(RefundLineV{v.o, &rl});
      out.keys.push_back(CursorOf(rl.id));
    }
    return out;
  }
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const RefundLineV& v, std::string_view f, const Json&) {
  if (f == "quantity") return Scalar(v.rl->quantity);
  if (f == "restockType") return Scalar(Upper(v.rl->restock_type));
  if (f == "subtotalSet") return Object(MoneyBagV{v.rl->subtotal, v.o->currency});
  if (f == "totalTaxSet") return Object(MoneyBagV{v.rl->tax, v.o->currency});
  if (f == "lineItem") {
    const LineItem* l = LineOf(*v.o, v.rl->line_item_id);
    return l ? Object(LineV{v.o, l}) : Object(std::nullopt);
  }
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const ReturnV& v, std::string_view f, const Json&) {
  const Return& r = *v.r;
  if (f == "id") return Scalar(Gid("Return", r.id));
  if (f == "name") return Scalar(v.o->name + "-R" + std::to_string(r.sequence));
  if (f == "status") return Scalar(r.status);
  if (f == "totalQuantity") {
    int n = 0;
    for (const auto& l : r.lines) n += l.quantity;
    return Scalar(n);
  }
  if (f == "createdAt") return Scalar(GqlTime(r.created_at));
  if (f == "closedAt") return Scalar(GqlTime(r.closed_at));
  if (f == "order") return Object(OrderV{v.o});
  if (f == "decline") return r.decline_reason ? Object(DeclineV{&r}) : Object(std::nullopt);
  if (f == "returnLineItems") {
    Resolved out;
    for (const auto& l : r.lines) {
      out.items.push_back(ReturnLineV{v.o, &l});
      out.keys.push_back(CursorOf(l.id));
    }
    return out;
  }
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const ReturnLineV& v, std::string_view f, const Json&) {
  const ReturnLine& l = *v.rl;
  if (f == "id") return Scalar(Gid("ReturnLineItem", l.id));
  if (f == "quantity") return Scalar(l.quantity);
  if (f == "returnReason") return Scalar(l.return_reason);
  if (f == "returnReasonNote") return Scalar(l.return_reason_note.value_or(""));
  if (f == "customerNote") return Scalar(Str(l.customer_note));
  if (f == "fulfillmentLineItem") {
    for (const auto& fu : v.o->fulfillments) {
      for (const auto& fl : fu.lines) {
        if (fl.id == l.fulfillment_line_id) return Object(FLineV{v.o, &fl});
      }
    }
    return Object(std::nullopt);
  }
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const DeclineV& v, std::string_view f, const Json&) {
  if (f == "reason") return Scalar(Str(v.r->decline_reason));
  if (f == "note") return Scalar(Str(v.r->decline_note));
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const MoneyBagV& v, std::string_view f, const Json&) {
  if (f == "shopMoney" || f == "presentmentMoney") return Object(MoneyV{v.cents, v.currency});
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const MoneyV& v, std::string_view f, const Json&) {
  if (f == "amount") return Scalar(Decimal(v.cents));
  if (f == "currencyCode") return Scalar(v.currency);
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const AddressV& v, std::string_view f, const Json&) {
  static const std::map<std::string_view, const char*, std::less<>> kKeys = {
      {"address1", "address1"}, {"address2", "address2"}, {"city", "city"},
      {"company", "company"}, {"country", "country"}, {"countryCodeV2", "country_code"},
      {"firstName", "first_name"}, {"lastName", "last_name"}, {"name", "name"},
      {"phone", "phone"}, {"province", "province"}, {"provinceCode", "province_code"},
      {"zip", "zip"}};
  const auto it = kKeys.find(f);
  if (it == kKeys.end()) return Scalar(nullptr);
  if (f == "name" && !v.json.contains("name")) {
    std::string name = v.json.value("first_name", std::string());
    const std::string last = v.json.value("last_name", std::string());
    if (!last.empty()) name += (name.empty() ? "" : " ") + last;
    return Scalar(name.empty() ? OrderedJson(nullptr) : OrderedJson(name));
  }
  return Scalar(v.json.contains(it->second) ? v.json[it->second] : OrderedJson(nullptr));
}

Resolved Resolve(Exec&, const AttributeV& v, std::string_view f, const Json&) {
  if (f == "key") return Scalar(v.key);
  if (f == "value") return Scalar(v.value);
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const TxV& v, std::string_view f, const Json&) {
  if (f == "id") return Scalar(Gid("OrderTransaction", v.t->id));
  if (f == "kind") return Scalar(Upper(v.t->kind));
  if (f == "status") return Scalar(Upper(v.t->status));
  if (f == "gateway") return Scalar(v.t->gateway);
  if (f == "createdAt") return Scalar(GqlTime(v.t->created_at));
  if (f == "amountSet") return Object(MoneyBagV{v.t->amount, v.o->currency});
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const PayloadV& v, std::string_view f, const Json&) {
  if (f == "return") return v.r ? Object(ReturnV{v.o, v.r}) : Object(std::nullopt);
  if (f == "userErrors") {
    Resolved r;
    for (const auto& e : v.errors) r.items.push_back(UserErrorV{e});
    return r;
  }
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const UserErrorV& v, std::string_view f, const Json&) {
  if (f == "field") return Scalar(v.e.field);
  if (f == "message") return Scalar(v.e.message);
  if (f == "code") return Scalar(v.e.code);
  return Scalar(nullptr);
}

// ---- Root fields ----

Resolved ResolveQueryRoot(Exec& ex, const Selection& field, const Json& args) {
  const std::string_view f = field.name;
  if (f == "order") return Object(ByGid(ex, field, "Order", args));
  if (f == "customer") return Object(ByGid(ex, field, "Customer", args));
  if (f == "return") return Object(ByGid(ex, field, "Return", args));
  if (f == "fulfillment") return Object(ByGid(ex, field, "Fulfillment", args));
  if (f == "fulfillmentOrder") return Object(ByGid(ex, field, "FulfillmentOrder", args));
  if (f == "shop") return Object(ShopV{});
  if (f == "orders") {
    std::vector<const Order*> all;
    for (const auto& [id, o] : ex.core.state.orders) all.push_back(&o);
    return OrderConnection(ex, std::move(all), args);
  }
  if (f == "customers") {
    std::vector<const Customer*> all;
    const std::string query = args.contains("query") && args["query"].is_string() ? args["query"].get<std::string>() : "";
    for (const auto& [id, c] : ex.core.state.customers) {
      if (query.empty() || CustomerMatches(ex.core, c, query)) all.push_back(&c);
    }
    const std::string sort = args.contains("sortKey") && args["sortKey"].is_string() ? args["sortKey"].get<std::string>() : "ID";
    std::stable_sort(all.begin(), all.end(), [&](const Customer* a, const Customer* b) {
      if (sort == "NAME") {
        const std::string na = ToLower(a->first_name + " " + a->last_name);
        const std::string nb = ToLower(b->first_name + " " + b->last_name);
        if (na != nb) return na < nb;
      } else if (sort == "CREATED_AT" && a->created_at != b->created_at) {
        return a->created_at < b->created_at;
      } else if (sort == "UPDATED_AT" && a->updated_at != b->updated_at) {
        return a->updated_at < b->updated_at;
      }
      return a->id < b->id;
    });
    if ((args.contains("reverse") && args["reverse"].is_boolean() && args["reverse"].get<bool>())) std::reverse(all.begin(), all.end());
    Resolved r;
    for (const Customer* c : all) {
      r.items.push_back(CustomerV{c});
      r.keys.push_back(CursorOf(c->id));
    }
    return r;
  }
  return Scalar(nullptr);
}

std::optional<Id> GidArg(const Json& obj, const char* key, std::string_view type) {
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_string()) return std::nullopt;
  return ParseGid(type, obj[key].get<std::string>());
}

PayloadV NotFoundPayload(std::vector<std::string> field, std::string message) {
  PayloadV p{nullptr, nullptr, {}};
  p.errors.push_back({std::move(field), std::move(message), "NOT_FOUND"});
  return p;
}

Resolved ResolveMutation(Exec& ex, const Selection& field, const Json& args) {
  const std::string_view f = field.name;
  Core& core = ex.core;
  if (f == "returnRequest" || f == "returnCreate") {
    const bool open = f == "returnCreate";
    const char* root = open ? "returnInput" : "input";
    const Json& in = args.contains(root) ? args[root] : Json::object();
    const std::optional<Id> order_id = GidArg(in, "orderId", "Order");
    Order* order = order_id ? core.FindOrder(*order_id) : nullptr;
    if (!order) return Object(NotFoundPayload({root, "orderId"}, "Order does not exist."));
    std::vector<ReturnLineInput> lines;
    if (in.contains("returnLineItems") && in["returnLineItems"].is_array()) {
      for (const auto& l : in["returnLineItems"]) {
        ReturnLineInput li;
        li.fulfillment_line_id = GidArg(l, "fulfillmentLineItemId", "FulfillmentLineItem").value_or(0);
        li.quantity = l.contains("quantity") && l["quantity"].is_number_integer() ? l["quantity"].get<int>() : 0;
        li.reason = l.contains("returnReason") && l["returnReason"].is_string() ? l["returnReason"].get<std::string>() : "UNKNOWN";
        if (l.contains("returnReasonNote") && l["returnReasonNote"].is_string()) li.reason_note = l["returnReasonNote"].get<std::string>();
        if (l.contains("customerNote") && l["customerNote"].is_string()) li.customer_note = l["customerNote"].get<std::string>();
        lines.push_back(std::move(li));
      }
    }
    auto made = CreateReturn(core, ex.action, *order, lines, open);
    if (!made) {
      PayloadV p{nullptr, nullptr, {made.error()}};
      p.errors.front().field.insert(p.errors.front().field.begin(), root);
      return Object(p);
    }
    return Object(PayloadV{order, *made, {}});
  }
  std::string verb;
  const Json* id_holder = &args;
  std::vector<std::string> id_field = {"id"};
  if (f == "returnApproveRequest") verb = "approve";
  if (f == "returnDeclineRequest") verb = "decline";
  if (f == "returnClose") verb = "close";
  if (f == "returnReopen") verb = "reopen";
  if (f == "returnCancel") verb = "cancel";
  if (f == "returnApproveRequest" || f == "returnDeclineRequest") {
    id_holder = args.contains("input") ? &args["input"] : &args;
    id_field = {"input", "id"};
  }
  const std::optional<Id> return_id = GidArg(*id_holder, "id", "Return");
  auto [order, ret] = core.FindReturn(return_id.value_or(0));
  if (!ret) return Object(NotFoundPayload(id_field, "Return does not exist."));
  std::optional<std::string> decline_reason;
  if (verb == "decline" && id_holder->contains("declineReason") && (*id_holder)["declineReason"].is_string()) {
    decline_reason = (*id_holder)["declineReason"].get<std::string>();
  }
  if (auto error = TransitionReturn(core, ex.action, *order, *ret, verb, decline_reason)) {
    error->field = id_field;
    return Object(PayloadV{nullptr, nullptr, {*error}});
  }
  if (verb == "decline" && id_holder->contains("declineNote") && (*id_holder)["declineNote"].is_string()) {
    ret->decline_note = (*id_holder)["declineNote"].get<std::string>();
  }
  return Object(PayloadV{order, ret, {}});
}

// ---- Validation and requested cost ----

bool Included(const Selection& s, const Json& variables) {
  for (const auto& d : s.directives) {
    if (d.name != "include" && d.name != "skip") continue;
    bool value = false;
    for (const auto& a : d.arguments) {
      if (a.name == "if") value = ToJson(a.value, variables, nullptr).is_boolean() && ToJson(a.value, variables, nullptr).get<bool>();
    }
    if (d.name == "include" && !value) return false;
    if (d.name == "skip" && value) return false;
  }
  return true;
}

Json ArgsOf(Exec& ex, const Selection& s, std::vector<std::string>* undefined) {
  Json args = Json::object();
  for (const auto& a : s.arguments) args[a.name] = ToJson(a.value, ex.variables, undefined);
  return args;
}

struct Validator {
  Exec& ex;
  std::vector<GqlError> errors;
  std::string operation_label;  // "query" / "mutation" or the operation's name

  OrderedJson PathWith(const OrderedJson& path, std::string_view key) {
    OrderedJson p = path;
    p.push_back(std::string(key));
    return p;
  }

  // Requested cost of `selections` on `type`.
  std::int64_t Cost(std::string_view type, const std::vector<Selection>& selections, const OrderedJson& path, bool root_mutation = false) {
    std::int64_t cost = 0;
    const auto& schema = Schema();
    const TypeSpec& spec = schema.find(type)->second;
    for (const auto& s : selections) {
      if (!Included(s, ex.variables)) continue;
      if (s.is_inline_fragment) {
        cost += Cost(type, s.selections, path, root_mutation);
        continue;
      }
      if (s.name == "__typename") continue;
      const OrderedJson here = PathWith(path, s.ResponseKey());
      const auto it = spec.find(s.name);
      if (it == spec.end()) {
        errors.push_back({"Field '" + s.name + "' doesn't exist on type '" + std::string(type) + "'", s.location, here,
                          OrderedJson{{"code", "undefinedField"}, {"typeName", type}, {"fieldName", s.name}}});
        continue;
      }
      const FieldSpec& field = it->second;
      std::vector<std::string> undefined;
      const Json args = ArgsOf(ex, s, &undefined);
      for (const auto& name : undefined) {
        errors.push_back({"Variable $" + name + " is used by " + operation_label + " but not declared", s.location, here,
                          OrderedJson{{"code", "variableNotDefined"}, {"variableName", name}}});
      }
      std::vector<std::string> missing;
      for (auto req : field.required_args) {
        if (!args.contains(std::string(req)) || args[std::string(req)].is_null()) missing.emplace_back(req);
      }
      if (!missing.empty()) {
        std::string list;
        for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
        errors.push_back({"Field '" + s.name + "' is missing required arguments: " + list, s.location, here,
                          OrderedJson{{"code", "missingRequiredArguments"}, {"className", "Field"}, {"name", s.name}, {"arguments", list}}});
      }
      if (field.kind == Kind::kScalar) {
        if (!s.selections.empty()) {
          errors.push_back({"Selections can't be made on scalars (field '" + s.name + "' returns " + std::string(field.type) + " but has selections [" + s.selections.front().name + "])",
                            s.location, here, OrderedJson{{"code", "selectionMismatch"}, {"nodeName", "field '" + s.name + "'"}, {"typeName", field.type}}});
        }
        continue;
      }
      if (s.selections.empty()) {
        errors.push_back({"Field must have selections (field '" + s.name + "' returns " + std::string(field.type) +
                              " but has no selections. Did you mean '" + s.name + " { ... }'?)",
                          s.location, here, OrderedJson{{"code", "selectionMismatch"}, {"nodeName", "field '" + s.name + "'"}, {"typeName", field.type}}});
        continue;
      }
      if (field.kind == Kind::kConnection) {
        const bool has_first = args.contains("first") && args["first"].is_number_integer();
        const bool has_last = args.contains("last") && args["last"].is_number_integer();
        if (!has_first && !has_last) {
          errors.push_back({"you must provide one of first or last", s.location, here, nullptr});
          continue;
        }
        const std::int64_t n = has_first ? args["first"].get<std::int64_t>() : args["last"].get<std::int64_t>();
        if (n < 0 || n > kMaxPageSize) {
          errors.push_back({std::string("The maximum value of ") + (has_first ? "first" : "last") + " is " + std::to_string(kMaxPageSize) + ".",
                            s.location, here, nullptr});
          continue;
        }
        cost += 2 + n * NodeCost(field.type, s.selections, here);
      } else {
        const std::int64_t inner = 1 + Cost(field.type, s.selections, here);
        cost += root_mutation ? kMutationCost : inner;
      }
    }
    return cost;
  }

  // The cost of one node of a connection: edges.node and nodes each count as an object.
  std::int64_t NodeCost(std::string_view node_type, const std::vector<Selection>& selections, const OrderedJson& path) {
    std::int64_t cost = 0;
    for (const auto& s : selections) {
      if (!Included(s, ex.variables)) continue;
      if (s.is_inline_fragment) {
        cost += NodeCost(node_type, s.selections, path);
        continue;
      }
      const OrderedJson here = PathWith(path, s.ResponseKey());
      if (s.name == "__typename") continue;
      if (s.name == "nodes") {
        cost += 1 + Cost(node_type, s.selections, here);
      } else if (s.name == "edges") {
        for (const auto& e : s.selections) {
          if (!Included(e, ex.variables) || e.name == "cursor" || e.name == "__typename") continue;
          if (e.name == "node") {
            cost += 1 + Cost(node_type, e.selections, PathWith(here, e.ResponseKey()));
          } else {
            errors.push_back({"Field '" + e.name + "' doesn't exist on type '" + std::string(node_type) + "Edge'", e.location,
                              PathWith(here, e.ResponseKey()),
                              OrderedJson{{"code", "undefinedField"}, {"typeName", std::string(node_type) + "Edge"}, {"fieldName", e.name}}});
          }
        }
      } else if (s.name == "pageInfo") {
        for (const auto& p : s.selections) {
          static constexpr std::array<std::string_view, 5> kPageInfo = {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"};
          if (std::find(kPageInfo.begin(), kPageInfo.end(), p.name) == kPageInfo.end()) {
            errors.push_back({"Field '" + p.name + "' doesn't exist on type 'PageInfo'", p.location, PathWith(here, p.ResponseKey()),
                              OrderedJson{{"code", "undefinedField"}, {"typeName", "PageInfo"}, {"fieldName", p.name}}});
          }
        }
      } else {
        errors.push_back({"Field '" + s.name + "' doesn't exist on type '" + std::string(node_type) + "Connection'", s.location, here,
                          OrderedJson{{"code", "undefinedField"}, {"typeName", std::string(node_type) + "Connection"}, {"fieldName", s.name}}});
      }
    }
    return cost;
  }
};

// ---- Execution (returns the actual cost) ----

std::int64_t ExecSelections(Exec& ex, const Obj& obj, std::string_view type, const std::vector<Selection>& selections,
                            OrderedJson& out, bool root_mutation = false);

std::int64_t ExecObject(Exec& ex, const std::optional<Obj>& obj, std::string_view type, const Selection& s, OrderedJson& out) {
  if (!obj) {
    out = nullptr;
    return 1;
  }
  out = OrderedJson::object();
  return 1 + ExecSelections(ex, *obj, type, s.selections, out);
}

std::int64_t ExecConnection(Exec& ex, Resolved r, std::string_view node_type, const Selection& s, const Json& args, OrderedJson& out) {
  const std::size_t n = r.items.size();
  std::size_t begin = 0, end = n;
  auto find = [&](const Json& cursor) -> std::optional<std::size_t> {
    if (!cursor.is_string()) return std::nullopt;
    for (std::size_t i = 0; i < n; ++i) {
      if (r.keys[i] == cursor.get<std::string>()) return i;
    }
    return std::nullopt;
  };
  if (args.contains("after")) {
    if (const auto at = find(args["after"])) begin = *at + 1;
  }
  if (args.contains("before")) {
    if (const auto at = find(args["before"])) end = *at;
  }
  if (end < begin) end = begin;
  if (args.contains("first") && args["first"].is_number_integer()) {
    end = std::min(end, begin + static_cast<std::size_t>(std::max<std::int64_t>(0, args["first"].get<std::int64_t>())));
  } else if (args.contains("last") && args["last"].is_number_integer()) {
    const auto last = static_cast<std::size_t>(std::max<std::int64_t>(0, args["last"].get<std::int64_t>()));
    if (end - begin > last) begin = end - last;
  }
  std::int64_t cost = 2;
  out = OrderedJson::object();
  for (const auto& sel : s.selections) {
    if (!Included(sel, ex.variables)) continue;
    const std::string key(sel.ResponseKey());
    if (sel.name == "__typename") {
      out[key] = std::string(node_type) + "Connection";
    } else if (sel.name == "nodes") {
      OrderedJson list = OrderedJson::array();
      for (std::size_t i = begin; i < end; ++i) {
        OrderedJson node = OrderedJson::object();
        cost += 1 + ExecSelections(ex, r.items[i], node_type, sel.selections, node);
        list.push_back(std::move(node));
      }
      out[key] = std::move(list);
    } else if (sel.name == "edges") {
      OrderedJson list = OrderedJson::array();
      for (std::size_t i = begin; i < end; ++i) {
        OrderedJson edge = OrderedJson::object();
        for (const auto& e : sel.selections) {
          if (!Included(e, ex.variables)) continue;
          const std::string ekey(e.ResponseKey());
          if (e.name == "cursor") edge[ekey] = r.keys.empty() ? std::string() : r.keys[i];
          if (e.name == "__typename") edge[ekey] = std::string(node_type) + "Edge";
          if (e.name == "node") {
            OrderedJson node = OrderedJson::object();
            cost += 1 + ExecSelections(ex, r.items[i], node_type, e.selections, node);
            edge[ekey] = std::move(node);
          }
        }
        list.push_back(std::move(edge));
      }
      out[key] = std::move(list);
    } else if (sel.name == "pageInfo") {
      OrderedJson info = OrderedJson::object();
      for (const auto& p : sel.selections) {
        const std::string pkey(p.ResponseKey());
        if (p.name == "hasNextPage") info[pkey] = end < n;
        if (p.name == "hasPreviousPage") info[pkey] = begin > 0;
        if (p.name == "startCursor") info[pkey] = begin < end && !r.keys.empty() ? OrderedJson(r.keys[begin]) : OrderedJson(nullptr);
        if (p.name == "endCursor") info[pkey] = begin < end && !r.keys.empty() ? OrderedJson(r.keys[end - 1]) : OrderedJson(nullptr);
        if (p.name == "__typename") info[pkey] = "PageInfo";
      }
      out[key] = std::move(info);
    }
  }
  return cost;
}

std::int64_t ExecSelections(Exec& ex, const Obj& obj, std::string_view type, const std::vector<Selection>& selections,
                            OrderedJson& out, bool root_mutation) {
  std::int64_t cost = 0;
  const TypeSpec& spec = Schema().find(type)->second;
  for (const auto& s : selections) {
    if (!Included(s, ex.variables)) continue;
    if (s.is_inline_fragment) {
      cost += ExecSelections(ex, obj, type, s.selections, out, root_mutation);
      continue;
    }
    const std::string key(s.ResponseKey());
    if (s.name == "__typename") {
      out[key] = std::string(type == "QueryRoot" ? "QueryRoot" : type);
      continue;
    }
    const FieldSpec& field = spec.find(s.name)->second;
    const Json args = ArgsOf(ex, s, nullptr);
    Resolved r;
    if (type == "QueryRoot") {
      r = ResolveQueryRoot(ex, s, args);
    } else if (type == "Mutation") {
      r = ResolveMutation(ex, s, args);
    } else {
      r = std::visit([&](const auto& v) { return Resolve(ex, v, s.name, args); }, obj);
    }
    OrderedJson value;
    switch (field.kind) {
      case Kind::kScalar:
        value = std::move(r.scalar);
        break;
      case Kind::kObject: {
        const std::int64_t c = ExecObject(ex, r.object, field.type, s, value);
        cost += root_mutation ? kMutationCost : c;
        break;
      }
      case Kind::kList: {
        value = OrderedJson::array();
        std::int64_t most = 0;
        for (const auto& item : r.items) {
          OrderedJson element = OrderedJson::object();
          most = std::max(most, ExecSelections(ex, item, field.type, s.selections, element));
          value.push_back(std::move(element));
        }
        cost += 1 + most;
        break;
      }
      case Kind::kConnection:
        cost += ExecConnection(ex, std::move(r), field.type, s, args, value);
        break;
    }
    out[key] = std::move(value);
  }
  return cost;
}

// ---- The endpoint ----

OrderedJson CostExtension(Core& core, const Action& action, std::int64_t requested, OrderedJson actual) {
  const TokenBucket::Config& cfg = core.graphql_bucket.config();
  OrderedJson throttle;
  throttle["maximumAvailable"] = static_cast<double>(cfg.capacity);
  throttle["currentlyAvailable"] = static_cast<std::int64_t>(std::floor(core.graphql_bucket.Available(action.now.monotonic)));
  throttle["restoreRate"] = static_cast<double>(cfg.refill_per_second);
  OrderedJson cost;
  cost["requestedQueryCost"] = requested;
  cost["actualQueryCost"] = std::move(actual);
  cost["throttleStatus"] = std::move(throttle);
  return OrderedJson{{"cost", std::move(cost)}};
}

// Parse and validation errors: HTTP 200 with errors and no data. The cost block is still there
// (the brief asks for it on every response) with a requested cost of 0, since nothing ran and
// nothing was taken from the bucket.
sim::Response ErrorsOnly(Core& core, Action& action, const std::vector<GqlError>& errors, std::int64_t requested = 0) {
  OrderedJson body;
  OrderedJson list = OrderedJson::array();
  for (const auto& e : errors) list.push_back(e.ToJson());
  body["errors"] = std::move(list);
  body["extensions"] = CostExtension(core, action, requested, requested == 0 ? OrderedJson(0) : OrderedJson(nullptr));
  return JsonResponse(200, body);
}

}  // namespace

// What a GraphQL request asks: the body {"query","variables","operationName"} as JSON, or the bare
// query as application/graphql (both accepted by Shopify); nothing when there is no query.
struct GraphqlRequest {
  std::string query;
  Json variables = Json::object();
  std::string operation_name;
};

std::optional<GraphqlRequest> ReadGraphqlRequest(const sim::Request& request) {
  GraphqlRequest out;
  const std::string_view content_type = request.headers.GetOr("Content-Type", "");
  if (ToLower(content_type).rfind("application/graphql", 0) == 0) {
    out.query = request.body;
    return out;
  }
  if (!HasJsonContentType(request)) return std::nullopt;
  std::optional<Json> body = ParseJsonBody(request);
  if (!body || !body->is_object() || !body->contains("query") || !(*body)["query"].is_string()) return std::nullopt;
  out.query = (*body)["query"].get<std::string>();
  if (body->contains("variables") && (*body)["variables"].is_object()) out.variables = (*body)["variables"];
  if (body->contains("operationName") && (*body)["operationName"].is_string()) {
    out.operation_name = (*body)["operationName"].get<std::string>();
  }
  return out;
}

// A query over the single-query cost limit: refused before the bucket is touched (200 with errors).
sim::Response MaxCostExceeded(Core& core, Action& action, std::int64_t requested) {
  action.rate_limit_note = "graphql max cost exceeded requested=" + std::to_string(requested);
  OrderedJson error;
  error["message"] = "Query cost is " + std::to_string(requested) +
                     ", which exceeds the single query max cost limit (" + std::to_string(kMaxQueryCost) +
                     ").\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n"
                     "cost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
                     "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n";
  error["extensions"] = {{"code", "MAX_COST_EXCEEDED"},
                         {"cost", requested},
                         {"maxCost", kMaxQueryCost},
                         {"documentation", "https://shopify.dev/api/usage/rate-limits"}};
  OrderedJson body;
  body["errors"] = OrderedJson::array({error});
  body["extensions"] = CostExtension(core, action, requested, nullptr);
  return JsonResponse(200, body);
}

sim::Response HandleGraphql(Core& core, Action& action, const sim::Request& request, const std::string& version) {
  (void)version;
  std::optional<GraphqlRequest> read = ReadGraphqlRequest(request);
  if (!read) return MissingParameter("query");
  const std::string& query = read->query;
  Json& variables = read->variables;
  const std::string& operation_name = read->operation_name;

  auto parsed = graphql::Parse(query);
  if (!parsed) {
    action.rate_limit_note = "graphql parse error";
    return ErrorsOnly(core, action, {{parsed.error().message, parsed.error().location, OrderedJson::array(), nullptr}});
  }
  const graphql::Document& doc = *parsed;
  const graphql::Operation* op = nullptr;
  if (operation_name.empty()) {
    if (doc.operations.size() == 1) op = &doc.operations.front();
  } else {
    for (const auto& candidate : doc.operations) {
      if (candidate.name == operation_name) op = &candidate;
    }
  }
  if (!op) {
    action.rate_limit_note = "graphql invalid";
    const std::string message = operation_name.empty()
                                    ? "An operation name is required"
                                    : "No operation named \"" + operation_name + "\"";
    return ErrorsOnly(core, action, {{message, {1, 1}, OrderedJson::array(), nullptr}});
  }
  if (op->type == graphql::Operation::Type::kSubscription) {
    action.rate_limit_note = "graphql invalid";
    return ErrorsOnly(core, action, {{"Subscriptions are not supported", op->location, OrderedJson::array(), nullptr}});
  }

  Exec ex{core, action, Json::object(), {}};
  std::vector<GqlError> variable_errors;
  for (const auto& v : op->variables) {
    if (variables.contains(v.name) && !variables[v.name].is_null()) {
      ex.variables[v.name] = variables[v.name];
    } else if (v.default_value) {
      ex.variables[v.name] = ToJson(*v.default_value, Json::object(), nullptr);
    } else if (v.non_null) {
      variable_errors.push_back({"Variable $" + v.name + " of type " + v.type + " was provided invalid value", v.location,
                                 OrderedJson::array(),
                                 OrderedJson{{"value", nullptr},
                                             {"problems", OrderedJson::array({OrderedJson{{"path", OrderedJson::array()}, {"explanation", "Expected value to not be null"}}})}}});
    } else {
      ex.variables[v.name] = nullptr;
    }
  }
  if (!variable_errors.empty()) {
    action.rate_limit_note = "graphql invalid";
    return ErrorsOnly(core, action, variable_errors);
  }

  const bool mutation = op->type == graphql::Operation::Type::kMutation;
  const std::string root_type = mutation ? "Mutation" : "QueryRoot";
  Validator validator{ex, {}, op->name.empty() ? (mutation ? "anonymous mutation" : "anonymous query") : op->name};
  const OrderedJson root_path = OrderedJson::array({mutation ? "mutation" : "query"});
  const std::int64_t requested = validator.Cost(root_type, op->selections, root_path, mutation);
  if (!validator.errors.empty()) {
    action.rate_limit_note = "graphql invalid";
    return ErrorsOnly(core, action, validator.errors);
  }
  if (requested > kMaxQueryCost) return MaxCostExceeded(core, action, requested);
  const TokenBucket::Decision decision = core.graphql_bucket.TryTake(action.now.monotonic, static_cast<double>(requested));
  if (!decision.admitted) {
    action.rate_limit_note = "graphql throttled requested=" + std::to_string(requested) + " available=" +
                             std::to_string(static_cast<std::int64_t>(decision.available));
    OrderedJson error;
    error["message"] = "Throttled";
    error["extensions"] = {{"code", "THROTTLED"}, {"documentation", "https://shopify.dev/api/usage/rate-limits"}};
    OrderedJson body;
    body["errors"] = OrderedJson::array({error});
    body["extensions"] = CostExtension(core, action, requested, nullptr);
    return JsonResponse(200, body);
  }

  OrderedJson data = OrderedJson::object();
  std::int64_t actual = ExecSelections(ex, ShopV{}, root_type, op->selections, data, mutation);
  actual = std::min(actual, requested);
  core.graphql_bucket.Refund(action.now.monotonic, static_cast<double>(requested - actual));
  action.rate_limit_note = "graphql cost requested=" + std::to_string(requested) + " actual=" + std::to_string(actual);
  OrderedJson body;
  if (!ex.errors.empty()) {
    OrderedJson list = OrderedJson::array();
    for (const auto& e : ex.errors) list.push_back(e.ToJson());
    body["errors"] = std::move(list);
  }
  body["data"] = std::move(data);
  body["extensions"] = CostExtension(core, action, requested, actual);
  return JsonResponse(200, body);
}

}  // namespace rh::mocks::shopify::detail
