// Values (money, times, gids, tags, tokens), derived order values (totals, fulfillment status,
// customer statistics) and the REST shapes of every resource. Key order follows the reference's
// example order (section 3) and Shopify's fixtures, so bodies read like the real ones and print
// the same every run. Pure functions of the state.
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "core.h"
#include "sim/crypto.h"

namespace rh::mocks::shopify::detail {

// ---- Values ----

std::string FormatMoney(Cents cents) {
  const bool negative = cents < 0;
  const std::uint64_t abs = negative ? static_cast<std::uint64_t>(-(cents + 1)) + 1
                                     : static_cast<std::uint64_t>(cents);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s%llu.%02llu", negative ? "-" : "",
                static_cast<unsigned long long>(abs / 100),
                static_cast<unsigned long long>(abs % 100));
  return buf;
}

std::optional<Cents> ParseMoney(const Json& value) {
  if (value.is_number_integer()) return value.get<std::int64_t>() * 100;
  if (value.is_number_float()) {
    const double d = value.get<double>() * 100.0;
    const double rounded = d < 0 ? -static_cast<double>(static_cast<std::int64_t>(-d + 0.5))
                                 : static_cast<double>(static_cast<std::int64_t>(d + 0.5));
    if (d - rounded > 1e-6 || rounded - d > 1e-6) return std::nullopt;
    return static_cast<Cents>(rounded);
  }
  if (!value.is_string()) return std::nullopt;
  const std::string& s = value.get_ref<const std::string&>();
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && s[i] == '-') {
    negative = true;
    ++i;
  }
  Cents whole = 0;
  std::size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    whole = whole * 10 + (s[i] - '0');
    ++i;
    ++digits;
    if (digits > 15) return std::nullopt;
  }
  if (digits == 0) return std::nullopt;
  Cents frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int fd = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (fd == 2) {
        if (s[i] != '0') return std::nullopt;  // more precision than cents
      } else {
        frac = frac * 10 + (s[i] - '0');
        ++fd;
      }
      ++i;
    }
    if (fd == 1) frac *= 10;
  }
  if (i != s.size()) return std::nullopt;
  const Cents total = whole * 100 + frac;
  return negative ? -total : total;
}

OrderedJson MoneySet(Cents cents, const std::string& currency) {
  OrderedJson money = {{"amount", FormatMoney(cents)}, {"currency_code", currency}};
  return OrderedJson{{"shop_money", money}, {"presentment_money", money}};
}

std::string FormatTime(const Core& core, sim::WallTime t) {
  return sim::FormatRfc3339(t, core.config.utc_offset, 0);
}

OrderedJson TimeOrNull(const Core& core, const std::optional<sim::WallTime>& t) {
  return t ? OrderedJson(FormatTime(core, *t)) : OrderedJson(nullptr);
}

std::optional<sim::WallTime> ParseTime(const Core& core, std::string_view text) {
  sim::WallTime out{};
  if (sim::ParseRfc3339(text, out)) return out;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    // A date: midnight in the shop's offset, as Shopify reads date-only filters.
    const std::string full = std::string(text) + "T00:00:00Z";
    if (sim::ParseRfc3339(full, out)) return out - core.config.utc_offset;
  }
  return std::nullopt;
}

std::string Gid(std::string_view type, Id id) {
  return "gid://shopify/" + std::string(type) + "/" + std::to_string(id);
}

std::optional<Id> ParseGid(std::string_view type, std::string_view gid) {
  const std::string prefix = "gid://shopify/" + std::string(type) + "/";
  if (gid.substr(0, prefix.size()) != prefix) return std::nullopt;
  std::string_view digits = gid.substr(prefix.size());
  const auto q = digits.find('?');
  if (q != std::string_view::npos) digits = digits.substr(0, q);
  if (digits.empty() || digits.size() > 20) return std::nullopt;
  Id id = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + static_cast<Id>(c - '0');
  }
  return id;
}

std::string JoinTags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) {
    if (!out.empty()) out += ", ";
    out += t;
  }
  return out;
}

std::vector<std::string> SplitTags(std::string_view tags) {
  std::vector<std::string> out;
  while (!tags.empty()) {
    const auto comma = tags.find(',');
    std::string_view part = tags.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty() && std::find(out.begin(), out.end(), part) == out.end()) {
      out.emplace_back(part);
    }
    if (comma == std::string_view::npos) break;
    tags.remove_prefix(comma + 1);
  }
  return out;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool WildcardMatch(std::string_view pattern, std::string_view text) {
  const std::string p = ToLower(pattern);
  const std::string t = ToLower(text);
  std::size_t pi = 0, ti = 0, star = std::string::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && p[pi] == t[ti]) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::string EncodeToken(const OrderedJson& payload) {
  std::string b64 = sim::Base64Encode(payload.dump(-1, ' ', false, kReplaceInvalidUtf8));
  for (char& c : b64) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return b64;
}

std::optional<Json> DecodeToken(std::string_view token) {
  if (token.empty() || token.size() > 4096) return std::nullopt;
  std::string b64(token);
  for (char& c : b64) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (c == '+' || c == '/' || c == '=') return std::nullopt;
  }
  std::string raw;
  if (!sim::Base64Decode(b64, raw)) return std::nullopt;
  Json j = ParseJsonText(raw);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

// ---- Derived order values ----

OrderTotals ComputeTotals(const Order& order) {
  OrderTotals t;
  for (const auto& line : order.line_items) {
    t.line_items_price += line.price * line.quantity;
    t.discounts += line.total_discount;
    t.tax += line.tax;
    const int current = line.quantity - line.refunded;
    const Cents disc = line.quantity > 0 ? line.total_discount * current / line.quantity : 0;
    const Cents tax = line.quantity > 0 ? line.tax * current / line.quantity : 0;
    t.current_subtotal += line.price * current - disc;
    t.current_discounts += disc;
    t.current_tax += tax;
  }
  t.subtotal = t.line_items_price - t.discounts;
  t.total = t.subtotal + t.tax + order.shipping;
  Cents shipping_refunded = 0;
  for (const auto& r : order.refunds) shipping_refunded += r.shipping;
  t.current_total = t.current_subtotal + t.current_tax + order.shipping - shipping_refunded;
  for (const auto& tx : order.transactions) {
    if (tx.status != "success") continue;
    if (tx.kind == "sale" || tx.kind == "capture") t.received += tx.amount;
    if (tx.kind == "authorization") t.authorized += tx.amount;
    if (tx.kind == "refund") t.refunded += tx.amount;
  }
  // What the customer still owes: nothing once cancelled; refunds do not make an order owe.
  t.outstanding = order.cancelled_at ? 0 : std::max<Cents>(0, t.total - t.received);
  return t;
}

int Fulfillable(const Order& order, const LineItem& line) {
  if (order.cancelled_at) return 0;
  return std::max(0, line.quantity - line.refunded - line.fulfilled);
}

std::optional<std::string> LineFulfillmentStatus(const LineItem& line) {
  const int current = line.quantity - line.refunded;
  if (line.fulfilled > 0 && line.fulfilled >= current) return "fulfilled";
  if (line.fulfilled > 0) return "partial";
  return std::nullopt;
}

std::optional<std::string> OrderFulfillmentStatus(const Order& order) {
  int shippable = 0, complete = 0, touched = 0;
  for (const auto& line : order.line_items) {
    if (!line.requires_shipping) continue;
    const int current = line.quantity - line.refunded;
    if (current <= 0 && line.fulfilled == 0) continue;
    ++shippable;
    if (line.fulfilled > 0) ++touched;
    if (line.fulfilled >= current) ++complete;
  }
  if (shippable == 0 || touched == 0) return std::nullopt;
  if (complete == shippable) return "fulfilled";
  return "partial";
}

bool HasOpenReturn(const Order& order) {
  return std::any_of(order.returns.begin(), order.returns.end(), [](const Return& r) {
    return r.status == "REQUESTED" || r.status == "OPEN";
  });
}

bool IsShipmentStatus(std::string_view status) {
  static constexpr std::array<std::string_view, 12> kStatuses = {
      "label_printed", "label_purchased", "attempted_delivery", "ready_for_pickup",
      "confirmed",     "in_transit",      "out_for_delivery",   "delivered",
      "failure",       "carrier_picked_up", "delayed",          "picked_up"};
  return std::find(kStatuses.begin(), kStatuses.end(), status) != kStatuses.end();
}

CustomerStats StatsOf(const Core& core, const Customer& customer) {
  CustomerStats stats;
  const auto it = core.orders_of_customer.find(customer.id);
  if (it == core.orders_of_customer.end()) return stats;
  for (Id order_id : it->second) {
    const auto o = core.state.orders.find(order_id);
    if (o == core.state.orders.end()) continue;
    const Order& order = o->second;
    ++stats.orders_count;
    const OrderTotals t = ComputeTotals(order);
    stats.total_spent += t.received - t.refunded;
    if (!stats.last_order || order.created_at > stats.last_order->created_at ||
        (order.created_at == stats.last_order->created_at && order.id > stats.last_order->id)) {
      stats.last_order = &order;
    }
  }
  return stats;
}

// ---- REST shapes ----

namespace {

OrderedJson OptString(const std::optional<std::string>& s) {
  return s ? OrderedJson(*s) : OrderedJson(nullptr);
}

OrderedJson OptId(const std::optional<Id>& id) {
  return id ? OrderedJson(*id) : OrderedJson(nullptr);
}

OrderedJson DefaultAddress(const Customer& c) {
  if (!c.addresses.is_array() || c.addresses.empty()) return nullptr;
  return RenderCustomerAddress(c, 0);
}

// A tax line: `tax` on `base`, the rate to four decimals as Shopify shows it (0.0825).
OrderedJson TaxLine(Cents tax, Cents base, const std::string& currency) {
  const double rate = base > 0 ? static_cast<double>(static_cast<std::int64_t>(tax * 10000.0 / base + 0.5)) / 10000.0 : 0.0;
  return OrderedJson{{"price", FormatMoney(tax)},
                     {"rate", rate},
                     {"title", "Tax"},
                     {"price_set", MoneySet(tax, currency)},
                     {"channel_liable", false}};
}

// Cents as a JSON number of the currency's units (refund line subtotals are numbers).
OrderedJson MoneyNumber(Cents cents) { return static_cast<double>(cents) / 100.0; }

}  // namespace

OrderedJson RenderLineItem(const Core& core, const Order& order, const LineItem& line,
                           std::optional<int> quantity) {
  (void)core;
  OrderedJson j;
  j["id"] = line.id;
  j["admin_graphql_api_id"] = Gid("LineItem", line.id);
  j["attributed_staffs"] = OrderedJson::array();
  j["variant_id"] = OptId(line.variant_id);
  j["product_id"] = OptId(line.product_id);
  j["title"] = line.title;
  j["variant_title"] = OptString(line.variant_title);
  j["name"] = line.variant_title ? line.title + " - " + *line.variant_title : line.title;
  j["sku"] = OptString(line.sku);
  j["vendor"] = line.vendor.empty() ? OrderedJson(nullptr) : OrderedJson(line.vendor);
  j["quantity"] = quantity.value_or(line.quantity);
  j["current_quantity"] = line.quantity - line.refunded;
  j["fulfillable_quantity"] = Fulfillable(order, line);
  j["fulfillment_service"] = "manual";
  j["fulfillment_status"] = OptString(LineFulfillmentStatus(line));
  j["grams"] = line.grams;
  j["price"] = FormatMoney(line.price);
  j["price_set"] = MoneySet(line.price, order.currency);
  j["requires_shipping"] = line.requires_shipping;
  j["taxable"] = line.taxable;
  j["total_discount"] = FormatMoney(line.total_discount);
  j["total_discount_set"] = MoneySet(line.total_discount, order.currency);
  j["gift_card"] = false;
  j["product_exists"] = line.product_id.has_value();
  j["properties"] = OrderedJson::array();
  j["sales_line_item_group_id"] = nullptr;
  j["variant_inventory_management"] = nullptr;
  OrderedJson tax_lines = OrderedJson::array();
  if (line.tax != 0) tax_lines.push_back(TaxLine(line.tax, line.price * line.quantity - line.total_discount, order.currency));
  j["tax_lines"] = tax_lines;
  j["discount_allocations"] = OrderedJson::array();
  j["duties"] = OrderedJson::array();
  return j;
}

OrderedJson RenderCustomer(const Core& core, const Customer& c, bool embedded) {
  if (embedded) return RenderEmbeddedCustomer(core, c);
  OrderedJson j;
  j["id"] = c.id;
  j["email"] = c.email.empty() ? OrderedJson(nullptr) : OrderedJson(c.email);
  j["created_at"] = FormatTime(core, c.created_at);
  j["updated_at"] = FormatTime(core, c.updated_at);
  j["first_name"] = c.first_name;
  j["last_name"] = c.last_name;
  const CustomerStats stats = StatsOf(core, c);
  j["orders_count"] = stats.orders_count;
  j["state"] = c.state;
  j["total_spent"] = FormatMoney(stats.total_spent);
  j["last_order_id"] = stats.last_order ? OrderedJson(stats.last_order->id) : nullptr;
  j["note"] = OptString(c.note);
  j["verified_email"] = c.verified_email;
  j["multipass_identifier"] = nullptr;
  j["tax_exempt"] = c.tax_exempt;
  j["tags"] = JoinTags(c.tags);
  j["last_order_name"] = stats.last_order ? OrderedJson(stats.last_order->name) : nullptr;
  j["currency"] = c.currency;
  j["phone"] = OptString(c.phone);
  OrderedJson addresses = OrderedJson::array();
  for (std::size_t i = 0; i < c.addresses.size(); ++i) addresses.push_back(RenderCustomerAddress(c, i));
  j["addresses"] = addresses;
  j["tax_exemptions"] = OrderedJson::array();
  j["email_marketing_consent"] = c.email_marketing_consent;
  j["sms_marketing_consent"] = c.sms_marketing_consent;
  j["admin_graphql_api_id"] = Gid("Customer", c.id);
  j["default_address"] = DefaultAddress(c);
  return j;
}

// The customer inside an order: from 2025-01 it has no tags, no marketing consent, no
// orders_count, total_spent or last_order_* (Shopify's 2026-01 example order carries exactly
// these keys, in this order).
OrderedJson RenderEmbeddedCustomer(const Core& core, const Customer& c) {
  OrderedJson j;
  j["id"] = c.id;
  j["created_at"] = FormatTime(core, c.created_at);
  j["updated_at"] = FormatTime(core, c.updated_at);
  j["first_name"] = c.first_name;
  j["last_name"] = c.last_name;
  j["state"] = c.state;
  j["note"] = OptString(c.note);
  j["verified_email"] = c.verified_email;
  j["multipass_identifier"] = nullptr;
  j["tax_exempt"] = c.tax_exempt;
  j["email"] = c.email.empty() ? OrderedJson(nullptr) : OrderedJson(c.email);
  j["phone"] = OptString(c.phone);
  j["currency"] = c.currency;
  j["tax_exemptions"] = OrderedJson::array();
  j["admin_graphql_api_id"] = Gid("Customer", c.id);
  j["default_address"] = DefaultAddress(c);
  return j;
}

OrderedJson RenderTransaction(const Core& core, const Order& order, const Transaction& t) {
  std::size_t position = 1;
  for (std::size_t i = 0; i < order.transactions.size(); ++i) {
    if (order.transactions[i].id == t.id) position = i + 1;
  }
  const OrderedJson unsettled = {{"amount", "0.00"}, {"currency", order.currency}};
  // Shopify's key order (the refunds/create example's transactions).
  OrderedJson j;
  j["id"] = t.id;
  j["order_id"] = order.id;
  j["kind"] = t.kind;
  j["gateway"] = t.gateway;
  j["status"] = t.status;
  j["message"] = nullptr;
  j["created_at"] = FormatTime(core, t.created_at);
  j["test"] = order.test;
  j["authorization"] = nullptr;
  j["location_id"] = nullptr;
  j["user_id"] = nullptr;
  j["parent_id"] = OptId(t.parent_id);
  j["processed_at"] = FormatTime(core, t.created_at);
  j["device_id"] = nullptr;
  j["error_code"] = nullptr;
  j["source_name"] = "external";
  j["receipt"] = OrderedJson::object();
  j["amount"] = FormatMoney(t.amount);
  j["currency"] = order.currency;
  j["payment_id"] = order.name + "." + std::to_string(position);
  j["total_unsettled_set"] = {{"presentment_money", unsettled}, {"shop_money", unsettled}};
  j["manual_payment_gateway"] = false;
  j["amount_rounding"] = nullptr;
  j["admin_graphql_api_id"] = Gid("OrderTransaction", t.id);
  return j;
}

OrderedJson RenderFulfillment(const Core& core, const Order& order, const Fulfillment& f) {
  OrderedJson j;
  j["id"] = f.id;
  j["admin_graphql_api_id"] = Gid("Fulfillment", f.id);
  j["order_id"] = order.id;
  j["name"] = order.name + "." + std::to_string(f.sequence);
  j["status"] = f.status;
  j["shipment_status"] = OptString(f.shipment_status);
  j["created_at"] = FormatTime(core, f.created_at);
  j["updated_at"] = FormatTime(core, f.updated_at);
  j["location_id"] = f.location_id;
  j["service"] = f.service;
  j["tracking_company"] = OptString(f.tracking_company);
  j["tracking_number"] =
      f.tracking_numbers.empty() ? OrderedJson(nullptr) : OrderedJson(f.tracking_numbers.front());
  j["tracking_numbers"] = f.tracking_numbers;
  j["tracking_url"] =
      f.tracking_urls.empty() ? OrderedJson(nullptr) : OrderedJson(f.tracking_urls.front());
  j["tracking_urls"] = f.tracking_urls;
  j["origin_address"] = nullptr;
  j["email"] = OptString(order.email);
  j["destination"] = RenderAddress(order.shipping_address);
  j["receipt"] = OrderedJson::object();
  OrderedJson lines = OrderedJson::array();
  for (const auto& fl : f.lines) {
    for (const auto& line : order.line_items) {
      if (line.id == fl.line_item_id) lines.push_back(RenderLineItem(core, order, line, fl.quantity));
    }
  }
  j["line_items"] = lines;
  return j;
}

namespace {

OrderedJson SupportedActions(const FulfillmentOrder& fo) {
  if (fo.status == "open" || fo.status == "in_progress") {
    return OrderedJson::array({"create_fulfillment", "move", "hold"});
  }
  if (fo.status == "on_hold") return OrderedJson::array({"release_hold"});
  if (fo.status == "scheduled") return OrderedJson::array({"mark_as_open"});
  return OrderedJson::array();
}

}  // namespace

OrderedJson RenderFulfillmentOrder(const Core& core, const Order& order,
                                   const FulfillmentOrder& fo) {
  OrderedJson j;
  j["id"] = fo.id;
  j["admin_graphql_api_id"] = Gid("FulfillmentOrder", fo.id);
  j["order_id"] = order.id;
  j["assigned_location_id"] = fo.assigned_location_id;
  j["request_status"] = fo.request_status;
  j["status"] = fo.status;
  j["fulfill_at"] = TimeOrNull(core, fo.fulfill_at);
  j["fulfill_by"] = nullptr;
  j["supported_actions"] = SupportedActions(fo);
  OrderedJson destination = nullptr;
  if (order.shipping_address.is_object()) {
    destination = OrderedJson::object();
    for (const char* key : {"address1", "address2", "city", "company", "country", "first_name",
                            "last_name", "phone", "province", "zip"}) {
      destination[key] = order.shipping_address.contains(key) ? order.shipping_address[key]
                                                             : OrderedJson(nullptr);
    }
    destination["email"] = OptString(order.email);
  }
  j["destination"] = destination;
  OrderedJson lines = OrderedJson::array();
  for (const auto& l : fo.lines) {
    OrderedJson line;
    line["id"] = l.id;
    line["fulfillment_order_id"] = fo.id;
    line["quantity"] = l.quantity;
    line["line_item_id"] = l.line_item_id;
    line["inventory_item_id"] = nullptr;
    line["fulfillable_quantity"] = l.fulfillable;
    std::optional<Id> variant;
    for (const auto& li : order.line_items) {
      if (li.id == l.line_item_id) variant = li.variant_id;
    }
    line["variant_id"] = OptId(variant);
    lines.push_back(std::move(line));
  }
  j["line_items"] = lines;
  j["international_duties"] = nullptr;
  OrderedJson holds = OrderedJson::array();
  for (const auto& h : fo.holds) {
    holds.push_back({{"reason", h.reason}, {"reason_notes", OptString(h.reason_notes)}});
  }
  j["fulfillment_holds"] = holds;
  j["fulfillment_service_handle"] = "manual";
  j["assigned_location"] = {{"location_id", fo.assigned_location_id},
                            {"name", core.config.location_name}};
  j["merchant_requests"] = OrderedJson::array();
  j["delivery_method"] = {{"method_type", "shipping"}};
  j["created_at"] = FormatTime(core, fo.created_at);
  j["updated_at"] = FormatTime(core, fo.updated_at);
  return j;
}

OrderedJson RenderFulfillmentEvent(const Core& core, const Order& order, const Fulfillment& f,
                                   const FulfillmentEvent& e) {
  OrderedJson j;
  j["id"] = e.id;
  j["admin_graphql_api_id"] = Gid("FulfillmentEvent", e.id);
  j["fulfillment_id"] = f.id;
  j["order_id"] = order.id;
  j["status"] = e.status;
  j["message"] = OptString(e.message);
  j["happened_at"] = FormatTime(core, e.happened_at);
  for (const char* key : {"city", "province", "country", "zip", "address1", "latitude",
                          "longitude"}) {
    j[key] = e.location.contains(key) ? e.location[key] : OrderedJson(nullptr);
  }
  j["estimated_delivery_at"] = TimeOrNull(core, e.estimated_delivery_at);
  j["created_at"] = FormatTime(core, e.created_at);
  j["updated_at"] = FormatTime(core, e.created_at);
  return j;
}

OrderedJson RenderRefund(const Core& core, const Order& order, const Refund& r) {
  OrderedJson j;
  j["id"] = r.id;
  j["admin_graphql_api_id"] = Gid("Refund", r.id);
  j["order_id"] = order.id;
  j["created_at"] = FormatTime(core, r.created_at);
  j["note"] = OptString(r.note);
  j["user_id"] = nullptr;
  j["processed_at"] = FormatTime(core, r.processed_at);
  j["restock"] = r.restock;
  j["duties"] = OrderedJson::array();
  j["total_duties_set"] = MoneySet(0, order.currency);
  j["return"] = nullptr;
  OrderedJson lines = OrderedJson::array();
  for (const auto& rl : r.lines) {
    OrderedJson line;
    line["id"] = rl.id;
    line["line_item_id"] = rl.line_item_id;
    line["location_id"] = OptId(rl.location_id);
    line["quantity"] = rl.quantity;
    line["restock_type"] = rl.restock_type;
    line["subtotal"] = MoneyNumber(rl.subtotal);
    line["subtotal_set"] = MoneySet(rl.subtotal, order.currency);
    line["total_tax"] = MoneyNumber(rl.tax);
    line["total_tax_set"] = MoneySet(rl.tax, order.currency);
    for (const auto& li : order.line_items) {
      if (li.id == rl.line_item_id) line["line_item"] = RenderLineItem(core, order, li);
    }
    lines.push_back(std::move(line));
  }
  j["refund_line_items"] = lines;
  OrderedJson txs = OrderedJson::array();
  for (const auto& t : r.transactions) txs.push_back(RenderTransaction(core, order, t));
  j["transactions"] = txs;
  j["order_adjustments"] = OrderedJson::array();
  OrderedJson shipping_lines = OrderedJson::array();
  if (r.shipping != 0) {
    shipping_lines.push_back({{"subtotal_amount_set", MoneySet(r.shipping, order.currency)},
                              {"tax_amount_set", MoneySet(0, order.currency)}});
  }
  j["refund_shipping_lines"] = shipping_lines;
  return j;
}

namespace {

// Tax lines of the whole order: one per rate title, summed over the line items.
OrderedJson OrderTaxLines(const Order& o, const OrderTotals& t) {
  OrderedJson lines = OrderedJson::array();
  if (t.tax != 0) lines.push_back(TaxLine(t.tax, t.subtotal, o.currency));
  return lines;
}

OrderedJson PaymentGatewayNames(const Order& o) {
  OrderedJson names = OrderedJson::array();
  for (const auto& tx : o.transactions) {
    if (tx.kind == "refund" || tx.kind == "void") continue;
    if (std::find(names.begin(), names.end(), tx.gateway) == names.end()) names.push_back(tx.gateway);
  }
  return names;
}

OrderedJson ShippingLines(const Order& o) {
  OrderedJson lines = OrderedJson::array();
  if (o.shipping == 0) return lines;
  OrderedJson line;
  line["id"] = o.id + 1;  // shipping lines have no id kind; one per order
  line["carrier_identifier"] = nullptr;
  line["code"] = o.shipping_title;
  line["current_discounted_price_set"] = MoneySet(o.shipping, o.currency);
  line["discounted_price"] = FormatMoney(o.shipping);
  line["discounted_price_set"] = MoneySet(o.shipping, o.currency);
  line["is_removed"] = false;
  line["phone"] = nullptr;
  line["price"] = FormatMoney(o.shipping);
  line["price_set"] = MoneySet(o.shipping, o.currency);
  line["requested_fulfillment_service_id"] = nullptr;
  line["source"] = "shopify";
  line["title"] = o.shipping_title;
  line["tax_lines"] = OrderedJson::array();
  line["discount_allocations"] = OrderedJson::array();
  lines.push_back(std::move(line));
  return lines;
}

std::int64_t TotalWeightGrams(const Order& o) {
  std::int64_t grams = 0;
  for (const auto& line : o.line_items) grams += static_cast<std::int64_t>(line.grams) * (line.quantity - line.refunded);
  return grams;
}

}  // namespace

// The order with every key of Shopify's 2026-01 example order, in its order: the scalars
// alphabetically, then the nested documents. `company` appears only on B2B orders, so never.
OrderedJson RenderOrder(const Core& core, const Order& o) {
  const OrderTotals t = ComputeTotals(o);
  const std::string& cur = o.currency;
  const Customer* customer = nullptr;
  if (o.customer_id) {
    const auto c = core.state.customers.find(*o.customer_id);
    if (c != core.state.customers.end()) customer = &c->second;
  }
  const bool accepts_marketing = customer && customer->email_marketing_consent.is_object() &&
                                 customer->email_marketing_consent.value("state", "") == "subscribed";
  Cents shipping_refunded = 0;
  for (const auto& r : o.refunds) shipping_refunded += r.shipping;
  OrderedJson j;
  j["id"] = o.id;
  j["admin_graphql_api_id"] = Gid("Order", o.id);
  j["app_id"] = nullptr;
  j["browser_ip"] = nullptr;
  j["buyer_accepts_marketing"] = accepts_marketing;
  j["cancel_reason"] = OptString(o.cancel_reason);
  j["cancelled_at"] = TimeOrNull(core, o.cancelled_at);
  j["cart_token"] = nullptr;
  j["checkout_id"] = nullptr;
  j["checkout_token"] = CheckoutToken(core, o.id);
  j["client_details"] = nullptr;
  j["closed_at"] = TimeOrNull(core, o.closed_at);
  j["confirmation_number"] = ConfirmationNumber(core, o.id);
  j["confirmed"] = true;
  j["contact_email"] = OptString(o.email);
  j["created_at"] = FormatTime(core, o.created_at);
  j["currency"] = cur;
  j["current_shipping_price_set"] = MoneySet(o.shipping - shipping_refunded, cur);
  j["current_subtotal_price"] = FormatMoney(t.current_subtotal);
  j["current_subtotal_price_set"] = MoneySet(t.current_subtotal, cur);
  j["current_total_additional_fees_set"] = nullptr;
  j["current_total_discounts"] = FormatMoney(t.current_discounts);
  j["current_total_discounts_set"] = MoneySet(t.current_discounts, cur);
  j["current_total_duties_set"] = nullptr;
  j["current_total_price"] = FormatMoney(t.current_total);
  j["current_total_price_set"] = MoneySet(t.current_total, cur);
  j["current_total_tax"] = FormatMoney(t.current_tax);
  j["current_total_tax_set"] = MoneySet(t.current_tax, cur);
  j["customer_locale"] = "en";
  j["device_id"] = nullptr;
  j["discount_codes"] = OrderedJson::array();
  j["duties_included"] = false;
  j["email"] = OptString(o.email);
  j["estimated_taxes"] = false;
  j["financial_status"] = o.financial_status;
  j["fulfillment_status"] = OptString(OrderFulfillmentStatus(o));
  j["landing_site"] = nullptr;
  j["landing_site_ref"] = nullptr;
  j["location_id"] = nullptr;
  j["merchant_business_entity_id"] = MerchantBusinessEntityId(core);
  j["merchant_of_record_app_id"] = nullptr;
  j["name"] = o.name;
  j["note"] = OptString(o.note);
  j["note_attributes"] = o.note_attributes;
  j["number"] = o.order_number - 1000;
  j["order_number"] = o.order_number;
  j["order_status_url"] = OrderStatusUrl(core, o.id);
  j["original_total_additional_fees_set"] = nullptr;
  j["original_total_duties_set"] = nullptr;
  j["payment_gateway_names"] = PaymentGatewayNames(o);
  j["phone"] = OptString(o.phone);
  j["po_number"] = nullptr;
  j["presentment_currency"] = cur;
  j["processed_at"] = FormatTime(core, o.processed_at);
  j["reference"] = nullptr;
  j["referring_site"] = nullptr;
  j["source_identifier"] = nullptr;
  j["source_name"] = o.source_name;
  j["source_url"] = nullptr;
  j["subtotal_price"] = FormatMoney(t.subtotal);
  j["subtotal_price_set"] = MoneySet(t.subtotal, cur);
  j["tags"] = JoinTags(o.tags);
  j["tax_exempt"] = customer != nullptr && customer->tax_exempt;
  j["tax_lines"] = OrderTaxLines(o, t);
  j["taxes_included"] = false;
  j["test"] = o.test;
  j["token"] = OrderToken(core, o.id);
  j["total_cash_rounding_payment_adjustment_set"] = MoneySet(0, cur);
  j["total_cash_rounding_refund_adjustment_set"] = MoneySet(0, cur);
  j["total_discounts"] = FormatMoney(t.discounts);
  j["total_discounts_set"] = MoneySet(t.discounts, cur);
  j["total_line_items_price"] = FormatMoney(t.line_items_price);
  j["total_line_items_price_set"] = MoneySet(t.line_items_price, cur);
  j["total_outstanding"] = FormatMoney(t.outstanding);
  j["total_price"] = FormatMoney(t.total);
  j["total_price_set"] = MoneySet(t.total, cur);
  j["total_shipping_price_set"] = MoneySet(o.shipping, cur);
  j["total_tax"] = FormatMoney(t.tax);
  j["total_tax_set"] = MoneySet(t.tax, cur);
  j["total_tip_received"] = "0.00";
  j["total_weight"] = TotalWeightGrams(o);
  j["updated_at"] = FormatTime(core, o.updated_at);
  j["user_id"] = nullptr;
  j["billing_address"] = RenderAddress(o.billing_address);
  j["customer"] = customer ? RenderEmbeddedCustomer(core, *customer) : OrderedJson(nullptr);
  j["discount_applications"] = OrderedJson::array();
  OrderedJson fulfillments = OrderedJson::array();
  for (const auto& f : o.fulfillments) fulfillments.push_back(RenderFulfillment(core, o, f));
  j["fulfillments"] = fulfillments;
  OrderedJson lines = OrderedJson::array();
  for (const auto& line : o.line_items) lines.push_back(RenderLineItem(core, o, line));
  j["line_items"] = lines;
  j["payment_terms"] = nullptr;
  OrderedJson refunds = OrderedJson::array();
  for (const auto& r : o.refunds) refunds.push_back(RenderRefund(core, o, r));
  j["refunds"] = refunds;
  j["shipping_address"] = RenderAddress(o.shipping_address);
  j["shipping_lines"] = ShippingLines(o);
  OrderedJson returns = OrderedJson::array();
  for (const auto& r : o.returns) returns.push_back({{"id", r.id}, {"admin_graphql_api_id", Gid("Return", r.id)}});
  j["returns"] = returns;
  return j;
}

// Each returns/* topic has its own body in Shopify's 2026-01 examples: request and approve carry
// the lines, decline its reason, and close, reopen and cancel only ids and the status.
OrderedJson RenderReturn(const Core& core, const Order& order, const Return& r, std::string_view topic) {
  (void)core;
  OrderedJson j;
  j["id"] = r.id;
  j["admin_graphql_api_id"] = Gid("Return", r.id);
  if (topic == "returns/close" || topic == "returns/reopen" || topic == "returns/cancel") {
    j["order_id"] = order.id;
    j["status"] = ToLower(r.status);
    return j;
  }
  j["status"] = ToLower(r.status);
  j["order"] = {{"id", order.id}, {"admin_graphql_api_id", Gid("Order", order.id)}};
  if (topic == "returns/decline") {
    j["decline"] = {{"reason", ToLower(r.decline_reason.value_or("OTHER"))}, {"note", OptString(r.decline_note)}};
    return j;
  }
  int total = 0;
  OrderedJson lines = OrderedJson::array();
  for (const auto& l : r.lines) {
    total += l.quantity;
    OrderedJson line;
    line["id"] = l.id;
    line["admin_graphql_api_id"] = Gid("ReturnLineItem", l.id);
    line["fulfillment_line_item"] = {
        {"id", l.fulfillment_line_id},
        {"admin_graphql_api_id", Gid("FulfillmentLineItem", l.fulfillment_line_id)},
        {"line_item",
         {{"id", l.line_item_id}, {"admin_graphql_api_id", Gid("LineItem", l.line_item_id)}}}};
    line["quantity"] = l.quantity;
    line["return_reason"] = ToLower(l.return_reason);
    line["return_reason_note"] = l.return_reason_note.value_or("");
    line["customer_note"] = OptString(l.customer_note);
    lines.push_back(std::move(line));
  }
  j["total_return_line_items"] = total;
  j["name"] = order.name + "-R" + std::to_string(r.sequence);
  j["return_line_items"] = lines;
  j["return_shipping_fees"] = OrderedJson::array();
  j["exchange_line_items"] = OrderedJson::array();
  j["total_exchange_line_items"] = 0;
  return j;
}

OrderedJson RenderSubscription(const Core& core, const WebhookSubscription& s) {
  OrderedJson j;
  j["id"] = s.id;
  j["address"] = s.address;
  j["topic"] = s.topic;
  j["created_at"] = FormatTime(core, s.created_at);
  j["updated_at"] = FormatTime(core, s.created_at);
  j["format"] = "json";
  j["fields"] = OrderedJson::array();
  j["metafield_namespaces"] = OrderedJson::array();
  j["api_version"] = s.api_version;
  j["private_metafield_namespaces"] = OrderedJson::array();
  return j;
}

OrderedJson SelectFields(const OrderedJson& resource, std::string_view fields) {
  const std::vector<std::string> wanted = SplitTags(fields);
  if (wanted.empty()) return resource;
  OrderedJson out = OrderedJson::object();
  for (auto it = resource.begin(); it != resource.end(); ++it) {
    if (std::find(wanted.begin(), wanted.end(), it.key()) != wanted.end()) out[it.key()] = it.value();
  }
  return out;
}

}  // namespace rh::mocks::shopify::detail
