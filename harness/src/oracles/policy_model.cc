// The written policy, rule by rule, as docs/POLICY.md states it ("The decision", the intents'
// table, the suppression table, the VIP lines). Each function cites the section it models.
#include "policy_model.h"

#include <algorithm>
#include <cmath>

namespace rh::harness::oracles {
namespace {

using pipeline::Intent;
using pipeline::Issue;

template <typename T>
bool Has(const std::vector<T>& list, const T& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

PolicyRoute Human(std::string rule, std::string why) { return {false, std::move(rule), std::move(why)}; }
PolicyRoute Auto(std::string rule, std::string why) { return {true, std::move(rule), std::move(why)}; }

bool IsOrderIntent(Intent i) {
  return i == Intent::kWismo || i == Intent::kReturn || i == Intent::kExchange || i == Intent::kAddressChange ||
         i == Intent::kCancel;
}

// "The four money intents ... are always in it, listed or not."
bool NeverAuto(const pipeline::Policy& p, Intent i) {
  return Has(p.automation.never_auto_intents, i) || i == Intent::kDamagedItem || i == Intent::kDeliveredNotReceived ||
         i == Intent::kRefundStatus || i == Intent::kDiscountRequest;
}

// `returns`: the last day inside is D + window_days (D the anchor's local date); the window
// closes at the first instant of the local day after it.
sim::WallTime WindowCloses(const pipeline::Policy& p, sim::WallTime anchor) {
  const std::chrono::sys_days anchor_day{p.store.timezone.LocalDate(anchor)};
  const std::chrono::year_month_day first_outside{anchor_day + std::chrono::days(p.returns.window_days + 1)};
  return p.store.timezone.StartOfLocalDay(first_outside);
}

// The return window rules, shared by `return` and (with within_return_window) `exchange`.
std::optional<PolicyRoute> OutsideWindow(const pipeline::Policy& p, const pipeline::OrderFacts& o, sim::WallTime now,
                                         const std::string& prefix) {
  if (p.returns.require_delivered && !o.delivered_at) {
    return Human(prefix + ".not_delivered", "the carrier has not delivered the order yet");
  }
  std::optional<sim::WallTime> anchor;
  switch (p.returns.window_starts_from) {
    case pipeline::WindowAnchor::kDelivery: anchor = o.delivered_at; break;
    case pipeline::WindowAnchor::kFulfillment: anchor = o.fulfilled_at; break;
    case pipeline::WindowAnchor::kOrder: anchor = o.created_at; break;
  }
  if (!anchor) return Human(prefix + ".no_anchor", "the window's anchor is not known yet");
  if (*anchor > now) return Human(prefix + ".anchor_after_now", "the request is dated before its anchor");
  if (now >= WindowCloses(p, *anchor)) {
    return Human(prefix + ".outside_window",
                 "the " + std::to_string(p.returns.window_days) + "-day window had closed in the store's zone");
  }
  return std::nullopt;
}

bool Approved(const pipeline::Policy& p, const std::string& sku, const std::string& product_type) {
  const auto& e = p.exchanges;
  if (Has(e.approved_skus, sku)) return true;
  for (const auto& prefix : e.approved_sku_prefixes) {
    if (!prefix.empty() && sku.rfind(prefix, 0) == 0) return true;
  }
  return !product_type.empty() && Has(e.approved_product_types, product_type);
}

// Step 8: the intent's own conditions.
PolicyRoute IntentConditions(const pipeline::Policy& p, const PolicyCase& c) {
  const pipeline::OrderFacts& o = *c.order;
  const auto& t = p.tracking;
  switch (c.intent) {
    case Intent::kWismo: {
      if (!o.fulfilled_at) {
        if (c.now - o.created_at >= t.ship_within) return Human("wismo.late_fulfillment", "not shipped within ship_within");
        return Auto("wismo.awaiting_fulfillment", "not shipped yet, still within ship_within");
      }
      if (!o.shipment_status) return Human("wismo.no_tracking_status", "the fulfillment has no tracking status yet");
      const std::string& status = *o.shipment_status;
      if (Has(t.exception_statuses, status)) return Human("wismo.delivery_exception", "the carrier reports " + status);
      if (!Has(t.healthy_statuses, status)) return Human("wismo.unknown_status", "status " + status + " is in no list");
      if (!Has(t.final_statuses, status) && !o.delivered_at) {
        const sim::WallTime last = o.last_scan_at.value_or(*o.fulfilled_at);
        if (c.now - last >= t.stale_after) return Human("wismo.stale_tracking", "no scan for stale_after");
      }
      return Auto("wismo.healthy_tracking", "tracking is healthy (" + status + ")");
    }
    case Intent::kReturn: {
      if (o.open_return) return Human("return.return_open", "a return is already open");
      if (auto out = OutsideWindow(p, o, c.now, "return")) return *out;
      return Auto("return.inside_window", "inside the return window");
    }
    case Intent::kExchange: {
      if (p.exchanges.within_return_window) {
        if (o.open_return) return Human("exchange.return_open", "a return is already open");
        if (auto out = OutsideWindow(p, o, c.now, "exchange")) return *out;
      }
      if (o.lines.empty()) return Human("exchange.no_items", "the order has no items");
      for (const auto& line : o.lines) {
        if (!Approved(p, line.sku, line.product_type)) return Human("exchange.sku_not_approved", line.sku + " is not approved");
      }
      if (c.exchange_sku && !Approved(p, *c.exchange_sku, "")) {
        return Human("exchange.sku_not_approved", "the requested " + *c.exchange_sku + " is not approved");
      }
      return Auto("exchange.approved_sku", "every item is approved for exchange");
    }
    case Intent::kAddressChange:
      if (o.fulfilled_at) return Human("address_change.already_fulfilled", "a fulfillment exists");
      if (c.now < o.created_at + p.cutoffs.pick_and_pack_cutoff) return Auto("address_change.before_cutoff", "before pick and pack");
      return Human("address_change.after_cutoff", "at or after the pick-and-pack cutoff");
    case Intent::kCancel:
      if (o.fulfilled_at) return Human("cancel.after_handoff", "a fulfillment exists");
      if (c.now < o.created_at + p.cutoffs.fulfillment_lock) return Auto("cancel.before_lock", "before the fulfillment lock");
      return Human("cancel.after_lock", "at or after the fulfillment lock");
    default:
      return Auto("intent.safe", "a safe intent with no order conditions");
  }
}

}  // namespace

std::chrono::year_month_day LastDayOfReturnWindow(const pipeline::Policy& p, sim::WallTime anchor) {
  const std::chrono::sys_days anchor_day{p.store.timezone.LocalDate(anchor)};
  return std::chrono::year_month_day{anchor_day + std::chrono::days(p.returns.window_days)};
}

bool WrittenVip(const pipeline::Policy& p, const pipeline::CustomerFacts& customer) {
  if (customer.lifetime_value >= p.vip.lifetime_value_at_least) return true;
  return p.vip.orders_count_at_least && customer.orders_count >= *p.vip.orders_count_at_least;
}

std::vector<Issue> OrderIssues(const pipeline::Policy& p, const pipeline::OrderFacts& o, sim::WallTime now) {
  std::vector<Issue> out;
  const auto& t = p.tracking;
  const bool delivered = o.delivered_at.has_value();
  if (!o.cancelled && o.shipment_status && Has(t.exception_statuses, *o.shipment_status)) {
    out.push_back(Issue::kDeliveryException);
  }
  if (o.fulfilled_at && !delivered && !(o.shipment_status && Has(t.final_statuses, *o.shipment_status))) {
    if (now - o.last_scan_at.value_or(*o.fulfilled_at) >= t.stale_after) out.push_back(Issue::kStaleTracking);
  }
  if (!o.cancelled && !o.fulfilled_at && now - o.created_at >= t.ship_within) out.push_back(Issue::kLateFulfillment);
  if (o.open_return) out.push_back(Issue::kOpenReturn);
  if (o.open_refund) out.push_back(Issue::kOpenRefund);
  return out;
}

PolicyRoute WrittenPolicyRoute(const pipeline::Policy& p, const PolicyCase& c) {
  // "The decision": the first rule that applies decides.
  if (!p.automation.enabled) return Human("automation.disabled", "automation is off");
  if (!c.draft_problem.empty()) return Human("draft.rejected", "the text fails the fact check: " + c.draft_problem);
  if (NeverAuto(p, c.intent)) {
    if (c.intent == Intent::kDamagedItem && !c.has_evidence) {
      return Human("damaged_item.no_evidence", "a damage claim without photos");
    }
    return Human("intent.never_auto", std::string(pipeline::IntentName(c.intent)) + " is never automatic");
  }
  if (!Has(p.automation.safe_intents, c.intent)) {
    return Human("intent.not_safe", std::string(pipeline::IntentName(c.intent)) + " is not a safe intent");
  }
  if (std::isnan(c.confidence) || c.confidence < p.automation.auto_send_confidence) {
    return Human("confidence.below_threshold", "confidence below auto_send_confidence");
  }
  if (IsOrderIntent(c.intent)) {
    if (!c.order) return Human("order.not_found", "no order found");
    if (c.order->cancelled) return Human("order.cancelled", "the order is cancelled");
    if (c.order->created_at > c.now) return Human("order.created_after_now", "the order is dated after the request");
  }
  PolicyRoute route = c.order || !IsOrderIntent(c.intent) ? IntentConditions(p, c) : Human("order.not_found", "");
  if (!route.automatic) return route;

  // Step 9: the customer.
  if (c.customer) {
    const auto& rr = p.repeated_refunds;
    const auto recent = std::count_if(c.customer->refunds.begin(), c.customer->refunds.end(),
                                      [&](sim::WallTime t) { return t >= c.now - rr.window; });
    if (recent >= rr.refunds_at_least) {
      return Human("customer.repeated_refunds", std::to_string(recent) + " refunds within the window");
    }
    if (WrittenVip(p, *c.customer)) {
      if (p.vip.always_human) return Human("vip.always_human", "every VIP ticket goes to a person");
      std::vector<Issue> live = c.order ? OrderIssues(p, *c.order, c.now) : std::vector<Issue>{};
      if (c.complaint || c.intent == Intent::kDamagedItem || c.intent == Intent::kDeliveredNotReceived) {
        live.push_back(Issue::kComplaint);
      }
      live.insert(live.end(), c.elsewhere.begin(), c.elsewhere.end());
      if (p.vip.human_when_active_issue && !live.empty()) {
        std::string names;
        for (const Issue i : live) names += (names.empty() ? "" : ", ") + std::string(pipeline::IssueName(i));
        return Human("vip.active_issue", "a VIP with a live issue (" + names + ")");
      }
    }
  }
  return route;
}

}  // namespace rh::harness::oracles
