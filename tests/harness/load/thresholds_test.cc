// Goal: thresholds read as k6 writes them, with units, and are judged exactly; a bad expression
// names itself and the column where it went wrong; an unknown metric is not silently "held".
#include "harness/load_thresholds.h"

#include <gtest/gtest.h>

namespace rh::harness::load {
namespace {

Threshold Parsed(const std::string& text) {
  const auto t = ParseThreshold(text);
  EXPECT_TRUE(t.has_value()) << (t.has_value() ? "" : t.error().ToString());
  return t.has_value() ? *t : Threshold{};
}

TEST(Thresholds, ReadDottedMetricsFunctionsAndUnits) {
  const Threshold a = Parsed("first_response.p90 < 4h");
  EXPECT_EQ(a.metric, "first_response.p90");
  EXPECT_EQ(a.op, "<");
  EXPECT_DOUBLE_EQ(a.value, 4 * 3600);
  const Threshold b = Parsed("p99(stage.reply) < 2s");
  EXPECT_EQ(b.metric, "stage.reply.p99");
  EXPECT_DOUBLE_EQ(b.value, 2);
  const Threshold c = Parsed("rate(dropped)==0");
  EXPECT_EQ(c.metric, "dropped.rate");
  EXPECT_EQ(c.op, "==");
  EXPECT_DOUBLE_EQ(Parsed("backlog.max < 500").value, 500);
  EXPECT_DOUBLE_EQ(Parsed("sla.met >= 90%").value, 0.9);
  EXPECT_DOUBLE_EQ(Parsed("first_response.p50 <= 250ms").value, 0.25);
  EXPECT_EQ(Parsed("  automation_rate != 0 ").op, "!=");
}

TEST(Thresholds, ABadExpressionNamesItselfAndTheColumn) {
  const auto missing_op = ParseThreshold("backlog.max 500");
  ASSERT_FALSE(missing_op.has_value());
  EXPECT_EQ(missing_op.error().column, 13);
  EXPECT_EQ(missing_op.error().ToString(), "threshold 'backlog.max 500': column 13: expected one of < <= > >= == !=");
  const auto bad_unit = ParseThreshold("first_response.p90 < 4hours");
  ASSERT_FALSE(bad_unit.has_value());
  EXPECT_EQ(bad_unit.error().column, 23);
  EXPECT_FALSE(ParseThreshold("p99(stage.reply < 2s").has_value());
  EXPECT_FALSE(ParseThreshold("< 2s").has_value());
  EXPECT_FALSE(ParseThreshold("backlog.max < 5 00").has_value());
}

TEST(Thresholds, AreJudgedAgainstTheRunsMetrics) {
  const std::map<std::string, double> metrics = {{"first_response.p90", 3 * 3600}, {"backlog.max", 500}, {"dropped.rate", 0}};
  const auto verdicts = JudgeThresholds(
      {Parsed("first_response.p90 < 4h"), Parsed("backlog.max < 500"), Parsed("rate(dropped) == 0")}, metrics);
  ASSERT_EQ(verdicts.size(), 3u);
  EXPECT_TRUE(verdicts[0].held);
  EXPECT_EQ(verdicts[0].detail, "first_response.p90 = 3h (holds: < 4h)");
  EXPECT_FALSE(verdicts[1].held);  // 500 is not below 500
  EXPECT_TRUE(verdicts[2].held);
}

TEST(Thresholds, AnUnknownMetricHasNoVerdictAndASuggestion) {
  const auto v = JudgeThresholds({Parsed("backlog.mx < 5")}, {{"backlog.max", 1}});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_FALSE(v[0].observed.has_value());
  EXPECT_NE(v[0].detail.find("did you mean 'backlog.max'"), std::string::npos) << v[0].detail;
  const auto live = JudgeThresholds({Parsed("p99(stage.reply) < 2s")}, {{"backlog.max", 1}});
  EXPECT_NE(live[0].detail.find("live mode"), std::string::npos);
}

}  // namespace
}  // namespace rh::harness::load
