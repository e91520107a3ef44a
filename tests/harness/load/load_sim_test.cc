// Goal: a small profile simulated end to end (scenarios/load/small-day.yaml): arrivals follow
// the curve, every ticket is decided, every oracle holds, the numbers are measured consistently,
// the same seed gives the same trace and summary, and the reports render it.
#include "harness/load.h"

#include <gtest/gtest.h>

#include <sstream>

#include "reports/load_report.h"

namespace rh::harness::load {
namespace {

LoadProfile Small() {
  auto p = LoadLoadProfileFile(std::string(RH_SOURCE_DIR) + "/scenarios/load/small-day.yaml");
  EXPECT_TRUE(p.has_value()) << p.error().ToString();
  return *p;
}

// One run shared by the tests below (a simulated day costs a second or so).
const LoadResult& SmallRun() {
  static const LoadResult result = [] {
    auto r = RunLoad(Small(), {});
    EXPECT_TRUE(r.has_value()) << r.error();
    return *r;
  }();
  return result;
}

TEST(LoadSim, ASmallDayIsDecidedAnsweredAndHoldsEveryOracle) {
  const LoadResult& r = SmallRun();
  const LoadProfile p = Small();
  double expected = 0;
  for (int h = 0; h < p.hours(); ++h) expected += p.TicketsInHour(h);
  // A Poisson count around the curve's ~42 tickets.
  EXPECT_GT(r.arrivals, expected * 0.6);
  EXPECT_LT(r.arrivals, expected * 1.4);
  EXPECT_EQ(r.undecided, 0);
  EXPECT_EQ(r.automated + r.handed_over, r.arrivals);
  EXPECT_GT(r.automated, 0);
  EXPECT_GT(r.handed_over, 0);
  // I11 is the SLA, which a rehearsal measures rather than assumes (the small day has no night
  // shift, so a ticket written at 1:00 waits for 8:00); every other oracle must hold.
  for (const OracleResult& o : r.oracles) {
    if (o.id != "I11") {
      EXPECT_TRUE(o.held) << o.id << ": " << o.message;
    }
  }
  EXPECT_EQ(r.exit_code(), 0);
  EXPECT_EQ(r.first_response.count + static_cast<std::uint64_t>(r.unanswered), static_cast<std::uint64_t>(r.arrivals));
  EXPECT_GT(r.services.at("gorgias").requests, 0);
  EXPECT_EQ(r.hours.size(), 36u);  // a day and the 12 h drain
  int per_hour = 0;
  for (const LoadHour& h : r.hours) per_hour += h.arrivals;
  EXPECT_EQ(per_hour, r.arrivals);
  EXPECT_GT(r.agent_utilisation, 0);
  EXPECT_EQ(r.plan.ai_resolutions, r.automated);
}

TEST(LoadSim, TheSameSeedGivesTheSameTraceAndSummary) {
  const LoadResult again = *RunLoad(Small(), {});
  EXPECT_EQ(again.trace_digest, SmallRun().trace_digest);
  std::ostringstream a, b;
  reports::WriteLoadJson(SmallRun(), a, false);
  reports::WriteLoadJson(again, b, false);
  EXPECT_EQ(a.str(), b.str());
}

TEST(LoadSim, AThresholdThatFailsMakesTheExitCodeOne) {
  LoadOptions options;
  options.extra_thresholds.push_back(*ParseThreshold("arrivals < 1"));
  const auto r = RunLoad(Small(), options);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->exit_code(), 1);
  EXPECT_FALSE(r->thresholds.back().held);
}

TEST(LoadSim, ASweepRunsEachMultiplierAndReusesTheMainRun) {
  LoadOptions options;
  options.sweep = {1, 3};
  const auto r = RunLoad(Small(), options);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->plan.sweep.size(), 2u);
  EXPECT_EQ(r->plan.sweep[0].arrivals, r->arrivals);  // x1 is the main run
  EXPECT_GT(r->plan.sweep[1].arrivals, 2 * r->arrivals);
  EXPECT_EQ(r->plan.sla_breaks_at.has_value(), !r->plan.sweep[0].held || !r->plan.sweep[1].held);
}

TEST(LoadSim, AnUnknownMetricIsAnInputError) {
  LoadProfile p = Small();
  p.thresholds = {"p99(stage.reply) < 2s"};
  const auto r = RunLoad(p, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().find("live mode"), std::string::npos) << r.error();
}

TEST(LoadSim, TheReportsRenderTheRunAndThePlan) {
  std::ostringstream text, json, junit, html;
  reports::WriteLoadText(SmallRun(), text);
  reports::WriteLoadJson(SmallRun(), json);
  reports::WriteLoadJunit(SmallRun(), junit);
  reports::WriteLoadHtml(SmallRun(), html);
  EXPECT_NE(text.str().find("plan:"), std::string::npos);
  EXPECT_NE(json.str().find("\"hours\""), std::string::npos);
  EXPECT_NE(junit.str().find("<testcase"), std::string::npos);
  EXPECT_NE(junit.str().find("rate(dropped) == 0"), std::string::npos);
  EXPECT_NE(html.str().find("<polyline"), std::string::npos);
  EXPECT_NE(html.str().find("Capacity plan"), std::string::npos);
}

}  // namespace
}  // namespace rh::harness::load
