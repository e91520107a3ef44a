// The Core's ids and lookups, webhook production (bodies, signatures, headers), and the state
// changes shared by REST, GraphQL and seeding: fulfillments, carrier events, returns. All run
// with the mock's mutex held; deterministic given the Core's Rng streams and the action's time.
#include <algorithm>

#include "core.h"
#include "sim/crypto.h"

namespace rh::mocks::shopify::detail {

namespace {

// 2^53 + 1: every id is above what a double holds exactly. Each kind starts in its own range.
constexpr Id kIdBase = 9'007'199'254'740'993ULL;
constexpr Id kIdKindSpan = 100'000'000'000'000ULL;
constexpr Id kIdMaxGap = 1'000;

constexpr std::array<std::string_view, static_cast<std::size_t>(IdKind::kCount)> kIdKindNames = {
    "customer",   "order",           "line_item",  "transaction",     "fulfillment_order",
    "fo_line",    "fulfillment",     "f_line",     "fulfillment_event", "refund",
    "refund_line", "return",         "return_line", "subscription"};

}  // namespace

Core::Core(Config cfg, sim::Rng rng)
    : config(std::move(cfg)),
      rest_bucket(LeakyBucket::Config{}),
      graphql_bucket(TokenBucket::Config{}),
      request_log(config.request_log_capacity),
      request_id_rng_(rng.Fork("request_ids")),
      webhook_id_rng_(rng.Fork("webhook_ids")),
      event_id_rng_(rng.Fork("event_ids")) {
  const RestLimits rest = config.rest_limits.value_or(RestLimitsFor(config.plan));
  rest_bucket = LeakyBucket(LeakyBucket::Config{rest.bucket_size, rest.leak_each});
  const GraphqlLimits gql = config.graphql_limits.value_or(GraphqlLimitsFor(config.plan));
  graphql_bucket = TokenBucket(TokenBucket::Config{gql.maximum_available, gql.restore_rate});
  for (std::size_t k = 0; k < kIdKindNames.size(); ++k) {
    sequences_.emplace_back(kIdBase + k * kIdKindSpan, kIdMaxGap,
                            rng.Fork("ids").Fork(kIdKindNames[k]));
  }
}

bool Core::Taken(IdKind kind, Id id) const {
  switch (kind) {
    case IdKind::kCustomer: return state.customers.count(id) > 0;
    case IdKind::kOrder: return state.orders.count(id) > 0;
    case IdKind::kLineItem: return order_of_line_item.count(id) > 0;
    case IdKind::kFulfillment: return order_of_fulfillment.count(id) > 0;
    case IdKind::kFulfillmentOrder: return order_of_fulfillment_order.count(id) > 0;
    case IdKind::kReturn: return order_of_return.count(id) > 0;
    case IdKind::kSubscription: return state.subscriptions.count(id) > 0;
    default: return false;  // children nobody seeds with explicit ids
  }
}

Id Core::NextId(IdKind kind) {
  IdSequence& seq = sequences_[static_cast<std::size_t>(kind)];
  for (;;) {
    const Id id = seq.Next();
    if (!Taken(kind, id)) return id;
  }
}

std::string Core::ServedWebhookVersion() const {
  if (!config.webhook_api_version.empty()) return config.webhook_api_version;
  return config.api_versions.empty() ? std::string("2026-01") : config.api_versions.back();
}

namespace {

// True when `host` (a Host header value) names a port or a loopback address: a client reached
// the mock over a socket, not through the in-memory network's service names.
bool IsSocketHost(std::string_view host) {
  const std::size_t bracket = host.rfind(']');  // "[::1]:8080": the port follows the bracket
  const std::size_t colon = host.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) return true;
  return host == "localhost" || host.starts_with("127.") || host == "[::1]";
}

}  // namespace

// Choice: a client must be able to follow a Link and stay on the mock, so the origin comes from
// the request. The request model carries no scheme, and the live transport speaks plain HTTP
// only, so a Host with a port or a loopback address (what a socket client sends) gets
// "http://" + Host. Any other Host (a service name of the in-memory network) gets Shopify's own
// "https://" + shop_domain, which the in-memory network routes to the mock. A configured
// link_origin overrides both. Deterministic: a function of the config and the request.
std::string Core::LinkOrigin(const sim::Request& request) const {
  if (!config.link_origin.empty()) return config.link_origin;
  const std::string_view host = request.Host();
  if (IsSocketHost(host)) return "http://" + std::string(host);
  return "https://" + config.shop_domain;
}

Order* Core::FindOrder(Id id) {
  const auto it = state.orders.find(id);
  return it == state.orders.end() ? nullptr : &it->second;
}

Customer* Core::FindCustomer(Id id) {
  const auto it = state.customers.find(id);
  return it == state.customers.end() ? nullptr : &it->second;
}

std::pair<Order*, Fulfillment*> Core::FindFulfillment(Id id) {
  const auto it = order_of_fulfillment.find(id);
  if (it == order_of_fulfillment.end()) return {nullptr, nullptr};
  Order* order = FindOrder(it->second);
  if (!order) return {nullptr, nullptr};
  for (auto& f : order->fulfillments) {
    if (f.id == id) return {order, &f};
  }
  return {nullptr, nullptr};
}

std::pair<Order*, FulfillmentOrder*> Core::FindFulfillmentOrder(Id id) {
  const auto it = order_of_fulfillment_order.find(id);
  if (it == order_of_fulfillment_order.end()) return {nullptr, nullptr};
  Order* order = FindOrder(it->second);
  if (!order) return {nullptr, nullptr};
  for (auto& fo : order->fulfillment_orders) {
    if (fo.id == id) return {order, &fo};
  }
  return {nullptr, nullptr};
}

std::pair<Order*, Return*> Core::FindReturn(Id id) {
  const auto it = order_of_return.find(id);
  if (it == order_of_return.end()) return {nullptr, nullptr};
  Order* order = FindOrder(it->second);
  if (!order) return {nullptr, nullptr};
  for (auto& r : order->returns) {
    if (r.id == id) return {order, &r};
  }
  return {nullptr, nullptr};
}

void Core::IndexOrder(const Order& order) {
  for (const auto& line : order.line_items) order_of_line_item[line.id] = order.id;
  for (const auto& f : order.fulfillments) order_of_fulfillment[f.id] = order.id;
  for (const auto& fo : order.fulfillment_orders) order_of_fulfillment_order[fo.id] = order.id;
  for (const auto& r : order.returns) order_of_return[r.id] = order.id;
  if (order.customer_id) {
    auto& list = orders_of_customer[*order.customer_id];
    if (std::find(list.begin(), list.end(), order.id) == list.end()) list.push_back(order.id);
  }
}

void Core::StateMayChange() { order_text_.clear(); }

const std::string& Core::OrderText(const Order& order) const {
  const auto it = order_text_.find(order.id);
  if (it != order_text_.end()) return it->second;
  if (order_text_.size() >= kOrderTextCacheSize) order_text_.clear();
  return order_text_.emplace(order.id, DumpJson(RenderOrder(*this, order))).first->second;
}

std::vector<const Order*> Core::OrdersOf(std::optional<Id> customer_id) const {
  std::vector<const Order*> out;
  if (!customer_id) {
    out.reserve(state.orders.size());
    for (const auto& [id, order] : state.orders) out.push_back(&order);
    return out;
  }
  const auto it = orders_of_customer.find(*customer_id);
  if (it == orders_of_customer.end()) return out;
  for (Id id : it->second) {
    const auto order = state.orders.find(id);
    if (order != state.orders.end()) out.push_back(&order->second);
  }
  return out;
}

// ---- Error bodies ----

ApiError ErrorText(int status, std::string_view message) { return ApiError{status, OrderedJson(message)}; }

ApiError ErrorObject(int status, OrderedJson errors) { return ApiError{status, std::move(errors)}; }

ApiError Unprocessable(std::string_view field, std::string_view message) {
  OrderedJson errors;
  errors[std::string(field)] = OrderedJson::array({message});
  return ErrorObject(422, std::move(errors));
}

ApiError NotFound() { return ErrorText(404, "Not Found"); }

ApiError MissingParameter(std::string_view root) {
  OrderedJson errors;
  errors[std::string(root)] = "Required parameter missing or invalid";
  return ErrorObject(400, std::move(errors));
}

sim::Response ErrorResponse(const ApiError& error) {
  OrderedJson body;
  body["errors"] = error.errors;
  return JsonResponse(error.status, body);
}

sim::Expected<Json, ApiError> BodyRoot(const Call& call, std::string_view root) {
  if (!HasJsonContentType(call.request)) return sim::MakeUnexpected(MissingParameter(root));
  std::optional<Json> body = ParseJsonBody(call.request);
  if (!body || !body->is_object()) return sim::MakeUnexpected(MissingParameter(root));
  const auto it = body->find(std::string(root));
  if (it == body->end() || !it->is_object()) return sim::MakeUnexpected(MissingParameter(root));
  return Json(*it);
}

sim::Expected<Json, ApiError> OptionalBody(const Call& call, std::string_view root) {
  const std::string& raw = call.request.body;
  if (std::all_of(raw.begin(), raw.end(), [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; })) {
    return Json::object();
  }
  if (!HasJsonContentType(call.request)) return sim::MakeUnexpected(MissingParameter(root));
  std::optional<Json> body = ParseJsonBody(call.request);
  if (!body || !body->is_object()) return sim::MakeUnexpected(MissingParameter(root));
  return std::move(*body);
}

// ---- Webhooks ----

namespace {

std::string TriggeredAt(sim::WallTime t) {
  std::string s = sim::FormatRfc3339(t, std::chrono::minutes(0), 9);
  if (s.size() >= 6 && s.compare(s.size() - 6, 6, "+00:00") == 0) s.replace(s.size() - 6, 6, "Z");
  return s;
}

// "orders/updated" -> "X-Shopify-Order-Id". The reference names only X-Shopify-Order-Id ("a
// resource id header such as"); the other topics get the same pattern for their resource.
std::string ResourceIdHeader(std::string_view topic) {
  const std::string_view resource = topic.substr(0, topic.find('/'));
  if (resource == "orders") return "X-Shopify-Order-Id";
  if (resource == "fulfillments") return "X-Shopify-Fulfillment-Id";
  if (resource == "refunds") return "X-Shopify-Refund-Id";
  if (resource == "returns") return "X-Shopify-Return-Id";
  if (resource == "customers") return "X-Shopify-Customer-Id";
  return {};
}

}  // namespace

void ProduceWebhook(Core& core, Action& action, std::string_view topic, const OrderedJson& body) {
  std::string bytes;
  std::string hmac;
  for (const auto& [sub_id, sub] : core.state.subscriptions) {
    if (sub.topic != topic) continue;
    if (bytes.empty()) {
      bytes = body.dump(-1, ' ', false, kReplaceInvalidUtf8);
      hmac = sim::Base64Encode(sim::HmacSha256(core.config.api_client_secret, bytes));
    }
    if (action.event_id.empty()) action.event_id = core.NextEventId();
    ProducedWebhook w;
    w.subscription_id = sub_id;
    w.topic = std::string(topic);
    w.webhook_id = core.NextWebhookId();
    w.event_id = action.event_id;
    w.at = action.now.monotonic;
    sim::Request& r = w.request;
    r.method = sim::Method::kPost;
    r.target = sub.path;
    r.headers.Set("Host", sub.host);
    r.headers.Set("Content-Type", "application/json");
    r.headers.Set("User-Agent", "Shopify-Captain-Hook");
    r.headers.Set("X-Shopify-Topic", topic);
    r.headers.Set("X-Shopify-Hmac-Sha256", hmac);
    r.headers.Set("X-Shopify-Shop-Domain", core.config.shop_domain);
    r.headers.Set("X-Shopify-API-Version", sub.api_version);
    r.headers.Set("X-Shopify-Webhook-Id", w.webhook_id);
    r.headers.Set("X-Shopify-Triggered-At", TriggeredAt(action.now.wall));
    r.headers.Set("X-Shopify-Event-Id", w.event_id);
    const std::string id_header = ResourceIdHeader(topic);
    if (!id_header.empty() && body.contains("id") && body["id"].is_number_unsigned()) {
      r.headers.Set(id_header, std::to_string(body["id"].get<Id>()));
    }
    r.headers.Set("X-Shopify-Test", "false");
    r.body = bytes;
    if (core.config.trace) {
      core.config.trace->Record(action.now.monotonic, "mocks.shopify", "shopify.webhook",
                                {{"topic", w.topic},
                                 {"subscription", static_cast<std::int64_t>(sub_id)},
                                 {"webhook_id", w.webhook_id},
                                 {"event_id", w.event_id},
                                 {"sent", core.config.emitter != nullptr}});
    }
    if (core.config.emitter && action.outbox) {
      action.outbox->push_back(Webhook{std::to_string(sub_id), w.topic, w.webhook_id, w.request});
    }
    if (core.webhooks.size() >= core.webhook_log_capacity) core.webhooks.pop_front();
    core.webhooks.push_back(std::move(w));
  }
}

namespace {

// An order's units: none refunded or sent beyond what was ordered. A broken one would render a
// plausible order (a negative fulfillable count is clamped to 0 in Fulfillable) and the pipeline
// would refund or promise units that never existed.
void CheckOrderInvariants(const Order& order) {
  for (const LineItem& line : order.line_items) {
    RH_CHECK(line.quantity >= 0, "a line item has a negative quantity");
    RH_CHECK(line.refunded >= 0 && line.refunded <= line.quantity, "a line item's refunded units exceed its units");
    RH_CHECK(line.fulfilled >= 0 && line.fulfilled <= line.quantity, "a line item's fulfilled units exceed its units");
  }
}

}  // namespace

void OrderChanged(Core& core, Action& action, Order& order) {
  CheckOrderInvariants(order);
  order.updated_at = action.now.wall;
  ProduceWebhook(core, action, "orders/updated", RenderOrder(core, order));
}

void FulfillmentStatusMayHaveMoved(Core& core, Action& action, Order& order,
                                   const std::optional<std::string>& before) {
  CheckOrderInvariants(order);
  order.updated_at = action.now.wall;
  const std::optional<std::string> after = OrderFulfillmentStatus(order);
  // Only moving forward announces it (a cancelled fulfillment does not "partially fulfil").
  auto rank = [](const std::optional<std::string>& s) { return !s ? 0 : *s == "partial" ? 1 : 2; };
  if (rank(after) > rank(before)) {
    const OrderedJson body = RenderOrder(core, order);
    if (*after == "fulfilled") ProduceWebhook(core, action, "orders/fulfilled", body);
    if (*after == "partial") ProduceWebhook(core, action, "orders/partially_fulfilled", body);
  }
  ProduceWebhook(core, action, "orders/updated", RenderOrder(core, order));
}

// ---- Fulfillments ----

std::optional<std::string> CarrierTrackingUrl(std::string_view company, std::string_view number) {
  if (number.empty()) return std::nullopt;
  const std::string c = ToLower(company);
  const std::string n(number);
  if (c == "ups") return "https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=" + n;
  if (c == "usps") return "https://tools.usps.com/go/TrackConfirmAction?tLabels=" + n;
  if (c == "fedex") return "https://www.fedex.com/fedextrack/?trknbr=" + n;
  if (c == "dhl express" || c == "dhl") {
    return "https://www.dhl.com/en/express/tracking.html?AWB=" + n + "&brand=DHL";
  }
  if (c == "canada post") {
    return "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=" + n;
  }
  return std::nullopt;
}

Fulfillment& CreateFulfillment(Core& core, Order& order, const std::vector<FulfillmentPick>& picks,
                               std::optional<std::string> company,
                               std::optional<std::string> number, std::optional<std::string> url,
                               sim::WallTime now) {
  Fulfillment f;
  f.id = core.NextId(IdKind::kFulfillment);
  f.order_id = order.id;
  f.sequence = static_cast<int>(order.fulfillments.size()) + 1;
  f.status = "success";
  f.tracking_company = std::move(company);
  if (number && !number->empty()) {
    f.tracking_numbers.push_back(*number);
    if (!url) url = CarrierTrackingUrl(f.tracking_company.value_or(""), *number);
  }
  if (url && !url->empty()) f.tracking_urls.push_back(*url);
  f.location_id = picks.empty() ? core.config.location_id
                                : picks.front().fulfillment_order->assigned_location_id;
  f.created_at = now;
  f.updated_at = now;
  for (const auto& pick : picks) {
    FulfillmentLine fl;
    fl.id = core.NextId(IdKind::kFulfillmentLine);
    fl.line_item_id = pick.line->line_item_id;
    fl.quantity = pick.quantity;
    fl.fulfillment_order_id = pick.fulfillment_order->id;
    fl.fulfillment_order_line_id = pick.line->id;
    f.lines.push_back(fl);
    pick.line->fulfillable -= pick.quantity;
    for (auto& li : order.line_items) {
      if (li.id == fl.line_item_id) li.fulfilled += pick.quantity;
    }
  }
  for (auto& fo : order.fulfillment_orders) {
    const bool touched = std::any_of(picks.begin(), picks.end(), [&](const FulfillmentPick& p) {
      return p.fulfillment_order == &fo;
    });
    if (!touched) continue;
    const bool done = std::all_of(fo.lines.begin(), fo.lines.end(),
                                  [](const FulfillmentOrderLine& l) { return l.fulfillable == 0; });
    fo.status = done ? "closed" : "in_progress";
    if (done) fo.request_status = "closed";
    fo.updated_at = now;
  }
  order.fulfillments.push_back(std::move(f));
  // An order being seeded is not in the state yet; IndexOrder indexes it on insertion.
  if (core.FindOrder(order.id) == &order) core.order_of_fulfillment[order.fulfillments.back().id] = order.id;
  return order.fulfillments.back();
}

void SyncFulfillmentOrders(Order& order, sim::WallTime now) {
  for (const auto& li : order.line_items) {
    const int target = Fulfillable(order, li);
    int held = 0;
    for (const auto& fo : order.fulfillment_orders) {
      for (const auto& fol : fo.lines) {
        if (fol.line_item_id == li.id) held += fol.fulfillable;
      }
    }
    for (auto& fo : order.fulfillment_orders) {
      for (auto& fol : fo.lines) {
        if (fol.line_item_id != li.id || held <= target) continue;
        const int drop = std::min(fol.fulfillable, held - target);
        fol.fulfillable -= drop;
        held -= drop;
        fo.updated_at = now;
      }
    }
  }
  for (auto& fo : order.fulfillment_orders) {
    if (fo.status != "open" && fo.status != "in_progress") continue;
    const bool empty = std::all_of(fo.lines.begin(), fo.lines.end(),
                                   [](const FulfillmentOrderLine& l) { return l.fulfillable == 0; });
    if (empty) {
      fo.status = "closed";
      fo.updated_at = now;
    }
  }
}

void FulfillmentCreated(Core& core, Action& action, Order& order, const Fulfillment& f,
                        const std::optional<std::string>& status_before) {
  ProduceWebhook(core, action, "fulfillments/create", RenderFulfillment(core, order, f));
  FulfillmentStatusMayHaveMoved(core, action, order, status_before);
}

FulfillmentEvent& AddEvent(Core& core, Action& action, Order& order, Fulfillment& f,
                           const std::string& status, std::optional<std::string> message,
                           OrderedJson location, std::optional<sim::WallTime> happened_at,
                           std::optional<sim::WallTime> estimated_delivery_at) {
  FulfillmentEvent e;
  e.id = core.NextId(IdKind::kFulfillmentEvent);
  e.status = status;
  e.message = std::move(message);
  e.happened_at = happened_at.value_or(action.now.wall);
  e.created_at = action.now.wall;
  e.estimated_delivery_at = estimated_delivery_at;
  e.location = location.is_object() ? std::move(location) : OrderedJson::object();
  f.events.push_back(std::move(e));
  f.shipment_status = status;
  f.updated_at = action.now.wall;
  order.updated_at = action.now.wall;
  ProduceWebhook(core, action, "fulfillments/update", RenderFulfillment(core, order, f));
  ProduceWebhook(core, action, "orders/updated", RenderOrder(core, order));
  return f.events.back();
}

// ---- Returns ----

namespace {

constexpr std::array<std::string_view, 10> kReturnReasons = {
    "COLOR", "DEFECTIVE", "NOT_AS_DESCRIBED", "OTHER", "SIZE_TOO_LARGE", "SIZE_TOO_SMALL",
    "STYLE", "UNWANTED", "WRONG_ITEM", "UNKNOWN"};

// Units of a fulfillment line already in returns that are not declined or cancelled.
int ReturnedUnits(const Order& order, Id fulfillment_line_id) {
  int n = 0;
  for (const auto& r : order.returns) {
    if (r.status == "DECLINED" || r.status == "CANCELED") continue;
    for (const auto& l : r.lines) {
      if (l.fulfillment_line_id == fulfillment_line_id) n += l.quantity;
    }
  }
  return n;
}

}  // namespace

sim::Expected<Return*, ReturnError> CreateReturn(Core& core, Action& action, Order& order,
                                                  const std::vector<ReturnLineInput>& lines,
                                                  bool open) {
  if (lines.empty()) {
    return sim::MakeUnexpected(ReturnError{{"returnLineItems"},
                                           "Return must have at least one line item.", "BLANK"});
  }
  std::vector<ReturnLine> made;
  std::map<Id, int> asked;  // per fulfillment line, across this request
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& in = lines[i];
    const std::string index = std::to_string(i);
    const FulfillmentLine* found = nullptr;
    for (const auto& f : order.fulfillments) {
      if (f.status == "cancelled") continue;
      for (const auto& fl : f.lines) {
        if (fl.id == in.fulfillment_line_id) found = &fl;
      }
    }
    if (!found) {
      return sim::MakeUnexpected(ReturnError{{"returnLineItems", index, "fulfillmentLineItemId"},
                                             "Fulfillment line item does not exist.",
                                             "NOT_FOUND"});
    }
    asked[found->id] += in.quantity;
    if (in.quantity < 1 || asked[found->id] + ReturnedUnits(order, found->id) > found->quantity) {
      return sim::MakeUnexpected(ReturnError{{"returnLineItems", index, "quantity"},
                                             "Quantity is not returnable.", "INVALID"});
    }
    if (std::find(kReturnReasons.begin(), kReturnReasons.end(), in.reason) ==
        kReturnReasons.end()) {
      return sim::MakeUnexpected(ReturnError{{"returnLineItems", index, "returnReason"},
                                             "Return reason is invalid.", "INVALID"});
    }
    ReturnLine rl;
    rl.fulfillment_line_id = found->id;
    rl.line_item_id = found->line_item_id;
    rl.quantity = in.quantity;
    rl.return_reason = in.reason;
    rl.return_reason_note = in.reason_note;
    rl.customer_note = in.customer_note;
    made.push_back(std::move(rl));
  }
  Return r;
  r.id = core.NextId(IdKind::kReturn);
  r.order_id = order.id;
  r.sequence = static_cast<int>(order.returns.size()) + 1;
  r.status = open ? "OPEN" : "REQUESTED";
  for (auto& rl : made) rl.id = core.NextId(IdKind::kReturnLine);
  r.lines = std::move(made);
  r.created_at = action.now.wall;
  r.updated_at = action.now.wall;
  order.returns.push_back(std::move(r));
  Return& stored = order.returns.back();
  core.order_of_return[stored.id] = order.id;
  // A requested return announces returns/request; one created open (returnCreate, no request
  // step) announces returns/approve, the topic of a return becoming OPEN.
  ProduceWebhook(core, action, open ? "returns/approve" : "returns/request",
                 RenderReturn(core, order, stored, open ? "returns/approve" : "returns/request"));
  return &stored;
}

std::optional<ReturnError> TransitionReturn(Core& core, Action& action, Order& order, Return& r,
                                            std::string_view verb,
                                            std::optional<std::string> decline_reason) {
  struct Rule {
    std::string_view verb;
    std::vector<std::string_view> from;
    std::string_view to;
    std::string_view topic;
    std::string_view message;
  };
  static const std::array<Rule, 5> kRules = {{
      {"approve", {"REQUESTED"}, "OPEN", "returns/approve",
       "Return is not approvable. Only returns with status REQUESTED can be approved."},
      {"decline", {"REQUESTED"}, "DECLINED", "returns/decline",
       "Return is not declinable. Only returns with status REQUESTED can be declined."},
      {"close", {"OPEN"}, "CLOSED", "returns/close",
       "Return is not closable. Only returns with status OPEN can be closed."},
      {"reopen", {"CLOSED"}, "OPEN", "returns/reopen",
       "Return is not reopenable. Only returns with status CLOSED can be reopened."},
      {"cancel", {"REQUESTED", "OPEN"}, "CANCELED", "returns/cancel",
       "Return is not cancelable. Only returns with status REQUESTED or OPEN can be canceled."},
  }};
  const Rule* rule = nullptr;
  for (const auto& candidate : kRules) {
    if (candidate.verb == verb) rule = &candidate;
  }
  RH_CHECK(rule != nullptr, "unknown return verb");
  if (std::find(rule->from.begin(), rule->from.end(), r.status) == rule->from.end()) {
    return ReturnError{{"id"}, std::string(rule->message), "INVALID_STATE"};
  }
  r.status = std::string(rule->to);
  r.updated_at = action.now.wall;
  if (r.status == "CLOSED") r.closed_at = action.now.wall;
  if (r.status == "OPEN") r.closed_at.reset();
  if (verb == "decline") r.decline_reason = decline_reason.value_or("OTHER");
  ProduceWebhook(core, action, rule->topic, RenderReturn(core, order, r, rule->topic));
  return std::nullopt;
}

}  // namespace rh::mocks::shopify::detail
