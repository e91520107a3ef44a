#include "reports/html_report.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "reports/kpis.h"
#include "reports/text.h"
#include "svg_charts.h"

namespace rh::reports {
namespace {

using detail::Bar;
using detail::Segment;
using detail::StackedRow;
using detail::SvgIds;

// A load rehearsal can hold thousands of tickets; the report stays readable and small by drawing
// the first ones only (the trace holds them all).
constexpr std::size_t kMaxTimelines = 100;      // tickets per scenario
constexpr std::size_t kMaxTimelineRows = 200;   // rows per ticket's table
constexpr std::size_t kOpenTimelinesUpTo = 5;   // a failed scenario this small shows them opened
// A scenario's own charts are drawn from this many tickets up; below, the tiles say it all (a
// histogram of one ticket is noise, and a suite holds dozens of one-ticket scenarios).
constexpr int kMinTicketsForCharts = 5;

// The report loads nothing: the browser refuses any fetch, even one a bug let into the page.
// Inline style and script only (the expand/collapse script); images only as data: URLs.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

// Inline and complete: no web font, no external sheet. Colours meet WCAG AA on white; status is
// always written as a word too, never by colour alone.
constexpr std::string_view kCss = R"css(
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--pass:#1a7f37;--fail:#cf222e;--error:#9a6700;
--bar:#0969da;--ai:#0969da;--agent:#bc4c00;--track:#eef1f4}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--ink);background:#fff;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header,main,footer{max-width:1200px;margin:0 auto;padding:12px 24px}
header{border-bottom:1px solid var(--line)}
h1{font-size:24px;margin:8px 0}
h2{font-size:19px;margin:20px 0 8px}
h3{font-size:16px;margin:18px 0 6px}
h4{font-size:14px;margin:10px 0 4px}
a{color:#0969da}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
code{background:var(--soft);padding:1px 4px;border-radius:4px;overflow-wrap:anywhere}
pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:8px;margin:6px 0;white-space:pre-wrap;word-break:break-all}
.muted{color:var(--muted);fill:var(--muted)}
.verdict{font-size:16px;font-weight:600;margin:4px 0 8px}
.badge{display:inline-block;min-width:62px;text-align:center;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.03em;vertical-align:1px}
.b-passed{background:var(--pass)}.b-failed{background:var(--fail)}.b-error{background:var(--error)}
.ok{color:var(--pass);font-weight:600}.bad{color:var(--fail);font-weight:600}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
caption{text-align:left;color:var(--muted);padding:2px 0 6px}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:var(--soft);font-weight:600;border-bottom:2px solid var(--line)}
tbody th{font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.nowrap{white-space:nowrap}
.scroll{overflow-x:auto}
thead th.num{white-space:normal}
table.scenarios tbody th{min-width:18em}
table.scenarios .file{display:block;font-size:12px;font-weight:400;color:var(--muted)}
table.scenarios .file code{background:none;padding:0}
p.failed-list{margin:4px 0 8px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:8px 0 12px}
.tile{border:1px solid var(--line);border-radius:6px;padding:6px 10px}
.tile .v{display:block;font-size:19px;font-weight:600;font-variant-numeric:tabular-nums}
.tile .k{display:block;color:var(--muted);font-size:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(520px,100%),1fr));gap:12px;margin:8px 0}
.charts .wide{grid-column:1/-1}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px 10px;min-width:0}
figcaption{font-weight:600;margin:0 0 4px}
figure p{margin:4px 0 0;color:var(--muted)}
svg.chart{display:block;max-width:100%;height:auto}
svg text{font:11px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:var(--ink)}
svg .bar{fill:var(--bar)}svg .bar-warn{fill:var(--agent)}svg .track{fill:var(--track)}
svg .seg-ai{fill:var(--ai)}svg .seg-agent{fill:var(--agent)}
svg .axis{stroke:var(--muted);stroke-width:1}svg .grid{stroke:var(--line);stroke-dasharray:3 3}
svg .lane{stroke:var(--line)}svg .flow{fill:none;stroke:#8c959f;stroke-width:1.2}
svg .dot{stroke:#fff;stroke-width:1.5}
svg .lane-0{fill:#0969da}svg .lane-1{fill:#8250df}svg .lane-2{fill:#1a7f37}svg .lane-3{fill:#bc4c00}
svg .lane-4{fill:#bf3989}svg .lane-5{fill:#0a7e8c}svg .lane-6{fill:#9a6700}svg .lane-7{fill:#57606a}
section.scenario{border:1px solid var(--line);border-left:6px solid var(--pass);border-radius:6px;margin:12px 0;padding:0 16px 6px}
section.scenario.st-failed{border-left-color:var(--fail)}section.scenario.st-error{border-left-color:var(--error)}
section.scenario>h2{margin:12px 0 2px}
p.gist{margin:2px 0 8px;color:var(--muted)}
.problem{border-left:3px solid var(--fail);padding:2px 0 2px 10px;margin:8px 0}
.problem p{margin:2px 0}
details{margin:6px 0}
details>summary{cursor:pointer;font-weight:600;padding:2px 0}
details.ticket{border:1px solid var(--line);border-radius:6px;padding:4px 10px}
details.ticket>summary{font-weight:400}
.toolbar{display:none;gap:8px;margin:8px 0}
.js .toolbar{display:flex}
button{font:inherit;padding:3px 10px;border:1px solid var(--line);border-radius:6px;background:var(--soft);cursor:pointer}
footer{color:var(--muted);font-size:12px;border-top:1px solid var(--line)}
@media print{
  body{font-size:11px}
  header,main,footer{max-width:none;padding:6px 0}
  .toolbar{display:none!important}
  a{color:inherit;text-decoration:none}
  figure,table,.problem,.tile,details.ticket{break-inside:avoid}
  section.scenario{border-width:1px 1px 1px 4px}
  .charts{grid-template-columns:1fr 1fr}
}
)css";

// Expand/collapse only: the buttons, and everything opened before printing (a closed <details>
// prints nothing). Written to run in any browser without throwing; the page works without it.
constexpr std::string_view kScript = R"js(
(function () {
  var root = document.documentElement;
  root.className = root.className.replace('no-js', 'js');
  function setAll(open) {
    var all = document.getElementsByTagName('details');
    for (var i = 0; i < all.length; i++) all[i].open = open;
  }
  var buttons = document.querySelectorAll('button[data-details]');
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener('click', function (event) {
      setAll(event.currentTarget.getAttribute('data-details') === 'open');
    });
  }
  window.addEventListener('beforeprint', function () { setAll(true); });
})();
)js";

std::string_view StatusClass(std::string_view status) {
  if (status == "passed") return "passed";
  if (status == "failed") return "failed";
  return "error";
}

std::string Badge(std::string_view status) {
  return "<span class=\"badge b-" + std::string(StatusClass(status)) + "\">" + EscapeHtml(status) + "</span>";
}

std::string Plural(long long n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string Seconds(const std::optional<double>& s) { return s ? FormatDuration(*s) : "n/a"; }

int OraclesPassed(const harness::ScenarioResult& s) {
  return static_cast<int>(std::count_if(s.oracles.begin(), s.oracles.end(), [](const auto& o) { return o.passed(); }));
}
int ExpectationsHeld(const harness::ScenarioResult& s) {
  return static_cast<int>(
      std::count_if(s.expectations.begin(), s.expectations.end(), [](const auto& e) { return e.held; }));
}

std::string OracleOutcome(const harness::OracleResult& o) {
  if (!o.applicable) return "not applicable";
  if (o.expected_to_fire) return o.held ? "did not fire (expected to)" : "fired, as expected";
  return o.held ? "held" : "violated";
}

void Tile(std::ostream& out, std::string_view label, std::string_view value) {
  out << "<div class=\"tile\"><span class=\"v\">" << EscapeHtml(value) << "</span><span class=\"k\">" << EscapeHtml(label)
      << "</span></div>";
}

std::string PerTicket(double cost, int tickets) { return tickets > 0 ? FormatMoney(cost / tickets) : "n/a"; }

std::string MoneyText(double v) { return FormatMoney(v); }

// The price of one automated resolution, as the run charged it; nullopt when nothing was automated.
std::optional<double> PricePerResolution(const harness::Kpis& k) {
  const int automated = AutomatedTickets(k);
  if (automated <= 0) return std::nullopt;
  return k.ai_cost / automated;
}

StackedRow CostRow(std::string label, const harness::Kpis& k) {
  const double n = k.tickets > 0 ? k.tickets : 1;
  return {std::move(label),
          {{"AI resolutions", k.ai_cost / n, "seg-ai"}, {"agent time", k.agent_cost / n, "seg-agent"}},
          FormatMoney(k.cost_per_ticket) + " / ticket"};
}

// The KPI tiles, then (when `charts`) the four charts, for one scenario or for all of them.
void KpiBlock(std::ostream& out, SvgIds& ids, const harness::Kpis& k, std::string_view scope, std::string_view row_label,
              bool charts) {
  const int automated = AutomatedTickets(k), answered = AnsweredTickets(k), reopened = ReopenedTickets(k);
  out << "<div class=\"tiles\">";
  Tile(out, "tickets", std::to_string(k.tickets));
  Tile(out, "orders", std::to_string(k.orders));
  Tile(out, "tickets per 100 orders", FormatFixed(k.contact_rate * 100, 1));
  Tile(out, "first response p50", Seconds(k.first_response_p50_s));
  Tile(out, "first response p90", Seconds(k.first_response_p90_s));
  Tile(out, "resolution p50", Seconds(k.resolution_p50_s));
  Tile(out, "automation rate", FormatPercent(k.automation_rate));
  Tile(out, "reopen rate", FormatPercent(k.reopen_rate));
  Tile(out, "AI cost", FormatMoney(k.ai_cost));
  Tile(out, "agent cost", FormatMoney(k.agent_cost));
  Tile(out, "cost per ticket", FormatMoney(k.cost_per_ticket));
  out << "</div>\n";
  if (!charts) return;
  out << "<div class=\"charts\">\n";

  // Ticket volume by intent, largest first (ties by name, so the order is stable).
  std::vector<std::pair<std::string, int>> intents(k.tickets_by_intent.begin(), k.tickets_by_intent.end());
  std::stable_sort(intents.begin(), intents.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<Bar> bars;
  std::string desc = "Tickets by triaged intent, " + std::string(scope) + ":";
  for (const auto& [intent, n] : intents) {
    const std::string share = k.tickets > 0 ? " (" + FormatPercent(static_cast<double>(n) / k.tickets, 0) + ")" : "";
    bars.push_back({intent, static_cast<double>(n), std::to_string(n) + share});
    desc += " " + intent + " " + std::to_string(n) + ";";
  }
  out << "<figure><figcaption>Ticket volume by intent</figcaption>"
      << detail::BarChart(ids, "Ticket volume by intent", desc, bars) << "</figure>\n";

  // First response: the distribution, and its percentiles written out.
  const auto& samples = k.first_response_samples_s;
  const auto p50 = k.first_response_p50_s ? k.first_response_p50_s : Percentile(samples, 0.5);
  const auto p90 = k.first_response_p90_s ? k.first_response_p90_s : Percentile(samples, 0.9);
  const auto p99 = Percentile(samples, 0.99);
  const auto max = Percentile(samples, 1.0);
  const std::string pcts = "p50 " + Seconds(p50) + " \u00b7 p90 " + Seconds(p90) + " \u00b7 p99 " + Seconds(p99) +
                           " \u00b7 max " + Seconds(max) + " \u00b7 " + Plural(answered, "ticket", "tickets") +
                           " answered";
  out << "<figure><figcaption>First response time</figcaption>"
      << detail::Histogram(ids, "First response time distribution",
                           "Time from the customer's first message to the first reply that reached them, " +
                               std::string(scope) + ": " + pcts,
                           detail::FirstResponseBins(samples), "time to first response")
      << "<p>" << EscapeHtml(pcts) << "</p></figure>\n";

  // Rates on a 0-100 % scale.
  const std::vector<Bar> rates = {
      {"automation rate", k.automation_rate,
       FormatPercent(k.automation_rate) + " (" + std::to_string(automated) + "/" + std::to_string(k.tickets) + ")", "bar"},
      {"reopen rate", k.reopen_rate,
       FormatPercent(k.reopen_rate) + " (" + std::to_string(reopened) + "/" + std::to_string(answered) + ")",
       "bar-warn"}};
  out << "<figure><figcaption>Automation and reopen rates</figcaption>"
      << detail::BarChart(ids, "Automation and reopen rates",
                          "Automation rate " + FormatPercent(k.automation_rate) + " of tickets answered automatically; reopen rate " +
                              FormatPercent(k.reopen_rate) + " of answered tickets written to again, " + std::string(scope),
                          rates, 1.0)
      << "<p>Automation: tickets answered automatically / tickets. Reopen: tickets the customer wrote to again after "
         "an answer / tickets answered.</p></figure>\n";

  // Cost per ticket: AI resolutions (billed per automated resolution) and agent time, stacked.
  const auto price = PricePerResolution(k);
  const std::string price_text = price ? FormatMoney(*price) : std::string("$0.90 on most plans");
  const std::string cost_desc = "Cost per ticket, " + std::string(scope) + ": AI resolutions " +
                                FormatMoney(k.ai_cost) + " (" + std::to_string(automated) + " x " + price_text +
                                ") and agent time " + FormatMoney(k.agent_cost) + " over " +
                                Plural(k.tickets, "ticket", "tickets") + ", " + FormatMoney(k.cost_per_ticket) +
                                " per ticket";
  out << "<figure><figcaption>Cost per ticket</figcaption>"
      << detail::StackedBarChart(ids, "Cost per ticket: AI resolutions and agent time", cost_desc,
                                 {CostRow(std::string(row_label), k)},
                                 {{"AI resolutions", "seg-ai"}, {"agent time", "seg-agent"}}, &MoneyText)
      << "<p>AI resolutions at " << EscapeHtml(price_text) << " per automated resolution ("
      << EscapeHtml(FormatMoney(k.ai_cost)) << " in all, " << EscapeHtml(PerTicket(k.ai_cost, k.tickets))
      << " per ticket) vs agent time (" << EscapeHtml(FormatMoney(k.agent_cost)) << " in all, "
      << EscapeHtml(PerTicket(k.agent_cost, k.tickets)) << " per ticket).</p></figure>\n";
  out << "</div>\n";
}

// Cost per ticket of each scenario with tickets, dearest first (ties in the order given), so the
// scenarios that cost the most stand out; empty when fewer than two scenarios have tickets.
std::string CostByScenarioFigure(SvgIds& ids, const harness::RunResult& run) {
  std::vector<const harness::ScenarioResult*> with_tickets;
  for (const auto& s : run.scenarios) {
    if (s.kpis.tickets > 0) with_tickets.push_back(&s);
  }
  if (with_tickets.size() < 2) return "";
  // A non-finite cost sorts last instead of breaking the ordering.
  auto key = [](const harness::ScenarioResult* s) {
    return std::isfinite(s->kpis.cost_per_ticket) ? s->kpis.cost_per_ticket : -1.0;
  };
  std::stable_sort(with_tickets.begin(), with_tickets.end(),
                   [&](const auto* a, const auto* b) { return key(a) > key(b); });
  std::vector<StackedRow> rows;
  std::string desc = "Cost per ticket of each scenario with tickets, dearest first:";
  for (const auto* s : with_tickets) {
    const std::string& name = s->name.empty() ? s->file : s->name;
    rows.push_back(CostRow(name, s->kpis));
    desc += " " + name + " " + FormatMoney(s->kpis.cost_per_ticket) + ";";
  }
  return "<div class=\"charts\"><figure class=\"wide\"><figcaption>Cost per ticket by scenario</figcaption>" +
         detail::StackedBarChart(ids, "Cost per ticket by scenario", desc, rows,
                                 {{"AI resolutions", "seg-ai"}, {"agent time", "seg-agent"}}, &MoneyText) +
         "<p>Scenarios with tickets, dearest first; the AI and agent shares of each.</p></figure></div>\n";
}

void WriteHead(std::ostream& out, const harness::RunResult& run) {
  out << "<!DOCTYPE html>\n<html lang=\"en\" class=\"no-js\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"" << kContentSecurityPolicy << "\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<meta name=\"generator\" content=\"rehearse\">\n"
      << "<title>Rehearsal report: " << run.passed() << " passed, " << run.failed() << " failed</title>\n"
      << "<style>" << kCss << "</style>\n</head>\n<body>\n";
}

void WriteHeader(std::ostream& out, const harness::RunResult& run) {
  int errors = 0;
  double virtual_s = 0, wall_s = 0;
  for (const auto& s : run.scenarios) {
    errors += s.status == "error" ? 1 : 0;
    virtual_s += s.virtual_seconds;
    wall_s += s.wall_seconds;
  }
  const auto n = static_cast<long long>(run.scenarios.size());
  out << "<header>\n<h1>Rehearsal report</h1>\n<p class=\"verdict\">";
  if (run.failed() == 0) {
    out << Badge("passed") << " " << (n == 1 ? "The scenario passed" : "All " + std::to_string(n) + " scenarios passed");
  } else {
    out << Badge(errors == run.failed() ? "error" : "failed") << " " << run.failed() << " of "
        << Plural(n, "scenario", "scenarios") << " failed";
    if (errors > 0) out << " (" << errors << " in error)";
  }
  out << "</p>\n";
  // Links to what failed first: in a long suite the failures are what a reader came for.
  if (run.failed() > 0) {
    out << "<p class=\"failed-list\">Failed: ";
    bool first = true;
    for (std::size_t i = 0; i < run.scenarios.size(); ++i) {
      const auto& s = run.scenarios[i];
      if (s.passed()) continue;
      out << (first ? "" : ", ") << "<a href=\"#s-" << i + 1 << "\">" << EscapeHtml(s.name.empty() ? s.file : s.name)
          << "</a>" << (s.status == "error" ? " (error)" : "");
      first = false;
    }
    out << "</p>\n";
  }
  out << "<dl class=\"meta\">"
      << "<dt>Build</dt><dd><code>" << EscapeHtml(run.build.empty() ? "unknown" : run.build) << "</code></dd>"
      << "<dt>Seed</dt><dd><code>" << run.seed << "</code></dd>"
      << "<dt>Scenarios</dt><dd>" << n << ": " << run.passed() << " passed, " << run.failed() - errors << " failed, "
      << errors << " in error</dd>"
      << "<dt>Virtual time</dt><dd>" << EscapeHtml(FormatDuration(virtual_s)) << " simulated</dd>"
      << "<dt>Wall time</dt><dd>" << EscapeHtml(FormatDuration(wall_s)) << " (sum over scenarios)</dd>"
      << "</dl>\n<div class=\"toolbar\"><button type=\"button\" data-details=\"open\">Expand all</button>"
      << "<button type=\"button\" data-details=\"close\">Collapse all</button></div>\n</header>\n";
}

void WriteOverview(std::ostream& out, SvgIds& ids, const harness::RunResult& run) {
  const harness::Kpis all = AggregateKpis(run);
  out << "<section id=\"overview\" aria-labelledby=\"overview-h\">\n<h2 id=\"overview-h\">Support KPIs, all scenarios</h2>\n";
  KpiBlock(out, ids, all, "all scenarios", "All scenarios", true);
  out << CostByScenarioFigure(ids, run);
  out << "</section>\n";
}

// One row per scenario; the file under its name, so the table fits a laptop's width (and scrolls
// sideways, not the page, when it cannot).
void WriteScenarioTable(std::ostream& out, const harness::RunResult& run) {
  out << "<section id=\"scenarios\" aria-labelledby=\"scenarios-h\">\n<h2 id=\"scenarios-h\">Scenarios</h2>\n"
      << "<div class=\"scroll\"><table class=\"scenarios\">\n<caption>"
      << Plural(static_cast<long long>(run.scenarios.size()), "scenario", "scenarios")
      << ", in the order they were given</caption>\n<thead><tr>"
      << "<th scope=\"col\">Status</th><th scope=\"col\">Scenario and file</th>"
      << "<th scope=\"col\" class=\"num\">Expectations held</th><th scope=\"col\" class=\"num\">Oracles passed</th>"
      << "<th scope=\"col\" class=\"num\">Tickets</th><th scope=\"col\" class=\"num\">Automated</th>"
      << "<th scope=\"col\" class=\"num\">First response p50</th><th scope=\"col\" class=\"num\">Cost / ticket</th>"
      << "<th scope=\"col\" class=\"num\">Virtual time</th><th scope=\"col\" class=\"num\">Duration</th>"
      << "</tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < run.scenarios.size(); ++i) {
    const auto& s = run.scenarios[i];
    const int held = ExpectationsHeld(s), oracles_passed = OraclesPassed(s);
    const bool expectations_failed = held != static_cast<int>(s.expectations.size());
    const bool oracles_failed = oracles_passed != static_cast<int>(s.oracles.size());
    out << "<tr><td>" << Badge(s.status) << "</td><th scope=\"row\"><a href=\"#s-" << i + 1 << "\">"
        << EscapeHtml(s.name.empty() ? s.file : s.name) << "</a><span class=\"file\"><code>" << EscapeHtml(s.file)
        << "</code></span></th><td class=\"num" << (expectations_failed ? " bad" : "") << "\">" << held << "/"
        << s.expectations.size() << "</td><td class=\"num" << (oracles_failed ? " bad" : "") << "\">" << oracles_passed
        << "/" << s.oracles.size() << "</td><td class=\"num\">" << s.kpis.tickets << "</td><td class=\"num\">"
        << EscapeHtml(s.kpis.tickets > 0 ? FormatPercent(s.kpis.automation_rate, 0) : "n/a") << "</td><td class=\"num\">"
        << EscapeHtml(Seconds(s.kpis.first_response_p50_s)) << "</td><td class=\"num\">"
        << EscapeHtml(s.kpis.tickets > 0 ? FormatMoney(s.kpis.cost_per_ticket) : "n/a") << "</td><td class=\"num\">"
        << EscapeHtml(FormatDuration(s.virtual_seconds)) << "</td><td class=\"num\">"
        << EscapeHtml(FormatDuration(s.wall_seconds)) << "</td></tr>\n";
  }
  out << "</tbody>\n</table></div>\n</section>\n";
}

// A link only for a plain relative path: the report is opened from disk and never follows a
// scheme ("javascript:", "http:") that a result might carry.
void WriteTraceLink(std::ostream& out, const harness::ScenarioResult& s) {
  if (s.trace_file.empty()) {
    out << "not written";
  } else if (s.trace_file.find(':') == std::string::npos) {
    out << "<a href=\"" << EscapeHtml(s.trace_file) << "\">" << EscapeHtml(s.trace_file) << "</a>";
  } else {
    out << "<code>" << EscapeHtml(s.trace_file) << "</code>";
  }
  if (!s.trace_digest.empty()) out << " (digest <code>" << EscapeHtml(s.trace_digest) << "</code>)";
}

void WriteProblems(std::ostream& out, const harness::ScenarioResult& s) {
  const bool any_expectation = ExpectationsHeld(s) != static_cast<int>(s.expectations.size());
  const bool any_oracle = OraclesPassed(s) != static_cast<int>(s.oracles.size());
  if (!any_expectation && !any_oracle) return;
  out << "<h3>What failed</h3>\n";
  // Failed expectations in one table: a broken fault path can fail a dozen of them at once.
  if (any_expectation) {
    out << "<div class=\"problem\"><h4>"
        << Plural(static_cast<long long>(s.expectations.size()) - ExpectationsHeld(s), "expectation", "expectations")
        << " failed</h4><table>\n<thead><tr><th scope=\"col\">Expectation</th><th scope=\"col\">Found</th></tr>"
        << "</thead>\n<tbody>\n";
    for (const auto& e : s.expectations) {
      if (e.held) continue;
      out << "<tr><td>" << EscapeHtml(e.what) << "</td><td>"
          << EscapeHtml(e.detail.empty() ? "(nothing recorded)" : e.detail) << "</td></tr>\n";
    }
    out << "</tbody>\n</table></div>\n";
  }
  for (const auto& o : s.oracles) {
    if (o.passed()) continue;
    out << "<div class=\"problem\"><h4>" << EscapeHtml(o.id) << " " << EscapeHtml(o.title) << ": "
        << EscapeHtml(OracleOutcome(o)) << "</h4>";
    if (!o.message.empty()) out << "<p>" << EscapeHtml(o.message) << "</p>";
    if (!o.evidence.empty()) {
      out << "<p class=\"muted\">Evidence (trace records):</p><pre>";
      for (const auto& line : o.evidence) out << EscapeHtml(line) << "\n";
      out << "</pre>";
    }
    out << "</div>\n";
  }
}

void WriteVerdicts(std::ostream& out, const harness::ScenarioResult& s) {
  out << "<h3>Expectations</h3>\n";
  if (s.expectations.empty()) {
    out << "<p class=\"muted\">None.</p>\n";
  } else {
    out << "<table>\n<thead><tr><th scope=\"col\">Result</th><th scope=\"col\">Expectation</th>"
        << "<th scope=\"col\">Found</th></tr></thead>\n<tbody>\n";
    for (const auto& e : s.expectations) {
      out << "<tr><td class=\"nowrap " << (e.held ? "ok\">\u2713 held" : "bad\">\u2717 failed") << "</td><td>"
          << EscapeHtml(e.what) << "</td><td>" << EscapeHtml(e.detail) << "</td></tr>\n";
    }
    out << "</tbody>\n</table>\n";
  }
  out << "<h3>Oracles</h3>\n";
  if (s.oracles.empty()) {
    out << "<p class=\"muted\">None checked.</p>\n";
    return;
  }
  out << "<table>\n<thead><tr><th scope=\"col\">Id</th><th scope=\"col\">Invariant</th>"
      << "<th scope=\"col\">Result</th><th scope=\"col\">Message</th></tr></thead>\n<tbody>\n";
  for (const auto& o : s.oracles) {
    out << "<tr><th scope=\"row\">" << EscapeHtml(o.id) << "</th><td>" << EscapeHtml(o.title) << "</td><td class=\"nowrap "
        << (o.passed() ? "ok\">\u2713 " : "bad\">\u2717 ") << EscapeHtml(OracleOutcome(o)) << "</td><td>"
        << EscapeHtml(o.message) << "</td></tr>\n";
  }
  out << "</tbody>\n</table>\n";
}

// The virtual time from a ticket's first entry to its last.
double Span(const harness::TicketTimeline& t) {
  if (t.entries.empty()) return 0;
  double first = t.entries[0].t_seconds, last = first;
  for (const auto& e : t.entries) first = std::min(first, e.t_seconds), last = std::max(last, e.t_seconds);
  return last - first;
}

// One collapsed <details> per ticket (a generated day holds dozens), its summary line enough to
// pick the one to open: label, id, intent, route, events and how long it took.
void WriteTimelines(std::ostream& out, SvgIds& ids, const harness::ScenarioResult& s) {
  if (s.timelines.empty()) {
    out << "<h3>Timelines</h3>\n<p class=\"muted\">No ticket.</p>\n";
    return;
  }
  out << "<h3>Timelines (" << Plural(static_cast<long long>(s.timelines.size()), "ticket", "tickets") << ")</h3>\n";
  if (s.timelines.size() > kMaxTimelines) {
    out << "<p class=\"muted\">The first " << kMaxTimelines << " of " << s.timelines.size()
        << " tickets; the trace holds them all.</p>\n";
  }
  const bool open = !s.passed() && s.timelines.size() <= kOpenTimelinesUpTo;
  for (std::size_t i = 0; i < s.timelines.size() && i < kMaxTimelines; ++i) {
    const auto& t = s.timelines[i];
    const std::string id_text = "#" + std::to_string(t.ticket_id);
    out << "<details class=\"ticket\"" << (open ? " open" : "") << "><summary><strong>"
        << EscapeHtml(t.label.empty() ? id_text : t.label) << "</strong>";
    if (!t.label.empty() && t.label != id_text) out << " \u00b7 ticket " << t.ticket_id;
    out << " \u00b7 " << EscapeHtml(t.intent.empty() ? "untriaged" : t.intent) << " \u00b7 "
        << EscapeHtml(t.route.empty() ? "no route" : t.route) << " \u00b7 "
        << Plural(static_cast<long long>(t.entries.size()), "event", "events") << " over "
        << EscapeHtml(FormatDuration(Span(t))) << "</summary>\n"
        << detail::Swimlane(ids, t) << "\n<table class=\"timeline\">\n<thead><tr><th scope=\"col\" class=\"num\">"
        << "Virtual time</th><th scope=\"col\">Service</th><th scope=\"col\">What</th></tr></thead>\n<tbody>\n";
    for (std::size_t r = 0; r < t.entries.size() && r < kMaxTimelineRows; ++r) {
      const auto& e = t.entries[r];
      out << "<tr><td class=\"num\">" << EscapeHtml(FormatClock(e.t_seconds)) << "</td><td>" << EscapeHtml(e.service)
          << "</td><td>" << EscapeHtml(e.what) << "</td></tr>\n";
    }
    out << "</tbody>\n</table>\n";
    if (t.entries.size() > kMaxTimelineRows) {
      out << "<p class=\"muted\">" << t.entries.size() - kMaxTimelineRows << " more events in the trace.</p>\n";
    }
    out << "</details>\n";
  }
}

// How to replay the scenario and where its trace is.
void WriteMeta(std::ostream& out, const harness::ScenarioResult& s) {
  out << "<dl class=\"meta\"><dt>Seed</dt><dd><code>" << s.seed << "</code></dd><dt>Replay</dt><dd><code>"
      << EscapeHtml(ReplayCommand(s)) << "</code></dd><dt>Virtual time</dt><dd>"
      << EscapeHtml(FormatDuration(s.virtual_seconds)) << "</dd><dt>Duration</dt><dd>"
      << EscapeHtml(FormatDuration(s.wall_seconds)) << "</dd><dt>Trace</dt><dd>";
  WriteTraceLink(out, s);
  out << "</dd></dl>\n";
}

// A scenario's section. A passing one is a heading, one line and a closed <details> (a suite is
// mostly passing scenarios, and the page must stay short); a failing one shows how to replay it
// and what failed, with its details open.
void WriteScenario(std::ostream& out, SvgIds& ids, const harness::ScenarioResult& s, std::size_t index) {
  const std::string id = "s-" + std::to_string(index + 1);
  const int oracles_passed = OraclesPassed(s);
  out << "<section class=\"scenario st-" << StatusClass(s.status) << "\" id=\"" << id << "\" aria-labelledby=\"" << id
      << "-h\">\n<h2 id=\"" << id << "-h\">" << Badge(s.status) << " " << EscapeHtml(s.name.empty() ? s.file : s.name)
      << "</h2>\n<p class=\"gist\"><code>" << EscapeHtml(s.file) << "</code> \u00b7 " << ExpectationsHeld(s) << "/"
      << s.expectations.size() << " expectations held \u00b7 " << oracles_passed << "/" << s.oracles.size()
      << " oracles passed \u00b7 " << Plural(s.kpis.tickets, "ticket", "tickets") << "</p>\n";
  if (!s.passed()) WriteMeta(out, s);
  if (!s.error.empty()) {
    out << "<div class=\"problem\"><h4>" << (s.status == "error" ? "The scenario did not run" : "Error")
        << "</h4><pre>" << EscapeHtml(s.error) << "</pre></div>\n";
  }
  WriteProblems(out, s);
  const bool empty = s.expectations.empty() && s.oracles.empty() && s.timelines.empty() && s.kpis.tickets == 0 &&
                     s.kpis.orders == 0;
  if (empty) {  // a scenario in error: nothing ran, the error says it all
    out << "</section>\n";
    return;
  }
  if (s.passed()) {
    out << "<details><summary>Replay, verdicts, support KPIs and timelines</summary>\n";
    WriteMeta(out, s);
  } else {
    out << "<details open><summary>Verdicts, support KPIs and timelines</summary>\n";
  }
  WriteVerdicts(out, s);
  out << "<h3>Support KPIs</h3>\n";
  if (s.kpis.tickets == 0 && s.kpis.orders == 0) {
    out << "<p class=\"muted\">No orders or tickets.</p>\n";
  } else {
    const bool charts = s.kpis.tickets >= kMinTicketsForCharts;
    KpiBlock(out, ids, s.kpis, "this scenario", s.name.empty() ? "this scenario" : s.name, charts);
    if (!charts) {
      out << "<p class=\"muted\">Charts are drawn for scenarios with " << kMinTicketsForCharts
          << " tickets or more; the overview charts all scenarios together.</p>\n";
    }
  }
  WriteTimelines(out, ids, s);
  out << "</details>\n</section>\n";
}

}  // namespace

void WriteHtmlReport(const harness::RunResult& run, std::ostream& out) {
  SvgIds ids;
  WriteHead(out, run);
  WriteHeader(out, run);
  out << "<main>\n";
  WriteOverview(out, ids, run);
  WriteScenarioTable(out, run);
  for (std::size_t i = 0; i < run.scenarios.size(); ++i) WriteScenario(out, ids, run.scenarios[i], i);
  out << "</main>\n<footer><p>Written by rehearse from the run's result. Self-contained: it loads nothing from the "
         "network. Replay any scenario with the command shown in its section.</p></footer>\n"
      << "<script>" << kScript << "</script>\n</body>\n</html>\n";
}

}  // namespace rh::reports
