// A hand-made run result for the report tests and the sample report: one passing scenario with
// tickets, timelines and KPIs; one failing scenario whose text is full of XML and HTML specials
// (and a control character and an invalid UTF-8 byte); one scenario in error. Built from
// constants and closed formulas only, so it is the same every time.
#pragma once

#include <cmath>
#include <string>

#include "harness/run_result.h"
#include "reports/kpis.h"

namespace rh::reports::testing {

// The failing scenario's name: every character the renderers must escape.
inline const std::string kNastyName = "refund <damaged> & \"quoted\" 'item': I2 fires </testcase><script>alert(1)</script>";

inline harness::TicketTimeline SampleTimeline(std::uint64_t id, std::string label, std::string intent, std::string route,
                                              bool human) {
  harness::TicketTimeline t;
  t.ticket_id = id;
  t.label = std::move(label);
  t.intent = std::move(intent);
  t.route = std::move(route);
  const double start = 60.0 * static_cast<double>(id);
  t.entries = {
      {start, "customer", "wrote on email: Where is my order? It's been a week & I'm <worried>"},
      {start + 0.35, "gorgias", "ticket created, webhook ticket-created sent"},
      {start + 0.42, "pipeline", "webhook received, signature valid"},
      {start + 0.61, "shopify", "GET /admin/api/2024-10/orders.json?email=... 200"},
      {start + 1.9, "llm", "classified " + t.intent + " (0.97, rules+llm)"},
      {start + 2.4, "klaviyo", "profile suppressed from review requests (live issue)"},
  };
  if (human) {
    t.entries.push_back({start + 2.5, "pipeline", "drafted, held for an agent (touches money)"});
    t.entries.push_back({start + 2.5 + 3.0 * 3600, "agent", "confirmed the draft with an edit"});
    t.entries.push_back({start + 2.6 + 3.0 * 3600, "gorgias", "reply delivered on email"});
  } else {
    t.entries.push_back({start + 2.5, "pipeline", "auto_send: tracking 1Z999AA10123456784 (UPS)"});
    t.entries.push_back({start + 3.1, "gorgias", "reply delivered on email"});
  }
  return t;
}

inline harness::Kpis SampleKpis(int tickets, int automated, int answered, int reopened, double spread) {
  harness::Kpis k;
  k.orders = tickets * 4;
  k.tickets = tickets;
  k.tickets_by_intent = {{"wismo", tickets / 2},
                         {"refund_request", tickets / 6},
                         {"damaged_item", tickets / 8},
                         {"cancel", tickets / 10},
                         {"other", tickets - tickets / 2 - tickets / 6 - tickets / 8 - tickets / 10}};
  k.contact_rate = static_cast<double>(tickets) / k.orders;
  // First responses from seconds (automatic) to hours (agents): a geometric spread.
  for (int i = 0; i < answered; ++i) k.first_response_samples_s.push_back(2.0 * std::pow(spread, i));
  k.first_response_p50_s = Percentile(k.first_response_samples_s, 0.5);
  k.first_response_p90_s = Percentile(k.first_response_samples_s, 0.9);
  if (k.first_response_p50_s) k.resolution_p50_s = *k.first_response_p50_s * 1.5;
  k.automation_rate = tickets > 0 ? static_cast<double>(automated) / tickets : 0;
  k.reopen_rate = answered > 0 ? static_cast<double>(reopened) / answered : 0;
  k.ai_cost = automated * 0.90;
  k.agent_cost = (answered - automated) * 6.0 * 0.50;
  k.cost_per_ticket = tickets > 0 ? (k.ai_cost + k.agent_cost) / tickets : 0;
  return k;
}

inline std::vector<harness::OracleResult> AllOraclesHeld() {
  const char* titles[] = {"no promotion to a customer with a live issue",
                          "no automatic send that touches money",
                          "automatic sends only inside the policy's safe zone",
                          "every decision and override has a decision-log row",
                          "suppression ends after resolution; recovery fires once",
                          "a webhook with a bad signature changes nothing",
                          "duplicates and reordering cause no double effect",
                          "rate limits respected",
                          "replies state only the customer's own facts",
                          "replies on the ticket's channel",
                          "first response within the service-level target"};
  std::vector<harness::OracleResult> oracles;
  for (int i = 0; i < 11; ++i) {
    harness::OracleResult o;
    o.id = "I" + std::to_string(i + 1);
    o.title = titles[i];
    oracles.push_back(o);
  }
  return oracles;
}

inline harness::RunResult SampleRun() {
  harness::RunResult run;
  run.build = "0.1.0+g8360c4f";
  run.seed = 42;

  harness::ScenarioResult ok;
  ok.name = "wismo: email asks where the order is: auto reply with tracking";
  ok.file = "scenarios/wismo/email_auto_reply.yaml";
  ok.status = "passed";
  ok.wall_seconds = 0.137;
  ok.seed = 7;
  ok.virtual_seconds = 2 * 86400 + 3 * 3600 + 0.25;
  ok.expectations = {{"ticket t1: route is auto_send", true, ""}, {"ticket t1: reply mentions the tracking number", true, ""}};
  ok.oracles = AllOraclesHeld();
  ok.kpis = SampleKpis(48, 30, 44, 3, 1.25);
  ok.timelines = {SampleTimeline(1, "t1", "wismo", "auto_send", false),
                  SampleTimeline(2, "ana@example.com", "refund_request", "human", true)};
  ok.trace_file = "traces/wismo-email.jsonl";
  ok.trace_digest = "9f2c4e1ab3d07765";
  ok.replay = "rehearse run --seed 7 scenarios/wismo/email_auto_reply.yaml";
  run.scenarios.push_back(ok);

  harness::ScenarioResult bad;
  bad.name = kNastyName;
  bad.file = "scenarios/negative/refund & <damaged>.yaml";
  bad.status = "failed";
  bad.wall_seconds = 0.211;
  bad.seed = 18446744073709551557ull;  // near 2^64: must survive every renderer exactly
  bad.virtual_seconds = 3600.5;
  bad.expectations = {{"ticket t1: route is human", false, "route was auto_send (\"refund\" < $50 & policy said <safe>)"},
                      {"ticket t1: tagged damaged", true, ""}};
  bad.oracles = AllOraclesHeld();
  bad.oracles[1].held = false;
  bad.oracles[1].message = "automatic refund reply sent to bob@example.com at 00:00:02.500 for <$49.99> & a \"damaged\" mug";
  bad.oracles[1].evidence = {
      R"({"t_ns":2500000000,"src":"pipeline","kind":"auto_send","ticket":1,"intent":"refund_request","body":"We've refunded <b>$49.99</b> & more"})",
      std::string(R"({"t_ns":2600000000,"src":"gorgias","kind":"delivered","ticket":1,"note":"bell)") + "\x07" +
          R"( and bad byte )" + "\xff" + R"("})"};
  bad.oracles[4].expected_to_fire = true;  // expected to fire, but held: also a failure
  bad.kpis = SampleKpis(12, 5, 10, 2, 2.1);
  bad.timelines = {SampleTimeline(1, "t1 <bob@example.com>", "refund_request", "auto_send", false)};
  bad.trace_file = "traces/refund-damaged.jsonl";
  bad.trace_digest = "0d1e2f3a4b5c6d7e";
  bad.replay = "rehearse run --seed 18446744073709551557 'scenarios/negative/refund & <damaged>.yaml'";
  run.scenarios.push_back(bad);

  harness::ScenarioResult broken;
  broken.name = "";
  broken.file = "scenarios/broken.yaml";
  broken.status = "error";
  broken.error = "scenarios/broken.yaml:12:5: field 'at': expected a duration like \"2h\" or '30m', got <soon>";
  broken.wall_seconds = 0.002;
  broken.seed = 1;
  broken.replay = "rehearse run scenarios/broken.yaml";
  run.scenarios.push_back(broken);
  return run;
}

}  // namespace rh::reports::testing
