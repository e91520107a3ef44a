// Goal: the capacity plan's arithmetic, checked against figures computed by hand (the working is
// in each test's comment), on a small profile with hand-made hours, so a support lead can trust
// the agents per shift, the vendor advice and the AI bill the way they are documented.
#include "harness/load_plan.h"

#include <gtest/gtest.h>

#include <cmath>

namespace rh::harness::load {
namespace {

// Handle time 6 min, SLA 6 min (so the wait is one handle time), target 80 %. A day shift of one
// agent (8h-16h), an evening shift of three (16h-24h). The AI plan: 10 included at $0.90, then
// $1.50 each.
LoadProfile SmallProfile() {
  LoadProfile p;
  p.name = "hand";
  p.days = {{"d", 1}};
  p.handle_time = sim::Minutes(6);
  p.first_response_sla = sim::Minutes(6);
  p.sla_target = 0.8;
  p.shifts = {{"day", sim::Hours(8), sim::Hours(16), 1}, {"evening", sim::Hours(16), sim::Hours(24), 3}};
  p.ai_plan = {10, 0.90, 1.50};
  return p;
}

// Erlang B by hand, A = 1: B(1) = 1/(1+1) = 1/2; B(2) = (1 x 1/2)/(2 + 1/2) = 1/5.
// C(2, 1) = 2 B / (2 - 1 (1 - B)) = (2/5)/(6/5) = 1/3.
// A = 2: B(1) = 2/3; B(2) = (4/3)/(10/3) = 2/5; B(3) = (4/5)/(3 + 4/5) = 4/19;
// C(3, 2) = (12/19)/(3 - 2 x 15/19) = (12/19)/(27/19) = 4/9.
TEST(LoadPlan, ErlangCMatchesTheHandComputedValues) {
  EXPECT_NEAR(ErlangC(2, 1.0), 1.0 / 3, 1e-12);
  EXPECT_NEAR(ErlangC(3, 2.0), 4.0 / 9, 1e-12);
  EXPECT_EQ(ErlangC(1, 1.0), 1.0);  // no more agents than the load: everyone waits
  EXPECT_EQ(ErlangC(5, 0.0), 0.0);
}

// Service level = 1 - C x exp(-(N - A) x T / AHT), T = AHT:
// N = 2, A = 1: 1 - (1/3) e^-1 = 1 - 0.12263 = 0.87737.
// N = 3, A = 2: 1 - (4/9) e^-1 = 1 - 0.16350 = 0.83650.
TEST(LoadPlan, ServiceLevelMatchesTheHandComputedValues) {
  EXPECT_NEAR(ServiceLevel(2, 1.0, sim::Minutes(6), sim::Minutes(6)), 1 - std::exp(-1.0) / 3, 1e-12);
  EXPECT_NEAR(ServiceLevel(3, 2.0, sim::Minutes(6), sim::Minutes(6)), 0.83650, 1e-5);
  EXPECT_EQ(ServiceLevel(1, 1.0, sim::Minutes(6), sim::Minutes(6)), 0.0);
}

// 10 handed over in an hour at 6 min each is 1 erlang: one agent cannot (N must exceed A), two
// give 87.7 % >= 80 %: 2. 20 an hour is 2 erlangs: three give 83.6 % >= 80 %: 3; at a 90 % target
// three are not enough (83.6 %) and four are: C(4, 2) = 4/23, 1 - (4/23) e^-2 = 0.97646: 4.
TEST(LoadPlan, AgentsNeededIsTheFewestThatReachTheTarget) {
  EXPECT_EQ(AgentsNeeded(10, sim::Minutes(6), sim::Minutes(6), 0.8), 2);
  EXPECT_EQ(AgentsNeeded(20, sim::Minutes(6), sim::Minutes(6), 0.8), 3);
  EXPECT_EQ(AgentsNeeded(20, sim::Minutes(6), sim::Minutes(6), 0.9), 4);
  EXPECT_EQ(AgentsNeeded(0, sim::Minutes(6), sim::Minutes(6), 0.9), 0);
}

// The whole plan on hand-made hours: 10 tickets handed over at 9:00 (the day shift's busiest
// hour) and 20 at 17:00 (the evening's).
// - day: 2 needed (above), 1 rostered: short by one; offered load 10 x 0.1 h = 1 erlang.
// - evening: 3 needed, 3 rostered.
// - vendors: Gorgias waited 120 s, Shopify 30 s: Gorgias is the bottleneck, and the store uses an
//   API key, so the advice is OAuth.
// - AI: 25 automated; 10 included x $0.90 = $9.00; 15 overage x $1.50 = $22.50; bill $31.50.
TEST(LoadPlan, ThePlanOfASmallProfileMatchesTheHandComputedFigures) {
  const LoadProfile profile = SmallProfile();
  LoadResult result;
  for (int h = 0; h < 24; ++h) result.hours.push_back(LoadHour{.hour = h});
  result.hours[9].handed_over = 10;
  result.hours[17].handed_over = 20;
  result.hours[10].backlog_person = 4;
  result.automated = 25;
  result.services["gorgias"].limit_wait_s = 120;
  result.services["shopify"].limit_wait_s = 30;
  PlanCapacity(profile, result);

  const CapacityPlan& plan = result.plan;
  ASSERT_EQ(plan.shifts.size(), 2u);
  EXPECT_EQ(plan.shifts[0].name, "day");
  EXPECT_EQ(plan.shifts[0].needed, 2);
  EXPECT_EQ(plan.shifts[0].rostered, 1);
  EXPECT_EQ(plan.shifts[0].busiest_hour, 9);
  EXPECT_DOUBLE_EQ(plan.shifts[0].offered_load_erlangs, 1.0);
  EXPECT_EQ(plan.shifts[0].simulated_backlog_max, 4);
  EXPECT_EQ(plan.shifts[1].needed, 3);
  EXPECT_EQ(plan.shifts[1].busiest_hour, 17);
  EXPECT_DOUBLE_EQ(plan.shifts[1].offered_load_erlangs, 2.0);
  EXPECT_EQ(plan.bottleneck, "gorgias");
  EXPECT_NE(plan.tier_advice.find("OAuth"), std::string::npos) << plan.tier_advice;
  EXPECT_EQ(plan.ai_resolutions, 25);
  EXPECT_EQ(plan.ai_overage, 15);
  EXPECT_DOUBLE_EQ(plan.ai_plan_cost, 9.0);
  EXPECT_DOUBLE_EQ(plan.ai_overage_cost, 22.5);
  EXPECT_DOUBLE_EQ(plan.ai_bill, 31.5);
}

// The curve by hand: 10 orders an hour x multiplier 2, a flat daily shape; day 1 factor 1, day 2
// (the peak) factor 3. Contact rate 0.2, +50 % at the peak; first-time buyers 50 % of orders on a
// normal day and 70 % at the peak, writing twice as often.
// - hour 5 (day 1): orders 10 x 2 x 1 = 20; rate 0.2; tickets 4.
// - hour 30 (day 2): orders 10 x 2 x 3 = 60; buyers' blend (0.7 x 2 + 0.3)/(0.5 x 2 + 0.5) =
//   1.7/1.5; rate 0.2 x 1.5 x 1.7/1.5 = 0.34; tickets 60 x 0.34 = 20.4.
TEST(LoadPlan, TheCurveGivesTheHandComputedOrdersAndTickets) {
  LoadProfile p = SmallProfile();
  p.orders_per_hour = 10;
  p.multiplier = 2;
  p.days = {{"normal", 1}, {"peak", 3}};
  p.hourly_shape.assign(24, 1.0);
  p.contact_rate = 0.2;
  p.contact_rise_at_peak = 0.5;
  p.first_time_buyer_share = 0.5;
  p.first_time_buyer_share_at_peak = 0.7;
  p.first_time_buyer_contact_factor = 2;
  EXPECT_DOUBLE_EQ(p.OrdersInHour(5), 20);
  EXPECT_DOUBLE_EQ(p.ContactRateInHour(5), 0.2);
  EXPECT_DOUBLE_EQ(p.TicketsInHour(5), 4);
  EXPECT_DOUBLE_EQ(p.OrdersInHour(30), 60);
  EXPECT_NEAR(p.ContactRateInHour(30), 0.34, 1e-12);
  EXPECT_NEAR(p.TicketsInHour(30), 20.4, 1e-9);
}

}  // namespace
}  // namespace rh::harness::load
