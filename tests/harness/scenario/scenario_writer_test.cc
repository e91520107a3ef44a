// Goal: the scenario writer's one promise, load(write(s)) == s, holds for every shipped scenario
// and for generated scenarios full of awkward text (quotes, colons, line breaks, YAML indicators,
// words YAML reads as null, unicode); the files it writes leave defaults out, so a small scenario
// is a short file; the header comes out as comments; durations are written in the format's units.
#include "harness/scenario_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "harness/scenario_loader.h"
#include "pipeline/policy.h"

namespace rh::harness {
namespace {

namespace sc = scenario;

const std::string kScenarios = std::string(RH_SOURCE_DIR) + "/scenarios";

// The scenario read back from the writer's text, as if written next to `base_dir`.
sc::Scenario ReadBack(const std::string& yaml, const std::string& base_dir = "") {
  auto loaded = LoadScenarioText(yaml, "written.yaml", base_dir);
  EXPECT_TRUE(loaded.has_value()) << loaded.error().ToString() << "\n" << yaml;
  return loaded ? std::move(loaded).value() : sc::Scenario{};
}

int Lines(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

TEST(ScenarioWriter, EveryShippedScenarioReadsBackEqual) {
  std::vector<std::string> errors;
  const auto files = FindScenarioFiles({kScenarios}, &errors);
  ASSERT_GE(files.size(), 30u);
  for (const auto& file : files) {
    const auto loaded = LoadScenarioFile(file);
    ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
    const std::string dir = std::filesystem::path(file).parent_path().generic_string();
    const std::string yaml = WriteScenario(*loaded, {.base_dir = dir});
    const sc::Scenario back = ReadBack(yaml, dir);
    EXPECT_TRUE(sc::SameScenario(*loaded, back)) << file << " was written as:\n" << yaml;
  }
}

TEST(ScenarioWriter, AFileWithEveryFieldReadsBackEqual) {
  const std::string dir = std::string(RH_SOURCE_DIR) + "/tests/harness/scenario/data";
  const auto loaded = LoadScenarioFile(dir + "/full.yaml");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  const std::string yaml = WriteScenario(*loaded, {.base_dir = dir});
  EXPECT_TRUE(sc::SameScenario(*loaded, ReadBack(yaml, dir))) << yaml;
}

TEST(ScenarioWriter, ADefaultScenarioIsTwoLines) {
  sc::Scenario s;
  s.name = "empty";
  EXPECT_EQ(WriteScenario(s), "schema_version: 1\nname: empty\n");
}

TEST(ScenarioWriter, TheHeaderComesFirstAsCommentsOneLinePerLine) {
  sc::Scenario s;
  s.name = "x";
  const std::string yaml =
      WriteScenario(s, {.header = {"I2 fired: auto_send of a discount", "seed 7\nreproduce: abc", ""}});
  EXPECT_EQ(yaml,
            "# I2 fired: auto_send of a discount\n# seed 7\n# reproduce: abc\n#\nschema_version: 1\nname: x\n");
  EXPECT_TRUE(sc::SameScenario(s, ReadBack(yaml)));
}

TEST(ScenarioWriter, DurationsAreWrittenInTheFormatsUnits) {
  sc::Scenario s;
  s.name = "d";
  s.run_for = sim::Days(3);
  s.first_response_sla = sim::Minutes(90);
  const std::string yaml = WriteScenario(s);
  EXPECT_NE(yaml.find("run_for: 3d\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("sla: {first_response: 1h30m}\n"), std::string::npos) << yaml;
}

TEST(ScenarioWriter, AwkwardTextIsQuotedAndReadsBackAsItWas) {
  for (const std::string text :
       {"Reason: weather", "a # not a comment", "\"quoted\" and 'single'", "line one\nline two\n", "  padded  ",
        "null", "~", "- dash", "[not, a, list]", "{not: a map}", "&anchor *alias !tag %directive @at `tick`",
        "back\\slash", "tab\there", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x99\x82", "next\xc2\x85line",
        "sep\xe2\x80\xa8line", "? key", "| literal", "> folded", "123", "0.5", "true", "a\x01" "b", "x: "}) {
    sc::Scenario s;
    s.name = "quoting";
    s.description = text;
    const sc::Scenario back = ReadBack(WriteScenario(s));
    EXPECT_EQ(back.description, text) << YamlScalar(text);
  }
}

TEST(ScenarioWriter, APolicyFileIsNamedRelativeToWhereTheFileGoes) {
  const auto loaded = LoadScenarioFile(kScenarios + "/workflows/exchange-approved.yaml");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  const std::string yaml = WriteScenario(*loaded, {.base_dir = kScenarios + "/workflows"});
  EXPECT_NE(yaml.find("policy: ../policies/hoodie-exchanges.yaml\n"), std::string::npos) << yaml;
}

TEST(ScenarioWriter, AnEmbeddedPolicyIsWrittenInPlaceOnlyWhereItDiffers) {
  const auto loaded = LoadScenarioText(
      "schema_version: 1\nname: e\npolicy:\n  schema_version: 1\n  returns: {window_days: 7}\n"
      "  store: {timezone: America/New_York, currency_decimals: 0}\n  vip: {lifetime_value_at_least: \"500\"}\n"
      "  recovery: {offers: {vip: {apology: true, discount: {amount: \"20\"}}}}\n"
      "  routing: {intent_assignees: {wismo: 7, cancel: 3}, priority_rules: []}\n",
      "embedded.yaml", "");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  const std::string yaml = WriteScenario(*loaded);
  EXPECT_NE(yaml.find("  returns: {window_days: 7, window_starts_from: delivery, require_delivered: true}\n"),
            std::string::npos)
      << yaml;
  EXPECT_EQ(yaml.find("tracking:"), std::string::npos) << "a section equal to the default is left out:\n" << yaml;
  EXPECT_TRUE(sc::SameScenario(*loaded, ReadBack(yaml))) << yaml;
}

TEST(ScenarioWriter, APolicyWithoutAFileIsEmbedded) {
  sc::Scenario s;
  s.name = "p";
  s.policy = pipeline::Policy{};
  s.policy->cutoffs.fulfillment_lock = sim::Minutes(90);
  s.policy->store.currency_decimals = 3;
  s.policy->vip.lifetime_value_at_least = 5;  // "0.005"
  s.policy->vip.orders_count_at_least = 10;
  const std::string yaml = WriteScenario(s);
  EXPECT_NE(yaml.find("lifetime_value_at_least: \"0.005\""), std::string::npos) << yaml;
  const sc::Scenario back = ReadBack(yaml);
  ASSERT_TRUE(back.policy.has_value());
  EXPECT_EQ(*back.policy, *s.policy) << yaml;
  EXPECT_EQ(back.policy_file, "written.yaml");
}

TEST(ScenarioWriter, TheShippedScenariosStayShort) {
  // The workflows are what a shrunk counterexample looks like: 1-3 customers, a few orders and
  // steps. Written back without their comments, each fits well inside the ~60 lines promised.
  const auto files = FindScenarioFiles({kScenarios + "/workflows"}, nullptr);
  ASSERT_FALSE(files.empty());
  for (const auto& file : files) {
    const auto loaded = LoadScenarioFile(file);
    ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
    const std::string yaml = WriteScenario(*loaded);
    EXPECT_LE(Lines(yaml), 60) << file << ":\n" << yaml;
  }
}

}  // namespace
}  // namespace rh::harness
