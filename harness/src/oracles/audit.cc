// I4 (every decision and override has its decision-log row and rationale), judged by what the
// pipeline and people visibly did in Gorgias against the log; and I11 (first response within the
// target), from Gorgias's delivery records.
#include <algorithm>

#include "run_facts.h"

namespace rh::harness::oracles {
namespace {

bool StartsWithReason(const mocks::gorgias::Message& note) {
  return Lower(note.body_text.value_or("")).rfind("reason:", 0) == 0;
}

bool IsHumanKind(std::string_view kind) {
  return kind == pipeline::decision_kind::kHumanConfirm || kind == pipeline::decision_kind::kHumanEdit ||
         kind == pipeline::decision_kind::kHumanOverride;
}

// The pipeline's records about a ticket that show what it did.
void PipelineRecords(const RunFacts& facts, std::uint64_t ticket_id, std::initializer_list<std::string_view> kinds,
                     std::vector<std::size_t>& evidence) {
  for (const std::size_t i : facts.ForTicket(ticket_id)) {
    const sim::TraceRecord& r = facts.trace[i];
    if (r.source != "pipeline") continue;
    if (std::find(kinds.begin(), kinds.end(), r.kind) != kinds.end()) evidence.push_back(i);
  }
}

}  // namespace

std::vector<Violation> CheckI4(const RunFacts& facts) {
  std::vector<Violation> out;
  if (!facts.log_error.empty()) out.push_back({"the decision log could not be read: " + facts.log_error, {}});
  for (const std::size_t i : facts.OfKind("decision_log.error")) {
    out.push_back({"a decision row of ticket " + RunFacts::Str(facts.trace[i], "ticket") + " (" +
                       RunFacts::Str(facts.trace[i], "decision") + ") was not written: " +
                       RunFacts::Str(facts.trace[i], "error"),
                   {i}});
  }
  std::map<std::uint64_t, std::vector<const pipeline::DecisionRow*>> rows_of;
  for (const auto& row : facts.rows) {
    rows_of[row.ticket_id].push_back(&row);
    const bool decides = row.kind == pipeline::decision_kind::kRoute ||
                         row.kind == pipeline::decision_kind::kAutoSend || IsHumanKind(row.kind);
    if (decides && row.rationale.empty()) {
      out.push_back({"decision row " + std::to_string(row.id) + " (" + row.kind + ") of ticket " +
                         std::to_string(row.ticket_id) + " has no rationale",
                     {}});
    }
  }

  for (const auto& [id, view] : facts.tickets) {
    if (view.pipeline_replies.empty() && view.pipeline_notes.empty()) continue;  // the pipeline never acted
    const auto& rows = rows_of[id];
    std::size_t routes = 0, sends = 0, humans = 0;
    for (const auto* row : rows) {
      routes += row->kind == pipeline::decision_kind::kRoute ? 1 : 0;
      sends += row->kind == pipeline::decision_kind::kAutoSend ? 1 : 0;
      humans += IsHumanKind(row->kind) ? 1 : 0;
    }
    const std::string ticket = "ticket " + std::to_string(id);
    if (routes == 0) {
      Violation v{ticket + ": the pipeline wrote " + std::to_string(view.pipeline_notes.size()) + " note(s) and " +
                      std::to_string(view.pipeline_replies.size()) + " reply(ies) but logged no route row",
                  {}};
      PipelineRecords(facts, id, {"route", "reply.sent", "handover"}, v.evidence);
      out.push_back(std::move(v));
    }
    if (sends < view.pipeline_replies.size()) {
      Violation v{ticket + ": " + std::to_string(view.pipeline_replies.size()) + " automatic reply(ies) (the first at " +
                      facts.When(view.pipeline_replies.front()->created) + ") but " + std::to_string(sends) +
                      " auto_send row(s)",
                  {}};
      for (const auto* m : view.pipeline_replies) {
        if (auto i = facts.CreatingRequest(*m)) v.evidence.push_back(*i);
      }
      PipelineRecords(facts, id, {"reply.sent"}, v.evidence);
      out.push_back(std::move(v));
    }

    // A handover: after a customer message the pipeline wrote notes and no reply. The first
    // person's reply after it is a confirm, an edit or an override, and must be logged.
    std::size_t answered_handovers = 0;
    std::vector<const mocks::gorgias::Message*> handover_answers;
    for (std::size_t c = 0; c < view.customer_messages.size(); ++c) {
      const sim::WallTime from = view.customer_messages[c]->created;
      const std::optional<sim::WallTime> until =
          c + 1 < view.customer_messages.size() ? std::optional(view.customer_messages[c + 1]->created) : std::nullopt;
      auto inside = [&](const mocks::gorgias::Message* m) { return m->created >= from && (!until || m->created < *until); };
      const mocks::gorgias::Message* last_note = nullptr;
      bool replied = false;
      for (const auto* m : view.pipeline_notes) {
        if (inside(m)) last_note = m;
      }
      for (const auto* m : view.pipeline_replies) replied = replied || inside(m);
      if (last_note == nullptr || replied) continue;
      for (const auto* a : view.agent_replies) {
        if (a->created >= last_note->created && inside(a)) {
          ++answered_handovers;
          handover_answers.push_back(a);
          break;
        }
      }
    }
    if (humans < answered_handovers) {
      Violation v{ticket + ": a person answered the pipeline's handover (at " +
                      facts.When(handover_answers.front()->created) + ") but no human_confirm, human_edit or " +
                      "human_override row was logged",
                  {}};
      for (const auto* m : handover_answers) {
        if (auto i = facts.CreatingRequest(*m)) v.evidence.push_back(*i);
      }
      PipelineRecords(facts, id, {"handover", "human.reply"}, v.evidence);
      out.push_back(std::move(v));
    }
    // An override keeps the reason the person wrote before it.
    for (const auto* row : rows) {
      if (row->kind != pipeline::decision_kind::kHumanOverride || !row->override_reason.empty()) continue;
      const mocks::gorgias::Message* reason = nullptr;
      for (const auto* n : view.agent_notes) {
        if (StartsWithReason(*n) && n->created <= row->decided_at) reason = n;
      }
      if (reason == nullptr) continue;
      Violation v{ticket + ": override row " + std::to_string(row->id) + " lost the person's reason (\"" +
                      Clip(reason->body_text.value_or(""), 60) + "\", written at " + facts.When(reason->created) + ")",
                  {}};
      PipelineRecords(facts, id, {"human.reply"}, v.evidence);
      out.push_back(std::move(v));
    }
  }
  return out;
}

std::vector<Violation> CheckI11(const RunFacts& facts) {
  std::vector<Violation> out;
  const sim::Duration sla = facts.context.first_response_sla;
  std::map<std::uint64_t, std::vector<const mocks::gorgias::CustomerDelivery*>> delivered;
  for (const auto& d : facts.deliveries) {
    if (d.fate == mocks::gorgias::DeliveryFate::kDelivered && d.decided) delivered[d.ticket_id].push_back(&d);
  }
  for (const auto& [id, view] : facts.tickets) {
    if (view.customer_messages.empty()) continue;
    const mocks::gorgias::Message& first = *view.customer_messages.front();
    const sim::WallTime asked = first.created;
    const mocks::gorgias::CustomerDelivery* answer = nullptr;
    for (const auto* d : delivered[id]) {
      if (*d->decided >= asked && (answer == nullptr || *d->decided < *answer->decided)) answer = d;
    }
    Violation v;
    if (answer != nullptr && *answer->decided - asked > sla) {
      v.message = "ticket " + std::to_string(id) + " (" + view.email + ", asked at " + facts.When(asked) +
                  ") got its first response after " + Span(*answer->decided - asked) + ", over the target of " +
                  Span(sla);
      if (const auto* m = facts.MessageById(answer->message_id)) {
        if (auto i = facts.CreatingRequest(*m)) v.evidence.push_back(*i);
      }
    } else if (answer == nullptr && facts.now_wall - asked > sla) {
      v.message = "ticket " + std::to_string(id) + " (" + view.email + ", asked at " + facts.When(asked) +
                  ") had no response after " + Span(facts.now_wall - asked) + ", over the target of " + Span(sla);
    }
    if (v.message.empty()) continue;
    const auto& records = facts.ForTicket(id);
    if (!records.empty()) v.evidence.push_back(records.front());
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace rh::harness::oracles
