// Goal: the Klaviyo client against the real Klaviyo mock in sim mode: a profile by e-mail with
// its suppressions, a create that meets a duplicate (409 is an answer, one attempt), bulk
// suppression and unsuppression that the mock's marketing then obeys, an event deduplicated by
// unique_id, and pacing on the RateLimit headers before the steady window runs out.
#include "pipeline/clients/klaviyo_client.h"

#include <gtest/gtest.h>

#include "clients_test_support.h"

namespace rh::pipeline::clients {
namespace {

using mocks::klaviyo::ProfileSeed;

class KlaviyoClientTest : public ::testing::Test {
 protected:
  std::string Seed(const std::string& email, std::optional<std::string> suppressed = std::nullopt) {
    ProfileSeed seed;
    seed.email = email;
    seed.first_name = "Maria";
    seed.email_consent = "SUBSCRIBED";
    seed.suppressed = std::move(suppressed);
    auto id = world.klaviyo().SeedProfile(seed, world.Now());
    EXPECT_TRUE(id.has_value()) << id.error();
    return id.has_value() ? *id : std::string();
  }

  testing::MockWorld world;
};

TEST_F(KlaviyoClientTest, FindsAProfileByEmailWithItsSuppressions) {
  const std::string id = Seed("maria@example.com");
  Seed("bounced@example.com", "HARD_BOUNCE");
  auto client = world.Klaviyo();
  const auto maria = world.Run(client->GetProfileByEmail("maria@example.com"));
  ASSERT_TRUE(maria.has_value()) << DescribeError(maria.error());
  ASSERT_TRUE(maria->has_value());
  EXPECT_EQ((*maria)->id, id);
  EXPECT_EQ((*maria)->first_name, "Maria");
  EXPECT_EQ((*maria)->email_consent, "SUBSCRIBED");
  EXPECT_TRUE((*maria)->can_receive_email_marketing);
  EXPECT_FALSE((*maria)->suppressed());

  const auto bounced = world.Run(client->GetProfileByEmail("bounced@example.com"));
  ASSERT_TRUE(bounced.has_value() && bounced->has_value());
  ASSERT_EQ((*bounced)->suppressions.size(), 1u);
  EXPECT_EQ((*bounced)->suppressions[0].reason, "HARD_BOUNCE");
  EXPECT_FALSE((*bounced)->can_receive_email_marketing);

  const auto nobody = world.Run(client->GetProfileByEmail("nobody@example.com"));
  ASSERT_TRUE(nobody.has_value());
  EXPECT_FALSE(nobody->has_value());
}

TEST_F(KlaviyoClientTest, CreatesAProfileAndTreatsADuplicateAsFound) {
  const std::string existing = Seed("maria@example.com");
  auto client = world.Klaviyo();
  const auto fresh = world.Run(client->CreateProfile({"ana@example.com", "+15551230002", "", "Ana", "Diaz", {}}));
  ASSERT_TRUE(fresh.has_value()) << DescribeError(fresh.error());
  EXPECT_TRUE(fresh->created);
  EXPECT_FALSE(fresh->id.empty());

  const std::uint64_t before = client->caller().stats().attempts;
  const auto duplicate = world.Run(client->CreateProfile({"maria@example.com", "", "", "", "", {}}));
  ASSERT_TRUE(duplicate.has_value()) << DescribeError(duplicate.error());
  EXPECT_FALSE(duplicate->created);
  EXPECT_EQ(duplicate->id, existing);
  EXPECT_EQ(client->caller().stats().attempts - before, 1u);  // a 409 is not retried
}

TEST_F(KlaviyoClientTest, SuppressesAndUnsuppressesInBulk) {
  Seed("maria@example.com");
  Seed("ana@example.com");
  auto client = world.Klaviyo();
  const auto jobs = world.Run(client->SuppressProfiles({"maria@example.com", "ana@example.com"}));
  ASSERT_TRUE(jobs.has_value()) << DescribeError(jobs.error());
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].type, "profile-suppression-bulk-create-job");
  EXPECT_FALSE((*jobs)[0].id.empty());
  for (const char* email : {"maria@example.com", "ana@example.com"}) {
    const auto p = world.klaviyo().FindProfileByEmail(email);
    ASSERT_TRUE(p.has_value());
    ASSERT_EQ(p->suppressions.size(), 1u);
    EXPECT_EQ(p->suppressions[0].reason, "USER_SUPPRESSED");
  }

  const auto undone = world.Run(client->UnsuppressProfiles({"maria@example.com"}));
  ASSERT_TRUE(undone.has_value()) << DescribeError(undone.error());
  EXPECT_EQ((*undone)[0].type, "profile-suppression-bulk-delete-job");
  EXPECT_TRUE(world.klaviyo().FindProfileByEmail("maria@example.com")->suppressions.empty());
  EXPECT_FALSE(world.klaviyo().FindProfileByEmail("ana@example.com")->suppressions.empty());
}

TEST_F(KlaviyoClientTest, SplitsSuppressionIntoJobsOfAHundred) {
  std::vector<std::string> emails;
  for (int i = 0; i < 250; ++i) emails.push_back("c" + std::to_string(i) + "@example.com");
  auto client = world.Klaviyo();
  const auto jobs = world.Run(client->SuppressProfiles(emails));
  ASSERT_TRUE(jobs.has_value()) << DescribeError(jobs.error());
  ASSERT_EQ(jobs->size(), 3u);
  EXPECT_EQ((*jobs)[2].total_count, 50);
}

TEST_F(KlaviyoClientTest, AnEventWithTheSameUniqueIdCountsOnce) {
  Seed("maria@example.com");
  auto client = world.Klaviyo();
  KlaviyoEvent event;
  event.metric = "Issue Resolved";
  event.email = "maria@example.com";
  event.properties = {{"ticket_id", 86538298}, {"intent", "wismo"}};
  event.unique_id = "gorgias-86538298-resolved";
  ASSERT_TRUE(world.Run(client->CreateEvent(event)).has_value());
  world.scheduler().RunFor(sim::Sec(5));
  ASSERT_TRUE(world.Run(client->CreateEvent(event)).has_value());  // a retry, later
  const auto state = world.klaviyo().Snapshot();
  ASSERT_EQ(state.events.size(), 1u);
  EXPECT_EQ(state.events[0].unique_id, "gorgias-86538298-resolved");
  bool metric_named = false;
  for (const auto& [id, m] : state.metrics) metric_named = metric_named || m.name == "Issue Resolved";
  EXPECT_TRUE(metric_named);
}

TEST_F(KlaviyoClientTest, PacesOnTheRateLimitHeadersBeforeTheWindowRunsOut) {
  for (int i = 0; i < 30; ++i) Seed("p" + std::to_string(i) + "@example.com");
  auto limits = mocks::klaviyo::RateLimits::Spec();
  limits.tiers["L"] = {100, 20, 0};  // 20 a minute for the profiles tier
  world.klaviyo().SetRateLimits(limits);
  KlaviyoConfig config = world.KlaviyoSettings();
  config.low_water = 0.25;
  config.retry.max_concurrency_per_account = 1;
  auto client = world.Klaviyo(config);
  std::vector<sim::Task<CallResult<std::optional<KlaviyoProfile>>>> reads;
  for (int i = 0; i < 30; ++i) reads.push_back(client->GetProfileByEmail("p" + std::to_string(i) + "@example.com"));
  for (const auto& r : testing::RunAll(world.scheduler(), std::move(reads))) {
    ASSERT_TRUE(r.has_value()) << DescribeError(r.error());
    EXPECT_TRUE(r->has_value());
  }
  EXPECT_GT(client->caller().stats().paced_waits, 0u);
  EXPECT_EQ(client->caller().stats().rate_limited, 0u);  // slowed down in time, never refused
}

TEST_F(KlaviyoClientTest, AMissingRevisionIsAFinalClientError) {
  KlaviyoConfig config = world.KlaviyoSettings();
  config.revision = "2019-01-01";
  auto client = world.Klaviyo(config);
  const auto r = world.Run(client->GetProfileByEmail("maria@example.com"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().status, 400);
  EXPECT_EQ(r.error().attempts, 1);
}

}  // namespace
}  // namespace rh::pipeline::clients
