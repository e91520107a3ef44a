// Goal: the policy's boundaries hold for generated cases, not only for the examples: the return
// window ends exactly at the store's local midnight (several zones, times around midnight and DST
// changes), the confidence threshold and the VIP line are inclusive, facts the policy does not
// read never change a decision, and no generated case is sent automatically outside the safe zone
// or while touching money (invariants I2 and I3).
#include "pipeline/policy.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <map>

namespace rh::pipeline {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

const std::vector<std::string>& ZoneNames() {
  static const std::vector<std::string> kNames = {
      "America/New_York", "Europe/Berlin",    "Australia/Sydney", "America/Santiago", "Pacific/Auckland",
      "Asia/Kolkata",     "America/St_Johns", "Pacific/Chatham",  "Europe/London",    "UTC",
      "+05:30",           "-08:00"};
  return kNames;
}

const TimeZone& Zone(const std::string& name) {
  static std::map<std::string, TimeZone> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, TimeZone::Load(name).value()).first;
  return it->second;
}

// 2024-01-01 to 2031-01-01, in seconds since the epoch.
constexpr std::int64_t kFrom = 1704067200;
constexpr std::int64_t kTo = 1924992000;

sim::WallTime Seconds(std::int64_t s) { return sim::WallTime(std::chrono::seconds(s)); }

// An instant in the years ahead, half the time within a day of a DST change or a local midnight.
sim::WallTime InstantNearBoundaries(const TimeZone& zone) {
  const sim::WallTime base = Seconds(*rc::gen::inRange(kFrom, kTo));
  const sim::Duration jitter = std::chrono::seconds(*rc::gen::inRange<std::int64_t>(-3 * 3600, 3 * 3600));
  switch (*rc::gen::inRange(0, 3)) {
    case 0: {
      const auto next = zone.NextTransition(base);
      return (next ? *next : base) + jitter;
    }
    case 1:
      return zone.StartOfLocalDay(zone.LocalDate(base)) + jitter;
    default:
      return base;
  }
}

// A delivered order and a return policy in a generated zone.
struct ReturnCase {
  Policy policy;
  CaseFacts facts;
};

ReturnCase GenReturnCase() {
  ReturnCase c;
  c.policy.store.timezone = Zone(*rc::gen::elementOf(ZoneNames()));
  c.policy.returns.window_days = *rc::gen::inRange(0, 120);
  const TimeZone& zone = c.policy.store.timezone;
  const sim::WallTime delivered = InstantNearBoundaries(zone);
  CaseFacts& f = c.facts;
  f.intent = Intent::kReturn;
  f.confidence = 0.99;
  f.customer = CustomerFacts{5000, 2, {}};
  OrderFacts o;
  o.created_at = delivered - days(4);
  o.fulfilled_at = delivered - days(3);
  o.shipment_status = "delivered";
  o.last_scan_at = delivered;
  o.delivered_at = delivered;
  o.lines = {{"TEE-1", "Apparel"}};
  f.order = o;
  return c;
}

RC_GTEST_PROP(PolicyProperties, ReturnOnTheLastLocalDayIsAutoAndTheFirstDayAfterIsHuman, ()) {
  ReturnCase c = GenReturnCase();
  const TimeZone& zone = c.policy.store.timezone;
  const sim::WallTime delivered = *c.facts.order->delivered_at;
  const sys_days last = sys_days(zone.LocalDate(delivered)) + days(c.policy.returns.window_days);
  const sim::WallTime closes = zone.StartOfLocalDay(std::chrono::year_month_day(last + days(1)));
  RC_LOG() << zone.name() << " delivered " << sim::FormatRfc3339Utc(delivered) << " closes "
           << sim::FormatRfc3339Utc(closes) << "\n";
  RC_ASSERT(ReturnWindowCloses(c.policy, *c.facts.order) == std::optional<sim::WallTime>(closes));
  // The boundary is the local midnight ending the last day.
  RC_ASSERT(sys_days(zone.LocalDate(closes - std::chrono::nanoseconds(1))) == last);
  RC_ASSERT(sys_days(zone.LocalDate(closes)) == last + days(1));

  // Any moment of the last local day (not before the delivery itself) is inside.
  const sim::WallTime last_start = std::max(zone.StartOfLocalDay(std::chrono::year_month_day(last)), delivered);
  const auto span_s = std::chrono::duration_cast<std::chrono::seconds>(closes - last_start).count();
  for (const sim::WallTime now :
       {closes - std::chrono::nanoseconds(1), last_start + std::chrono::seconds(*rc::gen::inRange<std::int64_t>(0, span_s))}) {
    c.facts.now = now;
    const Decision d = Decide(c.policy, c.facts);
    RC_ASSERT(d.route == Route::kAutoSend);
    RC_ASSERT(d.rule == "return.inside_window");
  }
  // From the first instant of the next local day on, outside.
  for (const sim::WallTime now : {closes, closes + std::chrono::seconds(*rc::gen::inRange<std::int64_t>(0, 3 * 86400))}) {
    c.facts.now = now;
    const Decision d = Decide(c.policy, c.facts);
    RC_ASSERT(d.route == Route::kHuman);
    RC_ASSERT(d.rule == "return.outside_window");
  }
}

RC_GTEST_PROP(PolicyProperties, StartOfLocalDayIsTheFirstInstantOfThatDate, ()) {
  const TimeZone& zone = Zone(*rc::gen::elementOf(ZoneNames()));
  const auto date = zone.LocalDate(InstantNearBoundaries(zone));
  const sim::WallTime start = zone.StartOfLocalDay(date);
  RC_ASSERT(zone.LocalDate(start) == date);
  RC_ASSERT(sys_days(zone.LocalDate(start - std::chrono::nanoseconds(1))) < sys_days(date));
  // A local day lasts 23 to 25 hours (Lord Howe's half hour and Santiago's jumps included).
  const sim::Duration length = zone.StartOfLocalDay(std::chrono::year_month_day(sys_days(date) + days(1))) - start;
  RC_ASSERT(length >= sim::Hours(23));
  RC_ASSERT(length <= sim::Hours(25));
}

CaseFacts HealthyWismo() {
  CaseFacts f;
  f.intent = Intent::kWismo;
  f.now = sim::WallTime(std::chrono::seconds(1795000000));
  f.customer = CustomerFacts{5000, 2, {}};
  OrderFacts o;
  o.created_at = f.now - days(3);
  o.fulfilled_at = f.now - days(2);
  o.shipment_status = "in_transit";
  o.last_scan_at = f.now - sim::Hours(5);
  f.order = o;
  return f;
}

RC_GTEST_PROP(PolicyProperties, ConfidenceExactlyAtTheThresholdIsAutoAndJustBelowIsHuman, ()) {
  Policy p;
  p.automation.auto_send_confidence = *rc::gen::inRange(0, 1001) / 1000.0;
  CaseFacts f = HealthyWismo();
  f.confidence = p.automation.auto_send_confidence;
  RC_ASSERT(Decide(p, f).route == Route::kAutoSend);
  f.confidence = std::nextafter(p.automation.auto_send_confidence, -1.0);
  const Decision below = Decide(p, f);
  RC_ASSERT(below.route == Route::kHuman);
  RC_ASSERT(below.rule == "confidence.below_threshold");
}

RC_GTEST_PROP(PolicyProperties, LifetimeValueAtTheVipLineIsVipAndOneCentBelowIsNot, ()) {
  Policy p;
  p.vip.lifetime_value_at_least = *rc::gen::inRange<std::int64_t>(1, 1'000'000'000);
  CustomerFacts customer{p.vip.lifetime_value_at_least, *rc::gen::inRange<std::int64_t>(0, 50), {}};
  RC_ASSERT(IsVip(p, customer));
  RC_ASSERT(ValueBucket(p, customer) == "vip");
  CaseFacts f = HealthyWismo();
  f.customer = customer;
  RC_ASSERT(Decide(p, f).value_bucket == "vip");
  customer.lifetime_value -= 1;
  RC_ASSERT(!IsVip(p, customer));
  RC_ASSERT(ValueBucket(p, customer) != "vip");
  f.customer = customer;
  RC_ASSERT(Decide(p, f).value_bucket != "vip");
}

// --- generated cases around every boundary ---------------------------------------------------

const Policy& PolicyVariant(int which) {
  static const std::vector<Policy> kPolicies = [] {
    std::vector<Policy> policies(3);
    policies[1].store.timezone = Zone("America/New_York");
    policies[1].automation.auto_send_confidence = 0.95;
    policies[1].automation.safe_intents = {Intent::kWismo, Intent::kReturn, Intent::kProductQuestion};
    policies[1].returns.window_starts_from = WindowAnchor::kFulfillment;
    policies[1].returns.require_delivered = false;
    policies[1].vip.always_human = true;
    policies[1].routing.default_assignee_user_id = 7;
    policies[2].store.timezone = Zone("Australia/Sydney");
    policies[2].exchanges.approved_sku_prefixes = {"TEE-"};
    policies[2].exchanges.approved_product_types = {"Socks"};
    policies[2].exchanges.within_return_window = false;
    policies[2].returns.window_starts_from = WindowAnchor::kOrder;
    policies[2].repeated_refunds.refunds_at_least = 1;
    return policies;
  }();
  return kPolicies[static_cast<std::size_t>(which)];
}

// A time offset from `t` clustered around the cutoffs the default policy uses.
sim::WallTime Around(sim::WallTime t) {
  static const std::vector<sim::Duration> kMarks = {sim::Minutes(30), sim::Hours(1),  sim::Hours(2),
                                                    sim::Hours(72),   sim::Days(3),   sim::Days(30),
                                                    sim::Days(31),    sim::Days(180), sim::Duration::zero()};
  const sim::Duration mark = *rc::gen::elementOf(kMarks);
  const sim::Duration jitter = std::chrono::seconds(*rc::gen::inRange<std::int64_t>(-90, 91));
  return t - mark + jitter;
}

CaseFacts GenCase() {
  CaseFacts f;
  // Mostly the safe intents with confident, clean drafts, so the order conditions get exercised.
  static const std::vector<Intent> kSafe = {Intent::kWismo, Intent::kReturn, Intent::kExchange,
                                            Intent::kAddressChange, Intent::kCancel};
  f.intent = *rc::gen::weightedOneOf<Intent>({{4, rc::gen::elementOf(kSafe)}, {1, rc::gen::elementOf(AllIntents())}});
  f.confidence = *rc::gen::weightedOneOf<double>(
      {{3, rc::gen::element(0.95, 0.99, 1.0)}, {1, rc::gen::element(0.0, 0.5, 0.84, 0.85, 0.9)}});
  f.llm_failed = *rc::gen::weightedElement<bool>({{19, false}, {1, true}});
  f.draft_problem = *rc::gen::weightedElement<std::string>({{19, ""}, {1, "money_promise: refund"}});
  f.now = Seconds(*rc::gen::inRange(kFrom, kTo));
  f.has_evidence = *rc::gen::arbitrary<bool>();
  f.complaint = *rc::gen::weightedElement<bool>({{4, false}, {1, true}});
  if (*rc::gen::weightedElement<bool>({{9, true}, {1, false}})) {
    CustomerFacts c;
    c.lifetime_value = *rc::gen::element<std::int64_t>(0, 5000, 99999, 100000, 250000);
    c.orders_count = *rc::gen::inRange<std::int64_t>(0, 12);
    const int refunds = *rc::gen::inRange(0, 4);
    for (int i = 0; i < refunds; ++i) c.refunds.push_back(Around(f.now));
    f.customer = c;
  }
  if (*rc::gen::weightedElement<bool>({{9, true}, {1, false}})) {
    OrderFacts o;
    o.created_at = Around(f.now);
    o.financial_status = *rc::gen::element<std::string>("paid", "pending", "refunded");
    o.cancelled = *rc::gen::weightedElement<bool>({{9, false}, {1, true}});
    if (*rc::gen::arbitrary<bool>()) {
      o.fulfilled_at = Around(f.now);
      if (*rc::gen::weightedElement<bool>({{5, true}, {1, false}})) {
        o.shipment_status = *rc::gen::element<std::string>("in_transit", "confirmed", "delivered", "failure",
                                                           "attempted_delivery", "delayed", "ready_for_pickup");
      }
      if (*rc::gen::arbitrary<bool>()) o.last_scan_at = Around(f.now);
      if (*rc::gen::arbitrary<bool>()) o.delivered_at = Around(f.now);
    }
    o.lines = {{*rc::gen::element<std::string>("TEE-1", "MUG-2", ""), *rc::gen::element<std::string>("Socks", "Mugs")}};
    o.open_return = *rc::gen::weightedElement<bool>({{5, false}, {1, true}});
    o.open_refund = *rc::gen::weightedElement<bool>({{5, false}, {1, true}});
    f.order = o;
  }
  if (*rc::gen::arbitrary<bool>()) f.exchange_for = LineFacts{*rc::gen::element<std::string>("TEE-9", "MUG-9"), ""};
  return f;
}

RC_GTEST_PROP(PolicyProperties, NothingOutsideTheSafeZoneOrTouchingMoneyIsSentAutomatically, ()) {
  const Policy& p = PolicyVariant(*rc::gen::inRange(0, 3));
  const CaseFacts f = GenCase();
  const Decision d = Decide(p, f);
  RC_TAG(d.rule);
  RC_ASSERT(!d.rule.empty());
  RC_ASSERT(!d.rationale.empty());
  RC_ASSERT(d.touches_money == IsMoneyIntent(f.intent));
  if (d.route == Route::kHuman) return;
  RC_ASSERT(!d.assignee_user_id.has_value());
  RC_ASSERT(!d.touches_money);
  RC_ASSERT(p.automation.enabled && !f.llm_failed && f.draft_problem.empty());
  const auto& safe = p.automation.safe_intents;
  RC_ASSERT(std::find(safe.begin(), safe.end(), f.intent) != safe.end());
  RC_ASSERT(f.confidence >= p.automation.auto_send_confidence);
  if (f.intent == Intent::kProductQuestion || f.intent == Intent::kOther) return;
  RC_ASSERT(f.order && !f.order->cancelled && f.now >= f.order->created_at);
  const OrderFacts& o = *f.order;
  std::int64_t recent_refunds = 0;
  if (f.customer) {
    for (const auto t : f.customer->refunds) recent_refunds += t >= f.now - p.repeated_refunds.window ? 1 : 0;
  }
  RC_ASSERT(recent_refunds < p.repeated_refunds.refunds_at_least);
  switch (f.intent) {
    case Intent::kWismo:
      if (o.shipment_status) {
        const auto& ex = p.tracking.exception_statuses;
        RC_ASSERT(std::find(ex.begin(), ex.end(), *o.shipment_status) == ex.end());
      } else {
        RC_ASSERT(!o.fulfilled_at && f.now - o.created_at < p.tracking.ship_within);
      }
      break;
    case Intent::kReturn: {
      const auto closes = ReturnWindowCloses(p, o);
      RC_ASSERT(closes && f.now < *closes && !o.open_return);
      if (p.returns.require_delivered) RC_ASSERT(o.delivered_at.has_value());
      break;
    }
    case Intent::kExchange:
      RC_ASSERT(!o.lines.empty());
      break;
    case Intent::kAddressChange:
      RC_ASSERT(!o.fulfilled_at && f.now - o.created_at < p.cutoffs.pick_and_pack_cutoff);
      break;
    case Intent::kCancel:
      RC_ASSERT(!o.fulfilled_at && f.now - o.created_at < p.cutoffs.fulfillment_lock);
      break;
    default:
      RC_FAIL("an intent outside the safe zone was sent automatically");
  }
}

RC_GTEST_PROP(PolicyProperties, FactsThePolicyDoesNotReadNeverChangeTheDecision, ()) {
  const Policy& p = PolicyVariant(*rc::gen::inRange(0, 3));
  const CaseFacts f = GenCase();
  const Decision before = Decide(p, f);
  CaseFacts g = f;
  // Shopify's financial status is kept for the log only.
  if (g.order) g.order->financial_status = *rc::gen::element<std::string>("paid", "voided", "partially_refunded");
  // Evidence matters to damage claims only; items and the asked-for item to exchanges only.
  if (f.intent != Intent::kDamagedItem) g.has_evidence = !f.has_evidence;
  if (f.intent != Intent::kExchange) {
    g.exchange_for = LineFacts{"ANY-1", "Anything"};
    if (g.order) g.order->lines = {{"OTHER-7", "Other"}, {"", ""}};
  }
  // Refunds older than the repeated-refund window are forgotten.
  if (g.customer) {
    g.customer->refunds.push_back(f.now - p.repeated_refunds.window - sim::Sec(*rc::gen::inRange(1, 100000)));
  }
  RC_ASSERT(Decide(p, g) == before);
  // And the decision is a function: the same case, the same bytes.
  RC_ASSERT(Decide(p, f) == before);
}

}  // namespace
}  // namespace rh::pipeline
