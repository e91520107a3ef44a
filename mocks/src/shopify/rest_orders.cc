// REST orders and customers: the order listing with its documented filters and Link-header
// cursor pagination (page_info carries the filters, so a request with it accepts only limit and
// fields), get, count, update, close, open and cancel; customer search, get and their orders;
// webhook subscriptions; the shop. Every handler validates before it changes anything.
#include <algorithm>

#include "core.h"

namespace rh::mocks::shopify::detail {

namespace {

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 250;

std::int64_t Ns(sim::WallTime t) { return t.time_since_epoch().count(); }
sim::WallTime FromNs(std::int64_t ns) { return sim::WallTime(sim::Duration(ns)); }

std::optional<Id> ParseId(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  Id id = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + static_cast<Id>(c - '0');
  }
  return id;
}

// ---- Listing filters ----

struct OrderFilter {
  std::string status = "open";
  std::vector<Id> ids;
  std::optional<Id> since_id;
  std::optional<sim::WallTime> created_min, created_max, updated_min, updated_max, processed_min,
      processed_max;
  std::string financial_status = "any";
  std::string fulfillment_status = "any";
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<Id> customer_id;

  OrderedJson ToJson() const {
    OrderedJson j;
    j["status"] = status;
    j["ids"] = ids;
    j["since_id"] = since_id ? OrderedJson(*since_id) : OrderedJson(nullptr);
    auto t = [](const std::optional<sim::WallTime>& v) {
      return v ? OrderedJson(Ns(*v)) : OrderedJson(nullptr);
    };
    j["created_at_min"] = t(created_min);
    j["created_at_max"] = t(created_max);
    j["updated_at_min"] = t(updated_min);
    j["updated_at_max"] = t(updated_max);
    j["processed_at_min"] = t(processed_min);
    j["processed_at_max"] = t(processed_max);
    j["financial_status"] = financial_status;
    j["fulfillment_status"] = fulfillment_status;
    j["name"] = name ? OrderedJson(*name) : OrderedJson(nullptr);
    j["email"] = email ? OrderedJson(*email) : OrderedJson(nullptr);
    j["customer_id"] = customer_id ? OrderedJson(*customer_id) : OrderedJson(nullptr);
    return j;
  }

  static std::optional<OrderFilter> FromJson(const Json& j) {
    if (!j.is_object()) return std::nullopt;
    try {
      OrderFilter f;
      f.status = j.at("status").get<std::string>();
      f.ids = j.at("ids").get<std::vector<Id>>();
      auto id = [&](const char* k) -> std::optional<Id> {
        return j.at(k).is_null() ? std::nullopt : std::optional<Id>(j.at(k).get<Id>());
      };
      auto t = [&](const char* k) -> std::optional<sim::WallTime> {
        return j.at(k).is_null() ? std::nullopt : std::optional<sim::WallTime>(FromNs(j.at(k).get<std::int64_t>()));
      };
      auto s = [&](const char* k) -> std::optional<std::string> {
        return j.at(k).is_null() ? std::nullopt : std::optional<std::string>(j.at(k).get<std::string>());
      };
      f.since_id = id("since_id");
      f.created_min = t("created_at_min");
      f.created_max = t("created_at_max");
      f.updated_min = t("updated_at_min");
      f.updated_max = t("updated_at_max");
      f.processed_min = t("processed_at_min");
      f.processed_max = t("processed_at_max");
      f.financial_status = j.at("financial_status").get<std::string>();
      f.fulfillment_status = j.at("fulfillment_status").get<std::string>();
      f.name = s("name");
      f.email = s("email");
      f.customer_id = id("customer_id");
      return f;
    } catch (const Json::exception&) {
      return std::nullopt;
    }
  }

  bool Matches(const Order& o) const {
    if (status == "open" && (o.closed_at || o.cancelled_at)) return false;
    if (status == "closed" && !o.closed_at) return false;
    if (status == "cancelled" && !o.cancelled_at) return false;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), o.id) == ids.end()) return false;
    if (since_id && o.id <= *since_id) return false;
    if (created_min && o.created_at < *created_min) return false;
    if (created_max && o.created_at > *created_max) return false;
    if (updated_min && o.updated_at < *updated_min) return false;
    if (updated_max && o.updated_at > *updated_max) return false;
    if (processed_min && o.processed_at < *processed_min) return false;
    if (processed_max && o.processed_at > *processed_max) return false;
    if (financial_status == "unpaid") {
      if (o.financial_status != "authorized" && o.financial_status != "partially_paid") return false;
    } else if (financial_status != "any" && o.financial_status != financial_status) {
      return false;
    }
    const std::optional<std::string> fs = OrderFulfillmentStatus(o);
    if (fulfillment_status == "shipped" && fs != "fulfilled") return false;
    if (fulfillment_status == "partial" && fs != "partial") return false;
    if (fulfillment_status == "unshipped" && fs) return false;
    if (fulfillment_status == "unfulfilled" && fs == "fulfilled") return false;
    if (name) {
      const std::string with_hash = !name->empty() && (*name)[0] == '#' ? *name : "#" + *name;
      if (o.name != *name && o.name != with_hash) return false;
    }
    if (email && (!o.email || ToLower(*o.email) != ToLower(*email))) return false;
    if (customer_id && o.customer_id != customer_id) return false;
    return true;
  }
};

// The listing parameters a request may carry, decoded.
struct ListParams {
  int limit = kDefaultLimit;
  std::optional<std::string> fields;
  std::optional<std::string> page_info;
};

sim::Expected<ListParams, ApiError> ReadListParams(const sim::Request& http) {
  ListParams p;
  if (const auto limit = http.Query("limit")) {
    const std::optional<Id> n = ParseId(*limit);
    // Above 250 is refused rather than clamped (the reference leaves it open).
    if (!n || *n < 1 || *n > static_cast<Id>(kMaxLimit)) {
      return sim::MakeUnexpected(ErrorObject(400, OrderedJson{{"limit", "Invalid value."}}));
    }
    p.limit = static_cast<int>(*n);
  }
  p.fields = http.Query("fields");
  p.page_info = http.Query("page_info");
  if (p.page_info) {
    // With page_info only limit and fields are accepted (the filters are in the token). The
    // reference does not give the refusal's body; this is the wording Shopify is reported to use.
    for (const auto& [key, value] : http.QueryParams()) {
      if (key == "limit" || key == "fields" || key == "page_info") continue;
      OrderedJson errors;
      errors[key] = key + " cannot be passed when page_info is present. See "
                          "https://shopify.dev/api/usage/pagination-rest for more information.";
      return sim::MakeUnexpected(ErrorObject(400, std::move(errors)));
    }
  }
  return p;
}

// A token that does not decode, or belongs to another listing. The reference leaves the answer
// open; 400 {"errors":{"page_info":"Invalid value."}} is Shopify's usual shape for a bad parameter.
ApiError InvalidPageInfo() {
  return ErrorObject(400, OrderedJson{{"page_info", "Invalid value."}});
}

// A position in a listing: items are sorted by (primary, id), ascending or descending.
struct SortKey {
  std::int64_t primary = 0;
  Id id = 0;
};

bool Before(const SortKey& a, const SortKey& b, bool descending) {
  if (a.primary != b.primary) return descending ? a.primary > b.primary : a.primary < b.primary;
  return descending ? a.id > b.id : a.id < b.id;
}

struct PageResult {
  std::size_t begin = 0, end = 0;  // [begin, end) of the sorted listing
  std::optional<std::string> next_token, previous_token;
};

// Cuts a page out of `keys` (already in listing order) from the cursor in `token` (or the
// start), and makes the tokens of the neighbouring pages with `filters` baked in.
sim::Expected<PageResult, ApiError> Paginate(const std::vector<SortKey>& keys, bool descending,
                                             int limit, const std::optional<Json>& token,
                                                  const std::string& resource,
                                                  const OrderedJson& filters) {
  PageResult page;
  const std::size_t n = keys.size();
  const std::size_t lim = static_cast<std::size_t>(limit);
  if (!token) {
    page.begin = 0;
    page.end = std::min(n, lim);
  } else {
    SortKey cursor;
    std::string direction;
    try {
      cursor.primary = token->at("last_value").get<std::int64_t>();
      cursor.id = token->at("last_id").get<Id>();
      direction = token->at("direction").get<std::string>();
    } catch (const Json::exception&) {
      return sim::MakeUnexpected(InvalidPageInfo());
    }
    if (direction == "next") {
      std::size_t i = 0;
      while (i < n && !Before(cursor, keys[i], descending)) ++i;
      page.begin = i;
      page.end = std::min(n, i + lim);
    } else if (direction == "prev") {
      std::size_t i = 0;
      while (i < n && Before(keys[i], cursor, descending)) ++i;
      page.end = i;
      page.begin = i > lim ? i - lim : 0;
    } else {
      return sim::MakeUnexpected(InvalidPageInfo());
    }
  }
  auto make = [&](const SortKey& k, const char* direction) {
    OrderedJson t;
    t["resource"] = resource;
    t["direction"] = direction;
    t["last_id"] = k.id;
    t["last_value"] = k.primary;
    t["filters"] = filters;
    return EncodeToken(t);
  };
  if (page.begin < page.end) {
    if (page.end < n) page.next_token = make(keys[page.end - 1], "next");
    if (page.begin > 0) page.previous_token = make(keys[page.begin], "prev");
  }
  return page;
}

void SetLinkHeader(Core& core, sim::Response& response, const Call& call, int limit,
                   const PageResult& page, const std::string& resource) {
  const std::string base = core.LinkOrigin(call.request) + "/admin/api/" + call.version + resource +
                           "?limit=" + std::to_string(limit) + "&page_info=";
  std::string link;
  if (page.next_token) link += "<" + base + *page.next_token + ">; rel=\"next\"";
  if (page.previous_token) {
    if (!link.empty()) link += ", ";
    link += "<" + base + *page.previous_token + ">; rel=\"previous\"";
  }
  if (!link.empty()) response.headers.Set("Link", link);
}

// The stored value of one address field as an order update gives it, or nullopt when Shopify
// refuses its type. Choice: Shopify's address attributes are strings cast the Rails way, so a
// number (`"zip": 12345`) is kept as its text; `latitude` and `longitude` are numbers. An object,
// an array or a boolean is refused (422, {"errors":{"shipping_address":["is invalid"]}}), never
// stored as given. Null clears the field.
std::optional<OrderedJson> AddressFieldValue(const std::string& key, const Json& value) {
  if (value.is_null()) return OrderedJson(nullptr);
  if (key == "latitude" || key == "longitude") {
    if (value.is_number()) return OrderedJson::parse(value.dump());
    return std::nullopt;
  }
  if (value.is_string()) return OrderedJson(value.get<std::string>());
  if (value.is_number()) return OrderedJson(value.dump());
  return std::nullopt;
}

// Reads the order filters from the query; unknown enum values fall back to the default, as
// Shopify ignores values it does not know.
sim::Expected<OrderFilter, ApiError> ReadOrderFilter(Core& core, const sim::Request& http) {
  OrderFilter f;
  if (const auto v = http.Query("status")) {
    if (*v == "open" || *v == "closed" || *v == "cancelled" || *v == "any") f.status = *v;
  }
  if (const auto v = http.Query("ids")) {
    for (const auto& part : SplitTags(*v)) {
      const std::optional<Id> id = ParseId(part);
      if (!id) return sim::MakeUnexpected(ErrorObject(400, OrderedJson{{"ids", "Invalid value."}}));
      f.ids.push_back(*id);
    }
  }
  if (const auto v = http.Query("since_id")) {
    f.since_id = ParseId(*v);
    if (!f.since_id) return sim::MakeUnexpected(ErrorObject(400, OrderedJson{{"since_id", "Invalid value."}}));
  }
  struct TimeParam {
    const char* key;
    std::optional<sim::WallTime>* out;
  };
  for (const TimeParam& p : {TimeParam{"created_at_min", &f.created_min}, TimeParam{"created_at_max", &f.created_max},
                             TimeParam{"updated_at_min", &f.updated_min}, TimeParam{"updated_at_max", &f.updated_max},
                             TimeParam{"processed_at_min", &f.processed_min},
                             TimeParam{"processed_at_max", &f.processed_max}}) {
    if (const auto v = http.Query(p.key)) {
      *p.out = ParseTime(core, *v);
      if (!*p.out) {
        OrderedJson errors;
        errors[p.key] = "Invalid value.";
        return sim::MakeUnexpected(ErrorObject(400, std::move(errors)));
      }
    }
  }
  if (const auto v = http.Query("financial_status")) {
    static constexpr std::array<std::string_view, 9> kValues = {
        "authorized", "pending", "paid", "partially_paid", "refunded", "voided",
        "partially_refunded", "any", "unpaid"};
    if (std::find(kValues.begin(), kValues.end(), *v) != kValues.end()) f.financial_status = *v;
  }
  if (const auto v = http.Query("fulfillment_status")) {
    if (*v == "shipped" || *v == "fulfilled") f.fulfillment_status = "shipped";
    if (*v == "partial" || *v == "unshipped" || *v == "unfulfilled" || *v == "any") {
      f.fulfillment_status = *v;
    }
  }
  if (const auto v = http.Query("name")) f.name = *v;
  if (const auto v = http.Query("email")) {
    if (core.config.orders_email_filter == OrdersEmailFilter::kHonored) f.email = *v;
  }
  return f;
}

// GET listing of orders: the shared body of /orders.json and /customers/{id}/orders.json.
Reply ListOrdersWith(Core& core, const Call& call, std::optional<Id> customer_id) {
  auto params = ReadListParams(call.request);
  if (!params) return sim::MakeUnexpected(params.error());
  OrderFilter filter;
  std::optional<Json> token;
  if (params->page_info) {
    token = DecodeToken(*params->page_info);
    if (!token || !token->contains("filters") || token->value("resource", "") != call.resource) {
      return sim::MakeUnexpected(InvalidPageInfo());
    }
    auto baked = OrderFilter::FromJson((*token)["filters"]);
    if (!baked) return sim::MakeUnexpected(InvalidPageInfo());
    filter = std::move(*baked);
  } else {
    auto read = ReadOrderFilter(core, call.request);
    if (!read) return sim::MakeUnexpected(read.error());
    filter = std::move(*read);
    filter.customer_id = customer_id;
  }
  // Listing order: newest first (created_at desc, then id desc); with since_id, ascending ids,
  // which is how since_id walks. The reference does not state the default order; this is the
  // order Shopify's orders listing is commonly observed to use.
  const bool by_id = filter.since_id.has_value();
  std::vector<const Order*> matched;
  for (const Order* order : core.OrdersOf(filter.customer_id)) {
    if (filter.Matches(*order)) matched.push_back(order);
  }
  const bool descending = !by_id;
  std::vector<SortKey> keys;
  keys.reserve(matched.size());
  for (const Order* o : matched) keys.push_back({by_id ? 0 : Ns(o->created_at), o->id});
  std::vector<std::size_t> order_idx(matched.size());
  for (std::size_t i = 0; i < order_idx.size(); ++i) order_idx[i] = i;
  std::sort(order_idx.begin(), order_idx.end(),
            [&](std::size_t a, std::size_t b) { return Before(keys[a], keys[b], descending); });
  std::vector<SortKey> sorted_keys;
  std::vector<const Order*> sorted;
  for (std::size_t i : order_idx) {
    sorted_keys.push_back(keys[i]);
    sorted.push_back(matched[i]);
  }
  auto page = Paginate(sorted_keys, descending, params->limit, token, call.resource, filter.ToJson());
  if (!page) return sim::MakeUnexpected(page.error());
  OrderedJson list = OrderedJson::array();
  for (std::size_t i = page->begin; i < page->end; ++i) {
    OrderedJson rendered = RenderOrder(core, *sorted[i]);
    list.push_back(params->fields ? SelectFields(rendered, *params->fields) : std::move(rendered));
  }
  sim::Response response = JsonResponse(200, OrderedJson{{"orders", list}});
  SetLinkHeader(core, response, call, params->limit, *page, call.resource);
  return response;
}

Order* OrderFromPath(Core& core, const Call& call) {
  return core.FindOrder(call.params.GetUint("id").value_or(0));
}

sim::Response OrderResponse(Core& core, const Order& order, int status = 200) {
  return JsonResponse(status, OrderedJson{{"order", RenderOrder(core, order)}});
}

bool MoneyHeld(const Order& order) {
  return order.financial_status == "paid" || order.financial_status == "partially_paid" ||
         order.financial_status == "partially_refunded";
}

}  // namespace

Reply Core::ListOrders(Call& call) {
  return ListOrdersWith(*this, call, std::nullopt);
}

Reply Core::CountOrders(Call& call) {
  auto filter = ReadOrderFilter(*this, call.request);
  if (!filter) return sim::MakeUnexpected(filter.error());
  std::int64_t count = 0;
  for (const auto& [id, order] : state.orders) count += filter->Matches(order) ? 1 : 0;
  return JsonResponse(200, OrderedJson{{"count", count}});
}

Reply Core::GetOrder(Call& call) {
  const Order* order = OrderFromPath(*this, call);
  if (!order) return sim::MakeUnexpected(NotFound());
  if (const auto fields = call.request.Query("fields")) {
    return JsonResponse(200, OrderedJson{{"order", SelectFields(RenderOrder(*this, *order), *fields)}});
  }
  return sim::Response::Json(200, "{\"order\":" + OrderText(*order) + "}");
}

Reply Core::UpdateOrder(Call& call) {
  Order* order = OrderFromPath(*this, call);
  if (!order) return sim::MakeUnexpected(NotFound());
  auto body = BodyRoot(call, "order");
  if (!body) return sim::MakeUnexpected(body.error());
  const Json& in = *body;
  Order updated = *order;
  if (in.contains("tags")) {
    const Json& t = in["tags"];
    if (t.is_string()) {
      updated.tags = SplitTags(t.get<std::string>());
    } else if (t.is_null()) {
      updated.tags.clear();
    } else if (t.is_array()) {
      updated.tags.clear();
      for (const auto& item : t) {
        if (!item.is_string()) return sim::MakeUnexpected(Unprocessable("tags", "is invalid"));
        for (auto& part : SplitTags(item.get<std::string>())) updated.tags.push_back(std::move(part));
      }
    } else {
      return sim::MakeUnexpected(Unprocessable("tags", "is invalid"));
    }
  }
  if (in.contains("note")) {
    if (in["note"].is_null()) updated.note.reset();
    else if (in["note"].is_string()) updated.note = in["note"].get<std::string>();
    else return sim::MakeUnexpected(Unprocessable("note", "is invalid"));
  }
  if (in.contains("note_attributes")) {
    const Json& na = in["note_attributes"];
    if (!na.is_array()) return sim::MakeUnexpected(Unprocessable("note_attributes", "is invalid"));
    OrderedJson attrs = OrderedJson::array();
    for (const auto& a : na) {
      if (!a.is_object() || !a.contains("name") || !a["name"].is_string()) {
        return sim::MakeUnexpected(Unprocessable("note_attributes", "is invalid"));
      }
      OrderedJson value = a.contains("value") ? OrderedJson::parse(a["value"].dump()) : OrderedJson(nullptr);
      if (value.is_number()) value = value.dump(-1, ' ', false, kReplaceInvalidUtf8);
      attrs.push_back({{"name", a["name"].get<std::string>()}, {"value", value}});
    }
    updated.note_attributes = attrs;
  }
  if (in.contains("email")) {
    if (in["email"].is_null()) {
      updated.email.reset();
    } else if (in["email"].is_string() && in["email"].get<std::string>().find('@') != std::string::npos) {
      updated.email = in["email"].get<std::string>();
    } else {
      return sim::MakeUnexpected(Unprocessable("email", "is invalid"));
    }
  }
  if (in.contains("phone")) {
    if (in["phone"].is_null()) updated.phone.reset();
    else if (in["phone"].is_string()) updated.phone = in["phone"].get<std::string>();
    else return sim::MakeUnexpected(Unprocessable("phone", "is invalid"));
  }
  if (in.contains("shipping_address")) {
    const Json& a = in["shipping_address"];
    if (a.is_null()) {
      updated.shipping_address = nullptr;
    } else if (a.is_object()) {
      // Fields given replace those of the current address; others stay.
      if (!updated.shipping_address.is_object()) updated.shipping_address = OrderedJson::object();
      for (auto it = a.begin(); it != a.end(); ++it) {
        auto field = AddressFieldValue(it.key(), it.value());
        if (!field) return sim::MakeUnexpected(Unprocessable("shipping_address", "is invalid"));
        updated.shipping_address[it.key()] = std::move(*field);
      }
    } else {
      return sim::MakeUnexpected(Unprocessable("shipping_address", "is invalid"));
    }
  }
  const bool changed = updated.tags != order->tags || updated.note != order->note ||
                       updated.note_attributes != order->note_attributes ||
                       updated.email != order->email || updated.phone != order->phone ||
                       updated.shipping_address != order->shipping_address;
  if (changed) {
    *order = std::move(updated);
    OrderChanged(*this, call.action, *order);
  }
  return OrderResponse(*this, *order);
}

Reply Core::CloseOrder(Call& call) {
  Order* order = OrderFromPath(*this, call);
  if (!order) return sim::MakeUnexpected(NotFound());
  auto body = OptionalBody(call, "order");
  if (!body) return sim::MakeUnexpected(body.error());
  if (!order->closed_at) {
    order->closed_at = call.action.now.wall;
    OrderChanged(*this, call.action, *order);
  }
  return OrderResponse(*this, *order);
}

Reply Core::OpenOrder(Call& call) {
  Order* order = OrderFromPath(*this, call);
  if (!order) return sim::MakeUnexpected(NotFound());
  auto body = OptionalBody(call, "order");
  if (!body) return sim::MakeUnexpected(body.error());
  if (order->closed_at) {
    order->closed_at.reset();
    OrderChanged(*this, call.action, *order);
  }
  return OrderResponse(*this, *order);
}

Reply Core::CancelOrder(Call& call) {
  Order* order = OrderFromPath(*this, call);
  if (!order) return sim::MakeUnexpected(NotFound());
  auto body = OptionalBody(call, "order");
  if (!body) return sim::MakeUnexpected(body.error());
  const Json& in = *body;

  std::string reason = "other";
  if (in.contains("reason") && !in["reason"].is_null()) {
    static constexpr std::array<std::string_view, 5> kReasons = {"customer", "inventory", "fraud",
                                                                 "declined", "other"};
    if (!in["reason"].is_string() ||
        std::find(kReasons.begin(), kReasons.end(), in["reason"].get<std::string>()) == kReasons.end()) {
      return sim::MakeUnexpected(Unprocessable("reason", "is not included in the list"));
    }
    reason = in["reason"].get<std::string>();
  }
  // The refusals; the wording of the errors is not documented (reference, section 11).
  if (order->cancelled_at) {
    return sim::MakeUnexpected(ErrorObject(422, OrderedJson{{"base", OrderedJson::array({"Order has already been canceled"})}}));
  }
  if (HasOpenReturn(*order)) {
    return sim::MakeUnexpected(ErrorObject(422, OrderedJson{{"base", OrderedJson::array({"Order has an open return and can't be canceled"})}}));
  }
  const bool has_fulfillments = std::any_of(order->fulfillments.begin(), order->fulfillments.end(),
                                            [](const Fulfillment& f) { return f.status != "cancelled"; });
  if (MoneyHeld(*order) && has_fulfillments) {
    return sim::MakeUnexpected(ErrorObject(422, OrderedJson{{"base", OrderedJson::array({"Orders that are paid and have fulfillments can't be canceled"})}}));
  }

  // The money: an explicit refund, an amount, or by default everything that was paid (the REST
  // cancel is reported to refund the order when no refund is given; the reference's fixtures show
  // financial_status refunded after a plain cancel).
  std::optional<RefundPlan> plan;
  const OrderTotals totals = ComputeTotals(*order);
  const Cents held = totals.received - totals.refunded;
  if (in.contains("refund") && in["refund"].is_object()) {
    auto p = PlanRefund(*this, *order, in["refund"]);
    if (!p) return sim::MakeUnexpected(p.error());
    plan = std::move(*p);
  } else if (in.contains("amount") && !in["amount"].is_null()) {
    const std::optional<Cents> amount = ParseMoney(in["amount"]);
    if (!amount || *amount <= 0) return sim::MakeUnexpected(Unprocessable("amount", "is invalid"));
    if (*amount > held) return sim::MakeUnexpected(Unprocessable("amount", "cannot be greater than the refundable amount"));
    Json refund = {{"transactions", Json::array()}};
    for (const auto& t : order->transactions) {
      if (t.status == "success" && (t.kind == "sale" || t.kind == "capture")) {
        refund["transactions"] = Json::array({{{"parent_id", t.id}, {"amount", FormatMoney(*amount)}, {"kind", "refund"}}});
      }
    }
    auto p = PlanRefund(*this, *order, refund);
    if (!p) return sim::MakeUnexpected(p.error());
    plan = std::move(*p);
  } else if (held > 0) {
    Json refund = {{"shipping", {{"full_refund", true}}}, {"refund_line_items", Json::array()}};
    for (const auto& li : order->line_items) {
      if (li.quantity - li.refunded > 0) {
        refund["refund_line_items"].push_back({{"line_item_id", li.id},
                                               {"quantity", li.quantity - li.refunded},
                                               {"restock_type", "cancel"}});
      }
    }
    for (const auto& t : order->transactions) {
      if (t.status == "success" && (t.kind == "sale" || t.kind == "capture")) {
        refund["transactions"] = Json::array({{{"parent_id", t.id}, {"amount", FormatMoney(held)}, {"kind", "refund"}}});
      }
    }
    auto p = PlanRefund(*this, *order, refund);
    if (!p) return sim::MakeUnexpected(p.error());
    plan = std::move(*p);
  }

  // Everything checked: cancel.
  order->cancelled_at = call.action.now.wall;
  order->cancel_reason = reason;
  if (plan && (!plan->lines.empty() || !plan->transactions.empty() || plan->shipping != 0)) {
    ApplyRefund(*this, call.action, *order, std::move(*plan));
  }
  if (order->financial_status == "authorized" || order->financial_status == "pending") {
    for (const auto& t : order->transactions) {
      if (t.kind == "authorization" && t.status == "success") {
        Transaction v;
        v.id = NextId(IdKind::kTransaction);
        v.kind = "void";
        v.amount = t.amount;
        v.parent_id = t.id;
        v.created_at = call.action.now.wall;
        order->transactions.push_back(v);
        break;
      }
    }
    // Nothing was captured: the authorization (or the pending payment) is voided.
    order->financial_status = "voided";
  }
  for (auto& fo : order->fulfillment_orders) {
    if (fo.status == "closed" || fo.status == "cancelled") continue;
    fo.status = "closed";
    fo.request_status = "closed";
    for (auto& l : fo.lines) l.fulfillable = 0;
    fo.updated_at = call.action.now.wall;
  }
  order->updated_at = call.action.now.wall;
  ProduceWebhook(*this, call.action, "orders/cancelled", RenderOrder(*this, *order));
  ProduceWebhook(*this, call.action, "orders/updated", RenderOrder(*this, *order));
  return JsonResponse(200, OrderedJson{{"notice", "Order has been canceled"},
                                       {"order", RenderOrder(*this, *order)}});
}

// ---- Customers ----

Reply Core::SearchCustomers(Call& call) {
  auto params = ReadListParams(call.request);
  if (!params) return sim::MakeUnexpected(params.error());
  std::string query;
  std::optional<Json> token;
  if (params->page_info) {
    token = DecodeToken(*params->page_info);
    if (!token || token->value("resource", "") != call.resource || !token->contains("filters") ||
        !(*token)["filters"].contains("query") || !(*token)["filters"]["query"].is_string()) {
      return sim::MakeUnexpected(InvalidPageInfo());
    }
    query = (*token)["filters"]["query"].get<std::string>();
  } else {
    query = call.request.Query("query").value_or("");
  }
  // Most recent order first (customers without orders last), as the search's default order.
  std::vector<std::pair<SortKey, const Customer*>> matched;
  for (const auto& [id, c] : state.customers) {
    if (!CustomerMatches(*this, c, query)) continue;
    const CustomerStats stats = StatsOf(*this, c);
    const std::int64_t last = stats.last_order ? Ns(stats.last_order->created_at) : INT64_MIN;
    matched.push_back({SortKey{last, c.id}, &c});
  }
  std::sort(matched.begin(), matched.end(),
            [](const auto& a, const auto& b) { return Before(a.first, b.first, true); });
  std::vector<SortKey> keys;
  for (const auto& m : matched) keys.push_back(m.first);
  auto page = Paginate(keys, true, params->limit, token, call.resource, OrderedJson{{"query", query}});
  if (!page) return sim::MakeUnexpected(page.error());
  OrderedJson list = OrderedJson::array();
  for (std::size_t i = page->begin; i < page->end; ++i) {
    OrderedJson rendered = RenderCustomer(*this, *matched[i].second, false);
    list.push_back(params->fields ? SelectFields(rendered, *params->fields) : std::move(rendered));
  }
  sim::Response response = JsonResponse(200, OrderedJson{{"customers", list}});
  SetLinkHeader(*this, response, call, params->limit, *page, call.resource);
  return response;
}

Reply Core::GetCustomer(Call& call) {
  const Customer* c = FindCustomer(call.params.GetUint("id").value_or(0));
  if (!c) return sim::MakeUnexpected(NotFound());
  OrderedJson rendered = RenderCustomer(*this, *c, false);
  if (const auto fields = call.request.Query("fields")) rendered = SelectFields(rendered, *fields);
  return JsonResponse(200, OrderedJson{{"customer", rendered}});
}

Reply Core::CustomerOrders(Call& call) {
  const Customer* c = FindCustomer(call.params.GetUint("id").value_or(0));
  if (!c) return sim::MakeUnexpected(NotFound());
  return ListOrdersWith(*this, call, c->id);
}

// ---- Webhook subscriptions ----

Reply Core::ListSubscriptions(Call& call) {
  const std::optional<std::string> topic = call.request.Query("topic");
  OrderedJson list = OrderedJson::array();
  for (const auto& [id, s] : state.subscriptions) {
    if (topic && s.topic != *topic) continue;
    list.push_back(RenderSubscription(*this, s));
  }
  return JsonResponse(200, OrderedJson{{"webhooks", list}});
}

Reply Core::CreateSubscription(Call& call) {
  auto body = BodyRoot(call, "webhook");
  if (!body) return sim::MakeUnexpected(body.error());
  const Json& in = *body;
  static constexpr std::array<std::string_view, 22> kTopics = {
      "orders/create", "orders/updated", "orders/cancelled", "orders/fulfilled",
      "orders/partially_fulfilled", "orders/paid", "orders/edited", "orders/delete",
      "fulfillments/create", "fulfillments/update", "refunds/create", "returns/request",
      "returns/approve", "returns/decline", "returns/cancel", "returns/close", "returns/reopen",
      "returns/update", "returns/process", "customers/create", "customers/update",
      "app/uninstalled"};
  const std::string topic = in.contains("topic") && in["topic"].is_string() ? in["topic"].get<std::string>() : "";
  if (topic.empty()) return sim::MakeUnexpected(Unprocessable("topic", "can't be blank"));
  if (std::find(kTopics.begin(), kTopics.end(), topic) == kTopics.end()) {
    return sim::MakeUnexpected(Unprocessable("topic", "Invalid topic specified: " + topic));
  }
  const std::string address = in.contains("address") && in["address"].is_string() ? in["address"].get<std::string>() : "";
  std::string_view rest = address;
  if (rest.substr(0, 8) == "https://") rest.remove_prefix(8);
  else if (rest.substr(0, 7) == "http://") rest.remove_prefix(7);
  else return sim::MakeUnexpected(Unprocessable("address", "is invalid"));
  const auto slash = rest.find('/');
  const std::string host(rest.substr(0, slash));
  const std::string path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (host.empty()) return sim::MakeUnexpected(Unprocessable("address", "is invalid"));
  for (const auto& [id, s] : state.subscriptions) {
    if (s.topic == topic && s.host == host && s.path == path) {
      return sim::MakeUnexpected(Unprocessable("address", "for this topic has already been taken"));
    }
  }
  const Id id = AddSubscriptionImpl(*this, {topic, host, path, true}, call.action.now.wall);
  WebhookSubscription& s = state.subscriptions.at(id);
  s.address = address;
  return JsonResponse(201, OrderedJson{{"webhook", RenderSubscription(*this, s)}});
}

Reply Core::GetSubscription(Call& call) {
  const auto it = state.subscriptions.find(call.params.GetUint("id").value_or(0));
  if (it == state.subscriptions.end()) return sim::MakeUnexpected(NotFound());
  return JsonResponse(200, OrderedJson{{"webhook", RenderSubscription(*this, it->second)}});
}

Reply Core::DeleteSubscription(Call& call) {
  const auto it = state.subscriptions.find(call.params.GetUint("id").value_or(0));
  if (it == state.subscriptions.end()) return sim::MakeUnexpected(NotFound());
  state.subscriptions.erase(it);
  return JsonResponse(200, OrderedJson::object());
}

Reply Core::GetShop(Call&) {
  OrderedJson shop;
  shop["name"] = config.shop_name;
  shop["domain"] = config.shop_domain;
  shop["myshopify_domain"] = config.shop_domain;
  shop["currency"] = config.currency;
  const char* plans[] = {"basic", "professional", "shopify_plus", "enterprise"};
  shop["plan_name"] = plans[static_cast<int>(config.plan)];
  return JsonResponse(200, OrderedJson{{"shop", shop}});
}

}  // namespace rh::mocks::shopify::detail
