// The decision log (DESIGN.md step 6), the real DecisionRecorder (seams.h): each row goes to the
// DecisionLog the pipeline was given, stamped with the clock's calendar time when the stage left
// it unset, and is traced ("decision"); a row the log refuses is traced as an error
// ("decision_log.error"), since the log is the audit trail (I4).
#pragma once

#include "pipeline/decision_log.h"
#include "pipeline/seams.h"
#include "sim/executor.h"
#include "sim/trace.h"

namespace rh::pipeline::stages {

class LoggedDecisions final : public DecisionRecorder {
 public:
  // `trace` may be null (live mode). `log` must outlive this.
  LoggedDecisions(DecisionLog& log, sim::Executor& executor, sim::Trace* trace)
      : log_(log), executor_(executor), trace_(trace) {}

  std::int64_t Append(DecisionRow row) override;
  void SetOutcome(std::int64_t id, std::string_view outcome, const OutcomeTimes& times) override;

 private:
  void Record(std::string_view kind, std::vector<sim::TraceField> fields);

  DecisionLog& log_;
  sim::Executor& executor_;
  sim::Trace* trace_;
};

}  // namespace rh::pipeline::stages
