// The capacity plan of a load rehearsal: the arithmetic a support lead can check by hand.
// - Agents per shift: Erlang C on the busiest hour of each shift (the tickets handed to people
//   that hour, each taking the handle time), the fewest agents whose service level (the chance a
//   ticket waits no longer than the SLA) reaches the profile's target.
// - The vendor tier that removes the bottleneck: the vendor whose limit cost the pipeline the
//   most time, and the tier above the profile's.
// - The AI bill: the plan's included resolutions at its price, plus the overage at its price.
// Pure functions; deterministic.
#pragma once

#include "harness/load_profile.h"
#include "harness/load_result.h"

namespace rh::harness::load {

// Erlang C: the probability that an arrival waits, with `agents` servers and `erlangs` offered
// load (arrivals per hour x handle time in hours); 1 when agents <= erlangs.
double ErlangC(int agents, double erlangs);
// The share of arrivals answered within `wait` (Erlang C with exponential handle times).
double ServiceLevel(int agents, double erlangs, sim::Duration wait, sim::Duration handle_time);
// The fewest agents whose service level reaches `target`; 0 when nothing arrives.
int AgentsNeeded(double arrivals_per_hour, sim::Duration handle_time, sim::Duration wait, double target);

// Fills result.plan's shifts, bottleneck, tier advice and AI bill from the run's hours, services
// and automated tickets (the sweep is RunLoad's).
void PlanCapacity(const LoadProfile& profile, LoadResult& result);

}  // namespace rh::harness::load
