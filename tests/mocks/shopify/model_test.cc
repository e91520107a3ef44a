// Goal: a stateful model test of the Shopify mock (RapidCheck rc::state). Random sequences of
// fulfillments (some asking for more than is left), cancelled fulfillments, refunds (some for
// more units than remain), order cancels (refused while paid and fulfilled), close/open and
// malformed updates run against the mock (direct Handle calls, virtual clock) and against a
// small model of three two-unit orders. After every command the order's quantities, statuses,
// money and fulfillment orders must agree with the model, and a refused request must change
// nothing. A failure shrinks to a short command list.
#include "mocks/shopify/shopify_mock.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include "sim/clock.h"

namespace rh::mocks::shopify {
namespace {

constexpr int kOrders = 3;
constexpr int kUnits = 2;
constexpr int kUnitCents = 1000;

struct OrderModel {
  int fulfilled = 0;
  int refunded = 0;  // units; each refund also returns their price
  bool cancelled = false;
  bool closed = false;
  std::vector<int> fulfillments;  // units per fulfillment; 0 once cancelled
};

struct Model {
  std::vector<OrderModel> orders = std::vector<OrderModel>(kOrders);
};

struct Sut {
  Sut() {
    Config config;
    config.rest_limits = RestLimits{1'000'000, sim::Ms(1)};
    mock = std::make_unique<ShopifyMock>(config, sim::Rng(2026));
    for (int i = 0; i < kOrders; ++i) {
      const Id id = *mock->SeedOrder(Json::parse(R"({"email":"m@example.com","financial_status":"paid",
          "line_items":[{"title":"Widget","price":"10.00","quantity":2}]})"), clock.MomentNow());
      order_ids.push_back(id);
    }
    mock->Inspect([&](const State& s) {
      for (Id id : order_ids) {
        const Order& o = s.orders.at(id);
        line_ids.push_back(o.line_items.at(0).id);
        sale_ids.push_back(o.transactions.at(0).id);
        fo_ids.push_back(o.fulfillment_orders.at(0).id);
        fo_line_ids.push_back(o.fulfillment_orders.at(0).lines.at(0).id);
      }
    });
  }

  sim::Response Call(sim::Method method, const std::string& path, const std::string& body = "") {
    sim::Request request;
    request.method = method;
    request.target = "/admin/api/2025-07" + path;
    request.headers.Set("X-Shopify-Access-Token", "shpat_rehearsal_0001");
    if (!body.empty()) {
      request.headers.Set("Content-Type", "application/json");
      request.body = body;
    }
    clock.AdvanceTo(clock.Now() + sim::Ms(10));
    return mock->Handle(request, clock.MomentNow());
  }
  std::string Path(std::size_t i) const { return "/orders/" + std::to_string(order_ids[i]); }

  sim::VirtualClock clock{sim::DefaultSimEpoch()};
  std::unique_ptr<ShopifyMock> mock;
  std::vector<Id> order_ids, line_ids, sale_ids, fo_ids, fo_line_ids;
  std::vector<std::vector<Id>> fulfillment_ids = std::vector<std::vector<Id>>(kOrders);
};

using Command = rc::state::Command<Model, Sut>;

void CheckAgainst(const Model& m, Sut& sut, std::size_t i) {
  const OrderModel& om = m.orders[i];
  const sim::Response r = sut.Call(sim::Method::kGet, sut.Path(i) + ".json");
  RC_ASSERT(r.status == 200);
  const Json o = Json::parse(r.body)["order"];
  const Json& line = o["line_items"][0];
  const int current = kUnits - om.refunded;
  const int left = om.cancelled ? 0 : std::max(0, current - om.fulfilled);
  RC_ASSERT(line["current_quantity"].get<int>() == current);
  RC_ASSERT(line["fulfillable_quantity"].get<int>() == left);
  std::string fulfillment = "null";
  if (om.fulfilled > 0) fulfillment = om.fulfilled >= current ? "fulfilled" : "partial";
  RC_ASSERT((o["fulfillment_status"].is_null() ? std::string("null") : o["fulfillment_status"].get<std::string>()) == fulfillment);
  const int money = om.refunded * kUnitCents;
  const std::string financial = money == 0 ? "paid" : money < kUnits * kUnitCents ? "partially_refunded" : "refunded";
  RC_ASSERT(o["financial_status"].get<std::string>() == financial);
  RC_ASSERT(o["cancelled_at"].is_null() == !om.cancelled);
  RC_ASSERT(o["closed_at"].is_null() == !om.closed);
  // The fulfillment orders hold exactly what is left to send.
  const Json fos = Json::parse(sut.Call(sim::Method::kGet, sut.Path(i) + "/fulfillment_orders.json").body)["fulfillment_orders"];
  int held = 0;
  for (const auto& fo : fos) {
    for (const auto& l : fo["line_items"]) held += l["fulfillable_quantity"].get<int>();
  }
  RC_ASSERT(held == left);
  int open = 0;
  for (const auto& each : m.orders) open += !each.cancelled && !each.closed;
  RC_ASSERT(Json::parse(sut.Call(sim::Method::kGet, "/orders/count.json").body)["count"].get<int>() == open);
}

std::size_t AnyOrder() { return *rc::gen::inRange<std::size_t>(0, kOrders); }

struct Fulfill : Command {
  std::size_t i = AnyOrder();
  int units = *rc::gen::inRange(0, 4);
  bool Allowed(const Model& m) const {
    const OrderModel& o = m.orders[i];
    return !o.cancelled && units >= 1 && units <= kUnits - o.refunded - o.fulfilled;
  }
  void apply(Model& m) const override {
    if (!Allowed(m)) return;
    m.orders[i].fulfilled += units;
    m.orders[i].fulfillments.push_back(units);
  }
  void run(const Model& m, Sut& sut) const override {
    const OrderedJson before = sut.mock->Snapshot();
    const sim::Response r = sut.Call(sim::Method::kPost, "/fulfillments.json",
        Json{{"fulfillment", {{"line_items_by_fulfillment_order", Json::array({{{"fulfillment_order_id", sut.fo_ids[i]},
             {"fulfillment_order_line_items", Json::array({{{"id", sut.fo_line_ids[i]}, {"quantity", units}}})}}})}}}}.dump());
    if (Allowed(m)) {
      RC_ASSERT(r.status == 201);
      sut.fulfillment_ids[i].push_back(Json::parse(r.body)["fulfillment"]["id"].get<Id>());
    } else {
      RC_ASSERT(r.status == 422);
      RC_ASSERT(sut.mock->Snapshot() == before);
    }
    CheckAgainst(nextState(m), sut, i);
  }
  void show(std::ostream& os) const override { os << "Fulfill(order " << i << ", " << units << " units)"; }
};

struct CancelFulfillment : Command {
  std::size_t i;
  std::size_t which;
  explicit CancelFulfillment(const Model& m) {
    i = AnyOrder();
    const auto& f = m.orders[i].fulfillments;
    RC_PRE(std::any_of(f.begin(), f.end(), [](int n) { return n > 0; }));
    which = *rc::gen::inRange<std::size_t>(0, f.size());
    RC_PRE(f[which] > 0);
  }
  void apply(Model& m) const override {
    m.orders[i].fulfilled -= m.orders[i].fulfillments[which];
    m.orders[i].fulfillments[which] = 0;
  }
  void run(const Model& m, Sut& sut) const override {
    const sim::Response r = sut.Call(sim::Method::kPost, "/fulfillments/" + std::to_string(sut.fulfillment_ids[i][which]) + "/cancel.json");
    RC_ASSERT(r.status == 200);
    CheckAgainst(nextState(m), sut, i);
  }
  void show(std::ostream& os) const override { os << "CancelFulfillment(order " << i << ", #" << which << ")"; }
};

struct Refund : Command {
  std::size_t i = AnyOrder();
  int units = *rc::gen::inRange(0, 4);
  bool Allowed(const Model& m) const { return units >= 1 && units <= kUnits - m.orders[i].refunded; }
  void apply(Model& m) const override {
    if (Allowed(m)) m.orders[i].refunded += units;
  }
  void run(const Model& m, Sut& sut) const override {
    const OrderedJson before = sut.mock->Snapshot();
    const Json body = {{"refund", {{"refund_line_items", Json::array({{{"line_item_id", sut.line_ids[i]}, {"quantity", units}, {"restock_type", "return"}}})},
                                   {"transactions", Json::array({{{"parent_id", sut.sale_ids[i]}, {"kind", "refund"},
                                                                  {"amount", std::to_string(units * 10) + ".00"}}})}}}};
    const sim::Response r = sut.Call(sim::Method::kPost, sut.Path(i) + "/refunds.json", body.dump());
    if (Allowed(m)) {
      RC_ASSERT(r.status == 201);
    } else {
      RC_ASSERT(r.status == 422);
      RC_ASSERT(sut.mock->Snapshot() == before);
    }
    CheckAgainst(nextState(m), sut, i);
  }
  void show(std::ostream& os) const override { os << "Refund(order " << i << ", " << units << " units)"; }
};

struct CancelOrder : Command {
  std::size_t i = AnyOrder();
  bool Allowed(const Model& m) const {
    const OrderModel& o = m.orders[i];
    const bool money_held = o.refunded < kUnits;
    return !o.cancelled && !(money_held && o.fulfilled > 0);
  }
  void apply(Model& m) const override {
    if (!Allowed(m)) return;
    m.orders[i].cancelled = true;
    m.orders[i].refunded = kUnits;
  }
  void run(const Model& m, Sut& sut) const override {
    const OrderedJson before = sut.mock->Snapshot();
    const sim::Response r = sut.Call(sim::Method::kPost, sut.Path(i) + "/cancel.json", R"({"reason":"customer"})");
    if (Allowed(m)) {
      RC_ASSERT(r.status == 200);
    } else {
      RC_ASSERT(r.status == 422);
      RC_ASSERT(sut.mock->Snapshot() == before);
    }
    CheckAgainst(nextState(m), sut, i);
  }
  void show(std::ostream& os) const override { os << "CancelOrder(" << i << ")"; }
};

struct CloseOrOpen : Command {
  std::size_t i = AnyOrder();
  bool close = *rc::gen::arbitrary<bool>();
  void apply(Model& m) const override { m.orders[i].closed = close; }
  void run(const Model& m, Sut& sut) const override {
    RC_ASSERT(sut.Call(sim::Method::kPost, sut.Path(i) + (close ? "/close.json" : "/open.json")).status == 200);
    CheckAgainst(nextState(m), sut, i);
  }
  void show(std::ostream& os) const override { os << (close ? "Close(" : "Open(") << i << ")"; }
};

struct MalformedUpdate : Command {
  std::size_t i = AnyOrder();
  void apply(Model&) const override {}
  void run(const Model& m, Sut& sut) const override {
    const OrderedJson before = sut.mock->Snapshot();
    RC_ASSERT(sut.Call(sim::Method::kPut, sut.Path(i) + ".json", R"({"order":{"tags":)").status == 400);
    RC_ASSERT(sut.mock->Snapshot() == before);
    CheckAgainst(m, sut, i);
  }
  void show(std::ostream& os) const override { os << "MalformedUpdate(" << i << ")"; }
};

RC_GTEST_PROP(ShopifyModel, QuantitiesStatusesAndFulfillmentOrdersAgreeWithTheModel, ()) {
  Sut sut;
  rc::state::check(Model{}, sut,
                   rc::state::gen::execOneOfWithArgs<Fulfill, CancelFulfillment, Refund, CancelOrder, CloseOrOpen,
                                                     MalformedUpdate>());
}

}  // namespace
}  // namespace rh::mocks::shopify
