// Renderers of a what-if comparison (harness/compare_result.h): text for a terminal, JSON for tools, and
// a self-contained HTML page with the KPIs of both sides drawn side by side. Deterministic: the
// same comparison renders to the same bytes.
#pragma once

#include <ostream>

#include "harness/compare_result.h"

namespace rh::reports {

void WriteCompareText(const harness::CompareResult& result, std::ostream& out);
void WriteCompareJson(const harness::CompareResult& result, std::ostream& out);
void WriteCompareHtml(const harness::CompareResult& result, std::ostream& out);

}  // namespace rh::reports
