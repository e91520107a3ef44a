#include "draft.h"

#include "facts.h"

#include "pipeline/clients/order_facts.h"
#include "pipeline/draft_check.h"

// The real collaborator at this stage's seam (seams.h).
namespace rh::pipeline {

std::string FactChecker::Problems(std::string_view draft, const DraftFacts& allowed) const {
  return DescribeProblems(CheckDraft(draft, allowed));
}

}  // namespace rh::pipeline

namespace rh::pipeline::stages {
namespace {

// Every awaited call is first a named Task, then `co_await std::move(task)` (docs/ARCHITECTURE.md).

sim::Task<void> AskTheLlm(const Context& ctx, const Triage& triage, Draft& draft) {
  auto drafted_call = ctx.clients.llm.Draft(triage.intent, triage.facts_text, triage.customer_text);
  auto drafted = co_await std::move(drafted_call);
  if (!drafted) {
    draft.failed = true;
    draft.tried += "Drafting failed (" + drafted.error().detail + "). ";
    co_return;
  }
  draft.text = drafted->text;
  DraftFacts allowed = triage.order ? clients::DraftFactsFromOrder(*triage.order) : DraftFacts{};
  if (!triage.window_last_day.empty()) allowed.dates.push_back(triage.window_last_day);
  draft.problem = ctx.fact_check.Problems(draft.text, allowed);
  if (!draft.problem.empty()) draft.tried += "The draft failed its fact check (" + draft.problem + "). ";
}

sim::Task<void> PostNote(const Context& ctx, const Triage& triage, const Draft& draft) {
  const std::string note_id = "draft-" + std::to_string(triage.ticket_id) + "-" + triage.message_id;
  if (PostedAlready(triage.ticket, note_id) != nullptr) co_return;  // posted before a crash
  std::string note = "Draft reply (support pipeline):\n\n" + draft.text;
  if (!draft.problem.empty()) note += "\n\nNot sendable as is: " + draft.problem;
  auto call = ctx.clients.gorgias.PostInternalNote(
      triage.ticket_id, {.sender_user_id = draft.author_id, .body_text = note,
                         .external_id = note_id});
  co_await std::move(call);
  ctx.Record("draft", {{"ticket", triage.ticket_id}, {"problem", draft.problem}});
}

}  // namespace

sim::Task<Draft> DraftReply(const Context& ctx, const Triage& triage) {
  Draft draft;
  if (!triage.llm_failed) {
    auto ask_call = AskTheLlm(ctx, triage, draft);
    co_await std::move(ask_call);
  }
  auto own_id_call = ctx.own_user.Id(ctx.clients.gorgias);
  draft.author_id = co_await std::move(own_id_call);
  if (!draft.text.empty()) {
    auto note_call = PostNote(ctx, triage, draft);
    co_await std::move(note_call);
  }
  co_return std::move(draft);
}

}  // namespace rh::pipeline::stages
