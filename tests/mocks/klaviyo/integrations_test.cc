// Goal: Klaviyo's Shopify integration turns Shopify's signed webhooks into Klaviyo's Shopify
// metrics on the customer's profile (and refuses unsigned ones), and Klaviyo's system webhooks
// are signed so that a receiver, following the reference's recipe with its own HMAC, accepts
// them and rejects a tampered copy. Virtual time on the Scheduler; deterministic.
#include "mocks/klaviyo/webhooks.h"

#include <gtest/gtest.h>

#include <string>

#include "mocks/common/json_http.h"
#include "mocks/klaviyo/klaviyo_mock.h"
#include "sim/crypto.h"
#include "sim/scheduler.h"

namespace rh::mocks::klaviyo {
namespace {

constexpr char kShopifySecret[] = "shopify-app-secret";

struct Integrations : ::testing::Test {
  sim::Scheduler scheduler;
  std::unique_ptr<KlaviyoMock> mock;

  void Make(Config config) {
    config.api_keys = {"pk_abcdefghijklmnopqrstuvwxyz01234567"};
    mock = std::make_unique<KlaviyoMock>(std::move(config), scheduler, sim::Rng(42));
  }

  sim::Response ShopifyWebhook(const std::string& topic, const OrderedJson& body, const std::string& webhook_id,
                               const std::string& secret = kShopifySecret) {
    sim::Request r;
    r.method = sim::Method::kPost;
    r.target = std::string(kShopifyIntakePath);
    r.headers.Set("Host", "a.klaviyo.com");
    r.headers.Set("Content-Type", "application/json");
    r.headers.Set("X-Shopify-Topic", topic);
    r.headers.Set("X-Shopify-Webhook-Id", webhook_id);
    r.body = body.dump();
    r.headers.Set("X-Shopify-Hmac-Sha256", sim::Base64Encode(sim::HmacSha256(secret, r.body)));
    return mock->Handle(r, scheduler.clock().MomentNow());
  }

  std::vector<std::string> MetricsOf(const std::string& email) {
    const State state = mock->Snapshot();
    const auto profile = mock->FindProfileByEmail(email);
    std::vector<std::string> names;
    if (!profile) return names;
    for (const Event& e : state.events) {
      if (e.profile_id == profile->id) names.push_back(state.metrics.at(e.metric_id).name);
    }
    return names;
  }
};

OrderedJson Order() {
  return OrderedJson{{"id", 5001},
                     {"name", "#1001"},
                     {"email", "ana@example.com"},
                     {"currency", "USD"},
                     {"total_price", "54.99"},
                     {"source_name", "web"},
                     {"processed_at", "2026-03-02T10:00:00-05:00"},
                     {"fulfillment_status", "fulfilled"},
                     {"customer", {{"id", 7}, {"email", "ana@example.com"}, {"first_name", "Ana"}}},
                     {"line_items", OrderedJson::array({{{"id", 9}, {"title", "Hoodie"}, {"sku", "HD-M"},
                                                         {"price", "54.99"}, {"quantity", 1}}})},
                     {"fulfillments", OrderedJson::array({{{"id", 11}, {"created_at", "2026-03-03T09:00:00-05:00"}}})}};
}

TEST_F(Integrations, ShopifyOrderWebhooksBecomeKlaviyosShopifyMetricsOnTheProfileAndStartFlows) {
  Config config;
  config.shopify.webhook_secret = kShopifySecret;
  Make(config);
  ASSERT_TRUE(mock->SeedFlow(ReviewRequestFlow(2, "Fulfilled Order"), scheduler.clock().MomentNow()).has_value());

  EXPECT_EQ(ShopifyWebhook("orders/create", Order(), "w1").status, 200);
  EXPECT_EQ(ShopifyWebhook("orders/fulfilled", Order(), "w2").status, 200);
  // The same delivery again (Shopify delivers at least once) records nothing more.
  EXPECT_EQ(ShopifyWebhook("orders/fulfilled", Order(), "w2").status, 200);
  EXPECT_EQ(MetricsOf("ana@example.com"),
            (std::vector<std::string>{"Placed Order", "Ordered Product", "Fulfilled Order"}));
  const State state = mock->Snapshot();
  const Event& placed = state.events.front();
  EXPECT_EQ(placed.properties["$value"], 54.99);
  EXPECT_EQ(placed.properties["Items"], OrderedJson::array({"Hoodie"}));
  EXPECT_EQ(placed.properties["Item Count"], 1);
  EXPECT_EQ(placed.unique_id, "5001");

  // Fulfilled Order started the review-request flow: two days later it sends.
  scheduler.RunFor(sim::Days(2) + sim::Minutes(1));
  const auto sends = mock->Sends();
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0].kind, MessageKind::kReviewRequest);
  EXPECT_TRUE(sends[0].sent);
}

TEST_F(Integrations, AShopifyWebhookWithAWrongSignatureIsRefusedAndRecordsNothing) {
  Config config;
  config.shopify.webhook_secret = kShopifySecret;
  Make(config);
  EXPECT_EQ(ShopifyWebhook("orders/create", Order(), "w1", "guessed").status, 401);
  EXPECT_TRUE(MetricsOf("ana@example.com").empty());
  EXPECT_FALSE(mock->FindProfileByEmail("ana@example.com").has_value());
}

TEST_F(Integrations, WithoutAConnectedStoreTheIntakeIsNotFound) {
  Make(Config{});
  EXPECT_EQ(ShopifyWebhook("orders/create", Order(), "w1").status, 404);
}

TEST_F(Integrations, ARefundIsARefundedOrderOfTheOrderTheIntegrationSaw) {
  Config config;
  config.shopify.webhook_secret = kShopifySecret;
  Make(config);
  EXPECT_EQ(mock->SyncShopifyOrder(Json::parse(Order().dump()), scheduler.clock().MomentNow()), 3);
  const OrderedJson refund = {{"id", 77}, {"order_id", 5001}, {"created_at", "2026-03-05T10:00:00-05:00"},
                              {"transactions", OrderedJson::array({{{"kind", "refund"}, {"status", "success"},
                                                                    {"amount", "54.99"}}})}};
  EXPECT_EQ(ShopifyWebhook("refunds/create", refund, "w3").status, 200);
  EXPECT_EQ(MetricsOf("ana@example.com").back(), "Refunded Order");
  EXPECT_EQ(mock->Snapshot().events.back().value, 54.99);
}

TEST_F(Integrations, ASystemWebhookIsSignedSoAReceiverAcceptsItAndRejectsATamperedCopy) {
  Config config;
  config.webhooks.push_back({"cdp", "receiver.example", "/klaviyo", "a-secret-of-some-length",
                             {std::string(kTopicEmailDelivered)}});
  Make(config);
  const sim::Moment now = scheduler.clock().MomentNow();
  ProfileSeed ana;
  ana.email = "ana@example.com";
  ana.email_consent = "SUBSCRIBED";
  const std::string list = mock->SeedList("Newsletter", now);
  ana.lists = {list};
  ASSERT_TRUE(mock->SeedProfile(ana, now).has_value());
  Campaign campaign;
  campaign.name = "Spring sale";
  campaign.included = {list};
  ASSERT_TRUE(mock->ScheduleCampaign(campaign, now).has_value());
  scheduler.RunFor(sim::Minutes(1));

  const auto produced = mock->ProducedWebhooks();
  ASSERT_EQ(produced.size(), 1u);
  const sim::Request& hook = produced[0];
  EXPECT_EQ(hook.Host(), "receiver.example");
  EXPECT_EQ(hook.target, "/klaviyo");
  // The receiver's check, written from the reference: hex HMAC-SHA256 over body || timestamp.
  const std::string timestamp(hook.headers.Get("Klaviyo-Timestamp").value_or(""));
  const std::string signature(hook.headers.Get("Klaviyo-Signature").value_or(""));
  ASSERT_FALSE(timestamp.empty());
  EXPECT_EQ(signature, sim::HexEncode(sim::HmacSha256("a-secret-of-some-length", hook.body + timestamp)));
  EXPECT_NE(signature, sim::HexEncode(sim::HmacSha256("a-secret-of-some-length", hook.body + " " + timestamp)));
  std::string tampered = hook.body;
  tampered.replace(tampered.find("ana@example.com"), 3, "bob");
  EXPECT_NE(signature, sim::HexEncode(sim::HmacSha256("a-secret-of-some-length", tampered + timestamp)));
  // The body names the webhook the header names, and carries one item of the topic.
  const Json body = Json::parse(hook.body);
  EXPECT_EQ(body["meta"]["klaviyo_webhook_id"], std::string(hook.headers.Get("Klaviyo-Webhook-Id").value_or("")));
  EXPECT_EQ(body["meta"]["klaviyo_webhook_id"].get<std::string>().size(), 26u);
  ASSERT_EQ(body["data"].size(), 1u);
  EXPECT_EQ(body["data"][0]["topic"], std::string(kTopicEmailDelivered));
  EXPECT_EQ(body["data"][0]["payload"]["data"]["attributes"]["event_properties"]["email_address"], "ana@example.com");
}

TEST(KlaviyoWebhookTimestamp, IsAnImfFixdate) {
  sim::WallTime t{};
  ASSERT_TRUE(sim::ParseRfc3339("2026-04-14T03:50:12Z", t));
  EXPECT_EQ(KlaviyoWebhookTimestamp(t), "Tue, 14 Apr 2026 03:50:12 GMT");
}

}  // namespace
}  // namespace rh::mocks::klaviyo
