// Goal: the oracles hold on a healthy run that exercises every invariant (marketing around live
// issues, automatic and human answers, overrides with reasons, resolution and recovery, forged
// webhooks refused), they report every invariant in order with its id and title, and the same run
// gives the same verdicts. The negative tests (oracles_negative_test.cc) show each one can fire.
#include "harness/oracles.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "oracle_fixture.h"

namespace rh::harness::testing {
namespace {

// A week in a healthy store: five customers, one of each kind of case, two campaigns. Three of
// them have a live issue by the policy when they write: Ana a delivery exception (her parcel is
// delayed), Dan a complaint (a damaged hoodie), Eve stale tracking (no carrier scan for over the
// policy's 72h), and Bob and Cara none.
struct HealthyStore {
  explicit HealthyStore(OracleTest& t) {
    SimWorld& w = t.world;
    ana = t.Customer("Ana", 1);
    bob = t.Customer("Bob", 2);
    cara = t.Customer("Cara", 3);
    dan = t.Customer("Dan", 4);
    eve = t.Customer("Eve", 5);
    ana_order = w.AddOrder(ana, OracleTest::Shipped("1Z999AA10000000001"));
    const OrderRef bob_order = w.AddOrder(bob, OracleTest::Shipped("1Z999AA10000000002"));
    const OrderRef cara_order = w.AddOrder(cara, OracleTest::Shipped("1Z999AA10000000003"));
    const OrderRef dan_order = w.AddOrder(dan, OracleTest::Shipped("1Z999AA10000000004"));
    // Shipped four days before the week starts and never scanned since: stale from the start.
    w.AddOrder(eve, OracleTest::Shipped("1Z999AA10000000005", "in_transit", sim::Days(5)));
    w.CarrierEvent(cara_order, "delivered");
    w.CarrierEvent(dan_order, "delivered");
    w.RunFor(sim::Days(2));

    // Ana's parcel is delayed: suppressed at once; she asks, a person answers.
    w.CarrierEvent(ana_order, "delayed", "Weather delay");
    w.CarrierEvent(bob_order, "in_transit", "Departed facility");
    w.RunFor(sim::Minutes(30));
    ana_ticket = t.Writes(ana, "Where is my order? It says delayed.");
    w.AgentReplies(ana_ticket, 0, "Hi Ana, the carrier reports a weather delay; we are watching it for you.");
    // Bob and Cara are answered automatically.
    bob_ticket = t.Writes(bob, "Hi, where is my order " + bob_order.name + "?");
    cara_ticket = t.Writes(cara, "Hi, I want to return the hoodie from " + cara_order.name + ".");
    // Dan's hoodie is damaged: a person overrides the draft and says why.
    dan_ticket = t.Writes(dan, "My hoodie arrived damaged, the seam is torn.");
    w.AgentNote(dan_ticket, 1, "Reason: photos on file from the courier, replacing without asking again");
    w.RunFor(sim::Minutes(5));
    w.AgentReplies(dan_ticket, 1, "Hi Dan, so sorry! A replacement hoodie ships today, no need to send anything back.");
    // Eve wants a discount: a person sends the draft as it is. Her stale parcel suppresses her.
    eve_ticket = t.Writes(eve, "Hi! Do you have a discount code for my next order?");
    w.AgentReplies(eve_ticket, 0, t.Draft(eve_ticket));
    w.RunFor(sim::Hours(1));

    // A campaign while Ana, Dan and Eve are suppressed: it skips them.
    t.Campaign("Weekend sale", sim::Hours(2));
    w.RunFor(sim::Hours(4));

    // Everything resolves: the parcel arrives, tickets close, suppression ends.
    w.CarrierEvent(ana_order, "delivered");
    w.RunFor(sim::Hours(1));
    for (const std::uint64_t ticket : {ana_ticket, bob_ticket, cara_ticket, dan_ticket, eve_ticket}) {
      w.CloseTicket(ticket, 0);
    }
    w.RunFor(sim::Hours(1));
    // A campaign after: everyone gets it.
    t.Campaign("Cyber Monday", sim::Hours(3));
    w.RunFor(sim::Hours(4));
  }

  CustomerRef ana, bob, cara, dan, eve;
  OrderRef ana_order;
  std::uint64_t ana_ticket = 0, bob_ticket = 0, cara_ticket = 0, dan_ticket = 0, eve_ticket = 0;
};

TEST_F(OracleTest, AHealthyWeekHoldsEveryInvariant) {
  HealthyStore store(*this);
  // A forged webhook the healthy pipeline refuses changes nothing, and fires nothing.
  sim::Request forged;
  forged.method = sim::Method::kPost;
  forged.target = "/webhooks/gorgias?event=ticket-message-created";
  forged.headers.Set("Host", std::string(kPipelineHost));
  forged.body = R"({"ticket":{"id":1},"message":{"id":77,"from_agent":false,"body_text":"refund me"}})";
  forged.headers.Set("X-Gorgias-Signature", sim::HexEncode(sim::HmacSha256("guessed", forged.body)));
  const auto answer = Send("attacker", forged);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 401);

  const auto verdicts = Judge();
  ASSERT_EQ(verdicts.size(), 12u);
  for (const auto& r : verdicts) {
    EXPECT_TRUE(r.held) << Show(r);
    EXPECT_TRUE(r.passed());
    EXPECT_TRUE(r.evidence.empty()) << Show(r);
  }

  // The run did exercise what the oracles judge: Klaviyo's send record, per campaign.
  std::map<std::string, std::set<std::string>> sent, held_back;  // campaign -> e-mails
  for (const auto& s : world.klaviyo().Sends()) {
    if (s.sent) sent[s.source_name].insert(s.to);
    if (!s.sent && s.reason == "suppressed") held_back[s.source_name].insert(s.to);
  }
  const std::set<std::string> everyone = {store.ana.email, store.bob.email, store.cara.email, store.dan.email,
                                          store.eve.email};
  EXPECT_EQ(held_back["Weekend sale"], (std::set<std::string>{store.ana.email, store.dan.email, store.eve.email}))
      << "the three with a live issue are held back from the first campaign";
  EXPECT_EQ(sent["Weekend sale"], (std::set<std::string>{store.bob.email, store.cara.email}))
      << "the first campaign reaches only Bob and Cara, who have none";
  EXPECT_EQ(sent["Cyber Monday"], everyone) << "once everything is resolved the second campaign reaches all five";
  EXPECT_TRUE(held_back["Cyber Monday"].empty());
  // One recovery event per episode of issues: Ana's late parcel and her ticket about it are one.
  std::map<std::string, int> recoveries;  // e-mail -> events
  const auto state = world.klaviyo().Snapshot();
  for (const auto& e : state.events) {
    if (state.metrics.at(e.metric_id).name == reference.policy().recovery.metric) {
      ++recoveries[state.profiles.at(e.profile_id).email.value_or("")];
    }
  }
  EXPECT_EQ(recoveries, (std::map<std::string, int>{{store.ana.email, 1}, {store.dan.email, 1}, {store.eve.email, 1}}))
      << "Ana's delivery with her ticket, Dan's ticket, Eve's ticket";
}

TEST_F(OracleTest, EveryInvariantIsReportedInOrderWithItsTitle) {
  const auto verdicts = Judge();
  const auto& titles = InvariantTitles();
  ASSERT_EQ(titles.size(), 12u);
  ASSERT_EQ(verdicts.size(), titles.size());
  for (std::size_t i = 0; i < titles.size(); ++i) {
    EXPECT_EQ(titles[i].first, "I" + std::to_string(i + 1));
    EXPECT_FALSE(titles[i].second.empty());
    EXPECT_EQ(verdicts[i].id, titles[i].first);
    EXPECT_EQ(verdicts[i].title, titles[i].second);
    EXPECT_TRUE(verdicts[i].held) << Show(verdicts[i]);
    EXPECT_FALSE(verdicts[i].message.empty()) << "a held oracle says what held";
  }
}

TEST_F(OracleTest, AnOracleExpectedToFireThatHeldDoesNotPass) {
  world.RunUntilIdle();
  OracleContext context{world, reference};
  context.expected_to_fire = {"I6"};
  const auto verdicts = CheckInvariants(context);
  for (const auto& r : verdicts) {
    EXPECT_EQ(r.expected_to_fire, r.id == "I6");
    EXPECT_EQ(r.passed(), r.id != "I6") << Show(r);
  }
}

// The same seed and inputs give the same verdicts, word for word.
std::vector<OracleResult> HealthyVerdicts() {
  struct Run : OracleTest {
    void TestBody() override {}
  } run;
  HealthyStore store(run);
  return run.Judge(sim::Minutes(30));  // a tight target, so some verdicts carry messages and evidence
}

TEST(OracleDeterminism, TheSameRunGivesTheSameVerdicts) {
  const auto a = HealthyVerdicts();
  const auto b = HealthyVerdicts();
  ASSERT_EQ(a.size(), b.size());
  bool some_fired = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].held, b[i].held);
    EXPECT_EQ(a[i].message, b[i].message);
    EXPECT_EQ(a[i].evidence, b[i].evidence);
    some_fired = some_fired || !a[i].held;
  }
  EXPECT_TRUE(some_fired) << "the 30-minute target is missed by the tickets people answered";
}

}  // namespace
}  // namespace rh::harness::testing
