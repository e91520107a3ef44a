#include "reports/kpis.h"

#include <algorithm>
#include <cmath>

namespace rh::reports {
namespace {

// count = rate x total, rounded: the runner made the rate as count / total, so this is exact.
int CountFromRate(double rate, int total) {
  if (!std::isfinite(rate) || total <= 0) return 0;
  return static_cast<int>(std::lround(rate * total));
}

}  // namespace

int AutomatedTickets(const harness::Kpis& kpis) { return CountFromRate(kpis.automation_rate, kpis.tickets); }
int AnsweredTickets(const harness::Kpis& kpis) { return static_cast<int>(kpis.first_response_samples_s.size()); }
int ReopenedTickets(const harness::Kpis& kpis) { return CountFromRate(kpis.reopen_rate, AnsweredTickets(kpis)); }

harness::Kpis AggregateKpis(const harness::RunResult& run) {
  harness::Kpis all;
  int automated = 0, reopened = 0;
  for (const auto& s : run.scenarios) {
    const harness::Kpis& k = s.kpis;
    all.orders += k.orders;
    all.tickets += k.tickets;
    for (const auto& [intent, n] : k.tickets_by_intent) all.tickets_by_intent[intent] += n;
    automated += AutomatedTickets(k);
    reopened += ReopenedTickets(k);
    all.ai_cost += k.ai_cost;
    all.agent_cost += k.agent_cost;
    all.first_response_samples_s.insert(all.first_response_samples_s.end(), k.first_response_samples_s.begin(),
                                        k.first_response_samples_s.end());
  }
  const int answered = static_cast<int>(all.first_response_samples_s.size());
  all.contact_rate = all.orders > 0 ? static_cast<double>(all.tickets) / all.orders : 0;
  all.first_response_p50_s = Percentile(all.first_response_samples_s, 0.5);
  all.first_response_p90_s = Percentile(all.first_response_samples_s, 0.9);
  all.automation_rate = all.tickets > 0 ? static_cast<double>(automated) / all.tickets : 0;
  all.reopen_rate = answered > 0 ? static_cast<double>(reopened) / answered : 0;
  all.cost_per_ticket = all.tickets > 0 ? (all.ai_cost + all.agent_cost) / all.tickets : 0;
  return all;
}

}  // namespace rh::reports
