// Goal: the inspection surface of the Shopify mock (HTTP routes under /_rehearsal/ and the C++
// methods) seeds data in the REST shapes with ids assigned, refuses a bad document with a 400
// naming the field and without changing anything, moves shipments and opens returns through
// state changes (with their webhooks), shows the request log and the webhooks, changes limits;
// and the mock is deterministic: the same seed gives the same ids and bytes.
#include "mocks/shopify/shopify_mock.h"

#include <gtest/gtest.h>

#include "shopify_test_support.h"

namespace rh::mocks::shopify::testing {
namespace {

template <class W>
class ShopifyInspection : public ShopifyWorldTest<W> {};
TYPED_TEST_SUITE(ShopifyInspection, Worlds, WorldNames);

sim::Request Inspect(sim::Method method, const std::string& target, const std::string& body = "") {
  return Api(method, target, body, nullptr);
}

TYPED_TEST(ShopifyInspection, SeedRoutesCreateResourcesWithAssignedIds) {
  this->Start();
  const sim::Response customer = this->Send(Inspect(sim::Method::kPost, "/_rehearsal/customers",
                                                    R"({"customer":{"email":"frank@example.com","first_name":"Frank"}})"));
  ASSERT_EQ(customer.status, 201) << customer.body;
  const Id frank = Body(customer)["customer"]["id"].template get<Id>();
  EXPECT_GT(frank, 9'007'199'254'740'992ULL);
  const sim::Response order = this->Send(Inspect(sim::Method::kPost, "/_rehearsal/orders",
      R"({"customer":{"email":"frank@example.com"},"line_items":[{"title":"Kettle","price":"35.50","quantity":1,"sku":"KT-1"}],
          "total_price":"35.50"})"));
  ASSERT_EQ(order.status, 201) << order.body;
  const Json o = Body(order)["order"];
  EXPECT_EQ(o["customer"]["id"], frank);
  EXPECT_EQ(o["name"], "#1001");
  EXPECT_EQ(o["financial_status"], "paid");
  const Json via_api = this->Order(o["id"].template get<Id>());
  EXPECT_EQ(via_api["total_price"], "35.50");
  EXPECT_EQ(Body(this->Send(Get("/customers/" + std::to_string(frank) + ".json")))["customer"]["orders_count"], 1);
  const sim::Response fulfilled = this->Send(Inspect(sim::Method::kPost, "/_rehearsal/orders/" + std::to_string(o["id"].template get<Id>()) + "/fulfillments",
                                                     R"({"tracking_company":"FedEx","tracking_number":"7712"})"));
  ASSERT_EQ(fulfilled.status, 201) << fulfilled.body;
  EXPECT_EQ(Body(fulfilled)["fulfillment"]["tracking_url"], "https://www.fedex.com/fedextrack/?trknbr=7712");
  EXPECT_EQ(this->Order(o["id"].template get<Id>())["fulfillment_status"], "fulfilled");
}

TYPED_TEST(ShopifyInspection, ABadSeedDocumentIs400NamingTheFieldAndChangesNothing) {
  this->StartSeeded();
  const OrderedJson before = this->mock().Snapshot();
  const sim::Response price = this->Send(Inspect(sim::Method::kPost, "/_rehearsal/orders",
      R"({"email":"new@example.com","line_items":[{"title":"A","price":"1.00"},{"title":"B","price":"abc"}]})"));
  EXPECT_EQ(price.status, 400);
  EXPECT_EQ(Body(price), Json::parse(R"({"errors":{"line_items[1].price":"must be a decimal amount such as \"54.99\""}})"));
  const sim::Response total = this->Send(Inspect(sim::Method::kPost, "/_rehearsal/orders",
      R"({"email":"new@example.com","line_items":[{"title":"A","price":"1.00"}],"total_price":"2.00"})"));
  EXPECT_EQ(total.status, 400);
  EXPECT_TRUE(Body(total)["errors"].contains("total_price"));
  const sim::Response dup = this->Send(Inspect(sim::Method::kPost, "/_rehearsal/customers", R"({"email":"bob@example.com"})"));
  EXPECT_EQ(Body(dup), Json::parse(R"({"errors":{"email":"has already been taken"}})"));
  EXPECT_EQ(this->Send(Inspect(sim::Method::kPost, "/_rehearsal/orders", "{not json")).status, 400);
  EXPECT_EQ(this->mock().Snapshot(), before);
  auto direct = this->mock().SeedOrder(Json::parse(R"({"line_items":[]})"), this->world().Now());
  ASSERT_FALSE(direct.has_value());
  EXPECT_EQ(direct.error().field, "line_items");
}

TYPED_TEST(ShopifyInspection, ACarrierEventRouteMovesTheShipment) {
  this->StartSeeded();
  const Id fid = this->Order(this->seeded_.fulfilled_order)["fulfillments"][0]["id"].template get<Id>();
  const sim::Response r = this->Send(Inspect(sim::Method::kPost, "/_rehearsal/fulfillments/" + std::to_string(fid) + "/events",
                                             R"({"status":"delivered","message":"Left at front door"})"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Body(r)["fulfillment"]["shipment_status"], "delivered");
  EXPECT_EQ(this->Order(this->seeded_.fulfilled_order)["fulfillments"][0]["shipment_status"], "delivered");
  EXPECT_EQ(this->Send(Inspect(sim::Method::kPost, "/_rehearsal/fulfillments/1/events", R"({"status":"delivered"})")).status, 404);
  const sim::Response bad = this->Send(Inspect(sim::Method::kPost, "/_rehearsal/fulfillments/" + std::to_string(fid) + "/events",
                                               R"({"status":"lost_in_space"})"));
  EXPECT_EQ(Body(bad), Json::parse(R"({"errors":{"status":"is not included in the list"}})"));
}

TYPED_TEST(ShopifyInspection, AReturnRouteOpensAReturnThatBlocksCancel) {
  this->StartSeeded();
  const Id order = this->seeded_.fulfilled_order;
  const Id mug = this->FirstLineItem(order);
  const sim::Response r = this->Send(Inspect(sim::Method::kPost, "/_rehearsal/orders/" + std::to_string(order) + "/returns",
      R"({"line_items":[{"line_item_id":)" + std::to_string(mug) + R"(,"quantity":1,"reason":"defective"}]})"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Body(r)["return"]["status"], "requested");
  EXPECT_EQ(Body(r)["return"]["return_line_items"][0]["return_reason"], "defective");
  const sim::Response too_many = this->Send(Inspect(sim::Method::kPost, "/_rehearsal/orders/" + std::to_string(order) + "/returns",
      R"({"line_items":[{"line_item_id":)" + std::to_string(mug) + R"(,"quantity":2}]})"));
  EXPECT_EQ(too_many.status, 400);
  EXPECT_TRUE(Body(too_many)["errors"].contains("line_items[0].quantity")) << too_many.body;
}

TYPED_TEST(ShopifyInspection, StateRequestLogAndWebhookRoutesShowWhatHappened) {
  WorldOptions options;
  options.topics = {"orders/updated"};
  this->StartSeeded(std::move(options));
  ASSERT_EQ(this->Send(Get("/orders.json")).status, 200);
  ASSERT_EQ(this->Send(Api(sim::Method::kGet, "/orders.json", "", "nope")).status, 401);
  ASSERT_EQ(this->Send(Put("/orders/" + std::to_string(this->seeded_.open_order) + ".json", R"({"order":{"note":"n"}})")).status, 200);
  const Json state = Body(this->Send(Inspect(sim::Method::kGet, "/_rehearsal/state")));
  EXPECT_EQ(state["customers"].size(), 2u);
  EXPECT_EQ(state["orders"].size(), 3u);
  EXPECT_EQ(state["orders"][0]["fulfillment_orders"].size(), 1u);
  const Json log = Body(this->Send(Inspect(sim::Method::kGet, "/_rehearsal/requests")));
  ASSERT_EQ(log["requests"].size(), 3u);
  EXPECT_EQ(log["requests"][0]["rate_limit"], "admitted 1/40");
  EXPECT_EQ(log["requests"][1]["status"], 401);
  EXPECT_EQ(log["requests"][1]["account"], "");
  EXPECT_EQ(log["requests"][2]["method"], "PUT");
  const Json hooks = Body(this->Send(Inspect(sim::Method::kGet, "/_rehearsal/webhooks")));
  ASSERT_EQ(hooks["webhooks"].size(), 1u);
  EXPECT_EQ(hooks["webhooks"][0]["topic"], "orders/updated");
  EXPECT_EQ(hooks["webhooks"][0]["headers"]["X-Shopify-Hmac-Sha256"],
            IndependentHmacBase64(kSecret, hooks["webhooks"][0]["body"].template get<std::string>()));
  EXPECT_EQ(this->Send(Inspect(sim::Method::kGet, "/_rehearsal/nothing")).status, 404);
}

TYPED_TEST(ShopifyInspection, TheLimitsRouteReconfiguresAndRefusesNonsense) {
  this->Start();
  ASSERT_EQ(this->Send(Inspect(sim::Method::kPut, "/_rehearsal/limits", R"({"rest":{"bucket_size":2,"leak_per_second":1}})")).status, 200);
  EXPECT_EQ(this->Send(Get("/shop.json")).status, 200);
  EXPECT_EQ(this->Send(Get("/shop.json")).status, 200);
  const sim::Response refused = this->Send(Get("/shop.json"));
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.headers.GetOr("Retry-After", ""), "1.0");
  EXPECT_EQ(refused.headers.GetOr("X-Shopify-Shop-Api-Call-Limit", ""), "2/2");
  const sim::Response bad = this->Send(Inspect(sim::Method::kPut, "/_rehearsal/limits", R"({"plan":"galactic"})"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Body(bad)["errors"].contains("plan"));
}

TEST(ShopifyDeterminism, TheSameSeedGivesTheSameIdsAndBytes) {
  auto run = [] {
    SimWorld world{WorldOptions{}};
    SeedStandard(world);
    std::string bytes = world.mock().Snapshot().dump();
    bytes += world.Send(Get("/orders.json")).headers.GetOr("X-Request-Id", "");
    bytes += world.Send(Graphql("{ orders(first: 3) { nodes { id name } } }")).body;
    return bytes;
  };
  EXPECT_EQ(run(), run());
}

TEST(ShopifyDeterminism, HandleIsSafeFromSeveralThreadsAtOnce) {
  WorldOptions options;
  options.config.rest_limits = RestLimits{100'000, sim::Ms(1)};
  LiveWorld world(std::move(options));
  const Seeded s = SeedStandard(world);
  std::vector<std::future<int>> runs;
  for (int t = 0; t < 4; ++t) {
    runs.push_back(std::async(std::launch::async, [&world, &s, t] {
      int ok = 0;
      for (int i = 0; i < 25; ++i) {
        const std::string tag = "t" + std::to_string(t) + "-" + std::to_string(i);
        ok += world.Send(Put("/orders/" + std::to_string(s.open_order) + ".json", R"({"order":{"tags":")" + tag + "\"}}")).status == 200;
        ok += world.Send(Get("/orders.json")).status == 200;
        ok += world.mock().Snapshot()["orders"].size() == 3u;
      }
      return ok;
    }));
  }
  for (auto& r : runs) EXPECT_EQ(r.get(), 75);
  EXPECT_EQ(world.mock().RequestLogEntries().size(), 200u);
}

}  // namespace
}  // namespace rh::mocks::shopify::testing
