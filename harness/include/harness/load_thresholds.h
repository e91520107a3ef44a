// Thresholds: CI gates on a load run's numbers, written as k6 writes them:
//   first_response.p90 < 4h      backlog.max < 500      rate(dropped) == 0      p99(stage.reply) < 2s
// A metric is a dotted name (`first_response.p90`) or a function of one (`p99(stage.reply)` is
// `stage.reply.p99`, `rate(dropped)` is `dropped.rate`); the operator is one of < <= > >= == !=;
// the value a number with an optional unit: a duration (ms, s, m, h, d: compared in seconds) or a
// percentage (`5%` is 0.05). Parsing is pure and deterministic; an expression that does not parse
// is refused with the expression and the column where it went wrong.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/expected.h"

namespace rh::harness::load {

struct Threshold {
  std::string expression;  // as written
  std::string metric;      // normalised: "first_response.p90", "stage.reply.p99", "dropped.rate"
  std::string op;          // < <= > >= == !=
  double value = 0;        // seconds for durations, a fraction for percentages
};

struct ThresholdError {
  std::string expression;
  int column = 0;  // 1-based, where it went wrong
  std::string message;
  std::string ToString() const;  // "threshold 'p9 < ': column 5: expected a number"
};

sim::Expected<Threshold, ThresholdError> ParseThreshold(const std::string& expression);

struct ThresholdVerdict {
  std::string expression;
  std::string metric;
  std::optional<double> observed;  // nullopt: the metric is unknown (an input error)
  bool held = false;
  std::string detail;  // "first_response.p90 = 3h12m (limit 4h)" or why it cannot be judged
};

// Judges each threshold against `metrics` (name -> value; times in seconds). A metric the run does
// not have gives a verdict with no observed value and a suggestion of the names it has.
std::vector<ThresholdVerdict> JudgeThresholds(const std::vector<Threshold>& thresholds,
                                              const std::map<std::string, double>& metrics);

}  // namespace rh::harness::load
