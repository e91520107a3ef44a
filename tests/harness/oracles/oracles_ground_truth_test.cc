// Goal: the defects users found at the policy's boundaries (issue 12) are each caught by an oracle
// judging from ground truth, on the pipeline as it was. Each test builds that old pipeline from
// the reference by one collaborator at a seam (the money guard without its discount words, the
// fact check without carriers and dates, the confirm step blind to the customer's other orders),
// or plays the old behaviour as an actor (a recovery fired at the delivery while the ticket is
// open), and checks which oracles fire and what they say. I12, the differential oracle, is shown
// to fire in both directions. Deterministic: virtual time, one seed per world.
#include "harness/oracles.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "mocks/llm/model.h"
#include "oracle_fixture.h"
#include "pipeline/draft_check.h"
#include "pipeline/seams.h"
#include "pipeline/triage_rules.h"

namespace rh::harness::testing {
namespace {

using pipeline::CaseFacts;
using pipeline::Decision;
using pipeline::Policy;

// ---- Pipelines as they were ---------------------------------------------------------------------

// The money guard before issue 12: its words knew refunds and damage, not discounts.
class GuardWithoutDiscountWords final : public pipeline::ConfirmPolicy {
 public:
  Decision Route(const Policy& policy, const CaseFacts& facts, std::string_view text) const override {
    Decision d = pipeline::Decide(policy, facts);
    const std::string lower = Lower(std::string(text));
    for (const char* cue : {"refund", "money back", "charged", "damaged", "broken", "torn"}) {
      if (d.route == pipeline::Route::kAutoSend && lower.find(cue) != std::string::npos) {
        d.route = pipeline::Route::kHuman;
        d.rule = "text.touches_money";
      }
    }
    return d;
  }
  static std::string Lower(std::string s) { return OracleTest::Lower(std::move(s)); }
};

// The draft check before issue 12: tracking numbers, order names and amounts, not carriers or dates.
class FactCheckWithoutCarriersOrDates final : public pipeline::FactChecker {
 public:
  std::string Problems(std::string_view draft, const pipeline::DraftFacts& allowed) const override {
    std::vector<pipeline::DraftProblem> kept;
    for (auto& p : pipeline::CheckDraft(draft, allowed)) {
      if (p.kind != "unknown_carrier" && p.kind != "unknown_date") kept.push_back(std::move(p));
    }
    return pipeline::DescribeProblems(kept);
  }
};

// The confirm step before issue 12: a VIP's live issues were looked for on the ticket's order only.
class BlindToOtherOrders final : public pipeline::ConfirmPolicy {
 public:
  Decision Route(const Policy& policy, const CaseFacts& facts, std::string_view text) const override {
    CaseFacts only_this_order = facts;
    only_this_order.issues_elsewhere.clear();
    return ConfirmPolicy::Route(policy, only_this_order, text);
  }
};

// A pipeline more cautious than its policy: every ticket to a person, under a rule of its own.
class SendsNothing final : public pipeline::ConfirmPolicy {
 public:
  Decision Route(const Policy& policy, const CaseFacts& facts, std::string_view text) const override {
    Decision d = ConfirmPolicy::Route(policy, facts, text);
    d.route = pipeline::Route::kHuman;
    d.rule = "shadow.everything_to_a_person";
    d.rationale = "shadow mode outside the policy";
    return d;
  }
};

template <class Confirm>
Breakage WithConfirm() {
  Breakage b;
  b.seams.confirm = std::make_shared<Confirm>();
  return b;
}

// ---- Defect 1: a discount request misread as something safe -------------------------------------

struct PipelineWithTheOldMoneyGuard : OracleTest {
  PipelineWithTheOldMoneyGuard() : OracleTest(WithConfirm<GuardWithoutDiscountWords>()) {}
};

TEST_F(PipelineWithTheOldMoneyGuard, ADiscountRequestMisreadAndAnsweredFiresI2FromTheStatedIntent) {
  const std::string ask = "Could I get 15% off my order?";
  ASSERT_TRUE(mocks::llm::ClassifyText(ask).ambiguous() ||
              mocks::llm::ClassifyText(ask).truth != mocks::llm::Intent::kDiscountRequest)
      << "the LLM mock's own cues do not read it as a discount: only the stated truth can";
  mocks::llm::Script misread;
  misread.contains = ask;
  misread.json = mocks::OrderedJson{{"intent", "wismo"}, {"confidence", 0.96}};
  misread.times = 1;
  world.llm().AddScript(misread);
  const CustomerRef ana = Customer("Ana", 1);
  world.AddOrder(ana, Shipped("1Z999AA10000000001"));
  const auto written = world.CustomerWrites(ana, ask);
  world.RecordTrueIntent(written.message_id, "discount_request");

  Judge();
  ExpectOnlyFired({"I2"});
  ExpectFired("I2", "the customer's message is a discount_request case");
}

TEST(MoneyGuard, KnowsDiscountsMisspellingsAndOtherLanguages) {
  for (const char* text : {"Could I get 15% off my first order?", "any dicsount for me?", "Do you have a promo code?",
                           "Can you price match?", "¿Tienen algún descuento?", "Gibt es einen Rabatt?",
                           "wheres my refnd", "it came damged and crakced"}) {
    EXPECT_TRUE(pipeline::MoneyCue(text).has_value()) << text;
  }
  for (const char* text : {"Where is my order?", "I changed my address", "Can I exchange it for a larger size?",
                           "My attorney says hi", "Our groups of friends loved it"}) {
    EXPECT_FALSE(pipeline::MoneyCue(text).has_value()) << text << " -> " << pipeline::MoneyCue(text).value_or("");
  }
}

// ---- Defect 2: a reply naming the wrong carrier ---------------------------------------------------

struct PipelineWithTheOldFactCheck : OracleTest {
  PipelineWithTheOldFactCheck()
      : OracleTest([] {
          Breakage b;
          b.seams.fact_check = std::make_shared<FactCheckWithoutCarriersOrDates>();
          return b;
        }()) {}
};

TEST_F(PipelineWithTheOldFactCheck, AReplyNamingAnotherCarrierFiresI9AndI3) {
  mocks::llm::Script wrong;
  wrong.contains = "You write a short, friendly reply";
  wrong.json = mocks::OrderedJson{{"reply", "Good news: your order is on its way with FedEx."}};
  world.llm().AddScript(wrong);
  const CustomerRef ana = Customer("Ana", 1);
  world.AddOrder(ana, Shipped("1Z999AA10000000001"));  // UPS
  Writes(ana, "Where is my order?");

  Judge();
  ExpectOnlyFired({"I3", "I9"});
  ExpectFired("I9", "unknown_carrier FedEx");
  ExpectFired("I3", "the written policy says human by rule draft.rejected");
}

TEST_F(PipelineWithTheOldFactCheck, AReplyStatingADateOfNoOrderFiresI9) {
  mocks::llm::Script wrong;
  wrong.contains = "You write a short, friendly reply";
  wrong.json = mocks::OrderedJson{{"reply", "Your parcel will arrive on 2027-02-14."}};
  world.llm().AddScript(wrong);
  const CustomerRef ana = Customer("Ana", 1);
  world.AddOrder(ana, Shipped("1Z999AA10000000001"));
  Writes(ana, "Where is my order?");

  Judge();
  ExpectFired("I9", "unknown_date 2027-02-14");
}

// ---- Defect 3: a VIP with a live issue on another order ----------------------------------------

struct PipelineBlindToOtherOrders : OracleTest {
  PipelineBlindToOtherOrders() : OracleTest(WithConfirm<BlindToOtherOrders>()) {}
};

TEST_F(PipelineBlindToOtherOrders, AVipAnsweredAboutAHealthyOrderDuringADelayOnAnotherFiresI2I3AndI12) {
  const CustomerRef bob = Customer("Bob", 2);
  OrderSpec big = Shipped("1Z999AA10000000002");
  big.items = {LineItemSpec{"Espresso machine", "ESP-9", 1, "1250.00"}};
  const OrderRef delayed = world.AddOrder(bob, big);
  const OrderRef healthy = world.AddOrder(bob, Shipped("1Z999AA10000000003", "in_transit", sim::Days(1)));
  world.CarrierEvent(delayed, "delayed", "Weather delay");
  world.RunFor(sim::Minutes(30));
  Writes(bob, "Where is my order " + healthy.name + "?");

  Judge();
  ExpectOnlyFired({"I2", "I3", "I12"});
  ExpectFired("I2", "a VIP with a live issue (delivery_exception)");
  ExpectFired("I3", "the written policy says human by rule vip.active_issue");
  ExpectFired("I12", "the written policy says human by vip.active_issue");
}

// ---- Defect 4: recovery twice for one delay ------------------------------------------------------

// The old pipeline fired a recovery at the delivery scan, while the ticket about the delay still
// kept the customer suppressed, and again at the close. Played here as an actor would: the
// reference's own recovery at the close, and an early one at the delivery.
TEST_F(OracleTest, ARecoveryAtTheDeliveryWhileTheTicketIsOpenFiresI5) {
  const CustomerRef ana = Customer("Ana", 1);
  const OrderRef order = world.AddOrder(ana, Shipped("1Z999AA10000000001"));
  world.CarrierEvent(order, "delayed", "Weather delay");
  const std::uint64_t ticket = Writes(ana, "Where is my order? It says delayed.");
  world.CarrierEvent(order, "delivered");
  pipeline::clients::KlaviyoEvent early;
  early.metric = reference.policy().recovery.metric;
  early.email = ana.email;
  early.properties = {{"issue_id", "order-" + std::to_string(order.id) + "-delivery"}};
  early.unique_id = "order-" + std::to_string(order.id) + "-delivery";
  ASSERT_TRUE(Await(reference.klaviyo().CreateEvent(early)).has_value());
  world.RunFor(sim::Hours(2));
  world.CloseTicket(ticket, 0);

  Judge();
  ExpectOnlyFired({"I5"});
  ExpectFired("I5", "before the last of these was resolved");
}

// The oracles read the LLM mock's cue classifier as ground truth in the pipeline's vocabulary; the
// dependency rule keeps two copies of the intent labels (mocks may not use the pipeline), so
// nothing but this test holds them together.
TEST(IntentLabels, ThePipelineAndTheLlmMockNameTheSameIntentsInTheSameOrder) {
  ASSERT_EQ(pipeline::kIntentCount, mocks::llm::kIntentCount);
  for (int i = 0; i < pipeline::kIntentCount; ++i) {
    EXPECT_EQ(pipeline::IntentName(static_cast<pipeline::Intent>(i)),
              mocks::llm::IntentName(static_cast<mocks::llm::Intent>(i)));
  }
}

// ---- I12 in the other direction: a route more cautious than the written policy --------------------

struct PipelineThatSendsNothing : OracleTest {
  PipelineThatSendsNothing() : OracleTest(WithConfirm<SendsNothing>()) {}
};

TEST_F(PipelineThatSendsNothing, ASafeTicketHandedOverFiresI12WithBothRationales) {
  const CustomerRef ana = Customer("Ana", 1);
  world.AddOrder(ana, Shipped("1Z999AA10000000001"));
  Writes(ana, "Where is my order?");

  Judge();
  ExpectOnlyFired({"I12"});
  ExpectFired("I12", "the pipeline routed it human by shadow.everything_to_a_person (\"shadow mode outside the policy\")");
  ExpectFired("I12", "the written policy says auto_send by wismo.healthy_tracking");
}

}  // namespace
}  // namespace rh::harness::testing
