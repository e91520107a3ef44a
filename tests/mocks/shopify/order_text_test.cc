// Goal: the Shopify mock serves an order read from text rendered once per state version. A read
// must print exactly what the order document prints, and a write (an API call or a seed) must
// show in the next read: a stale order would tell a support pipeline the wrong status.
#include "mocks/shopify/shopify_mock.h"

#include <gtest/gtest.h>

#include "sim/clock.h"

namespace rh::mocks::shopify {
namespace {

class ShopifyOrderText : public ::testing::Test {
 protected:
  ShopifyOrderText() {
    Config config;
    config.rest_limits = RestLimits{1'000'000, sim::Ms(1)};
    mock = std::make_unique<ShopifyMock>(config, sim::Rng(7));
    order = *mock->SeedOrder(Json::parse(R"({"email":"m@example.com","financial_status":"paid",
        "line_items":[{"title":"Widget \u00e9","price":"10.00","quantity":2}]})"),
                             clock.MomentNow());
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
  std::string OrderPath() const { return "/orders/" + std::to_string(order) + ".json"; }
  std::string Expected() const { return DumpJson(OrderedJson{{"order", *mock->OrderJson(order)}}); }

  sim::VirtualClock clock{sim::DefaultSimEpoch()};
  std::unique_ptr<ShopifyMock> mock;
  Id order = 0;
};

TEST_F(ShopifyOrderText, RepeatedReadsPrintTheOrderDocument) {
  const sim::Response first = Call(sim::Method::kGet, OrderPath());
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.body, Expected());
  EXPECT_EQ(Call(sim::Method::kGet, OrderPath()).body, first.body);
}

TEST_F(ShopifyOrderText, AnApiWriteShowsInTheNextRead) {
  const std::string before = Call(sim::Method::kGet, OrderPath()).body;
  ASSERT_EQ(Call(sim::Method::kPut, OrderPath(), R"({"order":{"note":"leave at the door"}})").status, 200);
  const std::string after = Call(sim::Method::kGet, OrderPath()).body;
  EXPECT_NE(after, before);
  EXPECT_NE(after.find("leave at the door"), std::string::npos);
  EXPECT_EQ(after, Expected());
}

TEST_F(ShopifyOrderText, ASeededFulfillmentShowsInTheNextRead) {
  const std::string before = Call(sim::Method::kGet, OrderPath()).body;
  ASSERT_TRUE(mock->SeedFulfillment(order, Json::parse(R"({"tracking_number":"1Z999"})"), clock.MomentNow(), false)
                  .has_value());
  const std::string after = Call(sim::Method::kGet, OrderPath()).body;
  EXPECT_NE(after, before);
  EXPECT_EQ(after, Expected());
}

}  // namespace
}  // namespace rh::mocks::shopify
