// What a run of scenarios produced: per scenario its verdicts (expectations and oracles), KPIs
// and per-ticket timelines, plus totals. Plain data: the runner fills it, reports/ renders it
// (JUnit XML, summary.json, HTML), and nothing here depends on how it was produced.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rh::harness {

// One invariant of DESIGN.md (I1..I11, and the differential I12) checked on one run.
struct OracleResult {
  std::string id;       // "I1"
  std::string title;    // "no promotion to a customer with a live issue"
  bool held = true;     // false: violated at least once
  bool expected_to_fire = false;  // a negative scenario expects this oracle to fire
  // False when the system under test does not give what the oracle reads (an outside pipeline
  // without a decision log, say): `message` says why. Shown as such, never as a pass.
  bool applicable = true;
  std::string message;  // what was violated, for a person ("review request sent to ana@... at 2d3h while ...")
  // The trace records that prove the violation, as JSONL lines of the run's trace (at most a few).
  std::vector<std::string> evidence;
  // Passed = held, or fired when expected to.
  // Not applicable neither passes nor fails a scenario; the reports show it apart.
  bool passed() const { return !applicable || held != expected_to_fire; }
};

// One `expect:` entry of a scenario.
struct ExpectationResult {
  std::string what;    // "ticket t1: route is auto_send"
  bool held = true;
  std::string detail;  // what was found instead
};

// What happened to one ticket, in virtual time, as each service saw it.
struct TimelineEntry {
  double t_seconds = 0;  // since the start of the run
  std::string service;   // "customer", "gorgias", "pipeline", "shopify", "klaviyo", "llm", "agent"
  std::string what;      // "wrote on email: Where is my order?", "classified wismo (0.99, rules)"
};

struct TicketTimeline {
  std::uint64_t ticket_id = 0;
  std::string label;   // the scenario's handle ("t1") or the customer's e-mail
  std::string intent;  // as triaged
  std::string route;   // "auto_send", "human", "" (never decided)
  std::vector<TimelineEntry> entries;
};

// Support KPIs of one run (DESIGN.md "Facts for models and profiles" for the prices).
struct Kpis {
  int orders = 0;
  int tickets = 0;
  std::map<std::string, int> tickets_by_intent;
  double contact_rate = 0;  // tickets per order
  // Seconds from the customer's first message to the first reply that reached them.
  std::optional<double> first_response_p50_s, first_response_p90_s;
  // Seconds from the first message to the ticket's resolution (closed, or an automatic answer).
  std::optional<double> resolution_p50_s;
  double automation_rate = 0;  // tickets answered automatically / tickets
  double reopen_rate = 0;      // tickets the customer wrote to again after an answer / tickets answered
  double ai_cost = 0;          // automated resolutions x the per-resolution price
  double agent_cost = 0;       // agent minutes x the configured rate
  double cost_per_ticket = 0;
  // Distribution of first-response times for the chart (seconds, one per ticket answered).
  std::vector<double> first_response_samples_s;
};

// The KPIs' percentile rule: the value at rank round(p x (n - 1)) of the sorted values, `p`
// clamped to [0, 1]; nullopt when there are none. The runner and the reports both use it, so a
// report's pooled p50 agrees with a scenario's. Inline: reports link no harness code.
inline std::optional<double> Percentile(std::vector<double> values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const double clamped = std::clamp(p, 0.0, 1.0);
  const auto rank = static_cast<std::size_t>(clamped * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(rank, values.size() - 1)];
}

struct ScenarioResult {
  std::string name;
  std::string file;    // as given on the command line
  std::string status;  // "passed", "failed", "error" (the file did not load or the run broke)
  std::string error;   // for "error": the message naming file, line and field
  double wall_seconds = 0;      // real time the run took (excluded from determinism checks)
  std::uint64_t seed = 0;
  double virtual_seconds = 0;   // virtual time simulated
  std::vector<ExpectationResult> expectations;
  std::vector<OracleResult> oracles;
  Kpis kpis;
  std::vector<TicketTimeline> timelines;
  std::string trace_file;    // relative to the report folder; "" when not written
  std::string trace_digest;  // sim::Trace::Digest of the run's trace
  // The one line that replays this scenario exactly ("rehearse run --seed 7 scenarios/a.yaml"),
  // written by the runner; a file that did not load has no seed to give.
  std::string replay;
  // The system under test: "" for the reference pipeline in-process, else what ran
  // ("command: python3 pipeline.py", "url: http://127.0.0.1:9000"), and how time was stepped.
  std::string pipeline;
  std::string pipeline_note;
  bool passed() const { return status == "passed"; }
};

struct RunResult {
  std::string build;  // version and commit
  std::uint64_t seed = 0;
  std::vector<ScenarioResult> scenarios;
  int passed() const;
  int failed() const;  // failed or error
};

inline int RunResult::passed() const {
  int n = 0;
  for (const auto& s : scenarios) n += s.passed() ? 1 : 0;
  return n;
}
inline int RunResult::failed() const { return static_cast<int>(scenarios.size()) - passed(); }

}  // namespace rh::harness
