// Renderers of a load rehearsal (harness/load_result.h): the short summary and plan for a
// terminal, summary.json for tools (the same numbers: per hour, per vendor, the plan, the
// thresholds), JUnit XML with one case per threshold for CI, and a self-contained HTML page whose
// load section draws the run over time (arrivals, the queues, first-response percentiles, 429s)
// and the plan. Deterministic: the same result renders to the same bytes (wall time excepted,
// and left out of the JSON when `with_wall_time` is false).
#pragma once

#include <ostream>

#include "harness/load_result.h"

namespace rh::reports {

void WriteLoadText(const harness::load::LoadResult& result, std::ostream& out);
void WriteLoadJson(const harness::load::LoadResult& result, std::ostream& out, bool with_wall_time = true);
void WriteLoadJunit(const harness::load::LoadResult& result, std::ostream& out);
void WriteLoadHtml(const harness::load::LoadResult& result, std::ostream& out);

}  // namespace rh::reports
