// Support KPIs over several scenarios, and the percentile rule the reports use. Pure functions of
// the run's result; deterministic (scenarios are taken in the order of the result).
#pragma once

#include <optional>
#include <vector>

#include "harness/run_result.h"

namespace rh::reports {

// The percentile rule is the runner's: harness::Percentile (harness/run_result.h).
using harness::Percentile;

// The KPIs of all scenarios taken together: counts and costs are summed; rates are recomputed
// from the counts they were made of (automated = automation_rate x tickets, reopened =
// reopen_rate x tickets answered, answered = number of first-response samples); first-response
// percentiles come from the pooled samples. The resolution p50 cannot be pooled from the result
// (it carries no resolution samples), so it is left empty.
harness::Kpis AggregateKpis(const harness::RunResult& run);

// Counts a Kpis holds only as rates, recovered exactly (the runner computes rate = count / total).
int AutomatedTickets(const harness::Kpis& kpis);
int AnsweredTickets(const harness::Kpis& kpis);
int ReopenedTickets(const harness::Kpis& kpis);

}  // namespace rh::reports
