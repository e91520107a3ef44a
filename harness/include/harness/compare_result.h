// What a what-if comparison found (harness/compare.h runs it): plain data, so reports/ can render
// it without seeing how it was produced.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace rh::harness {

// How one ticket was decided on one side ("" : never decided there, or the ticket did not exist).
struct TicketDecision {
  std::string intent;   // as triaged
  std::string route;    // "auto_send", "human"
  std::string rule;     // the policy rule that decided, e.g. "wismo.in_transit"
  std::string outcome;  // "sent", "handed_over", ...
  bool operator==(const TicketDecision&) const = default;
};

struct TicketChange {
  std::string scenario;
  std::string ticket;  // "t1", or "ana@example.com #2" (the customer's second ticket)
  TicketDecision a, b;
};

struct OracleChange {
  std::string scenario;
  std::string id, title;
  bool passed_a = true, passed_b = true;
  std::string message;  // the violation's message on the side that failed
};

// KPIs pooled over the scenarios of one side.
struct PooledKpis {
  int scenarios = 0, scenarios_passed = 0, tickets = 0, decided = 0;
  double automation_rate = 0, reopen_rate = 0;
  std::optional<double> first_response_p50_s, first_response_p90_s;
  double ai_cost = 0, agent_cost = 0, cost_per_ticket = 0;
};

// How far B may move a KPI the wrong way before the comparison calls it worse.
struct CompareThresholds {
  double automation_drop_points = 1.0;  // percentage points of automation rate B may lose
  double first_response_p90_rise = 0.10;  // fraction B's p90 may grow by
  double reopen_rise_points = 1.0;      // percentage points of reopen rate B may add
  double cost_per_ticket_rise = 0.05;   // fraction B's cost per ticket may grow by
};

struct CompareResult {
  std::string policy_a, policy_b;
  std::vector<std::string> scenarios;  // names, in the order run
  std::vector<std::string> errors;     // scenarios that did not load or run, with why
  int tickets_compared = 0;
  std::vector<TicketChange> tickets;   // only the changed ones
  std::vector<OracleChange> oracles;   // only the changed ones
  PooledKpis a, b;
  std::vector<std::string> worse;      // why B is worse, one line each; empty: nothing got worse
};

}  // namespace rh::harness
