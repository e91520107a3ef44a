// Goal: the Shopify client against the real Shopify mock in sim mode: the customer and their
// newest orders by e-mail (cancelled ones included), an order with fulfillments, line items,
// refunds and returns (GraphQL), cancel and address change, a 404, the REST bucket paced before
// it overflows, and a 429 storm that ends in success with Retry-After honoured.
#include "pipeline/clients/shopify_client.h"

#include <gtest/gtest.h>

#include "clients_test_support.h"
#include "pipeline/clients/order_facts.h"

namespace rh::pipeline::clients {
namespace {

using mocks::Json;
using testing::IntField;
using testing::RecordsOf;

class ShopifyClientTest : public ::testing::Test {
 protected:
  std::uint64_t Customer(const std::string& email, const std::string& first = "Maria") {
    auto id = world.shopify().SeedCustomer(
        Json{{"first_name", first}, {"last_name", "Diaz"}, {"email", email}, {"tags", "VIP, wholesale"}}, world.Now());
    EXPECT_TRUE(id.has_value()) << id.error().field << ": " << id.error().message;
    return id.has_value() ? *id : 0;
  }
  std::uint64_t Order(std::uint64_t customer, const std::string& email, sim::Duration age,
                      Json items = Json::array({{{"title", "Hoodie"}, {"sku", "HD-M-BLK"}, {"quantity", 1}, {"price", "54.99"}}})) {
    auto id = world.shopify().SeedOrder(Json{{"email", email},
                                              {"customer", {{"id", customer}}},
                                              {"financial_status", "paid"},
                                              {"created_at", world.ShopTime(age)},
                                              {"processed_at", world.ShopTime(age)},
                                              {"shipping_address",
                                               {{"first_name", "Maria"}, {"last_name", "Diaz"}, {"address1", "1 Main St"},
                                                {"city", "Louisville"}, {"province_code", "KY"}, {"zip", "40202"},
                                                {"country_code", "US"}}},
                                              {"line_items", items}},
                                         world.Now());
    EXPECT_TRUE(id.has_value()) << id.error().field << ": " << id.error().message;
    return id.has_value() ? *id : 0;
  }
  std::uint64_t Ship(std::uint64_t order, const std::string& status = "in_transit") {
    auto id = world.shopify().SeedFulfillment(order,
                                              Json{{"tracking_company", "UPS"},
                                                   {"tracking_number", "1Z999AA10123456784"},
                                                   {"tracking_url", "https://www.ups.com/track?tracknum=1Z999AA10123456784"},
                                                   {"shipment_status", status}},
                                              world.Now(), /*notify=*/false);
    EXPECT_TRUE(id.has_value()) << id.error().field << ": " << id.error().message;
    return id.has_value() ? *id : 0;
  }

  testing::MockWorld world;
};

TEST_F(ShopifyClientTest, FindsTheCustomerAndTheirNewestOrdersByEmailCancelledOnesIncluded) {
  const auto maria = Customer("maria@example.com");
  Customer("mariana@example.com", "Mariana");  // a near miss the search must not confuse
  const auto old_order = Order(maria, "maria@example.com", sim::Days(20));
  const auto new_order = Order(maria, "maria@example.com", sim::Days(2));
  auto client = world.Shopify();
  ASSERT_TRUE(world.Run(client->CancelOrder(old_order, {})).has_value());

  const auto found = world.Run(client->LookupByEmail("Maria@Example.com"));
  ASSERT_TRUE(found.has_value()) << DescribeError(found.error());
  ASSERT_TRUE(found->customer.has_value());
  EXPECT_EQ(found->customer->id, maria);
  EXPECT_EQ(found->customer->orders_count, 2);
  EXPECT_EQ(found->customer->total_spent, 5499);  // net of the cancelled order's refund
  EXPECT_EQ(found->customer->tags, (std::vector<std::string>{"VIP", "wholesale"}));
  ASSERT_EQ(found->orders.size(), 2u);
  EXPECT_EQ(found->orders[0].id, new_order);  // newest first
  EXPECT_EQ(found->orders[1].id, old_order);
  EXPECT_TRUE(found->orders[1].cancelled());  // status=any: not hidden

  const auto nobody = world.Run(client->LookupByEmail("nobody@example.com"));
  ASSERT_TRUE(nobody.has_value());
  EXPECT_FALSE(nobody->customer.has_value());
  EXPECT_TRUE(nobody->orders.empty());
}

TEST_F(ShopifyClientTest, ReadsAnOrderWithFulfillmentsLineItemsAndReturns) {
  const auto maria = Customer("maria@example.com");
  const auto order_id = Order(maria, "maria@example.com", sim::Days(5),
                              Json::array({{{"title", "Hoodie"}, {"sku", "HD-M-BLK"}, {"quantity", 2}, {"price", "54.99"}},
                                           {{"title", "Mug"}, {"sku", "MUG-01"}, {"quantity", 1}, {"price", "12.00"}}}));
  Ship(order_id, "delivered");
  const auto json = world.shopify().OrderJson(order_id);
  ASSERT_TRUE(json.has_value());
  const std::uint64_t hoodie_line = (*json)["line_items"][0]["id"].get<std::uint64_t>();
  ASSERT_TRUE(world.shopify()
                  .SeedReturn(order_id, Json{{"line_items", {{{"line_item_id", hoodie_line}, {"quantity", 1}, {"reason", "size_too_small"}}}}},
                              world.Now())
                  .has_value());
  auto client = world.Shopify();

  const auto order = world.Run(client->GetOrder(order_id, /*with_returns=*/true));
  ASSERT_TRUE(order.has_value()) << DescribeError(order.error());
  EXPECT_EQ(order->id, order_id);
  EXPECT_GT(order->id, std::uint64_t{1} << 53);  // read exactly, never through a double
  EXPECT_EQ(order->name, "#1001");
  EXPECT_EQ(order->financial_status, "paid");
  EXPECT_EQ(order->fulfillment_status, "fulfilled");
  EXPECT_EQ(order->currency, "USD");
  EXPECT_EQ(order->subtotal_price, 2 * 5499 + 1200);
  ASSERT_EQ(order->line_items.size(), 2u);
  EXPECT_EQ(order->line_items[0].sku, "HD-M-BLK");
  EXPECT_EQ(order->line_items[0].quantity, 2);
  EXPECT_EQ(order->line_items[0].price, 5499);
  ASSERT_EQ(order->fulfillments.size(), 1u);
  const ShopifyFulfillment& f = order->fulfillments[0];
  EXPECT_EQ(f.tracking_company, "UPS");
  EXPECT_EQ(f.tracking_numbers, (std::vector<std::string>{"1Z999AA10123456784"}));
  EXPECT_EQ(f.tracking_urls.size(), 1u);
  EXPECT_EQ(f.shipment_status, "delivered");
  EXPECT_TRUE(f.created_at.at.has_value());
  EXPECT_TRUE(f.updated_at.at.has_value());
  ASSERT_TRUE(order->returns_known);
  ASSERT_EQ(order->returns.size(), 1u);
  EXPECT_EQ(order->returns[0].status, "REQUESTED");
  EXPECT_EQ(order->returns[0].name, "#1001-R1");
  EXPECT_TRUE(order->returns[0].open());
  ASSERT_TRUE(order->shipping_address.has_value());
  EXPECT_EQ(order->shipping_address->city, "Louisville");
  EXPECT_EQ(order->customer_id, maria);

  // The facts a prompt carries about it.
  const PromptFacts facts = FactsFromOrder(*order, "Maria Diaz");
  EXPECT_EQ(facts.order, "#1001");
  EXPECT_EQ(facts.carrier, "UPS");
  EXPECT_EQ(facts.tracking_number, "1Z999AA10123456784");
  EXPECT_EQ(facts.status, "delivered");
  EXPECT_EQ(facts.items, "2x Hoodie (HD-M-BLK), 1x Mug (MUG-01)");
  const DraftFacts allowed = DraftFactsFromOrder(*order);
  EXPECT_NE(std::find(allowed.identifiers.begin(), allowed.identifiers.end(), "1Z999AA10123456784"),
            allowed.identifiers.end());
}

TEST_F(ShopifyClientTest, CancelsAnUnfulfilledOrderAndRefusesAFulfilledOne) {
  const auto maria = Customer("maria@example.com");
  const auto open_order = Order(maria, "maria@example.com", sim::Hours(3));
  const auto shipped = Order(maria, "maria@example.com", sim::Days(3));
  Ship(shipped);
  auto client = world.Shopify();

  const auto cancelled = world.Run(client->CancelOrder(open_order, {"customer", false}));
  ASSERT_TRUE(cancelled.has_value()) << DescribeError(cancelled.error());
  EXPECT_TRUE(cancelled->cancelled());
  EXPECT_EQ(cancelled->cancel_reason, "customer");
  EXPECT_EQ(cancelled->financial_status, "refunded");
  EXPECT_EQ(cancelled->RefundedTotal(), cancelled->total_price);

  const auto refused = world.Run(client->CancelOrder(shipped, {}));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, CallErrorKind::kClientError);
  EXPECT_EQ(refused.error().status, 422);
  EXPECT_EQ(refused.error().attempts, 1);
}

TEST_F(ShopifyClientTest, ACancelWhoseAnswerWasLostIsReconciledByReadingTheOrder) {
  const auto maria = Customer("maria@example.com");
  const auto order_id = Order(maria, "maria@example.com", sim::Hours(3));
  sim::FaultRule lost;
  lost.name = "cancel answer lost";
  lost.host = "shopify";
  lost.path_prefix = "/admin/api/2025-01/orders/" + std::to_string(order_id) + "/cancel.json";
  lost.kind = sim::FaultKind::kDropAfterHandling;
  lost.nth = 1;
  world.network().faults().Add(lost);
  auto client = world.Shopify();
  const auto cancelled = world.Run(client->CancelOrder(order_id, {}));
  ASSERT_TRUE(cancelled.has_value()) << DescribeError(cancelled.error());
  EXPECT_TRUE(cancelled->cancelled());
}

TEST_F(ShopifyClientTest, ChangesTheShippingAddress) {
  const auto maria = Customer("maria@example.com");
  const auto order_id = Order(maria, "maria@example.com", sim::Hours(3));
  auto client = world.Shopify();
  ShopifyAddress address;
  address.address1 = "500 Elm St";
  address.zip = "40203";
  const auto updated = world.Run(client->UpdateShippingAddress(order_id, address));
  ASSERT_TRUE(updated.has_value()) << DescribeError(updated.error());
  ASSERT_TRUE(updated->shipping_address.has_value());
  EXPECT_EQ(updated->shipping_address->address1, "500 Elm St");
  EXPECT_EQ(updated->shipping_address->zip, "40203");
  EXPECT_EQ(updated->shipping_address->city, "Louisville");  // the fields not given stay
}

TEST_F(ShopifyClientTest, AnUnknownOrderIsAFinal404) {
  auto client = world.Shopify();
  const auto missing = world.Run(client->GetOrder(123456789, false));
  ASSERT_FALSE(missing.has_value());
  EXPECT_TRUE(IsNotFound(missing.error()));
  EXPECT_EQ(missing.error().attempts, 1);
}

TEST_F(ShopifyClientTest, PacesItselfBeforeTheRestBucketOverflows) {
  const auto maria = Customer("maria@example.com");
  const auto order_id = Order(maria, "maria@example.com", sim::Days(1));
  world.shopify().SetRestLimits({10, sim::Ms(500)});  // a small bucket: 10 calls, 2/s
  ShopifyConfig config = world.ShopifySettings();
  config.bucket_drain_window = sim::Sec(5);  // 10 calls at 2/s
  config.retry.max_concurrency = 4;
  auto client = world.Shopify(config);
  std::vector<sim::Task<CallResult<ShopifyOrder>>> reads;
  for (int i = 0; i < 60; ++i) reads.push_back(client->GetOrder(order_id, false));
  for (const auto& r : testing::RunAll(world.scheduler(), std::move(reads))) {
    ASSERT_TRUE(r.has_value()) << DescribeError(r.error());
  }
  // Paced by the call-limit header: the bucket was never overrun, so nothing was refused.
  std::size_t refused = 0;
  for (const auto& e : world.shopify().RequestLogEntries()) refused += e.status == 429 ? 1 : 0;
  EXPECT_EQ(refused, 0u);
  EXPECT_EQ(client->caller().stats().rate_limited, 0u);
  EXPECT_GT(client->caller().stats().paced_waits, 0u);
  // 60 calls at 2/s after the first ten: about 25 s of virtual time, not less.
  EXPECT_GE(world.scheduler().Now().time_since_epoch(), sim::Sec(24));
}

TEST_F(ShopifyClientTest, AThrottledGraphqlQueryIsRetriedOnceItsCostIsRestored) {
  const auto maria = Customer("maria@example.com");
  const auto order_id = Order(maria, "maria@example.com", sim::Days(1));
  // A bucket that holds about one returns query (cost 23), restored at 1 point a second: a
  // THROTTLED answer (HTTP 200) for the others, to be waited out like a 429.
  world.shopify().SetGraphqlLimits({1, 25});
  auto client = world.Shopify();
  std::vector<sim::Task<CallResult<std::vector<ShopifyReturn>>>> queries;
  for (int i = 0; i < 4; ++i) queries.push_back(client->OrderReturns(order_id));
  for (const auto& r : testing::RunAll(world.scheduler(), std::move(queries))) {
    ASSERT_TRUE(r.has_value()) << DescribeError(r.error());
    EXPECT_TRUE(r->empty());
  }
  EXPECT_GT(client->caller().stats().rate_limited, 0u);
  EXPECT_TRUE(RecordsOf(world.trace(), "client.gave_up").empty());
}

TEST_F(ShopifyClientTest, AStormOf429sEndsInSuccessWithRetryAfterHonoured) {
  const auto maria = Customer("maria@example.com");
  const auto order_id = Order(maria, "maria@example.com", sim::Days(1));
  // The mock's own limit: a bucket of 1 that drains every 2 s. The four first attempts go out
  // together, before any reading of the bucket: three meet 429 "Retry-After: 2.0".
  world.shopify().SetRestLimits({1, sim::Sec(2)});
  ShopifyConfig config = world.ShopifySettings();
  config.bucket_drain_window = sim::Sec(2);
  config.retry.max_attempts = 6;
  auto client = world.Shopify(config);
  std::vector<sim::Task<CallResult<ShopifyOrder>>> reads;
  for (int i = 0; i < 4; ++i) reads.push_back(client->GetOrder(order_id, false));
  for (const auto& r : testing::RunAll(world.scheduler(), std::move(reads))) {
    ASSERT_TRUE(r.has_value()) << DescribeError(r.error());
  }
  // The concurrent first attempts met the full bucket; each refusal said when to come back.
  const auto refusals = RecordsOf(world.trace(), "client.retry", "client.shopify");
  ASSERT_FALSE(refusals.empty());
  const auto attempts = RecordsOf(world.trace(), "client.attempt", "client.shopify");
  for (const auto* refusal : refusals) {
    const std::int64_t retry_after_ms = IntField(*refusal, "retry_after_ms");
    EXPECT_GT(retry_after_ms, 0);
    EXPECT_LE(retry_after_ms, 2000);
    // No attempt of the account came before that (the pause is account-wide, not per call).
    for (const auto* attempt : attempts) {
      if (attempt->time > refusal->time) {
        EXPECT_GE(attempt->time - refusal->time, sim::Ms(retry_after_ms));
      }
    }
  }
  EXPECT_LE(client->caller().stats().attempts, 4u * 6u);
}

}  // namespace
}  // namespace rh::pipeline::clients
