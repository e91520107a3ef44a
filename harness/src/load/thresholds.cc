#include "harness/load_thresholds.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "config/did_you_mean.h"
#include "config/yaml_reader.h"

namespace rh::harness::load {
namespace {

// A small cursor over the expression; every Fail names the column.
class Parser {
 public:
  explicit Parser(const std::string& text) : text_(text) {}

  sim::Expected<Threshold, ThresholdError> Parse() {
    Threshold t;
    t.expression = text_;
    SkipSpaces();
    std::string name = Name();
    if (name.empty()) return Fail("expected a metric, e.g. first_response.p90 or p99(stage.reply)");
    SkipSpaces();
    if (Peek() == '(') {  // a function of a metric: p99(stage.reply), rate(dropped)
      ++at_;
      SkipSpaces();
      const std::string inner = Name();
      if (inner.empty()) return Fail("expected a metric inside the parentheses");
      SkipSpaces();
      if (Peek() != ')') return Fail("expected ')'");
      ++at_;
      name = inner + "." + name;
    }
    t.metric = name;
    SkipSpaces();
    t.op = Operator();
    if (t.op.empty()) return Fail("expected one of < <= > >= == !=");
    SkipSpaces();
    const auto value = Value();
    if (!value) return Fail(value_error_);
    t.value = *value;
    SkipSpaces();
    if (at_ != text_.size()) return Fail("unexpected text after the value");
    return t;
  }

 private:
  char Peek() const { return at_ < text_.size() ? text_[at_] : '\0'; }
  void SkipSpaces() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
  }
  std::string Name() {
    const std::size_t start = at_;
    while (at_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[at_])) || text_[at_] == '_' ||
                                  (text_[at_] == '.' && at_ > start))) {
      ++at_;
    }
    return text_.substr(start, at_ - start);
  }
  std::string Operator() {
    for (const char* op : {"<=", ">=", "==", "!=", "<", ">"}) {
      const std::string o(op);
      if (text_.compare(at_, o.size(), o) == 0) {
        at_ += o.size();
        return o;
      }
    }
    return "";
  }
  // A number, then a duration unit (compared in seconds) or '%'.
  std::optional<double> Value() {
    const std::size_t start = at_;
    if (Peek() == '-') ++at_;
    while (at_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[at_])) || text_[at_] == '.')) ++at_;
    const std::string digits = text_.substr(start, at_ - start);
    char* end = nullptr;
    const double number = digits.empty() ? 0 : std::strtod(digits.c_str(), &end);
    if (digits.empty() || end != digits.c_str() + digits.size() || !std::isfinite(number)) {
      at_ = start;
      value_error_ = "expected a number, e.g. 4h, 2s, 500 or 5%";
      return std::nullopt;
    }
    const std::size_t unit_start = at_;
    while (at_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[at_]))) ++at_;
    const std::string unit = text_.substr(unit_start, at_ - unit_start);
    if (unit.empty()) {
      if (Peek() == '%') {
        ++at_;
        return number / 100.0;
      }
      return number;
    }
    static const std::map<std::string, double> kSeconds = {{"ms", 0.001}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}};
    const auto it = kSeconds.find(unit);
    if (it == kSeconds.end()) {
      at_ = unit_start;
      value_error_ = "unknown unit '" + unit + "' (ms, s, m, h, d or %)";
      return std::nullopt;
    }
    return number * it->second;
  }
  sim::Unexpected<ThresholdError> Fail(std::string message) const {
    return sim::MakeUnexpected(ThresholdError{text_, static_cast<int>(at_) + 1, std::move(message)});
  }

  const std::string& text_;
  std::size_t at_ = 0;
  std::string value_error_;
};

bool Holds(double observed, const std::string& op, double limit) {
  if (op == "<") return observed < limit;
  if (op == "<=") return observed <= limit;
  if (op == ">") return observed > limit;
  if (op == ">=") return observed >= limit;
  if (op == "==") return observed == limit;
  return observed != limit;
}

// Seconds as a duration when the metric is a time, else the number with up to four digits.
std::string Show(const std::string& metric, double v) {
  const bool time = metric.find("first_response") == 0 || metric.find("resolution") == 0 ||
                    metric.find("limit_wait") == 0 || metric.find("stage.") == 0;
  if (time && v >= 1) return config::FormatDuration(std::chrono::seconds(static_cast<std::int64_t>(std::llround(v))));
  char text[32];
  std::snprintf(text, sizeof text, time ? "%.3gs" : "%.4g", v);
  return text;
}

}  // namespace

std::string ThresholdError::ToString() const {
  return "threshold '" + expression + "': column " + std::to_string(column) + ": " + message;
}

sim::Expected<Threshold, ThresholdError> ParseThreshold(const std::string& expression) {
  return Parser(expression).Parse();
}

std::vector<ThresholdVerdict> JudgeThresholds(const std::vector<Threshold>& thresholds,
                                              const std::map<std::string, double>& metrics) {
  std::vector<ThresholdVerdict> out;
  for (const Threshold& t : thresholds) {
    ThresholdVerdict v{t.expression, t.metric, std::nullopt, false, ""};
    const auto it = metrics.find(t.metric);
    if (it == metrics.end()) {
      std::vector<std::string_view> names;
      for (const auto& [name, value] : metrics) names.push_back(name);
      v.detail = "no metric '" + t.metric + "' in this run" +
                 (t.metric.find("stage.") == 0 ? std::string(" (per-stage latency is measured in live mode)")
                                               : config::DidYouMean(t.metric, names));
    } else {
      v.observed = it->second;
      v.held = Holds(it->second, t.op, t.value);
      v.detail = t.metric + " = " + Show(t.metric, it->second) + " (" + (v.held ? "holds: " : "fails: ") + t.op + " " +
                 Show(t.metric, t.value) + ")";
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace rh::harness::load
