// Goal: issue 16's reproducers of lost and repeated work, each now a test in sim mode against the
// mocks, with the pipeline on a SQLite file and "restarted" by a new process on that file:
// (a) thirty tickets accepted, the pipeline killed before it answered most: all answered, once;
// (b) a delivery answered before a restart and sent again after it: a duplicate, nothing changes;
// (c) a stale fulfillment update replayed with a fresh delivery id after recovery: acknowledged
//     as stale, the customer not suppressed again;
// and the recovery's settle timer: counted by Idle(), kept in the database, and resumed at its
// due time by the next process; and a VIP's offer waiting for a person's approval, kept across
// restarts, fired once when an agent approves it.
#include <gtest/gtest.h>

#include "crash_fixture.h"
#include "pipeline/inbox.h"
#include "pipeline/seams.h"

namespace rh::pipeline::testing {
namespace {

using harness::CustomerSpec;
using harness::FulfillmentSpec;
using harness::OrderSpec;

OrderSpec Shipped() {
  OrderSpec spec;
  spec.age = sim::Days(2);
  spec.fulfillment = FulfillmentSpec{"UPS", "1Z999AA10123456784", "in_transit", sim::Hours(28)};
  return spec;
}

struct DurabilityTest : ::testing::Test {
  static harness::SimWorldConfig Config() {
    harness::SimWorldConfig c;
    c.seed = 16;
    c.llm.error_model = mocks::llm::ErrorModel::Uniform(1.0);
    return c;
  }

  // A clean restart: the running process is killed where it stands and a new one takes over.
  void Restart() {
    process->Kill();
    TheGraveyard().processes.push_back(process);
    process = std::make_shared<PipelineProcess>(world, policy, db.path, 0);
    process->Attach(/*first=*/false);
  }

  std::int64_t Rows() { return *process->log().Count(); }

  // Suppression jobs Klaviyo received (each a suppression request of the pipeline).
  int SuppressionJobs() {
    int n = 0;
    for (const auto& r : world.klaviyo().Requests()) {
      n += r.target.find("profile-suppression-bulk-create-jobs") != std::string::npos ? 1 : 0;
    }
    return n;
  }

  void TearDown() override {
    // Whatever a dead process still had queued is moved to the graveyard, not left to the world.
    world.RunUntilIdle();
    if (!HasFailure()) return;
    const auto& records = world.trace().records();
    for (std::size_t i = records.size() > 200 ? records.size() - 200 : 0; i < records.size(); ++i) {
      std::fprintf(stderr, "%s\n", sim::Trace::RenderRecord(records[i]).c_str());
    }
  }

  const Policy policy = harness::DefaultPolicy();
  const TempDb db;
  harness::SimWorld world{Config()};
  std::shared_ptr<PipelineProcess> process = [this] {
    auto p = std::make_shared<PipelineProcess>(world, policy, db.path, 0);
    p->Attach(/*first=*/true);
    return p;
  }();
};

TEST_F(DurabilityTest, ThirtyTicketsAcceptedAndThenKilledAreAllAnsweredOnceAfterTheRestart) {
  std::vector<std::uint64_t> tickets;
  for (int i = 0; i < 30; ++i) {
    const std::string email = "shopper" + std::to_string(i) + "@example.com";
    const auto customer = world.AddCustomer(CustomerSpec{.email = email, .phone = "+1555200" + std::to_string(1000 + i)});
    const auto order = world.AddOrder(customer, Shipped());
    tickets.push_back(world.CustomerWrites(customer, "Hi, where is my order " + order.name + "?").ticket_id);
  }
  // Every webhook acknowledged (Gorgias will not send them again), most tickets not answered
  // yet: then kill -9.
  while (process->intake().stats().accepted < 30 && world.scheduler().Step()) {
  }
  ASSERT_EQ(process->intake().stats().accepted, 30u);
  int unanswered = 0;
  for (const std::uint64_t t : tickets) unanswered += DeliveredTo(world, t) == 0 ? 1 : 0;
  EXPECT_GE(unanswered, 10) << "the kill must leave acknowledged tickets unanswered";
  Restart();
  EXPECT_GE(process->pipeline().Activity().resumed, static_cast<std::size_t>(unanswered));
  world.RunUntilIdle();
  for (const std::uint64_t t : tickets) {
    EXPECT_EQ(DeliveredTo(world, t), 1) << "ticket " << t;
    EXPECT_EQ(PipelineMessages(world, t, "reply-"), 1) << "ticket " << t;
  }
  EXPECT_TRUE(Inbox(process->log()).Unfinished()->empty());
}

TEST_F(DurabilityTest, ADeliveryAnsweredBeforeARestartAndSentAgainAfterItIsADuplicateAndChangesNothing) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  const auto order = world.AddOrder(ana, Shipped());
  const std::uint64_t ticket = world.CustomerWrites(ana, "Hi, where is my order " + order.name + "?").ticket_id;
  world.RunFor(sim::Hours(1));
  ASSERT_EQ(DeliveredTo(world, ticket), 1);
  std::optional<sim::Request> original;
  for (const auto& d : world.gorgias_webhooks().Deliveries()) {
    const auto body = nlohmann::json::parse(d.webhook.request.body, nullptr, /*allow_exceptions=*/false);
    const auto id = body.is_object() ? body["ticket"]["id"] : nlohmann::json();
    const bool this_ticket = id == ticket || id == std::to_string(ticket);
    if (d.webhook.request.target.find("ticket-message-created") != std::string::npos && this_ticket) {
      original = d.webhook.request;
      break;
    }
  }
  ASSERT_TRUE(original.has_value()) << "the customer's message-created delivery";
  Restart();
  const std::int64_t rows = Rows();
  const auto klaviyo_requests = world.klaviyo().Requests().size();

  const sim::Response again = process->intake().Handle(*original, world.Now());
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("duplicate"), std::string::npos) << again.body;
  world.RunFor(sim::Hours(1));
  EXPECT_EQ(DeliveredTo(world, ticket), 1) << "no second automatic e-mail";
  EXPECT_EQ(Rows(), rows) << "no duplicate rows";
  EXPECT_EQ(world.klaviyo().Requests().size(), klaviyo_requests);
  EXPECT_EQ(process->intake().stats().duplicates, 1u);
}

TEST_F(DurabilityTest, AStaleFulfillmentUpdateReplayedWithAFreshDeliveryIdAfterRecoveryIsAcknowledgedAsStale) {
  const auto dee = world.AddCustomer(CustomerSpec{.email = "dee@example.com"});
  const auto order = world.AddOrder(dee, Shipped());
  world.CarrierEvent(order, "delayed", "Weather delay");
  world.RunFor(sim::Hours(1));
  world.CarrierEvent(order, "delivered");
  world.RunFor(sim::Hours(1));  // past the settle period: recovered
  ASSERT_EQ(RecoveryEvents(world, policy, "dee@example.com"), 1);
  ASSERT_TRUE(world.klaviyo().FindProfileByEmail("dee@example.com")->suppressions.empty());
  std::optional<sim::Request> delayed;
  for (const auto& d : world.shopify_webhooks().Deliveries()) {
    if (d.webhook.topic == "fulfillments/update" && d.webhook.request.body.find("\"delayed\"") != std::string::npos) {
      delayed = d.webhook.request;
    }
  }
  ASSERT_TRUE(delayed.has_value());
  delayed->headers.Set("X-Shopify-Webhook-Id", "replayed-with-a-fresh-id");
  const int jobs = SuppressionJobs();
  const std::int64_t rows = Rows();

  for (const bool after_restart : {false, true}) {
    if (after_restart) Restart();
    const sim::Response replay = process->intake().Handle(*delayed, world.Now());
    EXPECT_EQ(replay.status, 200);
    EXPECT_NE(replay.body.find("stale"), std::string::npos) << replay.body;
    world.RunFor(sim::Hours(1));
    EXPECT_EQ(SuppressionJobs(), jobs) << "the customer is not suppressed again";
    EXPECT_TRUE(world.klaviyo().FindProfileByEmail("dee@example.com")->suppressions.empty());
    EXPECT_EQ(Rows(), rows);
    EXPECT_EQ(process->intake().stats().stale, 1u);
  }
}

TEST_F(DurabilityTest, ASettleTimerIsCountedByIdleKeptInTheDatabaseAndFiresAtItsDueTimeAfterARestart) {
  const auto dee = world.AddCustomer(CustomerSpec{.email = "dee@example.com"});
  const auto order = world.AddOrder(dee, Shipped());
  world.CarrierEvent(order, "delayed", "Weather delay");
  world.RunFor(sim::Hours(1));
  world.CarrierEvent(order, "delivered");
  const sim::WallTime delivered = world.Now().wall;
  world.RunFor(sim::Minutes(5));  // the delivery is read; the settle period has 10 minutes left
  EXPECT_EQ(process->pipeline().Activity().settles, 1u);
  EXPECT_EQ(process->pipeline().Activity().events, 0u);
  EXPECT_FALSE(process->pipeline().Idle()) << "a running settle timer is work under way";
  EXPECT_EQ(RecoveryEvents(world, policy, "dee@example.com"), 0);

  Restart();
  EXPECT_EQ(process->pipeline().Activity().resumed, 1u);
  EXPECT_EQ(process->pipeline().Activity().settles, 1u);
  world.RunFor(sim::Minutes(9));
  EXPECT_EQ(RecoveryEvents(world, policy, "dee@example.com"), 0) << "not before its due time";
  world.RunFor(sim::Minutes(3));
  EXPECT_EQ(RecoveryEvents(world, policy, "dee@example.com"), 1) << "at its due time, not 15 minutes after the restart";
  EXPECT_TRUE(world.klaviyo().FindProfileByEmail("dee@example.com")->suppressions.empty());
  EXPECT_TRUE(process->pipeline().Idle());
  const auto state = world.klaviyo().Snapshot();
  ASSERT_FALSE(state.events.empty());
  EXPECT_LE(state.events.back().time, delivered + sim::Minutes(15) + sim::Minutes(2));

  // And a third process finds nothing left to do.
  Restart();
  EXPECT_EQ(process->pipeline().Activity().resumed, 0u);
  world.RunUntilIdle();
  EXPECT_EQ(RecoveryEvents(world, policy, "dee@example.com"), 1);
}

TEST_F(DurabilityTest, AnOfferWaitingForApprovalSurvivesRestartsAndFiresOnceWhenAnAgentApproves) {
  const auto vip = world.AddCustomer(CustomerSpec{.email = "vic@example.com"});
  OrderSpec espresso;
  espresso.age = sim::Days(60);
  espresso.items = {harness::LineItemSpec{"Espresso machine", "ESP-9", 1, "1250.00"}};
  world.AddOrder(vip, espresso);
  const auto order = world.AddOrder(vip, Shipped());
  world.CarrierEvent(order, "delayed", "Weather delay");
  const std::uint64_t ticket = world.CustomerWrites(vip, "Where is my order? It says delayed.").ticket_id;
  world.RunFor(sim::Hours(1));
  world.CarrierEvent(order, "delivered");
  world.RunFor(sim::Hours(1));
  world.CloseTicket(ticket, 0);
  world.RunFor(sim::Minutes(20));  // the episode has ended: the 15% offer waits for a person
  EXPECT_EQ(RecoveryEvents(world, policy, "vic@example.com"), 0) << "a discount is money: not without a person";
  EXPECT_TRUE(process->pipeline().Idle()) << "waiting for a person is not work under way";

  Restart();
  world.RunFor(sim::Hours(1));
  Restart();
  world.RunFor(sim::Hours(1));
  EXPECT_EQ(RecoveryEvents(world, policy, "vic@example.com"), 0);

  world.TagTicket(ticket, 1, std::string(kOfferApprovedTag));
  world.RunFor(sim::Minutes(5));
  EXPECT_EQ(RecoveryEvents(world, policy, "vic@example.com"), 1);
  const auto state = world.klaviyo().Snapshot();
  ASSERT_FALSE(state.events.empty());
  EXPECT_EQ(state.events.back().properties.value("discount_value", 0), 15);

  // A later restart, and another update of the ticket, fire nothing more.
  Restart();
  world.AgentNote(ticket, 0, "All done.");
  world.TagTicket(ticket, 0, "followed-up");
  world.RunUntilIdle();
  EXPECT_EQ(RecoveryEvents(world, policy, "vic@example.com"), 1);
}

}  // namespace
}  // namespace rh::pipeline::testing
