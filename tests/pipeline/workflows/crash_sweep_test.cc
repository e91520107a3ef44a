// Goal: the kill -9 sweep of issue 16, deterministic and in sim mode. A small store's morning
// (two WISMO e-mails answered automatically, a refund request handed to a person, a delivery
// exception that suppresses a customer and ends in a recovery) runs once to count the pipeline's
// side effects; then, for every N from 1 to that count, it runs again with the pipeline killed at
// its Nth side effect (the request takes effect, the process is gone before it hears back), a new
// pipeline started on the same SQLite file, and the world run to the end. Judged from the mocks'
// ground truth: every ticket answered exactly once (one reply delivered, or one handover), no
// customer e-mailed twice, the recovery fired once and the suppression ended, nothing left
// unfinished in the inbox.
#include <gtest/gtest.h>

#include <map>

#include "crash_fixture.h"
#include "pipeline/inbox.h"

namespace rh::pipeline::testing {
namespace {

using harness::CustomerSpec;
using harness::FulfillmentSpec;
using harness::OrderSpec;

harness::SimWorldConfig WorldConfig() {
  harness::SimWorldConfig c;
  c.seed = 16;
  c.llm.error_model = mocks::llm::ErrorModel::Uniform(1.0);  // the classifier is right: routes are known
  return c;
}

OrderSpec Shipped() {
  OrderSpec spec;
  spec.age = sim::Days(2);
  spec.fulfillment = FulfillmentSpec{"UPS", "1Z999AA10123456784", "in_transit", sim::Hours(28)};
  return spec;
}

// The store's morning, scheduled on the world; the tickets it opens, once written.
struct Morning {
  std::map<std::string, std::uint64_t> tickets;  // customer -> ticket
  std::string recovered_email = "dee@example.com";
};

void Schedule(harness::SimWorld& world, Morning& morning) {
  const auto ana = world.AddCustomer(CustomerSpec{.first_name = "Ana", .email = "ana@example.com", .phone = "+15551230001"});
  const auto ben = world.AddCustomer(CustomerSpec{.first_name = "Ben", .email = "ben@example.com", .phone = "+15551230002"});
  const auto cy = world.AddCustomer(CustomerSpec{.first_name = "Cy", .email = "cy@example.com", .phone = "+15551230003"});
  const auto dee = world.AddCustomer(CustomerSpec{.first_name = "Dee", .email = "dee@example.com", .phone = "+15551230004"});
  const auto ana_order = world.AddOrder(ana, Shipped());
  const auto ben_order = world.AddOrder(ben, Shipped());
  world.AddOrder(cy, Shipped());
  const auto dee_order = world.AddOrder(dee, Shipped());
  auto& s = world.scheduler();
  s.ScheduleAfter(sim::Sec(1), [&world, &morning, ana, ana_order] {
    morning.tickets["ana"] = world.CustomerWrites(ana, "Hi, where is my order " + ana_order.name + "?").ticket_id;
  });
  s.ScheduleAfter(sim::Sec(2), [&world, &morning, ben, ben_order] {
    morning.tickets["ben"] = world.CustomerWrites(ben, "Where is my order " + ben_order.name + "? Thanks").ticket_id;
  });
  s.ScheduleAfter(sim::Sec(3), [&world, &morning, cy] {
    morning.tickets["cy"] = world.CustomerWrites(cy, "I want a refund for my order, it is not what I expected.").ticket_id;
  });
  s.ScheduleAfter(sim::Sec(4), [&world, dee_order] { world.CarrierEvent(dee_order, "delayed", "Weather delay"); });
  s.ScheduleAfter(sim::Hours(1), [&world, dee_order] { world.CarrierEvent(dee_order, "delivered"); });
}

// Everything the sweep asserts, for one run; `when` names the run in every message.
void ExpectEveryTicketAnsweredOnce(harness::SimWorld& world, const Policy& policy, const Morning& morning,
                                   PipelineProcess& survivor, const std::string& when) {
  ASSERT_EQ(morning.tickets.size(), 3u) << when;
  for (const char* who : {"ana", "ben"}) {
    const std::uint64_t t = morning.tickets.at(who);
    EXPECT_EQ(DeliveredTo(world, t), 1) << when << ": " << who << "'s reply, delivered";
    EXPECT_EQ(PipelineMessages(world, t, "reply-"), 1) << when << ": " << who << "'s reply, posted";
    EXPECT_EQ(PipelineMessages(world, t, "draft-"), 1) << when << ": " << who << "'s draft note";
  }
  const std::uint64_t cy = morning.tickets.at("cy");
  EXPECT_EQ(DeliveredTo(world, cy), 0) << when << ": a refund waits for a person";
  EXPECT_EQ(PipelineMessages(world, cy, "handover-"), 1) << when << ": cy's handover note";
  EXPECT_LE(PipelineMessages(world, cy, "draft-"), 1) << when;
  const auto ticket = world.gorgias().TicketJson(cy);
  ASSERT_TRUE(ticket.has_value());
  EXPECT_EQ((*ticket)["assignee_user"]["id"], world.credentials().agent_user_ids.front()) << when;
  std::map<std::string, int> emails_to;
  for (const auto& d : world.gorgias().Deliveries()) emails_to[d.to] += 1;
  for (const auto& [to, n] : emails_to) EXPECT_LE(n, 1) << when << ": " << to << " e-mailed twice";
  EXPECT_EQ(RecoveryEvents(world, policy, morning.recovered_email), 1) << when << ": dee's recovery";
  const auto dee = world.klaviyo().FindProfileByEmail(morning.recovered_email);
  ASSERT_TRUE(dee.has_value());
  EXPECT_TRUE(dee->suppressions.empty()) << when << ": dee's suppression ended";
  EXPECT_TRUE(survivor.pipeline().Idle()) << when;
  Inbox inbox(survivor.log());
  const auto unfinished = inbox.Unfinished();
  ASSERT_TRUE(unfinished.has_value()) << unfinished.error();
  EXPECT_TRUE(unfinished->empty()) << when << ": " << unfinished->size() << " events left unfinished";
}

struct Outcome {
  int side_effects = 0;
  std::size_t resumed = 0;
};

Outcome RunMorning(int die_at_side_effect) {
  const Policy policy = harness::DefaultPolicy();
  const TempDb db;
  harness::SimWorld world(WorldConfig());
  Morning morning;
  Schedule(world, morning);
  auto first = std::make_shared<PipelineProcess>(world, policy, db.path, die_at_side_effect);
  first->Attach(/*first=*/true);
  const auto survivor = RunThroughCrashes(world, policy, db.path, first);
  const std::string when = die_at_side_effect == 0 ? "without a crash"
                                                   : "killed at side effect " + std::to_string(die_at_side_effect);
  ExpectEveryTicketAnsweredOnce(world, policy, morning, *survivor, when);
  if (die_at_side_effect != 0) {
    EXPECT_TRUE(first->life().dead) << when << ": the crash point was never reached";
  }
  return {first->life().side_effects, survivor->pipeline().Activity().resumed};
}

TEST(CrashSweep, KilledAtEverySideEffectEveryTicketIsAnsweredExactlyOnceAfterTheRestart) {
  const Outcome whole = RunMorning(/*die_at_side_effect=*/0);
  ASSERT_FALSE(::testing::Test::HasFailure()) << "the morning must hold without a crash first";
  ASSERT_GE(whole.side_effects, 10) << "a sweep over too few side effects proves little";
  std::size_t runs_that_resumed = 0;
  for (int n = 1; n <= whole.side_effects && !::testing::Test::HasFailure(); ++n) {
    runs_that_resumed += RunMorning(n).resumed > 0 ? 1 : 0;
  }
  // Most crash points leave work behind; a sweep where nothing resumed tested nothing.
  EXPECT_GE(runs_that_resumed, static_cast<std::size_t>(whole.side_effects) / 2);
  std::printf("crash sweep: %d crash points, %zu with work resumed\n", whole.side_effects, runs_that_resumed);
}

}  // namespace
}  // namespace rh::pipeline::testing
