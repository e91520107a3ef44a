// The load rehearsal's text, JSON and JUnit renderings (the HTML page is load_html.cc).
#include <cmath>
#include <nlohmann/json.hpp>

#include "reports/load_report.h"
#include "reports/text.h"

namespace rh::reports {
namespace {

using harness::load::LoadResult;
using harness::load::Percentiles;
using Json = nlohmann::ordered_json;

Json Rounded(double value, int decimals = 3) {
  if (!std::isfinite(value)) return nullptr;
  const double scale = std::pow(10.0, decimals);
  const double r = std::round(value * scale) / scale;
  return r == 0 ? 0.0 : r;
}

Json PercentilesJson(const Percentiles& p) {
  return Json{{"count", p.count},     {"p50_s", Rounded(p.p50_s)},   {"p90_s", Rounded(p.p90_s)},
              {"p99_s", Rounded(p.p99_s)}, {"p999_s", Rounded(p.p999_s)}, {"max_s", Rounded(p.max_s)}};
}

Json HoursJson(const LoadResult& r) {
  Json hours = Json::array();
  for (const auto& h : r.hours) {
    Json limited = Json::object();
    for (const auto& [service, n] : h.http_429) limited[service] = n;
    hours.push_back(Json{{"hour", h.hour},
                         {"day", h.day},
                         {"orders_expected", Rounded(h.orders_expected)},
                         {"tickets_expected", Rounded(h.tickets_expected)},
                         {"arrivals", h.arrivals},
                         {"automated", h.automated},
                         {"handed_over", h.handed_over},
                         {"within_sla", h.within_sla},
                         {"backlog_pipeline", h.backlog_pipeline},
                         {"backlog_person", h.backlog_person},
                         {"first_response", PercentilesJson(h.first_response)},
                         {"http_429", limited},
                         {"agents_on_duty", h.agents_on_duty},
                         {"agent_utilisation", Rounded(h.agent_utilisation, 4)}});
  }
  return hours;
}

Json PlanJson(const LoadResult& r) {
  const auto& p = r.plan;
  Json shifts = Json::array();
  for (const auto& s : p.shifts) {
    shifts.push_back(Json{{"name", s.name}, {"rostered", s.rostered}, {"needed", s.needed},
                          {"busiest_hour", s.busiest_hour}, {"handed_over_per_hour", Rounded(s.handed_over_per_hour)},
                          {"offered_load_erlangs", Rounded(s.offered_load_erlangs, 4)},
                          {"simulated_backlog_max", s.simulated_backlog_max},
                          {"simulated_sla_met", Rounded(s.simulated_sla_met, 4)}});
  }
  Json sweep = Json::array();
  for (const auto& s : p.sweep) {
    sweep.push_back(Json{{"multiplier", Rounded(s.multiplier)}, {"arrivals", s.arrivals},
                         {"first_response_p90_s", Rounded(s.first_response_p90_s)}, {"sla_met", Rounded(s.sla_met, 4)},
                         {"backlog_max", s.backlog_max}, {"held", s.held}});
  }
  return Json{{"shifts", shifts},
              {"bottleneck", p.bottleneck},
              {"bottleneck_wait_s", Rounded(p.bottleneck_wait_s)},
              {"tier_advice", p.tier_advice},
              {"ai", Json{{"resolutions", p.ai_resolutions}, {"included", p.ai_included}, {"overage", p.ai_overage},
                          {"plan_cost", Rounded(p.ai_plan_cost, 2)}, {"overage_cost", Rounded(p.ai_overage_cost, 2)},
                          {"bill", Rounded(p.ai_bill, 2)}}},
              {"sweep", sweep},
              {"sla_breaks_at", p.sla_breaks_at ? Rounded(*p.sla_breaks_at) : Json(nullptr)}};
}

std::string Shift(const harness::load::ShiftPlan& s) {
  std::string verdict = s.needed > s.rostered ? "short by " + std::to_string(s.needed - s.rostered)
                                              : (s.needed < s.rostered ? std::to_string(s.rostered - s.needed) + " spare" : "enough");
  return "  " + s.name + ": " + std::to_string(s.needed) + " needed, " + std::to_string(s.rostered) + " rostered (" + verdict +
         "); busiest hour " + std::to_string(s.busiest_hour) + ": " + FormatFixed(s.handed_over_per_hour, 0) +
         " handed over, " + FormatFixed(s.offered_load_erlangs, 2) + " erlangs; simulated: person queue max " +
         std::to_string(s.simulated_backlog_max) + ", " + FormatPercent(s.simulated_sla_met) + " within the SLA\n";
}

}  // namespace

void WriteLoadText(const LoadResult& r, std::ostream& out) {
  out << "load: " << r.profile << " (" << r.file << "), seed " << r.seed << ", x" << FormatFixed(r.multiplier, 2) << ", "
      << FormatDuration(r.virtual_seconds) << " virtual in " << FormatFixed(r.wall_seconds, 1) << " s\n";
  out << "  tickets " << r.arrivals << " (orders on the curve " << FormatFixed(r.orders_expected, 0) << "): automated "
      << r.automated << ", handed over " << r.handed_over << ", undecided " << r.undecided << ", unanswered "
      << r.unanswered << "\n";
  out << "  first response p50 " << FormatDuration(r.first_response.p50_s) << ", p90 " << FormatDuration(r.first_response.p90_s)
      << ", p99 " << FormatDuration(r.first_response.p99_s) << ", max " << FormatDuration(r.first_response.max_s) << "; "
      << FormatPercent(r.sla_met) << " within the SLA of " << FormatDuration(r.sla_s) << " (target "
      << FormatPercent(r.sla_target, 0) << ")\n";
  out << "  queues at their longest: pipeline " << r.backlog_pipeline_max << ", people " << r.backlog_person_max
      << "; agents busy " << FormatPercent(r.agent_utilisation) << " of their hours\n";
  for (const auto& [service, s] : r.services) {
    out << "  " << service << ": " << s.requests << " requests, " << s.http_429 << " 429s, " << s.retries << " retries, "
        << FormatDuration(s.limit_wait_s) << " waited on its limit\n";
  }
  int violated = 0;
  for (const auto& o : r.oracles) violated += o.held ? 0 : 1;
  out << "  oracles: " << (r.oracles.size() - static_cast<std::size_t>(violated)) << "/" << r.oracles.size() << " held";
  for (const auto& o : r.oracles) {
    if (!o.held) out << "; " << o.id << " violated (" << o.title << ")";
  }
  out << "\nplan:\n";
  for (const auto& s : r.plan.shifts) out << Shift(s);
  out << "  vendor limit: "
      << (r.plan.bottleneck.empty() ? std::string("none cost any time")
                                    : r.plan.bottleneck + " cost " + FormatDuration(r.plan.bottleneck_wait_s) + " of waiting; " +
                                          r.plan.tier_advice)
      << "\n";
  out << "  AI bill " << FormatMoney(r.plan.ai_bill) << ": " << r.plan.ai_resolutions << " resolutions, "
      << r.plan.ai_included << " included (" << FormatMoney(r.plan.ai_plan_cost) << "), " << r.plan.ai_overage
      << " overage (" << FormatMoney(r.plan.ai_overage_cost) << ")\n";
  for (const auto& s : r.plan.sweep) {
    out << "  sweep x" << FormatFixed(s.multiplier, 2) << ": " << s.arrivals << " tickets, first response p90 "
        << FormatDuration(s.first_response_p90_s) << ", " << FormatPercent(s.sla_met) << " within the SLA, queue max "
        << s.backlog_max << (s.held ? "  holds" : "  BREAKS") << "\n";
  }
  if (!r.plan.sweep.empty()) {
    out << "  the SLA " << (r.plan.sla_breaks_at ? "breaks at x" + FormatFixed(*r.plan.sla_breaks_at, 2) : std::string("held at every swept multiplier"))
        << "\n";
  }
  out << "thresholds:\n";
  for (const auto& t : r.thresholds) out << "  " << (t.held ? "ok    " : "FAILED") << " " << t.expression << ": " << t.detail << "\n";
}

void WriteLoadJson(const LoadResult& r, std::ostream& out, bool with_wall_time) {
  Json services = Json::object();
  for (const auto& [name, s] : r.services) {
    services[name] = Json{{"requests", s.requests}, {"http_429", s.http_429}, {"retries", s.retries},
                          {"limit_wait_s", Rounded(s.limit_wait_s)}};
  }
  Json oracles = Json::array();
  for (const auto& o : r.oracles) oracles.push_back(Json{{"id", o.id}, {"title", o.title}, {"held", o.held}, {"message", o.message}});
  Json thresholds = Json::array();
  for (const auto& t : r.thresholds) thresholds.push_back(Json{{"expression", t.expression}, {"held", t.held}, {"detail", t.detail}});
  Json metrics = Json::object();
  for (const auto& [name, v] : r.metrics) metrics[name] = Rounded(v, 4);
  Json doc{{"schema_version", 1}, {"kind", "load"}, {"mode", r.mode}, {"profile", r.profile}, {"file", r.file},
           {"build", r.build}, {"seed", r.seed}, {"multiplier", Rounded(r.multiplier)},
           {"virtual_seconds", Rounded(r.virtual_seconds)}, {"trace_digest", r.trace_digest},
           {"sla_s", Rounded(r.sla_s)}, {"sla_target", Rounded(r.sla_target, 4)},
           {"orders_expected", Rounded(r.orders_expected)}, {"arrivals", r.arrivals}, {"automated", r.automated},
           {"handed_over", r.handed_over}, {"undecided", r.undecided}, {"unanswered", r.unanswered},
           {"sla_met", Rounded(r.sla_met, 4)}, {"first_response", PercentilesJson(r.first_response)},
           {"resolution", PercentilesJson(r.resolution)}, {"backlog_pipeline_max", r.backlog_pipeline_max},
           {"backlog_person_max", r.backlog_person_max}, {"agent_utilisation", Rounded(r.agent_utilisation, 4)},
           {"services", services}, {"oracles", oracles}, {"plan", PlanJson(r)}, {"thresholds", thresholds},
           {"metrics", metrics}, {"hours", HoursJson(r)}};
  if (with_wall_time) doc["wall_seconds"] = Rounded(r.wall_seconds);
  out << doc.dump(2) << "\n";
}

void WriteLoadJunit(const LoadResult& r, std::ostream& out) {
  int failures = 0;
  for (const auto& t : r.thresholds) failures += t.held ? 0 : 1;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"rehearse load\" tests=\"" << r.thresholds.size()
      << "\" failures=\"" << failures << "\">\n  <testsuite name=\"" << EscapeXmlAttribute("load: " + r.profile)
      << "\" tests=\"" << r.thresholds.size() << "\" failures=\"" << failures << "\">\n";
  for (const auto& t : r.thresholds) {
    out << "    <testcase classname=\"" << EscapeXmlAttribute("load." + r.profile) << "\" name=\""
        << EscapeXmlAttribute(t.expression) << "\">\n";
    if (!t.held) {
      out << "      <failure message=\"" << EscapeXmlAttribute(t.detail) << "\" type=\"threshold\">"
          << EscapeXmlText(t.detail) << "</failure>\n";
    }
    out << "      <system-out>" << EscapeXmlText(t.detail + "\nseed: " + std::to_string(r.seed)) << "</system-out>\n";
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

}  // namespace rh::reports
