// Goal: the fuzzer's phrase bank gives every intent and style a phrase, fills the order's name in
// where the customer names one and reads naturally where they name none, and states a money
// intent as the truth of a message that mixes one with another intent.
#include "fuzz/phrase_bank.h"

#include <gtest/gtest.h>

#include "mocks/llm/model.h"
#include "pipeline/policy.h"

namespace rh::harness::fuzz {
namespace {

TEST(PhraseBank, EveryIntentAndStyleHasAPhrase) {
  for (const pipeline::Intent intent : pipeline::AllIntents()) {
    for (int s = 0; s < kPhraseStyleCount; ++s) {
      EXPECT_FALSE(Phrases(intent, static_cast<PhraseStyle>(s)).empty())
          << pipeline::IntentName(intent) << " " << PhraseStyleName(static_cast<PhraseStyle>(s));
    }
  }
}

TEST(PhraseBank, FillsTheOrderNameOrLeavesItOut) {
  const Phrase p{"Where is my order {order}?", pipeline::Intent::kWismo};
  EXPECT_EQ(Fill(p, "#1001"), "Where is my order #1001?");
  EXPECT_EQ(Fill(p, ""), "Where is my order?");
}

TEST(PhraseBank, TwoIntentsWithMoneyStateTheMoneyIntent) {
  for (const pipeline::Intent intent : pipeline::AllIntents()) {
    for (const Phrase& p : Phrases(intent, PhraseStyle::kTwoIntents)) {
      const bool mentions_money = p.text.find("money") != std::string::npos ||
                                  p.text.find("charged") != std::string::npos ||
                                  p.text.find("discount") != std::string::npos;
      if (mentions_money) {
        EXPECT_TRUE(pipeline::IsMoneyIntent(p.truth)) << p.text;
      }
    }
  }
}

// The bank and the LLM mock agree on plain and indirect English: what a customer plainly writes is
// read as what they meant (docs/llm-mock.md), so the fuzzer's misreads come from the styles meant
// to cause them (misspelled, two intents, other languages), never from a gap in the mock's cues.
TEST(PhraseBank, PlainAndIndirectPhrasesAreReadByTheLlmMockAsTheirTruth) {
  for (const pipeline::Intent intent : pipeline::AllIntents()) {
    for (const PhraseStyle style : {PhraseStyle::kPlain, PhraseStyle::kIndirect}) {
      for (const Phrase& p : Phrases(intent, style)) {
        for (const std::string order : {"#1001", ""}) {
          const std::string text = Fill(p, order);
          EXPECT_EQ(mocks::llm::IntentName(mocks::llm::ClassifyText(text).truth), pipeline::IntentName(p.truth)) << text;
        }
      }
    }
  }
}

}  // namespace
}  // namespace rh::harness::fuzz
