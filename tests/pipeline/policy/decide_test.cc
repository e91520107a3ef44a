// Goal: each workflow of the support playbook gets the decision the policy promises: the safe zone
// (healthy tracking, a return inside the window, an approved exchange, an address change before
// pick and pack, a cancellation before the lock) is sent automatically, exactly up to its
// boundary, and everything else (delays, stale tracking, late requests, handed-off orders, claims,
// repeated refunds, VIPs with an issue, discounts, failures) waits for a person, with the rule,
// suppression, priority and assignee the policy names.
#include "pipeline/policy.h"

#include <gtest/gtest.h>

#include <limits>

namespace rh::pipeline {
namespace {

sim::WallTime Utc(std::string_view rfc3339) {
  sim::WallTime t;
  EXPECT_TRUE(sim::ParseRfc3339(rfc3339, t)) << rfc3339;
  return t;
}

using Strings = std::vector<std::string>;

class DecideTest : public ::testing::Test {
 protected:
  DecideTest() {
    policy_.store.timezone = TimeZone::Load("America/New_York").value();
    policy_.exchanges.approved_sku_prefixes = {"TEE-"};
    policy_.exchanges.approved_product_types = {"Socks"};
    policy_.routing.default_assignee_user_id = 100;
    policy_.routing.vip_assignee_user_id = 200;
    policy_.routing.intent_assignees = {{Intent::kDamagedItem, 300}};
  }

  // A regular customer's in-transit order, asked about on 20 November 2026.
  CaseFacts Case(Intent intent) const {
    CaseFacts f;
    f.intent = intent;
    f.confidence = 0.95;
    f.now = Utc("2026-11-20T15:00:00Z");
    f.customer = CustomerFacts{20000, 3, {}};
    OrderFacts o;
    o.created_at = Utc("2026-11-10T14:00:00Z");
    o.financial_status = "paid";
    o.fulfilled_at = Utc("2026-11-11T09:00:00Z");
    o.shipment_status = "in_transit";
    o.last_scan_at = Utc("2026-11-19T12:00:00Z");
    o.lines = {{"TEE-M-BLK", "T-Shirts"}};
    f.order = o;
    return f;
  }

  // The order was placed `age` before now and nothing has shipped.
  CaseFacts Unfulfilled(Intent intent, sim::Duration age) const {
    CaseFacts f = Case(intent);
    f.order->created_at = f.now - age;
    f.order->fulfilled_at.reset();
    f.order->shipment_status.reset();
    f.order->last_scan_at.reset();
    return f;
  }

  // Delivered at 22:30 on 1 November in New York, which is already 2 November in UTC.
  CaseFacts Delivered(Intent intent, std::string_view now) const {
    CaseFacts f = Case(intent);
    f.order->created_at = Utc("2026-10-28T14:00:00Z");
    f.order->fulfilled_at = Utc("2026-10-29T09:00:00Z");
    f.order->shipment_status = "delivered";
    f.order->last_scan_at = Utc("2026-11-02T03:30:00Z");
    f.order->delivered_at = Utc("2026-11-02T03:30:00Z");
    f.now = Utc(now);
    return f;
  }

  Decision D(const CaseFacts& f) const { return Decide(policy_, f); }

  Policy policy_;
};

// --- WISMO ------------------------------------------------------------------------------------

TEST_F(DecideTest, WismoWithHealthyTrackingIsSentAutomatically) {
  const Decision d = D(Case(Intent::kWismo));
  EXPECT_EQ(d.route, Route::kAutoSend);
  EXPECT_EQ(d.rule, "wismo.healthy_tracking");
  EXPECT_EQ(d.rationale, "Tracking is healthy: status 'in_transit', last carrier news 1d3h ago.");
  EXPECT_TRUE(d.suppression_triggers.empty());
  EXPECT_FALSE(d.assignee_user_id.has_value());
  EXPECT_FALSE(d.touches_money);
  EXPECT_EQ(d.value_bucket, "regular");
  EXPECT_EQ(d.priority, Priority::kNormal);
}

TEST_F(DecideTest, DelayedShipmentGoesToAPersonAndSuppresses) {
  CaseFacts f = Case(Intent::kWismo);
  f.order->shipment_status = "delayed";
  const Decision d = D(f);
  EXPECT_EQ(d.route, Route::kHuman);
  EXPECT_EQ(d.rule, "wismo.delivery_exception");
  EXPECT_EQ(d.rationale, "The shipment status is 'delayed', a delivery exception.");
  EXPECT_EQ(d.suppression_triggers, Strings{"delivery_exception"});
  EXPECT_EQ(d.priority, Priority::kHigh);
  EXPECT_EQ(d.assignee_user_id, 100u);
}

TEST_F(DecideTest, TrackingIsStaleFromExactlySeventyTwoHoursWithoutAScan) {
  CaseFacts f = Case(Intent::kWismo);
  f.order->last_scan_at = f.now - sim::Hours(72) + sim::Sec(1);
  EXPECT_EQ(D(f).rule, "wismo.healthy_tracking");
  f.order->last_scan_at = f.now - sim::Hours(72);
  const Decision d = D(f);
  EXPECT_EQ(d.route, Route::kHuman);
  EXPECT_EQ(d.rule, "wismo.stale_tracking");
  EXPECT_EQ(d.rationale, "No carrier scan for 3d, at or past the 3d staleness limit.");
  EXPECT_EQ(d.suppression_triggers, Strings{"stale_tracking"});
  // Without any scan the fulfillment time is the last news.
  f.order->last_scan_at.reset();
  EXPECT_EQ(D(f).rule, "wismo.stale_tracking");
  // A delivered parcel is never stale.
  f.order->shipment_status = "delivered";
  f.order->delivered_at = f.now - sim::Days(5);
  EXPECT_EQ(D(f).rule, "wismo.healthy_tracking");
}

TEST_F(DecideTest, WismoBeforeShippingIsAutomaticOnlyWithinTheShippingTime) {
  EXPECT_EQ(D(Unfulfilled(Intent::kWismo, sim::Hours(71))).rule, "wismo.awaiting_fulfillment");
  const Decision late = D(Unfulfilled(Intent::kWismo, sim::Days(3)));
  EXPECT_EQ(late.rule, "wismo.late_fulfillment");
  EXPECT_EQ(late.suppression_triggers, Strings{"late_fulfillment"});
}

TEST_F(DecideTest, WismoWithoutAStatusOrWithAnUnknownOneGoesToAPerson) {
  CaseFacts f = Case(Intent::kWismo);
  f.order->shipment_status.reset();
  EXPECT_EQ(D(f).rule, "wismo.no_tracking_status");
  policy_.tracking.healthy_statuses = {"delivered"};
  EXPECT_EQ(D(Case(Intent::kWismo)).rule, "wismo.unknown_status");
}

// --- Returns ----------------------------------------------------------------------------------

TEST_F(DecideTest, ReturnOnTheLastLocalDayIsInsideAndTheNextDayIsOutside) {
  // Delivered on 1 Nov (local); 30 days: 1 Dec is the last day; the window closes at 2 Dec 00:00 EST.
  const Decision last = D(Delivered(Intent::kReturn, "2026-12-02T04:59:59Z"));
  EXPECT_EQ(last.route, Route::kAutoSend);
  EXPECT_EQ(last.rule, "return.inside_window");
  EXPECT_EQ(last.rationale,
            "Return requested on local day 30 of the 30-day window after delivery on 2026-11-01 (America/New_York), "
            "which closes at 2026-12-02T00:00:00-05:00.");
  const Decision after = D(Delivered(Intent::kReturn, "2026-12-02T05:00:00Z"));
  EXPECT_EQ(after.route, Route::kHuman);
  EXPECT_EQ(after.rule, "return.outside_window");
  EXPECT_EQ(after.rationale,
            "Requested on local day 31 after delivery on 2026-11-01 (America/New_York); the 30-day window closed at "
            "2026-12-02T00:00:00-05:00.");
  EXPECT_EQ(ReturnWindowCloses(policy_, *Delivered(Intent::kReturn, "2026-12-01T00:00:00Z").order),
            Utc("2026-12-02T05:00:00Z"));
}

TEST_F(DecideTest, ReturnBeforeDeliveryOrWithOneOpenGoesToAPerson) {
  EXPECT_EQ(D(Case(Intent::kReturn)).rule, "return.not_delivered");
  CaseFacts f = Delivered(Intent::kReturn, "2026-11-10T12:00:00Z");
  f.order->open_return = true;
  const Decision d = D(f);
  EXPECT_EQ(d.rule, "return.return_open");
  EXPECT_EQ(d.suppression_triggers, Strings{"open_return"});
  // A delivery dated after the request (a skewed clock) is not trusted.
  EXPECT_EQ(D(Delivered(Intent::kReturn, "2026-11-01T12:00:00Z")).rule, "return.anchor_after_now");
}

TEST_F(DecideTest, ReturnWindowCanCountFromTheOrder) {
  policy_.returns.window_starts_from = WindowAnchor::kOrder;
  policy_.returns.window_days = 10;
  // Ordered 28 Oct 10:00 EDT; 7 Nov is the last day, which ends in standard time.
  EXPECT_EQ(D(Delivered(Intent::kReturn, "2026-11-08T04:59:59Z")).rule, "return.inside_window");
  EXPECT_EQ(D(Delivered(Intent::kReturn, "2026-11-08T05:00:00Z")).rule, "return.outside_window");
}

// --- Exchanges --------------------------------------------------------------------------------

TEST_F(DecideTest, ExchangeOfApprovedSkusIsAutomatic) {
  CaseFacts f = Delivered(Intent::kExchange, "2026-11-10T12:00:00Z");
  f.exchange_for = LineFacts{"TEE-L-BLK", "T-Shirts"};
  const Decision d = D(f);
  EXPECT_EQ(d.route, Route::kAutoSend);
  EXPECT_EQ(d.rule, "exchange.approved_sku");
  // Approval by product type.
  f.order->lines = {{"SOCK-9", "Socks"}};
  f.exchange_for = LineFacts{"SOCK-10", "Socks"};
  EXPECT_EQ(D(f).rule, "exchange.approved_sku");
}

TEST_F(DecideTest, ExchangeOfAnUnapprovedSkuGoesToAPerson) {
  CaseFacts f = Delivered(Intent::kExchange, "2026-11-10T12:00:00Z");
  f.exchange_for = LineFacts{"MUG-1", "Mugs"};
  Decision d = D(f);
  EXPECT_EQ(d.route, Route::kHuman);
  EXPECT_EQ(d.rule, "exchange.sku_not_approved");
  EXPECT_EQ(d.rationale, "The requested item 'MUG-1' is not approved for automatic exchange.");
  f.exchange_for.reset();
  f.order->lines.push_back({"MUG-1", "Mugs"});
  EXPECT_EQ(D(f).rationale, "The ordered item 'MUG-1' is not approved for automatic exchange.");
  // Outside the return window an approved exchange still waits.
  EXPECT_EQ(D(Delivered(Intent::kExchange, "2026-12-03T12:00:00Z")).rule, "exchange.outside_window");
}

// --- Address changes and cancellations ----------------------------------------------------------

TEST_F(DecideTest, AddressChangeIsAutomaticOnlyBeforePickAndPack) {
  const Decision before = D(Unfulfilled(Intent::kAddressChange, sim::Minutes(119)));
  EXPECT_EQ(before.route, Route::kAutoSend);
  EXPECT_EQ(before.rule, "address_change.before_cutoff");
  const Decision at = D(Unfulfilled(Intent::kAddressChange, sim::Hours(2)));
  EXPECT_EQ(at.route, Route::kHuman);
  EXPECT_EQ(at.rule, "address_change.after_cutoff");
  EXPECT_EQ(at.rationale, "The order was placed 2h ago, at or past the 2h pick-and-pack cutoff.");
  CaseFacts shipped = Unfulfilled(Intent::kAddressChange, sim::Minutes(30));
  shipped.order->fulfilled_at = shipped.now - sim::Minutes(5);
  EXPECT_EQ(D(shipped).rule, "address_change.already_fulfilled");
}

TEST_F(DecideTest, CancellationIsAutomaticBeforeTheLockAndHumanAfterHandoff) {
  const Decision before = D(Unfulfilled(Intent::kCancel, sim::Minutes(59)));
  EXPECT_EQ(before.route, Route::kAutoSend);
  EXPECT_EQ(before.rule, "cancel.before_lock");
  EXPECT_EQ(D(Unfulfilled(Intent::kCancel, sim::Hours(1))).rule, "cancel.after_lock");
  CaseFacts handed_off = Unfulfilled(Intent::kCancel, sim::Minutes(20));
  handed_off.order->fulfilled_at = handed_off.now - sim::Minutes(1);
  const Decision d = D(handed_off);
  EXPECT_EQ(d.route, Route::kHuman);
  EXPECT_EQ(d.rule, "cancel.after_handoff");
  CaseFacts cancelled = Unfulfilled(Intent::kCancel, sim::Minutes(20));
  cancelled.order->cancelled = true;
  EXPECT_EQ(D(cancelled).rule, "order.cancelled");
}

// --- The human zone ---------------------------------------------------------------------------

TEST_F(DecideTest, DamagedItemWithoutEvidenceAsksForPhotosThroughAPerson) {
  CaseFacts f = Delivered(Intent::kDamagedItem, "2026-11-03T12:00:00Z");
  Decision d = D(f);
  EXPECT_EQ(d.route, Route::kHuman);
  EXPECT_EQ(d.rule, "damaged_item.no_evidence");
  EXPECT_TRUE(d.touches_money);
  EXPECT_EQ(d.suppression_triggers, Strings{"complaint"});
  EXPECT_EQ(d.priority, Priority::kHigh);
  EXPECT_EQ(d.assignee_user_id, 300u);
  // Photos do not make a claim automatic; they only change the reason.
  f.has_evidence = true;
  d = D(f);
  EXPECT_EQ(d.route, Route::kHuman);
  EXPECT_EQ(d.rule, "intent.never_auto");
  EXPECT_EQ(d.rationale, "'damaged_item' tickets always go to a person (they touch money).");
}

TEST_F(DecideTest, RepeatedRefundsSendEvenASafeReturnToAPerson) {
  CaseFacts f = Delivered(Intent::kReturn, "2026-11-10T12:00:00Z");
  f.customer->refunds = {f.now - sim::Days(181), f.now - sim::Days(20)};
  EXPECT_EQ(D(f).route, Route::kAutoSend);
  f.customer->refunds.push_back(f.now - sim::Days(180));
  const Decision d = D(f);
  EXPECT_EQ(d.route, Route::kHuman);
  EXPECT_EQ(d.rule, "customer.repeated_refunds");
  EXPECT_EQ(d.rationale, "The customer has 2 refunds in the last 180d (the line is 2).");
  EXPECT_EQ(d.priority, Priority::kHigh);
}

TEST_F(DecideTest, DeliveredNotReceivedIsNeverAutomatic) {
  const Decision d = D(Delivered(Intent::kDeliveredNotReceived, "2026-11-03T12:00:00Z"));
  EXPECT_EQ(d.route, Route::kHuman);
  EXPECT_EQ(d.rule, "intent.never_auto");
  EXPECT_TRUE(d.touches_money);
  EXPECT_EQ(d.suppression_triggers, Strings{"complaint"});
}

TEST_F(DecideTest, VipWithALiveIssueGoesToTheVipAssignee) {
  CaseFacts f = Case(Intent::kWismo);
  f.customer->lifetime_value = 100000;  // exactly the VIP line
  EXPECT_EQ(D(f).route, Route::kAutoSend);  // a VIP without an issue is still answered at once
  f.order->open_refund = true;
  const Decision d = D(f);
  EXPECT_EQ(d.route, Route::kHuman);
  EXPECT_EQ(d.rule, "vip.active_issue");
  EXPECT_EQ(d.rationale, "A VIP customer with a live issue (open_refund).");
  EXPECT_EQ(d.suppression_triggers, (Strings{"open_refund", "vip_active_issue"}));
  EXPECT_EQ(d.value_bucket, "vip");
  EXPECT_EQ(d.priority, Priority::kHigh);
  EXPECT_EQ(d.assignee_user_id, 200u);
  policy_.vip.always_human = true;
  f.order->open_refund = false;
  EXPECT_EQ(D(f).rule, "vip.always_human");
}

TEST_F(DecideTest, DiscountRequestIsNeverAutomatic) {
  const Decision d = D(Case(Intent::kDiscountRequest));
  EXPECT_EQ(d.route, Route::kHuman);
  EXPECT_EQ(d.rule, "intent.never_auto");
  EXPECT_TRUE(d.touches_money);
  EXPECT_EQ(d.assignee_user_id, 100u);
}

TEST_F(DecideTest, FailuresAndDoubtNeverSendAutomatically) {
  CaseFacts f = Case(Intent::kWismo);
  f.llm_failed = true;
  EXPECT_EQ(D(f).rule, "llm.failed");
  f = Case(Intent::kWismo);
  f.draft_problem = "unknown_tracking: 1Z999";
  EXPECT_EQ(D(f).rationale, "The draft failed its fact check: unknown_tracking: 1Z999.");
  f = Case(Intent::kWismo);
  f.confidence = 0.84;
  EXPECT_EQ(D(f).rationale, "Classifier confidence 0.84 is below the threshold 0.85.");
  f.confidence = 0.85;
  EXPECT_EQ(D(f).route, Route::kAutoSend);
  f.confidence = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(D(f).rule, "confidence.below_threshold");
  f = Case(Intent::kWismo);
  f.order.reset();
  EXPECT_EQ(D(f).rule, "order.not_found");
  f = Case(Intent::kWismo);
  f.order->created_at = f.now + sim::Hours(1);
  EXPECT_EQ(D(f).rule, "order.created_after_now");
  EXPECT_EQ(D(Case(Intent::kProductQuestion)).rule, "intent.not_safe");
  policy_.automation.enabled = false;
  EXPECT_EQ(D(Case(Intent::kWismo)).rule, "automation.disabled");
}

TEST_F(DecideTest, MoneyIntentsStayHumanEvenIfAPolicyBuiltInCodeCallsThemSafe) {
  policy_.automation.safe_intents.push_back(Intent::kRefundStatus);
  policy_.automation.never_auto_intents.clear();
  EXPECT_EQ(D(Case(Intent::kRefundStatus)).rule, "intent.never_auto");
}

TEST_F(DecideTest, ASafeIntentWithoutOrderConditionsNeedsNoOrder) {
  policy_.automation.safe_intents.push_back(Intent::kProductQuestion);
  CaseFacts f = Case(Intent::kProductQuestion);
  f.order.reset();
  EXPECT_EQ(D(f).rule, "intent.safe");
}

TEST_F(DecideTest, ComplaintsSuppressWhateverTheRoute) {
  CaseFacts f = Case(Intent::kWismo);
  f.complaint = true;
  const Decision d = D(f);
  EXPECT_EQ(d.route, Route::kAutoSend);
  EXPECT_EQ(d.suppression_triggers, Strings{"complaint"});
  policy_.suppression.triggers = {Issue::kDeliveryException};
  EXPECT_TRUE(D(f).suppression_triggers.empty());
  EXPECT_EQ(LiveIssues(policy_, f), std::vector<Issue>{Issue::kComplaint});
}

TEST_F(DecideTest, PriorityIsTheHighestMatchingRule) {
  policy_.routing.priority_rules = {{"new_customer", Priority::kLow},
                                    {"intent:cancel", Priority::kCritical},
                                    {"low_confidence", Priority::kHigh}};
  CaseFacts f = Case(Intent::kWismo);
  f.customer->orders_count = 1;
  EXPECT_EQ(D(f).priority, Priority::kLow);
  f.confidence = 0.5;
  EXPECT_EQ(D(f).priority, Priority::kHigh);
  EXPECT_EQ(D(Case(Intent::kCancel)).priority, Priority::kCritical);
  f.customer->orders_count = 2;
  f.confidence = 0.99;
  EXPECT_EQ(D(f).priority, Priority::kNormal);
}

// --- Buckets and recovery ---------------------------------------------------------------------

TEST(ValueBuckets, VipFromTheLineUpNewUpToOneOrderElseRegular) {
  Policy p;
  EXPECT_EQ(ValueBucket(p, {100000, 1, {}}), "vip");
  EXPECT_EQ(ValueBucket(p, {99999, 1, {}}), "new");
  EXPECT_EQ(ValueBucket(p, {99999, 2, {}}), "regular");
  p.vip.orders_count_at_least = 10;
  EXPECT_EQ(ValueBucket(p, {500, 10, {}}), "vip");
  CaseFacts no_customer;
  EXPECT_EQ(Decide(p, no_customer).value_bucket, "new");
}

TEST(RecoveryOffers, FollowTheBucket) {
  const Policy p;
  EXPECT_EQ(OfferFor(p, "vip"), (RecoveryOffer{true, true, Discount{Discount::Kind::kPercent, 15}}));
  EXPECT_EQ(OfferFor(p, "regular"), (RecoveryOffer{true, true, std::nullopt}));
  EXPECT_EQ(OfferFor(p, "new"), (RecoveryOffer{true, false, std::nullopt}));
  EXPECT_EQ(OfferFor(p, "whale"), (RecoveryOffer{true, false, std::nullopt}));
  EXPECT_EQ(p.recovery.metric, "Support Issue Resolved");
}

}  // namespace
}  // namespace rh::pipeline
