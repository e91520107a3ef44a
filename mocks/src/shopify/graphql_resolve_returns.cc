// The GraphQL resolvers of Return (its lines and its decline) and of the return mutations' payload.
#include "graphql_resolvers.h"

namespace rh::mocks::shopify::detail::gql {

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

}  // namespace rh::mocks::shopify::detail::gql
