// The load rehearsal's HTML page: a summary, the load section's charts over time (arrivals,
// the queues, first-response percentiles, 429s per vendor), the plan, the thresholds and the
// oracles. Self-contained (inline CSS and SVG, a content security policy that refuses every
// outside request), no script. Deterministic: fixed decimals, no clock.
#include <algorithm>
#include <string>
#include <vector>

#include "reports/load_report.h"
#include "reports/text.h"

namespace rh::reports {
namespace {

using harness::load::LoadResult;

struct Series {
  std::string name;
  std::string colour;
  std::vector<double> values;  // one per hour
};

constexpr int kWidth = 900, kHeight = 220, kLeft = 56, kBottom = 28, kTop = 24;

// Lines over the run's hours on one scale from 0, a grid line per day, a legend on top.
std::string TimeChart(const std::string& title, const std::string& unit, const std::vector<Series>& series,
                      std::size_t hours, double (*scale)(double)) {
  double top = 0;
  for (const auto& s : series) {
    for (double v : s.values) top = std::max(top, scale(v));
  }
  if (top <= 0) top = 1;
  const double plot_w = kWidth - kLeft - 10, plot_h = kHeight - kTop - kBottom;
  const auto x = [&](std::size_t h) { return kLeft + plot_w * static_cast<double>(h) / static_cast<double>(std::max<std::size_t>(1, hours)); };
  const auto y = [&](double v) { return kTop + plot_h * (1 - scale(v) / top); };
  std::string svg = "<svg viewBox=\"0 0 " + std::to_string(kWidth) + " " + std::to_string(kHeight) +
                    "\" role=\"img\" width=\"100%\"><title>" + EscapeHtml(title) + "</title>";
  for (std::size_t day = 0; day * 24 < hours; ++day) {
    const std::string gx = FormatFixed(x(day * 24), 1);
    svg += "<line x1=\"" + gx + "\" x2=\"" + gx + "\" y1=\"" + std::to_string(kTop) + "\" y2=\"" +
           FormatFixed(kTop + plot_h, 1) + "\" stroke=\"#d0d7de\" stroke-dasharray=\"3 3\"/>";
    svg += "<text x=\"" + gx + "\" y=\"" + std::to_string(kHeight - 8) + "\" font-size=\"11\">day " + std::to_string(day + 1) + "</text>";
  }
  // The scale: the top of the plot and zero.
  svg += "<text x=\"4\" y=\"" + std::to_string(kTop + 4) + "\" font-size=\"11\">" + EscapeHtml(FormatFixed(top, top < 10 ? 1 : 0) + " " + unit) +
         "</text><text x=\"4\" y=\"" + FormatFixed(kTop + plot_h, 1) + "\" font-size=\"11\">0</text>";
  svg += "<line x1=\"" + std::to_string(kLeft) + "\" x2=\"" + std::to_string(kWidth - 10) + "\" y1=\"" + std::to_string(kTop) +
         "\" y2=\"" + std::to_string(kTop) + "\" stroke=\"#d0d7de\" stroke-dasharray=\"3 3\"/>";
  svg += "<line x1=\"" + std::to_string(kLeft) + "\" x2=\"" + std::to_string(kWidth - 10) + "\" y1=\"" +
         FormatFixed(kTop + plot_h, 1) + "\" y2=\"" + FormatFixed(kTop + plot_h, 1) + "\" stroke=\"#57606a\"/>";
  int legend_x = kLeft;
  for (const auto& s : series) {
    std::string points;
    for (std::size_t h = 0; h < s.values.size(); ++h) {
      points += FormatFixed(x(h), 1) + "," + FormatFixed(y(s.values[h]), 1) + " ";
    }
    svg += "<polyline fill=\"none\" stroke=\"" + s.colour + "\" stroke-width=\"1.5\" points=\"" + points + "\"><title>" +
           EscapeHtml(s.name) + "</title></polyline>";
    svg += "<rect x=\"" + std::to_string(legend_x) + "\" y=\"6\" width=\"10\" height=\"10\" fill=\"" + s.colour + "\"/>";
    svg += "<text x=\"" + std::to_string(legend_x + 14) + "\" y=\"15\" font-size=\"11\">" + EscapeHtml(s.name) + "</text>";
    legend_x += 24 + static_cast<int>(s.name.size()) * 7;
  }
  return svg + "</svg>";
}

double Linear(double v) { return v; }

std::vector<double> Column(const LoadResult& r, double (*get)(const harness::load::LoadHour&)) {
  std::vector<double> out;
  for (const auto& h : r.hours) out.push_back(get(h));
  return out;
}

std::string Charts(const LoadResult& r) {
  const std::size_t hours = r.hours.size();
  std::string out = "<section class=\"load\"><h2>Load over time</h2>";
  out += "<figure>" + TimeChart("Arrivals per hour", "tickets",
                                {{"expected", "#8c959f", Column(r, [](const auto& h) { return h.tickets_expected; })},
                                 {"arrived", "#0969da", Column(r, [](const auto& h) { return double(h.arrivals); })},
                                 {"automated", "#1a7f37", Column(r, [](const auto& h) { return double(h.automated); })},
                                 {"handed over", "#bc4c00", Column(r, [](const auto& h) { return double(h.handed_over); })}},
                                hours, Linear) +
         "<figcaption>Tickets opened per hour against the curve, and what became of them.</figcaption></figure>";
  out += "<figure>" + TimeChart("Queues at each hour's end", "tickets",
                                {{"waiting for the pipeline", "#8250df", Column(r, [](const auto& h) { return double(h.backlog_pipeline); })},
                                 {"waiting for a person", "#cf222e", Column(r, [](const auto& h) { return double(h.backlog_person); })}},
                                hours, Linear) +
         "<figcaption>The backlog of each queue.</figcaption></figure>";
  out += "<figure>" + TimeChart("First response by arrival hour", "hours",
                                {{"p50", "#1a7f37", Column(r, [](const auto& h) { return h.first_response.p50_s / 3600; })},
                                 {"p90", "#bc4c00", Column(r, [](const auto& h) { return h.first_response.p90_s / 3600; })},
                                 {"p99", "#cf222e", Column(r, [](const auto& h) { return h.first_response.p99_s / 3600; })}},
                                hours, Linear) +
         "<figcaption>Percentiles of the time to the first reply that reached the customer, SLA " +
         EscapeHtml(FormatDuration(r.sla_s)) + ".</figcaption></figure>";
  std::vector<Series> limited;
  const char* colours[] = {"#0969da", "#bc4c00", "#8250df", "#1a7f37"};
  std::size_t c = 0;
  for (const auto& [service, load] : r.services) {
    Series s{service, colours[c++ % 4], {}};
    for (const auto& h : r.hours) {
      const auto it = h.http_429.find(service);
      s.values.push_back(it == h.http_429.end() ? 0.0 : static_cast<double>(it->second));
    }
    limited.push_back(std::move(s));
  }
  out += "<figure>" + TimeChart("429s per hour by vendor", "429s", limited, hours, Linear) +
         "<figcaption>Requests each vendor refused for its rate limit.</figcaption></figure></section>";
  return out;
}

std::string PlanSection(const LoadResult& r) {
  std::string out = "<section><h2>Capacity plan</h2><table><thead><tr><th>shift</th><th>rostered</th><th>needed</th>"
                    "<th>busiest hour</th><th>handed over / h</th><th>erlangs</th><th>person queue max</th>"
                    "<th>within SLA (simulated)</th></tr></thead><tbody>";
  for (const auto& s : r.plan.shifts) {
    out += "<tr><td>" + EscapeHtml(s.name) + "</td><td>" + std::to_string(s.rostered) + "</td><td" +
           (s.needed > s.rostered ? " class=\"bad\"" : "") + ">" + std::to_string(s.needed) + "</td><td>" +
           std::to_string(s.busiest_hour) + "</td><td>" + FormatFixed(s.handed_over_per_hour, 0) + "</td><td>" +
           FormatFixed(s.offered_load_erlangs, 2) + "</td><td>" + std::to_string(s.simulated_backlog_max) + "</td><td>" +
           FormatPercent(s.simulated_sla_met) + "</td></tr>";
  }
  out += "</tbody></table><p>Vendor limit: " +
         EscapeHtml(r.plan.bottleneck.empty() ? std::string("no vendor's limit cost any time")
                                              : r.plan.bottleneck + " cost " + FormatDuration(r.plan.bottleneck_wait_s) +
                                                    " of waiting; " + r.plan.tier_advice) +
         "</p><p>AI bill " + EscapeHtml(FormatMoney(r.plan.ai_bill)) + ": " + std::to_string(r.plan.ai_resolutions) +
         " resolutions, " + std::to_string(r.plan.ai_included) + " included (" + EscapeHtml(FormatMoney(r.plan.ai_plan_cost)) +
         "), " + std::to_string(r.plan.ai_overage) + " overage (" + EscapeHtml(FormatMoney(r.plan.ai_overage_cost)) + ").</p>";
  if (!r.plan.sweep.empty()) {
    out += "<table><caption>Sweep over multipliers</caption><thead><tr><th>multiplier</th><th>tickets</th>"
           "<th>first response p90</th><th>within SLA</th><th>queue max</th><th>SLA</th></tr></thead><tbody>";
    for (const auto& s : r.plan.sweep) {
      out += "<tr><td>x" + FormatFixed(s.multiplier, 2) + "</td><td>" + std::to_string(s.arrivals) + "</td><td>" +
             FormatDuration(s.first_response_p90_s) + "</td><td>" + FormatPercent(s.sla_met) + "</td><td>" +
             std::to_string(s.backlog_max) + "</td><td class=\"" + (s.held ? "ok\">holds" : "bad\">breaks") + "</td></tr>";
    }
    out += "</tbody></table>";
  }
  return out + "</section>";
}

std::string Verdicts(const LoadResult& r) {
  std::string out = "<section><h2>Thresholds</h2><ul>";
  for (const auto& t : r.thresholds) {
    out += "<li class=\"" + std::string(t.held ? "ok" : "bad") + "\"><code>" + EscapeHtml(t.expression) + "</code>: " +
           EscapeHtml(t.detail) + "</li>";
  }
  out += "</ul><h2>Oracles</h2><ul>";
  for (const auto& o : r.oracles) {
    out += "<li class=\"" + std::string(o.held ? "ok" : "bad") + "\">" + EscapeHtml(o.id + " " + o.title) +
           (o.held ? "" : ": " + EscapeHtml(o.message)) + "</li>";
  }
  return out + "</ul></section>";
}

}  // namespace

void WriteLoadHtml(const LoadResult& r, std::ostream& out) {
  out << "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
         "<title>Load rehearsal: "
      << EscapeHtml(r.profile)
      << "</title><style>body{margin:0 auto;max-width:1000px;padding:12px 24px;color:#1f2328;"
         "font:14px/1.45 system-ui,sans-serif}table{border-collapse:collapse;margin:8px 0}th,td{border-bottom:1px solid "
         "#d0d7de;padding:4px 8px;text-align:left}figure{margin:12px 0;border:1px solid #d0d7de;border-radius:6px;"
         "padding:8px}figcaption{color:#57606a}.ok{color:#1a7f37}.bad{color:#cf222e;font-weight:600}"
         "code{background:#f6f8fa;padding:1px 4px}</style></head><body>";
  out << "<h1>Load rehearsal: " << EscapeHtml(r.profile) << "</h1><p><code>" << EscapeHtml(r.file) << "</code>, seed "
      << r.seed << ", multiplier x" << FormatFixed(r.multiplier, 2) << ", " << EscapeHtml(r.mode) << " mode, "
      << EscapeHtml(FormatDuration(r.virtual_seconds)) << " of virtual time; build " << EscapeHtml(r.build)
      << "</p><p>Replay: <code>rehearse load --mode sim --seed " << r.seed << " --multiplier "
      << FormatFixed(r.multiplier, 2) << " " << EscapeHtml(r.file) << "</code></p>";
  out << "<p>" << r.arrivals << " tickets: " << r.automated << " automated, " << r.handed_over << " handed over, "
      << r.unanswered << " unanswered at the end. First response p50 " << EscapeHtml(FormatDuration(r.first_response.p50_s))
      << ", p90 " << EscapeHtml(FormatDuration(r.first_response.p90_s)) << ", p99 "
      << EscapeHtml(FormatDuration(r.first_response.p99_s)) << "; " << EscapeHtml(FormatPercent(r.sla_met))
      << " within the SLA.</p>";
  out << Charts(r) << PlanSection(r) << Verdicts(r) << "</body></html>\n";
}

}  // namespace rh::reports
