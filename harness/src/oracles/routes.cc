// I12, the differential oracle: every routing decision of the pipeline against the route an
// independent model of the written policy (policy_model.h) gives the same ticket, on facts rebuilt
// from the mocks at the moment of the decision and with the pipeline's own reading of the
// message (its triage's intent and confidence: a classifier's mistake is I2's and I3's business,
// not a disagreement about the policy). The model also sees what the pipeline may miss: the
// customer's live issues on their other orders and tickets.
#include <algorithm>

#include "run_facts.h"

namespace rh::harness::oracles {
namespace {

// Routes the pipeline takes for reasons of its own, outside the written policy: a failed service
// or draft check, a send that failed, and its extra guard on money words. None of them can send.
constexpr std::string_view kPipelineOwnRules[] = {"llm.failed", "draft.rejected", "send.failed", "text.touches_money"};

bool PipelineOwnRule(std::string_view rule) {
  return std::find(std::begin(kPipelineOwnRules), std::end(kPipelineOwnRules), rule) != std::end(kPipelineOwnRules);
}

// The rationale the pipeline logged for its route (the decision log's route row), if any.
std::string LoggedRationale(const RunFacts& facts, std::uint64_t ticket_id, const std::string& rule) {
  std::string out;
  for (const auto& row : facts.rows) {
    if (row.ticket_id == ticket_id && row.kind == pipeline::decision_kind::kRoute && row.rule == rule) out = row.rationale;
  }
  return out;
}

}  // namespace

std::vector<Violation> CheckI12(const RunFacts& facts) {
  std::vector<Violation> out;
  for (const std::size_t index : facts.OfKind("route")) {
    const sim::TraceRecord& rec = facts.trace[index];
    if (rec.source != "pipeline") continue;
    const auto ticket_id = RunFacts::Int(rec, "ticket");
    const std::string rule = RunFacts::Str(rec, "rule");
    if (!ticket_id || PipelineOwnRule(rule)) continue;
    auto view_it = facts.tickets.find(static_cast<std::uint64_t>(*ticket_id));
    if (view_it == facts.tickets.end()) continue;
    const TicketView& view = view_it->second;
    const sim::WallTime decided = facts.ToWall(rec.time);
    const mocks::gorgias::Message* asked = nullptr;
    for (const auto* m : view.customer_messages) {
      if (m->created <= decided) asked = m;
    }
    const auto triage = facts.TriageBefore(view_it->first, index);
    if (asked == nullptr || !triage) continue;
    const auto intent = pipeline::ParseIntent(RunFacts::Str(facts.trace[*triage], "intent"));
    const double confidence = RunFacts::Num(facts.trace[*triage], "confidence").value_or(0.0);
    if (!intent) continue;
    const PolicyCase c = facts.PolicyCaseAt(view, *asked, decided, *intent, confidence);
    const PolicyRoute written = WrittenPolicyRoute(facts.policy, c);
    const bool automatic = RunFacts::Str(rec, "route") == "auto_send";
    if (written.automatic == automatic) continue;
    Violation v;
    const std::string rationale = LoggedRationale(facts, view_it->first, rule);
    v.message = "ticket " + std::to_string(*ticket_id) + " (" + std::string(pipeline::IntentName(*intent)) + ", " +
                view.email + ") at " + facts.When(decided) + ": the pipeline routed it " + RunFacts::Str(rec, "route") +
                " by " + rule + (rationale.empty() ? "" : " (\"" + Clip(rationale, 90) + "\")") +
                "; the written policy says " + (written.automatic ? "auto_send" : "human") + " by " + written.rule +
                " (" + written.why + ")";
    v.evidence = {*triage, index};
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace rh::harness::oracles
