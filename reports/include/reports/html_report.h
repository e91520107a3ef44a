// The HTML report of a run for people: one self-contained file (inline CSS and SVG, a few lines
// of inline script for expand/collapse only; no font, script, image or request from anywhere
// else, and a Content-Security-Policy that makes the browser refuse any), readable on screen and
// on paper.
//
// Contents: totals, with links to the scenarios that did not pass; the KPIs of all scenarios
// together (charts drawn here in SVG: tickets by intent, first-response histogram and percentiles,
// automation and reopen rates, cost per ticket split into AI resolutions and agent time, and the
// cost per ticket of each scenario); the scenario table; per scenario its failed expectations and
// oracle violations with their trace excerpt, every verdict, its KPIs (with the same charts from
// five tickets up), and a collapsed timeline per ticket (a swimlane and a table). A passing
// scenario is one line until opened; a failing one opens with how to replay it.
//
// All text from the result is HTML-escaped. Deterministic except for what the result itself holds
// (wall times). Writes only to `out`; never throws on the result's content.
#pragma once

#include <ostream>

#include "harness/run_result.h"

namespace rh::reports {

void WriteHtmlReport(const harness::RunResult& run, std::ostream& out);

}  // namespace rh::reports
