// Goal: the pipeline's intent vocabulary (pipeline/vocabulary/intent.h) and the LLM mock's
// (mocks/llm/model.h) say the same thing. The enum exists twice because the pipeline may not
// depend on the mocks (it must work against a real LLM); this test, which may include both, is
// what keeps the copies in step: the same count, the same labels in the same order, and each
// side reads the other's labels back as the same intent.
#include "pipeline/vocabulary/intent.h"

#include <gtest/gtest.h>

#include "mocks/llm/model.h"

namespace rh {
namespace {

TEST(IntentLabels, ThePipelineAndTheLlmMockHaveTheSameIntents) {
  EXPECT_EQ(pipeline::kIntentCount, mocks::llm::kIntentCount);
}

TEST(IntentLabels, EachIntentHasTheSameLabelInTheSameOrderOnBothSides) {
  for (int i = 0; i < pipeline::kIntentCount; ++i) {
    const auto ours = static_cast<pipeline::Intent>(i);
    const auto mock = static_cast<mocks::llm::Intent>(i);
    EXPECT_EQ(pipeline::IntentName(ours), mocks::llm::IntentName(mock)) << "intent number " << i;
  }
}

TEST(IntentLabels, EachSideReadsTheOthersLabelsAsTheSameIntent) {
  for (const pipeline::Intent intent : pipeline::AllIntents()) {
    const std::string_view label = pipeline::IntentName(intent);
    const auto read_by_mock = mocks::llm::ParseIntent(label);
    ASSERT_TRUE(read_by_mock.has_value()) << label;
    EXPECT_EQ(static_cast<int>(*read_by_mock), static_cast<int>(intent)) << label;
    const auto read_back = pipeline::ParseIntent(mocks::llm::IntentName(*read_by_mock));
    ASSERT_TRUE(read_back.has_value()) << label;
    EXPECT_EQ(*read_back, intent) << label;
  }
}

}  // namespace
}  // namespace rh
