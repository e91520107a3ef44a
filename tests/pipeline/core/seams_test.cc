// Goal: the real collaborators at the pipeline's seams (pipeline/seams.h, clients/pacing.h, the
// intake's SignatureVerifier) do what the workflow relied on before they were seams: the confirm
// policy sends only an automatic route with a checked draft, the money guard sends a message about
// money to a person, the fact check is the draft check, the signature check refuses a missing or
// wrong signature, and the clients' pacing heeds every limit. Pure and deterministic.
#include "pipeline/seams.h"

#include <gtest/gtest.h>

#include "pipeline/clients/pacing.h"
#include "pipeline/draft_check.h"
#include "pipeline/webhook_intake.h"

namespace rh::pipeline {
namespace {

Decision AutoSend() {
  Decision d;
  d.route = Route::kAutoSend;
  d.rule = "wismo.healthy_tracking";
  return d;
}

TEST(ConfirmPolicy, SendsOnlyAnAutomaticRouteWithADraftThatPassedItsCheck) {
  const ConfirmPolicy confirm;
  EXPECT_TRUE(confirm.SendsAutomatically(AutoSend(), "Your order is on its way.", ""));
  EXPECT_FALSE(confirm.SendsAutomatically(AutoSend(), "", ""));
  EXPECT_FALSE(confirm.SendsAutomatically(AutoSend(), "Your order is on its way.", "unknown_tracking: 1Z"));
  Decision human = AutoSend();
  human.route = Route::kHuman;
  EXPECT_FALSE(confirm.SendsAutomatically(human, "Your order is on its way.", ""));
}

TEST(GuardMoney, SendsAnAutomaticRouteAboutMoneyToTheDefaultAssignee) {
  Policy policy;
  policy.routing.default_assignee_user_id = 7;
  const Decision guarded = GuardMoney(policy, AutoSend(), CaseFacts{}, "Where is my order? I want my money back");
  EXPECT_EQ(guarded.route, Route::kHuman);
  EXPECT_EQ(guarded.rule, "text.touches_money");
  EXPECT_TRUE(guarded.touches_money);
  EXPECT_EQ(guarded.assignee_user_id, 7u);
}

TEST(GuardMoney, LeavesAPlainQuestionAndAPersonsRouteAlone) {
  const Policy policy;
  EXPECT_EQ(GuardMoney(policy, AutoSend(), CaseFacts{}, "Hi, where is my order?").rule, "wismo.healthy_tracking");
  Decision human = AutoSend();
  human.route = Route::kHuman;
  human.rule = "refund.always_human";
  EXPECT_EQ(GuardMoney(policy, human, CaseFacts{}, "I want my money back").rule, "refund.always_human");
}

TEST(FactChecker, IsTheDraftCheck) {
  const FactChecker check;
  const DraftFacts facts{{"#1001", "1Z999AA10123456784"}};
  const std::string invented = "Order #1001 ships with tracking 1Z999AA10999999999.";
  EXPECT_EQ(check.Problems(invented, facts), DescribeProblems(CheckDraft(invented, facts)));
  EXPECT_FALSE(check.Problems(invented, facts).empty());
  EXPECT_EQ(check.Problems("Order #1001 ships with tracking 1Z999AA10123456784.", facts), "");
}

TEST(SignatureVerifier, AcceptsOnlyTheExpectedSignature) {
  const SignatureVerifier verifier;
  EXPECT_TRUE(verifier.Genuine(std::string_view("abc123"), "abc123"));
  EXPECT_FALSE(verifier.Genuine(std::string_view("abc124"), "abc123"));
  EXPECT_FALSE(verifier.Genuine(std::nullopt, "abc123"));
  EXPECT_FALSE(verifier.Genuine(std::string_view(""), "abc123"));
}

TEST(Pacing, KeepToLimitsHeedsTheReadingTheRetryAfterAndHoldsTheAccount) {
  const auto pacing = clients::KeepToLimits();
  clients::RateSignal reading;
  reading.pause = sim::Ms(500);
  reading.spacing = sim::Ms(250);
  reading.reason = "call limit 38/40";
  const clients::RateSignal heeded = pacing->Heed(reading);
  EXPECT_EQ(heeded.pause, reading.pause);
  EXPECT_EQ(heeded.spacing, reading.spacing);
  EXPECT_EQ(pacing->Honour(sim::Duration(sim::Sec(2))), sim::Duration(sim::Sec(2)));
  EXPECT_EQ(pacing->Honour(std::nullopt), std::nullopt);
  const sim::Instant now{sim::Sec(10)};
  EXPECT_EQ(pacing->HoldUntil(now, sim::Sec(2)), now + sim::Sec(2));
}

}  // namespace
}  // namespace rh::pipeline
