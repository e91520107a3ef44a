// summary.json: the machine-readable verdicts and KPIs of a run. Keys in a fixed order, numbers
// rounded to a fixed number of decimals, so the same run gives the same bytes whatever the order
// in which scenarios finished (--jobs); wall-clock durations, the only values that differ between
// runs, are written only when asked. Never throws on the result's content (invalid UTF-8 is
// replaced by U+FFFD).
//
// Shape (schema 1):
//   { "schema": 1, "build", "seed",
//     "totals": { "scenarios", "passed", "failed" },          // failed counts "error" too
//     "kpis": { ...all scenarios together (reports/kpis.h) },
//     "scenarios": [ { "name", "file", "status", "error"?, "seed", "replay",
//                      "wall_seconds"?, "virtual_seconds", "trace_file", "trace_digest",
//                      "expectations": [ { "what", "held", "detail" } ],
//                      "oracles": [ { "id", "title", "held", "expected_to_fire", "passed",
//                                     "message", "evidence": [ ...trace lines ] } ],
//                      "kpis": { "orders", "tickets", "tickets_by_intent", "contact_rate",
//                                "first_response_p50_s", "first_response_p90_s",
//                                "resolution_p50_s", "automation_rate", "reopen_rate",
//                                "ai_cost", "agent_cost", "cost_per_ticket",
//                                "tickets_answered" } } ] }
// Absent percentiles are null. Per-ticket timelines and first-response samples are not written
// (the HTML report draws them; the trace holds everything).
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "harness/run_result.h"

namespace rh::reports {

// The document above, for callers that want to add to it or test it.
nlohmann::ordered_json SummaryJson(const harness::RunResult& run, bool include_wall_times);

// The document, indented by two spaces, with a final newline.
void WriteSummaryJson(const harness::RunResult& run, std::ostream& out, bool include_wall_times);

}  // namespace rh::reports
