// Goal: `rehearse fuzz` is a test that can fail and does. On the reference pipeline every property
// holds for a pinned campaign on both shipped policies (the default, in UTC, and the strict one,
// in New York, whose return windows cross a DST change); on each deliberately broken variant the
// fuzzer finds a counterexample within 300 cases, the oracle that fires is the one the variant
// breaks, and the shrunk scenario file is short and fails the same way when `rehearse run` plays
// it. Deterministic: pinned seeds, virtual time.
#include "harness/fuzz.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/runner.h"
#include "harness/scenario_loader.h"

namespace rh::harness::fuzz {
namespace {

namespace sc = scenario;

std::string TempDir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("rh-fuzz-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

TEST(Fuzz, TheReferencePipelineHoldsEveryPropertyOnTheDefaultPolicy) {
  FuzzOptions options;
  options.cases = 300;
  options.seed = 1;
  const FuzzResult r = RunFuzz(options);
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_TRUE(r.held) << r.violation << "\n" << r.counterexample_yaml;
  EXPECT_EQ(r.cases, 300);
  // The campaign came near the boundaries it is for.
  for (const char* tag : {"return window: last day inside", "return window: first day outside", "vip line: at",
                          "tracking staleness: at the threshold", "several orders per customer", "message: misspelled",
                          "message: other_language", "llm: wrong carrier", "webhooks: duplicated"}) {
    EXPECT_GT(r.boundaries.count(tag) ? r.boundaries.at(tag) : 0, 0) << tag;
  }
}

TEST(Fuzz, TheReferencePipelineHoldsEveryPropertyInNewYork) {
  FuzzOptions options;
  options.cases = 300;
  options.seed = 2;
  options.policy_file = std::string(RH_SOURCE_DIR) + "/scenarios/policies/strict.yaml";
  const FuzzResult r = RunFuzz(options);
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_TRUE(r.held) << r.violation << "\n" << r.counterexample_yaml;
}

TEST(Fuzz, TheSameSeedGivesTheSameCampaign) {
  FuzzOptions options;
  options.cases = 40;
  options.seed = 9;
  options.variant = sc::PipelineVariant::kRepliesOnEmail;
  const FuzzResult a = RunFuzz(options);
  const FuzzResult b = RunFuzz(options);
  EXPECT_EQ(a.cases, b.cases);
  EXPECT_EQ(a.boundaries, b.boundaries);
  EXPECT_EQ(a.counterexample_yaml, b.counterexample_yaml);
}

TEST(Fuzz, AnUnreadablePolicyIsAnErrorNotAVerdict) {
  FuzzOptions options;
  options.cases = 5;
  options.policy_file = "/nonexistent/policy.yaml";
  const FuzzResult r = RunFuzz(options);
  EXPECT_FALSE(r.held);
  EXPECT_NE(r.error.find("/nonexistent/policy.yaml"), std::string::npos) << r.error;
}

// ---- Each broken variant is caught, by its own oracle ---------------------------------------------

struct Broken {
  sc::PipelineVariant variant;
  std::vector<std::string> oracles;  // one of these must fire
};

class FuzzFindsTheBrokenVariant : public ::testing::TestWithParam<Broken> {};

TEST_P(FuzzFindsTheBrokenVariant, WithinThreeHundredCasesAsAShortFileThatFailsTheSameWay) {
  const Broken& broken = GetParam();
  FuzzOptions options;
  options.cases = 300;
  options.seed = 1;
  options.variant = broken.variant;
  options.out_dir = TempDir(std::string(PipelineVariantName(broken.variant)));
  const FuzzResult r = RunFuzz(options);
  ASSERT_FALSE(r.held) << "no counterexample in 300 cases";
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_LE(r.cases, 300);
  const bool expected = std::any_of(broken.oracles.begin(), broken.oracles.end(), [&](const std::string& id) {
    return std::find(r.oracles_fired.begin(), r.oracles_fired.end(), id) != r.oracles_fired.end();
  });
  EXPECT_TRUE(expected) << r.violation;
  EXPECT_LE(r.counterexample_lines, 60) << r.counterexample_yaml;
  EXPECT_TRUE(r.reproduced) << "rehearse run on " << r.counterexample_file << " fails differently";
  // The file names what fired and how to find it again.
  EXPECT_NE(r.counterexample_yaml.find("# A counterexample found by rehearse fuzz"), std::string::npos);
  EXPECT_NE(r.counterexample_yaml.find("RC_PARAMS=\"reproduce="), std::string::npos);
  const auto loaded = LoadScenarioFile(r.counterexample_file);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->variant, broken.variant);
  std::filesystem::remove_all(options.out_dir);
}

std::string VariantName(const ::testing::TestParamInfo<Broken>& info) {
  return std::string(PipelineVariantName(info.param.variant));
}

INSTANTIATE_TEST_SUITE_P(
    Variants, FuzzFindsTheBrokenVariant,
    ::testing::Values(Broken{sc::PipelineVariant::kSkipsSignatureCheck, {"I6"}},
                      Broken{sc::PipelineVariant::kAutoSendsEverything, {"I2", "I3"}},
                      Broken{sc::PipelineVariant::kIgnoresSuppression, {"I1"}},
                      Broken{sc::PipelineVariant::kNoDecisionLog, {"I4"}},
                      Broken{sc::PipelineVariant::kSkipsFactCheck, {"I9", "I3"}},
                      Broken{sc::PipelineVariant::kSkipsRecovery, {"I5"}},
                      Broken{sc::PipelineVariant::kRepliesTwice, {"I7"}},
                      Broken{sc::PipelineVariant::kRepliesOnEmail, {"I10"}},
                      Broken{sc::PipelineVariant::kIgnoresRateLimits, {"I8"}}),
    VariantName);

}  // namespace
}  // namespace rh::harness::fuzz
