// Goal: the people of a generated day behave as their profile says, seen from the world's ground
// truth (Gorgias's tickets and deliveries), not from the generator's own bookkeeping: delayed
// parcels make their customers write, tickets arrive on the channel mix and are answered on
// their channel, agents answer only on their shift, and a wrong automatic answer brings the
// customer back.
#include "harness/traffic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "harness/runner.h"
#include "harness/scenario_loader.h"

namespace rh::harness {
namespace {

// A generated day with `generate` settings on top of a small store.
scenario::Scenario Day(const std::string& generate, const std::string& extra = "", int orders = 60) {
  const std::string yaml = "schema_version: 1\nname: people\nseed: 5\n"
                           "store: {vertical: apparel, timezone: UTC}\n" +
                           extra + "generate:\n  orders_per_day: " + std::to_string(orders) + "\n  agents: 2\n" + generate + "run_for: 2d\n";
  auto loaded = LoadScenarioText(yaml, "people.yaml", "");
  EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error().ToString());
  return *loaded;
}

TEST(People, DelayedParcelsMakeTheirCustomersWrite) {
  // Every parcel in transit is delayed; in one store everybody whose parcel is late writes about
  // it, in the other nobody does. The day's ticket count is the same; its WISMO share is not.
  const ScenarioResult writes = RunScenario(Day("  delay_rate: 1.0\n  write_on_delay: 1.0\n"), RunOptions{});
  const ScenarioResult silent = RunScenario(Day("  delay_rate: 1.0\n  write_on_delay: 0.0\n"), RunOptions{});
  ASSERT_GT(writes.kpis.tickets, 5);
  EXPECT_EQ(writes.kpis.tickets, silent.kpis.tickets) << "triggered tickets are part of the day's contact rate";
  const auto wismo = [](const ScenarioResult& r) {
    auto it = r.kpis.tickets_by_intent.find("wismo");
    return it == r.kpis.tickets_by_intent.end() ? 0 : it->second;
  };
  EXPECT_GT(wismo(writes), wismo(silent));
  EXPECT_GE(wismo(writes) * 2, writes.kpis.tickets) << "most of the day is about the delays";
}

TEST(People, TicketsArriveOnTheChannelMixAndAreAnsweredThere) {
  const ScenarioResult r = RunScenario(Day("  channel_mix: {sms: 1.0}\n"), RunOptions{});
  ASSERT_GT(r.kpis.tickets, 5);
  int delivered_sms = 0, delivered_other = 0, not_delivered = 0;
  for (const auto& t : r.timelines) {
    for (const auto& e : t.entries) {
      if (e.service != "gorgias") continue;
      if (e.what.rfind("NOT delivered", 0) == 0) ++not_delivered;
      else if (e.what.rfind("delivered reply on sms", 0) == 0) ++delivered_sms;
      else if (e.what.rfind("delivered reply", 0) == 0) ++delivered_other;
    }
  }
  EXPECT_GT(delivered_sms, 0);
  EXPECT_EQ(delivered_other, 0);
  EXPECT_EQ(not_delivered, 0) << "people and pipeline answer SMS on SMS, to the number it came from";
  EXPECT_TRUE(r.passed());
}

TEST(People, AgentsAnswerOnlyOnTheirShift) {
  const ScenarioResult r =
      RunScenario(Day("  agent_shift: {start: 9h, end: 10h}\n  agent_handle_time: 1m\n"), RunOptions{});
  int agent_replies = 0;
  for (const auto& t : r.timelines) {
    for (const auto& e : t.entries) {
      if (e.what.rfind("human.reply", 0) != 0) continue;
      ++agent_replies;
      const double hour_of_day = std::fmod(e.t_seconds, 86400.0) / 3600.0;
      EXPECT_GE(hour_of_day, 9.0) << e.what;
      EXPECT_LT(hour_of_day, 10.1) << e.what;  // a reply started at 9:59 lands a moment later
    }
  }
  EXPECT_GT(agent_replies, 0);
}

TEST(People, AWrongAutomaticAnswerBringsTheCustomerBack) {
  // The reference pipeline hardly ever answers wrongly on its own (misclassified tickets fall
  // below its confidence threshold), so a pipeline that sends every draft, with a classifier that
  // is always wrong, provides the wrong answers.
  const std::string broken = "pipeline_variant: auto_sends_everything\nllm: {accuracy: 0.0}\n";
  const ScenarioResult back = RunScenario(Day("  reopen_on_wrong_answer: 1.0\n", broken, 80), RunOptions{});
  EXPECT_GT(back.kpis.reopen_rate, 0.0);
  const ScenarioResult never = RunScenario(Day("  reopen_on_wrong_answer: 0.0\n", broken, 80), RunOptions{});
  EXPECT_EQ(never.kpis.reopen_rate, 0.0);
}

}  // namespace
}  // namespace rh::harness
