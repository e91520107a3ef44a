#include "decisions.h"

namespace rh::pipeline::stages {

void LoggedDecisions::Record(std::string_view kind, std::vector<sim::TraceField> fields) {
  if (trace_ != nullptr) trace_->Record(executor_.clock().Now(), "pipeline", kind, std::move(fields));
}

std::int64_t LoggedDecisions::Append(DecisionRow row) {
  if (row.decided_at == sim::WallTime{}) row.decided_at = executor_.clock().WallNow();
  auto id = log_.Append(row);
  if (!id) {
    Record("decision_log.error", {{"ticket", row.ticket_id}, {"decision", row.kind}, {"error", id.error()}});
    return 0;
  }
  Record("decision", {{"ticket", row.ticket_id}, {"decision", row.kind}, {"row", *id}, {"route", row.route},
                      {"rule", row.rule}, {"outcome", row.outcome}});
  return *id;
}

void LoggedDecisions::SetOutcome(std::int64_t id, std::string_view outcome, const OutcomeTimes& times) {
  // A row that is gone is not the workflow's to mend: the outcome is lost, as the log's error says.
  (void)log_.SetOutcome(id, outcome, times);
}

}  // namespace rh::pipeline::stages
