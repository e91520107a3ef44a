// Goal: the pretend model's pure parts behave as documented: the classifier finds each intent
// from its cues, the fact parser reads the key-line format and the regex fallback, and the
// drafter states only the facts it was given.
#include "mocks/llm/model.h"

#include <gtest/gtest.h>

namespace rh::mocks::llm {
namespace {

TEST(LlmClassifier, FindsEachIntentFromItsCues) {
  const std::vector<std::pair<std::string, Intent>> cases = {
      {"Where is my order? It has not arrived yet.", Intent::kWismo},
      {"I want to return the jacket, it does not fit.", Intent::kReturn},
      {"Can I exchange this for a different size?", Intent::kExchange},
      {"Please cancel my order, I ordered by mistake.", Intent::kCancel},
      {"I need to change my address for the delivery.", Intent::kAddressChange},
      {"The mug arrived broken, the handle is cracked.", Intent::kDamagedItem},
      {"Tracking says delivered but I never received the package.", Intent::kDeliveredNotReceived},
      {"Where is my refund? I sent the item back two weeks ago.", Intent::kRefundStatus},
      {"Do you have a discount code for my next purchase?", Intent::kDiscountRequest},
      {"Is this jacket waterproof? What are the dimensions?", Intent::kProductQuestion},
      {"Hello, I just wanted to say thanks for the great service.", Intent::kOther},
  };
  for (const auto& [text, intent] : cases) {
    const IntentCues cues = ClassifyText(text);
    EXPECT_EQ(cues.truth, intent) << text;
    EXPECT_EQ(cues.ambiguous(), intent == Intent::kOther) << text;
  }
}

TEST(LlmClassifier, CallsTextWithSeveralIntentsAmbiguous) {
  const IntentCues cues = ClassifyText("Cancel it, or else I want to return it and get a discount.");
  EXPECT_GE(cues.intents_cued, 2);
  EXPECT_TRUE(cues.ambiguous());
  EXPECT_TRUE(cues.runner_up.has_value());
}

TEST(LlmFacts, ReadsKeyLinesAndFallsBackToPatterns) {
  const PromptFacts f = ParseFacts(
      "Order: #1042\nCustomer: Maria Diaz\n- Carrier: UPS\nTracking: 1Z999AA10123456784\n"
      "Tracking URL: https://track.example/1Z999AA10123456784\nReturn window: 30 days\n");
  EXPECT_EQ(f.order, "#1042");
  EXPECT_EQ(f.customer_name, "Maria Diaz");
  EXPECT_EQ(f.carrier, "UPS");
  EXPECT_EQ(f.tracking_number, "1Z999AA10123456784");
  EXPECT_EQ(f.tracking_url, "https://track.example/1Z999AA10123456784");
  EXPECT_EQ(f.return_window, "30 days");

  const PromptFacts g = ParseFacts("Your order #2001 shipped on 2026-11-20 with FedEx, tracking number 771234567890.");
  EXPECT_EQ(g.order, "#2001");
  EXPECT_EQ(g.shipped_date, "2026-11-20");
  EXPECT_EQ(g.carrier, "FedEx");
  EXPECT_EQ(g.tracking_number, "771234567890");
  EXPECT_TRUE(ParseFacts("no facts here at all").tracking_number.empty());
}

TEST(LlmFacts, TakesTheCustomerTextFromTheTicketElement) {
  EXPECT_EQ(ExtractCustomerText("Classify this.\n<ticket>Where is my order?</ticket>\nOrder: #1"), "Where is my order?");
  EXPECT_EQ(ExtractCustomerText("Order: #1\nCustomer message: my mug is broken"), "my mug is broken");
}

TEST(LlmDrafter, StatesNoTrackingNumberWhenThePromptHasNone) {
  PromptFacts f;
  f.order = "#1042";
  const std::string draft = DraftReply(Intent::kWismo, f, {});
  EXPECT_NE(draft.find("#1042"), std::string::npos);
  EXPECT_EQ(draft.find("1Z"), std::string::npos);
  EXPECT_EQ(draft.find("refund"), std::string::npos);
}

TEST(LlmTokens, CountsFourCharactersPerOpenAiTokenAndThreeAndAHalfForAnthropic) {
  EXPECT_EQ(CountTextTokens(Api::kOpenAi, "abcdefgh"), 2);
  EXPECT_EQ(CountTextTokens(Api::kOpenAi, "abcdefghi"), 3);
  EXPECT_EQ(CountTextTokens(Api::kAnthropic, "abcdefg"), 2);
  EXPECT_EQ(CountTextTokens(Api::kAnthropic, "abcdefgh"), 3);
  EXPECT_EQ(TruncateToTokens(Api::kOpenAi, "abcdefghij", 2), "abcdefgh");
}

}  // namespace
}  // namespace rh::mocks::llm
