// Goal: no oracle is one that cannot fail. For each invariant I1..I11 (I12: oracles_ground_truth_test.cc), a small world in which it
// is broken, by a broken variant of the reference pipeline (collaborators injected at its seams) or by
// a faulty actor the test plays itself (a buggy pipeline's request through its own clients, a
// forger, an impatient caller, a helpdesk that never answers), and the check that exactly the
// intended oracle fires, with a message naming the violation and trace lines as evidence, while
// the unrelated ones still hold. Where two oracles necessarily fire together (an automatic reply
// that fails the fact check is also outside the safe zone), the test names both. Boundaries
// (reaction grace, Retry-After, the first-response target) are tested on both sides.
// Deterministic and fast: virtual time, one seed per world.
#include "harness/oracles.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/pipeline_variants.h"
#include "mocks/llm/model.h"
#include "oracle_fixture.h"
#include "pipeline/clients/klaviyo_client.h"
#include "sim/crypto.h"
#include "sim/fault_plan.h"

namespace rh::harness::testing {
namespace {

// ---- Pipelines broken on purpose ----------------------------------------------------------------

// The scenario variants' collaborators (pipeline_variants.h), injected at the pipeline's seams.
using V = scenario::PipelineVariant;
Breakage AutoSendsEverything() { return BreakageFor(V::kAutoSendsEverything); }
Breakage NeverSuppresses() { return BreakageFor(V::kIgnoresSuppression); }
Breakage KeepsNoDecisionLog() { return BreakageFor(V::kNoDecisionLog); }
Breakage NeverRecovers() { return BreakageFor(V::kSkipsRecovery); }
Breakage IgnoresRateLimits() { return BreakageFor(V::kIgnoresRateLimits); }
Breakage SkipsSignatureChecks() { return BreakageFor(V::kSkipsSignatureCheck); }
Breakage SendsOffersUnapproved() { return BreakageFor(V::kSendsOffersUnapproved); }

// A variant is collaborators at the seams, nothing else: the reference replaces none, and every
// other variant at least one (a variant that replaced nothing would be the reference in disguise).
TEST(PipelineVariants, TheReferenceReplacesNoCollaboratorAndEveryOtherVariantOne) {
  const auto replaced = [](const Breakage& b) {
    const auto& s = b.seams;
    return (s.confirm ? 1 : 0) + (s.fact_check ? 1 : 0) + (s.replies ? 1 : 0) + (s.recovery ? 1 : 0) +
           (s.suppressor ? 1 : 0) + (s.decisions ? 1 : 0) + (s.offers ? 1 : 0) + (b.signatures ? 1 : 0) +
           (b.pacing ? 1 : 0);
  };
  EXPECT_EQ(replaced(BreakageFor(V::kReference)), 0);
  for (V v : {V::kSkipsSignatureCheck, V::kAutoSendsEverything, V::kIgnoresSuppression, V::kNoDecisionLog,
              V::kSkipsFactCheck, V::kSkipsRecovery, V::kRepliesTwice, V::kRepliesOnEmail, V::kIgnoresRateLimits,
              V::kSendsOffersUnapproved}) {
    EXPECT_EQ(replaced(BreakageFor(v)), 1) << static_cast<int>(v);
  }
  EXPECT_EQ(replaced(WithoutMoneyGuard()), 1);
}

struct PipelineThatAutoSendsEverything : OracleTest {
  PipelineThatAutoSendsEverything() : OracleTest(AutoSendsEverything()) {}
};
struct PipelineThatNeverSuppresses : OracleTest {
  PipelineThatNeverSuppresses() : OracleTest(NeverSuppresses()) {}

  // Ana's parcel is delayed an hour into the run, and a promotion goes to the newsletter `after`
  // that scan. Returns her order.
  OrderRef PromotionDuringADelay(sim::Duration after) {
    const CustomerRef ana = Customer("Ana", 1);
    const OrderRef order = world.AddOrder(ana, Shipped("1Z999AA10000000001"));
    world.RunFor(sim::Hours(1));
    world.CarrierEvent(order, "delayed", "Weather delay");
    Campaign("Flash sale", after);
    return order;
  }
};
struct PipelineWithoutADecisionLog : OracleTest {
  PipelineWithoutADecisionLog() : OracleTest(KeepsNoDecisionLog()) {}
};
struct PipelineThatNeverRecovers : OracleTest {
  PipelineThatNeverRecovers() : OracleTest(NeverRecovers()) {}
};
struct PipelineThatSendsOffersUnapproved : OracleTest {
  PipelineThatSendsOffersUnapproved() : OracleTest(SendsOffersUnapproved()) {}
};
struct PipelineThatIgnoresRateLimits : OracleTest {
  PipelineThatIgnoresRateLimits() : OracleTest(IgnoresRateLimits()) {}
};
struct PipelineThatSkipsSignatureChecks : OracleTest {
  PipelineThatSkipsSignatureChecks() : OracleTest(SkipsSignatureChecks()) {}

  // A Gorgias "new customer message" webhook from someone who holds no secret, sent now.
  void Forge(std::uint64_t ticket_id, const std::string& text) {
    sim::Request forged;
    forged.method = sim::Method::kPost;
    forged.target = "/webhooks/gorgias?event=ticket-message-created";
    forged.headers.Set("Host", std::string(kPipelineHost));
    forged.body = mocks::OrderedJson{{"ticket", {{"id", ticket_id}, {"channel", "email"}}},
                                     {"message", {{"id", ticket_id + 1}, {"from_agent", false}, {"body_text", text}}}}
                      .dump();
    forged.headers.Set("X-Gorgias-Signature", sim::HexEncode(sim::HmacSha256("guessed", forged.body)));
    const auto answer = Send("attacker", forged, sim::Sec(5));
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->status, 200) << "the broken pipeline accepts what it should have refused";
  }
};

// ---- I1: no promotion during a live issue -------------------------------------------------------

TEST_F(PipelineThatNeverSuppresses, APromotionDuringADeliveryExceptionFiresI1) {
  const OrderRef order = PromotionDuringADelay(sim::Hours(2));

  Judge();
  ExpectOnlyFired({"I1"});
  ExpectFired("I1", "promotional (campaign Flash sale) sent to ana@example.com at +0d03h00m00s");
  ExpectFired("I1", "while a delivery exception on order " + order.name + " was live (since +0d01h00m00s)");
  // The carrier's scan that started the issue reaching the pipeline, and Klaviyo's send.
  const auto& evidence = Result("I1").evidence;
  ASSERT_EQ(evidence.size(), 2u);
  EXPECT_NE(evidence[0].find("\"fulfillments/update\""), std::string::npos) << evidence[0];
  EXPECT_NE(evidence[1].find("\"message.sent\""), std::string::npos) << evidence[1];
}

// Klaviyo's Shopify integration records Fulfilled Order when the order is synced; a review-request
// flow on it waits a day, and by then the parcel is delayed. A pipeline that never suppresses
// lets the review request through.
TEST_F(PipelineThatNeverSuppresses, AReviewRequestFlowOnFulfilledOrderDuringADelayFiresI1) {
  ASSERT_TRUE(world.klaviyo().SeedFlow(mocks::klaviyo::ReviewRequestFlow(1, "Fulfilled Order"), world.Now()).has_value());
  const CustomerRef ana = Customer("Ana", 1);
  const OrderRef order = world.AddOrder(ana, Shipped("1Z999AA10000000001"));
  world.RunFor(sim::Hours(1));
  world.CarrierEvent(order, "delayed", "Weather delay");
  world.RunFor(sim::Days(1));

  Judge();
  ExpectOnlyFired({"I1"});
  ExpectFired("I1", "(flow Review request) sent to ana@example.com at +1d00h00m00s");
  ExpectFired("I1", "while a delivery exception on order " + order.name + " was live");
}

// Nobody can suppress before they learn of an issue: a send inside the reaction grace (15 minutes
// by default) is forgiven, and the grace ends exactly when it has passed.
TEST_F(PipelineThatNeverSuppresses, APromotionJustInsideTheReactionGraceIsForgiven) {
  PromotionDuringADelay(OracleContext{world, reference}.reaction_grace - sim::Sec(1));

  Judge();
  ExpectHeld("I1");
  ASSERT_EQ(world.klaviyo().Sends().size(), 1u);
  EXPECT_TRUE(world.klaviyo().Sends().front().sent) << "the promotion did reach her, unsuppressed";
}

TEST_F(PipelineThatNeverSuppresses, APromotionAsTheReactionGraceEndsFiresI1) {
  PromotionDuringADelay(OracleContext{world, reference}.reaction_grace);

  Judge();
  ExpectOnlyFired({"I1"});
  ExpectFired("I1", "at +0d01h15m00s while a delivery exception");
}

// ---- I2: no automatic send that touches money ---------------------------------------------------

// The classifier reads a damage claim as "where is my order", and is sure of it; a pipeline without
// the reference's money-words guard believes it and answers automatically. I2 judges the
// customer's words, so it fires; I3 holds, because on the pipeline's reading the policy does allow
// the send.
struct PipelineWithoutMoneyGuard : OracleTest {
  PipelineWithoutMoneyGuard() : OracleTest(WithoutMoneyGuard()) {}
};

TEST_F(PipelineWithoutMoneyGuard, AMisreadDamageClaimAnsweredAutomaticallyFiresI2Alone) {
  const std::string claim = "The hoodie is damaged, the seam is torn.";
  const mocks::llm::IntentCues cues = mocks::llm::ClassifyText(claim);
  ASSERT_FALSE(cues.ambiguous());
  ASSERT_EQ(cues.truth, mocks::llm::Intent::kDamagedItem) << "the words name a damage claim, and only that";
  mocks::llm::Script misread;
  misread.contains = claim;
  misread.json = mocks::OrderedJson{{"intent", "wismo"}, {"confidence", 0.97}};
  misread.times = 1;  // the classification, which comes before the draft
  world.llm().AddScript(misread);

  const CustomerRef dan = Customer("Dan", 4);
  world.AddOrder(dan, Shipped("1Z999AA10000000004"));
  const std::uint64_t ticket = Writes(dan, claim);
  ASSERT_EQ(PipelineMessages(ticket, /*notes=*/false).size(), 1u) << "the pipeline answered automatically";

  Judge();
  ExpectOnlyFired({"I2"});
  ExpectFired("I2", "touches money: the customer's message is a damaged_item case");
}

// ---- I3: automatic sends only inside the safe zone ----------------------------------------------

// A delayed parcel goes to a person by the policy (wismo.delivery_exception); the broken pipeline
// sends its draft anyway. Nothing about money, so only I3 fires.
TEST_F(PipelineThatAutoSendsEverything, AnAutomaticReplyThePolicyRoutedToAPersonFiresI3) {
  const CustomerRef ana = Customer("Ana", 1);
  const OrderRef order = world.AddOrder(ana, Shipped("1Z999AA10000000001"));
  world.CarrierEvent(order, "delayed", "Weather delay");
  world.RunFor(sim::Minutes(30));
  const std::uint64_t ticket = Writes(ana, "Where is my order? It says delayed.");
  ASSERT_EQ(PipelineMessages(ticket, /*notes=*/false).size(), 1u);

  Judge();
  ExpectOnlyFired({"I3"});
  ExpectFired("I3", "although the ticket was routed 'human' by rule wismo.delivery_exception");
}

// ---- I4: every decision has its row ------------------------------------------------------------

// Bob's question is answered automatically and Dan's claim by a person after the handover; the
// broken pipeline writes none of the rows.
TEST_F(PipelineWithoutADecisionLog, UnloggedRepliesAndAnswersToAHandoverFireI4) {
  const CustomerRef bob = Customer("Bob", 2);
  const CustomerRef dan = Customer("Dan", 4);
  const OrderRef bob_order = world.AddOrder(bob, Shipped("1Z999AA10000000002"));
  world.AddOrder(dan, Shipped("1Z999AA10000000004"));
  const std::uint64_t bob_ticket = Writes(bob, "Hi, where is my order " + bob_order.name + "?");
  const std::uint64_t dan_ticket = Writes(dan, "My hoodie arrived damaged, the seam is torn.");
  world.AgentReplies(dan_ticket, 1, "Hi Dan, so sorry! A replacement ships today.");

  Judge();
  ExpectOnlyFired({"I4"});
  ExpectFired("I4", "ticket " + std::to_string(bob_ticket) + ": the pipeline wrote");
  ExpectFired("I4", "logged no route row");
  ExpectFired("I4", "1 automatic reply(ies)");
  ExpectFired("I4", "but 0 auto_send row(s)");
  EXPECT_NE(Result("I4").message.find("ticket " + std::to_string(dan_ticket)), std::string::npos) << Show(Result("I4"));
}

// ---- I5: recovery once per resolved issue; suppression ends ------------------------------------

// Ana's delayed parcel arrives and her ticket about it is closed: two resolved issues, and this
// pipeline lifts the suppression but never fires the recovery event for either.
TEST_F(PipelineThatNeverRecovers, ResolvedIssuesWithoutARecoveryEventFireI5) {
  const CustomerRef ana = Customer("Ana", 1);
  const OrderRef order = world.AddOrder(ana, Shipped("1Z999AA10000000001"));
  world.CarrierEvent(order, "delayed", "Weather delay");
  const std::uint64_t ticket = Writes(ana, "Where is my order? It says delayed.");
  world.AgentReplies(ticket, 0, "Hi Ana, the carrier reports a weather delay; we are watching it for you.");
  world.RunFor(sim::Hours(20));
  world.CarrierEvent(order, "delivered");
  world.RunFor(sim::Hours(1));
  world.CloseTicket(ticket, 0);

  Judge();
  ExpectOnlyFired({"I5"});
  // One episode: the delay and the ticket about it overlap, so one recovery is owed, after both.
  ExpectFired("I5", "1 violation: ana@example.com: the delivery exception on order " + order.name + " and ticket " +
                        std::to_string(ticket) + " (delivery_exception) was resolved at +0d22h");
  ExpectFired("I5", "but no 'Support Issue Resolved' event fired");
}

// Bob, a VIP (an espresso machine over $1,000), has a delayed parcel; it arrives and his ticket
// closes. The VIP offer carries a 15% discount: money, which a person must approve first. Played by
// `world` so the two tests below share it; `approve` has an agent tag offer-approved at the end.
void VipEpisodeEnds(OracleTest& t, bool approve) {
  const CustomerRef bob = t.Customer("Bob", 2, {"VIP"});
  OrderSpec big = OracleTest::Shipped("1Z999AA10000000009", "delivered", sim::Days(60));
  big.items = {LineItemSpec{"Espresso machine", "ESP-9", 1, "1250.00"}};
  t.world.AddOrder(bob, big);
  const OrderRef order = t.world.AddOrder(bob, OracleTest::Shipped("1Z999AA10000000002"));
  t.world.CarrierEvent(order, "delayed", "Weather delay");
  const std::uint64_t ticket = t.Writes(bob, "Where is my order? It says delayed.");
  t.world.AgentReplies(ticket, 0, "Hi Bob, the carrier reports a weather delay; we are watching it for you.");
  t.world.RunFor(sim::Hours(20));
  t.world.CarrierEvent(order, "delivered");
  t.world.RunFor(sim::Hours(1));
  t.world.CloseTicket(ticket, 0);
  t.world.RunFor(sim::Hours(1));
  if (approve) t.world.TagTicket(ticket, 1, std::string(pipeline::kOfferApprovedTag));
  t.world.RunFor(sim::Hours(1));
}

// The old behaviour: the discount reaches Klaviyo when the episode ends, with nobody asked.
TEST_F(PipelineThatSendsOffersUnapproved, ARecoveryDiscountNoPersonApprovedFiresI2) {
  VipEpisodeEnds(*this, /*approve=*/false);
  Judge();
  ExpectOnlyFired({"I2"});
  ExpectFired("I2", "recovery event 'Support Issue Resolved' for bob@example.com");
  ExpectFired("I2", "carries a discount (percent 15) that no person approved");
}

// The other side: the reference pipeline asks, an agent approves, and the discount goes out.
TEST_F(OracleTest, ARecoveryDiscountAnAgentApprovedHoldsI2) {
  VipEpisodeEnds(*this, /*approve=*/true);
  Judge();
  ExpectOnlyFired({});
}

// Dan's damage claim is answered and closed, and the pipeline fires its recovery event. A buggy
// pipeline then fires it again under a fresh unique_id, so Klaviyo keeps both.
TEST_F(OracleTest, ASecondRecoveryEventForOneResolvedTicketFiresI5) {
  const CustomerRef dan = Customer("Dan", 4);
  world.AddOrder(dan, Shipped("1Z999AA10000000004"));
  const std::uint64_t ticket = Writes(dan, "My hoodie arrived damaged, the seam is torn.");
  world.AgentReplies(ticket, 1, "Hi Dan, so sorry! A replacement ships today.");
  world.RunFor(sim::Hours(1));
  world.CloseTicket(ticket, 1);
  world.RunFor(sim::Hours(1));

  pipeline::clients::KlaviyoEvent again;
  again.metric = reference.policy().recovery.metric;
  again.email = dan.email;
  again.properties = {{"ticket_id", ticket}};
  again.unique_id = "ticket-" + std::to_string(ticket) + "-again";
  const auto fired = Await(reference.klaviyo().CreateEvent(again));
  ASSERT_TRUE(fired.has_value() && fired->has_value());

  Judge();
  ExpectOnlyFired({"I5"});  // I7 keys events by issue: "-again" is another key, so only I5 sees it
  ExpectFired("I5", "ticket " + std::to_string(ticket) + " (complaint): the recovery event fired 2 times");
}

// The recovery event while the ticket is still open: the issue was never resolved.
TEST_F(OracleTest, ARecoveryEventWhileTheIssueIsLiveFiresI5) {
  const CustomerRef dan = Customer("Dan", 4);
  world.AddOrder(dan, Shipped("1Z999AA10000000004"));
  const std::uint64_t ticket = Writes(dan, "My hoodie arrived damaged, the seam is torn.");
  world.AgentReplies(ticket, 1, "Hi Dan, so sorry! A replacement ships today.");

  pipeline::clients::KlaviyoEvent early;
  early.metric = reference.policy().recovery.metric;
  early.email = dan.email;
  early.properties = {{"issue_id", "ticket-" + std::to_string(ticket)}, {"ticket_id", ticket}};
  early.unique_id = "ticket-" + std::to_string(ticket);
  const auto fired = Await(reference.klaviyo().CreateEvent(early));
  ASSERT_TRUE(fired.has_value() && fired->has_value());

  Judge();
  ExpectOnlyFired({"I5"});
  ExpectFired("I5", "although the customer's issue is still live");
}

// Bob's question had no issue and his ticket is closed; a buggy pipeline suppresses him anyway
// and never lifts it.
TEST_F(OracleTest, ACustomerLeftSuppressedWithNothingOpenFiresI5) {
  const CustomerRef bob = Customer("Bob", 2);
  const OrderRef order = world.AddOrder(bob, Shipped("1Z999AA10000000002"));
  const std::uint64_t ticket = Writes(bob, "Hi, where is my order " + order.name + "?");
  world.CloseTicket(ticket, 0);
  world.RunFor(sim::Hours(1));
  const auto suppressed = Await(reference.klaviyo().SuppressProfiles({bob.email}));
  ASSERT_TRUE(suppressed.has_value() && suppressed->has_value());

  Judge();
  ExpectOnlyFired({"I5"});
  ExpectFired("I5", "bob@example.com is still suppressed");
  ExpectFired("I5", "every ticket of theirs is closed and no delivery exception is open");
  const auto& evidence = Result("I5").evidence;
  ASSERT_FALSE(evidence.empty());
  EXPECT_NE(evidence.front().find("profile-suppression-bulk-create-jobs"), std::string::npos) << evidence.front();
}

// ---- I6: an unsigned or forged webhook changes nothing -----------------------------------------

TEST_F(PipelineThatSkipsSignatureChecks, AForgedWebhookAcceptedFiresI6) {
  Forge(999000001, "Please cancel my order");

  Judge();
  ExpectOnlyFired({"I6"});
  ExpectFired("I6", "'attacker', who holds no signing secret, sent POST /webhooks/gorgias");
  ExpectFired("I6", "and it was accepted (200)");
}

// Shopify's own sender, but signed with a secret that is not the shop's (a rotated key, a
// tampered body): re-verified, it is forged too.
TEST_F(PipelineThatSkipsSignatureChecks, AWebhookWithAWrongSignatureFromTheRealSenderFiresI6) {
  const CustomerRef ana = Customer("Ana", 1);
  const OrderRef order = world.AddOrder(ana, Shipped("1Z999AA10000000001"));
  world.RunFor(sim::Minutes(1));
  mocks::Webhook webhook;
  webhook.subscription = "tampered";
  webhook.topic = "orders/updated";
  webhook.delivery_id = "tampered-1";
  sim::Request& r = webhook.request;
  r.method = sim::Method::kPost;
  r.target = "/webhooks/shopify";
  r.headers.Set("Host", std::string(kPipelineHost));
  r.headers.Set("Content-Type", "application/json");
  r.headers.Set("X-Shopify-Topic", "orders/updated");
  r.headers.Set("X-Shopify-Webhook-Id", webhook.delivery_id);
  r.body = mocks::OrderedJson{{"id", order.id}, {"name", order.name}, {"note", "ship to another address"}}.dump();
  r.headers.Set("X-Shopify-Hmac-Sha256", sim::Base64Encode(sim::HmacSha256("last-years-secret", r.body)));
  world.shopify_webhooks().Emit(webhook);

  Judge();
  ExpectOnlyFired({"I6"});
  ExpectFired("I6", "webhook orders/updated (delivery tampered-1) with a wrong signature was accepted by the pipeline");
}

// Many violations: the message spells out the first three and counts the rest; the evidence
// stops at kMaxEvidence lines, the first violations' first.
TEST_F(PipelineThatSkipsSignatureChecks, EvidenceIsCappedAtkMaxEvidence) {
  constexpr int kForged = 10;
  for (int i = 0; i < kForged; ++i) Forge(999000001 + 10 * static_cast<std::uint64_t>(i), "Refund me");

  Judge();
  ExpectOnlyFired({"I6"});
  const OracleResult& r = Result("I6");
  EXPECT_EQ(r.evidence.size(), kMaxEvidence) << Show(r);
  EXPECT_EQ(r.message.rfind(std::to_string(kForged) + " violations: ", 0), 0u) << r.message;
  EXPECT_NE(r.message.find("; and " + std::to_string(kForged - 3) + " more"), std::string::npos) << r.message;
  // Each forged request shows three lines (its request, the intake's verdict, the handling): the
  // first violation's come first, then the second's, and the third's are cut after two.
  for (const std::size_t i : {0u, 3u, 6u}) {
    EXPECT_NE(r.evidence[i].find("\"src\":\"attacker\",\"kind\":\"http.request\""), std::string::npos) << Show(r);
  }
}

// ---- I7: no double effect ----------------------------------------------------------------------

// Dan's claim is handed over with the pipeline's notes; a buggy pipeline, handling the webhook a
// second time, writes its last note again.
TEST_F(OracleTest, TheSameNoteTwiceForOneCustomerMessageFiresI7) {
  const CustomerRef dan = Customer("Dan", 4);
  world.AddOrder(dan, Shipped("1Z999AA10000000004"));
  const std::uint64_t ticket = Writes(dan, "My hoodie arrived damaged, the seam is torn.");
  const std::vector<std::string> notes = PipelineMessages(ticket, /*notes=*/true);
  ASSERT_FALSE(notes.empty()) << "the pipeline handed the claim over with a note";
  const auto answer = NoteAsPipeline(ticket, notes.back());
  ASSERT_TRUE(answer.has_value());
  ASSERT_EQ(answer->status, 201);

  Judge();
  ExpectOnlyFired({"I7"});
  ExpectFired("I7", "ticket " + std::to_string(ticket) + ": the same note");
  ExpectFired("I7", "2 times");
  EXPECT_EQ(Result("I7").evidence.size(), 2u) << "the two requests that wrote it";
}

// ---- I8: rate limits respected -----------------------------------------------------------------

struct RateLimitedKlaviyo : OracleTest {
  // Klaviyo refuses the first GET /api/profiles with a 429 that asks for 30 seconds.
  RateLimitedKlaviyo() {
    sim::FaultRule rule;
    rule.name = "profiles-429";
    rule.host = std::string(kKlaviyoHost);
    rule.path_prefix = "/api/profiles";
    rule.method = sim::Method::kGet;
    rule.status = 429;
    rule.headers.Set("Retry-After", "30");
    rule.max_fires = 1;
    world.network().faults().Add(rule);
  }

  sim::Request ProfileLookup() const {
    sim::Request r;
    r.method = sim::Method::kGet;
    r.target = "/api/profiles?filter=equals(email,%22ana%40example.com%22)";
    r.headers.Set("Host", std::string(kKlaviyoHost));
    r.headers.Set("Authorization", "Klaviyo-API-Key " + world.credentials().klaviyo_api_key);
    r.headers.Set("revision", world.credentials().klaviyo_revision);
    r.headers.Set("accept", "application/vnd.api+json");
    return r;
  }

  // As the pipeline's caller: the lookup, and after its 429, `pause`, then the same lookup again.
  std::vector<int> LookUpTwice(sim::Duration pause) {
    auto client = world.MakeClient(std::string(kPipelineCaller));
    std::vector<int> statuses;
    sim::Spawn([&]() -> sim::Task<void> {
      for (int i = 0; i < 2; ++i) {
        if (i == 1) co_await sim::SleepFor(world.scheduler(), pause);
        auto sending = client->Send(ProfileLookup());
        const sim::SendResult result = co_await std::move(sending);
        statuses.push_back(result.has_value() ? result->status : 0);
      }
    });
    world.RunFor(pause + sim::Minutes(1));
    return statuses;
  }
};

// Retry-After is a boundary: a millisecond early is a violation, exactly on time is not.
TEST_F(RateLimitedKlaviyo, ACallerThatRetriesBeforeRetryAfterFiresI8) {
  EXPECT_EQ(LookUpTwice(sim::Sec(30) - sim::Ms(1)), (std::vector<int>{429, 200}));

  Judge();
  ExpectOnlyFired({"I8"});
  ExpectFired("I8", "'pipeline' sent GET /api/profiles to klaviyo");
  ExpectFired("I8", "0d00h00m29.999s after a 429 that asked it to wait 0d00h00m30s (fault rule 'profiles-429')");
  EXPECT_EQ(Result("I8").evidence.size(), 3u) << "the refused request, its 429 and the early retry";
}

TEST_F(RateLimitedKlaviyo, ACallerThatWaitsOutRetryAfterExactlyHoldsI8) {
  EXPECT_EQ(LookUpTwice(sim::Sec(30)), (std::vector<int>{429, 200}));

  Judge();
  ExpectHeld("I8");
}

// Gorgias refuses the pipeline's first read of a ticket with a 429 that asks for two seconds.
void RateLimitTheFirstTicketRead(SimWorld& world) {
  sim::FaultRule rule;
  rule.name = "ticket-read-429";
  rule.host = std::string(kGorgiasHost);
  rule.path_prefix = "/api/tickets/";
  rule.method = sim::Method::kGet;
  rule.status = 429;
  rule.headers.Set("Retry-After", "2");
  rule.max_fires = 1;
  world.network().faults().Add(rule);
}

TEST_F(OracleTest, TheReferencePipelineWaitsOutRetryAfterAndI8Holds) {
  RateLimitTheFirstTicketRead(world);
  const CustomerRef bob = Customer("Bob", 2);
  const OrderRef order = world.AddOrder(bob, Shipped("1Z999AA10000000002"));
  const std::uint64_t ticket = Writes(bob, "Hi, where is my order " + order.name + "?");
  ASSERT_EQ(PipelineMessages(ticket, /*notes=*/false).size(), 1u) << "answered after the wait";

  Judge();
  for (const auto& r : results) EXPECT_TRUE(r.held) << Show(r);
}

// The same refusal, and a pipeline whose clients retry on their own short backoff.
TEST_F(PipelineThatIgnoresRateLimits, ARetryBeforeRetryAfterFiresI8) {
  RateLimitTheFirstTicketRead(world);
  const CustomerRef bob = Customer("Bob", 2);
  const OrderRef order = world.AddOrder(bob, Shipped("1Z999AA10000000002"));
  const std::uint64_t ticket = Writes(bob, "Hi, where is my order " + order.name + "?");

  Judge();
  ExpectOnlyFired({"I8"});
  ExpectFired("I8", "'pipeline' sent GET /api/tickets/" + std::to_string(ticket) + " to gorgias");
  ExpectFired("I8", "after a 429 that asked it to wait 0d00h00m02s (fault rule 'ticket-read-429')");
}

// A Klaviyo client of the pipeline's, misconfigured: `retry` instead of the reference policy.
std::unique_ptr<pipeline::clients::KlaviyoClient> MisconfiguredKlaviyo(SimWorld& world, sim::HttpClient& http,
                                                                       pipeline::clients::RetryPolicy retry) {
  pipeline::clients::KlaviyoConfig config;
  config.host = std::string(kKlaviyoHost);
  config.api_key = world.credentials().klaviyo_api_key;
  config.revision = world.credentials().klaviyo_revision;
  config.retry = retry;
  return std::make_unique<pipeline::clients::KlaviyoClient>(config, http, world.scheduler(),
                                                            world.rng().Fork("misconfigured"), &world.trace());
}

pipeline::clients::KlaviyoEvent AnEvent() {
  pipeline::clients::KlaviyoEvent e;
  e.metric = "Placed Order";
  e.email = "ana@example.com";
  e.unique_id = "storm-1";
  return e;
}

// Klaviyo is down; a client told to try twelve times does, where the oracle allows eight.
TEST_F(OracleTest, AClientThatStormsAnOutageFiresI8) {
  sim::FaultRule down;
  down.name = "events-down";
  down.host = std::string(kKlaviyoHost);
  down.path_prefix = "/api/events";
  down.status = 503;
  world.network().faults().Add(down);
  pipeline::clients::RetryPolicy retry;
  retry.max_attempts = kMaxAttemptsPerCall + 4;
  retry.budget_min_retries = 100;
  auto http = world.MakeClient(std::string(kPipelineCaller));
  auto klaviyo = MisconfiguredKlaviyo(world, *http, retry);
  const auto sent = Await(klaviyo->CreateEvent(AnEvent()), sim::Minutes(5));
  ASSERT_TRUE(sent.has_value());
  EXPECT_FALSE(sent->has_value()) << "every attempt met the outage";

  Judge();
  ExpectOnlyFired({"I8"});
  ExpectFired("I8", "made more than " + std::to_string(kMaxAttemptsPerCall) + " attempts");
}

// A client that will not wait more than a second drops a call Klaviyo asked to wait 5s for.
TEST_F(OracleTest, AClientThatGivesUpOnARateLimitFiresI8) {
  sim::FaultRule limited;
  limited.name = "events-429";
  limited.host = std::string(kKlaviyoHost);
  limited.path_prefix = "/api/events";
  limited.status = 429;
  limited.headers.Set("Retry-After", "5");
  world.network().faults().Add(limited);
  pipeline::clients::RetryPolicy retry;
  retry.max_retry_after = sim::Sec(1);
  auto http = world.MakeClient(std::string(kPipelineCaller));
  auto klaviyo = MisconfiguredKlaviyo(world, *http, retry);
  const auto sent = Await(klaviyo->CreateEvent(AnEvent()));
  ASSERT_TRUE(sent.has_value());
  EXPECT_FALSE(sent->has_value());

  Judge();
  ExpectOnlyFired({"I8"});
  ExpectFired("I8", "gave up on a rate limit");
}

// ---- I9: a reply states only the customer's own facts ------------------------------------------

// The LLM writes Ana a reply with Bob's tracking number. The pipeline's fact check catches it and
// the policy routes the ticket to a person, but this pipeline sends every draft: I9 fires, and
// I3 with it, since a draft that fails the fact check is never inside the safe zone.
TEST_F(PipelineThatAutoSendsEverything, AReplyStatingAnotherCustomersTrackingNumberFiresI9) {
  const CustomerRef ana = Customer("Ana", 1);
  const CustomerRef bob = Customer("Bob", 2);
  world.AddOrder(ana, Shipped("1Z999AA10000000001"));
  world.AddOrder(bob, Shipped("1Z999AA10000000002"));
  mocks::llm::Script wrong;
  wrong.contains = "where is my parcel";
  wrong.json = mocks::OrderedJson{{"reply", "Hi Ana, your parcel is with UPS, tracking number 1Z999AA10000000002."}};
  world.llm().AddScript(wrong);
  const std::uint64_t ticket = Writes(ana, "Hi, where is my order? I mean, where is my parcel?");
  ASSERT_EQ(PipelineMessages(ticket, /*notes=*/false).size(), 1u);

  Judge();
  ExpectOnlyFired({"I3", "I9"});
  ExpectFired("I9", "to ana@example.com");
  ExpectFired("I9", "states facts of no order of theirs: unknown_tracking 1Z999AA10000000002");
}

// ---- I10: the ticket's channel, delivered ------------------------------------------------------

// Bob's e-mail question is answered automatically and correctly. A buggy pipeline then sends a
// follow-up (and logs it as it should) by SMS, which the e-mail ticket cannot carry.
TEST_F(OracleTest, AReplyOnAnotherChannelThanTheTicketsFiresI10) {
  const CustomerRef bob = Customer("Bob", 2);
  const OrderRef order = world.AddOrder(bob, Shipped("1Z999AA10000000002"));
  const std::uint64_t ticket = Writes(bob, "Hi, where is my order " + order.name + "?");
  ASSERT_EQ(PipelineMessages(ticket, /*notes=*/false).size(), 1u);
  const std::string text = "Hi Bob, a quick follow-up: your parcel is on its way.";
  const auto answer = ReplyAsPipeline(ticket, text, "sms", "+15551230012");
  ASSERT_TRUE(answer.has_value());
  ASSERT_EQ(answer->status, 201) << "Gorgias accepts it, and never delivers it";
  LogAutoSend(ticket, text, "wismo.healthy_tracking");

  Judge();
  ExpectOnlyFired({"I10"});
  ExpectFired("I10", "went out on 'sms' on a ticket whose channel is 'email'");
}

// The right channel, but no address to deliver to: accepted, never sent.
TEST_F(OracleTest, AReplyWithoutAUsableAddressFiresI10) {
  const CustomerRef bob = Customer("Bob", 2);
  const OrderRef order = world.AddOrder(bob, Shipped("1Z999AA10000000002"));
  const std::uint64_t ticket = Writes(bob, "Hi, where is my order " + order.name + "?");
  const std::string text = "Hi Bob, a quick follow-up: your parcel is on its way.";
  const auto answer = ReplyAsPipeline(ticket, text, "email", "bob at example dot com");
  ASSERT_TRUE(answer.has_value());
  ASSERT_EQ(answer->status, 201);
  LogAutoSend(ticket, text, "wismo.healthy_tracking");

  Judge();
  ExpectOnlyFired({"I10"});
  ExpectFired("I10", "was never delivered");
}

// ---- I11: first response within the target -----------------------------------------------------

// Dan's claim is handed over and nobody at the helpdesk ever answers.
TEST_F(OracleTest, ATicketLeftUnansweredPastTheTargetFiresI11) {
  const CustomerRef dan = Customer("Dan", 4);
  world.AddOrder(dan, Shipped("1Z999AA10000000004"));
  const std::uint64_t ticket = Writes(dan, "My hoodie arrived damaged, the seam is torn.");
  world.RunFor(sim::Hours(25));  // 26 hours after he wrote

  Judge(sim::Hours(24));
  ExpectOnlyFired({"I11"});
  ExpectFired("I11", "ticket " + std::to_string(ticket) + " (dan@example.com");
  ExpectFired("I11", "had no response after 1d02h00m00s");
  ExpectFired("I11", "over the target of 1d00h00m00s");
}

TEST_F(OracleTest, AFirstResponseAfterTheTargetFiresI11) {
  const CustomerRef dan = Customer("Dan", 4);
  world.AddOrder(dan, Shipped("1Z999AA10000000004"));
  const std::uint64_t ticket = Writes(dan, "My hoodie arrived damaged, the seam is torn.");
  world.RunFor(sim::Hours(25));
  world.AgentReplies(ticket, 1, "Hi Dan, so sorry for the wait! A replacement ships today.");

  Judge(sim::Hours(24));
  ExpectOnlyFired({"I11"});
  ExpectFired("I11", "got its first response after 1d0");
}

// The target is inclusive: a first response exactly at it holds; against a target one nanosecond
// shorter, it fires.
TEST_F(OracleTest, AFirstResponseExactlyAtTheTargetHoldsI11) {
  const CustomerRef dan = Customer("Dan", 4);
  world.AddOrder(dan, Shipped("1Z999AA10000000004"));
  const std::uint64_t ticket = Writes(dan, "My hoodie arrived damaged, the seam is torn.");
  world.RunFor(sim::Hours(2));
  world.AgentReplies(ticket, 1, "Hi Dan, so sorry! A replacement ships today.");
  world.RunUntilIdle();

  // What Gorgias recorded: the customer's message, and when the reply reached them.
  const auto state = world.gorgias().Snapshot();
  const sim::WallTime asked = state.messages.at(state.tickets.at(ticket).message_ids.front()).created;
  std::optional<sim::WallTime> answered;
  for (const auto& d : world.gorgias().Deliveries()) {
    if (!answered && d.ticket_id == ticket && d.fate == mocks::gorgias::DeliveryFate::kDelivered && d.decided) {
      answered = d.decided;
    }
  }
  ASSERT_TRUE(answered.has_value());
  const sim::Duration took = *answered - asked;
  ASSERT_GT(took, sim::Hours(2));

  OracleContext context{world, reference};
  context.first_response_sla = took;
  EXPECT_TRUE(CheckInvariants(context)[10].held);
  context.first_response_sla = took - sim::Duration(1);
  results = CheckInvariants(context);
  ExpectOnlyFired({"I11"});
}

}  // namespace
}  // namespace rh::harness::testing
