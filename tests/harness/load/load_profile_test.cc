// Goal: a load profile is read whole and in range, and a bad one is refused with the file, line
// and dotted field, and a suggestion for a misspelt key (docs/LOAD.md).
#include "harness/load_profile.h"

#include <gtest/gtest.h>

#include <string>

namespace rh::harness::load {
namespace {

const std::string kMinimal = R"(name: tiny
orders:
  per_hour: 10
  days: [{name: Friday, factor: 3}]
agents:
  shifts: [{name: day, start: 8h, end: 16h, agents: 2}]
)";

config::FileError Refusal(const std::string& yaml) {
  const auto loaded = LoadLoadProfileText(yaml, "p.yaml");
  EXPECT_FALSE(loaded.has_value()) << "accepted:\n" << yaml;
  return loaded.has_value() ? config::FileError{} : loaded.error();
}

TEST(LoadProfile, TheShippedProfilesLoad) {
  for (const char* name : {"small-day.yaml", "bfcm-week.yaml"}) {
    const auto p = LoadLoadProfileFile(std::string(RH_SOURCE_DIR) + "/scenarios/load/" + name);
    ASSERT_TRUE(p.has_value()) << p.error().ToString();
    EXPECT_FALSE(p->days.empty());
    EXPECT_GT(p->TotalAgents(), 0);
  }
}

TEST(LoadProfile, AMinimalProfileTakesTheVerticalsContactRateAndTheDefaults) {
  const auto p = LoadLoadProfileText(kMinimal, "p.yaml");
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  EXPECT_DOUBLE_EQ(p->contact_rate, 0.22);  // apparel
  EXPECT_EQ(p->hours(), 24);
  EXPECT_EQ(p->handle_time, sim::Minutes(6));
  EXPECT_EQ(p->first_response_sla, sim::Hours(4));
  EXPECT_EQ(p->AgentsInHour(8), 2);
  EXPECT_EQ(p->AgentsInHour(16), 0);
}

TEST(LoadProfile, AMisspeltKeyIsRefusedAtItsLineWithASuggestion) {
  const auto e = Refusal(kMinimal + "contacts:\n  delay_rat: 0.1\n");
  EXPECT_EQ(e.file, "p.yaml");
  EXPECT_EQ(e.line, 8);
  EXPECT_EQ(e.field, "contacts.delay_rat");
  EXPECT_NE(e.message.find("did you mean 'delay_rate'"), std::string::npos) << e.message;
}

TEST(LoadProfile, AValueOutOfRangeNamesTheDottedField) {
  const auto e = Refusal(kMinimal + "contacts: {first_time_buyers: {share: 1.5}}\n");
  EXPECT_EQ(e.field, "contacts.first_time_buyers.share");
  EXPECT_EQ(e.line, 7);
}

TEST(LoadProfile, AMissingCurveIsRefused) {
  const auto e = Refusal("name: x\nagents:\n  shifts: [{name: day, start: 8h, end: 16h, agents: 2}]\n");
  EXPECT_NE(e.message.find("orders"), std::string::npos) << e.ToString();
}

TEST(LoadProfile, AShiftThatEndsWhenItStartsIsRefused) {
  const auto e = Refusal("name: x\norders: {per_hour: 1, days: [{name: d}]}\nagents:\n  shifts: [{name: day, start: 8h, end: 8h, agents: 2}]\n");
  EXPECT_EQ(e.field, "agents.shifts[0].end");
}

TEST(LoadProfile, AMixThatDoesNotAddUpAndAnUnknownIntentAreRefused) {
  EXPECT_NE(Refusal(kMinimal + "contacts: {intent_mix: {wismo: 0.5, return: 0.2}}\n").message.find("add up"), std::string::npos);
  const auto e = Refusal(kMinimal + "contacts: {intent_mix: {wsimo: 1}}\n");
  EXPECT_EQ(e.field, "contacts.intent_mix.wsimo");
  EXPECT_NE(e.message.find("did you mean 'wismo'"), std::string::npos) << e.message;
}

TEST(LoadProfile, AnHourlyShapeNeedsTwentyFourWeights) {
  const auto e = Refusal("name: x\norders: {per_hour: 1, days: [{name: d}], hourly_shape: [1, 2]}\nagents: {shifts: [{name: a, start: 0h, end: 24h, agents: 1}]}\n");
  EXPECT_EQ(e.field, "orders.hourly_shape");
  EXPECT_NE(e.message.find("24"), std::string::npos);
}

TEST(LoadProfile, AnUnparsableThresholdIsRefusedAtItsLine) {
  const auto e = Refusal(kMinimal + "thresholds:\n  - \"first_response.p90 < 4x\"\n");
  EXPECT_EQ(e.line, 8);
  EXPECT_EQ(e.field, "thresholds[0]");
  EXPECT_NE(e.message.find("unknown unit 'x'"), std::string::npos) << e.message;
}

TEST(LoadProfile, BrokenYamlNamesTheLine) {
  const auto e = Refusal("name: x\norders: {per_hour: 1\n");
  EXPECT_GT(e.line, 0);
  EXPECT_NE(e.message.find("YAML"), std::string::npos);
}

}  // namespace
}  // namespace rh::harness::load
