// The support policy and the decision it makes: which tickets are answered automatically (the
// safe zone), which wait for a person, who gets them, what suppresses marketing, and what a
// resolved issue earns as a recovery offer. The policy is a YAML file (docs/POLICY.md,
// scenarios/policies/default.yaml); loading it refuses anything doubtful with the file, line,
// column and field at fault.
//
// Decide() is a pure function of (Policy, CaseFacts): no clock (the case carries `now`), no
// randomness, no I/O, no hidden state. It must never auto-send a ticket that touches money
// (invariant I2) or lies outside the safe zone (I3); a property test checks both on random cases.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/file_error.h"
#include "pipeline/store_time.h"
#include "pipeline/vocabulary/intent.h"
#include "sim/expected.h"
#include "sim/time.h"

namespace rh::pipeline {

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

// What a return window is counted from.
enum class WindowAnchor { kDelivery, kFulfillment, kOrder };
std::string_view WindowAnchorName(WindowAnchor anchor);  // "delivery", "fulfillment", "order"

// Gorgias's ticket priorities, lowest first.
enum class Priority { kLow, kNormal, kHigh, kCritical };
std::string_view PriorityName(Priority priority);  // "low", "normal", "high", "critical"

// A live issue: while any enabled one holds, the customer is suppressed from marketing (I1).
enum class Issue {
  kDeliveryException,  // the latest fulfillment's shipment_status is an exception status
  kStaleTracking,      // no carrier scan for tracking.stale_after (not in a final status)
  kLateFulfillment,    // still unfulfilled tracking.ship_within after the order
  kOpenReturn,
  kOpenRefund,
  kComplaint,          // CaseFacts::complaint, or a damaged-item / delivered-not-received claim
  kVipActiveIssue,     // a VIP customer with any of the above
};
inline constexpr int kIssueCount = 7;
// "delivery_exception", "stale_tracking", "late_fulfillment", "open_return", "open_refund",
// "complaint", "vip_active_issue".
std::string_view IssueName(Issue issue);
std::optional<Issue> ParseIssue(std::string_view name);

// Klaviyo message kinds the suppression holds back. Transactional messages are never suppressed.
enum class MessageKind { kPromotional, kReviewRequest };
std::string_view MessageKindName(MessageKind kind);  // "promotional", "review_request"

// Intents that touch money whatever the policy says (refunds, claims, discounts): never sent
// automatically, and a policy listing one as safe is refused when loaded (I2).
bool IsMoneyIntent(Intent intent);  // damaged_item, delivered_not_received, refund_status, discount_request

// Customer value buckets.
inline constexpr std::string_view kBucketNew = "new";
inline constexpr std::string_view kBucketRegular = "regular";
inline constexpr std::string_view kBucketVip = "vip";

// ---------------------------------------------------------------------------------------------
// The policy. Every default here equals scenarios/policies/default.yaml (a test checks it).
// Money is in minor units of the store's currency (cents); durations are std::chrono.
// ---------------------------------------------------------------------------------------------

struct StoreSettings {
  TimeZone timezone;           // local calendar days for return windows
  int currency_decimals = 2;   // how the YAML's decimal amounts map to minor units (JPY: 0)
  friend bool operator==(const StoreSettings&, const StoreSettings&) = default;
};

struct AutomationSettings {
  bool enabled = true;  // false: everything goes to a person (shadow mode)
  // Auto-send only when the classifier's confidence >= this (rules report 0.99).
  double auto_send_confidence = 0.85;
  // Only these intents may be sent automatically, each under its own conditions.
  std::vector<Intent> safe_intents = {Intent::kWismo, Intent::kReturn, Intent::kExchange, Intent::kAddressChange,
                                      Intent::kCancel};
  // Always to a person. Always contains the money intents (the loader adds any not listed).
  std::vector<Intent> never_auto_intents = {Intent::kDamagedItem, Intent::kDeliveredNotReceived,
                                            Intent::kRefundStatus, Intent::kDiscountRequest};
  friend bool operator==(const AutomationSettings&, const AutomationSettings&) = default;
};

struct ReturnSettings {
  // A request is inside the window while its instant is before the start of local day
  // LocalDate(anchor) + window_days + 1 in the store's zone: delivered on the 1st with 30 days,
  // the whole of the 31st (local) is inside and the 32nd is outside.
  int window_days = 30;
  WindowAnchor window_starts_from = WindowAnchor::kDelivery;
  bool require_delivered = true;  // no automatic return before the carrier says delivered
  friend bool operator==(const ReturnSettings&, const ReturnSettings&) = default;
};

struct ExchangeSettings {
  // An item is approved when its SKU is listed, starts with a listed prefix, or its Shopify
  // product_type is listed. Empty lists approve nothing.
  std::vector<std::string> approved_skus;
  std::vector<std::string> approved_sku_prefixes;
  std::vector<std::string> approved_product_types;
  bool within_return_window = true;  // an exchange is a return too: same window, same anchor
  friend bool operator==(const ExchangeSettings&, const ExchangeSettings&) = default;
};

struct CutoffSettings {
  // Cancellation is safe while now < created_at + fulfillment_lock and no fulfillment exists.
  sim::Duration fulfillment_lock = sim::Hours(1);
  // An address change is safe while now < created_at + pick_and_pack_cutoff and unfulfilled.
  sim::Duration pick_and_pack_cutoff = sim::Hours(2);
  friend bool operator==(const CutoffSettings&, const CutoffSettings&) = default;
};

struct TrackingSettings {
  // Tracking is stale when now - (last scan, else fulfillment time) >= stale_after.
  sim::Duration stale_after = sim::Hours(72);
  // An unfulfilled order is late once now - created_at >= ship_within.
  sim::Duration ship_within = sim::Days(3);
  // Shopify shipment_status values (REST, and GraphQL's lower-cased).
  std::vector<std::string> healthy_statuses = {"label_printed",    "label_purchased", "confirmed",
                                               "carrier_picked_up", "in_transit",      "out_for_delivery",
                                               "ready_for_pickup", "picked_up",       "delivered"};
  std::vector<std::string> exception_statuses = {"failure", "attempted_delivery", "delayed"};
  // After these the carrier sends no more scans, so staleness does not apply.
  std::vector<std::string> final_statuses = {"delivered", "picked_up", "ready_for_pickup"};
  friend bool operator==(const TrackingSettings&, const TrackingSettings&) = default;
};

struct VipSettings {
  // VIP when lifetime value >= this (minor units; YAML "1000.00") ...
  std::int64_t lifetime_value_at_least = 100000;
  // ... or, when set, orders_count >= this.
  std::optional<std::int64_t> orders_count_at_least;
  bool always_human = false;            // every VIP ticket to a person
  bool human_when_active_issue = true;  // a VIP with a live issue to a person
  friend bool operator==(const VipSettings&, const VipSettings&) = default;
};

struct NewCustomerSettings {
  std::int64_t orders_count_at_most = 1;  // "new" when not VIP and orders_count <= this
  friend bool operator==(const NewCustomerSettings&, const NewCustomerSettings&) = default;
};

struct RepeatedRefundSettings {
  // At least this many refunds at or after now - window => a person, whatever the intent.
  int refunds_at_least = 2;
  sim::Duration window = sim::Days(180);
  friend bool operator==(const RepeatedRefundSettings&, const RepeatedRefundSettings&) = default;
};

struct SuppressionSettings {
  std::vector<Issue> triggers = {Issue::kDeliveryException, Issue::kStaleTracking, Issue::kLateFulfillment,
                                 Issue::kOpenReturn,        Issue::kOpenRefund,    Issue::kComplaint,
                                 Issue::kVipActiveIssue};
  std::vector<MessageKind> message_kinds = {MessageKind::kPromotional, MessageKind::kReviewRequest};
  friend bool operator==(const SuppressionSettings&, const SuppressionSettings&) = default;
};

struct Discount {
  enum class Kind { kPercent, kAmount };
  Kind kind = Kind::kPercent;
  std::int64_t value = 0;  // percent 1..100, or minor units
  friend bool operator==(const Discount&, const Discount&) = default;
};

struct RecoveryOffer {
  bool apology = true;
  bool feedback_request = false;
  std::optional<Discount> discount;
  friend bool operator==(const RecoveryOffer&, const RecoveryOffer&) = default;
};

// A discount is money: an offer carrying one must not go out without a person (I2).
inline bool OfferTouchesMoney(const RecoveryOffer& offer) { return offer.discount.has_value(); }

struct RecoverySettings {
  std::string metric = "Support Issue Resolved";  // the Klaviyo event fired once per resolved issue
  RecoveryOffer vip{true, true, Discount{Discount::Kind::kPercent, 15}};
  RecoveryOffer regular{true, true, std::nullopt};
  RecoveryOffer new_customer{true, false, std::nullopt};
  friend bool operator==(const RecoverySettings&, const RecoverySettings&) = default;
};

struct PriorityRule {
  // A condition name: "vip", "new_customer", "regular_customer", "touches_money",
  // "repeated_refunds", "automation_failed", "low_confidence", an Issue name, or "intent:<label>".
  std::string when;
  Priority priority = Priority::kNormal;
  friend bool operator==(const PriorityRule&, const PriorityRule&) = default;
};

struct RoutingSettings {
  // Who gets a ticket routed to a person: the VIP assignee for a VIP, else the intent's, else the
  // default; none set leaves the ticket unassigned (Gorgias user ids).
  std::optional<std::uint64_t> default_assignee_user_id;
  std::optional<std::uint64_t> vip_assignee_user_id;
  std::vector<std::pair<Intent, std::uint64_t>> intent_assignees;
  // The highest priority among the rules that hold, else default_priority.
  Priority default_priority = Priority::kNormal;
  std::vector<PriorityRule> priority_rules = {{"vip", Priority::kHigh},
                                              {"delivery_exception", Priority::kHigh},
                                              {"touches_money", Priority::kHigh},
                                              {"repeated_refunds", Priority::kHigh}};
  friend bool operator==(const RoutingSettings&, const RoutingSettings&) = default;
};

struct Policy {
  int schema_version = 1;
  StoreSettings store;
  AutomationSettings automation;
  ReturnSettings returns;
  ExchangeSettings exchanges;
  CutoffSettings cutoffs;
  TrackingSettings tracking;
  VipSettings vip;
  NewCustomerSettings new_customer;
  RepeatedRefundSettings repeated_refunds;
  SuppressionSettings suppression;
  RecoverySettings recovery;
  RoutingSettings routing;
  friend bool operator==(const Policy&, const Policy&) = default;
};

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

// An expected failure: where (file, line, column, dotted field such as "returns.window_days")
// and what.
using PolicyError = config::FileError;

struct PolicyLoadOptions {
  std::string zoneinfo_dir = std::string(kDefaultZoneinfoDir);
  // When set, the policy is the mapping under this top-level key (a scenario file embedding its
  // policy): positions stay those of the whole file and fields are prefixed with it.
  std::string root_key;
};

// Reads and validates a policy file. `schema_version: 1` is required; everything else defaults.
sim::Expected<Policy, PolicyError> LoadPolicyFile(const std::string& path, const PolicyLoadOptions& options = {});
// The same from text; `file_name` is only used in errors.
sim::Expected<Policy, PolicyError> LoadPolicyText(std::string_view yaml, std::string_view file_name,
                                                  const PolicyLoadOptions& options = {});

// Parses "90m", "2h", "3d", "1h30m", "45s" (units s, m, h, d, w; whole numbers; at most 3650d).
std::optional<sim::Duration> ParsePolicyDuration(std::string_view text);
// Formats a duration the way the YAML writes it ("1h30m", "3d", "0s").
std::string FormatPolicyDuration(sim::Duration d);

// ---------------------------------------------------------------------------------------------
// The decision
// ---------------------------------------------------------------------------------------------

struct CustomerFacts {
  std::int64_t lifetime_value = 0;  // Shopify total_spent, minor units
  std::int64_t orders_count = 0;
  std::vector<sim::WallTime> refunds;  // when each of the customer's refunds was created
};

struct LineFacts {
  std::string sku;
  std::string product_type;
};

// The order the ticket is about (the latest one when the customer has several).
struct OrderFacts {
  sim::WallTime created_at{};
  std::string financial_status;  // Shopify's; kept for the log, the policy does not read it
  bool cancelled = false;
  // The latest non-cancelled fulfillment; absent while the order is unfulfilled.
  std::optional<sim::WallTime> fulfilled_at;
  std::optional<std::string> shipment_status;  // of that fulfillment; null until the carrier reports
  std::optional<sim::WallTime> last_scan_at;   // the carrier's latest tracking event
  std::optional<sim::WallTime> delivered_at;
  std::vector<LineFacts> lines;
  bool open_return = false;
  bool open_refund = false;
};

struct CaseFacts {
  Intent intent = Intent::kOther;
  double confidence = 0.0;   // the classifier's, 0..1 (rules: kRuleConfidence)
  bool llm_failed = false;   // classification or drafting failed, timed out or was malformed
  std::string draft_problem; // non-empty when the draft's fact check rejected it
  sim::WallTime now{};       // when the decision is made (the simulated or real wall clock)
  std::optional<CustomerFacts> customer;  // absent: no Shopify customer for the email
  std::optional<OrderFacts> order;        // absent: no order found
  std::optional<LineFacts> exchange_for;  // the item an exchange asks for, when known
  bool has_evidence = false;              // photos attached (damage claims)
  bool complaint = false;                 // the customer complains (tone, repeat contact)
  // Live issues of the customer beyond this case: on their other orders, or a case of another
  // ticket that is still open. They keep a VIP with a person (vip.active_issue); they do not
  // add to this case's suppression triggers, which are the case's own.
  std::vector<Issue> issues_elsewhere;
};

enum class Route { kAutoSend, kHuman };
std::string_view RouteName(Route route);  // "auto_send", "human"

struct Decision {
  Route route = Route::kHuman;
  // The stable id of the rule that decided (see Decide), e.g. "wismo.healthy_tracking".
  std::string rule;
  std::string rationale;  // one sentence for the decision log and the handover
  Priority priority = Priority::kNormal;
  std::optional<std::uint64_t> assignee_user_id;  // only when routed to a person
  bool touches_money = false;                     // the intent is a money intent
  // The enabled live issues, as IssueName()s in enum order; non-empty => suppress.
  std::vector<std::string> suppression_triggers;
  std::string value_bucket;  // "new", "regular" or "vip"
  friend bool operator==(const Decision&, const Decision&) = default;
};

// Decides one ticket. The first rule that applies wins, in this order:
//  1. "automation.disabled"        automation.enabled is false
//  2. "llm.failed"                 a failure never auto-sends
//  3. "draft.rejected"             the draft failed its fact check
//  4. "damaged_item.no_evidence"   a damage claim without photos (ask for them)
//     "intent.never_auto"          a never-auto or money intent
//  5. "intent.not_safe"            the intent is not in automation.safe_intents
//  6. "confidence.below_threshold" confidence < automation.auto_send_confidence (NaN too)
//  7. for the order intents (wismo, return, exchange, address_change, cancel):
//     "order.not_found", "order.cancelled", "order.created_after_now" (clock skew)
//  8. the intent's own conditions, human unless all hold:
//     wismo:  unfulfilled: "wismo.late_fulfillment" | auto "wismo.awaiting_fulfillment";
//             "wismo.no_tracking_status", "wismo.delivery_exception", "wismo.unknown_status",
//             "wismo.stale_tracking" | auto "wismo.healthy_tracking"
//     return: "return.return_open" (one is open already), "return.not_delivered", "return.no_anchor",
//             "return.anchor_after_now", "return.outside_window" | auto "return.inside_window"
//     exchange: the same window rules as "exchange.*" (when within_return_window),
//             "exchange.no_items", "exchange.sku_not_approved" | auto "exchange.approved_sku"
//     address_change: "address_change.already_fulfilled", "address_change.after_cutoff"
//             | auto "address_change.before_cutoff"
//     cancel: "cancel.after_handoff" (a fulfillment exists), "cancel.after_lock"
//             | auto "cancel.before_lock"
//     any other safe intent: auto "intent.safe"
//  9. "customer.repeated_refunds", "vip.always_human", "vip.active_issue"
// An automatic decision keeps its step-8 rule. Suppression triggers, value bucket, priority and
// touches_money are computed for every decision, whatever the route.
Decision Decide(const Policy& policy, const CaseFacts& facts);

// The live issues of the case, enabled or not, in enum order.
std::vector<Issue> LiveIssues(const Policy& policy, const CaseFacts& facts);

// "vip" (either VIP line reached), else "new" (orders_count <= new_customer.orders_count_at_most),
// else "regular". A case without a customer is "new".
std::string ValueBucket(const Policy& policy, const CustomerFacts& customer);
bool IsVip(const Policy& policy, const CustomerFacts& customer);

// The recovery offer for a bucket; an unknown bucket gets an apology only.
RecoveryOffer OfferFor(const Policy& policy, std::string_view value_bucket);

// When the return window of an order closes (the first instant outside it), or nullopt when its
// anchor is not known yet (not delivered / not fulfilled).
std::optional<sim::WallTime> ReturnWindowCloses(const Policy& policy, const OrderFacts& order);

}  // namespace rh::pipeline
