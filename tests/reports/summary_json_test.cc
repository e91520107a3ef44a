// Goal: summary.json parses, renders to the same bytes every time, and differs with and without
// wall times only in the wall times (the determinism promise across runs and --jobs).
#include "reports/summary_json.h"

#include <gtest/gtest.h>

#include <sstream>

#include "sample_run.h"

namespace rh::reports {
namespace {

using testing::SampleRun;

std::string Render(const harness::RunResult& run, bool wall) {
  std::ostringstream out;
  WriteSummaryJson(run, out, wall);
  return out.str();
}

TEST(SummaryJson, ParsesAndHoldsVerdictsAndTotals) {
  const std::string text = Render(SampleRun(), true);
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["schema"], 1);
  EXPECT_EQ(j["build"], "0.1.0+g8360c4f");
  EXPECT_EQ(j["totals"], (nlohmann::json{{"scenarios", 3}, {"passed", 1}, {"failed", 2}}));
  ASSERT_EQ(j["scenarios"].size(), 3u);
  const auto& bad = j["scenarios"][1];
  EXPECT_EQ(bad["name"], testing::kNastyName);
  EXPECT_EQ(bad["status"], "failed");
  EXPECT_EQ(bad["seed"].get<std::uint64_t>(), 18446744073709551557ull);
  EXPECT_EQ(bad["expectations"][0]["held"], false);
  EXPECT_EQ(bad["oracles"][1]["id"], "I2");
  EXPECT_EQ(bad["oracles"][1]["held"], false);
  EXPECT_EQ(bad["oracles"][1]["passed"], false);
  EXPECT_EQ(bad["oracles"][4]["expected_to_fire"], true);
  EXPECT_EQ(bad["oracles"][4]["passed"], false);
  EXPECT_EQ(bad["oracles"][0]["passed"], true);
  // The invalid byte in the evidence is replaced, not a reason to throw.
  EXPECT_NE(bad["oracles"][1]["evidence"][1].get<std::string>().find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_EQ(j["scenarios"][2]["status"], "error");
  EXPECT_TRUE(j["scenarios"][2].contains("error"));
  EXPECT_FALSE(j["scenarios"][0].contains("error"));
}

TEST(SummaryJson, KeysComeInAFixedOrder) {
  const auto j = SummaryJson(SampleRun(), true);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"schema", "build", "seed", "totals", "kpis", "scenarios"}));
  keys.clear();
  for (const auto& [k, v] : j["scenarios"][0].items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"name", "file", "status", "seed", "replay", "wall_seconds", "virtual_seconds",
                                            "trace_file", "trace_digest", "expectations", "oracles", "kpis"}));
}

TEST(SummaryJson, NumbersAreRoundedAndAbsentPercentilesAreNull) {
  const auto j = nlohmann::json::parse(Render(SampleRun(), false));
  const auto& kpis = j["scenarios"][0]["kpis"];
  EXPECT_EQ(kpis["tickets"], 48);
  EXPECT_EQ(kpis["tickets_by_intent"]["wismo"], 24);
  EXPECT_EQ(kpis["automation_rate"], 0.625);
  // (30 automated x $0.90 + 14 agent-handled x 6 min x $0.50) / 48 tickets.
  EXPECT_EQ(kpis["cost_per_ticket"], 1.4375);
  EXPECT_EQ(kpis["tickets_answered"], 44);
  EXPECT_TRUE(j["scenarios"][2]["kpis"]["first_response_p50_s"].is_null());
  EXPECT_EQ(j["scenarios"][1]["virtual_seconds"], 3600.5);
  // All scenarios together: costs summed over tickets summed, ($69 + $19.50) / 60, not the mean
  // of the scenarios' costs per ticket.
  EXPECT_EQ(j["kpis"]["tickets"], 60);
  EXPECT_EQ(j["kpis"]["cost_per_ticket"], 1.475);
  // A rate of 1/3 is written with six decimals, not seventeen digits.
  harness::RunResult run;
  run.scenarios.emplace_back();
  run.scenarios[0].kpis.reopen_rate = 1.0 / 3;
  EXPECT_NE(Render(run, false).find("\"reopen_rate\": 0.333333,"), std::string::npos);
}

TEST(SummaryJson, SameResultSameBytes) {
  EXPECT_EQ(Render(SampleRun(), true), Render(SampleRun(), true));
  EXPECT_EQ(Render(SampleRun(), false), Render(SampleRun(), false));
}

TEST(SummaryJson, WallTimesAreTheOnlyDifference) {
  const std::string with = Render(SampleRun(), true);
  const std::string without = Render(SampleRun(), false);
  EXPECT_EQ(without.find("wall_seconds"), std::string::npos);
  // Dropping the wall-time lines from one gives the other, byte for byte.
  std::istringstream lines(with);
  std::string line, filtered;
  int dropped = 0;
  while (std::getline(lines, line)) {
    if (line.find("\"wall_seconds\":") != std::string::npos) {
      ++dropped;
      continue;
    }
    filtered += line + "\n";
  }
  EXPECT_EQ(dropped, 3);
  EXPECT_EQ(filtered, without);
  // And two runs that differ only in how long they took give the same summary without wall times.
  harness::RunResult slower = SampleRun();
  for (auto& s : slower.scenarios) s.wall_seconds *= 7.5;
  EXPECT_EQ(Render(slower, false), without);
  EXPECT_NE(Render(slower, true), with);
}

}  // namespace
}  // namespace rh::reports
