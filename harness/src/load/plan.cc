#include <algorithm>
#include <cmath>

#include "harness/load_plan.h"

namespace rh::harness::load {
namespace {

constexpr int kMostAgents = 10'000;

// The tier above the profile's for the vendor whose limit cost the most time.
std::string TierAdvice(const LoadProfile& profile, const std::string& vendor) {
  const LoadStore& s = profile.store;
  if (vendor == "gorgias") {
    if (s.gorgias_auth == "api_key") return "Gorgias OAuth: 80 requests per 20 s instead of 40 with an API key";
    if (!s.gorgias_enterprise) return "Gorgias enterprise: the same counts per 10 s instead of 20 s";
    return "Gorgias is at its highest tier: fewer calls per ticket";
  }
  if (vendor == "shopify") {
    if (s.shopify_plan == "standard" || s.shopify_plan == "advanced") return "Shopify Plus: REST drains 20 calls per second instead of 2";
    return "Shopify is at its highest tier: GraphQL or fewer lookups per ticket";
  }
  if (vendor == "llm") return "a higher LLM tier: more requests and tokens per minute than " +
                              std::to_string(static_cast<long long>(s.llm_requests_per_minute)) + " RPM";
  if (vendor == "klaviyo") return "fewer Klaviyo calls per ticket (Klaviyo's limits are per endpoint, not per plan)";
  return "";
}

void PlanShifts(const LoadProfile& profile, LoadResult& result) {
  result.plan.shifts.clear();
  for (const Shift& shift : profile.shifts) {
    ShiftPlan plan{.name = shift.name, .rostered = shift.agents};
    int answered_in_sla = 0, arrived = 0;
    for (const LoadHour& hour : result.hours) {
      if (hour.hour >= profile.hours()) break;
      const sim::Duration time_of_day = sim::Hours(hour.hour % 24);
      const bool on = shift.start <= shift.end ? (time_of_day >= shift.start && time_of_day < shift.end)
                                               : (time_of_day >= shift.start || time_of_day < shift.end);
      if (!on) continue;
      // Every agent on duty this hour serves the queue; other shifts' agents count toward it.
      const int others = profile.AgentsInHour(hour.hour) - shift.agents;
      const int total = AgentsNeeded(hour.handed_over, profile.handle_time, profile.first_response_sla, profile.sla_target);
      const int needed = std::max(0, total - others);
      if (needed > plan.needed || (needed == plan.needed && hour.handed_over > plan.handed_over_per_hour)) {
        plan.needed = needed;
        plan.busiest_hour = hour.hour;
        plan.handed_over_per_hour = hour.handed_over;
        plan.offered_load_erlangs = hour.handed_over * sim::ToSeconds(profile.handle_time) / 3600.0;
      }
      plan.simulated_backlog_max = std::max(plan.simulated_backlog_max, hour.backlog_person);
      arrived += hour.arrivals;
      answered_in_sla += hour.within_sla;
    }
    plan.simulated_sla_met = arrived > 0 ? static_cast<double>(answered_in_sla) / arrived : 1.0;
    result.plan.shifts.push_back(plan);
  }
}

void PlanAiBill(const LoadProfile& profile, LoadResult& result) {
  CapacityPlan& p = result.plan;
  p.ai_resolutions = result.automated;
  p.ai_included = profile.ai_plan.included_resolutions;
  p.ai_overage = std::max(0, p.ai_resolutions - p.ai_included);
  p.ai_plan_cost = p.ai_included * profile.ai_plan.price_per_resolution;
  p.ai_overage_cost = p.ai_overage * profile.ai_plan.overage_price;
  p.ai_bill = p.ai_plan_cost + p.ai_overage_cost;
}

}  // namespace

double ErlangC(int agents, double erlangs) {
  if (erlangs <= 0) return 0;
  if (agents <= erlangs) return 1;
  // Erlang B by its recurrence (stable for large counts), then C from B.
  double b = 1;
  for (int k = 1; k <= agents; ++k) b = erlangs * b / (k + erlangs * b);
  return agents * b / (agents - erlangs * (1 - b));
}

double ServiceLevel(int agents, double erlangs, sim::Duration wait, sim::Duration handle_time) {
  if (erlangs <= 0) return 1;
  if (agents <= erlangs) return 0;
  const double waits_in_handle_times = sim::ToSeconds(wait) / sim::ToSeconds(handle_time);
  return 1 - ErlangC(agents, erlangs) * std::exp(-(agents - erlangs) * waits_in_handle_times);
}

int AgentsNeeded(double arrivals_per_hour, sim::Duration handle_time, sim::Duration wait, double target) {
  if (arrivals_per_hour <= 0) return 0;
  const double erlangs = arrivals_per_hour * sim::ToSeconds(handle_time) / 3600.0;
  int agents = static_cast<int>(std::floor(erlangs)) + 1;
  while (agents < kMostAgents && ServiceLevel(agents, erlangs, wait, handle_time) < target) ++agents;
  return agents;
}

void PlanCapacity(const LoadProfile& profile, LoadResult& result) {
  PlanShifts(profile, result);
  CapacityPlan& p = result.plan;
  p.bottleneck.clear();
  p.bottleneck_wait_s = 0;
  for (const auto& [service, load] : result.services) {
    if (load.limit_wait_s > p.bottleneck_wait_s) {
      p.bottleneck = service;
      p.bottleneck_wait_s = load.limit_wait_s;
    }
  }
  p.tier_advice = p.bottleneck.empty() ? "" : TierAdvice(profile, p.bottleneck);
  PlanAiBill(profile, result);
}

}  // namespace rh::harness::load
