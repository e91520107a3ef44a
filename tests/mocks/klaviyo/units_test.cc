// Goal: the Klaviyo mock's C++ surface without a transport: seeding, scheduling a campaign on
// the Scheduler, reading the send record and the trace, and determinism (the same seed and the
// same calls give the same ids and the same record).
#include "mocks/klaviyo/klaviyo_mock.h"

#include <gtest/gtest.h>

#include "sim/scheduler.h"
#include "sim/trace.h"

namespace rh::mocks::klaviyo {
namespace {

// Seeds a small world and sends one campaign; returns the record as text.
std::string RunWorld(std::uint64_t seed, sim::Trace* trace = nullptr) {
  sim::Scheduler scheduler;
  KlaviyoMock mock(Config{}, scheduler, sim::Rng(seed), trace);
  const sim::Moment now = scheduler.clock().MomentNow();
  const std::string list = mock.SeedList("Newsletter", now);
  ProfileSeed ana;
  ana.email = "ana@example.com";
  ana.lists = {list};
  ProfileSeed ben;
  ben.email = "ben@example.com";
  ben.lists = {list};
  ben.suppressed = "SPAM_COMPLAINT";
  EXPECT_TRUE(mock.SeedProfile(ana, now).has_value());
  EXPECT_TRUE(mock.SeedProfile(ben, now).has_value());
  Campaign c;
  c.name = "Cyber Monday";
  c.included = {list};
  c.scheduled_at = now.wall + sim::Hours(1);
  const auto id = mock.ScheduleCampaign(c, now);
  EXPECT_TRUE(id.has_value());
  scheduler.RunFor(sim::Hours(2));
  std::string out;
  for (const SendRecord& r : mock.Sends()) {
    out += r.profile_id + " " + r.to + " " + (r.sent ? "sent" : "skipped:" + r.reason + ":" + r.detail) + "\n";
  }
  return out;
}

TEST(KlaviyoUnits, TheSameSeedGivesTheSameIdsAndTheSameSendRecord) {
  const std::string first = RunWorld(11);
  EXPECT_EQ(first, RunWorld(11));
  EXPECT_NE(first, RunWorld(12)) << "ids come from the seed";
  EXPECT_NE(first.find("ben@example.com skipped:suppressed:SPAM_COMPLAINT"), std::string::npos) << first;
}

TEST(KlaviyoUnits, TracesEveryMessageSentOrSkipped) {
  sim::Trace trace(sim::TraceHeader{});
  RunWorld(11, &trace);
  ASSERT_EQ(trace.size(), 2u);
  EXPECT_EQ(trace.records()[0].kind, "message.sent");
  EXPECT_EQ(trace.records()[0].time, sim::Instant{} + sim::Hours(1));
  EXPECT_EQ(trace.records()[1].kind, "message.skipped");
}

TEST(KlaviyoUnits, RefusesSeedsThatNameMissingThings) {
  sim::Scheduler scheduler;
  KlaviyoMock mock(Config{}, scheduler, sim::Rng(1));
  const sim::Moment now = scheduler.clock().MomentNow();
  ProfileSeed nobody;
  EXPECT_FALSE(mock.SeedProfile(nobody, now).has_value());
  ProfileSeed lost;
  lost.email = "a@b.co";
  lost.lists = {"NoSuch"};
  const auto r = mock.SeedProfile(lost, now);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().substr(0, 6), "lists:");
  Campaign c;
  c.name = "x";
  c.included = {"NoSuch"};
  EXPECT_FALSE(mock.ScheduleCampaign(c, now).has_value());
  Flow f = ReviewRequestFlow(3);
  f.actions.clear();
  EXPECT_FALSE(mock.SeedFlow(f, now).has_value());
  EXPECT_TRUE(mock.SeedFlow(ReviewRequestFlow(3), now).has_value());
  EXPECT_EQ(mock.Snapshot().profiles.size(), 0u);
  EXPECT_EQ(scheduler.Pending(), 0u);
}

}  // namespace
}  // namespace rh::mocks::klaviyo
