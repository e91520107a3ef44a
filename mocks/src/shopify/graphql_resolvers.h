// The GraphQL resolvers: the runtime objects a field resolves to (one small struct per schema
// type, pointing into the state), and for each type a `Resolve` that answers one field of it.
// Where they live: the root fields and the return mutations in graphql_root_fields.cc, then one
// file per family of types (graphql_resolve_{customers,orders,fulfillments,returns}.cc), the
// shop and the small value types in graphql_resolvers.cc. Internal to mocks/src/shopify; pure
// reads of the state except the mutations, with the mock's mutex held.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "graphql_context.h"

namespace rh::mocks::shopify::detail::gql {

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

// What a field resolved to; which member counts depends on the field's Kind in the schema.
struct Resolved {
  OrderedJson scalar;             // kScalar
  std::optional<Obj> object;      // kObject; nullopt is null
  std::vector<Obj> items;         // kList, kConnection (all candidates, in order)
  std::vector<std::string> keys;  // kConnection: the cursor of each item
};

Resolved Scalar(OrderedJson v);
Resolved Object(std::optional<Obj> o);

// ---- Root fields (graphql_root_fields.cc) ----

Resolved ResolveQueryRoot(Exec& ex, const Selection& field, const Json& args);
Resolved ResolveMutation(Exec& ex, const Selection& field, const Json& args);

// ---- One resolver per type: the value of field `f` of the object ----

Resolved Resolve(Exec& ex, const ShopV&, std::string_view f, const Json&);
Resolved Resolve(Exec& ex, const MoneyBagV& v, std::string_view f, const Json&);
Resolved Resolve(Exec& ex, const MoneyV& v, std::string_view f, const Json&);
Resolved Resolve(Exec& ex, const AddressV& v, std::string_view f, const Json&);
Resolved Resolve(Exec& ex, const AttributeV& v, std::string_view f, const Json&);
// graphql_resolve_customers.cc
Resolved Resolve(Exec& ex, const CustomerV& v, std::string_view f, const Json& args);
// graphql_resolve_orders.cc
Resolved Resolve(Exec& ex, const OrderV& v, std::string_view f, const Json& args);
Resolved Resolve(Exec& ex, const LineV& v, std::string_view f, const Json&);
Resolved Resolve(Exec& ex, const TxV& v, std::string_view f, const Json&);
Resolved Resolve(Exec& ex, const RefundV& v, std::string_view f, const Json&);
Resolved Resolve(Exec& ex, const RefundLineV& v, std::string_view f, const Json&);
// graphql_resolve_fulfillments.cc
Resolved Resolve(Exec& ex, const FulfillmentV& v, std::string_view f, const Json& args);
Resolved Resolve(Exec& ex, const TrackingV& v, std::string_view f, const Json&);
Resolved Resolve(Exec& ex, const FLineV& v, std::string_view f, const Json&);
Resolved Resolve(Exec& ex, const EventV& v, std::string_view f, const Json&);
Resolved Resolve(Exec& ex, const FoV& v, std::string_view f, const Json&);
Resolved Resolve(Exec& ex, const FoLineV& v, std::string_view f, const Json&);
Resolved Resolve(Exec& ex, const HoldV& v, std::string_view f, const Json&);
// graphql_resolve_returns.cc
Resolved Resolve(Exec& ex, const ReturnV& v, std::string_view f, const Json&);
Resolved Resolve(Exec& ex, const ReturnLineV& v, std::string_view f, const Json&);
Resolved Resolve(Exec& ex, const DeclineV& v, std::string_view f, const Json&);
Resolved Resolve(Exec& ex, const PayloadV& v, std::string_view f, const Json&);
Resolved Resolve(Exec& ex, const UserErrorV& v, std::string_view f, const Json&);

// ---- What the resolvers share (graphql_resolvers.cc, graphql_resolve_orders.cc) ----

// Shopify's Decimal: trailing zeros dropped, one decimal kept ("59.9", "10.0").
std::string Decimal(Cents cents);
std::string Upper(std::string_view s);
OrderedJson Str(const std::optional<std::string>& s);
std::string CursorOf(Id id);
OrderedJson GqlTime(sim::WallTime t);
OrderedJson GqlTime(const std::optional<sim::WallTime>& t);
const LineItem* LineOf(const Order& o, Id id);
// Sorted orders for a connection (the root's orders, a customer's orders).
Resolved OrderConnection(Exec& ex, std::vector<const Order*> orders, const Json& args);

// A list field cut to its `first` argument, if any.
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

}  // namespace rh::mocks::shopify::detail::gql
