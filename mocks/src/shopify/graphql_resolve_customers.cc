// The GraphQL resolver of Customer (its orders are an order connection, graphql_resolve_orders.cc).
#include "graphql_resolvers.h"

namespace rh::mocks::shopify::detail::gql {

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

}  // namespace rh::mocks::shopify::detail::gql
