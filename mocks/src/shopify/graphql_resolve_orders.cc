// The GraphQL resolvers of Order and what hangs from it but is not shipping or returns: line
// items, transactions, refunds and their lines; and the order connection (sorting and the search
// query) shared by the root's orders and a customer's orders.
#include "graphql_resolvers.h"

#include <algorithm>

namespace rh::mocks::shopify::detail::gql {

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

namespace {

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

}  // namespace

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

Resolved Resolve(Exec&, const TxV& v, std::string_view f, const Json&) {
  if (f == "id") return Scalar(Gid("OrderTransaction", v.t->id));
  if (f == "kind") return Scalar(Upper(v.t->kind));
  if (f == "status") return Scalar(Upper(v.t->status));
  if (f == "gateway") return Scalar(v.t->gateway);
  if (f == "createdAt") return Scalar(GqlTime(v.t->created_at));
  if (f == "amountSet") return Object(MoneyBagV{v.t->amount, v.o->currency});
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

}  // namespace rh::mocks::shopify::detail::gql
