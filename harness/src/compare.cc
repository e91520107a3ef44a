#include "harness/compare.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "harness/outside_pipeline.h"
#include "harness/runner.h"
#include "harness/scenario_loader.h"
#include "pipeline/policy.h"

namespace rh::harness {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// A ticket's decisions on one side, keyed by the label that matches it across sides.
using Decisions = std::map<std::string, TicketDecision>;

void Append(std::string& sequence, const std::string& value) {
  if (value.empty()) return;
  if (!sequence.empty()) sequence += " then ";
  sequence += value;
}

// Reads the pipeline's decisions from a trace: for each ticket, its triaged intents and routes in
// order (a follow-up message is decided again), and the last outcome.
std::map<std::uint64_t, TicketDecision> DecisionsInTrace(const std::string& path) {
  std::map<std::uint64_t, TicketDecision> out;
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    if (line.find("\"src\":\"pipeline\"") == std::string::npos) continue;
    const Json r = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!r.is_object() || !r.contains("ticket") || !r["ticket"].is_number_integer()) continue;
    TicketDecision& d = out[r["ticket"].get<std::uint64_t>()];
    const std::string kind = r.value("kind", "");
    if (kind == "triage") {
      Append(d.intent, r.value("intent", ""));
    } else if (kind == "route") {
      Append(d.route, r.value("route", ""));
      Append(d.rule, r.value("rule", ""));
    } else if (kind == "decision" && r.value("decision", "") != "triage" && !r.value("outcome", "").empty()) {
      d.outcome = r.value("outcome", "");
    }
  }
  return out;
}

Decisions ByLabel(const ScenarioResult& result, const std::map<std::uint64_t, TicketDecision>& by_id) {
  Decisions out;
  std::map<std::string, int> seen;
  for (const TicketTimeline& t : result.timelines) {
    const int n = ++seen[t.label];
    const std::string key = n == 1 ? t.label : t.label + " #" + std::to_string(n);
    auto it = by_id.find(t.ticket_id);
    out[key] = it == by_id.end() ? TicketDecision{} : it->second;
  }
  return out;
}

struct Pool {
  int scenarios = 0, passed = 0, tickets = 0, decided = 0;
  double automated = 0, reopened = 0, answered = 0, ai_cost = 0, agent_cost = 0;
  std::vector<double> first_responses;

  void Add(const ScenarioResult& r) {
    ++scenarios;
    passed += r.passed() ? 1 : 0;
    const Kpis& k = r.kpis;
    tickets += k.tickets;
    automated += k.automation_rate * k.tickets;
    const double answered_here = static_cast<double>(k.first_response_samples_s.size());
    answered += answered_here;
    reopened += k.reopen_rate * answered_here;
    ai_cost += k.ai_cost;
    agent_cost += k.agent_cost;
    first_responses.insert(first_responses.end(), k.first_response_samples_s.begin(), k.first_response_samples_s.end());
    for (const TicketTimeline& t : r.timelines) decided += t.route.empty() ? 0 : 1;
  }

  PooledKpis Pooled() const {
    PooledKpis k;
    k.scenarios = scenarios;
    k.scenarios_passed = passed;
    k.tickets = tickets;
    k.decided = decided;
    k.automation_rate = tickets > 0 ? automated / tickets : 0;
    k.reopen_rate = answered > 0 ? reopened / answered : 0;
    k.first_response_p50_s = Percentile(first_responses, 0.5);
    k.first_response_p90_s = Percentile(first_responses, 0.9);
    k.ai_cost = ai_cost;
    k.agent_cost = agent_cost;
    k.cost_per_ticket = tickets > 0 ? (ai_cost + agent_cost) / tickets : 0;
    return k;
  }
};

std::string Points(double rate) { return std::to_string(static_cast<int>(rate * 1000 + 0.5) / 10.0).substr(0, 5); }

std::vector<std::string> Worse(const CompareResult& r, const CompareThresholds& t) {
  std::vector<std::string> out;
  for (const OracleChange& o : r.oracles) {
    if (o.passed_a && !o.passed_b) out.push_back(o.scenario + ": " + o.id + " (" + o.title + ") fails under B");
  }
  const PooledKpis &a = r.a, &b = r.b;
  if ((a.automation_rate - b.automation_rate) * 100 > t.automation_drop_points) {
    out.push_back("automation rate falls from " + Points(a.automation_rate) + "% to " + Points(b.automation_rate) +
                  "% (more than " + Points(t.automation_drop_points / 100) + " points)");
  }
  if ((b.reopen_rate - a.reopen_rate) * 100 > t.reopen_rise_points) {
    out.push_back("reopen rate rises from " + Points(a.reopen_rate) + "% to " + Points(b.reopen_rate) + "%");
  }
  if (a.first_response_p90_s && b.first_response_p90_s &&
      *b.first_response_p90_s > *a.first_response_p90_s * (1 + t.first_response_p90_rise)) {
    out.push_back("first-response p90 rises from " + std::to_string(static_cast<long>(*a.first_response_p90_s)) +
                  " s to " + std::to_string(static_cast<long>(*b.first_response_p90_s)) + " s");
  }
  if (b.cost_per_ticket > a.cost_per_ticket * (1 + t.cost_per_ticket_rise) + 1e-9) {
    out.push_back("cost per ticket rises from $" + std::to_string(a.cost_per_ticket).substr(0, 5) + " to $" +
                  std::to_string(b.cost_per_ticket).substr(0, 5));
  }
  return out;
}

// Runs one scenario under one side's policy; the trace goes to `trace`.
ScenarioResult RunSide(const scenario::Scenario& loaded, const std::optional<pipeline::Policy>& policy,
                       const std::string& policy_file, const CompareOptions& options, const std::string& trace,
                       const std::shared_ptr<const OutsidePipelineConfig>& outside) {
  scenario::Scenario s = loaded;
  if (policy) {
    s.policy = *policy;
    s.policy_file = policy_file;
  }
  RunOptions run;
  run.seed = options.seed;
  run.trace_path = trace;
  run.outside = outside;
  return RunScenario(s, run);
}

}  // namespace

CompareResult Compare(const std::vector<std::string>& scenario_files, const CompareOptions& options) {
  CompareResult out;
  out.policy_a = options.pipeline_a ? options.pipeline_a->Describe() : options.policy_a;
  out.policy_b = options.pipeline_b ? options.pipeline_b->Describe() : options.policy_b;
  std::optional<pipeline::Policy> policies[2];
  const std::string* files[2] = {&options.policy_a, &options.policy_b};
  for (int side = 0; side < 2; ++side) {
    if (files[side]->empty()) continue;
    auto p = pipeline::LoadPolicyFile(*files[side]);
    if (!p) {
      out.errors.push_back(p.error().ToString());
      return out;
    }
    policies[side] = *p;
  }
  const bool temporary = options.traces_dir.empty();
  const fs::path dir = temporary ? fs::temp_directory_path() / ("rehearse-compare-" + std::to_string(::getpid()))
                                 : fs::path(options.traces_dir);
  fs::create_directories(dir / "a");
  fs::create_directories(dir / "b");

  Pool pools[2];
  int done = 0;
  for (const std::string& file : scenario_files) {
    auto loaded = LoadScenarioFile(file);
    if (!loaded) {
      out.errors.push_back(loaded.error().ToString());
      continue;
    }
    out.scenarios.push_back(loaded->name);
    Decisions decisions[2];
    ScenarioResult results[2];
    for (int side = 0; side < 2; ++side) {
      const std::string trace = (dir / (side == 0 ? "a" : "b") / (loaded->name + ".jsonl")).string();
      results[side] = RunSide(*loaded, policies[side], *files[side], options, trace,
                              side == 0 ? options.pipeline_a : options.pipeline_b);
      if (results[side].status == "error") out.errors.push_back(results[side].error);
      pools[side].Add(results[side]);
      decisions[side] = ByLabel(results[side], DecisionsInTrace(trace));
    }
    std::map<std::string, bool> labels;
    for (const auto& d : decisions) {
      for (const auto& [label, _] : d) labels[label] = true;
    }
    for (const auto& [label, _] : labels) {
      ++out.tickets_compared;
      const TicketDecision a = decisions[0].count(label) ? decisions[0][label] : TicketDecision{};
      const TicketDecision b = decisions[1].count(label) ? decisions[1][label] : TicketDecision{};
      if (!(a == b)) out.tickets.push_back({loaded->name, label, a, b});
    }
    for (const OracleResult& oa : results[0].oracles) {
      for (const OracleResult& ob : results[1].oracles) {
        if (oa.id != ob.id || oa.passed() == ob.passed()) continue;
        out.oracles.push_back({loaded->name, oa.id, oa.title, oa.passed(), ob.passed(),
                               oa.passed() ? ob.message : oa.message});
      }
    }
    if (options.progress) options.progress(loaded->name, ++done, static_cast<int>(scenario_files.size()));
  }
  out.a = pools[0].Pooled();
  out.b = pools[1].Pooled();
  out.worse = Worse(out, options.thresholds);
  if (temporary) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  return out;
}

}  // namespace rh::harness
