// Goal: the shipped policies load, the default file says exactly what the code's defaults say, and
// every kind of bad input is refused with the file, line and column of the offending key or value,
// the dotted field and a message that says what to write instead.
#include "pipeline/policy.h"

#include <gtest/gtest.h>

namespace rh::pipeline {
namespace {

std::string PolicyPath(std::string_view name) { return std::string(RH_SOURCE_DIR) + "/scenarios/policies/" + std::string(name); }

// The error a text gives, as printed.
std::string Error(std::string_view yaml, const PolicyLoadOptions& options = {}) {
  const auto loaded = LoadPolicyText(yaml, "p.yaml", options);
  if (loaded) return "(loaded)";
  return loaded.error().ToString();
}

Policy Load(std::string_view yaml) {
  auto loaded = LoadPolicyText(yaml, "p.yaml");
  EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error().ToString());
  return loaded ? std::move(loaded).value() : Policy{};
}

TEST(PolicyLoad, DefaultFileEqualsTheBuiltInDefaults) {
  const auto loaded = LoadPolicyFile(PolicyPath("default.yaml"));
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_TRUE(*loaded == Policy{});
  // And a file with only the version is the same policy.
  EXPECT_TRUE(Load("schema_version: 1\n") == Policy{});
}

TEST(PolicyLoad, ExampleVariantsLoad) {
  const auto strict = LoadPolicyFile(PolicyPath("strict.yaml"));
  ASSERT_TRUE(strict.has_value()) << strict.error().ToString();
  EXPECT_EQ(strict->store.timezone.name(), "America/New_York");
  EXPECT_EQ(strict->returns.window_days, 14);
  EXPECT_EQ(strict->returns.window_starts_from, WindowAnchor::kFulfillment);
  EXPECT_EQ(strict->cutoffs.fulfillment_lock, sim::Minutes(30));
  EXPECT_EQ(strict->vip.lifetime_value_at_least, 50000);
  EXPECT_EQ(strict->vip.orders_count_at_least, 8);
  EXPECT_EQ(strict->routing.vip_assignee_user_id, 4102u);
  ASSERT_EQ(strict->routing.intent_assignees.size(), 3u);
  EXPECT_EQ(strict->routing.intent_assignees[2], (std::pair<Intent, std::uint64_t>{Intent::kRefundStatus, 4104}));
  ASSERT_TRUE(strict->recovery.vip.discount.has_value());
  EXPECT_EQ(strict->recovery.vip.discount->kind, Discount::Kind::kAmount);
  EXPECT_EQ(strict->recovery.vip.discount->value, 2000);
  EXPECT_EQ(strict->routing.priority_rules.back(), (PriorityRule{"new_customer", Priority::kLow}));

  const auto holiday = LoadPolicyFile(PolicyPath("holiday_returns.yaml"));
  ASSERT_TRUE(holiday.has_value()) << holiday.error().ToString();
  EXPECT_EQ(holiday->store.timezone.name(), "Europe/Berlin");
  EXPECT_EQ(holiday->exchanges.approved_sku_prefixes, (std::vector<std::string>{"TEE-", "HOODIE-"}));
  EXPECT_EQ(holiday->tracking.stale_after, sim::Hours(96));
}

TEST(PolicyLoad, MoneyIntentsAreNeverAutoEvenWhenNotListed) {
  const Policy p = Load("schema_version: 1\nautomation:\n  never_auto_intents: [product_question]\n");
  EXPECT_EQ(p.automation.never_auto_intents,
            (std::vector<Intent>{Intent::kProductQuestion, Intent::kDamagedItem, Intent::kDeliveredNotReceived,
                                 Intent::kRefundStatus, Intent::kDiscountRequest}));
}

TEST(PolicyLoad, AWrittenOfferIsWhole) {
  const Policy p = Load("schema_version: 1\nrecovery:\n  offers:\n    vip: {feedback_request: true}\n");
  EXPECT_EQ(p.recovery.vip, (RecoveryOffer{true, true, std::nullopt}));
  EXPECT_EQ(p.recovery.regular, Policy{}.recovery.regular);
}

TEST(PolicyLoad, AmountsAreExactInTheStoreCurrency) {
  EXPECT_EQ(Load("schema_version: 1\nvip:\n  lifetime_value_at_least: 1234.5\n").vip.lifetime_value_at_least, 123450);
  // The store section is read first wherever it stands, so its decimals apply everywhere.
  EXPECT_EQ(Load("schema_version: 1\nvip:\n  lifetime_value_at_least: \"150000\"\nstore:\n  currency_decimals: 0\n")
                .vip.lifetime_value_at_least,
            150000);
}

TEST(PolicyLoad, RefusesYamlSyntaxErrorsWhereTheParserStopped) {
  EXPECT_EQ(Error("schema_version: 1\nreturns:\n  window_days: [30\n"),
            "p.yaml:4:1: YAML syntax: end of sequence flow not found");
  EXPECT_EQ(Error("schema_version: 1\n returns: {}\n"), "p.yaml:2:9: YAML syntax: illegal map value");
}

TEST(PolicyLoad, RefusesUnknownFieldsAndSuggestsTheNearest) {
  EXPECT_EQ(Error("schema_version: 1\nreturns:\n  window_day: 30\n"),
            "p.yaml:3:3: returns.window_day: unknown field; did you mean 'window_days'?");
  EXPECT_EQ(Error("schema_version: 1\nretruns: {}\n"), "p.yaml:2:1: retruns: unknown field; did you mean 'returns'?");
  EXPECT_EQ(Error("schema_version: 1\ncutoffs:\n  banana: 1h\n"),
            "p.yaml:3:3: cutoffs.banana: unknown field; known: fulfillment_lock, pick_and_pack_cutoff");
}

TEST(PolicyLoad, RefusesDuplicateFields) {
  EXPECT_EQ(Error("schema_version: 1\nreturns:\n  window_days: 30\n  window_days: 60\n"),
            "p.yaml:4:3: returns.window_days: duplicate field (first given on line 3)");
}

TEST(PolicyLoad, RefusesWrongTypesAtTheValue) {
  EXPECT_EQ(Error("schema_version: 1\nreturns:\n  window_days: thirty\n"),
            "p.yaml:3:16: returns.window_days: expected a whole number, got 'thirty'");
  EXPECT_EQ(Error("schema_version: 1\nreturns: 30\n"),
            "p.yaml:2:10: returns: expected a mapping of fields, got '30'");
  EXPECT_EQ(Error("schema_version: 1\nautomation:\n  enabled: yes\n"),
            "p.yaml:3:12: automation.enabled: expected true or false, got 'yes'");
  EXPECT_EQ(Error("schema_version: 1\nexchanges:\n  approved_skus: TEE-1\n"),
            "p.yaml:3:18: exchanges.approved_skus: expected a list, got 'TEE-1'");
  EXPECT_EQ(Error("schema_version: 1\nexchanges:\n  approved_skus: [TEE-1, {a: b}]\n"),
            "p.yaml:3:26: exchanges.approved_skus[1]: expected SKU, got a mapping");
  // An empty value points at its key (yaml-cpp would point at the next line).
  EXPECT_EQ(Error("schema_version: 1\nreturns:\n  window_days:\n  require_delivered: true\n"),
            "p.yaml:3:3: returns.window_days: expected a whole number, got nothing");
}

TEST(PolicyLoad, RefusesOutOfRangeValues) {
  EXPECT_EQ(Error("schema_version: 1\nreturns:\n  window_days: 5000\n"),
            "p.yaml:3:16: returns.window_days: must be between 0 and 3650, got 5000");
  EXPECT_EQ(Error("schema_version: 1\nautomation:\n  auto_send_confidence: 1.5\n"),
            "p.yaml:3:25: automation.auto_send_confidence: must be between 0 and 1, got 1.5");
  EXPECT_EQ(Error("schema_version: 1\nautomation:\n  auto_send_confidence: high\n"),
            "p.yaml:3:25: automation.auto_send_confidence: expected a number between 0 and 1, got 'high'");
  EXPECT_EQ(Error("schema_version: 1\ntracking:\n  stale_after: 10m\n"),
            "p.yaml:3:16: tracking.stale_after: must be between 1h and 90d, got 10m");
  EXPECT_EQ(Error("schema_version: 1\nrouting:\n  default_assignee_user_id: 0\n"),
            "p.yaml:3:29: routing.default_assignee_user_id: must be between 1 and 9223372036854775807, got 0");
}

TEST(PolicyLoad, RefusesUnknownIntentsAndMoneyIntentsInTheSafeZone) {
  EXPECT_EQ(Error("schema_version: 1\nautomation:\n  safe_intents: [wismo, retrun]\n"),
            "p.yaml:3:25: automation.safe_intents[1]: unknown intent 'retrun'; did you mean 'return'?");
  EXPECT_EQ(Error("schema_version: 1\nautomation:\n  safe_intents:\n    - wismo\n    - damaged_item\n"),
            "p.yaml:5:7: automation.safe_intents[1]: damaged_item touches money and is never sent automatically "
            "(invariant I2)");
  EXPECT_EQ(Error("schema_version: 1\nautomation:\n  never_auto_intents: [cancel]\n  safe_intents: [wismo, cancel]\n"),
            "p.yaml:4:25: automation.safe_intents[1]: cancel is also in automation.never_auto_intents");
  EXPECT_EQ(Error("schema_version: 1\nautomation:\n  safe_intents: [wismo, wismo]\n"),
            "p.yaml:3:25: automation.safe_intents[1]: 'wismo' is listed twice");
  // A word cut short is read as the one intent it starts.
  EXPECT_EQ(Error("schema_version: 1\nrouting:\n  intent_assignees:\n    refund: 7\n"),
            "p.yaml:4:5: routing.intent_assignees.refund: unknown intent 'refund'; did you mean 'refund_status'?");
  // Nothing close: every known intent is listed.
  EXPECT_EQ(Error("schema_version: 1\nrouting:\n  intent_assignees:\n    billing: 7\n"),
            "p.yaml:4:5: routing.intent_assignees.billing: unknown intent 'billing'; known: wismo, return, exchange, "
            "cancel, address_change, damaged_item, delivered_not_received, refund_status, discount_request, "
            "product_question, other");
}

TEST(PolicyLoad, RefusesUnknownTimeZones) {
  EXPECT_EQ(Error("schema_version: 1\nstore:\n  timezone: America/New_Yrok\n"),
            "p.yaml:3:13: store.timezone: unknown time zone 'America/New_Yrok' (no file "
            "/usr/share/zoneinfo/America/New_Yrok)");
  EXPECT_EQ(Error("schema_version: 1\nstore:\n  timezone: \"+5:30\"\n"),
            "p.yaml:3:13: store.timezone: bad fixed UTC offset '+5:30' (expected +HH:MM or -HH:MM, at most 18:00)");
}

TEST(PolicyLoad, RefusesBadDurations) {
  EXPECT_EQ(Error("schema_version: 1\ncutoffs:\n  fulfillment_lock: 2 hours\n"),
            "p.yaml:3:21: cutoffs.fulfillment_lock: expected a duration like \"90m\", \"2h\" or \"3d\", got '2 hours'");
  EXPECT_EQ(Error("schema_version: 1\nrepeated_refunds:\n  window: 180\n"),
            "p.yaml:3:11: repeated_refunds.window: expected a duration like \"90m\", \"2h\" or \"3d\", got '180' "
            "(add a unit: s, m, h, d or w)");
}

TEST(PolicyLoad, RefusesBadAmountsAndOffers) {
  EXPECT_EQ(Error("schema_version: 1\nvip:\n  lifetime_value_at_least: \"1000.005\"\n"),
            "p.yaml:3:28: vip.lifetime_value_at_least: expected an amount like \"1000.00\" (at most 2 decimals), got "
            "'1000.005'");
  EXPECT_EQ(Error("schema_version: 1\nvip:\n  lifetime_value_at_least: -5\n"),
            "p.yaml:3:28: vip.lifetime_value_at_least: expected an amount like \"1000.00\" (at most 2 decimals), got "
            "'-5'");
  EXPECT_EQ(Error("schema_version: 1\nrecovery:\n  offers:\n    vip: {discount: {percent: 10, amount: \"5.00\"}}\n"),
            "p.yaml:4:35: recovery.offers.vip.discount.amount: give either percent or amount, not both");
  EXPECT_EQ(Error("schema_version: 1\nrecovery:\n  offers:\n    vip: {discount: {percent: 120}}\n"),
            "p.yaml:4:31: recovery.offers.vip.discount.percent: must be between 1 and 100, got 120");
}

TEST(PolicyLoad, RefusesUnknownVocabulary) {
  EXPECT_EQ(Error("schema_version: 1\ntracking:\n  healthy_statuses: [in_transti]\n"),
            "p.yaml:3:22: tracking.healthy_statuses[0]: unknown shipment status 'in_transti'; did you mean "
            "'in_transit'?");
  EXPECT_EQ(Error("schema_version: 1\ntracking:\n  exception_statuses: [failure, in_transit]\n"),
            "p.yaml:3:33: tracking.exception_statuses[1]: 'in_transit' is also in tracking.healthy_statuses");
  EXPECT_EQ(Error("schema_version: 1\nsuppression:\n  triggers: [complaint, open_refunds]\n"),
            "p.yaml:3:25: suppression.triggers[1]: unknown trigger 'open_refunds'; did you mean 'open_refund'?");
  EXPECT_EQ(Error("schema_version: 1\nsuppression:\n  message_kinds: [transactional]\n"),
            "p.yaml:3:19: suppression.message_kinds[0]: unknown message kind 'transactional'; known: promotional, "
            "review_request");
  EXPECT_EQ(Error("schema_version: 1\nrouting:\n  priority_rules:\n    - {when: vips, priority: high}\n"),
            "p.yaml:4:14: routing.priority_rules[0].when: unknown condition 'vips'; did you mean 'vip'?");
  EXPECT_EQ(Error("schema_version: 1\nrouting:\n  priority_rules:\n    - {when: vip, priority: urgent}\n"),
            "p.yaml:4:29: routing.priority_rules[0].priority: unknown priority 'urgent'; known: low, normal, high, "
            "critical");
  EXPECT_EQ(Error("schema_version: 1\nrouting:\n  priority_rules:\n    - {when: vip}\n"),
            "p.yaml:4:7: routing.priority_rules[0]: missing priority");
  EXPECT_EQ(Error("schema_version: 1\nreturns:\n  window_starts_from: shipping\n"),
            "p.yaml:3:23: returns.window_starts_from: unknown anchor 'shipping'; known: delivery, fulfillment, order");
}

TEST(PolicyLoad, RequiresTheSchemaVersion) {
  EXPECT_EQ(Error("returns: {}\n"), "p.yaml:1:1: schema_version: missing; this build reads 1");
  EXPECT_EQ(Error(""), "p.yaml:1:1: schema_version: missing; this build reads 1");
  EXPECT_EQ(Error("schema_version: 2\n"), "p.yaml:1:17: schema_version: unsupported version 2; this build reads 1");
  EXPECT_EQ(Error("- a\n- b\n"), "p.yaml:1:1: expected a mapping of policy sections, got a list");
}

TEST(PolicyLoad, ReadsAPolicyEmbeddedInAScenarioFile) {
  PolicyLoadOptions options;
  options.root_key = "policy";
  const std::string scenario = "name: late parcel\npolicy:\n  schema_version: 1\n  returns:\n    window_days: -1\n";
  EXPECT_EQ(Error(scenario, options), "p.yaml:5:18: policy.returns.window_days: must be between 0 and 3650, got -1");
  EXPECT_EQ(Error("name: x\n", options), "p.yaml:1:1: policy: missing (the policy is expected under this key)");
  const auto ok = LoadPolicyText("name: x\npolicy:\n  schema_version: 1\n  returns: {window_days: 7}\n", "s.yaml", options);
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
  EXPECT_EQ(ok->returns.window_days, 7);
}

TEST(PolicyLoad, ReportsUnreadableFiles) {
  const auto missing = LoadPolicyFile("/nonexistent/policy.yaml");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().ToString(), "/nonexistent/policy.yaml: cannot open the policy file");
}

TEST(PolicyDuration, ParsesAndFormatsTheYamlForms) {
  EXPECT_EQ(ParsePolicyDuration("90m"), sim::Minutes(90));
  EXPECT_EQ(ParsePolicyDuration("2h"), sim::Hours(2));
  EXPECT_EQ(ParsePolicyDuration("3d"), sim::Days(3));
  EXPECT_EQ(ParsePolicyDuration("1w"), sim::Days(7));
  EXPECT_EQ(ParsePolicyDuration("1h30m"), sim::Minutes(90));
  EXPECT_EQ(ParsePolicyDuration("0s"), sim::Duration::zero());
  for (const char* bad : {"", "2", "h", "2x", "-1h", "1.5h", "2 h", "3651d"}) {
    EXPECT_FALSE(ParsePolicyDuration(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatPolicyDuration(sim::Minutes(90)), "1h30m");
  EXPECT_EQ(FormatPolicyDuration(sim::Days(180)), "180d");
  EXPECT_EQ(FormatPolicyDuration(sim::Duration::zero()), "0s");
}

}  // namespace
}  // namespace rh::pipeline
