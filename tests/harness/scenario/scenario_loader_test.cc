// Goal: every shipped scenario loads; a file using every field reads back exactly what it says;
// the timeline comes out sorted by time, stably; and every kind of bad scenario is refused with
// the file, line and column at fault, the dotted field and a message that says what to write.
#include "harness/scenario_loader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "sim/crypto.h"

namespace rh::harness {
namespace {

namespace sc = scenario;

const std::string kData = std::string(RH_SOURCE_DIR) + "/tests/harness/scenario/data";

// The error a text gives, as printed; the text is "s.yaml" in the data folder.
std::string Error(std::string_view yaml) {
  const auto loaded = LoadScenarioText(yaml, "s.yaml", kData);
  if (loaded) return "(loaded)";
  return loaded.error().ToString();
}

sc::Scenario Load(std::string_view yaml) {
  auto loaded = LoadScenarioText(yaml, "s.yaml", kData);
  EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error().ToString());
  return loaded ? std::move(loaded).value() : sc::Scenario{};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A small world the error cases build on (lines 1-9).
constexpr std::string_view kBase =
    "schema_version: 1\n"                                          // 1
    "name: t\n"                                                    // 2
    "world:\n"                                                     // 3
    "  lists: [{handle: news}]\n"                                  // 4
    "  customers:\n"                                               // 5
    "    - {handle: ana, lists: [news]}\n"                         // 6
    "    - {handle: bo}\n"                                         // 7
    "  orders:\n"                                                  // 8
    "    - {handle: o1, customer: ana, fulfillment: {}}\n"         // 9
    "    - {handle: o2, customer: bo}\n";                          // 10

std::string With(std::string_view more) { return std::string(kBase) + std::string(more); }

TEST(ScenarioLoad, EveryShippedScenarioLoads) {
  std::vector<std::string> errors;
  const auto files = FindScenarioFiles({std::string(RH_SOURCE_DIR) + "/scenarios"}, &errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_GE(files.size(), 30u);
  for (const auto& file : files) {
    const auto loaded = LoadScenarioFile(file);
    EXPECT_TRUE(loaded.has_value()) << loaded.error().ToString();
  }
}

TEST(ScenarioLoad, AFileWithEveryFieldReadsBackWhatItSays) {
  const std::string path = kData + "/full.yaml";
  const auto loaded = LoadScenarioFile(path);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  const sc::Scenario& s = *loaded;

  EXPECT_EQ(s.name, "full: every field, away from its default");
  EXPECT_EQ(s.description, "A customer asks twice, a carrier reports a delay, an agent confirms, notes and closes.");
  EXPECT_EQ(s.file, path);
  EXPECT_EQ(s.content_hash, sim::HexEncode(sim::Sha256(ReadFile(path))));
  EXPECT_EQ(s.seed, std::optional<std::uint64_t>(18446744073709551615u));
  EXPECT_EQ(s.store.name, "Full Store");
  EXPECT_EQ(s.store.vertical, "electronics");
  EXPECT_EQ(s.store.timezone, "America/New_York");
  EXPECT_EQ(s.store.shopify_plan, "plus");
  EXPECT_EQ(s.policy_file, kData + "/policies/short-returns.yaml");
  ASSERT_TRUE(s.policy.has_value());
  EXPECT_EQ(s.policy->returns.window_days, 14);

  // World.
  ASSERT_EQ(s.world.customers.size(), 2u);
  const sc::Customer& ana = s.world.customers[0];
  EXPECT_EQ(ana.handle, "ana");
  EXPECT_EQ(ana.email, "ana@example.com");
  EXPECT_EQ(ana.first_name, "Ana");
  EXPECT_EQ(ana.last_name, "Diaz");
  EXPECT_EQ(ana.phone, "+15551230001");
  EXPECT_EQ(ana.tags, (std::vector<std::string>{"VIP", "wholesale"}));
  EXPECT_FALSE(ana.marketing_consent);
  EXPECT_EQ(ana.lists, (std::vector<std::string>{"newsletter", "vip-list"}));
  const sc::Customer& bo = s.world.customers[1];
  EXPECT_EQ(bo.email, "bo@example.com");  // made up from the handle
  EXPECT_EQ(bo.first_name, "");
  EXPECT_TRUE(bo.marketing_consent);

  ASSERT_EQ(s.world.orders.size(), 2u);
  const sc::Order& o1 = s.world.orders[0];
  EXPECT_EQ(o1.handle, "o1");
  EXPECT_EQ(o1.customer, "ana");
  EXPECT_EQ(o1.age, sim::Days(3));
  EXPECT_EQ(o1.financial_status, "partially_refunded");
  ASSERT_EQ(o1.items.size(), 2u);
  EXPECT_EQ(o1.items[0].title, "Hoodie");
  EXPECT_EQ(o1.items[0].sku, "HD-M-BLK");
  EXPECT_EQ(o1.items[0].quantity, 2);
  EXPECT_EQ(o1.items[0].price, "54.99");
  EXPECT_EQ(o1.items[1].price, "12");
  ASSERT_TRUE(o1.fulfillment.has_value());
  EXPECT_EQ(o1.fulfillment->carrier, "FedEx");
  EXPECT_EQ(o1.fulfillment->tracking_number, "7712");
  EXPECT_EQ(o1.fulfillment->status, "delayed");
  EXPECT_EQ(o1.fulfillment->age, sim::Hours(36));
  EXPECT_EQ(o1.refunds, 1);
  const sc::Order& o2 = s.world.orders[1];
  ASSERT_EQ(o2.items.size(), 1u);  // one default item
  EXPECT_EQ(o2.items[0].title, "Hoodie");
  EXPECT_FALSE(o2.fulfillment.has_value());
  EXPECT_EQ(o2.age, sim::Days(2));

  ASSERT_EQ(s.world.lists.size(), 2u);
  EXPECT_EQ(s.world.lists[0].name, "Newsletter");
  EXPECT_EQ(s.world.lists[1].name, "vip-list");  // the handle when no name is given
  ASSERT_EQ(s.world.campaigns.size(), 1u);
  EXPECT_EQ(s.world.campaigns[0].name, "BFCM early access");
  EXPECT_EQ(s.world.campaigns[0].kind, "review_request");
  EXPECT_EQ(s.world.campaigns[0].at, sim::Hours(6));
  EXPECT_EQ(s.world.campaigns[0].lists, (std::vector<std::string>{"newsletter", "vip-list"}));
  ASSERT_EQ(s.world.flows.size(), 2u);
  EXPECT_EQ(s.world.flows[0].trigger_metric, "Fulfilled Order");
  EXPECT_EQ(s.world.flows[0].trigger_list, "");
  ASSERT_EQ(s.world.flows[0].actions.size(), 2u);
  EXPECT_EQ(s.world.flows[0].actions[0].delay, sim::Days(3));
  EXPECT_EQ(s.world.flows[0].actions[0].message, "");
  EXPECT_EQ(s.world.flows[0].actions[1].message, "Review request email");
  EXPECT_EQ(s.world.flows[0].actions[1].kind, "review_request");
  EXPECT_EQ(s.world.flows[1].trigger_list, "newsletter");
  EXPECT_EQ(s.world.flows[1].actions[0].kind, "promotional");

  // Generated traffic.
  ASSERT_TRUE(s.generate.has_value());
  EXPECT_EQ(s.generate->vertical, "toys");
  EXPECT_EQ(s.generate->orders_per_day, 300);
  EXPECT_EQ(s.generate->average_order_value, 80.5);
  EXPECT_EQ(s.generate->repeat_share, 0.25);
  EXPECT_EQ(s.generate->delay_rate, 0.12);
  EXPECT_EQ(s.generate->days, 2);
  EXPECT_EQ(s.generate->intent_mix, (std::map<std::string, double>{{"wismo", 0.5}, {"return", 0.25}, {"other", 0.25}}));
  EXPECT_EQ(s.generate->agents, 4);
  EXPECT_EQ(s.generate->agent_handle_time, sim::Minutes(7));

  // Faults.
  const sc::LlmFaults& llm = s.faults.llm;
  EXPECT_EQ(llm.overload, 0.1);
  EXPECT_EQ(llm.refusal, 0.2);
  EXPECT_EQ(llm.hallucinated_tracking, 0.3);
  EXPECT_EQ(llm.refund_promise, 0.4);
  EXPECT_EQ(llm.invalid_json, 0.5);
  EXPECT_EQ(llm.truncated, 0.6);
  EXPECT_EQ(llm.slow_stream, 0.7);
  EXPECT_EQ(llm.accuracy, 0.9);
  EXPECT_EQ(s.faults.webhooks.duplicate_rate, 1.0);
  EXPECT_EQ(s.faults.webhooks.delay_rate, 0.5);
  EXPECT_EQ(s.faults.webhooks.max_delay, sim::Minutes(2));
  EXPECT_EQ(s.faults.shopify_rest_bucket, std::optional<std::int64_t>(4));
  EXPECT_EQ(s.faults.shopify_rest_leak_every, std::optional<sim::Duration>(sim::Sec(2)));
  EXPECT_EQ(s.faults.llm_requests_per_minute, std::optional<double>(10));
  EXPECT_EQ(s.variant, sc::PipelineVariant::kIgnoresSuppression);
  EXPECT_EQ(s.run_for, sim::Days(2));
  EXPECT_EQ(s.first_response_sla, sim::Hours(1));

  // The timeline, sorted by time; the two steps at 2h keep the file's order.
  ASSERT_EQ(s.timeline.size(), 13u);
  const auto& t = s.timeline;
  EXPECT_EQ(t[0].at, sim::Duration::zero());
  const auto& first = std::get<sc::CustomerWrites>(t[0].action);
  EXPECT_EQ(first.customer, "ana");
  EXPECT_EQ(first.channel, "sms");
  EXPECT_EQ(first.text, "Where is my order?");
  EXPECT_EQ(first.ticket, "t1");
  EXPECT_TRUE(first.with_photo);
  EXPECT_EQ(first.intent, "wismo");
  EXPECT_EQ(t[0].source.file, path);
  EXPECT_EQ(t[0].source.line, 64);
  EXPECT_EQ(t[0].source.column, 5);
  const auto& scan = std::get<sc::CarrierScan>(t[1].action);
  EXPECT_EQ(scan.order, "o1");
  EXPECT_EQ(scan.status, "delayed");
  EXPECT_EQ(scan.message, "Weather delay");
  EXPECT_EQ(t[2].at, sim::Minutes(90));
  EXPECT_EQ(std::get<sc::CustomerWrites>(t[2].action).channel, "email");
  EXPECT_EQ(std::get<sc::CustomerWrites>(t[2].action).intent, "") << "not stated unless written";
  const auto& reply = std::get<sc::AgentReplies>(t[3].action);
  EXPECT_EQ(reply.ticket, "t1");
  EXPECT_EQ(reply.agent, 1);
  EXPECT_EQ(reply.text, "edit");
  const auto& note = std::get<sc::AgentNote>(t[4].action);
  EXPECT_EQ(note.text, "Reason: weather");
  EXPECT_EQ(t[4].at, sim::Hours(2));
  EXPECT_EQ(std::get<sc::CloseTicket>(t[5].action).agent, 2);
  EXPECT_EQ(std::get<sc::Refund>(t[6].action).note, "late");
  EXPECT_EQ(std::get<sc::ForgedWebhook>(t[7].action).text, "Cancel it");
  EXPECT_EQ(std::get<sc::CustomerWrites>(t[8].action).ticket, "");
  const auto& default_reply = std::get<sc::AgentReplies>(t[9].action);
  EXPECT_EQ(default_reply.text, "draft");
  EXPECT_EQ(default_reply.agent, 0);
  EXPECT_EQ(std::get<sc::Refund>(t[10].action).note, "refund");
  EXPECT_EQ(std::get<sc::ForgedWebhook>(t[11].action).text, "Where is my order?");
  EXPECT_TRUE(std::holds_alternative<sc::Wait>(t[12].action));
  EXPECT_EQ(t[12].at, sim::Days(1));
  EXPECT_EQ(t[12].source.line, 62);

  // Expectations.
  ASSERT_EQ(s.expect.tickets.size(), 1u);
  const sc::TicketExpectation& t1 = s.expect.tickets[0];
  EXPECT_EQ(t1.ticket, "t1");
  EXPECT_EQ(t1.tags_include, (std::vector<std::string>{"intent:wismo", "auto-replied"}));
  EXPECT_EQ(t1.tags_exclude, (std::vector<std::string>{"needs-review"}));
  EXPECT_EQ(t1.replies_delivered, 1);
  EXPECT_EQ(t1.route, "auto_send");
  EXPECT_EQ(t1.rule, "wismo.healthy_tracking");
  EXPECT_EQ(t1.intent, "wismo");
  EXPECT_EQ(t1.priority, "high");
  EXPECT_EQ(t1.assigned, false);
  EXPECT_EQ(t1.source.line, 92);
  const sc::KlaviyoExpectation& k = s.expect.klaviyo;
  EXPECT_EQ(k.suppressed, (std::vector<std::string>{"ana"}));
  EXPECT_EQ(k.not_suppressed, (std::vector<std::string>{"bo"}));
  ASSERT_EQ(k.sends.size(), 2u);
  EXPECT_EQ(k.sends[0].customer, "ana");
  EXPECT_EQ(k.sends[0].kind, "review_request");
  EXPECT_EQ(k.sends[0].sent, 0);
  EXPECT_EQ(k.sends[0].skipped, 1);
  EXPECT_EQ(k.sends[1].sent, 2);
  EXPECT_EQ(k.sends[1].skipped, std::nullopt);
  EXPECT_EQ(k.events, (std::map<std::string, int>{{"Support Issue Resolved", 1}, {"Fulfilled Order", 0}}));
  ASSERT_EQ(s.expect.decisions.size(), 2u);
  const sc::DecisionExpectation& d = s.expect.decisions[0];
  EXPECT_EQ(d.ticket, "t1");
  EXPECT_EQ(d.kind, "route");
  EXPECT_EQ(d.route, "human");
  EXPECT_EQ(d.outcome, "pending_human");
  EXPECT_EQ(d.override_reason, "too late");
  EXPECT_EQ(d.count, 1);
  EXPECT_EQ(d.source.line, 107);
  EXPECT_EQ(s.expect.decisions[1].count, std::nullopt);
  EXPECT_EQ(s.expect.oracles_fire, (std::vector<std::string>{"I1", "I11"}));
}

TEST(ScenarioLoad, AMinimalFileKeepsEveryDefault) {
  const sc::Scenario s = Load("schema_version: 1\nname: nothing happens\n");
  const sc::Scenario d;
  EXPECT_EQ(s.name, "nothing happens");
  EXPECT_EQ(s.store.name, d.store.name);
  EXPECT_EQ(s.store.vertical, d.store.vertical);
  EXPECT_EQ(s.store.timezone, d.store.timezone);
  EXPECT_FALSE(s.seed.has_value());
  EXPECT_EQ(s.policy_file, "");
  EXPECT_FALSE(s.policy.has_value());
  EXPECT_FALSE(s.generate.has_value());
  EXPECT_EQ(s.variant, sc::PipelineVariant::kReference);
  EXPECT_EQ(s.run_for, d.run_for);
  EXPECT_EQ(s.first_response_sla, d.first_response_sla);
  EXPECT_EQ(s.faults.llm.accuracy, 1.0);
  EXPECT_TRUE(s.timeline.empty());
  EXPECT_EQ(s.file, "s.yaml");
}

TEST(ScenarioLoad, TheTimelineIsSortedByTimeKeepingTheFileOrderForTies) {
  const sc::Scenario s = Load(With(
      "timeline:\n"
      "  - {at: 2h, carrier_scan: {order: o1, status: delivered}}\n"
      "  - {at: 1h, customer_writes: {customer: ana, text: a, ticket: t1}}\n"
      "  - {at: 1h, agent_note: {ticket: t1, text: b}}\n"
      "  - {at: 1h, customer_writes: {customer: ana, text: c, ticket: t1}}\n"
      "  - {at: 0s, wait: }\n"));
  ASSERT_EQ(s.timeline.size(), 5u);
  std::vector<int> lines;
  for (const auto& step : s.timeline) lines.push_back(step.source.line);
  EXPECT_EQ(lines, (std::vector<int>{16, 13, 14, 15, 12}));
}

TEST(ScenarioLoad, EveryPipelineVariantReadsBackAsItsOwnValue) {
  using V = sc::PipelineVariant;
  const std::pair<const char*, V> variants[] = {
      {"reference", V::kReference},
      {"skips_signature_check", V::kSkipsSignatureCheck},
      {"auto_sends_everything", V::kAutoSendsEverything},
      {"ignores_suppression", V::kIgnoresSuppression},
      {"no_decision_log", V::kNoDecisionLog},
      {"skips_fact_check", V::kSkipsFactCheck},
      {"skips_recovery", V::kSkipsRecovery},
      {"replies_twice", V::kRepliesTwice},
      {"replies_on_email", V::kRepliesOnEmail},
      {"ignores_rate_limits", V::kIgnoresRateLimits},
      {"sends_offers_unapproved", V::kSendsOffersUnapproved},
  };
  for (const auto& [name, variant] : variants) {
    SCOPED_TRACE(name);
    EXPECT_EQ(Load(std::string("schema_version: 1\nname: v\npipeline_variant: ") + name + "\n").variant, variant);
  }
}

TEST(ScenarioLoad, TheContentHashIsTheSha256OfTheBytes) {
  const std::string text = "schema_version: 1\nname: hashed\n";
  EXPECT_EQ(Load(text).content_hash, sim::HexEncode(sim::Sha256(text)));
  EXPECT_EQ(Load(text).content_hash, "e60a451dcf636ccfe9858b051ebc46fe40a329e002b10ecd7d80fcc5aac79beb");
  EXPECT_NE(Load(text + "# a comment changes the bytes\n").content_hash, Load(text).content_hash);
}

TEST(ScenarioLoad, AnEmbeddedPolicyIsLoadedFromTheScenarioFile) {
  const sc::Scenario s = Load("schema_version: 1\nname: e\npolicy:\n  schema_version: 1\n  returns: {window_days: 7}\n");
  ASSERT_TRUE(s.policy.has_value());
  EXPECT_EQ(s.policy->returns.window_days, 7);
  EXPECT_EQ(s.policy_file, "s.yaml");
}

// ---- errors --------------------------------------------------------------------------------------

struct Case {
  const char* what;
  std::string yaml;
  std::string error;
};

class ScenarioErrors : public ::testing::TestWithParam<Case> {};

// The line an error names, with a caret under its column, so a failure shows where it points.
std::string Caret(const std::string& yaml, const std::string& error) {
  int line = 0, column = 0;
  if (std::sscanf(error.c_str(), "s.yaml:%d:%d:", &line, &column) != 2 || line < 1 || column < 1) return "";
  std::istringstream in(yaml);
  std::string text;
  for (int i = 0; i < line && std::getline(in, text); ++i) {
  }
  return "\n" + text + "\n" + std::string(static_cast<std::size_t>(column - 1), ' ') + "^";
}

TEST_P(ScenarioErrors, AreReportedWithFileLineFieldAndMessage) {
  const std::string got = Error(GetParam().yaml);
  EXPECT_EQ(got, GetParam().error) << Caret(GetParam().yaml, got);
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) { return info.param.what; }

INSTANTIATE_TEST_SUITE_P(
    Document, ScenarioErrors,
    ::testing::Values(
        Case{"YamlSyntax", "schema_version: 1\nname: [x\n", "s.yaml:3:1: YAML syntax: end of sequence flow not found"},
        Case{"YamlSyntaxTabIndent", "schema_version: 1\nname: x\n\tstore: {}\n",
             "s.yaml:3:1: YAML syntax: illegal tab when looking for indentation"},
        Case{"YamlSyntaxBadIndent", "schema_version: 1\nname: x\nstore:\n  name: a\n vertical: toys\n",
             "s.yaml:5:2: YAML syntax: end of map not found"},
        Case{"TwoDocuments", "schema_version: 1\nname: a\n---\nname: b\n",
             "s.yaml:4:1: one scenario per file; this is a second YAML document"},
        // yaml-cpp 0.7's LoadAll looped for ever on this (found by the scenario_loader fuzz target).
        Case{"LoneComma", ",\n", "s.yaml:1:1: one scenario per file; this is a second YAML document"},
        Case{"EmptyFile", "", "s.yaml:1:1: schema_version: missing; the file is empty (this build reads 1)"},
        Case{"NotAMapping", "- a\n", "s.yaml:1:1: expected a mapping of scenario fields, got a list"},
        Case{"MissingVersion", "name: x\n",
             "s.yaml:1:1: schema_version: missing; this build reads 1 (write schema_version: 1 first)"},
        Case{"NewerVersion", "schema_version: 2\nname: x\n",
             "s.yaml:1:17: schema_version: unsupported version 2; this build reads 1"},
        Case{"UnknownFieldCloseToOne", "schema_version: 1\nnmae: x\n",
             "s.yaml:2:1: nmae: unknown field; did you mean 'name'?"},
        Case{"UnknownFieldFarFromAll", "schema_version: 1\nname: x\nzzz: 1\n",
             "s.yaml:3:1: zzz: unknown field; known: schema_version, name, description, seed, start, store, policy, "
             "world, generate, llm, faults, pipeline_variant, timeline, run_for, sla, expect"},
        Case{"DuplicateField", "schema_version: 1\nname: x\nname: y\n",
             "s.yaml:3:1: name: duplicate field (first given on line 2)"},
        Case{"MissingName", "schema_version: 1\n",
             "s.yaml:1:1: name: missing; a short name that reads as a story, e.g. name: wismo-healthy"},
        Case{"WrongTypeMapping", "schema_version: 1\nname: x\nstore: [a]\n",
             "s.yaml:3:8: store: expected a mapping of fields, got a list"},
        Case{"WrongTypeNumber", "schema_version: 1\nname: x\nseed: [1]\n",
             "s.yaml:3:7: seed: expected a whole number, got a list"},
        Case{"NegativeSeed", "schema_version: 1\nname: x\nseed: -1\n",
             "s.yaml:3:7: seed: expected a whole number from 0 to 18446744073709551615, got '-1'"},
        Case{"NotABoolean", "schema_version: 1\nname: x\nworld: {customers: [{handle: a, marketing_consent: yes}]}\n",
             "s.yaml:3:52: world.customers[0].marketing_consent: expected true or false, got 'yes'"},
        Case{"UnknownVertical", "schema_version: 1\nname: x\nstore: {vertical: aparel}\n",
             "s.yaml:3:19: store.vertical: unknown vertical 'aparel'; did you mean 'apparel'?"},
        Case{"UnknownTimeZone", "schema_version: 1\nname: x\nstore: {timezone: Mars/Olympus}\n",
             "s.yaml:3:19: store.timezone: unknown time zone 'Mars/Olympus' (no file /usr/share/zoneinfo/Mars/Olympus)"},
        Case{"UnknownPlan", "schema_version: 1\nname: x\nstore: {shopify_plan: gold}\n",
             "s.yaml:3:23: store.shopify_plan: unknown Shopify plan 'gold'; known: standard, advanced, plus, "
             "enterprise"},
        Case{"UnknownVariant", "schema_version: 1\nname: x\npipeline_variant: skips_signature\n",
             "s.yaml:3:19: pipeline_variant: unknown pipeline variant 'skips_signature'; did you mean "
             "'skips_signature_check'?"}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Values, ScenarioErrors,
    ::testing::Values(
        Case{"UnparsableDuration", "schema_version: 1\nname: x\nrun_for: soon\n",
             "s.yaml:3:10: run_for: expected a duration like \"30s\", \"90m\", \"2h\" or \"1d\", got 'soon'"},
        Case{"DurationWithoutUnit", "schema_version: 1\nname: x\nrun_for: 10\n",
             "s.yaml:3:10: run_for: expected a duration like \"30s\", \"90m\", \"2h\" or \"1d\", got '10' (add a "
             "unit: s, m, h, d or w)"},
        Case{"NoCustomersToReferTo", "schema_version: 1\nname: x\nworld: {orders: [{handle: o, customer: a}]}\n",
             "s.yaml:3:40: world.orders[0].customer: unknown customer 'a': world.customers defines none"},
        Case{"NegativeAge", With("    - {handle: o3, customer: bo, age: -2d}\n"),
             "s.yaml:11:39: world.orders[2].age: must not be negative, got -2d (an age counts back from the start of "
             "the run)"},
        Case{"DurationOutOfRange", "schema_version: 1\nname: x\nsla: {first_response: 0s}\n",
             "s.yaml:3:23: sla.first_response: must be between 1s and 3650d, got 0s"},
        Case{"ProbabilityAboveOne", "schema_version: 1\nname: x\nllm: {faults: {overload: 1.5}}\n",
             "s.yaml:3:26: llm.faults.overload: must be between 0 and 1, got 1.5"},
        Case{"ProbabilityNotANumber", "schema_version: 1\nname: x\nfaults: {webhooks: {delay_rate: half}}\n",
             "s.yaml:3:33: faults.webhooks.delay_rate: expected a number, got 'half'"},
        Case{"UnknownIntentInMix", "schema_version: 1\nname: x\ngenerate: {intent_mix: {wismo: 0.5, retrun: 0.5}}\n",
             "s.yaml:3:37: generate.intent_mix.retrun: unknown intent 'retrun'; did you mean 'return'?"},
        Case{"IntentMixNotAddingUp", "schema_version: 1\nname: x\ngenerate: {intent_mix: {wismo: 0.5, return: 0.4}}\n",
             "s.yaml:3:24: generate.intent_mix: the shares add up to 0.9, not 1"},
        Case{"ScriptWithBadJson", "schema_version: 1\nname: x\nllm: {scripts: [{contains: a, json: '{intent'}]}\n",
             "s.yaml:3:37: llm.scripts[0].json: not valid JSON"},
        Case{"ScriptWithNoAnswer", "schema_version: 1\nname: x\nllm: {scripts: [{contains: a}]}\n",
             "s.yaml:3:17: llm.scripts[0]: a script answers with text, json or an error status; give one"},
        Case{"UnknownChannelInMix", "schema_version: 1\nname: x\ngenerate: {channel_mix: {email: 0.5, smss: 0.5}}\n",
             "s.yaml:3:38: generate.channel_mix.smss: unknown channel 'smss'; did you mean 'sms'?"},
        Case{"ShiftEndingBeforeItStarts", "schema_version: 1\nname: x\ngenerate: {agent_shift: {start: 20h, end: 8h}}\n",
             "s.yaml:3:43: generate.agent_shift.end: a shift ends after it starts, within one day"},
        Case{"BadPrice", With("    - {handle: o3, customer: bo, items: [{price: 5.999}]}\n"),
             "s.yaml:11:50: world.orders[2].items[0].price: expected a price like \"54.99\" (at most 2 decimals), got "
             "'5.999'"},
        Case{"BadEmail", "schema_version: 1\nname: x\nworld: {customers: [{handle: a, email: nobody}]}\n",
             "s.yaml:3:40: world.customers[0].email: expected an email address like ana@example.com, got 'nobody'"},
        Case{"BadHandle", "schema_version: 1\nname: x\nworld: {customers: [{handle: \"ana diaz\"}]}\n",
             "s.yaml:3:30: world.customers[0].handle: a handle is 1 to 64 letters, digits, '_', '-' or '.', got 'ana "
             "diaz'"},
        Case{"UnknownOracle", "schema_version: 1\nname: x\nexpect: {oracles_fire: [I13]}\n",
             "s.yaml:3:25: expect.oracles_fire[0]: unknown oracle id 'I13'; did you mean 'I1'?"},
        Case{"OracleTwice", "schema_version: 1\nname: x\nexpect: {oracles_fire: [I6, I6]}\n",
             "s.yaml:3:29: expect.oracles_fire[1]: 'I6' is listed twice"}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    World, ScenarioErrors,
    ::testing::Values(
        Case{"MissingHandle", "schema_version: 1\nname: x\nworld: {customers: [{email: a@b.co}]}\n",
             "s.yaml:3:21: world.customers[0].handle: missing; the customer's handle, e.g. handle: ana"},
        Case{"DuplicateHandle", With("    - {handle: o1, customer: bo}\n"),
             "s.yaml:11:16: world.orders[2].handle: duplicate order handle 'o1' (first defined on line 9)"},
        Case{"DuplicateEmail",
             "schema_version: 1\nname: x\nworld:\n  customers:\n    - {handle: ana, email: ana@example.com}\n"
             "    - {handle: cy, email: Ana@example.com}\n",
             "s.yaml:6:27: world.customers[1].email: another customer has the email Ana@example.com (line 5)"},
        Case{"UnknownCustomerOfAnOrder", With("    - {handle: o3, customer: an}\n"),
             "s.yaml:11:30: world.orders[2].customer: unknown customer 'an'; did you mean 'ana'?"},
        Case{"UnknownList", "schema_version: 1\nname: x\nworld: {lists: [{handle: news}], customers: [{handle: a, lists: [new5, nope]}]}\n",
             "s.yaml:3:66: world.customers[0].lists[0]: unknown list 'new5'; did you mean 'news'?"},
        Case{"FulfilledBeforeOrdered", With("    - {handle: o3, customer: bo, age: 1d, fulfillment: {age: 2d}}\n"),
             "s.yaml:11:62: world.orders[2].fulfillment.age: fulfilled 2d ago, before the order was placed (age 1d)"},
        Case{"MoreRefundsThanUnits", With("    - {handle: o3, customer: bo, refunds: 2}\n"),
             "s.yaml:11:43: world.orders[2].refunds: the order has 1 unit to refund, not 2"},
        Case{"EmptyItems", With("    - {handle: o3, customer: bo, items: []}\n"),
             "s.yaml:11:41: world.orders[2].items: an order needs at least one item (leave items out for one Hoodie)"},
        Case{"UnknownShipmentStatus", With("    - {handle: o3, customer: bo, fulfillment: {status: shipped}}\n"),
             "s.yaml:11:56: world.orders[2].fulfillment.status: unknown shipment status 'shipped'; known: "
             "label_printed, label_purchased, confirmed, carrier_picked_up, in_transit, out_for_delivery, "
             "ready_for_pickup, picked_up, delivered, attempted_delivery, delayed, failure"},
        Case{"FlowWithBothTriggers",
             With("  flows: [{name: f, trigger_metric: Placed Order, trigger_list: news, actions: [{delay: 1d}]}]\n"),
             "s.yaml:11:51: world.flows[0].trigger_list: give trigger_metric or trigger_list, not both"},
        Case{"FlowWithoutTrigger", With("  flows: [{name: f, actions: [{delay: 1d}]}]\n"),
             "s.yaml:11:11: world.flows[0].trigger_metric: missing; a flow starts on trigger_metric (e.g. \"Fulfilled "
             "Order\") or trigger_list (a list handle)"},
        Case{"FlowActionWithKindOnADelay",
             With("  flows: [{name: f, trigger_list: news, actions: [{delay: 1d, kind: promotional}]}]\n"),
             "s.yaml:11:63: world.flows[0].actions[0].kind: a delay has no kind; kind belongs to a message"},
        Case{"CampaignWithoutLists", With("  campaigns: [{name: c, lists: []}]\n"),
             "s.yaml:11:32: world.campaigns[0].lists: a campaign needs at least one list"}),
    CaseName);

// approve_offer and decline_offer: a person's answer to an offer waiting on the ticket.
TEST(ScenarioLoader, ReadsOfferDecisions) {
  const sc::Scenario s = Load(With("timeline:\n"
                                   "  - {at: 1h, customer_writes: {customer: ana, text: hi, ticket: t1}}\n"
                                   "  - {at: 2h, approve_offer: {ticket: t1, agent: 1}}\n"
                                   "  - {at: 3h, decline_offer: {ticket: t1}}\n"));
  ASSERT_EQ(s.timeline.size(), 3u);
  EXPECT_EQ(std::get<sc::DecideOffer>(s.timeline[1].action), (sc::DecideOffer{"t1", 1, true}));
  EXPECT_EQ(std::get<sc::DecideOffer>(s.timeline[2].action), (sc::DecideOffer{"t1", 0, false}));
  EXPECT_EQ(s.timeline[1].source.line, 13);
}

INSTANTIATE_TEST_SUITE_P(
    Timeline, ScenarioErrors,
    ::testing::Values(
        Case{"StepBeforeTimeZero", With("timeline:\n  - {at: -1h, wait: {}}\n"),
             "s.yaml:12:10: timeline[0].at: must not be negative, got -1h (a step cannot happen before the run "
             "starts)"},
        Case{"TwoActions", With("timeline:\n  - at: 0s\n    wait: {}\n    refund: {order: o1}\n"),
             "s.yaml:14:5: timeline[0].refund: one action per step; this step already has wait (line 13)"},
        Case{"NoAction", With("timeline:\n  - at: 0s\n"),
             "s.yaml:12:5: timeline[0]: a step needs an action: one of customer_writes, carrier_scan, agent_replies, "
             "agent_note, close_ticket, refund, wait, forged_webhook, create_fulfillment, add_to_list, "
             "approve_offer or decline_offer"},
        Case{"NoTime", With("timeline:\n  - wait: {}\n"),
             "s.yaml:12:5: timeline[0].at: missing; when the step happens, from the start of the run (e.g. at: 10m)"},
        Case{"UnknownStepKind", With("timeline:\n  - {at: 0s, customer_write: {customer: ana, text: hi}}\n"),
             "s.yaml:12:14: timeline[0].customer_write: unknown step kind 'customer_write'; did you mean "
             "'customer_writes'?"},
        Case{"StepNotAMapping", With("timeline:\n  - wait\n"),
             "s.yaml:12:5: timeline[0]: expected a step like {at: 10m, customer_writes: {...}}, got 'wait'"},
        Case{"UnknownFieldInAStep", With("timeline:\n  - {at: 0s, customer_writes: {customer: ana, txt: hi}}\n"),
             "s.yaml:12:47: timeline[0].customer_writes.txt: unknown field; did you mean 'text'?"},
        Case{"MissingFieldInAStep", With("timeline:\n  - {at: 0s, customer_writes: {customer: ana}}\n"),
             "s.yaml:12:31: timeline[0].customer_writes.text: missing; what the customer writes"},
        Case{"UnknownCustomer", With("timeline:\n  - {at: 0s, customer_writes: {customer: bob, text: hi}}\n"),
             "s.yaml:12:42: timeline[0].customer_writes.customer: unknown customer 'bob'; did you mean 'bo'?"},
        Case{"UnknownChannel", With("timeline:\n  - {at: 0s, customer_writes: {customer: ana, text: hi, channel: mail}}\n"),
             "s.yaml:12:66: timeline[0].customer_writes.channel: unknown channel 'mail'; did you mean 'email'?"},
        Case{"UnknownTrueIntentCutShort",
             With("timeline:\n  - {at: 0s, customer_writes: {customer: ana, text: hi, intent: discount}}\n"),
             "s.yaml:12:65: timeline[0].customer_writes.intent: unknown intent 'discount'; did you mean "
             "'discount_request'?"},
        Case{"UnknownTrueIntentFarFromAll",
             With("timeline:\n  - {at: 0s, customer_writes: {customer: ana, text: hi, intent: 42}}\n"),
             "s.yaml:12:65: timeline[0].customer_writes.intent: unknown intent '42'; known: wismo, return, exchange, "
             "cancel, address_change, damaged_item, delivered_not_received, refund_status, discount_request, "
             "product_question, other"},
        Case{"EmptyTrueIntent", With("timeline:\n  - {at: 0s, customer_writes: {customer: ana, text: hi, intent: \"\"}}\n"),
             "s.yaml:12:65: timeline[0].customer_writes.intent: unknown intent ''; known: wismo, return, exchange, "
             "cancel, address_change, damaged_item, delivered_not_received, refund_status, discount_request, "
             "product_question, other"},
        Case{"CustomersDoNotWriteNotes",
             With("timeline:\n  - {at: 0s, customer_writes: {customer: ana, text: hi, channel: internal-note}}\n"),
             "s.yaml:12:66: timeline[0].customer_writes.channel: customers do not write internal notes (an agent's "
             "note is an agent_note step); use a channel such as email, sms or chat"},
        Case{"ActionNotAMapping", With("timeline:\n  - {at: 0s, customer_writes: [ana, hi]}\n"),
             "s.yaml:12:31: timeline[0].customer_writes: expected a mapping of fields, got a list"},
        Case{"StepTimeNotADuration", With("timeline:\n  - {at: soon, wait: {}}\n"),
             "s.yaml:12:10: timeline[0].at: expected a duration like \"30s\", \"90m\", \"2h\" or \"1d\", got 'soon'"},
        Case{"ForgedWebhookForAnUnknownCustomer", With("timeline:\n  - {at: 0s, forged_webhook: {customer: cy}}\n"),
             "s.yaml:12:41: timeline[0].forged_webhook.customer: unknown customer 'cy'; known: ana, bo"},
        Case{"ForgedWebhookWithoutCustomer", With("timeline:\n  - {at: 0s, forged_webhook: {text: hi}}\n"),
             "s.yaml:12:30: timeline[0].forged_webhook.customer: missing; who (a customer handle)"},
        Case{"ForgedWebhookOnATicket", With("timeline:\n  - {at: 0s, forged_webhook: {customer: ana, ticket: t1}}\n"),
             "s.yaml:12:46: timeline[0].forged_webhook.ticket: unknown field; known: customer, text"},
        Case{"ForgedWebhookWithEmptyText", With("timeline:\n  - {at: 0s, forged_webhook: {customer: ana, text: \"\"}}\n"),
             "s.yaml:12:52: timeline[0].forged_webhook.text: expected the forged message's text, got an empty text"},
        Case{"UnknownOrder", With("timeline:\n  - {at: 0s, refund: {order: o9}}\n"),
             "s.yaml:12:30: timeline[0].refund.order: unknown order 'o9'; did you mean 'o1'?"},
        Case{"ScanWithoutFulfillment", With("timeline:\n  - {at: 0s, carrier_scan: {order: o2, status: delayed}}\n"),
             "s.yaml:12:36: timeline[0].carrier_scan.order: order 'o2' has no fulfillment, so no carrier scans it "
             "(give it a fulfillment, or a create_fulfillment step before this one)"},
        Case{"TicketUsedBeforeItIsOpened",
             With("timeline:\n"
                  "  - {at: 1h, customer_writes: {customer: ana, text: hi, ticket: t1}}\n"
                  "  - {at: 30m, close_ticket: {ticket: t1}}\n"),
             "s.yaml:13:38: timeline[1].close_ticket.ticket: ticket 't1' is used before the customer_writes that "
             "opens it (line 12, at 1h)"},
        Case{"UnknownTicket",
             With("timeline:\n"
                  "  - {at: 1h, customer_writes: {customer: ana, text: hi, ticket: t1}}\n"
                  "  - {at: 2h, agent_replies: {ticket: t2}}\n"),
             "s.yaml:13:38: timeline[1].agent_replies.ticket: unknown ticket 't2': tickets are opened by "
             "customer_writes steps; did you mean 't1'?"},
        Case{"TicketWithNoneOpened", With("timeline:\n  - {at: 2h, agent_note: {ticket: t1, text: x}}\n"),
             "s.yaml:12:35: timeline[0].agent_note.ticket: unknown ticket 't1': tickets are opened by customer_writes "
             "steps and none gives one"},
        Case{"SomeoneElsesTicket",
             With("timeline:\n"
                  "  - {at: 1h, customer_writes: {customer: ana, text: hi, ticket: t1}}\n"
                  "  - {at: 2h, customer_writes: {customer: bo, text: me too, ticket: t1}}\n"),
             "s.yaml:13:68: timeline[1].customer_writes.ticket: ticket 't1' is ana's (opened on line 12); bo cannot "
             "write on it"},
        Case{"RefundBeyondTheUnits",
             With("timeline:\n  - {at: 1h, refund: {order: o2}}\n  - {at: 2h, refund: {order: o2}}\n"),
             "s.yaml:13:30: timeline[1].refund.order: order 'o2' has no unit left to refund by then (its items and "
             "earlier refunds used them all)"},
        Case{"OfferDecisionOnAnUnknownTicket",
             With("timeline:\n"
                  "  - {at: 1h, customer_writes: {customer: ana, text: hi, ticket: t1}}\n"
                  "  - {at: 2h, approve_offer: {ticket: t2}}\n"),
             "s.yaml:13:38: timeline[1].approve_offer.ticket: unknown ticket 't2': tickets are opened by "
             "customer_writes steps; did you mean 't1'?"},
        Case{"OfferDecisionWithAnUnknownField",
             With("timeline:\n"
                  "  - {at: 1h, customer_writes: {customer: ana, text: hi, ticket: t1}}\n"
                  "  - {at: 2h, decline_offer: {ticket: t1, reason: no}}\n"),
             "s.yaml:13:42: timeline[1].decline_offer.reason: unknown field; known: ticket, agent"},
        Case{"OfferDecisionAgentOutOfRange",
             With("timeline:\n"
                  "  - {at: 1h, customer_writes: {customer: ana, text: hi, ticket: t1}}\n"
                  "  - {at: 2h, approve_offer: {ticket: t1, agent: 50}}\n"),
             "s.yaml:13:49: timeline[1].approve_offer.agent: must be between 0 and 49, got 50"},
        Case{"AgentOutOfRange",
             With("timeline:\n"
                  "  - {at: 1h, customer_writes: {customer: ana, text: hi, ticket: t1}}\n"
                  "  - {at: 2h, close_ticket: {ticket: t1, agent: 50}}\n"),
             "s.yaml:13:48: timeline[1].close_ticket.agent: must be between 0 and 49, got 50"}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Expectations, ScenarioErrors,
    ::testing::Values(
        Case{"UnknownTicketExpected",
             With("timeline:\n  - {at: 0s, customer_writes: {customer: ana, text: hi, ticket: t1}}\n"
                  "expect:\n  tickets:\n    t2: {route: human}\n"),
             "s.yaml:15:5: expect.tickets.t2: unknown ticket 't2': no customer_writes step opens it; did you mean "
             "'t1'?"},
        Case{"NothingToCheck",
             With("timeline:\n  - {at: 0s, customer_writes: {customer: ana, text: hi, ticket: t1}}\n"
                  "expect:\n  tickets:\n    t1: {}\n"),
             "s.yaml:15:9: expect.tickets.t1: nothing to check; give tags_include, tags_exclude, replies_delivered, "
             "route, rule, intent, priority, assigned, mentions or excludes"},
        Case{"UnknownRoute",
             With("timeline:\n  - {at: 0s, customer_writes: {customer: ana, text: hi, ticket: t1}}\n"
                  "expect:\n  tickets:\n    t1: {route: auto}\n"),
             "s.yaml:15:17: expect.tickets.t1.route: unknown route 'auto'; did you mean 'auto_send'?"},
        Case{"UnknownIntentTag",
             With("timeline:\n  - {at: 0s, customer_writes: {customer: ana, text: hi, ticket: t1}}\n"
                  "expect:\n  tickets:\n    t1: {tags_include: [\"intent:wimso\"]}\n"),
             "s.yaml:15:25: expect.tickets.t1.tags_include[0]: unknown intent 'wimso'; did you mean 'wismo'?"},
        Case{"TagIncludedAndExcluded",
             With("timeline:\n  - {at: 0s, customer_writes: {customer: ana, text: hi, ticket: t1}}\n"
                  "expect:\n  tickets:\n    t1: {tags_include: [a], tags_exclude: [b, a]}\n"),
             "s.yaml:15:47: expect.tickets.t1.tags_exclude[1]: 'a' is also in tags_include"},
        Case{"UnknownDecisionKind",
             With("timeline:\n  - {at: 0s, customer_writes: {customer: ana, text: hi, ticket: t1}}\n"
                  "expect:\n  decisions: [{ticket: t1, kind: routing}]\n"),
             "s.yaml:14:34: expect.decisions[0].kind: unknown decision kind 'routing'; did you mean 'route'?"},
        Case{"UnknownOutcome",
             With("timeline:\n  - {at: 0s, customer_writes: {customer: ana, text: hi, ticket: t1}}\n"
                  "expect:\n  decisions: [{ticket: t1, kind: route, outcome: pending}]\n"),
             "s.yaml:14:50: expect.decisions[0].outcome: unknown outcome 'pending'; did you mean 'pending_human'?"},
        Case{"SuppressedAndNot", With("expect:\n  klaviyo: {suppressed: [ana], not_suppressed: [bo, ana]}\n"),
             "s.yaml:12:53: expect.klaviyo.not_suppressed[1]: 'ana' is also in suppressed"},
        Case{"SendsWithNothingToCheck", With("expect:\n  klaviyo: {sends: [{customer: ana, kind: promotional}]}\n"),
             "s.yaml:12:21: expect.klaviyo.sends[0]: nothing to check; give sent, skipped or both"},
        Case{"UnknownCustomerInSends", With("expect:\n  klaviyo: {sends: [{customer: cy, kind: promotional, sent: 1}]}\n"),
             "s.yaml:12:32: expect.klaviyo.sends[0].customer: unknown customer 'cy'; known: ana, bo"},
        Case{"NegativeEventCount", With("expect:\n  klaviyo: {events: {Placed Order: -1}}\n"),
             "s.yaml:12:36: expect.klaviyo.events.Placed Order: must be between 0 and 100000, got -1"}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Policy, ScenarioErrors,
    ::testing::Values(
        Case{"PolicyFileThatDoesNotLoad", "schema_version: 1\nname: x\npolicy: policies/broken.yaml\n",
             "s.yaml:3:9: policy: the policy file does not load: " + kData +
                 "/policies/broken.yaml:3:3: returns.window_day: unknown field; did you mean 'window_days'?"},
        Case{"PolicyFileMissing", "schema_version: 1\nname: x\npolicy: policies/none.yaml\n",
             "s.yaml:3:9: policy: the policy file does not load: " + kData +
                 "/policies/none.yaml: cannot open the policy file"},
        Case{"EmbeddedPolicyError", "schema_version: 1\nname: x\npolicy:\n  schema_version: 1\n  returns: {window_days: -3}\n",
             "s.yaml:5:26: policy.returns.window_days: must be between 0 and 3650, got -3"},
        Case{"PolicyAsAList", "schema_version: 1\nname: x\npolicy: [a]\n",
             "s.yaml:3:9: policy: expected a policy file's path (relative to this file) or an embedded policy "
             "mapping, got a list"}),
    CaseName);

TEST(ScenarioLoad, AMissingFileIsAnErrorWithoutAPosition) {
  const auto loaded = LoadScenarioFile(kData + "/does-not-exist.yaml");
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().ToString(), kData + "/does-not-exist.yaml: cannot open the scenario file");
  EXPECT_EQ(loaded.error().line, 0);
}

TEST(ScenarioLoad, AnErrorCarriesItsPartsSeparately) {
  const auto loaded = LoadScenarioText(With("timeline:\n  - {at: 0s, refund: {order: o9}}\n"), "w.yaml", "");
  ASSERT_FALSE(loaded.has_value());
  const ScenarioError& e = loaded.error();
  EXPECT_EQ(e.file, "w.yaml");
  EXPECT_EQ(e.line, 12);
  EXPECT_EQ(e.column, 30);
  EXPECT_EQ(e.field, "timeline[0].refund.order");
  EXPECT_EQ(e.message, "unknown order 'o9'; did you mean 'o1'?");
}

}  // namespace
}  // namespace rh::harness
