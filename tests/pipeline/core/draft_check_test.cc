// Goal: a draft that states a fact outside the customer's order, or promises money, is caught;
// a draft built from the order's own facts passes.
#include "pipeline/draft_check.h"

#include <gtest/gtest.h>

namespace rh::pipeline {
namespace {

const DraftFacts kFacts{{"#1001", "1Z999AA10123456784", "54.99"}, {"UPS"}, {"2026-11-20", "2026-12-21"}};

TEST(DraftCheck, PassesADraftOfTheOrdersOwnFacts) {
  const auto problems = CheckDraft(
      "Hi Ana,\n\nThanks for checking in about order #1001. It is on its way with UPS, tracking number "
      "1Z999AA10123456784. The hoodie was $54.99.",
      kFacts);
  EXPECT_TRUE(problems.empty()) << DescribeProblems(problems);
}

TEST(DraftCheck, PassesTheOrdersCarrierWrittenLongerAndItsDates) {
  const auto problems = CheckDraft(
      "It shipped with UPS Ground on 2026-11-20; you can return it until 2026-12-21.",
      DraftFacts{{}, {"UPS Ground"}, {"2026-11-20", "2026-12-21"}});
  EXPECT_TRUE(problems.empty()) << DescribeProblems(problems);
}

// Issue 12, defect 2: a reply naming the wrong carrier went out.
TEST(DraftCheck, CatchesAnotherCarrier) {
  const auto problems = CheckDraft("Good news: it is on its way with FedEx.", kFacts);
  EXPECT_EQ(DescribeProblems(problems), "unknown_carrier: FedEx");
}

TEST(DraftCheck, CatchesACarrierWhenTheOrderHasNone) {
  EXPECT_EQ(DescribeProblems(CheckDraft("DHL will bring it tomorrow.", DraftFacts{})), "unknown_carrier: DHL");
}

TEST(DraftCheck, ReadsCarrierNamesAsWholeWords) {
  // "ups" inside "groups" or "upset" is no carrier.
  EXPECT_TRUE(CheckDraft("Sorry you are upset; our groups of parcels left today.", DraftFacts{}).empty());
}

TEST(DraftCheck, CatchesADateOfNoOrder) {
  const auto problems = CheckDraft("It will arrive on 2027-02-14, on 2026-11-20 it shipped.", kFacts);
  EXPECT_EQ(DescribeProblems(problems), "unknown_date: 2027-02-14");
}

TEST(DraftCheck, CatchesAHallucinatedTrackingNumber) {
  const auto problems = CheckDraft("For reference, your tracking number is 1ZABCDEF0123456789.", kFacts);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].kind, "unknown_tracking");
  EXPECT_EQ(problems[0].detail, "1ZABCDEF0123456789");
}

TEST(DraftCheck, CatchesATrackingNumberWithFewDigits) {
  const auto problems = CheckDraft("Tracking: 1ZABCDEFGHJKLMNPQ2R, as promised.", kFacts);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].kind, "unknown_tracking");
}

TEST(DraftCheck, CatchesAnotherOrderAndAnUnknownAmount) {
  const auto problems = CheckDraft("Your order #1002 cost $19.00.", kFacts);
  EXPECT_EQ(DescribeProblems(problems), "unknown_order: #1002; unknown_amount: $19.00");
}

TEST(DraftCheck, CatchesEveryMoneyPromiseTheLlmMockCanMake) {
  for (const char* promise :
       {"I've gone ahead and issued a full refund to your original payment method.",
        "As an apology, I've added a $25 store credit to your account.",
        "I've refunded your shipping cost and added a 20% credit for your next order."}) {
    const auto problems = CheckDraft(promise, kFacts);
    bool money = false;
    for (const auto& p : problems) money = money || p.kind == "money_promise";
    EXPECT_TRUE(money) << promise;
  }
}

TEST(DraftCheck, RefusesAnEmptyDraft) {
  EXPECT_EQ(DescribeProblems(CheckDraft(" \n", kFacts)), "empty");
}

}  // namespace
}  // namespace rh::pipeline
