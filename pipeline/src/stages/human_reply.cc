#include "human_reply.h"

#include <set>

#include "../core/text.h"
#include "facts.h"

namespace rh::pipeline::stages {
namespace {

// Whitespace-insensitive words, for comparing an agent's reply with the draft.
std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> out;
  std::string word;
  for (char c : s) {
    if (text::IsAlnum(c) || c == '#' || c == '$' || c == '.') {
      word.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

// Share of the draft's distinct words the reply kept (and did not dilute): a Jaccard index.
double Similarity(std::string_view a, std::string_view b) {
  auto wa = Words(a), wb = Words(b);
  std::set<std::string> sa(wa.begin(), wa.end()), sb(wb.begin(), wb.end());
  if (sa.empty() && sb.empty()) return 1.0;
  std::size_t common = 0;
  for (const auto& w : sa) common += sb.contains(w) ? 1 : 0;
  return static_cast<double>(common) / static_cast<double>(sa.size() + sb.size() - common);
}

// An agent's edit keeps most of the draft; below this it is a different answer (an override).
constexpr double kEditSimilarity = 0.5;

// The reason of an override from the ticket's own notes: the note and the reply may arrive in
// either order.
sim::Task<std::string> ReasonFromTheTicket(const Context& ctx, std::uint64_t ticket_id) {
  std::string reason;
  auto ticket_call = ctx.clients.gorgias.GetTicket(ticket_id);
  auto ticket = co_await std::move(ticket_call);
  if (ticket) {
    for (const auto& m : ticket->messages) {
      if (m.channel == "internal-note" && m.from_agent && text::Lower(m.body_text).rfind("reason:", 0) == 0) {
        reason = m.body_text.substr(7);
        reason.erase(0, reason.find_first_not_of(' '));
      }
    }
  }
  co_return reason;
}

}  // namespace

sim::Task<void> RecordHumanReply(const Context& ctx, GorgiasEvent event, std::shared_ptr<TicketMemory> memory) {
  const std::uint64_t ticket_id = event.ticket_id;
  const std::string body = Str(event.message, "body_text");
  const std::uint64_t agent_id = event.message.contains("sender") ? Id(event.message["sender"], "id") : 0;
  if (Str(event.message, "channel") == "internal-note") {
    // "Reason: ..." in an agent's note is the reason of their next override.
    if (text::Lower(body).rfind("reason:", 0) == 0) {
      std::string reason = body.substr(7);
      reason.erase(0, reason.find_first_not_of(' '));
      memory->NoteReason(std::move(reason));
    }
    co_return;
  }
  TicketMemory::Pending pending = memory->TakePending();
  ctx.counters.Add(&PipelineStats::human_replies);
  if (!pending.draft) {
    ctx.Record("human.reply", {{"ticket", ticket_id}, {"agent", agent_id}, {"pending", false}});
    co_return;  // nothing of the pipeline's was waiting: an ordinary conversation
  }
  const std::string& draft = *pending.draft;
  std::string_view kind = decision_kind::kHumanOverride;
  std::string_view outcome = decision_outcome::kOverridden;
  const double similarity = draft.empty() ? 0.0 : Similarity(draft, body);
  if (!draft.empty() && Words(draft) == Words(body)) {
    kind = decision_kind::kHumanConfirm;
    outcome = decision_outcome::kConfirmed;
  } else if (similarity >= kEditSimilarity) {
    kind = decision_kind::kHumanEdit;
    outcome = decision_outcome::kEdited;
  }
  const bool override_ = kind == decision_kind::kHumanOverride;
  std::string reason = std::move(pending.override_reason);
  if (override_ && reason.empty()) {
    auto reason_call = ReasonFromTheTicket(ctx, ticket_id);
    reason = co_await std::move(reason_call);
  }
  ctx.Log({.ticket_id = ticket_id, .kind = std::string(kind), .intent = pending.intent,
           .route = std::string(decision_route::kHuman), .rule = "human." + std::string(outcome),
           .rationale = override_ ? (reason.empty() ? "the agent replied differently and gave no reason" : reason)
                                  : "the agent sent the draft" +
                                        std::string(kind == decision_kind::kHumanEdit ? " with edits" : ""),
           .draft = draft, .final_text = body, .sender = AgentSender(agent_id),
           .override_reason = override_ ? reason : std::string(), .value_bucket = pending.value_bucket,
           .outcome = std::string(outcome), .sent_at = ctx.WallNow()});
  if (pending.route_row != 0) ctx.decisions.SetOutcome(pending.route_row, outcome, {.sent_at = ctx.WallNow()});
  ctx.Record("human.reply", {{"ticket", ticket_id}, {"agent", agent_id}, {"pending", true}, {"decision", kind},
                             {"similarity", similarity}});
}

}  // namespace rh::pipeline::stages
