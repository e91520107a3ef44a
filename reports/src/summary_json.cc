#include "reports/summary_json.h"

#include <cmath>

#include "reports/kpis.h"
#include "reports/text.h"

namespace rh::reports {
namespace {

using Json = nlohmann::ordered_json;

// Decimals kept per kind of number. Rounding makes the file readable (no 0.30000000000000004)
// and keeps it stable; a non-finite value is written as null.
constexpr int kSecondsDecimals = 6;  // microseconds
constexpr int kRatioDecimals = 6;
constexpr int kMoneyDecimals = 4;    // hundredths of a cent
constexpr int kWallDecimals = 3;     // milliseconds

Json Rounded(double value, int decimals) {
  if (!std::isfinite(value)) return nullptr;
  const double scale = std::pow(10.0, decimals);
  const double r = std::round(value * scale) / scale;
  return r == 0 ? 0.0 : r;  // no "-0.0"
}

Json Rounded(const std::optional<double>& value, int decimals) {
  return value ? Rounded(*value, decimals) : Json(nullptr);
}

Json KpisJson(const harness::Kpis& k) {
  Json j;
  j["orders"] = k.orders;
  j["tickets"] = k.tickets;
  Json by_intent = Json::object();
  for (const auto& [intent, n] : k.tickets_by_intent) by_intent[intent] = n;  // std::map: sorted
  j["tickets_by_intent"] = std::move(by_intent);
  j["contact_rate"] = Rounded(k.contact_rate, kRatioDecimals);
  j["first_response_p50_s"] = Rounded(k.first_response_p50_s, kSecondsDecimals);
  j["first_response_p90_s"] = Rounded(k.first_response_p90_s, kSecondsDecimals);
  j["resolution_p50_s"] = Rounded(k.resolution_p50_s, kSecondsDecimals);
  j["automation_rate"] = Rounded(k.automation_rate, kRatioDecimals);
  j["reopen_rate"] = Rounded(k.reopen_rate, kRatioDecimals);
  j["ai_cost"] = Rounded(k.ai_cost, kMoneyDecimals);
  j["agent_cost"] = Rounded(k.agent_cost, kMoneyDecimals);
  j["cost_per_ticket"] = Rounded(k.cost_per_ticket, kMoneyDecimals);
  j["tickets_answered"] = AnsweredTickets(k);
  return j;
}

Json ScenarioJson(const harness::ScenarioResult& s, bool include_wall_times) {
  Json j;
  j["name"] = s.name;
  j["file"] = s.file;
  j["status"] = s.status;
  if (!s.error.empty()) j["error"] = s.error;
  j["seed"] = s.seed;
  j["replay"] = ReplayCommand(s);
  if (include_wall_times) j["wall_seconds"] = Rounded(s.wall_seconds, kWallDecimals);
  j["virtual_seconds"] = Rounded(s.virtual_seconds, kSecondsDecimals);
  j["trace_file"] = s.trace_file;
  j["trace_digest"] = s.trace_digest;
  Json expectations = Json::array();
  for (const auto& e : s.expectations) {
    expectations.push_back(Json{{"what", e.what}, {"held", e.held}, {"detail", e.detail}});
  }
  j["expectations"] = std::move(expectations);
  Json oracles = Json::array();
  for (const auto& o : s.oracles) {
    Json oracle{{"id", o.id},
                {"title", o.title},
                {"held", o.held},
                {"expected_to_fire", o.expected_to_fire},
                {"passed", o.passed()},
                {"message", o.message},
                {"evidence", o.evidence}};
    // Only an outside pipeline has oracles that do not apply; sim-mode summaries keep their bytes.
    if (!o.applicable) oracle["applicable"] = false;
    oracles.push_back(std::move(oracle));
  }
  j["oracles"] = std::move(oracles);
  if (!s.pipeline.empty()) {
    j["pipeline"] = s.pipeline;
    j["pipeline_note"] = s.pipeline_note;
  }
  j["kpis"] = KpisJson(s.kpis);
  return j;
}

}  // namespace

nlohmann::ordered_json SummaryJson(const harness::RunResult& run, bool include_wall_times) {
  Json j;
  j["schema"] = 1;
  j["build"] = run.build;
  j["seed"] = run.seed;
  j["totals"] = Json{{"scenarios", run.scenarios.size()}, {"passed", run.passed()}, {"failed", run.failed()}};
  j["kpis"] = KpisJson(AggregateKpis(run));
  Json scenarios = Json::array();
  for (const auto& s : run.scenarios) scenarios.push_back(ScenarioJson(s, include_wall_times));
  j["scenarios"] = std::move(scenarios);
  return j;
}

void WriteSummaryJson(const harness::RunResult& run, std::ostream& out, bool include_wall_times) {
  // `replace`: a stray invalid UTF-8 byte in scenario text becomes U+FFFD instead of throwing.
  out << SummaryJson(run, include_wall_times).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
      << '\n';
}

}  // namespace rh::reports
