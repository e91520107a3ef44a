// The GraphQL resolvers of shipping: Fulfillment (its tracking, lines and carrier events) and
// FulfillmentOrder (its lines and holds).
#include "graphql_resolvers.h"

#include <algorithm>

namespace rh::mocks::shopify::detail::gql {

namespace {

std::string DisplayStatus(const Fulfillment& f) {
  if (f.status == "cancelled") return "CANCELED";
  if (!f.shipment_status) return "FULFILLED";
  const std::string& s = *f.shipment_status;
  if (s == "carrier_picked_up" || s == "delayed") return "IN_TRANSIT";
  return Upper(s);
}

}  // namespace

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

}  // namespace rh::mocks::shopify::detail::gql
