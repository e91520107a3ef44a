// The policy's decision for one ticket. Pure: reads only the policy and the facts passed in, and
// formats its sentences without locale or clock, so the same case always yields the same bytes.
#include "pipeline/policy.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace rh::pipeline {
namespace {

constexpr std::array<std::string_view, kIssueCount> kIssueNames = {
    "delivery_exception", "stale_tracking", "late_fulfillment", "open_return",
    "open_refund",        "complaint",      "vip_active_issue"};

template <class T, class U>
bool Contains(const std::vector<T>& v, const U& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// An intent whose automatic answer depends on the customer's order.
bool IsOrderIntent(Intent intent) {
  return intent == Intent::kWismo || intent == Intent::kReturn || intent == Intent::kExchange ||
         intent == Intent::kAddressChange || intent == Intent::kCancel;
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

// Shortest text that reads back as the same double: deterministic, locale-free.
std::string Number(double v) {
  if (std::isnan(v)) return "not a number";
  std::array<char, 32> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), end);
}

std::string Dur(sim::Duration d) { return FormatPolicyDuration(d); }

// A time as the store reads it: "2026-11-02T14:05:00-05:00".
std::string LocalTime(const Policy& p, sim::WallTime t) {
  const auto offset = std::chrono::duration_cast<std::chrono::minutes>(p.store.timezone.OffsetAt(t));
  return sim::FormatRfc3339(t, offset, 0);
}

std::string DateText(std::chrono::year_month_day d) {
  const auto y = static_cast<int>(d.year());
  const auto m = static_cast<unsigned>(d.month());
  const auto day = static_cast<unsigned>(d.day());
  std::string out = std::to_string(y) + "-";
  out += (m < 10 ? "0" : "") + std::to_string(m) + "-";
  out += (day < 10 ? "0" : "") + std::to_string(day);
  return out;
}

struct Verdict {
  Route route = Route::kHuman;
  std::string rule;
  std::string rationale;
};

Verdict Human(std::string rule, std::string rationale) { return {Route::kHuman, std::move(rule), std::move(rationale)}; }
Verdict Auto(std::string rule, std::string rationale) { return {Route::kAutoSend, std::move(rule), std::move(rationale)}; }

std::optional<sim::WallTime> AnchorOf(const Policy& p, const OrderFacts& o) {
  switch (p.returns.window_starts_from) {
    case WindowAnchor::kDelivery: return o.delivered_at;
    case WindowAnchor::kFulfillment: return o.fulfilled_at;
    case WindowAnchor::kOrder: return o.created_at;
  }
  return std::nullopt;
}

sim::WallTime WindowClosesAt(const Policy& p, sim::WallTime anchor) {
  const std::chrono::sys_days first = std::chrono::sys_days(p.store.timezone.LocalDate(anchor));
  return p.store.timezone.StartOfLocalDay(first + std::chrono::days(p.returns.window_days + 1));
}

// No carrier news for this long: since the last scan, or since the fulfillment when none came.
std::optional<sim::Duration> Silence(const OrderFacts& o, sim::WallTime now) {
  if (!o.fulfilled_at) return std::nullopt;
  return now - (o.last_scan_at ? *o.last_scan_at : *o.fulfilled_at);
}

bool InFinalStatus(const Policy& p, const OrderFacts& o) {
  return o.delivered_at.has_value() || (o.shipment_status && Contains(p.tracking.final_statuses, *o.shipment_status));
}

bool IsStale(const Policy& p, const OrderFacts& o, sim::WallTime now) {
  const auto silence = Silence(o, now);
  return silence && !InFinalStatus(p, o) && *silence >= p.tracking.stale_after;
}

bool IsApproved(const Policy& p, const LineFacts& line) {
  const auto& x = p.exchanges;
  if (!line.sku.empty()) {
    if (Contains(x.approved_skus, line.sku)) return true;
    for (const auto& prefix : x.approved_sku_prefixes) {
      if (line.sku.rfind(prefix, 0) == 0) return true;
    }
  }
  return !line.product_type.empty() && Contains(x.approved_product_types, line.product_type);
}

std::int64_t RecentRefunds(const Policy& p, const CaseFacts& f) {
  if (!f.customer) return 0;
  // Refunds dated after `now` (a skewed clock) count too: the safer reading.
  const sim::WallTime since = f.now - p.repeated_refunds.window;
  return std::count_if(f.customer->refunds.begin(), f.customer->refunds.end(),
                       [&](sim::WallTime t) { return t >= since; });
}

bool HasRepeatedRefunds(const Policy& p, const CaseFacts& f) {
  return RecentRefunds(p, f) >= p.repeated_refunds.refunds_at_least;
}

// --- each safe intent's own conditions --------------------------------------------------------

Verdict Wismo(const Policy& p, const CaseFacts& f) {
  const OrderFacts& o = *f.order;
  const auto& t = p.tracking;
  if (!o.fulfilled_at) {
    const sim::Duration age = f.now - o.created_at;
    if (age >= t.ship_within) {
      return Human("wismo.late_fulfillment", "The order was placed " + Dur(age) + " ago and is still unfulfilled, past the " +
                                                 Dur(t.ship_within) + " shipping time.");
    }
    return Auto("wismo.awaiting_fulfillment", "The order was placed " + Dur(age) + " ago and is not fulfilled yet, within the " +
                                                  Dur(t.ship_within) + " shipping time.");
  }
  if (!o.shipment_status) {
    return Human("wismo.no_tracking_status", "The order is fulfilled but the carrier has reported no shipment status.");
  }
  const std::string& status = *o.shipment_status;
  if (Contains(t.exception_statuses, status)) {
    return Human("wismo.delivery_exception", "The shipment status is " + Quote(status) + ", a delivery exception.");
  }
  if (!Contains(t.healthy_statuses, status)) {
    return Human("wismo.unknown_status",
                 "The shipment status " + Quote(status) + " is not one the policy counts as healthy.");
  }
  if (IsStale(p, o, f.now)) {
    return Human("wismo.stale_tracking", "No carrier scan for " + Dur(*Silence(o, f.now)) + ", at or past the " +
                                             Dur(t.stale_after) + " staleness limit.");
  }
  return Auto("wismo.healthy_tracking", "Tracking is healthy: status " + Quote(status) + ", last carrier news " +
                                            Dur(*Silence(o, f.now)) + " ago.");
}

// The return window, shared by returns and exchanges (rule ids prefixed with the intent).
std::optional<Verdict> WindowProblem(const Policy& p, const CaseFacts& f, const std::string& prefix) {
  const OrderFacts& o = *f.order;
  const auto& r = p.returns;
  if (o.open_return) return Human(prefix + ".return_open", "A return is already open on this order.");
  if (r.require_delivered && !o.delivered_at) {
    return Human(prefix + ".not_delivered", "The order has not been delivered yet.");
  }
  const auto anchor = AnchorOf(p, o);
  const std::string anchor_name(WindowAnchorName(r.window_starts_from));
  if (!anchor) return Human(prefix + ".no_anchor", "The window counts from " + anchor_name + ", which has not happened yet.");
  if (f.now < *anchor) {
    return Human(prefix + ".anchor_after_now",
                 "The " + anchor_name + " time " + LocalTime(p, *anchor) + " is after the request: the facts disagree.");
  }
  const auto& zone = p.store.timezone;
  const auto day = (std::chrono::sys_days(zone.LocalDate(f.now)) - std::chrono::sys_days(zone.LocalDate(*anchor))).count();
  const sim::WallTime closes = WindowClosesAt(p, *anchor);
  const std::string where = " on " + DateText(zone.LocalDate(*anchor)) + " (" + zone.name() + ")";
  if (f.now >= closes) {
    return Human(prefix + ".outside_window", "Requested on local day " + std::to_string(day) + " after " + anchor_name +
                                                 where + "; the " + std::to_string(r.window_days) +
                                                 "-day window closed at " + LocalTime(p, closes) + ".");
  }
  return std::nullopt;
}

std::string WindowOk(const Policy& p, const CaseFacts& f) {
  const auto& zone = p.store.timezone;
  const auto anchor = *AnchorOf(p, *f.order);
  const auto day = (std::chrono::sys_days(zone.LocalDate(f.now)) - std::chrono::sys_days(zone.LocalDate(anchor))).count();
  return "requested on local day " + std::to_string(day) + " of the " + std::to_string(p.returns.window_days) +
         "-day window after " + std::string(WindowAnchorName(p.returns.window_starts_from)) + " on " +
         DateText(zone.LocalDate(anchor)) + " (" + zone.name() + "), which closes at " +
         LocalTime(p, WindowClosesAt(p, anchor));
}

Verdict Return(const Policy& p, const CaseFacts& f) {
  if (auto problem = WindowProblem(p, f, "return")) return *std::move(problem);
  return Auto("return.inside_window", "Return " + WindowOk(p, f) + ".");
}

Verdict Exchange(const Policy& p, const CaseFacts& f) {
  const OrderFacts& o = *f.order;
  if (p.exchanges.within_return_window) {
    if (auto problem = WindowProblem(p, f, "exchange")) return *std::move(problem);
  }
  if (o.lines.empty()) return Human("exchange.no_items", "The order has no items to exchange.");
  std::string skus;
  for (const auto& line : o.lines) {
    if (!IsApproved(p, line)) {
      return Human("exchange.sku_not_approved",
                   "The ordered item " + Quote(line.sku) + " is not approved for automatic exchange.");
    }
    skus += (skus.empty() ? "" : ", ") + line.sku;
  }
  if (f.exchange_for && !IsApproved(p, *f.exchange_for)) {
    return Human("exchange.sku_not_approved",
                 "The requested item " + Quote(f.exchange_for->sku) + " is not approved for automatic exchange.");
  }
  std::string sentence = "Every ordered item (" + skus + ")";
  if (f.exchange_for) sentence += " and the requested " + Quote(f.exchange_for->sku);
  sentence += " is approved for exchange";
  if (p.exchanges.within_return_window) sentence += "; " + WindowOk(p, f);
  return Auto("exchange.approved_sku", sentence + ".");
}

Verdict AddressChange(const Policy& p, const CaseFacts& f) {
  const OrderFacts& o = *f.order;
  if (o.fulfilled_at) return Human("address_change.already_fulfilled", "The order is already fulfilled.");
  const sim::Duration age = f.now - o.created_at;
  const sim::Duration cutoff = p.cutoffs.pick_and_pack_cutoff;
  if (age >= cutoff) {
    return Human("address_change.after_cutoff", "The order was placed " + Dur(age) + " ago, at or past the " + Dur(cutoff) +
                                                    " pick-and-pack cutoff.");
  }
  return Auto("address_change.before_cutoff", "The order was placed " + Dur(age) + " ago, before the " + Dur(cutoff) +
                                                  " pick-and-pack cutoff, and is unfulfilled.");
}

Verdict Cancel(const Policy& p, const CaseFacts& f) {
  const OrderFacts& o = *f.order;
  if (o.fulfilled_at) {
    return Human("cancel.after_handoff", "A fulfillment exists: the order has been handed to the warehouse or carrier.");
  }
  const sim::Duration age = f.now - o.created_at;
  const sim::Duration lock = p.cutoffs.fulfillment_lock;
  if (age >= lock) {
    return Human("cancel.after_lock",
                 "The order was placed " + Dur(age) + " ago, at or past the " + Dur(lock) + " fulfillment lock.");
  }
  return Auto("cancel.before_lock", "The order was placed " + Dur(age) + " ago, before the " + Dur(lock) +
                                        " fulfillment lock, and is unfulfilled.");
}

Verdict Choose(const Policy& p, const CaseFacts& f, bool vip, const std::vector<Issue>& issues) {
  const auto& a = p.automation;
  const Intent intent = f.intent;
  const std::string label(IntentName(intent));
  if (!a.enabled) return Human("automation.disabled", "Automation is switched off; every ticket goes to a person.");
  if (f.llm_failed) return Human("llm.failed", "Classification or drafting failed, and a failure never sends automatically.");
  if (!f.draft_problem.empty()) return Human("draft.rejected", "The draft failed its fact check: " + f.draft_problem + ".");
  if (Contains(a.never_auto_intents, intent) || IsMoneyIntent(intent)) {
    if (intent == Intent::kDamagedItem && !f.has_evidence) {
      return Human("damaged_item.no_evidence", "A damaged-item claim without photos: a person asks for evidence first.");
    }
    return Human("intent.never_auto", Quote(label) + " tickets always go to a person" +
                                          (IsMoneyIntent(intent) ? " (they touch money)." : "."));
  }
  if (!Contains(a.safe_intents, intent)) {
    return Human("intent.not_safe", Quote(label) + " is not in the policy's safe zone.");
  }
  if (!(f.confidence >= a.auto_send_confidence)) {
    return Human("confidence.below_threshold", "Classifier confidence " + Number(f.confidence) + " is below the threshold " +
                                                   Number(a.auto_send_confidence) + ".");
  }
  Verdict v;
  if (IsOrderIntent(intent)) {
    if (!f.order) return Human("order.not_found", "No order was found for this customer.");
    if (f.order->cancelled) return Human("order.cancelled", "The order is cancelled.");
    if (f.now < f.order->created_at) {
      return Human("order.created_after_now", "The order's creation time is after the request: the facts disagree.");
    }
    switch (intent) {
      case Intent::kWismo: v = Wismo(p, f); break;
      case Intent::kReturn: v = Return(p, f); break;
      case Intent::kExchange: v = Exchange(p, f); break;
      case Intent::kAddressChange: v = AddressChange(p, f); break;
      case Intent::kCancel: v = Cancel(p, f); break;
      default: break;
    }
    if (v.route == Route::kHuman) return v;
  } else {
    v = Auto("intent.safe", Quote(label) + " is in the safe zone and needs no order.");
  }
  // The customer, last: an automatic answer for the ticket may still be wrong for this customer.
  if (const std::int64_t n = RecentRefunds(p, f); n >= p.repeated_refunds.refunds_at_least) {
    return Human("customer.repeated_refunds", "The customer has " + std::to_string(n) + " refunds in the last " +
                                                  Dur(p.repeated_refunds.window) + " (the line is " +
                                                  std::to_string(p.repeated_refunds.refunds_at_least) + ").");
  }
  if (vip && p.vip.always_human) return Human("vip.always_human", "VIP customers are always answered by a person.");
  if (vip && p.vip.human_when_active_issue) {
    std::string names;
    for (const Issue issue : issues) {
      if (issue == Issue::kVipActiveIssue) continue;
      names += (names.empty() ? "" : ", ") + std::string(IssueName(issue));
    }
    // "Any live issue": one on another order or ticket of theirs counts as much as this one's.
    for (const Issue issue : f.issues_elsewhere) {
      if (issue == Issue::kVipActiveIssue) continue;
      names += (names.empty() ? "" : ", ") + std::string(IssueName(issue)) + " (another order or ticket)";
    }
    if (!names.empty()) return Human("vip.active_issue", "A VIP customer with a live issue (" + names + ").");
  }
  return v;
}

Priority PriorityFor(const Policy& p, const CaseFacts& f, std::string_view bucket, const std::vector<Issue>& issues) {
  std::vector<std::string> labels;
  labels.emplace_back(bucket == kBucketVip ? "vip" : bucket == kBucketNew ? "new_customer" : "regular_customer");
  if (IsMoneyIntent(f.intent)) labels.emplace_back("touches_money");
  if (HasRepeatedRefunds(p, f)) labels.emplace_back("repeated_refunds");
  if (f.llm_failed || !f.draft_problem.empty()) labels.emplace_back("automation_failed");
  if (!(f.confidence >= p.automation.auto_send_confidence)) labels.emplace_back("low_confidence");
  for (const Issue issue : issues) labels.emplace_back(IssueName(issue));
  labels.push_back("intent:" + std::string(IntentName(f.intent)));
  std::optional<Priority> best;
  for (const auto& rule : p.routing.priority_rules) {
    if (Contains(labels, rule.when) && (!best || rule.priority > *best)) best = rule.priority;
  }
  return best.value_or(p.routing.default_priority);
}

std::optional<std::uint64_t> AssigneeFor(const Policy& p, Intent intent, bool vip) {
  const auto& r = p.routing;
  if (vip && r.vip_assignee_user_id) return r.vip_assignee_user_id;
  for (const auto& [listed, user] : r.intent_assignees) {
    if (listed == intent) return user;
  }
  return r.default_assignee_user_id;
}

}  // namespace

std::string_view WindowAnchorName(WindowAnchor anchor) {
  switch (anchor) {
    case WindowAnchor::kDelivery: return "delivery";
    case WindowAnchor::kFulfillment: return "fulfillment";
    case WindowAnchor::kOrder: return "order";
  }
  return "?";
}

std::string_view PriorityName(Priority priority) {
  switch (priority) {
    case Priority::kLow: return "low";
    case Priority::kNormal: return "normal";
    case Priority::kHigh: return "high";
    case Priority::kCritical: return "critical";
  }
  return "?";
}

std::string_view IssueName(Issue issue) { return kIssueNames[static_cast<std::size_t>(issue)]; }

std::optional<Issue> ParseIssue(std::string_view name) {
  for (std::size_t i = 0; i < kIssueNames.size(); ++i) {
    if (kIssueNames[i] == name) return static_cast<Issue>(i);
  }
  return std::nullopt;
}

std::string_view MessageKindName(MessageKind kind) {
  return kind == MessageKind::kPromotional ? "promotional" : "review_request";
}

std::string_view RouteName(Route route) { return route == Route::kAutoSend ? "auto_send" : "human"; }

bool IsMoneyIntent(Intent intent) {
  return intent == Intent::kDamagedItem || intent == Intent::kDeliveredNotReceived ||
         intent == Intent::kRefundStatus || intent == Intent::kDiscountRequest;
}

bool IsVip(const Policy& policy, const CustomerFacts& customer) {
  const auto& v = policy.vip;
  return customer.lifetime_value >= v.lifetime_value_at_least ||
         (v.orders_count_at_least && customer.orders_count >= *v.orders_count_at_least);
}

std::string ValueBucket(const Policy& policy, const CustomerFacts& customer) {
  if (IsVip(policy, customer)) return std::string(kBucketVip);
  if (customer.orders_count <= policy.new_customer.orders_count_at_most) return std::string(kBucketNew);
  return std::string(kBucketRegular);
}

RecoveryOffer OfferFor(const Policy& policy, std::string_view value_bucket) {
  if (value_bucket == kBucketVip) return policy.recovery.vip;
  if (value_bucket == kBucketRegular) return policy.recovery.regular;
  if (value_bucket == kBucketNew) return policy.recovery.new_customer;
  return RecoveryOffer{true, false, std::nullopt};
}

std::optional<sim::WallTime> ReturnWindowCloses(const Policy& policy, const OrderFacts& order) {
  const auto anchor = AnchorOf(policy, order);
  if (!anchor) return std::nullopt;
  return WindowClosesAt(policy, *anchor);
}

std::vector<Issue> LiveIssues(const Policy& policy, const CaseFacts& facts) {
  std::vector<Issue> issues;
  if (facts.order) {
    const OrderFacts& o = *facts.order;
    const bool shipping = !o.cancelled;
    if (shipping && o.fulfilled_at && o.shipment_status &&
        Contains(policy.tracking.exception_statuses, *o.shipment_status)) {
      issues.push_back(Issue::kDeliveryException);
    }
    if (shipping && IsStale(policy, o, facts.now)) issues.push_back(Issue::kStaleTracking);
    if (shipping && !o.fulfilled_at && facts.now - o.created_at >= policy.tracking.ship_within) {
      issues.push_back(Issue::kLateFulfillment);
    }
    if (o.open_return) issues.push_back(Issue::kOpenReturn);
    if (o.open_refund) issues.push_back(Issue::kOpenRefund);
  }
  if (facts.complaint || facts.intent == Intent::kDamagedItem || facts.intent == Intent::kDeliveredNotReceived) {
    issues.push_back(Issue::kComplaint);
  }
  if (!issues.empty() && facts.customer && IsVip(policy, *facts.customer)) issues.push_back(Issue::kVipActiveIssue);
  return issues;
}

Decision Decide(const Policy& policy, const CaseFacts& facts) {
  Decision d;
  const bool vip = facts.customer && IsVip(policy, *facts.customer);
  d.value_bucket = facts.customer ? ValueBucket(policy, *facts.customer) : std::string(kBucketNew);
  const std::vector<Issue> issues = LiveIssues(policy, facts);
  for (const Issue issue : issues) {
    if (Contains(policy.suppression.triggers, issue)) d.suppression_triggers.emplace_back(IssueName(issue));
  }
  d.touches_money = IsMoneyIntent(facts.intent);
  d.priority = PriorityFor(policy, facts, d.value_bucket, issues);
  Verdict v = Choose(policy, facts, vip, issues);
  d.route = v.route;
  d.rule = std::move(v.rule);
  d.rationale = std::move(v.rationale);
  if (d.route == Route::kHuman) d.assignee_user_id = AssigneeFor(policy, facts.intent, vip);
  return d;
}

}  // namespace rh::pipeline
