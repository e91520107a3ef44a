// Goal: the rules decide only clear cases, and leave the ambiguous and the unmatched to the LLM.
#include "pipeline/triage_rules.h"

#include <gtest/gtest.h>

namespace rh::pipeline {
namespace {

TEST(TriageRules, DecideClearCases) {
  const auto wismo = ClassifyByRules("Hi! Where is my order? It's been a week.");
  ASSERT_TRUE(wismo.has_value());
  EXPECT_EQ(wismo->intent, Intent::kWismo);
  EXPECT_EQ(wismo->phrases, std::vector<std::string>{"where is my order"});
  EXPECT_EQ(ClassifyByRules("Please CANCEL MY ORDER")->intent, Intent::kCancel);
  EXPECT_EQ(ClassifyByRules("The mug arrived damaged")->intent, Intent::kDamagedItem);
  EXPECT_EQ(ClassifyByRules("It says delivered but nothing is here")->intent, Intent::kDeliveredNotReceived);
  EXPECT_EQ(ClassifyByRules("Do you have a discount code?")->intent, Intent::kDiscountRequest);
}

TEST(TriageRules, LeaveAmbiguousAndUnmatchedTextToTheLlm) {
  EXPECT_FALSE(ClassifyByRules("Where is my order? If it's late, cancel my order.").has_value());
  EXPECT_FALSE(ClassifyByRules("Is the hoodie warm enough for winter?").has_value());
  EXPECT_FALSE(ClassifyByRules("").has_value());
}

TEST(TriageRules, SeveralPhrasesOfOneIntentStillDecide) {
  const auto match = ClassifyByRules("Where's my order? Where is my package?");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->intent, Intent::kWismo);
  EXPECT_EQ(match->phrases.size(), 2u);
}

}  // namespace
}  // namespace rh::pipeline

namespace rh::pipeline {
namespace {

TEST(MoneyCue, FindsWordsAboutMoneyOrDamageWhateverTheIntent) {
  EXPECT_EQ(MoneyCue("The seam is TORN, I want my money back"), "money back");
  EXPECT_EQ(MoneyCue("Was I refunded yet?"), "refund");
  EXPECT_EQ(MoneyCue("You charged me twice"), "charged");
  EXPECT_EQ(MoneyCue("It arrived cracked"), "cracked");
}

TEST(MoneyCue, LeavesPlainQuestionsAlone) {
  EXPECT_FALSE(MoneyCue("Hi, where is my order?").has_value());
  EXPECT_FALSE(MoneyCue("Can I exchange it for a size L?").has_value());
  EXPECT_FALSE(MoneyCue("Has my order shipped yet?").has_value());
}

}  // namespace
}  // namespace rh::pipeline
