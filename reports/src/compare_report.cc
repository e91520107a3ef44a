#include "reports/compare.h"

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/text.h"
#include "svg_charts.h"

namespace rh::reports {
namespace {

using harness::CompareResult;
using harness::PooledKpis;
using harness::TicketDecision;
using Json = nlohmann::ordered_json;

std::string Seconds(const std::optional<double>& s) { return s ? FormatDuration(*s) : "-"; }

std::string PolicyName(const std::string& file) { return file.empty() ? "(each scenario's own)" : file; }

struct KpiRow {
  std::string name, a, b, change;
};

std::string SignedPoints(double from, double to) {
  const double points = (to - from) * 100;
  return (points >= 0 ? "+" : "") + FormatFixed(points, 1) + " pts";
}

std::string SignedRatio(double from, double to) {
  if (from == 0) return to == 0 ? "0%" : "new";
  const double change = (to - from) / from * 100;
  return (change >= 0 ? "+" : "") + FormatFixed(change, 1) + "%";
}

std::vector<KpiRow> KpiRows(const PooledKpis& a, const PooledKpis& b) {
  auto optional_change = [](const std::optional<double>& x, const std::optional<double>& y) {
    return x && y ? SignedRatio(*x, *y) : std::string("-");
  };
  return {
      {"scenarios passed", std::to_string(a.scenarios_passed) + "/" + std::to_string(a.scenarios),
       std::to_string(b.scenarios_passed) + "/" + std::to_string(b.scenarios),
       std::to_string(b.scenarios_passed - a.scenarios_passed)},
      {"tickets", std::to_string(a.tickets), std::to_string(b.tickets), std::to_string(b.tickets - a.tickets)},
      {"automation rate", FormatPercent(a.automation_rate), FormatPercent(b.automation_rate),
       SignedPoints(a.automation_rate, b.automation_rate)},
      {"first response p50", Seconds(a.first_response_p50_s), Seconds(b.first_response_p50_s),
       optional_change(a.first_response_p50_s, b.first_response_p50_s)},
      {"first response p90", Seconds(a.first_response_p90_s), Seconds(b.first_response_p90_s),
       optional_change(a.first_response_p90_s, b.first_response_p90_s)},
      {"reopen rate", FormatPercent(a.reopen_rate), FormatPercent(b.reopen_rate), SignedPoints(a.reopen_rate, b.reopen_rate)},
      {"cost per ticket", FormatMoney(a.cost_per_ticket), FormatMoney(b.cost_per_ticket),
       SignedRatio(a.cost_per_ticket, b.cost_per_ticket)},
      {"AI bill", FormatMoney(a.ai_cost), FormatMoney(b.ai_cost), SignedRatio(a.ai_cost, b.ai_cost)},
      {"agent cost", FormatMoney(a.agent_cost), FormatMoney(b.agent_cost), SignedRatio(a.agent_cost, b.agent_cost)},
  };
}

// "human (rule.x) -> auto_send (rule.y)", or the one value when a field did not change.
std::string Change(const std::string& a, const std::string& b) {
  if (a == b) return a.empty() ? "-" : a;
  return (a.empty() ? "(none)" : a) + " -> " + (b.empty() ? "(none)" : b);
}

Json DecisionJson(const TicketDecision& d) {
  return {{"intent", d.intent}, {"route", d.route}, {"rule", d.rule}, {"outcome", d.outcome}};
}

Json KpisJson(const PooledKpis& k) {
  Json j = {{"scenarios", k.scenarios},          {"scenarios_passed", k.scenarios_passed},
            {"tickets", k.tickets},              {"automation_rate", k.automation_rate},
            {"first_response_p50_s", nullptr},   {"first_response_p90_s", nullptr},
            {"reopen_rate", k.reopen_rate},      {"cost_per_ticket", k.cost_per_ticket},
            {"ai_cost", k.ai_cost},              {"agent_cost", k.agent_cost}};
  if (k.first_response_p50_s) j["first_response_p50_s"] = *k.first_response_p50_s;
  if (k.first_response_p90_s) j["first_response_p90_s"] = *k.first_response_p90_s;
  return j;
}

}  // namespace

void WriteCompareText(const CompareResult& r, std::ostream& out) {
  out << "A: " << PolicyName(r.policy_a) << "\nB: " << PolicyName(r.policy_b) << "\n"
      << r.scenarios.size() << " scenarios, same seeds on both sides; " << r.tickets_compared << " tickets compared\n";
  for (const std::string& e : r.errors) out << "error: " << e << "\n";
  out << "\nTickets that changed: " << r.tickets.size() << "\n";
  for (const harness::TicketChange& t : r.tickets) {
    out << "  " << t.scenario << "  " << t.ticket << "\n"
        << "    intent   " << Change(t.a.intent, t.b.intent) << "\n"
        << "    route    " << Change(t.a.route, t.b.route) << "\n"
        << "    rule     " << Change(t.a.rule, t.b.rule) << "\n"
        << "    outcome  " << Change(t.a.outcome, t.b.outcome) << "\n";
  }
  out << "\nOracle verdicts that changed: " << r.oracles.size() << "\n";
  for (const harness::OracleChange& o : r.oracles) {
    out << "  " << o.scenario << "  " << o.id << " " << (o.passed_b ? "now holds" : "now FAILS") << ": "
        << Truncate(o.message, 200) << "\n";
  }
  out << "\n  " << std::string(22, ' ') << "A              B              change\n";
  for (const KpiRow& k : KpiRows(r.a, r.b)) {
    auto pad = [](std::string s, std::size_t w) { return s.size() < w ? s + std::string(w - s.size(), ' ') : s + " "; };
    out << "  " << pad(k.name, 22) << pad(k.a, 15) << pad(k.b, 15) << k.change << "\n";
  }
  out << "\n";
  if (r.worse.empty()) {
    out << "Verdict: nothing got worse under B by the thresholds.\n";
  } else {
    out << "Verdict: B is worse:\n";
    for (const std::string& w : r.worse) out << "  - " << w << "\n";
  }
}

void WriteCompareJson(const CompareResult& r, std::ostream& out) {
  Json j;
  j["schema"] = "rehearsal.compare";
  j["version"] = 1;
  j["policy_a"] = r.policy_a;
  j["policy_b"] = r.policy_b;
  j["scenarios"] = r.scenarios;
  j["errors"] = r.errors;
  j["tickets_compared"] = r.tickets_compared;
  j["tickets_changed"] = Json::array();
  for (const auto& t : r.tickets) {
    j["tickets_changed"].push_back(
        {{"scenario", t.scenario}, {"ticket", t.ticket}, {"a", DecisionJson(t.a)}, {"b", DecisionJson(t.b)}});
  }
  j["oracles_changed"] = Json::array();
  for (const auto& o : r.oracles) {
    j["oracles_changed"].push_back({{"scenario", o.scenario},
                                    {"id", o.id},
                                    {"title", o.title},
                                    {"passed_a", o.passed_a},
                                    {"passed_b", o.passed_b},
                                    {"message", o.message}});
  }
  j["kpis"] = {{"a", KpisJson(r.a)}, {"b", KpisJson(r.b)}};
  j["worse"] = r.worse;
  out << j.dump(2) << "\n";
}

void WriteCompareHtml(const CompareResult& r, std::ostream& out) {
  detail::SvgIds ids;
  out << "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Rehearsal: what if B</title>"
         "<style>body{margin:0 auto;max-width:1100px;padding:12px 24px;color:#1f2328;"
         "font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif}"
         "table{border-collapse:collapse;width:100%;margin:6px 0 12px}th,td{border-bottom:1px solid #d1d9e0;"
         "padding:4px 8px;text-align:left;vertical-align:top}thead th{background:#f6f8fa}.num{text-align:right;"
         "font-variant-numeric:tabular-nums}.bad{color:#cf222e;font-weight:600}.ok{color:#1a7f37;font-weight:600}"
         "code{background:#f6f8fa;padding:1px 4px;border-radius:4px}svg.chart{display:block;max-width:100%;height:auto}"
         "svg text{font:11px system-ui,sans-serif;fill:#1f2328}svg .bar{fill:#0969da}svg .bar-warn{fill:#bc4c00}"
         "svg .track{fill:#eef1f4}.muted{color:#59636e;fill:#59636e}.charts{display:grid;"
         "grid-template-columns:repeat(auto-fit,minmax(min(480px,100%),1fr));gap:12px}"
         "figure{margin:0;border:1px solid #d1d9e0;border-radius:6px;padding:8px 10px}</style></head><body>";
  out << "<h1>What if: A against B</h1><p>A: <code>" << EscapeHtml(PolicyName(r.policy_a)) << "</code><br>B: <code>"
      << EscapeHtml(PolicyName(r.policy_b)) << "</code><br>" << r.scenarios.size()
      << " scenarios with the same seeds on both sides; " << r.tickets_compared << " tickets compared.</p>";
  if (r.worse.empty()) {
    out << "<p class=\"ok\">Nothing got worse under B by the thresholds.</p>";
  } else {
    out << "<p class=\"bad\">B is worse:</p><ul>";
    for (const std::string& w : r.worse) out << "<li>" << EscapeHtml(w) << "</li>";
    out << "</ul>";
  }
  for (const std::string& e : r.errors) out << "<p class=\"bad\">Error: " << EscapeHtml(e) << "</p>";

  out << "<h2>KPIs</h2><div class=\"charts\">";
  auto pair = [&](const std::string& title, double a, double b, const std::string& a_text, const std::string& b_text) {
    out << "<figure>"
        << detail::BarChart(ids, title, title + " under A and under B",
                            {{"A", a, a_text, "bar"}, {"B", b, b_text, "bar-warn"}})
        << "</figure>";
  };
  pair("Automation rate", r.a.automation_rate, r.b.automation_rate, FormatPercent(r.a.automation_rate),
       FormatPercent(r.b.automation_rate));
  pair("First response p90 (s)", r.a.first_response_p90_s.value_or(0), r.b.first_response_p90_s.value_or(0),
       Seconds(r.a.first_response_p90_s), Seconds(r.b.first_response_p90_s));
  pair("Cost per ticket", r.a.cost_per_ticket, r.b.cost_per_ticket, FormatMoney(r.a.cost_per_ticket),
       FormatMoney(r.b.cost_per_ticket));
  pair("Reopen rate", r.a.reopen_rate, r.b.reopen_rate, FormatPercent(r.a.reopen_rate), FormatPercent(r.b.reopen_rate));
  out << "</div><table><thead><tr><th>KPI</th><th class=\"num\">A</th><th class=\"num\">B</th>"
         "<th class=\"num\">change</th></tr></thead><tbody>";
  for (const KpiRow& k : KpiRows(r.a, r.b)) {
    out << "<tr><th>" << EscapeHtml(k.name) << "</th><td class=\"num\">" << EscapeHtml(k.a) << "</td><td class=\"num\">"
        << EscapeHtml(k.b) << "</td><td class=\"num\">" << EscapeHtml(k.change) << "</td></tr>";
  }
  out << "</tbody></table>";

  out << "<h2>Tickets that changed (" << r.tickets.size() << ")</h2>";
  if (!r.tickets.empty()) {
    out << "<table><thead><tr><th>scenario</th><th>ticket</th><th>intent</th><th>route</th><th>rule</th>"
           "<th>outcome</th></tr></thead><tbody>";
    for (const auto& t : r.tickets) {
      out << "<tr><td>" << EscapeHtml(t.scenario) << "</td><td>" << EscapeHtml(t.ticket) << "</td><td>"
          << EscapeHtml(Change(t.a.intent, t.b.intent)) << "</td><td>" << EscapeHtml(Change(t.a.route, t.b.route))
          << "</td><td>" << EscapeHtml(Change(t.a.rule, t.b.rule)) << "</td><td>"
          << EscapeHtml(Change(t.a.outcome, t.b.outcome)) << "</td></tr>";
    }
    out << "</tbody></table>";
  }
  out << "<h2>Oracle verdicts that changed (" << r.oracles.size() << ")</h2>";
  if (!r.oracles.empty()) {
    out << "<table><thead><tr><th>scenario</th><th>oracle</th><th>under B</th><th>message</th></tr></thead><tbody>";
    for (const auto& o : r.oracles) {
      out << "<tr><td>" << EscapeHtml(o.scenario) << "</td><td>" << EscapeHtml(o.id + " " + o.title) << "</td><td class=\""
          << (o.passed_b ? "ok\">holds" : "bad\">fails") << "</td><td>" << EscapeHtml(o.message) << "</td></tr>";
    }
    out << "</tbody></table>";
  }
  out << "</body></html>\n";
}

}  // namespace rh::reports
