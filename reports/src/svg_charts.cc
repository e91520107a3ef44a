#include "svg_charts.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

#include "reports/text.h"

namespace rh::reports::detail {
namespace {

constexpr double kWidth = 640;  // every chart's viewBox width, in SVG user units (CSS pixels)

// A coordinate, one decimal: enough for a screen, and the same bytes every run.
std::string F(double v) { return FormatFixed(v, 1); }

// Opens the <svg> with its accessible name and description; the caller closes it.
void Open(std::ostringstream& svg, SvgIds& ids, std::string_view title, std::string_view desc, double height,
          std::string_view extra_class = "") {
  const std::string id = ids.Next();
  svg << "<svg class=\"chart" << (extra_class.empty() ? "" : " ") << extra_class << "\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
      << F(kWidth) << " " << F(height) << "\" width=\"" << F(kWidth) << "\" height=\"" << F(height)
      << "\" role=\"img\" aria-labelledby=\"" << id << "-t " << id << "-d\">"
      << "<title id=\"" << id << "-t\">" << EscapeHtml(title) << "</title>"
      << "<desc id=\"" << id << "-d\">" << EscapeHtml(desc) << "</desc>";
}

// The column left of the bars, sized to the longest label (in code points, at about 6.5 units a
// character at 11px) between a floor and a ceiling; longer labels are cut with "…" and shown whole
// on hover.
struct LabelColumn {
  double width;
  std::size_t max_chars;
};

LabelColumn FitLabels(const std::vector<std::string_view>& labels) {
  constexpr std::size_t kMaxChars = 40;
  constexpr double kCharWidth = 6.5, kMinWidth = 90, kMaxWidth = 12 + kCharWidth * kMaxChars;
  std::size_t longest = 0;
  for (const auto label : labels) {
    const auto code_points = static_cast<std::size_t>(
        std::count_if(label.begin(), label.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
    longest = std::max(longest, code_points);
  }
  const std::size_t chars = std::min(longest, kMaxChars);
  return {std::clamp(12 + kCharWidth * static_cast<double>(chars), kMinWidth, kMaxWidth), chars};
}

void NoData(std::ostringstream& svg, double height) {
  svg << "<text class=\"muted\" x=\"" << F(kWidth / 2) << "\" y=\"" << F(height / 2)
      << "\" text-anchor=\"middle\" dominant-baseline=\"middle\">no data</text>";
}

}  // namespace

std::string SvgIds::Next() { return "svg-" + std::to_string(next_++); }

std::string BarChart(SvgIds& ids, std::string_view title, std::string_view desc, const std::vector<Bar>& bars,
                     double max) {
  constexpr double kValueWidth = 110, kRow = 24, kBar = 16, kPad = 6;
  std::vector<std::string_view> labels;
  for (const auto& b : bars) labels.push_back(b.label);
  const auto [label_width, label_chars] = FitLabels(labels);
  const double height = bars.empty() ? 48 : kPad * 2 + kRow * static_cast<double>(bars.size());
  if (max <= 0) {
    for (const auto& b : bars) max = std::max(max, b.value);
  }
  const double plot = kWidth - label_width - kValueWidth;
  std::ostringstream svg;
  Open(svg, ids, title, desc, height);
  if (bars.empty()) NoData(svg, height);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const double y = kPad + kRow * static_cast<double>(i);
    const double w = max > 0 && std::isfinite(b.value) ? std::clamp(b.value / max, 0.0, 1.0) * plot : 0;
    svg << "<g><title>" << EscapeHtml(b.label) << ": " << EscapeHtml(b.value_text) << "</title>"
        << "<text x=\"" << F(label_width - 8) << "\" y=\"" << F(y + kRow / 2)
        << "\" text-anchor=\"end\" dominant-baseline=\"middle\">" << EscapeHtml(Truncate(b.label, label_chars)) << "</text>"
        << "<rect class=\"track\" x=\"" << F(label_width) << "\" y=\"" << F(y + (kRow - kBar) / 2) << "\" width=\""
        << F(plot) << "\" height=\"" << F(kBar) << "\"/>"
        << "<rect class=\"" << EscapeHtml(b.css_class) << "\" x=\"" << F(label_width) << "\" y=\""
        << F(y + (kRow - kBar) / 2) << "\" width=\"" << F(w) << "\" height=\"" << F(kBar) << "\"/>"
        << "<text x=\"" << F(label_width + w + 6) << "\" y=\"" << F(y + kRow / 2)
        << "\" dominant-baseline=\"middle\">" << EscapeHtml(b.value_text) << "</text></g>";
  }
  svg << "</svg>";
  return svg.str();
}

std::string Histogram(SvgIds& ids, std::string_view title, std::string_view desc, const std::vector<Bin>& bins,
                      std::string_view x_label) {
  constexpr double kHeight = 240, kLeft = 44, kRight = 12, kTop = 22, kBottom = 46;
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  int max = 0;
  for (const auto& b : bins) max = std::max(max, b.count);
  std::ostringstream svg;
  Open(svg, ids, title, desc, kHeight);
  const double base = kTop + plot_h;
  // Axes and the y scale (0 and the largest count: a histogram is read by shape, not by ticks).
  svg << "<line class=\"axis\" x1=\"" << F(kLeft) << "\" y1=\"" << F(base) << "\" x2=\"" << F(kWidth - kRight)
      << "\" y2=\"" << F(base) << "\"/>"
      << "<line class=\"axis\" x1=\"" << F(kLeft) << "\" y1=\"" << F(kTop) << "\" x2=\"" << F(kLeft) << "\" y2=\""
      << F(base) << "\"/>"
      << "<text x=\"" << F(kLeft - 6) << "\" y=\"" << F(base) << "\" text-anchor=\"end\" dominant-baseline=\"middle\">0</text>";
  if (max > 0) {
    svg << "<line class=\"grid\" x1=\"" << F(kLeft) << "\" y1=\"" << F(kTop) << "\" x2=\"" << F(kWidth - kRight)
        << "\" y2=\"" << F(kTop) << "\"/>"
        << "<text x=\"" << F(kLeft - 6) << "\" y=\"" << F(kTop) << "\" text-anchor=\"end\" dominant-baseline=\"middle\">"
        << max << "</text>";
  } else {
    NoData(svg, kHeight);
  }
  const double slot = bins.empty() ? plot_w : plot_w / static_cast<double>(bins.size());
  for (std::size_t i = 0; i < bins.size(); ++i) {
    const Bin& b = bins[i];
    const double x = kLeft + slot * static_cast<double>(i);
    const double h = max > 0 ? plot_h * b.count / max : 0;
    svg << "<g><title>" << EscapeHtml(b.label) << ": " << b.count << (b.count == 1 ? " ticket" : " tickets")
        << "</title><rect class=\"bar\" x=\"" << F(x + 3) << "\" y=\"" << F(base - h) << "\" width=\""
        << F(std::max(slot - 6, 1.0)) << "\" height=\"" << F(h) << "\"/>";
    if (b.count > 0) {
      svg << "<text x=\"" << F(x + slot / 2) << "\" y=\"" << F(base - h - 4) << "\" text-anchor=\"middle\">" << b.count
          << "</text>";
    }
    svg << "<text x=\"" << F(x + slot / 2) << "\" y=\"" << F(base + 14) << "\" text-anchor=\"middle\">"
        << EscapeHtml(b.label) << "</text></g>";
  }
  svg << "<text class=\"muted\" x=\"" << F(kLeft + plot_w / 2) << "\" y=\"" << F(kHeight - 8)
      << "\" text-anchor=\"middle\">" << EscapeHtml(x_label) << "</text>"
      << "<text class=\"muted\" x=\"" << F(kLeft) << "\" y=\"" << F(kTop - 10) << "\" text-anchor=\"middle\">tickets</text>";
  svg << "</svg>";
  return svg.str();
}

std::string StackedBarChart(SvgIds& ids, std::string_view title, std::string_view desc,
                            const std::vector<StackedRow>& rows,
                            const std::vector<std::pair<std::string, std::string>>& legend,
                            std::string (*format_value)(double)) {
  constexpr double kValueWidth = 100, kRow = 26, kBar = 18, kLegend = 26, kPad = 6;
  std::vector<std::string_view> labels;
  for (const auto& r : rows) labels.push_back(r.label);
  const auto [label_width, label_chars] = FitLabels(labels);
  const double height = kLegend + (rows.empty() ? 40 : kPad * 2 + kRow * static_cast<double>(rows.size()));
  double max = 0;
  for (const auto& r : rows) {
    double total = 0;
    for (const auto& s : r.segments) total += std::isfinite(s.value) && s.value > 0 ? s.value : 0;
    max = std::max(max, total);
  }
  const double plot = kWidth - label_width - kValueWidth;
  std::ostringstream svg;
  Open(svg, ids, title, desc, height);
  double lx = label_width;
  for (const auto& [name, css_class] : legend) {
    svg << "<rect class=\"" << EscapeHtml(css_class) << "\" x=\"" << F(lx) << "\" y=\"6\" width=\"12\" height=\"12\"/>"
        << "<text x=\"" << F(lx + 16) << "\" y=\"12\" dominant-baseline=\"middle\">" << EscapeHtml(name) << "</text>";
    lx += 24 + 7.0 * static_cast<double>(name.size());  // about 7 units per character at 11px
  }
  if (rows.empty()) {
    svg << "<text class=\"muted\" x=\"" << F(kWidth / 2) << "\" y=\"" << F(kLegend + 20)
        << "\" text-anchor=\"middle\" dominant-baseline=\"middle\">no data</text>";
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const StackedRow& r = rows[i];
    const double y = kLegend + kPad + kRow * static_cast<double>(i);
    svg << "<g><text x=\"" << F(label_width - 8) << "\" y=\"" << F(y + kRow / 2)
        << "\" text-anchor=\"end\" dominant-baseline=\"middle\"><title>" << EscapeHtml(r.label) << "</title>"
        << EscapeHtml(Truncate(r.label, label_chars)) << "</text>";
    double x = label_width;
    for (const auto& s : r.segments) {
      const double v = std::isfinite(s.value) && s.value > 0 ? s.value : 0;
      const double w = max > 0 ? v / max * plot : 0;
      svg << "<rect class=\"" << EscapeHtml(s.css_class) << "\" x=\"" << F(x) << "\" y=\"" << F(y + (kRow - kBar) / 2)
          << "\" width=\"" << F(w) << "\" height=\"" << F(kBar) << "\"><title>" << EscapeHtml(r.label) << ", "
          << EscapeHtml(s.name) << ": " << EscapeHtml(format_value(s.value)) << "</title></rect>";
      x += w;
    }
    svg << "<text x=\"" << F(x + 6) << "\" y=\"" << F(y + kRow / 2) << "\" dominant-baseline=\"middle\">"
        << EscapeHtml(r.total_text) << "</text></g>";
  }
  svg << "</svg>";
  return svg.str();
}

std::vector<Bin> FirstResponseBins(const std::vector<double>& samples_s) {
  // Upper bounds in seconds; the last bucket takes everything longer.
  static constexpr std::array<double, 7> kUpper = {10, 60, 300, 900, 3600, 4 * 3600, 24 * 3600};
  std::vector<Bin> bins = {{"< 10 s", 0}, {"10 s\u20131 min", 0}, {"1\u20135 min", 0}, {"5\u201315 min", 0},
                           {"15 min\u20131 h", 0}, {"1\u20134 h", 0}, {"4\u201324 h", 0}, {"\u2265 1 day", 0}};
  for (const double s : samples_s) {
    if (!std::isfinite(s)) continue;
    std::size_t i = 0;
    while (i < kUpper.size() && s >= kUpper[i]) ++i;
    ++bins[i].count;
  }
  return bins;
}

namespace {

// Services in the order a ticket usually travels; others follow in order of first appearance.
constexpr std::array<std::string_view, 7> kLaneOrder = {"customer", "gorgias", "pipeline", "llm",
                                                        "shopify",  "klaviyo", "agent"};

struct Tick {
  double seconds;
  std::string_view label;
};
constexpr std::array<Tick, 10> kTicks = {{{0, "0"},
                                           {1, "1 s"},
                                           {10, "10 s"},
                                           {60, "1 min"},
                                           {600, "10 min"},
                                           {3600, "1 h"},
                                           {6 * 3600, "6 h"},
                                           {86400, "1 d"},
                                           {7 * 86400, "7 d"},
                                           {30 * 86400, "30 d"}}};

}  // namespace

std::string Swimlane(SvgIds& ids, const harness::TicketTimeline& ticket) {
  const std::size_t n = std::min(ticket.entries.size(), kMaxSwimlaneEntries);
  std::vector<std::string> lanes;
  for (const auto name : kLaneOrder) {
    for (std::size_t i = 0; i < n; ++i) {
      if (ticket.entries[i].service == name) {
        lanes.emplace_back(name);
        break;
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& s = ticket.entries[i].service;
    if (std::find(lanes.begin(), lanes.end(), s) == lanes.end()) lanes.push_back(s);
  }
  double t0 = 0, span = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double t = ticket.entries[i].t_seconds;
    if (i == 0 || t < t0) t0 = t;
  }
  for (std::size_t i = 0; i < n; ++i) span = std::max(span, ticket.entries[i].t_seconds - t0);

  constexpr double kLabelWidth = 90, kRight = 16, kLane = 24, kTop = 6, kAxis = 34;
  const double plot = kWidth - kLabelWidth - kRight;
  const double height = kTop + kLane * static_cast<double>(std::max<std::size_t>(lanes.size(), 1)) + kAxis;
  const double log_span = std::log1p(span);
  auto x_of = [&](double dt) { return kLabelWidth + (log_span > 0 ? std::log1p(std::max(dt, 0.0)) / log_span * plot : 0); };
  auto lane_of = [&](const std::string& s) {
    return static_cast<std::size_t>(std::find(lanes.begin(), lanes.end(), s) - lanes.begin());
  };
  auto y_of = [&](std::size_t lane) { return kTop + kLane * (static_cast<double>(lane) + 0.5); };

  std::string desc = std::to_string(ticket.entries.size()) + " events across " + std::to_string(lanes.size()) +
                     " services over " + FormatDuration(span) + " of virtual time";
  if (ticket.entries.size() > n) desc += "; the first " + std::to_string(n) + " are drawn";
  std::ostringstream svg;
  Open(svg, ids, "Timeline of ticket " + ticket.label, desc, height, "swimlane");
  for (std::size_t l = 0; l < lanes.size(); ++l) {
    const double y = y_of(l);
    svg << "<line class=\"lane\" x1=\"" << F(kLabelWidth) << "\" y1=\"" << F(y) << "\" x2=\"" << F(kWidth - kRight)
        << "\" y2=\"" << F(y) << "\"/><text x=\"" << F(kLabelWidth - 8) << "\" y=\"" << F(y)
        << "\" text-anchor=\"end\" dominant-baseline=\"middle\">" << EscapeHtml(Truncate(lanes[l], 12)) << "</text>";
  }
  // Time axis: ticks at round durations that fit in the span, never closer than 40 units.
  const double axis_y = kTop + kLane * static_cast<double>(std::max<std::size_t>(lanes.size(), 1)) + 4;
  svg << "<line class=\"axis\" x1=\"" << F(kLabelWidth) << "\" y1=\"" << F(axis_y) << "\" x2=\"" << F(kWidth - kRight)
      << "\" y2=\"" << F(axis_y) << "\"/>";
  double last_x = -1e9;
  for (const Tick& tick : kTicks) {
    if (tick.seconds > span) break;
    const double x = x_of(tick.seconds);
    if (x - last_x < 40) continue;
    last_x = x;
    svg << "<line class=\"axis\" x1=\"" << F(x) << "\" y1=\"" << F(axis_y) << "\" x2=\"" << F(x) << "\" y2=\""
        << F(axis_y + 4) << "\"/><text x=\"" << F(x) << "\" y=\"" << F(axis_y + 15) << "\" text-anchor=\"middle\">"
        << tick.label << "</text>";
  }
  svg << "<text class=\"muted\" x=\"" << F(kWidth - kRight) << "\" y=\"" << F(axis_y + 28)
      << "\" text-anchor=\"end\">time since the ticket's first event (log scale), total "
      << EscapeHtml(FormatDuration(span)) << "</text>";
  // The path the ticket took, then a dot per event on top of it.
  if (n > 1) {
    svg << "<polyline class=\"flow\" points=\"";
    for (std::size_t i = 0; i < n; ++i) {
      const auto& e = ticket.entries[i];
      svg << (i > 0 ? " " : "") << F(x_of(e.t_seconds - t0)) << "," << F(y_of(lane_of(e.service)));
    }
    svg << "\"/>";
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto& e = ticket.entries[i];
    const std::size_t lane = lane_of(e.service);
    svg << "<circle class=\"dot lane-" << lane % 8 << "\" cx=\"" << F(x_of(e.t_seconds - t0)) << "\" cy=\""
        << F(y_of(lane)) << "\" r=\"5\"><title>" << EscapeHtml(FormatClock(e.t_seconds)) << " "
        << EscapeHtml(e.service) << ": " << EscapeHtml(e.what) << "</title></circle>";
  }
  svg << "</svg>";
  return svg.str();
}

}  // namespace rh::reports::detail
