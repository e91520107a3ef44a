// Goal: the intake lets through only signed, first-time deliveries: a missing or wrong signature
// gets 401 and reaches nothing (I6), a duplicate is acknowledged and dropped (I7), a signed but
// malformed body gets 400, and Gorgias's string-rendered ids are coerced.
#include "pipeline/webhook_intake.h"

#include <gtest/gtest.h>

#include <vector>

#include "sim/crypto.h"

namespace rh::pipeline {
namespace {

constexpr std::string_view kShopifySecret = "shopify-app-secret";
constexpr std::string_view kGorgiasSecret = "gorgias-hmac-secret";

struct RecordingSink final : EventSink {
  EventReceipt OnShopify(ShopifyEvent event, sim::Moment) override {
    if (receipt == EventReceipt::kAccepted) shopify.push_back(std::move(event));
    return receipt;
  }
  EventReceipt OnGorgias(GorgiasEvent event, sim::Moment) override {
    if (receipt == EventReceipt::kAccepted) gorgias.push_back(std::move(event));
    return receipt;
  }
  std::vector<ShopifyEvent> shopify;
  std::vector<GorgiasEvent> gorgias;
  EventReceipt receipt = EventReceipt::kAccepted;  // what the sink says of every event
};

sim::Request ShopifyDelivery(std::string body, std::string webhook_id, std::string_view secret = kShopifySecret) {
  sim::Request r;
  r.method = sim::Method::kPost;
  r.target = "/webhooks/shopify";
  r.headers.Set("X-Shopify-Topic", "orders/create");
  r.headers.Set("X-Shopify-Webhook-Id", webhook_id);
  r.headers.Set("X-Shopify-Event-Id", "event-1");
  r.headers.Set("X-Shopify-Hmac-Sha256", sim::Base64Encode(sim::HmacSha256(secret, body)));
  r.body = std::move(body);
  return r;
}

sim::Request GorgiasDelivery(std::string body, std::string target = "/webhooks/gorgias?event=ticket-message-created",
                             std::string_view secret = kGorgiasSecret) {
  sim::Request r;
  r.method = sim::Method::kPost;
  r.target = std::move(target);
  r.headers.Set("X-Gorgias-Signature", sim::HexEncode(sim::HmacSha256(secret, body)));
  r.body = std::move(body);
  return r;
}

struct IntakeTest : ::testing::Test {
  RecordingSink sink;
  sim::Trace trace{sim::TraceHeader{}};
  WebhookIntake intake{IntakeConfig{std::string(kShopifySecret), std::string(kGorgiasSecret), 3}, sink, &trace};
  sim::Moment now{};
};

TEST_F(IntakeTest, AcceptsASignedShopifyDeliveryOnce) {
  const sim::Request delivery = ShopifyDelivery(R"({"id":1001})", "wh-1");
  EXPECT_EQ(intake.Handle(delivery, now).status, 200);
  const sim::Response again = intake.Handle(delivery, now);
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("duplicate"), std::string::npos);
  ASSERT_EQ(sink.shopify.size(), 1u);
  EXPECT_EQ(sink.shopify[0].topic, "orders/create");
  EXPECT_EQ(sink.shopify[0].payload["id"], 1001);
  EXPECT_EQ(intake.stats().duplicates, 1u);
}

TEST_F(IntakeTest, AnEventTheSinkCouldNotRecordIsAnswered503AndItsRetryReachesTheSinkAgain) {
  const sim::Request delivery = ShopifyDelivery(R"({"id":1001})", "wh-1");
  sink.receipt = EventReceipt::kNotRecorded;
  const sim::Response refused = intake.Handle(delivery, now);
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.headers.GetOr("Retry-After", ""), "5");
  EXPECT_EQ(intake.stats().not_recorded, 1u);
  EXPECT_EQ(intake.stats().accepted, 0u);
  sink.receipt = EventReceipt::kAccepted;
  const sim::Response retried = intake.Handle(delivery, now);
  EXPECT_EQ(retried.status, 200);
  EXPECT_NE(retried.body.find("accepted"), std::string::npos);
  EXPECT_EQ(sink.shopify.size(), 1u);
}

TEST_F(IntakeTest, TheSinksDuplicateOrStaleWordIsAnswered200WithThatStatus) {
  sink.receipt = EventReceipt::kDuplicate;
  const sim::Response duplicate = intake.Handle(ShopifyDelivery(R"({"id":1})", "wh-1"), now);
  EXPECT_EQ(duplicate.status, 200);
  EXPECT_NE(duplicate.body.find("duplicate"), std::string::npos);
  sink.receipt = EventReceipt::kStale;
  const sim::Response stale = intake.Handle(ShopifyDelivery(R"({"id":2})", "wh-2"), now);
  EXPECT_EQ(stale.status, 200);
  EXPECT_NE(stale.body.find("stale"), std::string::npos);
  EXPECT_EQ(intake.stats().duplicates, 1u);
  EXPECT_EQ(intake.stats().stale, 1u);
  EXPECT_EQ(intake.stats().accepted, 0u);
}

TEST_F(IntakeTest, RefusesAMissingOrWrongShopifySignatureAndPassesNothingOn) {
  sim::Request forged = ShopifyDelivery(R"({"id":1001})", "wh-1", "not-the-secret");
  EXPECT_EQ(intake.Handle(forged, now).status, 401);
  sim::Request tampered = ShopifyDelivery(R"({"id":1001})", "wh-2");
  tampered.body = R"({"id":1002})";
  EXPECT_EQ(intake.Handle(tampered, now).status, 401);
  sim::Request unsigned_delivery = ShopifyDelivery(R"({"id":1001})", "wh-3");
  unsigned_delivery.headers.Remove("X-Shopify-Hmac-Sha256");
  EXPECT_EQ(intake.Handle(unsigned_delivery, now).status, 401);
  EXPECT_TRUE(sink.shopify.empty());
  EXPECT_EQ(intake.stats().rejected_signature, 3u);
  // A refused delivery is not remembered: the genuine one with that id still gets through.
  EXPECT_EQ(intake.Handle(ShopifyDelivery(R"({"id":1001})", "wh-1"), now).status, 200);
  EXPECT_EQ(sink.shopify.size(), 1u);
}

TEST_F(IntakeTest, RefusesASignedButMalformedShopifyBodyWith400) {
  EXPECT_EQ(intake.Handle(ShopifyDelivery("not json", "wh-1"), now).status, 400);
  EXPECT_EQ(intake.Handle(ShopifyDelivery("[1,2]", "wh-2"), now).status, 400);
  sim::Request no_topic = ShopifyDelivery("{}", "wh-3");
  no_topic.headers.Remove("X-Shopify-Topic");
  EXPECT_EQ(intake.Handle(no_topic, now).status, 400);
  EXPECT_TRUE(sink.shopify.empty());
}

TEST_F(IntakeTest, AcceptsGorgiasMessagesOnceWithStringIdsCoerced) {
  const std::string body = R"({"ticket":{"id":"42","channel":"email"},"message":{"id":"7","from_agent":false}})";
  EXPECT_EQ(intake.Handle(GorgiasDelivery(body), now).status, 200);
  EXPECT_EQ(intake.Handle(GorgiasDelivery(body), now).status, 200);
  ASSERT_EQ(sink.gorgias.size(), 1u);
  EXPECT_EQ(sink.gorgias[0].ticket_id, 42u);
  EXPECT_EQ(sink.gorgias[0].trigger, "ticket-message-created");
  // Another message on the same ticket is a new event.
  const std::string second = R"({"ticket":{"id":42},"message":{"id":8}})";
  EXPECT_EQ(intake.Handle(GorgiasDelivery(second), now).status, 200);
  EXPECT_EQ(sink.gorgias.size(), 2u);
}

TEST_F(IntakeTest, TakesTheGorgiasTriggerFromTheUrlOrInfersIt) {
  EXPECT_EQ(intake.Handle(GorgiasDelivery(R"({"ticket":{"id":1,"updated_datetime":"t1"}})",
                                          "/webhooks/gorgias?event=ticket-status-updated"), now).status, 200);
  EXPECT_EQ(intake.Handle(GorgiasDelivery(R"({"ticket":{"id":2,"updated_datetime":"t1"}})", "/webhooks/gorgias"), now).status, 200);
  ASSERT_EQ(sink.gorgias.size(), 2u);
  EXPECT_EQ(sink.gorgias[0].trigger, "ticket-status-updated");
  EXPECT_EQ(sink.gorgias[1].trigger, "ticket-updated");
}

TEST_F(IntakeTest, RefusesForgedOrMalformedGorgiasCalls) {
  const std::string body = R"({"ticket":{"id":1},"message":{"id":1}})";
  EXPECT_EQ(intake.Handle(GorgiasDelivery(body, "/webhooks/gorgias", "wrong"), now).status, 401);
  sim::Request unsigned_call = GorgiasDelivery(body);
  unsigned_call.headers.Remove("X-Gorgias-Signature");
  EXPECT_EQ(intake.Handle(unsigned_call, now).status, 401);
  EXPECT_EQ(intake.Handle(GorgiasDelivery(R"({"ticket":{}})"), now).status, 400);
  EXPECT_EQ(intake.Handle(GorgiasDelivery(R"({"ticket":{"id":"abc"}})"), now).status, 400);
  EXPECT_TRUE(sink.gorgias.empty());
  EXPECT_EQ(intake.stats().rejected_signature, 2u);
  EXPECT_EQ(intake.stats().rejected_malformed, 2u);
}

TEST_F(IntakeTest, AnswersOtherRoutesAndMethodsWithTheirStatus) {
  sim::Request get = ShopifyDelivery("{}", "wh-1");
  get.method = sim::Method::kGet;
  EXPECT_EQ(intake.Handle(get, now).status, 405);
  sim::Request elsewhere = ShopifyDelivery("{}", "wh-1");
  elsewhere.target = "/webhooks/stripe";
  EXPECT_EQ(intake.Handle(elsewhere, now).status, 404);
}

TEST_F(IntakeTest, ForgetsTheOldestDeliveryIdsBeyondItsCapacity) {
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(intake.Handle(ShopifyDelivery("{}", "wh-" + std::to_string(i)), now).status, 200);
  }
  // Capacity 3: wh-0 was forgotten, wh-3 is remembered.
  EXPECT_EQ(intake.Handle(ShopifyDelivery("{}", "wh-3"), now).body.find("duplicate") != std::string::npos, true);
  EXPECT_EQ(intake.Handle(ShopifyDelivery("{}", "wh-0"), now).body.find("accepted") != std::string::npos, true);
}

TEST_F(IntakeTest, TracesEachVerdict) {
  intake.Handle(ShopifyDelivery("{}", "wh-1"), now);
  intake.Handle(ShopifyDelivery("{}", "wh-1"), now);
  intake.Handle(ShopifyDelivery("{}", "wh-2", "forged"), now);
  std::vector<std::string> kinds;
  for (const auto& r : trace.records()) kinds.push_back(r.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"intake.accepted", "intake.duplicate", "intake.rejected"}));
}

// Found by the webhook_intake fuzz target: a ticket update whose updated_datetime is a number made
// the deduplication key throw nlohmann's type_error out of Handle.
TEST_F(IntakeTest, ATicketUpdateWithANumericUpdatedDatetimeIsAcceptedNotThrown) {
  const sim::Request update = GorgiasDelivery(R"({"ticket":{"id":5,"updated_datetime":9}})", "/webhooks/gorgias?event=ticket-updated");
  EXPECT_EQ(intake.Handle(update, now).status, 200);
  EXPECT_NE(intake.Handle(update, now).body.find("duplicate"), std::string::npos);
  ASSERT_EQ(sink.gorgias.size(), 1u);
}

// Also from fuzzing the intake's parsing: a body nested 100,000 deep is malformed, not a crash.
TEST_F(IntakeTest, ABodyNestedPastTheLimitIsMalformed) {
  const std::string deep = R"({"ticket":{"id":5,"meta":)" + std::string(100'000, '[') + std::string(100'000, ']') + "}}";
  EXPECT_EQ(intake.Handle(GorgiasDelivery(deep), now).status, 400);
  EXPECT_TRUE(sink.gorgias.empty());
}

}  // namespace
}  // namespace rh::pipeline
