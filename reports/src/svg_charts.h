// SVG charts for the HTML report, drawn from numbers by our own code (no library, no script):
// horizontal bars, a histogram, stacked bars, and a ticket's swimlane. Each returns one <svg>
// element with a <title> and a <desc> for screen readers and a <title> on every mark (its value
// on hover). Colours come from CSS classes the page defines, so the stylesheet and print decide
// them. Deterministic: coordinates are written with fixed decimals; ids come from SvgIds.
// Internal to rh_reports.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/run_result.h"

namespace rh::reports::detail {

// Unique, deterministic element ids for one page ("svg-1", "svg-2", ...).
class SvgIds {
 public:
  std::string Next();

 private:
  int next_ = 1;
};

struct Bar {
  std::string label;
  double value = 0;
  std::string value_text;  // shown at the end of the bar
  std::string css_class = "bar";
};

// One horizontal bar per entry, from 0 to `max` (the largest value when `max` <= 0).
std::string BarChart(SvgIds& ids, std::string_view title, std::string_view desc, const std::vector<Bar>& bars,
                     double max = 0);

struct Bin {
  std::string label;  // "1-5 min"
  int count = 0;
};

// Vertical bars of counts, one per bin, labelled underneath.
std::string Histogram(SvgIds& ids, std::string_view title, std::string_view desc, const std::vector<Bin>& bins,
                      std::string_view x_label);

struct Segment {
  std::string name;  // "AI resolutions"
  double value = 0;
  std::string css_class;  // "seg-ai"
};

struct StackedRow {
  std::string label;
  std::vector<Segment> segments;
  std::string total_text;  // shown at the end of the row
};

// One horizontal bar per row, its segments side by side, all rows on one scale; a legend of
// `legend` (name, css class) above.
std::string StackedBarChart(SvgIds& ids, std::string_view title, std::string_view desc,
                            const std::vector<StackedRow>& rows,
                            const std::vector<std::pair<std::string, std::string>>& legend,
                            std::string (*format_value)(double));

// First-response times in buckets a support lead reads at a glance (under 10 s: automatic; over
// an hour: a human queue), not equal widths: the distribution spans seconds to days.
std::vector<Bin> FirstResponseBins(const std::vector<double>& samples_s);

// One lane per service that saw the ticket, a dot per entry, time since the ticket's first entry
// on a logarithmic axis (an automatic reply in seconds and an agent's in hours both stay visible).
// At most kMaxSwimlaneEntries dots.
inline constexpr std::size_t kMaxSwimlaneEntries = 200;
std::string Swimlane(SvgIds& ids, const harness::TicketTimeline& ticket);

}  // namespace rh::reports::detail
