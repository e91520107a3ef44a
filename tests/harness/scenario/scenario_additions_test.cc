// Goal: the fields issue 15 added to the scenario format (a calendar start, create_fulfillment and
// add_to_list steps, Smart Sending per store and message, reply texts and facts, Shopify order
// state, decision rationale and value bucket, KPI comparisons) read back what the file says, and
// each kind of mistake in them is refused with file, line, column, field and a message (with a
// suggestion where a near miss has one).
#include "harness/scenario_loader.h"

#include <gtest/gtest.h>

#include <chrono>

#include "harness/runner.h"
#include "harness/scenario_writer.h"

namespace rh::harness {
namespace {

namespace sc = scenario;

const std::string kData = std::string(RH_SOURCE_DIR) + "/tests/harness/scenario/data";

std::string Error(std::string_view yaml) {
  const auto loaded = LoadScenarioText(yaml, "s.yaml", kData);
  return loaded ? "(loaded)" : loaded.error().ToString();
}

sc::Scenario Load(std::string_view yaml) {
  auto loaded = LoadScenarioText(yaml, "s.yaml", kData);
  EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error().ToString());
  return loaded ? std::move(loaded).value() : sc::Scenario{};
}

sim::WallTime Utc(int y, unsigned mo, unsigned d, int h, int mi) {
  using namespace std::chrono;
  return sim::WallTime(sys_days(year{y} / month{mo} / day{d}).time_since_epoch() + hours(h) + minutes(mi));
}

// Lines 1-8, the world the error cases build on.
constexpr std::string_view kBase =
    "schema_version: 1\n"                                      // 1
    "name: t\n"                                                // 2
    "world:\n"                                                 // 3
    "  lists: [{handle: news}]\n"                              // 4
    "  customers: [{handle: ana}]\n"                           // 5
    "  orders:\n"                                              // 6
    "    - {handle: o1, customer: ana}\n"                      // 7
    "    - {handle: o2, customer: ana, fulfillment: {}}\n"     // 8
    "timeline:\n"                                              // 9
    "  - {at: 0s, customer_writes: {customer: ana, text: hi, ticket: t1}}\n";  // 10

std::string With(std::string_view more) { return std::string(kBase) + std::string(more); }

TEST(ScenarioAdditions, AFileWithEveryNewFieldReadsBackWhatItSays) {
  const auto loaded = LoadScenarioFile(kData + "/additions.yaml");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  const sc::Scenario& s = *loaded;
  EXPECT_EQ(s.start, "2026-11-27T09:30:00");
  EXPECT_EQ(s.start_at, Utc(2026, 11, 27, 14, 30));  // New York is UTC-5 in November
  EXPECT_FALSE(s.store.smart_sending);
  EXPECT_EQ(s.world.campaigns[0].smart_sending, true);
  EXPECT_EQ(s.world.flows[0].actions[0].smart_sending, std::nullopt);
  EXPECT_EQ(s.world.flows[0].actions[1].smart_sending, true);

  ASSERT_EQ(s.timeline.size(), 5u);
  const auto& ship = std::get<sc::CreateFulfillment>(s.timeline[0].action);
  EXPECT_EQ(ship.order, "o1");
  EXPECT_EQ(ship.carrier, "FedEx");
  EXPECT_EQ(ship.tracking_number, "7946");
  EXPECT_EQ(ship.status, "confirmed");
  const auto& join = std::get<sc::AddToList>(s.timeline[1].action);
  EXPECT_EQ(join.customer, "ana");
  EXPECT_EQ(join.list, "vip");
  EXPECT_TRUE(std::holds_alternative<sc::CarrierScan>(s.timeline[2].action));  // after the fulfillment
  const auto& ship_default = std::get<sc::CreateFulfillment>(s.timeline[3].action);
  EXPECT_EQ(ship_default.tracking_number, "");
  EXPECT_EQ(ship_default.status, "in_transit");

  const sc::TicketExpectation& t1 = s.expect.tickets.at(0);
  EXPECT_EQ(t1.mentions, (std::vector<sc::ReplyText>{{"on its way", "", ""}, {"", "o1", "tracking_number"}}));
  EXPECT_EQ(t1.excludes, (std::vector<sc::ReplyText>{{"", "o2", "carrier"}, {"refund", "", ""}}));
  const sc::DecisionExpectation& d = s.expect.decisions.at(0);
  EXPECT_EQ(d.rationale_mentions, "tracking");
  EXPECT_EQ(d.value_bucket, "vip");
  const sc::OrderExpectation& o1 = s.expect.orders.at(0);
  EXPECT_EQ(o1.order, "o1");
  EXPECT_EQ(o1.cancelled, true);
  EXPECT_EQ(o1.address_changed, false);
  EXPECT_EQ(o1.refunds, 2);
  EXPECT_EQ(o1.financial_status, "refunded");
  EXPECT_EQ(o1.tags_include, (std::vector<std::string>{"a"}));
  EXPECT_EQ(o1.tags_exclude, (std::vector<std::string>{"b"}));
  ASSERT_TRUE(s.expect.kpis.has_value());
  const sc::KpiExpectation& k = *s.expect.kpis;
  EXPECT_EQ(k.tickets, (sc::Comparison{">=", 1}));
  EXPECT_EQ(k.automation_rate, (sc::Comparison{">=", 0.6}));
  EXPECT_EQ(k.reopen_rate, (sc::Comparison{"<", 0.1}));
  EXPECT_EQ(k.first_response_p90, (sc::Comparison{"<=", 5400}));  // seconds
  EXPECT_EQ(k.routes.at("wismo").at("auto_send"), (sc::Comparison{">", 0.5}));
  EXPECT_EQ(k.routes.at("wismo").at("human"), (sc::Comparison{"<=", 0.5}));
  EXPECT_EQ(k.routes.at("discount_request").at("human"), (sc::Comparison{"==", 1}));
}

TEST(ScenarioAdditions, LeftOutTheyKeepTodaysBehaviour) {
  const sc::Scenario s = Load("schema_version: 1\nname: nothing new\n");
  EXPECT_EQ(s.start, "");
  EXPECT_FALSE(s.start_at.has_value());  // the runner keeps sim::DefaultSimEpoch()
  EXPECT_TRUE(s.store.smart_sending);   // Klaviyo's default
  EXPECT_TRUE(s.expect.orders.empty());
  EXPECT_FALSE(s.expect.kpis.has_value());
}

TEST(ScenarioAdditions, TheStartIsTheStoresLocalTimeAcrossDaylightSaving) {
  const auto start_in = [](std::string_view zone, std::string_view local) {
    return Load("schema_version: 1\nname: t\nstore: {timezone: " + std::string(zone) + "}\nstart: " + std::string(local) + "\n")
        .start_at;
  };
  EXPECT_EQ(start_in("UTC", "2026-11-27T00:00:00"), Utc(2026, 11, 27, 0, 0));
  EXPECT_EQ(start_in("+05:30", "2026-11-27T00:00:00"), Utc(2026, 11, 26, 18, 30));
  // New York: summer time (UTC-4) before 1 November 2026 at 2:00, winter time (UTC-5) after.
  EXPECT_EQ(start_in("America/New_York", "2026-10-31T23:00:00"), Utc(2026, 11, 1, 3, 0));
  EXPECT_EQ(start_in("America/New_York", "2026-11-01T03:00:00"), Utc(2026, 11, 1, 8, 0));
  // 1:30 happens twice that night; the first (still summer time) is meant.
  EXPECT_EQ(start_in("America/New_York", "2026-11-01T01:30:00"), Utc(2026, 11, 1, 5, 30));
  // Without a store zone the start is UTC.
  EXPECT_EQ(Load("schema_version: 1\nname: t\nstart: 2026-03-08T02:30:00\n").start_at, Utc(2026, 3, 8, 2, 30));
}

// The start is the store's local time and the policy counts return windows in local days, so the
// same parcel, delivered 30 days and 12 hours before the run, is a day further back when the run
// starts just after local midnight than when it starts just before the next one.
TEST(ScenarioAdditions, TheRunStartsAtTheStoresLocalTimeAndThePolicySeesThatCalendar) {
  const auto route_when_starting = [](const std::string& local_start) {
    const std::string yaml =
        "schema_version: 1\nname: window\nstart: " + local_start +
        "\nstore: {timezone: America/New_York}\n"
        "policy: {schema_version: 1, store: {timezone: America/New_York}}\n"
        "world:\n  customers: [{handle: ana}]\n"
        "  orders: [{handle: o1, customer: ana, age: 40d, fulfillment: {status: delivered, age: 30d12h}}]\n"
        "timeline:\n  - {at: 0s, customer_writes: {customer: ana, text: \"I want to return the hoodie, it does not fit.\", "
        "ticket: t1}}\n"
        "expect: {tickets: {t1: {route: auto_send}}}\n";
    const auto loaded = LoadScenarioText(yaml, "window.yaml", "");
    EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error().ToString());
    if (!loaded) return std::string("(not loaded)");
    const ScenarioResult r = RunScenario(*loaded, {});
    return std::string(r.expectations.at(0).held ? "auto_send" : "human");
  };
  EXPECT_EQ(route_when_starting("2026-11-27T23:30:00"), "auto_send");  // delivered 28 October, local: day 30
  EXPECT_EQ(route_when_starting("2026-11-27T00:30:00"), "human");      // delivered 27 October, local: day 31, outside
}

TEST(ScenarioAdditions, TheWriterWritesThemSoTheyReadBackEqual) {
  const auto loaded = LoadScenarioFile(kData + "/additions.yaml");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  const std::string written = WriteScenario(*loaded, {.base_dir = kData});
  const auto again = LoadScenarioText(written, "written.yaml", kData);
  ASSERT_TRUE(again.has_value()) << again.error().ToString() << "\n" << written;
  EXPECT_TRUE(sc::SameScenario(*loaded, *again)) << written;
}

struct Case {
  const char* what;
  std::string yaml;
  std::string error;
};

class ScenarioAdditionErrors : public ::testing::TestWithParam<Case> {};

TEST_P(ScenarioAdditionErrors, AreReportedWithFileLineFieldAndMessage) {
  EXPECT_EQ(Error(GetParam().yaml), GetParam().error);
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) { return info.param.what; }

INSTANTIATE_TEST_SUITE_P(
    Start, ScenarioAdditionErrors,
    ::testing::Values(
        Case{"WithAnOffset", "schema_version: 1\nname: t\nstart: 2026-11-27T00:00:00Z\n",
             "s.yaml:3:8: start: expected the store's local date and time like 2026-11-27T00:00:00 (no offset: the "
             "store's timezone gives it), got '2026-11-27T00:00:00Z'"},
        Case{"ADateAlone", "schema_version: 1\nname: t\nstart: 2026-11-27\n",
             "s.yaml:3:8: start: expected the store's local date and time like 2026-11-27T00:00:00 (no offset: the "
             "store's timezone gives it), got '2026-11-27'"},
        Case{"NoSuchDay", "schema_version: 1\nname: t\nstart: 2026-02-30T00:00:00\n",
             "s.yaml:3:8: start: expected the store's local date and time like 2026-11-27T00:00:00 (no offset: the "
             "store's timezone gives it), got '2026-02-30T00:00:00'"},
        Case{"FarFuture", "schema_version: 1\nname: t\nstart: 2200-01-01T00:00:00\n",
             "s.yaml:3:8: start: the year must be between 2000 and 2100, got 2200"},
        Case{"SkippedByDaylightSaving",
             "schema_version: 1\nname: t\nstore: {timezone: America/New_York}\nstart: 2026-03-08T02:30:00\n",
             "s.yaml:4:8: start: 2026-03-08T02:30:00 does not exist in America/New_York (the clocks skip it at a "
             "daylight-saving change); start just before or after the jump"},
        Case{"Misspelled", "schema_version: 1\nname: t\nstrat: 2026-11-27T00:00:00\n",
             "s.yaml:3:1: strat: unknown field; did you mean 'start'?"}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Steps, ScenarioAdditionErrors,
    ::testing::Values(
        Case{"FulfillingAFulfilledOrder", With("  - {at: 1h, create_fulfillment: {order: o2}}\n"),
             "s.yaml:11:42: timeline[1].create_fulfillment.order: order 'o2' is already fulfilled in world.orders; a "
             "create_fulfillment step ships an order that has no fulfillment yet"},
        Case{"FulfillingTwice",
             With("  - {at: 1h, create_fulfillment: {order: o1}}\n  - {at: 2h, create_fulfillment: {order: o1}}\n"),
             "s.yaml:12:42: timeline[2].create_fulfillment.order: order 'o1' is already shipped by the "
             "create_fulfillment on line 11; an order has one fulfillment here"},
        Case{"ScanBeforeTheFulfillment",
             With("  - {at: 2h, create_fulfillment: {order: o1}}\n  - {at: 1h, carrier_scan: {order: o1, status: delayed}}\n"),
             "s.yaml:12:36: timeline[2].carrier_scan.order: order 'o1' has no fulfillment, so no carrier scans it (give "
             "it a fulfillment, or a create_fulfillment step before this one)"},
        Case{"UnknownShipmentStatus", With("  - {at: 1h, create_fulfillment: {order: o1, status: shipped}}\n"),
             "s.yaml:11:54: timeline[1].create_fulfillment.status: unknown shipment status 'shipped'; known: "
             "label_printed, label_purchased, confirmed, carrier_picked_up, in_transit, out_for_delivery, "
             "ready_for_pickup, picked_up, delivered, attempted_delivery, delayed, failure"},
        Case{"UnknownList", With("  - {at: 1h, add_to_list: {customer: ana, list: newz}}\n"),
             "s.yaml:11:49: timeline[1].add_to_list.list: unknown list 'newz'; did you mean 'news'?"},
        Case{"ListMissing", With("  - {at: 1h, add_to_list: {customer: ana}}\n"),
             "s.yaml:11:27: timeline[1].add_to_list.list: missing; which Klaviyo list (a list handle)"},
        Case{"SmartSendingNotABoolean", With("store: {smart_sending: yes}\n"),
             "s.yaml:11:24: store.smart_sending: expected true or false, got 'yes'"},
        Case{"SmartSendingOnADelay",
             "schema_version: 1\nname: t\nworld:\n  lists: [{handle: news}]\n  flows:\n"
                 "    - {name: F, trigger_list: news, actions: [{delay: 1h, smart_sending: false}]}\n",
             "s.yaml:6:59: world.flows[0].actions[0].smart_sending: a delay sends nothing; smart_sending belongs to a "
             "message"}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Expectations, ScenarioAdditionErrors,
    ::testing::Values(
        Case{"UnknownFact", With("expect:\n  tickets:\n    t1: {mentions: [{order: o1, fact: tracking}]}\n"),
             "s.yaml:13:39: expect.tickets.t1.mentions[0].fact: unknown order fact 'tracking'; did you mean "
             "'tracking_number'?"},
        Case{"FactOfAnUnknownOrder", With("expect:\n  tickets:\n    t1: {mentions: [{order: o9, fact: carrier}]}\n"),
             "s.yaml:13:29: expect.tickets.t1.mentions[0].order: unknown order 'o9'; did you mean 'o1'?"},
        Case{"NoMentions", With("expect:\n  tickets:\n    t1: {excludes: []}\n"),
             "s.yaml:13:20: expect.tickets.t1.excludes: nothing to check; list at least one text or fact"},
        Case{"EmptyMention", With("expect:\n  tickets:\n    t1: {mentions: [\"\"]}\n"),
             "s.yaml:13:21: expect.tickets.t1.mentions[0]: expected text a reply contains, or {order: o1, fact: "
             "tracking_number}, got an empty text"},
        Case{"UnknownValueBucket", With("expect:\n  decisions: [{ticket: t1, kind: route, value_bucket: VIP}]\n"),
             "s.yaml:12:55: expect.decisions[0].value_bucket: unknown value bucket 'VIP'; known: new, regular, vip"},
        Case{"UnknownOrder", With("expect:\n  orders:\n    o3: {cancelled: true}\n"),
             "s.yaml:13:5: expect.orders.o3: unknown order 'o3'; did you mean 'o1'?"},
        Case{"OrderWithNothingToCheck", With("expect:\n  orders:\n    o1: {}\n"),
             "s.yaml:13:9: expect.orders.o1: nothing to check; give cancelled, address_changed, refunds, "
             "financial_status, tags_include or tags_exclude"},
        Case{"OrderCheckMisspelled", With("expect:\n  orders:\n    o1: {canceled: true}\n"),
             "s.yaml:13:10: expect.orders.o1.canceled: unknown field; did you mean 'cancelled'?"},
        Case{"ComparisonOperatorReversed", With("expect:\n  kpis: {automation_rate: \"=> 0.6\"}\n"),
             "s.yaml:12:27: expect.kpis.automation_rate: unknown comparison '=>'; did you mean '>='?"},
        Case{"ComparisonWithoutOperator", With("expect:\n  kpis: {automation_rate: 0.6}\n"),
             "s.yaml:12:27: expect.kpis.automation_rate: expected a comparison like \">= 0.6\" (one of >=, <=, ==, > "
             "or <, then a value), got '0.6'"},
        Case{"RateAboveOne", With("expect:\n  kpis: {reopen_rate: \"<= 5\"}\n"),
             "s.yaml:12:23: expect.kpis.reopen_rate: in '<= 5': must be between 0 and 1, got 5"},
        Case{"DurationWithoutUnit", With("expect:\n  kpis: {first_response_p90: \"<= 90\"}\n"),
             "s.yaml:12:30: expect.kpis.first_response_p90: in '<= 90': expected a duration like \"30s\", \"90m\", "
             "\"2h\" or \"1d\", got '90' (add a unit: s, m, h, d or w)"},
        Case{"UnknownIntentInRoutes", With("expect:\n  kpis: {routes: {wimso: {auto_send: \">= 0.5\"}}}\n"),
             "s.yaml:12:19: expect.kpis.routes.wimso: unknown intent 'wimso'; did you mean 'wismo'?"},
        Case{"UnknownRoute", With("expect:\n  kpis: {routes: {wismo: {auto: \">= 0.5\"}}}\n"),
             "s.yaml:12:27: expect.kpis.routes.wismo.auto: unknown route 'auto'; did you mean 'auto_send'?"},
        Case{"NoKpis", With("expect:\n  kpis: {}\n"),
             "s.yaml:12:9: expect.kpis: nothing to check; give tickets, automation_rate, reopen_rate, "
             "first_response_p90 or routes"}),
    CaseName);

}  // namespace
}  // namespace rh::harness
