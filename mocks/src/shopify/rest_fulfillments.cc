// REST fulfillment orders (list, get, and the hold / release_hold / cancel / close / open / move
// / reschedule actions, 422 when the fulfillment order is not in a state that allows them) and
// fulfillments (create from line_items_by_fulfillment_order, update tracking, cancel, list, get,
// carrier events that advance shipment_status). Validation first, then the change and its
// webhooks (fulfillments/create or /update, orders/fulfilled or /partially_fulfilled,
// orders/updated).
#include <algorithm>

#include "core.h"

namespace rh::mocks::shopify::detail {

namespace {

ApiError NotOpen() {
  return ErrorObject(422, OrderedJson::array({"The fulfillment order is not in an open state."}));
}

bool IsOpen(const FulfillmentOrder& fo) { return fo.status == "open" || fo.status == "in_progress"; }

std::optional<Id> IdOf(const Json& v) {
  if (v.is_number_unsigned()) return v.get<Id>();
  if (v.is_number_integer() && v.get<std::int64_t>() > 0) return v.get<Id>();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (!s.empty() && s.size() <= 20 &&
        std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::stoull(s);
    }
  }
  return std::nullopt;
}

std::optional<std::string> StringField(const Json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_string()) return std::nullopt;
  return obj[key].get<std::string>();
}

sim::Response FulfillmentOrderResponse(Core& core, const Order& order, const FulfillmentOrder& fo) {
  return JsonResponse(200, OrderedJson{{"fulfillment_order", RenderFulfillmentOrder(core, order, fo)}});
}

// After units came back to a fulfillment order: open, or in progress when some were sent.
void Reopen(FulfillmentOrder& fo) {
  const bool any_left = std::any_of(fo.lines.begin(), fo.lines.end(),
                                    [](const FulfillmentOrderLine& l) { return l.fulfillable > 0; });
  if (!any_left) return;
  const bool any_sent = std::any_of(fo.lines.begin(), fo.lines.end(), [](const FulfillmentOrderLine& l) {
    return l.fulfillable < l.quantity;
  });
  fo.status = any_sent ? "in_progress" : "open";
  fo.request_status = "unsubmitted";
}

}  // namespace

Reply Core::ListFulfillmentOrders(Call& call) {
  const Order* order = FindOrder(call.params.GetUint("id").value_or(0));
  if (!order) return sim::MakeUnexpected(NotFound());
  OrderedJson list = OrderedJson::array();
  for (const auto& fo : order->fulfillment_orders) list.push_back(RenderFulfillmentOrder(*this, *order, fo));
  return JsonResponse(200, OrderedJson{{"fulfillment_orders", list}});
}

Reply Core::GetFulfillmentOrder(Call& call) {
  auto [order, fo] = FindFulfillmentOrder(call.params.GetUint("id").value_or(0));
  if (!fo) return sim::MakeUnexpected(NotFound());
  return FulfillmentOrderResponse(*this, *order, *fo);
}

Reply Core::FulfillmentOrderAction(Call& call) {
  auto [order, fo] = FindFulfillmentOrder(call.params.GetUint("id").value_or(0));
  if (!fo) return sim::MakeUnexpected(NotFound());
  const std::string verb(call.params.Get("action"));
  const sim::WallTime now = call.action.now.wall;

  if (verb == "hold") {
    auto body = BodyRoot(call, "fulfillment_hold");
    if (!body) return sim::MakeUnexpected(body.error());
    static constexpr std::array<std::string_view, 7> kReasons = {
        "awaiting_payment", "high_risk_of_fraud", "incorrect_address", "inventory_out_of_stock",
        "unknown_delivery_date", "awaiting_return_items", "other"};
    const std::optional<std::string> reason = StringField(*body, "reason");
    if (!reason) return sim::MakeUnexpected(Unprocessable("reason", "can't be blank"));
    if (std::find(kReasons.begin(), kReasons.end(), *reason) == kReasons.end()) {
      return sim::MakeUnexpected(Unprocessable("reason", "is not included in the list"));
    }
    if (!IsOpen(*fo)) return sim::MakeUnexpected(NotOpen());
    fo->status = "on_hold";
    fo->holds.push_back({*reason, StringField(*body, "reason_notes")});
    fo->updated_at = now;
    return FulfillmentOrderResponse(*this, *order, *fo);
  }
  if (verb == "release_hold") {
    auto body = OptionalBody(call, "fulfillment_order");
    if (!body) return sim::MakeUnexpected(body.error());
    if (fo->status != "on_hold") {
      return sim::MakeUnexpected(ErrorObject(422, OrderedJson::array({"The fulfillment order is not on hold."})));
    }
    fo->holds.clear();
    fo->status = "open";
    Reopen(*fo);
    fo->updated_at = now;
    return FulfillmentOrderResponse(*this, *order, *fo);
  }
  if (verb == "cancel" || verb == "close") {
    auto body = OptionalBody(call, "fulfillment_order");
    if (!body) return sim::MakeUnexpected(body.error());
    if (!IsOpen(*fo)) return sim::MakeUnexpected(NotOpen());
    fo->status = verb == "cancel" ? "cancelled" : "closed";
    fo->request_status = "closed";
    fo->updated_at = now;
    if (verb == "cancel") {
      // No replacement fulfillment order is made (the mock keeps one per order).
      return JsonResponse(200, OrderedJson{{"fulfillment_order", RenderFulfillmentOrder(*this, *order, *fo)},
                                           {"replacement_fulfillment_order", nullptr}});
    }
    return FulfillmentOrderResponse(*this, *order, *fo);
  }
  if (verb == "open" || verb == "reschedule") {
    Json in = Json::object();
    if (verb == "reschedule") {
      auto body = BodyRoot(call, "fulfillment_order");
      if (!body) return sim::MakeUnexpected(body.error());
      in = *body;
    } else {
      auto body = OptionalBody(call, "fulfillment_order");
      if (!body) return sim::MakeUnexpected(body.error());
    }
    std::optional<sim::WallTime> when;
    if (verb == "reschedule") {
      const std::optional<std::string> at = StringField(in, "new_fulfill_at");
      if (!at) return sim::MakeUnexpected(Unprocessable("new_fulfill_at", "can't be blank"));
      when = ParseTime(*this, *at);
      if (!when) return sim::MakeUnexpected(Unprocessable("new_fulfill_at", "is invalid"));
    }
    if (fo->status != "scheduled") {
      return sim::MakeUnexpected(ErrorObject(422, OrderedJson::array({"The fulfillment order is not in a scheduled state."})));
    }
    if (verb == "open") {
      fo->status = "open";
      fo->fulfill_at.reset();
    } else {
      fo->fulfill_at = when;
    }
    fo->updated_at = now;
    return FulfillmentOrderResponse(*this, *order, *fo);
  }
  if (verb == "move") {
    auto body = BodyRoot(call, "fulfillment_order");
    if (!body) return sim::MakeUnexpected(body.error());
    const std::optional<Id> location = body->contains("new_location_id") ? IdOf((*body)["new_location_id"]) : std::nullopt;
    if (!location) return sim::MakeUnexpected(Unprocessable("new_location_id", "can't be blank"));
    if (!IsOpen(*fo)) return sim::MakeUnexpected(NotOpen());
    fo->assigned_location_id = *location;
    fo->updated_at = now;
    const OrderedJson rendered = RenderFulfillmentOrder(*this, *order, *fo);
    return JsonResponse(200, OrderedJson{{"original_fulfillment_order", rendered},
                                         {"moved_fulfillment_order", rendered},
                                         {"remaining_fulfillment_order", nullptr}});
  }
  return sim::MakeUnexpected(NotFound());
}

Reply Core::CreateFulfillmentRest(Call& call) {
  auto body = BodyRoot(call, "fulfillment");
  if (!body) return sim::MakeUnexpected(body.error());
  const Json& in = *body;
  const Json* groups = in.contains("line_items_by_fulfillment_order") ? &in["line_items_by_fulfillment_order"] : nullptr;
  if (!groups || !groups->is_array() || groups->empty()) {
    return sim::MakeUnexpected(Unprocessable("line_items_by_fulfillment_order", "can't be blank"));
  }
  Order* order = nullptr;
  std::vector<FulfillmentPick> picks;
  for (const auto& group : *groups) {
    if (!group.is_object() || !group.contains("fulfillment_order_id")) {
      return sim::MakeUnexpected(Unprocessable("line_items_by_fulfillment_order", "must name a fulfillment_order_id"));
    }
    const std::optional<Id> fo_id = IdOf(group["fulfillment_order_id"]);
    auto [fo_order, fo] = FindFulfillmentOrder(fo_id.value_or(0));
    if (!fo) {
      return sim::MakeUnexpected(Unprocessable("line_items_by_fulfillment_order",
                           "fulfillment order " + std::to_string(fo_id.value_or(0)) + " does not exist"));
    }
    if (order && fo_order != order) {
      return sim::MakeUnexpected(ErrorObject(422, OrderedJson::array({"All fulfillment orders must belong to the same order."})));
    }
    order = fo_order;
    if (!IsOpen(*fo)) return sim::MakeUnexpected(NotOpen());
    const Json* lines = group.contains("fulfillment_order_line_items") ? &group["fulfillment_order_line_items"] : nullptr;
    if (!lines || lines->is_null() || (lines->is_array() && lines->empty())) {
      for (auto& l : fo->lines) {
        if (l.fulfillable > 0) picks.push_back({fo, &l, l.fulfillable});
      }
      continue;
    }
    if (!lines->is_array()) return sim::MakeUnexpected(Unprocessable("fulfillment_order_line_items", "is invalid"));
    for (const auto& want : *lines) {
      const std::optional<Id> line_id = want.is_object() && want.contains("id") ? IdOf(want["id"]) : std::nullopt;
      FulfillmentOrderLine* line = nullptr;
      for (auto& l : fo->lines) {
        if (line_id && l.id == *line_id) line = &l;
      }
      if (!line) return sim::MakeUnexpected(Unprocessable("fulfillment_order_line_items.id", "is invalid"));
      int qty = line->fulfillable;
      if (want.contains("quantity")) {
        if (!want["quantity"].is_number_integer()) return sim::MakeUnexpected(Unprocessable("fulfillment_order_line_items.quantity", "is not a number"));
        qty = want["quantity"].get<int>();
      }
      int already = 0;
      for (const auto& p : picks) {
        if (p.line == line) already += p.quantity;
      }
      if (qty < 1 || qty + already > line->fulfillable) {
        return sim::MakeUnexpected(Unprocessable("fulfillment_order_line_items.quantity",
                             "must be less than or equal to the fulfillable quantity"));
      }
      picks.push_back({fo, line, qty});
    }
  }
  if (picks.empty()) {
    return sim::MakeUnexpected(ErrorObject(422, OrderedJson::array({"There are no line items left to fulfill."})));
  }
  const Json tracking = in.contains("tracking_info") && in["tracking_info"].is_object() ? in["tracking_info"] : Json::object();
  const std::optional<std::string> before = OrderFulfillmentStatus(*order);
  Fulfillment& f = CreateFulfillment(*this, *order, picks, StringField(tracking, "company"),
                                     StringField(tracking, "number"), StringField(tracking, "url"),
                                     call.action.now.wall);
  FulfillmentCreated(*this, call.action, *order, f, before);
  return JsonResponse(201, OrderedJson{{"fulfillment", RenderFulfillment(*this, *order, f)}});
}

Reply Core::UpdateTracking(Call& call) {
  auto [order, f] = FindFulfillment(call.params.GetUint("id").value_or(0));
  if (!f) return sim::MakeUnexpected(NotFound());
  auto body = BodyRoot(call, "fulfillment");
  if (!body) return sim::MakeUnexpected(body.error());
  if (!body->contains("tracking_info") || !(*body)["tracking_info"].is_object()) {
    return sim::MakeUnexpected(Unprocessable("tracking_info", "can't be blank"));
  }
  if (f->status == "cancelled") {
    return sim::MakeUnexpected(ErrorObject(422, OrderedJson::array({"Cannot update tracking on a cancelled fulfillment."})));
  }
  const Json& t = (*body)["tracking_info"];
  const std::optional<std::string> company = StringField(t, "company");
  const std::optional<std::string> number = StringField(t, "number");
  std::optional<std::string> url = StringField(t, "url");
  const auto before_company = f->tracking_company;
  const auto before_numbers = f->tracking_numbers;
  const auto before_urls = f->tracking_urls;
  if (company) f->tracking_company = company;
  if (number) {
    f->tracking_numbers = {*number};
    if (!url) url = CarrierTrackingUrl(f->tracking_company.value_or(""), *number);
    f->tracking_urls.clear();
  }
  if (url) f->tracking_urls = {*url};
  const bool changed = before_company != f->tracking_company || before_numbers != f->tracking_numbers ||
                       before_urls != f->tracking_urls;
  if (changed) {
    f->updated_at = call.action.now.wall;
    order->updated_at = call.action.now.wall;
    ProduceWebhook(*this, call.action, "fulfillments/update", RenderFulfillment(*this, *order, *f));
    ProduceWebhook(*this, call.action, "orders/updated", RenderOrder(*this, *order));
  }
  return JsonResponse(200, OrderedJson{{"fulfillment", RenderFulfillment(*this, *order, *f)}});
}

Reply Core::CancelFulfillment(Call& call) {
  auto [order, f] = FindFulfillment(call.params.GetUint("id").value_or(0));
  if (!f) return sim::MakeUnexpected(NotFound());
  auto body = OptionalBody(call, "fulfillment");
  if (!body) return sim::MakeUnexpected(body.error());
  if (f->status == "cancelled") {
    return sim::MakeUnexpected(ErrorObject(422, OrderedJson{{"base", OrderedJson::array({"Fulfillment has already been cancelled"})}}));
  }
  const std::optional<std::string> before = OrderFulfillmentStatus(*order);
  f->status = "cancelled";
  f->updated_at = call.action.now.wall;
  for (const auto& fl : f->lines) {
    for (auto& li : order->line_items) {
      if (li.id == fl.line_item_id) li.fulfilled -= fl.quantity;
    }
    for (auto& fo : order->fulfillment_orders) {
      for (auto& fol : fo.lines) {
        if (fl.fulfillment_order_line_id && fol.id == *fl.fulfillment_order_line_id && !order->cancelled_at) {
          fol.fulfillable += fl.quantity;
          fo.updated_at = call.action.now.wall;
        }
      }
    }
  }
  if (!order->cancelled_at) {
    for (auto& fo : order->fulfillment_orders) {
      if (fo.status == "closed" || fo.status == "in_progress" || fo.status == "open") Reopen(fo);
    }
  }
  // Units refunded while they were out do not come back to be sent.
  SyncFulfillmentOrders(*order, call.action.now.wall);
  ProduceWebhook(*this, call.action, "fulfillments/update", RenderFulfillment(*this, *order, *f));
  FulfillmentStatusMayHaveMoved(*this, call.action, *order, before);
  return JsonResponse(200, OrderedJson{{"fulfillment", RenderFulfillment(*this, *order, *f)}});
}

Reply Core::ListFulfillments(Call& call) {
  const Order* order = FindOrder(call.params.GetUint("id").value_or(0));
  if (!order) return sim::MakeUnexpected(NotFound());
  OrderedJson list = OrderedJson::array();
  for (const auto& f : order->fulfillments) list.push_back(RenderFulfillment(*this, *order, f));
  return JsonResponse(200, OrderedJson{{"fulfillments", list}});
}

Reply Core::GetFulfillment(Call& call) {
  const Order* order = FindOrder(call.params.GetUint("id").value_or(0));
  if (!order) return sim::MakeUnexpected(NotFound());
  const Id fid = call.params.GetUint("fid").value_or(0);
  for (const auto& f : order->fulfillments) {
    if (f.id == fid) return JsonResponse(200, OrderedJson{{"fulfillment", RenderFulfillment(*this, *order, f)}});
  }
  return sim::MakeUnexpected(NotFound());
}

Reply Core::ListFulfillmentEvents(Call& call) {
  const Order* order = FindOrder(call.params.GetUint("id").value_or(0));
  if (!order) return sim::MakeUnexpected(NotFound());
  const Id fid = call.params.GetUint("fid").value_or(0);
  for (const auto& f : order->fulfillments) {
    if (f.id != fid) continue;
    OrderedJson list = OrderedJson::array();
    for (const auto& e : f.events) list.push_back(RenderFulfillmentEvent(*this, *order, f, e));
    return JsonResponse(200, OrderedJson{{"fulfillment_events", list}});
  }
  return sim::MakeUnexpected(NotFound());
}

Reply Core::CreateFulfillmentEvent(Call& call) {
  Order* order = FindOrder(call.params.GetUint("id").value_or(0));
  if (!order) return sim::MakeUnexpected(NotFound());
  const Id fid = call.params.GetUint("fid").value_or(0);
  Fulfillment* f = nullptr;
  for (auto& candidate : order->fulfillments) {
    if (candidate.id == fid) f = &candidate;
  }
  if (!f) return sim::MakeUnexpected(NotFound());
  auto body = BodyRoot(call, "event");
  if (!body) return sim::MakeUnexpected(body.error());
  const Json& in = *body;
  const std::optional<std::string> status = StringField(in, "status");
  if (!status) return sim::MakeUnexpected(Unprocessable("status", "can't be blank"));
  if (!IsShipmentStatus(*status)) return sim::MakeUnexpected(Unprocessable("status", "is not included in the list"));
  if (f->status == "cancelled") {
    return sim::MakeUnexpected(ErrorObject(422, OrderedJson::array({"Cannot add events to a cancelled fulfillment."})));
  }
  std::optional<sim::WallTime> happened_at, estimated;
  if (const auto s = StringField(in, "happened_at")) {
    happened_at = ParseTime(*this, *s);
    if (!happened_at) return sim::MakeUnexpected(Unprocessable("happened_at", "is invalid"));
  }
  if (const auto s = StringField(in, "estimated_delivery_at")) {
    estimated = ParseTime(*this, *s);
    if (!estimated) return sim::MakeUnexpected(Unprocessable("estimated_delivery_at", "is invalid"));
  }
  OrderedJson location = OrderedJson::object();
  for (const char* key : {"city", "province", "country", "zip", "address1", "latitude", "longitude"}) {
    if (in.contains(key) && !in[key].is_null()) location[key] = OrderedJson::parse(in[key].dump());
  }
  FulfillmentEvent& e = AddEvent(*this, call.action, *order, *f, *status, StringField(in, "message"),
                                 std::move(location), happened_at, estimated);
  return JsonResponse(201, OrderedJson{{"fulfillment_event", RenderFulfillmentEvent(*this, *order, *f, e)}});
}

}  // namespace rh::mocks::shopify::detail
