// REST refunds: list and get, calculate (creates nothing; suggests transactions of kind
// "suggested_refund" for the caller to resubmit as "refund") and create (201, moves line item
// quantities, fulfillment orders and financial_status, produces refunds/create). The planning
// step checks everything first, so a refused refund changes nothing.
#include <algorithm>

#include "core.h"

namespace rh::mocks::shopify::detail {

namespace {

constexpr std::array<std::string_view, 4> kRestockTypes = {"no_restock", "cancel", "return",
                                                           "legacy_restock"};

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

Cents ShippingRefunded(const Order& order) {
  Cents n = 0;
  for (const auto& r : order.refunds) n += r.shipping;
  return n;
}

// The sale or capture a refund goes back to: the latest successful one.
const Transaction* Parent(const Order& order) {
  const Transaction* parent = nullptr;
  for (const auto& t : order.transactions) {
    if (t.status == "success" && (t.kind == "sale" || t.kind == "capture")) parent = &t;
  }
  return parent;
}

}  // namespace

sim::Expected<RefundPlan, ApiError> PlanRefund(Core& core, const Order& order, const Json& refund) {
  (void)core;
  RefundPlan plan;
  auto fail = [](std::string_view field, std::string_view message) {
    return sim::MakeUnexpected(Unprocessable(field, message));
  };
  if (refund.contains("note") && refund["note"].is_string()) plan.note = refund["note"].get<std::string>();
  if (refund.contains("restock") && refund["restock"].is_boolean()) plan.restock = refund["restock"].get<bool>();

  if (refund.contains("refund_line_items") && !refund["refund_line_items"].is_null()) {
    const Json& lines = refund["refund_line_items"];
    if (!lines.is_array()) return fail("refund_line_items", "must be an array");
    std::map<Id, int> asked;
    for (const auto& l : lines) {
      if (!l.is_object()) return fail("refund_line_items", "must be objects");
      const std::optional<Id> line_id = l.contains("line_item_id") ? IdOf(l["line_item_id"]) : std::nullopt;
      const LineItem* li = nullptr;
      for (const auto& candidate : order.line_items) {
        if (line_id && candidate.id == *line_id) li = &candidate;
      }
      if (!li) return fail("refund_line_items.line_item_id", "is invalid");
      int qty = 1;
      if (l.contains("quantity")) {
        if (!l["quantity"].is_number_integer()) return fail("refund_line_items.quantity", "is not a number");
        qty = l["quantity"].get<int>();
      }
      asked[li->id] += qty;
      if (qty < 1 || asked[li->id] > li->quantity - li->refunded) {
        return fail("refund_line_items.quantity", "cannot refund more items than were purchased");
      }
      RefundLine rl;
      rl.line_item_id = li->id;
      rl.quantity = qty;
      if (l.contains("restock_type") && !l["restock_type"].is_null()) {
        if (!l["restock_type"].is_string() ||
            std::find(kRestockTypes.begin(), kRestockTypes.end(), l["restock_type"].get<std::string>()) ==
                kRestockTypes.end()) {
          return fail("refund_line_items.restock_type", "is not included in the list");
        }
        rl.restock_type = l["restock_type"].get<std::string>();
      }
      if (l.contains("location_id")) rl.location_id = IdOf(l["location_id"]);
      rl.subtotal = li->price * qty - (li->quantity > 0 ? li->total_discount * qty / li->quantity : 0);
      rl.tax = li->quantity > 0 ? li->tax * qty / li->quantity : 0;
      plan.lines.push_back(rl);
    }
  }

  const Cents shipping_left = order.shipping - ShippingRefunded(order);
  if (refund.contains("shipping") && refund["shipping"].is_object()) {
    const Json& s = refund["shipping"];
    if (s.contains("full_refund") && s["full_refund"].is_boolean() && s["full_refund"].get<bool>()) {
      plan.shipping = shipping_left;
    } else if (s.contains("amount")) {
      const std::optional<Cents> amount = ParseMoney(s["amount"]);
      if (!amount || *amount < 0) return fail("shipping.amount", "is invalid");
      if (*amount > shipping_left) return fail("shipping.amount", "exceeds the refundable shipping");
      plan.shipping = *amount;
    }
  }

  const OrderTotals totals = ComputeTotals(order);
  const Cents refundable = totals.received - totals.refunded;
  if (refund.contains("transactions") && !refund["transactions"].is_null()) {
    const Json& txs = refund["transactions"];
    if (!txs.is_array()) return fail("transactions", "must be an array");
    Cents sum = 0;
    for (const auto& t : txs) {
      if (!t.is_object()) return fail("transactions", "must be objects");
      const std::string kind = t.contains("kind") && t["kind"].is_string() ? t["kind"].get<std::string>() : "";
      if (kind != "refund") return fail("transactions.kind", "is not included in the list");
      const std::optional<Id> parent_id = t.contains("parent_id") ? IdOf(t["parent_id"]) : std::nullopt;
      const Transaction* parent = nullptr;
      for (const auto& candidate : order.transactions) {
        if (parent_id && candidate.id == *parent_id && candidate.status == "success" &&
            (candidate.kind == "sale" || candidate.kind == "capture")) {
          parent = &candidate;
        }
      }
      if (!parent) return fail("transactions.parent_id", "is invalid");
      const std::optional<Cents> amount = t.contains("amount") ? ParseMoney(t["amount"]) : std::nullopt;
      if (!amount || *amount <= 0) return fail("transactions.amount", "must be greater than 0");
      sum += *amount;
      if (sum > refundable) {
        return fail("transactions.amount", "cannot be greater than the refundable amount (" +
                                               FormatMoney(refundable) + ")");
      }
      Transaction tx;
      tx.kind = "refund";
      tx.amount = *amount;
      tx.parent_id = parent->id;
      tx.gateway = t.contains("gateway") && t["gateway"].is_string() ? t["gateway"].get<std::string>()
                                                                     : parent->gateway;
      plan.transactions.push_back(tx);
    }
  }
  return plan;
}

std::vector<Transaction> SuggestTransactions(const Order& order, const RefundPlan& plan) {
  Cents amount = plan.shipping;
  for (const auto& l : plan.lines) amount += l.subtotal + l.tax;
  const OrderTotals totals = ComputeTotals(order);
  amount = std::min(amount, totals.received - totals.refunded);
  const Transaction* parent = Parent(order);
  std::vector<Transaction> out;
  if (!parent || amount <= 0) return out;
  Transaction t;
  t.kind = "suggested_refund";
  t.amount = amount;
  t.parent_id = parent->id;
  t.gateway = parent->gateway;
  out.push_back(t);
  return out;
}

Refund& ApplyRefund(Core& core, Action& action, Order& order, RefundPlan plan) {
  Refund r;
  r.id = core.NextId(IdKind::kRefund);
  r.order_id = order.id;
  r.note = std::move(plan.note);
  r.restock = plan.restock;
  r.shipping = plan.shipping;
  r.created_at = action.now.wall;
  r.processed_at = action.now.wall;
  for (auto& rl : plan.lines) {
    rl.id = core.NextId(IdKind::kRefundLine);
    for (auto& li : order.line_items) {
      if (li.id != rl.line_item_id) continue;
      li.refunded += rl.quantity;
    }
    r.lines.push_back(rl);
  }
  // Units not yet sent leave the fulfillment orders.
  SyncFulfillmentOrders(order, action.now.wall);
  for (auto& t : plan.transactions) {
    t.id = core.NextId(IdKind::kTransaction);
    t.created_at = action.now.wall;
    t.status = "success";
    order.transactions.push_back(t);
    r.transactions.push_back(t);
  }
  const OrderTotals totals = ComputeTotals(order);
  if (totals.refunded > 0) {
    order.financial_status = totals.refunded >= totals.received ? "refunded" : "partially_refunded";
  }
  order.updated_at = action.now.wall;
  order.refunds.push_back(std::move(r));
  ProduceWebhook(core, action, "refunds/create", RenderRefund(core, order, order.refunds.back()));
  return order.refunds.back();
}

Reply Core::ListRefunds(Call& call) {
  const Order* order = FindOrder(call.params.GetUint("id").value_or(0));
  if (!order) return sim::MakeUnexpected(NotFound());
  OrderedJson list = OrderedJson::array();
  for (const auto& r : order->refunds) list.push_back(RenderRefund(*this, *order, r));
  return JsonResponse(200, OrderedJson{{"refunds", list}});
}

Reply Core::GetRefund(Call& call) {
  const Order* order = FindOrder(call.params.GetUint("id").value_or(0));
  if (!order) return sim::MakeUnexpected(NotFound());
  const Id rid = call.params.GetUint("rid").value_or(0);
  for (const auto& r : order->refunds) {
    if (r.id == rid) return JsonResponse(200, OrderedJson{{"refund", RenderRefund(*this, *order, r)}});
  }
  return sim::MakeUnexpected(NotFound());
}

Reply Core::CalculateRefund(Call& call) {
  const Order* order = FindOrder(call.params.GetUint("id").value_or(0));
  if (!order) return sim::MakeUnexpected(NotFound());
  auto body = BodyRoot(call, "refund");
  if (!body) return sim::MakeUnexpected(body.error());
  Json wanted = *body;
  wanted.erase("transactions");  // calculate ignores them
  auto plan = PlanRefund(*this, *order, wanted);
  if (!plan) return sim::MakeUnexpected(plan.error());
  const OrderTotals totals = ComputeTotals(*order);
  const Cents refundable = totals.received - totals.refunded;
  const std::string& cur = order->currency;
  OrderedJson out;
  out["shipping"] = {{"amount", FormatMoney(plan->shipping)},
                     {"tax", "0.00"},
                     {"maximum_refundable", FormatMoney(order->shipping - ShippingRefunded(*order))}};
  OrderedJson lines = OrderedJson::array();
  for (const auto& rl : plan->lines) {
    const LineItem* li = nullptr;
    for (const auto& candidate : order->line_items) {
      if (candidate.id == rl.line_item_id) li = &candidate;
    }
    OrderedJson line;
    line["line_item_id"] = rl.line_item_id;
    line["quantity"] = rl.quantity;
    line["restock_type"] = rl.restock_type;
    line["location_id"] = rl.location_id ? OrderedJson(*rl.location_id) : OrderedJson(nullptr);
    line["price"] = FormatMoney(li->price);
    line["subtotal"] = FormatMoney(rl.subtotal);
    line["total_tax"] = FormatMoney(rl.tax);
    line["discounted_price"] = FormatMoney(rl.quantity > 0 ? rl.subtotal / rl.quantity : 0);
    line["discounted_total_price"] = FormatMoney(rl.subtotal);
    line["total_cart_discount_amount"] = "0.00";
    lines.push_back(std::move(line));
  }
  out["refund_line_items"] = lines;
  OrderedJson txs = OrderedJson::array();
  for (const auto& t : SuggestTransactions(*order, *plan)) {
    OrderedJson tx;
    tx["order_id"] = order->id;
    tx["kind"] = t.kind;
    tx["gateway"] = t.gateway;
    tx["parent_id"] = *t.parent_id;
    tx["amount"] = FormatMoney(t.amount);
    tx["currency"] = cur;
    tx["maximum_refundable"] = FormatMoney(refundable);
    txs.push_back(std::move(tx));
  }
  out["transactions"] = txs;
  out["currency"] = cur;
  return JsonResponse(200, OrderedJson{{"refund", out}});
}

Reply Core::CreateRefundRest(Call& call) {
  Order* order = FindOrder(call.params.GetUint("id").value_or(0));
  if (!order) return sim::MakeUnexpected(NotFound());
  auto body = BodyRoot(call, "refund");
  if (!body) return sim::MakeUnexpected(body.error());
  auto plan = PlanRefund(*this, *order, *body);
  if (!plan) return sim::MakeUnexpected(plan.error());
  if (plan->lines.empty() && plan->transactions.empty() && plan->shipping == 0) {
    return sim::MakeUnexpected(ErrorObject(422, OrderedJson{{"base", OrderedJson::array({"Refund must include line items, shipping or transactions"})}}));
  }
  Refund& r = ApplyRefund(*this, call.action, *order, std::move(*plan));
  OrderedJson rendered = RenderRefund(*this, *order, r);
  OrderChanged(*this, call.action, *order);
  return JsonResponse(201, OrderedJson{{"refund", rendered}});
}

}  // namespace rh::mocks::shopify::detail
