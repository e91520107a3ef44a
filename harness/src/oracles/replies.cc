// I2 (no automatic send touching money: a reply, or a recovery offer's discount no person approved), I3 (automatic sends only in the safe zone), I9 (a reply
// states only the customer's own facts) and I10 (the ticket's channel, delivered): judged on the
// replies the pipeline's Gorgias user actually wrote, whatever the pipeline says it did.
#include <algorithm>

#include "mocks/gorgias/channels.h"
#include "pipeline/draft_check.h"
#include "pipeline/seams.h"
#include "run_facts.h"

namespace rh::harness::oracles {
namespace {

// The rules under which Decide sends automatically (pipeline/policy.h, step 8).
constexpr std::string_view kSafeZoneRules[] = {
    "wismo.awaiting_fulfillment",   "wismo.healthy_tracking", "return.inside_window", "exchange.approved_sku",
    "address_change.before_cutoff", "cancel.before_lock",     "intent.safe"};

bool IsSafeZoneRule(std::string_view rule) {
  return std::find(std::begin(kSafeZoneRules), std::end(kSafeZoneRules), rule) != std::end(kSafeZoneRules);
}

// One reply of the pipeline, with what it answered and where it sits in the trace.
struct Reply {
  const TicketView* view = nullptr;
  const mocks::gorgias::Message* message = nullptr;
  const mocks::gorgias::Message* answered = nullptr;  // the latest customer message before it
  std::optional<std::size_t> request;                 // the POST that created it
  std::size_t position = 0;                           // trace index of the send
  std::string Body() const { return message->body_text.value_or(""); }
  std::string Where(const RunFacts& facts) const {
    return "reply on ticket " + std::to_string(message->ticket_id) + " to " + view->email + " at " +
           facts.When(message->created);
  }
};

std::vector<Reply> PipelineReplies(const RunFacts& facts) {
  std::vector<Reply> out;
  for (const auto& [id, view] : facts.tickets) {
    for (const auto* m : view.pipeline_replies) {
      Reply r;
      r.view = &view;
      r.message = m;
      for (const auto* c : view.customer_messages) {
        if (c->created <= m->created) r.answered = c;
      }
      r.request = facts.CreatingRequest(*m);
      r.position = r.request.value_or(facts.IndexAt(facts.ToInstant(m->created)));
      out.push_back(r);
    }
  }
  return out;
}

void AddIfSome(std::vector<std::size_t>& evidence, const std::optional<std::size_t>& i) {
  if (i) evidence.push_back(*i);
}

// The pipeline's view of the case it answered: its triage's intent and confidence.
struct Triage {
  std::optional<pipeline::Intent> intent;
  double confidence = 1.0;
  std::optional<std::size_t> record;
};

Triage TriageOf(const RunFacts& facts, const Reply& r) {
  Triage t;
  t.record = facts.TriageBefore(r.message->ticket_id, r.position);
  if (t.record) {
    t.intent = pipeline::ParseIntent(RunFacts::Str(facts.trace[*t.record], "intent"));
    t.confidence = RunFacts::Num(facts.trace[*t.record], "confidence").value_or(1.0);
  }
  return t;
}

// The times a person (any Gorgias user but the pipeline's) added the tag offer-approved to a
// ticket of each customer, from Gorgias's events: ground truth, whatever the pipeline says.
std::map<std::string, std::vector<sim::WallTime>> ApprovalsByCustomer(const RunFacts& facts) {
  std::map<std::string, std::vector<sim::WallTime>> out;
  for (const auto& [id, e] : facts.gorgias.events) {
    if (e.type != "ticket-tags-added" || !e.user_id || *e.user_id == facts.pipeline_user_id) continue;
    const auto view = facts.tickets.find(e.object_id);
    if (view == facts.tickets.end() || view->second.email.empty() || !e.data.is_object()) continue;
    for (const auto& tag_id : e.data.value("tags_added", mocks::OrderedJson::array())) {
      const auto tag = facts.gorgias.tags.find(tag_id.get<std::uint64_t>());
      if (tag != facts.gorgias.tags.end() && tag->second.name == pipeline::kOfferApprovedTag) {
        out[view->second.email].push_back(e.created);
      }
    }
  }
  for (auto& [email, times] : out) std::sort(times.begin(), times.end());
  return out;
}

// I2 for recovery offers: every recovery event that carries a discount reached Klaviyo after a
// person approved it, one approval for each such event of the customer.
std::vector<Violation> UnapprovedDiscounts(const RunFacts& facts) {
  std::vector<Violation> out;
  std::map<std::string, std::vector<sim::WallTime>> approvals = ApprovalsByCustomer(facts);
  for (const mocks::klaviyo::Event* event : facts.RecoveryEvents()) {
    const mocks::klaviyo::Event& e = *event;
    if (!e.properties.contains("discount_kind")) continue;
    const std::string email = facts.EmailOfKlaviyoProfile(e.profile_id);
    // Klaviyo keeps the event's second: an approval within it came first.
    std::vector<sim::WallTime>& mine = approvals[email];
    const auto approval = std::find_if(mine.begin(), mine.end(), [&](sim::WallTime t) { return t < e.time + sim::Sec(1); });
    if (approval != mine.end()) {
      mine.erase(approval);  // spent: it approves this event only
      continue;
    }
    Violation v;
    v.message = "recovery event '" + facts.policy.recovery.metric + "' for " + email + " at " + facts.When(e.time) +
                " carries a discount (" + e.properties.value("discount_kind", std::string()) + " " +
                e.properties.value("discount_value", mocks::OrderedJson()).dump() +
                ") that no person approved (no tag '" + std::string(pipeline::kOfferApprovedTag) +
                "' added by an agent on the customer's tickets before it)";
    const sim::Instant at = facts.ToInstant(e.time);
    for (const auto& [id, ex] : facts.exchanges) {
      if (ex.host == kKlaviyoHost && ex.Path() == "/api/events" && ex.handled_index &&
          facts.trace[*ex.handled_index].time >= at && facts.trace[*ex.handled_index].time < at + sim::Sec(1)) {
        v.evidence.push_back(ex.request_index);
      }
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

std::vector<Violation> CheckI2(const RunFacts& facts) {
  std::vector<Violation> out = UnapprovedDiscounts(facts);
  for (const Reply& r : PipelineReplies(facts)) {
    const std::string asked = r.answered ? r.answered->body_text.value_or("") : std::string();
    const std::optional<pipeline::Intent> truth = r.answered ? facts.TruthOf(*r.answered) : std::nullopt;
    const Triage triage = TriageOf(facts, r);
    std::vector<std::string> why;
    if (truth && pipeline::IsMoneyIntent(*truth)) {
      why.push_back("the customer's message is a " + std::string(pipeline::IntentName(*truth)) + " case (\"" +
                    Clip(asked, 50) + "\")");
    }
    if (triage.intent && pipeline::IsMoneyIntent(*triage.intent) && (!truth || *truth != *triage.intent)) {
      why.push_back("the pipeline triaged it " + std::string(pipeline::IntentName(*triage.intent)));
    }
    for (const auto& p : pipeline::CheckDraft(r.Body(), {})) {
      if (p.kind == "money_promise") why.push_back("it promises money (\"" + p.detail + "\")");
    }
    if (r.answered != nullptr) {
      const pipeline::Intent intent = truth.value_or(triage.intent.value_or(pipeline::Intent::kOther));
      const PolicyCase c = facts.PolicyCaseAt(*r.view, *r.answered, r.message->created, intent, triage.confidence);
      if (c.customer) {
        const auto& rr = facts.policy.repeated_refunds;
        const auto since = r.message->created - rr.window;
        const auto n = std::count_if(c.customer->refunds.begin(), c.customer->refunds.end(),
                                     [&](sim::WallTime t) { return t >= since; });
        if (n >= rr.refunds_at_least) {
          why.push_back("the customer had " + std::to_string(n) + " refunds in " +
                        pipeline::FormatPolicyDuration(rr.window));
        }
        // A VIP with a live issue on any order of theirs, or an open ticket about one (ground truth).
        std::vector<pipeline::Issue> live = c.order ? OrderIssues(facts.policy, *c.order, c.now) : std::vector<pipeline::Issue>{};
        live.insert(live.end(), c.elsewhere.begin(), c.elsewhere.end());
        if (WrittenVip(facts.policy, *c.customer) && facts.policy.vip.human_when_active_issue && !live.empty()) {
          std::string names;
          for (const pipeline::Issue i : live) names += (names.empty() ? "" : ", ") + std::string(pipeline::IssueName(i));
          why.push_back("a VIP with a live issue (" + names + ")");
        }
      }
    }
    if (why.empty()) continue;
    Violation v;
    v.message = "automatic " + r.Where(facts) + " touches money: ";
    for (std::size_t i = 0; i < why.size(); ++i) v.message += (i == 0 ? "" : "; ") + why[i];
    AddIfSome(v.evidence, triage.record);
    AddIfSome(v.evidence, r.request);
    out.push_back(std::move(v));
  }
  return out;
}

// I3 for a pipeline that leaves no routing record (an outside one): the written policy on the
// facts when its reply was written, on the customer's true intent. A reason when it says human.
std::optional<std::string> OutsideReplyOutsideSafeZone(const RunFacts& facts, const Reply& r) {
  if (r.answered == nullptr) return std::nullopt;
  const pipeline::Intent intent = facts.TruthOf(*r.answered).value_or(pipeline::Intent::kOther);
  const sim::WallTime written = r.message->created;
  PolicyCase c = facts.PolicyCaseAt(*r.view, *r.answered, written, intent, 1.0);
  c.draft_problem = pipeline::DescribeProblems(pipeline::CheckDraft(r.Body(), facts.DraftFactsOf(r.view->email)));
  const PolicyRoute d = WrittenPolicyRoute(facts.policy, c);
  if (d.automatic) return std::nullopt;
  return "automatic " + r.Where(facts) + ": on the facts at " + facts.When(written) + " (" +
         std::string(pipeline::IntentName(intent)) + (c.order ? std::string() : ", no order") +
         ") the written policy says human by rule " + d.rule + " (" + d.why + ")";
}

std::vector<Violation> CheckI3(const RunFacts& facts) {
  std::vector<Violation> out;
  for (const Reply& r : PipelineReplies(facts)) {
    Violation v;
    const std::optional<std::size_t> route = facts.RouteBefore(r.message->ticket_id, r.position);
    AddIfSome(v.evidence, route);
    AddIfSome(v.evidence, r.request);
    if (!route && !facts.context.pipeline.traced) {
      // An outside pipeline leaves no routing record to hold it to: the written policy alone
      // judges its reply, on the facts when the reply was written.
      if (auto why = OutsideReplyOutsideSafeZone(facts, r)) {
        v.message = *why;
        out.push_back(std::move(v));
      }
      continue;
    }
    if (!route) {
      v.message = "automatic " + r.Where(facts) + " with no routing decision before it";
      out.push_back(std::move(v));
      continue;
    }
    const sim::TraceRecord& rec = facts.trace[*route];
    const std::string routed = RunFacts::Str(rec, "route");
    const std::string rule = RunFacts::Str(rec, "rule");
    if (routed != "auto_send") {
      v.message = "automatic " + r.Where(facts) + " although the ticket was routed '" + routed + "' by rule " + rule;
      out.push_back(std::move(v));
      continue;
    }
    if (!IsSafeZoneRule(rule)) {
      v.message = "automatic " + r.Where(facts) + " under rule " + rule + ", which is not a safe-zone rule";
      out.push_back(std::move(v));
      continue;
    }
    if (r.answered == nullptr) continue;
    // The policy again, on the world as it stood when the pipeline decided.
    // The written policy (an independent model, policy_model.h) on the world as it stood when the
    // pipeline decided, on the pipeline's reading of the message: a misread that reaches money is
    // I2's business, and a misread between safe intents is the classifier's error, not the policy's.
    const Triage triage = TriageOf(facts, r);
    const pipeline::Intent intent =
        triage.intent.value_or(facts.TruthOf(*r.answered).value_or(pipeline::Intent::kOther));
    const sim::WallTime decided = facts.ToWall(rec.time);
    PolicyCase c = facts.PolicyCaseAt(*r.view, *r.answered, decided, intent, triage.confidence);
    c.draft_problem = pipeline::DescribeProblems(pipeline::CheckDraft(r.Body(), facts.DraftFactsOf(r.view->email)));
    const PolicyRoute d = WrittenPolicyRoute(facts.policy, c);
    if (d.automatic) continue;
    v.message = "automatic " + r.Where(facts) + ": on the facts at " + facts.When(decided) + " (" +
                std::string(pipeline::IntentName(intent)) + (c.order ? std::string() : ", no order") +
                ") the written policy says human by rule " + d.rule + " (" + d.why + "), not " + rule;
    AddIfSome(v.evidence, triage.record);
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<Violation> CheckI9(const RunFacts& facts) {
  std::vector<Violation> out;
  std::map<std::uint64_t, const mocks::gorgias::CustomerDelivery*> delivery_of;
  for (const auto& d : facts.deliveries) {
    if (d.message_id != 0) delivery_of[d.message_id] = &d;
  }
  for (const Reply& r : PipelineReplies(facts)) {
    auto d = delivery_of.find(r.message->id);
    if (d == delivery_of.end() || d->second->fate != mocks::gorgias::DeliveryFate::kDelivered) continue;
    std::vector<std::string> unknown;
    for (const auto& p : pipeline::CheckDraft(r.Body(), facts.DraftFactsOf(r.view->email))) {
      if (p.kind == "unknown_tracking" || p.kind == "unknown_order" || p.kind == "unknown_amount" ||
          p.kind == "unknown_carrier" || p.kind == "unknown_date") {
        unknown.push_back(p.kind + " " + p.detail);
      }
    }
    if (unknown.empty()) continue;
    Violation v;
    v.message = r.Where(facts) + " states facts of no order of theirs: ";
    for (std::size_t i = 0; i < unknown.size(); ++i) v.message += (i == 0 ? "" : ", ") + unknown[i];
    // The LLM's own confession, when it invented the number.
    for (const std::size_t i : facts.OfKind("llm.fault")) {
      const std::string detail = RunFacts::Str(facts.trace[i], "detail");
      if (!detail.empty() && r.Body().find(detail) != std::string::npos) v.evidence.push_back(i);
    }
    AddIfSome(v.evidence, r.request);
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<Violation> CheckI10(const RunFacts& facts) {
  std::vector<Violation> out;
  std::map<std::uint64_t, const mocks::gorgias::CustomerDelivery*> delivery_of;
  for (const auto& d : facts.deliveries) {
    if (d.message_id != 0) delivery_of[d.message_id] = &d;
  }
  for (const Reply& r : PipelineReplies(facts)) {
    const std::string& ticket_channel = r.view->ticket->channel;
    const mocks::gorgias::ChannelRule* rule = mocks::gorgias::FindChannelRule(ticket_channel);
    // A ticket with no way back on its own channel (a form, a call) is answered by email.
    const bool no_way_back = rule == nullptr || rule->route == mocks::gorgias::ChannelRoute::kNone;
    const bool right_channel = r.message->channel == ticket_channel || (no_way_back && r.message->channel == "email");
    Violation v;
    if (!right_channel) {
      v.message = r.Where(facts) + " went out on '" + r.message->channel + "' on a ticket whose channel is '" + ticket_channel + "'";
    }
    auto d = delivery_of.find(r.message->id);
    if (d != delivery_of.end() && d->second->fate == mocks::gorgias::DeliveryFate::kNotDelivered) {
      v.message += std::string(v.message.empty() ? r.Where(facts) : ", and it") + " was never delivered: " +
                   d->second->reason;
    }
    if (v.message.empty()) continue;
    AddIfSome(v.evidence, r.request);
    out.push_back(std::move(v));
  }
  // A reply put inside PUT /api/tickets/{id} is accepted and never sent: the pipeline's, when its
  // caller made that request.
  for (const auto& d : facts.deliveries) {
    if (d.message_id != 0 || d.fate != mocks::gorgias::DeliveryFate::kNotDelivered) continue;
    const Exchange* ex = facts.HandledAt(kGorgiasHost, facts.ToInstant(d.created), "/api/tickets/" + std::to_string(d.ticket_id));
    if (ex == nullptr || ex->caller != kPipelineCaller) continue;
    Violation v;
    v.message = "reply on ticket " + std::to_string(d.ticket_id) + " at " + facts.When(d.created) +
                " was never delivered: " + d.reason;
    v.evidence.push_back(ex->request_index);
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace rh::harness::oracles
