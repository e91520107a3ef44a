// What a load rehearsal produced (`rehearse load`): per hour and overall, the arrivals, what the
// automation answered and handed over, the queues, first-response and resolution percentiles,
// each vendor's 429s, retries and time lost to its limit, agent utilisation, the AI bill, the
// oracles, the capacity plan and the thresholds' verdicts. Plain data, header only: the load
// runner fills it, reports/ renders it (summary.json, the HTML load section), nothing here
// depends on how it was produced.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/run_result.h"

namespace rh::harness::load {

// Percentiles of a time distribution in seconds (from an HDR-style histogram, sim/histogram.h).
struct Percentiles {
  std::uint64_t count = 0;
  double p50_s = 0, p90_s = 0, p99_s = 0, p999_s = 0, max_s = 0;
};

// One vendor's view of the run, from what crossed the in-memory network (the mock's answers) and
// the pipeline client's waits.
struct ServiceLoad {
  std::int64_t requests = 0;
  std::int64_t http_429 = 0;
  std::int64_t retries = 0;
  double limit_wait_s = 0;  // time the pipeline spent waiting on this vendor's limit
};

// One hour of the run (hour 0 starts with the run).
struct LoadHour {
  int hour = 0;
  std::string day;              // the curve's day it belongs to
  double orders_expected = 0;   // from the curve
  double tickets_expected = 0;  // orders x the hour's contact rate
  int arrivals = 0;             // tickets customers opened
  int automated = 0;            // of those, answered automatically
  int handed_over = 0;          // of those, handed to a person
  int backlog_pipeline = 0;     // at the hour's end: tickets the pipeline had not decided yet
  int backlog_person = 0;       // at the hour's end: handed-over tickets no person had taken yet
  int within_sla = 0;           // of those, answered within the SLA
  Percentiles first_response;   // of the tickets that arrived in this hour
  std::map<std::string, std::int64_t> http_429;  // per service
  int agents_on_duty = 0;
  double agent_utilisation = 0;  // busy time / (agents on duty x 1 h)
};

// The agents one shift needs to hold the SLA, by Erlang C on its busiest hour.
struct ShiftPlan {
  std::string name;
  int rostered = 0;
  int needed = 0;
  int busiest_hour = 0;                // hour of the run whose handed-over arrivals set `needed`
  double handed_over_per_hour = 0;     // arrivals to people in that hour
  double offered_load_erlangs = 0;     // those arrivals x the handle time
  int simulated_backlog_max = 0;       // the person queue's longest, in the shift's hours
  double simulated_sla_met = 0;        // share of its hours' tickets answered within the SLA
};

struct SweepPoint {
  double multiplier = 1;
  int arrivals = 0;
  double first_response_p90_s = 0;
  double sla_met = 0;  // share of tickets answered within the SLA
  int backlog_max = 0;
  bool held = false;   // sla_met >= the profile's target
};

struct CapacityPlan {
  std::vector<ShiftPlan> shifts;
  std::string bottleneck;      // the vendor whose limit cost the most time; "" when none did
  double bottleneck_wait_s = 0;
  std::string tier_advice;     // "Gorgias OAuth (80 requests per 20 s instead of 40)"
  int ai_resolutions = 0;
  int ai_included = 0;
  int ai_overage = 0;
  double ai_plan_cost = 0;     // included x price: the plan's commitment
  double ai_overage_cost = 0;  // overage x the overage price
  double ai_bill = 0;
  std::vector<SweepPoint> sweep;
  std::optional<double> sla_breaks_at;  // the first swept multiplier whose SLA does not hold
};

// A threshold's verdict as the reports show it (load_thresholds.h judges).
struct ThresholdVerdictData {
  std::string expression;
  bool held = false;
  std::string detail;
};

struct LoadResult {
  std::string profile;  // name
  std::string file;
  std::string build;
  std::uint64_t seed = 0;
  std::string mode = "sim";
  double multiplier = 1;
  double virtual_seconds = 0;
  double wall_seconds = 0;  // excluded from determinism checks
  std::string trace_digest;
  double sla_s = 0;
  double sla_target = 0.9;
  double orders_expected = 0;
  int arrivals = 0;
  int automated = 0;
  int handed_over = 0;
  int undecided = 0;    // never reached a routing decision: dropped, for rate(dropped)
  int unanswered = 0;   // no reply reached the customer by the end
  double sla_met = 0;   // share answered within the SLA (unanswered count as missed)
  Percentiles first_response;
  Percentiles resolution;
  int backlog_pipeline_max = 0;
  int backlog_person_max = 0;
  std::map<std::string, ServiceLoad> services;  // "gorgias", "shopify", "klaviyo", "llm"
  double agent_utilisation = 0;
  std::vector<OracleResult> oracles;
  std::vector<LoadHour> hours;
  CapacityPlan plan;
  std::vector<ThresholdVerdictData> thresholds;
  std::map<std::string, double> metrics;  // every name a threshold may use
  int exit_code() const;
};

inline int LoadResult::exit_code() const {
  for (const auto& t : thresholds) {
    if (!t.held) return 1;
  }
  return 0;
}

}  // namespace rh::harness::load
