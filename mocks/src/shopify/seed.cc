// Seeding through the inspection surface: customers, orders (with their fulfillment orders,
// payments and optional fulfillments), fulfillments, returns and carrier events, from documents
// in the REST shapes. Every document is checked in full before anything is stored, and a bad one
// is a SeedError naming the field ("line_items[1].price"), so a rejected seed changes nothing.
// Deterministic: ids come from the Core's streams, default times from the action.
#include <algorithm>

#include "core.h"

namespace rh::mocks::shopify::detail {

namespace {

// Thrown inside this file only, caught at each entry point and turned into a SeedError.
struct BadField {
  std::string field;
  std::string message;
};

[[noreturn]] void Fail(std::string field, std::string message) {
  throw BadField{std::move(field), std::move(message)};
}

const Json* Find(const Json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::string> OptString(const Json& obj, const char* key, const std::string& at) {
  const Json* v = Find(obj, key);
  if (!v) return std::nullopt;
  if (!v->is_string()) Fail(at + key, "must be a string");
  return v->get<std::string>();
}

std::optional<Id> OptId(const Json& obj, const char* key, const std::string& at) {
  const Json* v = Find(obj, key);
  if (!v) return std::nullopt;
  if (v->is_number_unsigned()) return v->get<Id>();
  if (v->is_number_integer() && v->get<std::int64_t>() > 0) return v->get<Id>();
  if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    if (!s.empty() && s.size() <= 20 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::stoull(s);
    }
  }
  Fail(at + key, "must be a positive integer id");
}

std::optional<int> OptInt(const Json& obj, const char* key, const std::string& at) {
  const Json* v = Find(obj, key);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) Fail(at + key, "must be an integer");
  const auto n = v->get<std::int64_t>();
  if (n < 0 || n > 1'000'000) Fail(at + key, "is out of range");
  return static_cast<int>(n);
}

std::optional<bool> OptBool(const Json& obj, const char* key, const std::string& at) {
  const Json* v = Find(obj, key);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) Fail(at + key, "must be true or false");
  return v->get<bool>();
}

std::optional<Cents> OptMoney(const Json& obj, const char* key, const std::string& at) {
  const Json* v = Find(obj, key);
  if (!v) return std::nullopt;
  const std::optional<Cents> cents = ParseMoney(*v);
  if (!cents || *cents < 0) Fail(at + key, "must be a decimal amount such as \"54.99\"");
  return cents;
}

std::optional<sim::WallTime> OptTime(const Core& core, const Json& obj, const char* key,
                                     const std::string& at) {
  const std::optional<std::string> s = OptString(obj, key, at);
  if (!s) return std::nullopt;
  const std::optional<sim::WallTime> t = ParseTime(core, *s);
  if (!t) Fail(at + key, "must be an ISO 8601 time such as \"2026-03-02T10:00:00-05:00\"");
  return t;
}

std::vector<std::string> Tags(const Json& obj, const char* key, const std::string& at) {
  const Json* v = Find(obj, key);
  if (!v) return {};
  if (v->is_string()) return SplitTags(v->get<std::string>());
  if (v->is_array()) {
    std::vector<std::string> out;
    for (const auto& t : *v) {
      if (!t.is_string()) Fail(at + key, "must be a string or an array of strings");
      for (auto& part : SplitTags(t.get<std::string>())) out.push_back(std::move(part));
    }
    return out;
  }
  Fail(at + key, "must be a string or an array of strings");
}

OrderedJson OptObject(const Json& obj, const char* key, const std::string& at) {
  const Json* v = Find(obj, key);
  if (!v) return nullptr;
  if (!v->is_object()) Fail(at + key, "must be an object");
  return OrderedJson::parse(v->dump());
}

template <std::size_t N>
std::string OneOf(const Json& obj, const char* key, const std::string& at,
                  const std::array<std::string_view, N>& allowed, std::string fallback) {
  const std::optional<std::string> s = OptString(obj, key, at);
  if (!s) return fallback;
  if (std::find(allowed.begin(), allowed.end(), *s) == allowed.end()) {
    Fail(at + key, "is not included in the list");
  }
  return *s;
}

// {"customer": {...}} or {...}.
const Json& Unwrap(const Json& doc, const char* root) {
  if (doc.is_object() && doc.size() == 1 && doc.contains(root) && doc[root].is_object()) {
    return doc[root];
  }
  if (!doc.is_object()) Fail(root, "must be a JSON object");
  return doc;
}

Customer ParseCustomer(Core& core, const Json& c, const std::string& at, sim::WallTime now) {
  Customer out;
  if (const auto id = OptId(c, "id", at)) {
    if (core.state.customers.count(*id)) Fail(at + "id", "has already been taken");
    out.id = *id;
  }
  out.email = OptString(c, "email", at).value_or("");
  if (!out.email.empty()) {
    if (out.email.find('@') == std::string::npos) Fail(at + "email", "is invalid");
    for (const auto& [id, other] : core.state.customers) {
      if (sim::EqualsIgnoreCase(other.email, out.email)) Fail(at + "email", "has already been taken");
    }
  }
  out.first_name = OptString(c, "first_name", at).value_or("");
  out.last_name = OptString(c, "last_name", at).value_or("");
  out.phone = OptString(c, "phone", at);
  static constexpr std::array<std::string_view, 4> kStates = {"disabled", "invited", "enabled",
                                                              "declined"};
  out.state = OneOf(c, "state", at, kStates, "enabled");
  out.verified_email = OptBool(c, "verified_email", at).value_or(true);
  out.tax_exempt = OptBool(c, "tax_exempt", at).value_or(false);
  out.tags = Tags(c, "tags", at);
  out.note = OptString(c, "note", at);
  out.currency = OptString(c, "currency", at).value_or(core.config.currency);
  out.created_at = OptTime(core, c, "created_at", at).value_or(now);
  out.updated_at = OptTime(core, c, "updated_at", at).value_or(out.created_at);
  if (const Json* a = Find(c, "addresses")) {
    if (!a->is_array()) Fail(at + "addresses", "must be an array");
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (!(*a)[i].is_object()) Fail(at + "addresses[" + std::to_string(i) + "]", "must be an object");
      out.addresses.push_back(OrderedJson::parse((*a)[i].dump()));
    }
  }
  const OrderedJson def = OptObject(c, "default_address", at);
  if (def.is_object() && out.addresses.empty()) out.addresses.push_back(def);
  out.email_marketing_consent = OptObject(c, "email_marketing_consent", at);
  out.sms_marketing_consent = OptObject(c, "sms_marketing_consent", at);
  return out;
}

// Spreads `total` over the lines in proportion to their value; the last takes the remainder.
void Spread(std::vector<LineItem>& lines, Cents total, Cents LineItem::*field, bool taxable_only) {
  Cents base = 0;
  std::vector<LineItem*> targets;
  for (auto& l : lines) {
    if (taxable_only && !l.taxable) continue;
    targets.push_back(&l);
    base += l.price * l.quantity;
  }
  if (targets.empty()) return;
  Cents given = 0;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    Cents share = 0;
    if (i + 1 == targets.size()) {
      share = total - given;
    } else if (base > 0) {
      share = total * targets[i]->price * targets[i]->quantity / base;
    }
    targets[i]->*field = share;
    given += share;
  }
}

LineItem ParseLineItem(Core& core, const Json& l, const std::string& at,
                       std::vector<Id>& ids_in_doc) {
  if (!l.is_object()) Fail(at.substr(0, at.size() - 1), "must be an object");
  LineItem out;
  if (const auto id = OptId(l, "id", at)) {
    if (core.order_of_line_item.count(*id) ||
        std::find(ids_in_doc.begin(), ids_in_doc.end(), *id) != ids_in_doc.end()) {
      Fail(at + "id", "has already been taken");
    }
    out.id = *id;
  } else {
    out.id = core.NextId(IdKind::kLineItem);
  }
  ids_in_doc.push_back(out.id);
  const std::optional<std::string> title = OptString(l, "title", at);
  if (!title || title->empty()) Fail(at + "title", "can't be blank");
  out.title = *title;
  const std::optional<Cents> price = OptMoney(l, "price", at);
  if (!price) Fail(at + "price", "can't be blank");
  out.price = *price;
  out.quantity = OptInt(l, "quantity", at).value_or(1);
  if (out.quantity < 1) Fail(at + "quantity", "must be greater than 0");
  out.variant_id = OptId(l, "variant_id", at);
  out.product_id = OptId(l, "product_id", at);
  out.variant_title = OptString(l, "variant_title", at);
  out.sku = OptString(l, "sku", at);
  out.vendor = OptString(l, "vendor", at).value_or("");
  out.requires_shipping = OptBool(l, "requires_shipping", at).value_or(true);
  out.taxable = OptBool(l, "taxable", at).value_or(true);
  out.grams = OptInt(l, "grams", at).value_or(0);
  out.total_discount = OptMoney(l, "total_discount", at).value_or(0);
  if (const Json* tl = Find(l, "tax_lines")) {
    if (!tl->is_array()) Fail(at + "tax_lines", "must be an array");
    for (std::size_t i = 0; i < tl->size(); ++i) {
      const std::string tat = at + "tax_lines[" + std::to_string(i) + "].";
      if (!(*tl)[i].is_object()) Fail(tat.substr(0, tat.size() - 1), "must be an object");
      out.tax += OptMoney((*tl)[i], "price", tat).value_or(0);
    }
  }
  return out;
}

struct FulfillmentSeed {
  std::vector<FulfillmentPick> picks;
  std::optional<std::string> company;
  std::optional<std::string> number;
  std::optional<std::string> url;
  std::optional<std::string> shipment_status;
  std::optional<sim::WallTime> created_at;
  bool cancelled = false;
};

// Reads a fulfillment document against `order` (its fulfillment orders say what is left).
// Reserves nothing: the caller creates fulfillments one at a time, so a second document sees
// what the first took only if the caller applies the first before parsing the second.
FulfillmentSeed ParseFulfillment(Core& core, Order& order, const Json& f, const std::string& at) {
  if (!f.is_object()) Fail(at.substr(0, at.size() - 1), "must be an object");
  FulfillmentSeed out;
  out.company = OptString(f, "tracking_company", at);
  out.number = OptString(f, "tracking_number", at);
  out.url = OptString(f, "tracking_url", at);
  if (const Json* ns = Find(f, "tracking_numbers")) {
    if (!ns->is_array() || (!ns->empty() && !(*ns)[0].is_string())) {
      Fail(at + "tracking_numbers", "must be an array of strings");
    }
    if (!out.number && !ns->empty()) out.number = (*ns)[0].get<std::string>();
  }
  if (const Json* us = Find(f, "tracking_urls")) {
    if (!us->is_array() || (!us->empty() && !(*us)[0].is_string())) {
      Fail(at + "tracking_urls", "must be an array of strings");
    }
    if (!out.url && !us->empty()) out.url = (*us)[0].get<std::string>();
  }
  out.shipment_status = OptString(f, "shipment_status", at);
  if (out.shipment_status && !IsShipmentStatus(*out.shipment_status)) {
    Fail(at + "shipment_status", "is not included in the list");
  }
  out.created_at = OptTime(core, f, "created_at", at);
  static constexpr std::array<std::string_view, 2> kStatuses = {"success", "cancelled"};
  out.cancelled = OneOf(f, "status", at, kStatuses, "success") == "cancelled";

  // Wanted units per line item, in the document's order.
  std::vector<std::pair<Id, int>> wanted;
  const Json* lines = Find(f, "line_items");
  if (lines && !lines->is_array()) Fail(at + "line_items", "must be an array");
  if (!lines || lines->empty()) {
    for (const auto& li : order.line_items) {
      const int left = Fulfillable(order, li);
      if (li.requires_shipping && left > 0) wanted.emplace_back(li.id, left);
    }
    if (wanted.empty()) Fail(at + "line_items", "nothing is left to fulfill");
  } else {
    for (std::size_t i = 0; i < lines->size(); ++i) {
      const std::string lat = at + "line_items[" + std::to_string(i) + "].";
      const Json& l = (*lines)[i];
      if (!l.is_object()) Fail(lat.substr(0, lat.size() - 1), "must be an object");
      const LineItem* match = nullptr;
      const std::optional<Id> id = OptId(l, "id", lat);
      const std::optional<std::string> sku = OptString(l, "sku", lat);
      for (const auto& li : order.line_items) {
        if ((id && li.id == *id) || (!id && sku && li.sku == sku)) match = &li;
      }
      if (!match) Fail(lat + (id ? "id" : "sku"), "does not name a line item of the order");
      const int qty = OptInt(l, "quantity", lat).value_or(Fulfillable(order, *match));
      if (qty < 1 || qty > Fulfillable(order, *match)) {
        Fail(lat + "quantity", "exceeds the fulfillable quantity");
      }
      wanted.emplace_back(match->id, qty);
    }
  }
  for (const auto& [line_id, qty] : wanted) {
    int left = qty;
    for (auto& fo : order.fulfillment_orders) {
      if (fo.status != "open" && fo.status != "in_progress") continue;
      for (auto& fol : fo.lines) {
        if (fol.line_item_id != line_id || left == 0) continue;
        int already = 0;
        for (const auto& p : out.picks) {
          if (p.line == &fol) already += p.quantity;
        }
        const int take = std::min(left, fol.fulfillable - already);
        if (take > 0) {
          out.picks.push_back({&fo, &fol, take});
          left -= take;
        }
      }
    }
    if (left > 0) Fail(at + "line_items", "asks for more units than the fulfillment orders hold");
  }
  return out;
}

Fulfillment& ApplyFulfillmentSeed(Core& core, Order& order, FulfillmentSeed seed,
                                  sim::WallTime now) {
  const sim::WallTime at = seed.created_at.value_or(now);
  Fulfillment& f = CreateFulfillment(core, order, seed.picks, seed.company, seed.number, seed.url, at);
  if (seed.shipment_status) {
    FulfillmentEvent e;
    e.id = core.NextId(IdKind::kFulfillmentEvent);
    e.status = *seed.shipment_status;
    e.happened_at = at;
    e.created_at = at;
    f.events.push_back(std::move(e));
    f.shipment_status = seed.shipment_status;
  }
  if (seed.cancelled) {
    // A cancelled fulfillment gives its units back.
    f.status = "cancelled";
    for (const auto& fl : f.lines) {
      for (auto& li : order.line_items) {
        if (li.id == fl.line_item_id) li.fulfilled -= fl.quantity;
      }
      for (auto& fo : order.fulfillment_orders) {
        for (auto& fol : fo.lines) {
          if (fl.fulfillment_order_line_id == fol.id) {
            fol.fulfillable += fl.quantity;
            fo.status = "open";
            fo.request_status = "unsubmitted";
          }
        }
      }
    }
  }
  return f;
}

void AddPayments(Core& core, Order& order, Cents total, const Json& doc) {
  auto tx = [&](std::string kind, Cents amount, std::optional<Id> parent) -> Id {
    Transaction t;
    t.id = core.NextId(IdKind::kTransaction);
    t.kind = std::move(kind);
    t.amount = amount;
    t.parent_id = parent;
    t.created_at = order.processed_at;
    order.transactions.push_back(t);
    return t.id;
  };
  const std::string& fs = order.financial_status;
  if (fs == "paid" || fs == "refunded" || fs == "partially_refunded") {
    const Id sale = tx("sale", total, std::nullopt);
    // A seeded refunded order carries the refund money (no refund records: seed refunds through
    // the refund API instead when their line items matter).
    if (fs == "refunded") tx("refund", total, sale);
    if (fs == "partially_refunded") tx("refund", total / 2, sale);
  } else if (fs == "authorized" || fs == "voided") {
    const Id auth = tx("authorization", total, std::nullopt);
    if (fs == "voided") tx("void", total, auth);
  } else if (fs == "partially_paid") {
    const Cents outstanding =
        OptMoney(doc, "total_outstanding", "").value_or(total / 2);
    if (outstanding <= 0 || outstanding >= total) {
      Fail("total_outstanding", "must be between zero and total_price for partially_paid");
    }
    tx("sale", total - outstanding, std::nullopt);
  }
}

Id InsertCustomer(Core& core, Customer c) {
  if (c.id == 0) c.id = core.NextId(IdKind::kCustomer);
  const Id id = c.id;
  core.state.customers.emplace(id, std::move(c));
  return id;
}

template <class F>
SeedResult<Id> Guard(F&& f) {
  try {
    return f();
  } catch (const BadField& bad) {
    return sim::MakeUnexpected(SeedError{bad.field, bad.message});
  }
}

}  // namespace

SeedResult<Id> SeedCustomerImpl(Core& core, const Json& doc, sim::Moment now) {
  return Guard([&]() -> SeedResult<Id> {
    const Json& c = Unwrap(doc, "customer");
    return InsertCustomer(core, ParseCustomer(core, c, "", now.wall));
  });
}

// SeedOrderImpl's steps, in order (each may Fail; nothing is stored until all have passed).

// The order's own fields: id, number, name, contact, times, statuses, tags, notes, addresses.
Order SeedOrderFields(Core& core, const Json& o, sim::WallTime now) {
  Order order;
  if (const auto id = OptId(o, "id", "")) {
    if (core.state.orders.count(*id)) Fail("id", "has already been taken");
    order.id = *id;
  } else {
    order.id = core.NextId(IdKind::kOrder);
  }
  if (const auto number = OptInt(o, "order_number", "")) {
    if (*number < 1001) Fail("order_number", "must be at least 1001");
    order.order_number = *number;
  } else {
    order.order_number = core.state.next_order_number;
  }
  order.name = OptString(o, "name", "").value_or("#" + std::to_string(order.order_number));
  order.email = OptString(o, "email", "");
  order.phone = OptString(o, "phone", "");
  order.created_at = OptTime(core, o, "created_at", "").value_or(now);
  order.updated_at = OptTime(core, o, "updated_at", "").value_or(order.created_at);
  order.processed_at = OptTime(core, o, "processed_at", "").value_or(order.created_at);
  order.cancelled_at = OptTime(core, o, "cancelled_at", "");
  static constexpr std::array<std::string_view, 5> kReasons = {"customer", "inventory", "fraud",
                                                               "declined", "other"};
  if (order.cancelled_at) order.cancel_reason = OneOf(o, "cancel_reason", "", kReasons, "other");
  order.closed_at = OptTime(core, o, "closed_at", "");
  static constexpr std::array<std::string_view, 7> kFinancial = {
      "pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded",
      "voided"};
  order.financial_status = OneOf(o, "financial_status", "", kFinancial, "paid");
  order.test = OptBool(o, "test", "").value_or(false);
  order.currency = OptString(o, "currency", "").value_or(core.config.currency);
  order.tags = Tags(o, "tags", "");
  order.note = OptString(o, "note", "");
  if (const Json* na = Find(o, "note_attributes")) {
    if (!na->is_array()) Fail("note_attributes", "must be an array");
    order.note_attributes = OrderedJson::parse(na->dump());
  }
  order.shipping_address = OptObject(o, "shipping_address", "");
  order.billing_address = OptObject(o, "billing_address", "");
  order.source_name = OptString(o, "source_name", "").value_or("web");

  return order;
}

// Line items, tax, discounts and shipping, checked against the totals the document states.
OrderTotals SeedOrderAmounts(Core& core, const Json& o, Order& order) {
  const Json* lines = Find(o, "line_items");
  if (!lines || !lines->is_array() || lines->empty()) {
    Fail("line_items", "must have at least one line item");
  }
  std::vector<Id> ids_in_doc;
  bool lines_have_tax = false, lines_have_discount = false;
  for (std::size_t i = 0; i < lines->size(); ++i) {
    order.line_items.push_back(
        ParseLineItem(core, (*lines)[i], "line_items[" + std::to_string(i) + "].", ids_in_doc));
    lines_have_tax |= order.line_items.back().tax != 0;
    lines_have_discount |= order.line_items.back().total_discount != 0;
  }
  if (const auto tax = OptMoney(o, "total_tax", "")) {
    if (!lines_have_tax) {
      Spread(order.line_items, *tax, &LineItem::tax, true);
    } else if (ComputeTotals(order).tax != *tax) {
      Fail("total_tax", "does not match the line items' tax_lines");
    }
  }
  if (const auto discounts = OptMoney(o, "total_discounts", "")) {
    if (!lines_have_discount) {
      Spread(order.line_items, *discounts, &LineItem::total_discount, false);
    } else if (ComputeTotals(order).discounts != *discounts) {
      Fail("total_discounts", "does not match the line items' total_discount");
    }
  }
  if (const Json* sl = Find(o, "shipping_lines")) {
    if (!sl->is_array()) Fail("shipping_lines", "must be an array");
    for (std::size_t i = 0; i < sl->size(); ++i) {
      const std::string at = "shipping_lines[" + std::to_string(i) + "].";
      if (!(*sl)[i].is_object()) Fail(at.substr(0, at.size() - 1), "must be an object");
      order.shipping += OptMoney((*sl)[i], "price", at).value_or(0);
      if (const auto title = OptString((*sl)[i], "title", at)) order.shipping_title = *title;
    }
  } else if (const Json* ts = Find(o, "total_shipping_price_set")) {
    const Json* shop = ts->is_object() ? Find(*ts, "shop_money") : nullptr;
    if (!shop || !shop->is_object()) Fail("total_shipping_price_set", "must have shop_money");
    order.shipping = OptMoney(*shop, "amount", "total_shipping_price_set.shop_money.").value_or(0);
  }
  const OrderTotals totals = ComputeTotals(order);
  if (const auto sub = OptMoney(o, "subtotal_price", "")) {
    if (*sub != totals.subtotal) {
      Fail("subtotal_price", "does not match the line items (" + FormatMoney(totals.subtotal) + ")");
    }
  }
  if (const auto total = OptMoney(o, "total_price", "")) {
    if (*total != totals.total) {
      Fail("total_price", "does not match line items + tax + shipping (" +
                              FormatMoney(totals.total) + ")");
    }
  }

  return totals;
}

// The order's customer (a new one, when returned, is stored with the order) and its e-mail.
std::optional<Customer> SeedOrderCustomer(Core& core, const Json& o, Order& order) {
  // The customer: an existing one by id or email, or a new one from the document (or from
  // the order's e-mail, as a checkout makes one).
  std::optional<Customer> new_customer;
  if (const Json* c = Find(o, "customer")) {
    if (!c->is_object()) Fail("customer", "must be an object");
    const std::optional<Id> cid = OptId(*c, "id", "customer.");
    const std::optional<std::string> cemail = OptString(*c, "email", "customer.");
    if (cid && core.state.customers.count(*cid)) {
      order.customer_id = cid;
    } else if (!cid && cemail) {
      for (const auto& [id, existing] : core.state.customers) {
        if (sim::EqualsIgnoreCase(existing.email, *cemail)) order.customer_id = id;
      }
    }
    if (!order.customer_id) {
      new_customer = ParseCustomer(core, *c, "customer.", order.created_at);
      if (new_customer->id == 0) new_customer->id = core.NextId(IdKind::kCustomer);
      order.customer_id = new_customer->id;
    }
  } else if (order.email && !order.email->empty()) {
    for (const auto& [id, existing] : core.state.customers) {
      if (sim::EqualsIgnoreCase(existing.email, *order.email)) order.customer_id = id;
    }
    if (!order.customer_id) {
      Customer fresh;
      fresh.id = core.NextId(IdKind::kCustomer);
      fresh.email = *order.email;
      const OrderedJson& addr = order.shipping_address.is_object() ? order.shipping_address
                                                                   : order.billing_address;
      if (addr.is_object()) {
        if (addr.contains("first_name") && addr["first_name"].is_string()) {
          fresh.first_name = addr["first_name"].get<std::string>();
        }
        if (addr.contains("last_name") && addr["last_name"].is_string()) {
          fresh.last_name = addr["last_name"].get<std::string>();
        }
      }
      fresh.currency = order.currency;
      fresh.created_at = order.created_at;
      fresh.updated_at = order.created_at;
      new_customer = std::move(fresh);
      order.customer_id = new_customer->id;
    }
  }
  if (!order.email) {
    if (new_customer && !new_customer->email.empty()) order.email = new_customer->email;
    if (!new_customer && order.customer_id) {
      const std::string& e = core.state.customers.at(*order.customer_id).email;
      if (!e.empty()) order.email = e;
    }
  }

  return new_customer;
}

// One open fulfillment order for the lines that need shipping.
void OpenSeedFulfillmentOrder(Core& core, Order& order) {
  FulfillmentOrder fo;
  fo.id = core.NextId(IdKind::kFulfillmentOrder);
  fo.order_id = order.id;
  fo.assigned_location_id = core.config.location_id;
  fo.created_at = order.created_at;
  fo.updated_at = order.created_at;
  for (const auto& li : order.line_items) {
    if (!li.requires_shipping) continue;
    FulfillmentOrderLine fol;
    fol.id = core.NextId(IdKind::kFulfillmentOrderLine);
    fol.line_item_id = li.id;
    fol.quantity = li.quantity;
    fol.fulfillable = li.quantity;
    fo.lines.push_back(fol);
  }
  if (!fo.lines.empty()) order.fulfillment_orders.push_back(std::move(fo));

}

// The fulfillments the document gives (or its fulfillment_status implies); a cancelled order's
// fulfillment orders closed.
void SeedOrderFulfillments(Core& core, const Json& o, Order& order) {
  static constexpr std::array<std::string_view, 6> kFulfillment = {
      "fulfilled", "partial", "unfulfilled", "unshipped", "shipped", "restocked"};
  const std::string wanted_status = OneOf(o, "fulfillment_status", "", kFulfillment, "");
  const Json* fulfillments = Find(o, "fulfillments");
  if (fulfillments && !fulfillments->is_array()) Fail("fulfillments", "must be an array");
  if (fulfillments && !fulfillments->empty()) {
    for (std::size_t i = 0; i < fulfillments->size(); ++i) {
      FulfillmentSeed seed = ParseFulfillment(core, order, (*fulfillments)[i],
                                              "fulfillments[" + std::to_string(i) + "].");
      ApplyFulfillmentSeed(core, order, std::move(seed), order.created_at);
    }
  } else if (wanted_status == "fulfilled" || wanted_status == "shipped") {
    ApplyFulfillmentSeed(core, order, ParseFulfillment(core, order, Json::object(), ""),
                         order.created_at);
  } else if (wanted_status == "partial") {
    Fail("fulfillment_status", "partial needs a fulfillments array saying what was sent");
  }
  if (!wanted_status.empty() && wanted_status != "unfulfilled" && wanted_status != "unshipped") {
    const std::string normalized = wanted_status == "shipped" ? "fulfilled" : wanted_status;
    if (OrderFulfillmentStatus(order).value_or("") != normalized) {
      Fail("fulfillment_status", "does not match the fulfillments");
    }
  }
  if (order.cancelled_at) {
    for (auto& f : order.fulfillment_orders) {
      if (f.status == "open" || f.status == "in_progress") f.status = "closed";
      for (auto& l : f.lines) l.fulfillable = 0;
    }
  }

}

SeedResult<Id> SeedOrderImpl(Core& core, Action& action, const Json& doc, bool notify) {
  return Guard([&]() -> SeedResult<Id> {
    const Json& o = Unwrap(doc, "order");
    Order order = SeedOrderFields(core, o, action.now.wall);
    const OrderTotals totals = SeedOrderAmounts(core, o, order);
    std::optional<Customer> new_customer = SeedOrderCustomer(core, o, order);
    AddPayments(core, order, totals.total, o);
    OpenSeedFulfillmentOrder(core, order);
    SeedOrderFulfillments(core, o, order);

    // Everything checked: store it.
    if (new_customer) InsertCustomer(core, std::move(*new_customer));
    core.state.next_order_number = std::max(core.state.next_order_number, order.order_number + 1);
    const Id id = order.id;
    Order& stored = core.state.orders.emplace(id, std::move(order)).first->second;
    core.IndexOrder(stored);
    if (notify) ProduceWebhook(core, action, "orders/create", RenderOrder(core, stored));
    return id;
  });
}

SeedResult<Id> SeedFulfillmentImpl(Core& core, Action& action, Id order_id, const Json& doc,
                                   bool notify) {
  return Guard([&]() -> SeedResult<Id> {
    Order* order = core.FindOrder(order_id);
    if (!order) Fail("order_id", "not found");
    if (order->cancelled_at) Fail("order_id", "is cancelled");
    const Json empty = Json::object();
    const Json& f = Unwrap(doc.is_null() ? empty : doc, "fulfillment");
    FulfillmentSeed seed = ParseFulfillment(core, *order, f, "");
    const std::optional<std::string> before = OrderFulfillmentStatus(*order);
    Fulfillment& made = ApplyFulfillmentSeed(core, *order, std::move(seed), action.now.wall);
    if (notify) {
      FulfillmentCreated(core, action, *order, made, before);
    } else {
      order->updated_at = action.now.wall;
    }
    return made.id;
  });
}

SeedResult<Id> SeedReturnImpl(Core& core, Action& action, Id order_id, const Json& doc) {
  return Guard([&]() -> SeedResult<Id> {
    Order* order = core.FindOrder(order_id);
    if (!order) Fail("order_id", "not found");
    const Json& r = Unwrap(doc, "return");
    static constexpr std::array<std::string_view, 4> kStatuses = {"requested", "REQUESTED", "open",
                                                                  "OPEN"};
    const bool open = ToLower(OneOf(r, "status", "", kStatuses, "requested")) == "open";
    const Json* lines = Find(r, "line_items");
    if (!lines || !lines->is_array() || lines->empty()) {
      Fail("line_items", "must have at least one line item");
    }
    std::vector<ReturnLineInput> inputs;
    for (std::size_t i = 0; i < lines->size(); ++i) {
      const std::string at = "line_items[" + std::to_string(i) + "].";
      const Json& l = (*lines)[i];
      if (!l.is_object()) Fail(at.substr(0, at.size() - 1), "must be an object");
      const std::optional<Id> line_id = OptId(l, "line_item_id", at);
      if (!line_id) Fail(at + "line_item_id", "can't be blank");
      ReturnLineInput in;
      in.quantity = OptInt(l, "quantity", at).value_or(1);
      in.reason = OptString(l, "reason", at).value_or("UNKNOWN");
      for (char& ch : in.reason) {
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
      }
      in.customer_note = OptString(l, "customer_note", at);
      // The first fulfillment line that still has units of this line item to return.
      for (const auto& f : order->fulfillments) {
        if (f.status == "cancelled" || in.fulfillment_line_id != 0) continue;
        for (const auto& fl : f.lines) {
          if (fl.line_item_id == *line_id && in.fulfillment_line_id == 0) in.fulfillment_line_id = fl.id;
        }
      }
      if (in.fulfillment_line_id == 0) Fail(at + "line_item_id", "has no fulfilled units to return");
      inputs.push_back(std::move(in));
    }
    auto made = CreateReturn(core, action, *order, inputs, open);
    if (!made) {
      const ReturnError& e = made.error();
      std::string field = "line_items";
      if (e.field.size() >= 3) field += "[" + e.field[1] + "]." + (e.field[2] == "quantity" ? "quantity" : e.field[2] == "returnReason" ? "reason" : "line_item_id");
      Fail(field, e.message);
    }
    return (*made)->id;
  });
}

SeedResult<Id> CarrierEventImpl(Core& core, Action& action, Id fulfillment_id,
                                const std::string& status, std::optional<std::string> message) {
  return Guard([&]() -> SeedResult<Id> {
    auto [order, f] = core.FindFulfillment(fulfillment_id);
    if (!f) Fail("fulfillment_id", "not found");
    if (!IsShipmentStatus(status)) Fail("status", "is not included in the list");
    if (f->status == "cancelled") Fail("fulfillment_id", "is cancelled");
    FulfillmentEvent& e = AddEvent(core, action, *order, *f, status, std::move(message),
                                   OrderedJson::object(), std::nullopt, std::nullopt);
    return e.id;
  });
}

Id AddSubscriptionImpl(Core& core, const WebhookSubscriptionConfig& s, sim::WallTime now) {
  WebhookSubscription sub;
  sub.id = core.NextId(IdKind::kSubscription);
  sub.topic = s.topic;
  sub.host = s.host;
  sub.path = s.path.empty() ? "/" : s.path;
  sub.address = "https://" + s.host + sub.path;
  sub.api_version = core.ServedWebhookVersion();
  sub.api_created = s.api_created;
  sub.created_at = now;
  const Id id = sub.id;
  core.state.subscriptions.emplace(id, std::move(sub));
  return id;
}

}  // namespace rh::mocks::shopify::detail
