// The schema table, one builder per type (or per family of types that share a shape), so a field
// is found under its type's name. Insertion order does not matter: the table is a sorted map.
#include "graphql_schema.h"

#include <initializer_list>

namespace rh::mocks::shopify::detail::gql {

namespace {

void Scalars(TypeSpec& t, std::initializer_list<std::string_view> names, std::string_view type = "String") {
  for (auto n : names) t[n] = {Kind::kScalar, type, {}};
}

TypeSpec QueryRootType() {
  TypeSpec query;
  query["order"] = {Kind::kObject, "Order", {"id"}};
  query["orders"] = {Kind::kConnection, "Order", {}};
  query["customer"] = {Kind::kObject, "Customer", {"id"}};
  query["customers"] = {Kind::kConnection, "Customer", {}};
  query["shop"] = {Kind::kObject, "Shop", {}};
  query["return"] = {Kind::kObject, "Return", {"id"}};
  query["fulfillment"] = {Kind::kObject, "Fulfillment", {"id"}};
  query["fulfillmentOrder"] = {Kind::kObject, "FulfillmentOrder", {"id"}};
  return query;
}

TypeSpec MutationType() {
  TypeSpec mutation;
  mutation["returnRequest"] = {Kind::kObject, "ReturnRequestPayload", {"input"}};
  mutation["returnCreate"] = {Kind::kObject, "ReturnCreatePayload", {"returnInput"}};
  mutation["returnApproveRequest"] = {Kind::kObject, "ReturnApproveRequestPayload", {"input"}};
  mutation["returnDeclineRequest"] = {Kind::kObject, "ReturnDeclineRequestPayload", {"input"}};
  mutation["returnClose"] = {Kind::kObject, "ReturnClosePayload", {"id"}};
  mutation["returnReopen"] = {Kind::kObject, "ReturnReopenPayload", {"id"}};
  mutation["returnCancel"] = {Kind::kObject, "ReturnCancelPayload", {"id"}};
  return mutation;
}

// The payload of every return mutation, and its user errors.
void AddReturnPayloadTypes(SchemaTable& s) {
  TypeSpec payload;
  payload["return"] = {Kind::kObject, "Return", {}};
  payload["userErrors"] = {Kind::kList, "ReturnUserError", {}};
  for (auto name : {"ReturnRequestPayload", "ReturnCreatePayload", "ReturnApproveRequestPayload",
                    "ReturnDeclineRequestPayload", "ReturnClosePayload", "ReturnReopenPayload",
                    "ReturnCancelPayload"}) {
    s[name] = payload;
  }
  TypeSpec user_error;
  Scalars(user_error, {"field", "message", "code"});
  s["ReturnUserError"] = user_error;
}

TypeSpec ShopType() {
  TypeSpec shop;
  Scalars(shop, {"id", "name", "myshopifyDomain", "currencyCode", "email", "ianaTimezone"});
  return shop;
}

TypeSpec CustomerType() {
  TypeSpec customer;
  Scalars(customer, {"id", "legacyResourceId", "email", "firstName", "lastName", "displayName",
                     "phone", "numberOfOrders", "note", "state", "verifiedEmail", "taxExempt",
                     "createdAt", "updatedAt", "tags"});
  customer["amountSpent"] = {Kind::kObject, "MoneyV2", {}};
  customer["orders"] = {Kind::kConnection, "Order", {}};
  customer["lastOrder"] = {Kind::kObject, "Order", {}};
  customer["defaultAddress"] = {Kind::kObject, "MailingAddress", {}};
  customer["addresses"] = {Kind::kList, "MailingAddress", {}};
  return customer;
}

TypeSpec OrderType() {
  TypeSpec order;
  Scalars(order, {"id", "legacyResourceId", "name", "email", "phone", "createdAt", "updatedAt",
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
  return order;
}

TypeSpec LineItemType() {
  TypeSpec line;
  Scalars(line, {"id", "title", "name", "quantity", "currentQuantity", "unfulfilledQuantity",
                 "refundableQuantity", "sku", "variantTitle", "vendor", "requiresShipping",
                 "taxable"});
  for (auto name : {"originalUnitPriceSet", "discountedUnitPriceSet", "originalTotalSet",
                    "discountedTotalSet", "totalDiscountSet"}) {
    line[name] = {Kind::kObject, "MoneyBag", {}};
  }
  return line;
}

// Fulfillment, its tracking, lines and carrier events.
void AddFulfillmentTypes(SchemaTable& s) {
  TypeSpec fulfillment;
  Scalars(fulfillment, {"id", "legacyResourceId", "name", "status", "displayStatus", "createdAt",
                        "updatedAt", "deliveredAt", "inTransitAt", "estimatedDeliveryAt",
                        "totalQuantity"});
  fulfillment["trackingInfo"] = {Kind::kList, "FulfillmentTrackingInfo", {}};
  fulfillment["fulfillmentLineItems"] = {Kind::kConnection, "FulfillmentLineItem", {}};
  fulfillment["events"] = {Kind::kConnection, "FulfillmentEvent", {}};
  fulfillment["order"] = {Kind::kObject, "Order", {}};
  s["Fulfillment"] = fulfillment;

  TypeSpec tracking;
  Scalars(tracking, {"number", "company", "url"});
  s["FulfillmentTrackingInfo"] = tracking;

  TypeSpec fline;
  Scalars(fline, {"id", "quantity"});
  fline["lineItem"] = {Kind::kObject, "LineItem", {}};
  s["FulfillmentLineItem"] = fline;

  TypeSpec event;
  Scalars(event, {"id", "status", "happenedAt", "message", "createdAt", "estimatedDeliveryAt",
                  "city", "province", "country", "zip"});
  s["FulfillmentEvent"] = event;
}

// FulfillmentOrder, its lines and holds.
void AddFulfillmentOrderTypes(SchemaTable& s) {
  TypeSpec fo;
  Scalars(fo, {"id", "status", "requestStatus", "fulfillAt", "createdAt", "updatedAt"});
  fo["lineItems"] = {Kind::kConnection, "FulfillmentOrderLineItem", {}};
  fo["fulfillmentHolds"] = {Kind::kList, "FulfillmentHold", {}};
  fo["order"] = {Kind::kObject, "Order", {}};
  s["FulfillmentOrder"] = fo;

  TypeSpec fo_line;
  Scalars(fo_line, {"id", "totalQuantity", "remainingQuantity"});
  fo_line["lineItem"] = {Kind::kObject, "LineItem", {}};
  s["FulfillmentOrderLineItem"] = fo_line;

  TypeSpec hold;
  Scalars(hold, {"reason", "reasonNotes"});
  s["FulfillmentHold"] = hold;
}

// Refund and its lines.
void AddRefundTypes(SchemaTable& s) {
  TypeSpec refund;
  Scalars(refund, {"id", "legacyResourceId", "createdAt", "note"});
  refund["totalRefundedSet"] = {Kind::kObject, "MoneyBag", {}};
  refund["refundLineItems"] = {Kind::kConnection, "RefundLineItem", {}};
  s["Refund"] = refund;

  TypeSpec refund_line;
  Scalars(refund_line, {"quantity", "restockType"});
  refund_line["lineItem"] = {Kind::kObject, "LineItem", {}};
  refund_line["subtotalSet"] = {Kind::kObject, "MoneyBag", {}};
  refund_line["totalTaxSet"] = {Kind::kObject, "MoneyBag", {}};
  s["RefundLineItem"] = refund_line;
}

// Return, its lines and its decline.
void AddReturnTypes(SchemaTable& s) {
  TypeSpec ret;
  Scalars(ret, {"id", "name", "status", "totalQuantity", "createdAt", "closedAt"});
  ret["order"] = {Kind::kObject, "Order", {}};
  ret["returnLineItems"] = {Kind::kConnection, "ReturnLineItem", {}};
  ret["decline"] = {Kind::kObject, "ReturnDecline", {}};
  s["Return"] = ret;

  TypeSpec ret_line;
  Scalars(ret_line, {"id", "quantity", "returnReason", "returnReasonNote", "customerNote"});
  ret_line["fulfillmentLineItem"] = {Kind::kObject, "FulfillmentLineItem", {}};
  s["ReturnLineItem"] = ret_line;

  TypeSpec decline;
  Scalars(decline, {"reason", "note"});
  s["ReturnDecline"] = decline;
}

// The small value types: money, addresses, attributes, transactions.
void AddValueTypes(SchemaTable& s) {
  TypeSpec bag;
  bag["shopMoney"] = {Kind::kObject, "MoneyV2", {}};
  bag["presentmentMoney"] = {Kind::kObject, "MoneyV2", {}};
  s["MoneyBag"] = bag;

  TypeSpec money;
  Scalars(money, {"amount", "currencyCode"});
  s["MoneyV2"] = money;

  TypeSpec address;
  Scalars(address, {"address1", "address2", "city", "company", "country", "countryCodeV2",
                    "firstName", "lastName", "name", "phone", "province", "provinceCode", "zip"});
  s["MailingAddress"] = address;

  TypeSpec attribute;
  Scalars(attribute, {"key", "value"});
  s["Attribute"] = attribute;

  TypeSpec tx;
  Scalars(tx, {"id", "kind", "status", "gateway", "createdAt"});
  tx["amountSet"] = {Kind::kObject, "MoneyBag", {}};
  s["OrderTransaction"] = tx;
}

}  // namespace

const SchemaTable& Schema() {
  static const auto* schema = [] {
    auto* s = new SchemaTable();
    (*s)["QueryRoot"] = QueryRootType();
    (*s)["Mutation"] = MutationType();
    AddReturnPayloadTypes(*s);
    (*s)["Shop"] = ShopType();
    (*s)["Customer"] = CustomerType();
    (*s)["Order"] = OrderType();
    (*s)["LineItem"] = LineItemType();
    AddFulfillmentTypes(*s);
    AddFulfillmentOrderTypes(*s);
    AddRefundTypes(*s);
    AddReturnTypes(*s);
    AddValueTypes(*s);
    return s;
  }();
  return *schema;
}

}  // namespace rh::mocks::shopify::detail::gql
