#include "confirm.h"

#include <sstream>

#include "../core/text.h"
#include "facts.h"
#include "pipeline/triage_rules.h"
#include "sim/check.h"

// The real collaborator at this stage's seam (seams.h).
namespace rh::pipeline {

Decision GuardMoney(const Policy& policy, Decision decision, const CaseFacts& facts, std::string_view customer_text) {
  if (decision.route != Route::kAutoSend) return decision;
  std::optional<std::string> cue = MoneyCue(customer_text);
  if (!cue) cue = NonReceiptClaim(customer_text, facts.order && facts.order->delivered_at);
  if (cue) {
    decision.route = Route::kHuman;
    decision.rule = "text.touches_money";
    decision.rationale = "the message speaks of '" + *cue + "', and money is never answered automatically";
    decision.touches_money = true;
    decision.assignee_user_id = policy.routing.default_assignee_user_id;
  }
  return decision;
}

Decision ConfirmPolicy::Route(const Policy& policy, const CaseFacts& facts, std::string_view customer_text) const {
  return GuardMoney(policy, Decide(policy, facts), facts, customer_text);
}

bool ConfirmPolicy::SendsAutomatically(const Decision& decision, const std::string& draft,
                                       const std::string& draft_problem) const {
  return decision.route == Route::kAutoSend && !draft.empty() && draft_problem.empty();
}

sim::Task<clients::CallResult<clients::GorgiasMessage>> ReplySender::Send(clients::GorgiasClient& gorgias,
                                                                          clients::GorgiasTicket ticket,
                                                                          clients::GorgiasReply reply) const {
  auto call = gorgias.PostReply(std::move(ticket), std::move(reply));
  co_return co_await std::move(call);
}

}  // namespace rh::pipeline

namespace rh::pipeline::stages {
namespace {

// Every awaited call is first a named Task, then `co_await std::move(task)` (docs/ARCHITECTURE.md).

// The customer's live issues beyond this ticket's order: on their other orders (from the lookup),
// and the issues the pipeline holds open for them (a delivery exception it heard of, another
// ticket's case).
std::vector<Issue> IssuesElsewhere(const Context& ctx, const Triage& triage) {
  std::vector<Issue> out;
  for (const auto& other : triage.orders.orders) {
    if (triage.order && other.id == triage.order->id) continue;
    CaseFacts c;
    c.now = ctx.WallNow();
    c.order = ToOrderFacts(other);
    for (const Issue i : LiveIssues(ctx.policy, c)) out.push_back(i);
  }
  const std::string own = "ticket-" + std::to_string(triage.ticket_id);
  for (const std::string& trigger : ctx.suppressor.LiveTriggers(text::Lower(triage.email), own)) {
    if (auto issue = ParseIssue(trigger)) out.push_back(*issue);
  }
  return out;
}

CaseFacts FactsOfTheCase(const Context& ctx, const Triage& triage, const Draft& draft) {
  const bool llm_failed = triage.llm_failed || draft.failed;
  CaseFacts facts;
  facts.intent = triage.intent;
  facts.confidence = triage.confidence;
  facts.llm_failed = llm_failed || triage.lookup_failed;
  facts.draft_problem = draft.text.empty() && !llm_failed ? "no draft" : draft.problem;
  facts.now = ctx.WallNow();
  if (triage.orders.customer) facts.customer = ToCustomerFacts(triage.orders);
  facts.order = triage.order_facts;
  facts.issues_elsewhere = IssuesElsewhere(ctx, triage);
  if (auto wanted = RequestedSku(triage.customer_text, triage.order_facts)) facts.exchange_for = LineFacts{*wanted, ""};
  facts.has_evidence = triage.has_evidence;
  // A complaint is in the words, not only in the classifier's label: a misspelled or foreign
  // damage claim, or a delivered order said never to have come, keeps marketing away (I1).
  const bool delivered = triage.order_facts && triage.order_facts->delivered_at;
  facts.complaint = DamageCue(triage.customer_text).has_value() ||
                    NonReceiptClaim(triage.customer_text, delivered).has_value();
  return facts;
}

DecisionRow RouteRow(const Triage& triage, const Draft& draft, const Decision& decision) {
  DecisionRow row{.ticket_id = triage.ticket_id, .kind = std::string(decision_kind::kRoute),
                  .intent = std::string(IntentName(triage.intent)), .confidence = triage.confidence,
                  .route = std::string(RouteName(decision.route)), .rule = decision.rule,
                  .rationale = decision.rationale, .draft = draft.text, .sender = std::string(kSenderPipeline),
                  .value_bucket = decision.value_bucket};
  row.details = nlohmann::json{{"order", triage.order ? triage.order->name : ""},
                               {"touches_money", decision.touches_money},
                               {"suppression_triggers", decision.suppression_triggers}}
                    .dump();
  return row;
}

// The automatic reply; false (and what failed, in `tried`) when it could not be sent.
sim::Task<bool> Send(const Context& ctx, const Triage& triage, const Draft& draft, const Decision& decision,
                     DecisionRow& route_row, std::string& tried) {
  const std::uint64_t ticket_id = triage.ticket_id;
  const std::string external_id = "reply-" + std::to_string(ticket_id) + "-" + triage.message_id;
  if (PostedAlready(triage.ticket, external_id) != nullptr) {
    // Sent before a crash cut this event short (the ticket as triage read it holds the reply):
    // the customer has their answer; the rows and the tag are done again, both safe to repeat.
    ctx.Record("reply.already_sent", {{"ticket", ticket_id}, {"external_id", external_id}});
  } else {
    auto reply_call = ctx.replies.Send(ctx.clients.gorgias, triage.ticket,
                                       {.sender_user_id = draft.author_id, .body_text = draft.text,
                                        .external_id = external_id});
    auto reply = co_await std::move(reply_call);
    if (!reply) {
      tried += "The automatic reply could not be sent (" + reply.error().detail + "). ";
      co_return false;
    }
  }
  route_row.final_text = draft.text;
  route_row.outcome = std::string(decision_outcome::kSent);
  route_row.sent_at = ctx.WallNow();
  ctx.Log(route_row);
  ctx.Log({.ticket_id = ticket_id, .kind = std::string(decision_kind::kAutoSend),
           .intent = std::string(IntentName(triage.intent)), .confidence = triage.confidence,
           .route = std::string(decision_route::kAutoSend), .rule = decision.rule, .rationale = decision.rationale,
           .draft = draft.text, .final_text = draft.text, .sender = std::string(kSenderPipeline),
           .value_bucket = decision.value_bucket, .outcome = std::string(decision_outcome::kSent),
           .sent_at = ctx.WallNow()});
  std::vector<std::string> sent_tag = {"auto-replied"};
  auto tag_call = ctx.clients.gorgias.AddTags(ticket_id, std::move(sent_tag));
  co_await std::move(tag_call);
  ctx.Record("reply.sent", {{"ticket", ticket_id}, {"channel", triage.ticket.channel}, {"rule", decision.rule}});
  ctx.counters.Add(&PipelineStats::auto_sent);
  co_return true;
}

std::string HandoverSummary(const Decision& decision, Intent intent, double confidence, const std::string& tried,
                            const std::string& order_name) {
  std::ostringstream out;
  out << "Handover from the support pipeline\n"
      << "Issue: " << IntentName(intent) << (order_name.empty() ? "" : " about order " + order_name)
      << " (confidence " << static_cast<int>(confidence * 100 + 0.5) << "%).\n"
      << "Tried: " << tried << "\n"
      << "Why a person: " << decision.rationale << " [" << decision.rule << "]\n"
      << "Priority: " << PriorityName(decision.priority) << ". Customer value: " << decision.value_bucket << ".";
  return out.str();
}

// A person takes it: assignment by user id, priority, a summary of what happened, and the draft
// kept for their reply to be compared with.
sim::Task<void> HandOver(const Context& ctx, const Triage& triage, const Draft& draft, const Decision& decision,
                         DecisionRow route_row, std::string tried, TicketMemory& memory) {
  const std::uint64_t ticket_id = triage.ticket_id;
  Decision handover = decision;
  if (decision.route == Route::kAutoSend) {
    handover.route = Route::kHuman;
    handover.rule = "send.failed";
    handover.rationale = "the policy allowed an automatic reply but it could not be sent";
    route_row.route = std::string(RouteName(Route::kHuman));
    route_row.rule = handover.rule;
    route_row.rationale = handover.rationale;
  }
  RH_CHECK(handover.route == Route::kHuman, "a handover must not keep an automatic route (the row would say auto_send)");
  const std::optional<std::uint64_t> assignee = handover.assignee_user_id;
  clients::GorgiasTicketUpdate update;
  update.assignee_user_id = assignee;
  update.priority = std::string(PriorityName(handover.priority));
  auto update_call = ctx.clients.gorgias.UpdateTicket(ticket_id, update);
  co_await std::move(update_call);
  if (tried.empty()) tried = draft.text.empty() ? "No draft. " : "Drafted a reply (see the note above). ";
  const std::string summary = HandoverSummary(handover, triage.intent, triage.confidence, tried,
                                              triage.order ? triage.order->name : std::string());
  const std::string note_id = "handover-" + std::to_string(ticket_id) + "-" + triage.message_id;
  if (PostedAlready(triage.ticket, note_id) == nullptr) {
    auto note_call = ctx.clients.gorgias.PostInternalNote(
        ticket_id, {.sender_user_id = draft.author_id, .body_text = summary, .external_id = note_id});
    co_await std::move(note_call);
  }
  std::vector<std::string> review_tag = {"needs-review"};
  auto tag_call = ctx.clients.gorgias.AddTags(ticket_id, std::move(review_tag));
  co_await std::move(tag_call);
  route_row.outcome = std::string(decision_outcome::kPendingHuman);
  const std::int64_t row = ctx.Log(route_row);
  memory.AwaitPerson(draft.text, row, std::string(IntentName(triage.intent)), handover.value_bucket);
  ctx.counters.Add(&PipelineStats::handed_over);
  ctx.Record("handover", {{"ticket", ticket_id}, {"rule", handover.rule},
                          {"assignee", static_cast<std::int64_t>(assignee.value_or(0))},
                          {"priority", PriorityName(handover.priority)}});
}

}  // namespace

sim::Task<Confirmation> Confirm(const Context& ctx, const Triage& triage, const Draft& draft, TicketMemory& memory) {
  const Decision decision = ctx.confirm.Route(ctx.policy, FactsOfTheCase(ctx, triage, draft), triage.customer_text);
  ctx.Record("route", {{"ticket", triage.ticket_id}, {"route", RouteName(decision.route)}, {"rule", decision.rule},
                       {"touches_money", decision.touches_money}, {"bucket", decision.value_bucket}});
  DecisionRow route_row = RouteRow(triage, draft, decision);
  std::string tried = triage.tried + draft.tried;
  bool sent = false;
  if (ctx.confirm.SendsAutomatically(decision, draft.text, draft.problem)) {
    auto send_call = Send(ctx, triage, draft, decision, route_row, tried);
    sent = co_await std::move(send_call);
  }
  if (!sent) {
    auto handover_call = HandOver(ctx, triage, draft, decision, std::move(route_row), std::move(tried), memory);
    co_await std::move(handover_call);
  }
  co_return Confirmation{decision, sent};
}

}  // namespace rh::pipeline::stages
