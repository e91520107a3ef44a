// Goal: the Shopify mock's webhooks come from state changes, carry the reference's headers, are
// signed over the exact bytes sent (checked with OpenSSL directly, not the project's wrapper),
// keep their webhook id across retries, share one event id across the topics of one action, are
// retried on Shopify's schedule when the receiver fails, and an Admin-API subscription whose
// deliveries give up is deleted (a TOML one is kept). Delivery over loopback is checked for the
// signature, a carrier event and retries; the schedule and the deletion under virtual time.
#include "mocks/shopify/shopify_mock.h"

#include <gtest/gtest.h>

#include <set>

#include "shopify_test_support.h"
#include "sim/trace.h"

namespace rh::mocks::shopify::testing {
namespace {

template <class W>
class ShopifyWebhooks : public ShopifyWorldTest<W> {};
TYPED_TEST_SUITE(ShopifyWebhooks, Worlds, WorldNames);

bool LooksLikeUuid(std::string_view s) {
  return s.size() == 36 && s[8] == '-' && s[13] == '-' && s[14] == '4' && s[18] == '-' && s[23] == '-';
}

TYPED_TEST(ShopifyWebhooks, DeliveriesCarryTheReferenceHeadersAndAVerifiableSignature) {
  WorldOptions options;
  options.topics = {"orders/updated"};
  options.emitter = true;
  this->StartSeeded(std::move(options));
  const Id order = this->seeded_.open_order;
  ASSERT_EQ(this->Send(Put("/orders/" + std::to_string(order) + ".json", R"({"order":{"tags":"escalated"}})")).status, 200);
  ASSERT_TRUE(this->world().DeliverUntil(1));
  const sim::Request got = this->world().receiver().received().at(0);
  EXPECT_EQ(got.method, sim::Method::kPost);
  EXPECT_EQ(got.target, "/webhooks/shopify");
  const sim::Headers& h = got.headers;
  EXPECT_EQ(h.GetOr("X-Shopify-Topic", ""), "orders/updated");
  EXPECT_EQ(h.GetOr("X-Shopify-Hmac-Sha256", ""), IndependentHmacBase64(kSecret, got.body));
  EXPECT_EQ(h.GetOr("X-Shopify-Hmac-Sha256", "").size(), 44u);
  EXPECT_EQ(h.GetOr("X-Shopify-Shop-Domain", ""), "rehearsal-demo.myshopify.com");
  EXPECT_EQ(h.GetOr("X-Shopify-API-Version", ""), "2026-01");
  EXPECT_TRUE(LooksLikeUuid(h.GetOr("X-Shopify-Webhook-Id", "")));
  EXPECT_TRUE(LooksLikeUuid(h.GetOr("X-Shopify-Event-Id", "")));
  const std::string triggered(h.GetOr("X-Shopify-Triggered-At", ""));
  EXPECT_EQ(triggered.size(), std::string("2024-08-03T18:28:37.234647458Z").size()) << triggered;
  EXPECT_EQ(triggered.back(), 'Z');
  EXPECT_EQ(h.GetOr("X-Shopify-Order-Id", ""), std::to_string(order));
  EXPECT_EQ(h.GetOr("X-Shopify-Test", ""), "false");
  EXPECT_EQ(h.GetOr("User-Agent", ""), "Shopify-Captain-Hook");
  EXPECT_EQ(h.GetOr("Content-Type", ""), "application/json");
  const Json body = Body(sim::Response{200, {}, got.body});
  EXPECT_FALSE(body.contains("order"));  // no wrapper
  EXPECT_EQ(body["id"], order);
  EXPECT_EQ(body["tags"], "escalated");
  // A tampered body fails the same check.
  EXPECT_NE(IndependentHmacBase64(kSecret, got.body + " "), h.GetOr("X-Shopify-Hmac-Sha256", ""));
}

TYPED_TEST(ShopifyWebhooks, ACarrierEventEmitsFulfillmentsUpdate) {
  WorldOptions options;
  options.topics = {"fulfillments/update"};
  options.emitter = true;
  this->StartSeeded(std::move(options));
  const Id order = this->seeded_.fulfilled_order;
  const Id fid = this->Order(order)["fulfillments"][0]["id"].template get<Id>();
  ASSERT_EQ(this->Send(Post("/orders/" + std::to_string(order) + "/fulfillments/" + std::to_string(fid) + "/events.json",
                            R"({"event":{"status":"out_for_delivery"}})")).status, 201);
  ASSERT_TRUE(this->world().DeliverUntil(1));
  const sim::Request got = this->world().receiver().received().at(0);
  EXPECT_EQ(got.headers.GetOr("X-Shopify-Topic", ""), "fulfillments/update");
  EXPECT_EQ(got.headers.GetOr("X-Shopify-Fulfillment-Id", ""), std::to_string(fid));
  const Json body = Body(sim::Response{200, {}, got.body});
  EXPECT_EQ(body["id"], fid);
  EXPECT_EQ(body["shipment_status"], "out_for_delivery");
  EXPECT_EQ(got.headers.GetOr("X-Shopify-Hmac-Sha256", ""), IndependentHmacBase64(kSecret, got.body));
}

TYPED_TEST(ShopifyWebhooks, ARetriedDeliveryKeepsItsWebhookIdAndBytes) {
  WorldOptions options;
  options.topics = {"orders/cancelled"};
  options.emitter = true;
  options.schedule = RetrySchedule{{sim::Ms(5), sim::Ms(5), sim::Ms(5)}, sim::Sec(5)};
  this->StartSeeded(std::move(options));
  this->world().receiver().set_script({500, 503, 200});
  ASSERT_EQ(this->Send(Post("/orders/" + std::to_string(this->seeded_.open_order) + "/cancel.json", "")).status, 200);
  ASSERT_TRUE(this->world().DeliverUntil(3));
  const auto got = this->world().receiver().received();
  ASSERT_EQ(got.size(), 3u);
  for (const auto& r : got) {
    EXPECT_EQ(r.headers.GetOr("X-Shopify-Webhook-Id", ""), got[0].headers.GetOr("X-Shopify-Webhook-Id", ""));
    EXPECT_EQ(r.headers.GetOr("X-Shopify-Hmac-Sha256", ""), got[0].headers.GetOr("X-Shopify-Hmac-Sha256", ""));
    EXPECT_EQ(r.body, got[0].body);
  }
  ASSERT_EQ(this->mock().Webhooks().size(), 1u);
  EXPECT_EQ(this->mock().Webhooks()[0].webhook_id, got[0].headers.GetOr("X-Shopify-Webhook-Id", ""));
}

// ---- Virtual time only: the schedule, event ids, deletion ----

class ShopifyWebhooksSim : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> topics, bool emitter = true) {
    WorldOptions options;
    options.topics = std::move(topics);
    options.emitter = emitter;
    world_ = std::make_unique<SimWorld>(std::move(options));
    seeded_ = SeedStandard(*world_);
  }
  std::unique_ptr<SimWorld> world_;
  Seeded seeded_;
};

TEST_F(ShopifyWebhooksSim, OneActionSharesAnEventIdAcrossItsTopics) {
  Start({"refunds/create", "orders/cancelled", "orders/updated"});
  ASSERT_EQ(world_->Send(Post("/orders/" + std::to_string(seeded_.open_order) + "/cancel.json", R"({"reason":"customer"})")).status, 200);
  const auto produced = world_->mock().Webhooks();
  ASSERT_EQ(produced.size(), 3u);
  EXPECT_EQ(produced[0].topic, "refunds/create");
  EXPECT_EQ(produced[1].topic, "orders/cancelled");
  EXPECT_EQ(produced[2].topic, "orders/updated");
  std::set<std::string> webhook_ids;
  for (const auto& w : produced) {
    EXPECT_EQ(w.event_id, produced[0].event_id);
    webhook_ids.insert(w.webhook_id);
  }
  EXPECT_EQ(webhook_ids.size(), 3u);
  ASSERT_EQ(world_->Send(Put("/orders/" + std::to_string(seeded_.alice_order) + ".json", R"({"order":{"note":"x"}})")).status, 200);
  const auto later = world_->mock().Webhooks();
  ASSERT_EQ(later.size(), 4u);
  EXPECT_NE(later[3].event_id, produced[0].event_id);
  ASSERT_TRUE(world_->DeliverUntil(4));
}

TEST_F(ShopifyWebhooksSim, RetriesFollowTheShopifyScheduleAndAnApiSubscriptionIsDeletedWhenTheyGiveUp) {
  Start({"orders/updated"});
  world_->receiver().set_status(500);
  ASSERT_EQ(world_->Send(Post("/orders/" + std::to_string(seeded_.open_order) + "/close.json", "")).status, 200);
  world_->scheduler().RunUntilIdle(1'000'000);
  const auto times = world_->receiver().times();
  const RetrySchedule schedule = ShopifyRetrySchedule();
  ASSERT_EQ(times.size(), 1 + schedule.delays.size());
  for (std::size_t i = 1; i < times.size(); ++i) {
    // The delay after a failed attempt, plus the 1 ms link each way.
    EXPECT_EQ(times[i] - times[i - 1], schedule.delays[i - 1] + sim::Ms(2)) << i;
  }
  const auto got = world_->receiver().received();
  for (const auto& r : got) EXPECT_EQ(r.headers.GetOr("X-Shopify-Webhook-Id", ""), got[0].headers.GetOr("X-Shopify-Webhook-Id", ""));
  EXPECT_TRUE(world_->mock().Snapshot()["webhook_subscriptions"].empty());
  EXPECT_EQ(world_->emitter()->Deliveries().at(0).outcome, DeliveryOutcome::kGaveUp);
  // The subscription is gone: later changes produce nothing.
  ASSERT_EQ(world_->Send(Post("/orders/" + std::to_string(seeded_.open_order) + "/open.json", "")).status, 200);
  EXPECT_EQ(world_->mock().Webhooks().size(), 1u);
}

TEST_F(ShopifyWebhooksSim, ATomlDeclaredSubscriptionSurvivesFailedDeliveries) {
  WorldOptions options;
  options.emitter = true;
  world_ = std::make_unique<SimWorld>(std::move(options));
  world_->mock().AddWebhookSubscription({"orders/updated", "hooks", "/webhooks/shopify", false}, world_->Now());
  seeded_ = SeedStandard(*world_);
  world_->receiver().set_status(500);
  ASSERT_EQ(world_->Send(Post("/orders/" + std::to_string(seeded_.open_order) + "/close.json", "")).status, 200);
  world_->scheduler().RunUntilIdle(1'000'000);
  EXPECT_EQ(world_->mock().Snapshot()["webhook_subscriptions"].size(), 1u);
}

TEST_F(ShopifyWebhooksSim, WithoutAnEmitterWebhooksAreRecordedButNotSent) {
  Start({"orders/updated"}, /*emitter=*/false);
  ASSERT_EQ(world_->Send(Put("/orders/" + std::to_string(seeded_.open_order) + ".json", R"({"order":{"note":"x"}})")).status, 200);
  world_->scheduler().RunUntilIdle(1'000'000);
  ASSERT_EQ(world_->mock().Webhooks().size(), 1u);
  EXPECT_TRUE(world_->receiver().received().empty());
  const ProducedWebhook w = world_->mock().Webhooks()[0];
  EXPECT_EQ(w.request.headers.GetOr("X-Shopify-Hmac-Sha256", ""), IndependentHmacBase64(kSecret, w.request.body));
}

TEST_F(ShopifyWebhooksSim, RejectedRequestsAndNoOpUpdatesProduceNoWebhooks) {
  Start({"orders/updated", "orders/cancelled"});
  EXPECT_EQ(world_->Send(Post("/orders/" + std::to_string(seeded_.fulfilled_order) + "/cancel.json", "")).status, 422);
  EXPECT_EQ(world_->Send(Put("/orders/" + std::to_string(seeded_.open_order) + ".json", R"({"order":{"email":"bad"}})")).status, 422);
  EXPECT_EQ(world_->Send(Put("/orders/" + std::to_string(seeded_.open_order) + ".json", R"({"order":{"tags":"vip, gift"}})")).status, 200);
  EXPECT_TRUE(world_->mock().Webhooks().empty());
}

TEST_F(ShopifyWebhooksSim, CreatingAFulfillmentEmitsCreateThenFulfilledThenUpdated) {
  Start({"fulfillments/create", "orders/fulfilled", "orders/partially_fulfilled", "orders/updated"});
  const Json fo = Body(world_->Send(Get("/orders/" + std::to_string(seeded_.open_order) + "/fulfillment_orders.json")))["fulfillment_orders"][0];
  ASSERT_EQ(world_->Send(Post("/fulfillments.json", R"({"fulfillment":{"line_items_by_fulfillment_order":[{"fulfillment_order_id":)" +
                                                        std::to_string(fo["id"].template get<Id>()) + "}]}}")).status, 201);
  const auto produced = world_->mock().Webhooks();
  ASSERT_EQ(produced.size(), 3u);
  EXPECT_EQ(produced[0].topic, "fulfillments/create");
  EXPECT_EQ(produced[1].topic, "orders/fulfilled");
  EXPECT_EQ(produced[2].topic, "orders/updated");
  EXPECT_EQ(produced[1].request.headers.GetOr("X-Shopify-Order-Id", ""), std::to_string(seeded_.open_order));
}

TEST_F(ShopifyWebhooksSim, SeedingWithNotifyProducesOrdersCreateAndCarrierEventsFulfillmentsUpdate) {
  Start({"orders/create", "fulfillments/update"});
  const Id order = *world_->mock().SeedOrder(Json::parse(R"({"email":"eve@example.com","line_items":[{"title":"Lamp","price":"40.00"}]})"),
                                              world_->Now(), /*notify=*/true);
  const Id fulfillment = *world_->mock().SeedFulfillment(order, Json::object(), world_->Now());
  ASSERT_TRUE(world_->mock().AddCarrierEvent(fulfillment, "delivered", world_->Now()).has_value());
  EXPECT_FALSE(world_->mock().AddCarrierEvent(fulfillment, "beamed_up", world_->Now()).has_value());
  const auto produced = world_->mock().Webhooks();
  ASSERT_EQ(produced.size(), 2u);
  EXPECT_EQ(produced[0].topic, "orders/create");
  EXPECT_EQ(produced[1].topic, "fulfillments/update");
  EXPECT_NE(produced[1].request.body.find("\"shipment_status\":\"delivered\""), std::string::npos);
}

TEST_F(ShopifyWebhooksSim, ReturnMutationsEmitTheirTopics) {
  Start({"returns/request", "returns/approve", "returns/decline", "returns/close"});
  const Id order = seeded_.fulfilled_order;
  const Json f = Body(world_->Send(Graphql(
      "query($id: ID!) { order(id: $id) { fulfillments { fulfillmentLineItems(first: 5) { nodes { id } } } } }",
      {{"id", "gid://shopify/Order/" + std::to_string(order)}})))["data"]["order"]["fulfillments"][0]["fulfillmentLineItems"]["nodes"];
  const std::string create = R"(mutation($input: ReturnInput!) { returnCreate(returnInput: $input) { return { id status } userErrors { message } } })";
  const Json created = Body(world_->Send(Graphql(create, {{"input", {{"orderId", "gid://shopify/Order/" + std::to_string(order)},
      {"returnLineItems", Json::array({{{"fulfillmentLineItemId", f[0]["id"]}, {"quantity", 1}, {"returnReason", "DEFECTIVE"}}})}}}})));
  EXPECT_EQ(created["data"]["returnCreate"]["return"]["status"], "OPEN");
  const std::string request = R"(mutation($input: ReturnRequestInput!) { returnRequest(input: $input) { return { id status } userErrors { message } } })";
  const Json requested = Body(world_->Send(Graphql(request, {{"input", {{"orderId", "gid://shopify/Order/" + std::to_string(order)},
      {"returnLineItems", Json::array({{{"fulfillmentLineItemId", f[1]["id"]}, {"quantity", 1}, {"returnReason", "UNWANTED"}}})}}}})));
  const Json declined = Body(world_->Send(Graphql(R"(mutation($id: ID!) { returnDeclineRequest(input: {id: $id, declineReason: FINAL_SALE}) { return { status decline { reason } } } })",
                                                  {{"id", requested["data"]["returnRequest"]["return"]["id"]}})));
  EXPECT_EQ(declined["data"]["returnDeclineRequest"]["return"]["status"], "DECLINED");
  EXPECT_EQ(declined["data"]["returnDeclineRequest"]["return"]["decline"]["reason"], "FINAL_SALE");
  const auto produced = world_->mock().Webhooks();
  ASSERT_EQ(produced.size(), 3u);
  EXPECT_EQ(produced[0].topic, "returns/approve");
  EXPECT_EQ(produced[1].topic, "returns/request");
  EXPECT_EQ(produced[2].topic, "returns/decline");
  const Json body = Body(sim::Response{200, {}, produced[1].request.body});
  EXPECT_EQ(body["status"], "requested");
  EXPECT_EQ(body["order"]["id"], order);
  EXPECT_EQ(body["return_line_items"][0]["return_reason"], "unwanted");
  EXPECT_EQ(produced[1].request.headers.GetOr("X-Shopify-Return-Id", ""), std::to_string(body["id"].get<Id>()));
}

TEST(ShopifyTrace, RequestsAndWebhooksAreTraced) {
  sim::Trace trace({});
  WorldOptions options;
  options.config.trace = &trace;
  options.topics = {"orders/updated"};
  SimWorld world(std::move(options));
  const Seeded s = SeedStandard(world);
  ASSERT_EQ(world.Send(Put("/orders/" + std::to_string(s.open_order) + ".json", R"({"order":{"note":"n"}})")).status, 200);
  std::vector<std::string> kinds;
  for (const auto& r : trace.records()) {
    if (r.source == "mocks.shopify") kinds.push_back(r.kind);
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"shopify.webhook", "shopify.request"}));
}

}  // namespace
}  // namespace rh::mocks::shopify::testing
