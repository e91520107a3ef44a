// A load profile (scenarios/load/*.yaml, docs/LOAD.md): a store's peak season for
// `rehearse load`. The store and each vendor's tier, a curve of orders per hour over days times a
// multiplier, contact rates that rise at peak and with first-time buyers, the intent and channel
// mix, the agent roster by shift, the SLA, the AI plan, thresholds. Plain data; the loader
// (LoadLoadProfileFile) validates it, so everything here is in range.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/file_error.h"
#include "sim/expected.h"
#include "sim/time.h"

namespace rh::harness::load {

struct LoadStore {
  std::string name = "Load Store";
  std::string vertical = "apparel";       // a DESIGN.md vertical: its tickets per 100 orders
  std::string shopify_plan = "standard";  // standard | advanced | plus | enterprise (REST 2/s, 4/s, 20/s...)
  std::string gorgias_auth = "api_key";   // api_key (40 per 20 s) | oauth (80 per 20 s)
  bool gorgias_enterprise = false;        // the same counts per 10 s
  double llm_requests_per_minute = 500;   // the LLM account's tier
  double llm_tokens_per_minute = 200'000;
};

// One day of the curve: orders per hour are the profile's base x the multiplier x `factor`, shaped
// over the day by the hourly shape.
struct LoadDay {
  std::string name;  // "Black Friday"
  double factor = 1;
};

struct Shift {
  std::string name;
  sim::Duration start{};  // time of day the shift starts (0h..24h)
  sim::Duration end{};    // time of day it ends; before `start`: it runs past midnight
  int agents = 0;
};

struct AiPlan {
  int included_resolutions = 0;      // in the plan's price
  double price_per_resolution = 0.90;  // DESIGN.md: $0.90 on most plans, $1.00 on starter
  double overage_price = 1.50;         // per resolution past the included ones
};

struct LoadProfile {
  std::string name;
  std::string description;
  std::string file;
  std::string content_hash;  // hex SHA-256 of the file's bytes (the trace header names it)
  std::uint64_t seed = 1;
  LoadStore store;
  double orders_per_hour = 20;  // a normal day's average
  double multiplier = 1;        // `--sweep` replaces it
  std::vector<LoadDay> days;    // at least one
  std::vector<double> hourly_shape;  // 24 weights, normalised to a mean of 1
  double average_order_value = 60;
  // Tickets per order on a normal day; absent in the file: the vertical's rate (DESIGN.md).
  double contact_rate = 0.22;
  // How much the contact rate rises on the peak day (0.3: +30 %), in proportion on the days between.
  double contact_rise_at_peak = 0;
  double first_time_buyer_share = 0.6;       // of orders on a normal day
  double first_time_buyer_share_at_peak = 0.6;
  double first_time_buyer_contact_factor = 1.5;  // they write this much more often than repeat buyers
  std::map<std::string, double> intent_mix;   // empty: the built-in mix
  std::map<std::string, double> channel_mix;  // empty: the built-in mix
  double delay_rate = 0.05;  // of tickets whose order hit a carrier exception before the customer wrote
  sim::Duration handle_time = sim::Minutes(6);
  std::vector<Shift> shifts;
  sim::Duration first_response_sla = sim::Hours(4);
  double sla_target = 0.9;  // share of tickets to answer within the SLA (the plan's service level)
  AiPlan ai_plan;
  sim::Duration drain = sim::Days(1);  // virtual time after the last arrival
  std::vector<std::string> thresholds;  // k6-style expressions (thresholds.h)

  int hours() const { return static_cast<int>(days.size()) * 24; }
  double PeakFactor() const;
  // Orders expected in hour `h` of the run (0-based) at the profile's multiplier.
  double OrdersInHour(int h) const;
  // Tickets per order in hour `h`: the contact rate with its peak rise and first-time buyers' share.
  double ContactRateInHour(int h) const;
  double TicketsInHour(int h) const { return OrdersInHour(h) * ContactRateInHour(h); }
  // Agents on duty during hour `h` (time of day h % 24).
  int AgentsInHour(int h) const;
  int TotalAgents() const;
};

// The built-in daily shape: quiet at night, a morning rise, busy afternoons and evenings (weights,
// mean 1).
const std::vector<double>& DefaultHourlyShape();

// Reads and validates a profile; an error names the file, line, column and dotted field, with a
// suggestion for a misspelt key. Reads the file and nothing else; deterministic.
sim::Expected<LoadProfile, config::FileError> LoadLoadProfileText(const std::string& yaml, const std::string& file);
sim::Expected<LoadProfile, config::FileError> LoadLoadProfileFile(const std::string& path);

}  // namespace rh::harness::load
