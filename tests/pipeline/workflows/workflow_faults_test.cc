// Goal: the pipeline keeps its promises when people and services misbehave: a person's confirm,
// edit or override is recorded with its reason; a resolved issue ends suppression and fires the
// recovery event once; duplicated and reordered webhooks cause no double reply, tag, note or
// event; a forged signature changes nothing; a 429 storm delays tickets but drops none; a failing
// or lying LLM never leads to an automatic send.
#include <gtest/gtest.h>

#include "sim/crypto.h"
#include "workflow_fixture.h"

namespace rh::pipeline::testing {
namespace {

using harness::CustomerSpec;
using harness::FulfillmentSpec;
using harness::OrderSpec;

OrderSpec InTransit() {
  OrderSpec spec;
  spec.age = sim::Days(2);
  spec.fulfillment = FulfillmentSpec{"UPS", "1Z999AA10123456784", "in_transit", sim::Days(1)};
  return spec;
}

int Count(const std::vector<DecisionRow>& rows, std::string_view kind) {
  int n = 0;
  for (const auto& r : rows) n += r.kind == kind ? 1 : 0;
  return n;
}

// ---- People --------------------------------------------------------------------------------------

TEST_F(WorkflowTest, APersonSendingTheDraftUnchangedIsRecordedAsAConfirm) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  world.AddOrder(ana, InTransit());
  const std::uint64_t ticket = Writes(ana, "Do you have a discount code for me?");
  const auto route = RouteRow(ticket);
  ASSERT_TRUE(route.has_value());
  ASSERT_FALSE(route->draft.empty());
  world.AgentReplies(ticket, 0, route->draft);
  world.RunFor(sim::Hours(1));
  const auto rows = Rows(ticket);
  ASSERT_EQ(Count(rows, decision_kind::kHumanConfirm), 1);
  EXPECT_EQ(rows.back().sender, AgentSender(world.credentials().agent_user_ids[0]));
  EXPECT_EQ(rows.back().final_text, route->draft);
  EXPECT_EQ(RouteRow(ticket)->outcome, "confirmed");
}

TEST_F(WorkflowTest, APersonEditingTheDraftIsRecordedAsAnEdit) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  world.AddOrder(ana, InTransit());
  const std::uint64_t ticket = Writes(ana, "Do you have a discount code for me?");
  const auto route = RouteRow(ticket);
  ASSERT_TRUE(route.has_value());
  world.AgentReplies(ticket, 0, route->draft + "\n\nWarm wishes from the team.");
  world.RunFor(sim::Hours(1));
  const auto rows = Rows(ticket);
  EXPECT_EQ(Count(rows, decision_kind::kHumanEdit), 1);
  EXPECT_EQ(RouteRow(ticket)->outcome, "edited");
}

TEST_F(WorkflowTest, APersonOverridingKeepsTheReasonFromTheirNote) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  world.AddOrder(ana, InTransit());
  const std::uint64_t ticket = Writes(ana, "Do you have a discount code for me?");
  world.AgentNote(ticket, 0, "Reason: loyal customer, offering 10% as goodwill");
  world.AgentReplies(ticket, 0, "Hi Ana, here is a 10% code just for you: THANKS10.");
  world.RunFor(sim::Hours(1));
  const auto rows = Rows(ticket);
  ASSERT_EQ(Count(rows, decision_kind::kHumanOverride), 1);
  const DecisionRow& override_row = rows.back();
  EXPECT_EQ(override_row.kind, decision_kind::kHumanOverride);
  EXPECT_EQ(override_row.override_reason, "loyal customer, offering 10% as goodwill");
  EXPECT_EQ(override_row.rationale, override_row.override_reason);
  EXPECT_EQ(RouteRow(ticket)->outcome, "overridden");
}

// ---- Suppression and recovery -------------------------------------------------------------------

// Issue 12, defect 4: the delay and the ticket about it are one episode. The recovery waits
// while the ticket keeps her suppressed, and fires once when the last issue ends (after the
// settle period), never at the delivery scan.
TEST_F(WorkflowTest, ResolvingEveryIssueEndsSuppressionAndFiresOneRecoveryForTheEpisode) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  const auto order = world.AddOrder(ana, InTransit());
  world.CarrierEvent(order, "delayed");
  const std::uint64_t ticket = Writes(ana, "Where is my order? It says delayed.");
  ASSERT_TRUE(Suppressed("ana@example.com"));

  world.CarrierEvent(order, "delivered");  // the delivery issue ends; the ticket's is still live
  world.RunFor(sim::Hours(1));
  EXPECT_TRUE(Suppressed("ana@example.com")) << "the open ticket still keeps her suppressed";
  EXPECT_EQ(KlaviyoEvents("Support Issue Resolved"), 0) << "no apology while an issue is live";

  world.CloseTicket(ticket, 0);
  world.RunFor(sim::Minutes(10));
  EXPECT_TRUE(Suppressed("ana@example.com")) << "the episode settles before it ends";
  world.RunFor(sim::Hours(1));
  EXPECT_FALSE(Suppressed("ana@example.com"));
  EXPECT_EQ(KlaviyoEvents("Support Issue Resolved"), 1);

  // Closing again (another ticket-updated) recovers nothing twice.
  world.CloseTicket(ticket, 0);
  world.RunFor(sim::Hours(1));
  EXPECT_EQ(KlaviyoEvents("Support Issue Resolved"), 1);
  EXPECT_EQ(Count(Rows(ticket), decision_kind::kRecover), 1);
}

// ---- Webhook faults ----------------------------------------------------------------------------

TEST_F(WorkflowTest, DuplicatedAndReorderedWebhooksCauseNoDoubleReplyTagNoteOrRow) {
  mocks::DeliveryFaults faults;
  faults.duplicate_rate = 1.0;
  faults.duplicate_delay = sim::Sec(3);
  faults.delay_rate = 0.5;
  faults.max_delay = sim::Minutes(2);
  world.gorgias_webhooks().set_faults(faults);
  world.shopify_webhooks().set_faults(faults);

  std::vector<std::uint64_t> tickets;
  for (int i = 0; i < 4; ++i) {
    CustomerSpec spec;
    spec.email = "customer" + std::to_string(i) + "@example.com";
    spec.phone = "+1555300000" + std::to_string(i);
    const auto customer = world.AddCustomer(spec);
    const auto order = world.AddOrder(customer, InTransit());
    world.CarrierEvent(order, "in_transit");
    tickets.push_back(world.CustomerWrites(customer, "Where is my order " + order.name + "?").ticket_id);
  }
  world.RunFor(sim::Hours(2));
  for (const std::uint64_t ticket : tickets) {
    SCOPED_TRACE(ticket);
    EXPECT_EQ(Delivered(ticket).size(), 1u);
    EXPECT_EQ(InternalNotes(ticket), 1) << "one draft note";
    const auto tags = Tags(ticket);
    EXPECT_EQ(std::count(tags.begin(), tags.end(), "intent:wismo"), 1);
    EXPECT_EQ(Count(Rows(ticket), decision_kind::kRoute), 1);
    EXPECT_EQ(Count(Rows(ticket), decision_kind::kAutoSend), 1);
  }
  EXPECT_GT(reference.intake().stats().duplicates, 0u);
}

TEST_F(WorkflowTest, AForgedSignatureIsRefusedAndChangesNothing) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  world.AddOrder(ana, InTransit());
  const std::string body =
      R"({"ticket":{"id":1,"channel":"email","customer":{"email":"ana@example.com"}},"message":{"id":9,"from_agent":false,"body_text":"Where is my order?"}})";
  sim::Request forged;
  forged.method = sim::Method::kPost;
  forged.target = "/webhooks/gorgias?event=ticket-message-created";
  forged.headers.Set("Host", std::string(harness::kPipelineHost));
  forged.headers.Set("X-Gorgias-Signature", sim::HexEncode(sim::HmacSha256("guessed-secret", body)));
  forged.body = body;
  auto client = world.MakeClient("attacker");
  std::optional<sim::SendResult> result;
  sim::Spawn([&]() -> sim::Task<void> {
    auto sending = client->Send(forged);
    result = co_await std::move(sending);
  });
  world.RunFor(sim::Hours(1));
  ASSERT_TRUE(result.has_value() && result->has_value());
  EXPECT_EQ((*result)->status, 401);
  EXPECT_EQ(reference.pipeline().stats().tickets_triaged, 0u);
  auto count = reference.log().Count();
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, 0);
  EXPECT_EQ(reference.intake().stats().rejected_signature, 1u);
}

// ---- Service faults ----------------------------------------------------------------------------

TEST_F(WorkflowTest, UnderA429StormFromShopifyAndTheLlmEveryTicketIsStillHandledLater) {
  world.shopify().SetRestLimits({4, sim::Sec(2)});  // a tiny bucket: 4 calls, one drained per 2 s
  std::vector<std::uint64_t> tickets;
  for (int i = 0; i < 8; ++i) {
    CustomerSpec spec;
    spec.email = "storm" + std::to_string(i) + "@example.com";
    spec.phone = "+1555400000" + std::to_string(i);
    const auto customer = world.AddCustomer(spec);
    const auto order = world.AddOrder(customer, InTransit());
    world.CarrierEvent(order, "in_transit");
    // No rule matches: the LLM classifies every one.
    tickets.push_back(world.CustomerWrites(customer, "Hello, any news about my hoodie? Has it shipped?").ticket_id);
  }
  world.RunFor(sim::Hours(3));
  for (const std::uint64_t ticket : tickets) {
    SCOPED_TRACE(ticket);
    EXPECT_TRUE(RouteRow(ticket).has_value()) << "every ticket is decided";
  }
  const auto shopify = reference.shopify().caller().stats();
  EXPECT_GT(shopify.rate_limited + shopify.paced_waits, 0u) << "the storm happened";
  EXPECT_EQ(shopify.gave_up, 0u) << "nothing was dropped for good";
}

struct LlmDownTest : WorkflowTest {
  LlmDownTest() : WorkflowTest(7, harness::DefaultPolicy(), [](harness::SimWorldConfig& c) { c.llm.faults.overload = 1.0; }) {}
};

TEST_F(LlmDownTest, AnOverloadedLlmSendsTheTicketToAPersonNeverAnAutomaticReply) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  const auto order = world.AddOrder(ana, InTransit());
  world.CarrierEvent(order, "in_transit");
  const std::uint64_t ticket = Writes(ana, "Hello, any news about my hoodie? Has it shipped?");
  ExpectHandedOver(ticket);
  ExpectRoute(ticket, "human", "llm.failed");
}

struct HallucinatingLlmTest : WorkflowTest {
  HallucinatingLlmTest()
      : WorkflowTest(7, harness::DefaultPolicy(), [](harness::SimWorldConfig& c) { c.llm.faults.hallucinated_tracking = 1.0; }) {}
};

TEST_F(HallucinatingLlmTest, ADraftWithAnInventedTrackingNumberIsNeverSent) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  const auto order = world.AddOrder(ana, InTransit());
  world.CarrierEvent(order, "in_transit");
  const std::uint64_t ticket = Writes(ana, "Where is my order " + order.name + "?");
  ExpectHandedOver(ticket);
  ExpectRoute(ticket, "human", "draft.rejected");
}

struct PromisingLlmTest : WorkflowTest {
  PromisingLlmTest()
      : WorkflowTest(7, harness::DefaultPolicy(), [](harness::SimWorldConfig& c) { c.llm.faults.refund_promise = 1.0; }) {}
};

TEST_F(PromisingLlmTest, ADraftPromisingMoneyIsNeverSent) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  const auto order = world.AddOrder(ana, InTransit());
  world.CarrierEvent(order, "in_transit");
  const std::uint64_t ticket = Writes(ana, "Where is my order " + order.name + "?");
  ExpectHandedOver(ticket);
  ExpectRoute(ticket, "human", "draft.rejected");
}

}  // namespace
}  // namespace rh::pipeline::testing
