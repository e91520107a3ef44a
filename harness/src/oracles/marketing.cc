// I1 (no marketing during a live issue) and I5 (suppression ends, recovery fires once per
// resolved issue, or waits for a person when its offer is money: see AwaitingPerson), judged from Klaviyo's send records, events and profiles against the issues
// that Shopify's scans and Gorgias's tickets show.
#include <algorithm>
#include <functional>

#include "pipeline/seams.h"
#include "pipeline/vocabulary/intent.h"
#include "run_facts.h"

namespace rh::harness::oracles {
namespace {

// Klaviyo stamps events to the second; a resolution inside that second is not "before" it.
constexpr sim::Duration kEventTimeSlack = sim::Sec(1);

bool DeliveryExceptionsSuppress(const pipeline::Policy& policy) {
  const auto& t = policy.suppression.triggers;
  return std::find(t.begin(), t.end(), pipeline::Issue::kDeliveryException) != t.end();
}

bool KindSuppressed(const pipeline::Policy& policy, mocks::klaviyo::MessageKind kind) {
  for (const pipeline::MessageKind k : policy.suppression.message_kinds) {
    if (pipeline::MessageKindName(k) == mocks::klaviyo::MessageKindName(kind)) return true;
  }
  return false;
}

std::string IssueNames(const TicketView& view) {
  std::string out;
  for (const pipeline::Issue i : view.issues) out += (out.empty() ? "" : ", ") + std::string(pipeline::IssueName(i));
  return out;
}

// The records that show carrier scans reaching Shopify's webhooks: the mock's own record when it
// traces, else the sender's first attempt at delivering the fulfillments/update about the order
// (SimWorld gives the Shopify mock no trace, so that is the usual one). Read once per check.
class ScanRecords {
 public:
  explicit ScanRecords(const RunFacts& facts) : facts_(facts) {
    for (const mocks::DeliveryRecord& d : facts.context.world.shopify_webhooks().Deliveries()) {
      if (d.webhook.topic != "fulfillments/update" || d.duplicate) continue;
      const auto body = mocks::OrderedJson::parse(d.webhook.request.body, nullptr, /*allow_exceptions=*/false);
      if (!body.is_object() || !body.contains("order_id") || !body["order_id"].is_number_unsigned()) continue;
      deliveries_[body["order_id"].get<mocks::shopify::Id>()].push_back({d.first_attempt_at, d.webhook.delivery_id});
    }
    for (const std::size_t i : facts.OfKind("webhook.attempt")) {
      first_attempt_.try_emplace(RunFacts::Str(facts.trace[i], "delivery"), i);
    }
  }

  // The scan at `at` on `order`.
  std::optional<std::size_t> Find(const mocks::shopify::Order& order, sim::WallTime at) const {
    const sim::Instant t = facts_.ToInstant(at);
    for (const std::size_t i : facts_.OfKind("shopify.webhook")) {
      if (facts_.trace[i].time == t && RunFacts::Str(facts_.trace[i], "topic") == "fulfillments/update") return i;
      if (facts_.trace[i].time > t) break;
    }
    auto of_order = deliveries_.find(order.id);
    if (of_order == deliveries_.end()) return std::nullopt;
    const Delivery* first = nullptr;  // the first delivery about the order sent at or after the scan
    for (const Delivery& d : of_order->second) {
      if (d.sent >= t && (first == nullptr || d.sent < first->sent)) first = &d;
    }
    if (first == nullptr) return std::nullopt;
    auto it = first_attempt_.find(first->id);
    if (it == first_attempt_.end()) return std::nullopt;
    return it->second;
  }

 private:
  struct Delivery {
    sim::Instant sent{};
    std::string id;
  };
  const RunFacts& facts_;
  std::map<mocks::shopify::Id, std::vector<Delivery>> deliveries_;  // by order, in the order emitted
  std::map<std::string, std::size_t> first_attempt_;  // delivery id -> its first webhook.attempt
};

// The first record naming a ticket (its webhook reaching the pipeline, usually).
std::optional<std::size_t> FirstTicketRecord(const RunFacts& facts, std::uint64_t ticket_id) {
  const auto& records = facts.ForTicket(ticket_id);
  if (records.empty()) return std::nullopt;
  return records.front();
}

// True when the pipeline's triage of the ticket read a complaint (damage, or a parcel that never
// came) where ground truth has none. Suppressing on its own reading is the pipeline's call, and
// then it owes that episode its one recovery: without this window, the recovery it sends would be
// judged as a second one for the customer's previous, real issue (found by `rehearse load`).
bool PipelineReadAComplaint(const RunFacts& facts, std::uint64_t ticket_id) {
  for (const std::size_t i : facts.ForTicket(ticket_id)) {
    if (facts.trace[i].kind != "triage" || facts.trace[i].source != "pipeline") continue;
    const auto intent = pipeline::ParseIntent(RunFacts::Str(facts.trace[i], "intent"));
    return intent == pipeline::Intent::kDamagedItem || intent == pipeline::Intent::kDeliveredNotReceived;
  }
  return false;
}

// A recovery event and whose profile it is on.
struct RecoveryEvent {
  const mocks::klaviyo::Event* event = nullptr;
  std::string email;
};

// One live window of a customer's issue, from ground truth.
struct IssueWindow {
  sim::WallTime from{};
  std::optional<sim::WallTime> to;  // nullopt: still live at the end
  std::string what;
  std::optional<std::size_t> resolution_record;
};

using EventEvidence = std::function<void(const mocks::klaviyo::Event&, Violation&)>;

// True when the customer's recovery for an episode that ended at the given time waits for a
// person: in Gorgias, the pipeline asked for an offer's approval on one of the customer's tickets
// (tag offer-approval-needed) at or after it, and no person has answered (offer-approved or
// offer-declined) since. A discount is money (I2): that recovery is not owed until a person decides.
using AwaitingPerson = std::function<bool(sim::WallTime)>;

// The tag additions on a customer's tickets, from Gorgias's events: (time, tag name, by the pipeline).
struct TagAdded {
  sim::WallTime at{};
  std::string name;
  bool by_pipeline = false;
};
std::map<std::string, std::vector<TagAdded>> OfferTagsByCustomer(const RunFacts& facts) {
  std::map<std::string, std::vector<TagAdded>> out;
  for (const auto& [id, e] : facts.gorgias.events) {
    if (e.type != "ticket-tags-added" || !e.data.is_object()) continue;
    const auto view = facts.tickets.find(e.object_id);
    if (view == facts.tickets.end() || view->second.email.empty()) continue;
    for (const auto& tag_id : e.data.value("tags_added", mocks::OrderedJson::array())) {
      const auto tag = facts.gorgias.tags.find(tag_id.get<std::uint64_t>());
      if (tag == facts.gorgias.tags.end()) continue;
      const std::string& name = tag->second.name;
      if (name != pipeline::kOfferApprovalNeededTag && name != pipeline::kOfferApprovedTag &&
          name != pipeline::kOfferDeclinedTag) {
        continue;
      }
      out[view->second.email].push_back({e.created, name, e.user_id && *e.user_id == facts.pipeline_user_id});
    }
  }
  return out;
}

bool AwaitsPerson(const std::vector<TagAdded>& tags, sim::WallTime episode_end) {
  std::optional<sim::WallTime> asked;
  for (const TagAdded& t : tags) {
    if (t.by_pipeline && t.name == pipeline::kOfferApprovalNeededTag && t.at >= episode_end) {
      if (!asked || t.at < *asked) asked = t.at;
    }
  }
  if (!asked) return false;
  return std::none_of(tags.begin(), tags.end(), [&](const TagAdded& t) {
    return !t.by_pipeline && t.name != pipeline::kOfferApprovalNeededTag && t.at >= *asked;
  });
}

// I5 for one customer: windows that overlap or follow within `join_gap` form an episode; each
// episode that ended owes exactly one recovery event after its end, and none may fire while it is
// live. `windows` sorted by start.
std::vector<Violation> JudgeEpisodes(const RunFacts& facts, const std::string& email,
                                     const std::vector<IssueWindow>& windows,
                                     const std::vector<const RecoveryEvent*>& events, sim::Duration join_gap,
                                     const EventEvidence& event_evidence, const AwaitingPerson& awaiting) {
  std::vector<IssueWindow> episodes;
  for (const IssueWindow& w : windows) {
    const bool joins = !episodes.empty() && (!episodes.back().to || w.from <= *episodes.back().to + join_gap);
    if (!joins) {
      episodes.push_back(w);
      continue;
    }
    IssueWindow& e = episodes.back();
    e.what += " and " + w.what;
    if (!w.to) {
      e.to.reset();
    } else if (e.to && *w.to > *e.to) {
      e.to = w.to;
      e.resolution_record = w.resolution_record;
    }
  }
  std::vector<Violation> out;
  for (std::size_t k = 0; k < episodes.size(); ++k) {
    const IssueWindow& ep = episodes[k];
    const std::optional<sim::WallTime> next =
        k + 1 < episodes.size() ? std::optional<sim::WallTime>(episodes[k + 1].from) : std::nullopt;
    // An event in the same second as the next episode's start still answers this one.
    const sim::WallTime from = k == 0 ? ep.from : ep.from + kEventTimeSlack;
    std::vector<const RecoveryEvent*> early, owed;
    for (const RecoveryEvent* e : events) {
      const sim::WallTime t = e->event->time;
      if (t < from || (next && t >= *next + kEventTimeSlack)) continue;
      if (!ep.to || t + kEventTimeSlack < *ep.to) {
        early.push_back(e);
      } else {
        owed.push_back(e);
      }
    }
    Violation v;
    const std::string what = email + ": " + ep.what;
    if (!early.empty()) {
      v.message = what + ": the recovery event fired at " + facts.When(early.front()->event->time) +
                  (ep.to ? ", before the last of these was resolved at " + facts.When(*ep.to)
                         : " although the customer's issue is still live");
    } else if (ep.to && owed.empty() && !awaiting(*ep.to)) {
      v.message = what + " was resolved at " + facts.When(*ep.to) + " but no '" + facts.policy.recovery.metric +
                  "' event fired";
      if (ep.resolution_record) v.evidence.push_back(*ep.resolution_record);
    } else if (owed.size() > 1) {
      v.message = what + ": the recovery event fired " + std::to_string(owed.size()) + " times (at";
      for (const auto* m : owed) v.message += " " + facts.When(m->event->time);
      v.message += ") for one resolution";
    }
    if (v.message.empty()) continue;
    for (const auto* m : early) event_evidence(*m->event, v);
    for (const auto* m : owed) event_evidence(*m->event, v);
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

std::vector<Violation> CheckI1(const RunFacts& facts) {
  std::vector<Violation> out;
  const ScanRecords scans(facts);
  const sim::Duration grace = facts.context.reaction_grace;
  std::map<std::string, std::vector<const TicketView*>> tickets_of;
  for (const auto& [id, view] : facts.tickets) {
    if (!view.issues.empty() && !view.email.empty()) tickets_of[view.email].push_back(&view);
  }
  std::map<std::string, std::vector<const DeliveryIssue*>> deliveries_of;
  if (DeliveryExceptionsSuppress(facts.policy)) {
    for (const DeliveryIssue& d : facts.delivery_issues) {
      if (!d.email.empty()) deliveries_of[d.email].push_back(&d);
    }
  }
  std::map<std::int64_t, std::size_t> send_records;  // seq -> trace index
  for (const std::size_t i : facts.OfKind("message.sent")) {
    if (auto seq = RunFacts::Int(facts.trace[i], "seq")) send_records[*seq] = i;
  }

  for (const mocks::klaviyo::SendRecord& s : facts.klaviyo.sends) {
    if (!s.sent || !KindSuppressed(facts.policy, s.kind)) continue;
    std::string email = facts.EmailOfKlaviyoProfile(s.profile_id);
    if (email.empty()) email = Lower(s.to);
    auto live = [&](sim::WallTime from, const std::optional<sim::WallTime>& to) {
      return s.at >= from + grace && (!to || s.at < *to);
    };
    Violation v;
    const std::string what = std::string(mocks::klaviyo::MessageKindName(s.kind)) +
                             (s.message.empty() ? std::string() : " '" + s.message + "'") + " (" + s.source_type + " " +
                             s.source_name + ") sent to " + email + " at " + facts.When(s.at);
    for (const DeliveryIssue* d : deliveries_of[email]) {
      for (const auto& [from, to] : d->windows) {
        if (!live(from, to) || !v.message.empty()) continue;
        v.message = what + " while a delivery exception on order " + d->order->name + " was live (since " +
                    facts.When(from) + ")";
        if (auto i = scans.Find(*d->order, from)) v.evidence.push_back(*i);
      }
    }
    for (const TicketView* t : tickets_of[email]) {
      for (const auto& p : t->periods) {
        if (!live(p.from, p.to) || !v.message.empty()) continue;
        v.message = what + " while ticket " + std::to_string(t->ticket->id) + " (" +
                    std::string(pipeline::IntentName(t->intent)) + ": " + IssueNames(*t) + ") was open (since " +
                    facts.When(p.from) + ")";
        if (auto i = FirstTicketRecord(facts, t->ticket->id)) v.evidence.push_back(*i);
      }
    }
    if (v.message.empty()) continue;
    if (auto it = send_records.find(static_cast<std::int64_t>(s.seq)); it != send_records.end()) {
      v.evidence.push_back(it->second);
    }
    out.push_back(std::move(v));
  }
  return out;
}

// A customer's issues, as live windows from ground truth: each delivery exception (from the
// exception scan to "delivered"), and each ticket with a live issue (from the customer's first
// message to its first close). Overlapping windows are one episode: the customer stays
// suppressed throughout, and the recovery is owed once, when the last of them is resolved.
std::map<std::string, std::vector<IssueWindow>> IssueWindowsByCustomer(const RunFacts& facts) {
  std::map<std::string, std::vector<IssueWindow>> windows_of;
  if (DeliveryExceptionsSuppress(facts.policy)) {
    const ScanRecords scans(facts);
    for (const DeliveryIssue& d : facts.delivery_issues) {
      if (d.email.empty()) continue;
      for (const auto& [from, to] : d.windows) {
        windows_of[d.email].push_back({from, to, "the delivery exception on order " + d.order->name,
                                       to ? scans.Find(*d.order, *to) : std::nullopt});
      }
    }
  }
  const bool complaints_suppress = std::find(facts.policy.suppression.triggers.begin(),
                                              facts.policy.suppression.triggers.end(),
                                              pipeline::Issue::kComplaint) != facts.policy.suppression.triggers.end();
  for (const auto& [id, view] : facts.tickets) {
    if (view.email.empty() || view.periods.empty()) continue;
    std::string what = IssueNames(view);
    if (what.empty() && complaints_suppress && PipelineReadAComplaint(facts, id)) {
      what = "complaint, as the pipeline read it";
    }
    if (what.empty()) continue;
    const TicketView::Period& first = view.periods.front();
    std::optional<std::size_t> record;
    if (first.to) {
      for (const std::size_t i : facts.ForTicket(id)) {
        if (facts.trace[i].time >= facts.ToInstant(*first.to) &&
            (facts.trace[i].kind == "intake.accepted" || facts.trace[i].kind == "recover")) {
          record = i;
          break;
        }
      }
    }
    windows_of[view.email].push_back(
        {first.from, first.to, "ticket " + std::to_string(id) + " (" + what + ")", record});
  }
  return windows_of;
}

std::vector<Violation> CheckI5(const RunFacts& facts) {
  std::vector<Violation> out;
  std::vector<RecoveryEvent> events;
  for (const mocks::klaviyo::Event* e : facts.RecoveryEvents()) {
    RecoveryEvent r;
    r.event = e;
    r.email = facts.EmailOfKlaviyoProfile(e->profile_id);
    events.push_back(std::move(r));
  }
  // Klaviyo events reach the service as POST /api/events; the ones in the event's second show it.
  const EventEvidence event_evidence = [&](const mocks::klaviyo::Event& e, Violation& v) {
    const sim::Instant from = facts.ToInstant(e.time);
    for (const auto& [id, ex] : facts.exchanges) {
      if (ex.host == kKlaviyoHost && ex.Path() == "/api/events" && ex.handled_index &&
          facts.trace[*ex.handled_index].time >= from && facts.trace[*ex.handled_index].time < from + kEventTimeSlack) {
        v.evidence.push_back(ex.request_index);
      }
    }
  };

  std::map<std::string, std::vector<IssueWindow>> windows_of = IssueWindowsByCustomer(facts);
  std::map<std::string, std::vector<const RecoveryEvent*>> events_of;
  for (const RecoveryEvent& e : events) events_of[e.email].push_back(&e);

  const std::map<std::string, std::vector<TagAdded>> offer_tags = OfferTagsByCustomer(facts);
  const sim::Duration settle = facts.context.recovery_settle;
  const sim::Duration tolerance = facts.context.settle_tolerance;
  for (auto& [email, windows] : windows_of) {
    std::stable_sort(windows.begin(), windows.end(), [](const IssueWindow& a, const IssueWindow& b) { return a.from < b.from; });
    // Issues that follow each other within the settle period are one episode; a gap within the
    // tolerance of it may be read either way (the pipeline learns of times through webhooks).
    const auto tags = offer_tags.find(email);
    const AwaitingPerson awaiting = [&](sim::WallTime end) {
      return tags != offer_tags.end() && AwaitsPerson(tags->second, end);
    };
    std::vector<Violation> found = JudgeEpisodes(facts, email, windows, events_of[email], settle, event_evidence, awaiting);
    if (found.empty()) continue;
    if (JudgeEpisodes(facts, email, windows, events_of[email], settle - tolerance, event_evidence, awaiting).empty() ||
        JudgeEpisodes(facts, email, windows, events_of[email], settle + tolerance, event_evidence, awaiting).empty()) {
      continue;
    }
    for (auto& v : found) out.push_back(std::move(v));
  }

  // Suppression must end once nothing of theirs is open.
  std::map<std::string, bool> open;  // email -> something still open
  for (const auto& [id, view] : facts.tickets) {
    if (!view.email.empty()) open[view.email] = open[view.email] || !view.closed_at_end();
  }
  for (const DeliveryIssue& d : facts.delivery_issues) {
    if (!d.email.empty()) open[d.email] = open[d.email] || !d.to;
  }
  const sim::WallTime run_start = facts.ToWall(sim::Instant{});
  for (const auto& [pid, profile] : facts.klaviyo.profiles) {
    if (!profile.email) continue;
    const std::string email = Lower(*profile.email);
    for (const auto& s : profile.suppressions) {
      if (s.reason != "USER_SUPPRESSED" || s.timestamp < run_start) continue;
      if (open[email]) continue;
      bool had_any = false;
      for (const auto& [id, view] : facts.tickets) had_any = had_any || view.email == email;
      for (const DeliveryIssue& d : facts.delivery_issues) had_any = had_any || d.email == email;
      if (!had_any) continue;  // suppressed for a reason outside the support issues
      Violation v;
      v.message = email + " is still suppressed (since " + facts.When(s.timestamp) +
                  ") although every ticket of theirs is closed and no delivery exception is open";
      for (const std::size_t i : facts.OfKind("suppress")) {
        if (RunFacts::Str(facts.trace[i], "email") == email) v.evidence.push_back(i);
      }
      // The request that made this suppression, whoever sent it (Klaviyo stamps it when handled).
      if (const Exchange* ex = facts.HandledAt(kKlaviyoHost, facts.ToInstant(s.timestamp),
                                               "/api/profile-suppression-bulk-create-jobs")) {
        v.evidence.push_back(ex->request_index);
      }
      out.push_back(std::move(v));
    }
  }
  return out;
}

}  // namespace rh::harness::oracles
