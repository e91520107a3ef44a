// Goal: Gorgias's rate limit is one leaky bucket per account and auth type: 40 calls per 20 s
// for API keys, shared by every key of the account; 80 per 20 s for OAuth apps; 10 s windows on
// Enterprise. Every authenticated response says "used/limit"; a 429 carries Retry-After in whole
// seconds and the error envelope; after the leak time on the virtual clock calls pass again.
// Same on both transports; the virtual clock makes the numbers exact.
#include "mocks/gorgias/gorgias_mock.h"

#include <gtest/gtest.h>

#include "gorgias_fixture.h"

namespace rh::mocks::gorgias::testing {
namespace {

using GorgiasRateLimit = GorgiasTest;

constexpr char kHeader[] = "X-Gorgias-Account-Api-Call-Limit";

TEST_P(GorgiasRateLimit, FortyCallsPerTwentySecondsAreSharedByEveryKeyOfTheAccount) {
  for (int i = 1; i <= 40; ++i) {
    const Reply r = Get("/api/account", i % 2 == 0 ? Auth::kAnaKey : Auth::kBenKey);
    ASSERT_EQ(r.status, 200) << "call " << i;
    ASSERT_EQ(r.headers.GetOr(kHeader, ""), std::to_string(i) + "/40");
  }
  for (Auth key : {Auth::kAnaKey, Auth::kBenKey}) {
    const Reply refused = Get("/api/account", key);
    EXPECT_EQ(refused.status, 429);
    EXPECT_EQ(refused.headers.GetOr("Retry-After", ""), "1");
    EXPECT_EQ(refused.headers.GetOr(kHeader, ""), "40/40");
    EXPECT_TRUE(refused.json["error"]["msg"].is_string()) << refused.body;
  }
  // The bucket leaks 2 calls per second: after the advised second, calls pass again.
  Advance(sim::Sec(1));
  const Reply again = Get("/api/account", Auth::kBenKey);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.headers.GetOr(kHeader, ""), "39/40");
  EXPECT_EQ(Get("/api/account").headers.GetOr(kHeader, ""), "40/40");
  EXPECT_EQ(Get("/api/account").status, 429);
  // Drained after 20 s.
  Advance(sim::Sec(20));
  EXPECT_EQ(Get("/api/account").headers.GetOr(kHeader, ""), "1/40");
}

TEST_P(GorgiasRateLimit, OAuthAppsHaveTheirOwnBucketOfEighty) {
  for (int i = 1; i <= 80; ++i) {
    const Reply r = Get("/api/account", Auth::kOAuth);
    ASSERT_EQ(r.status, 200) << "call " << i;
  }
  const Reply refused = Get("/api/account", Auth::kOAuth);
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.headers.GetOr(kHeader, ""), "80/80");
  EXPECT_EQ(refused.headers.GetOr("Retry-After", ""), "1");
  // API keys count against the other bucket.
  EXPECT_EQ(Get("/api/account", Auth::kAnaKey).headers.GetOr(kHeader, ""), "1/40");
  Advance(sim::Ms(250));  // 4 calls per second
  EXPECT_EQ(Get("/api/account", Auth::kOAuth).status, 200);
}

TEST_P(GorgiasRateLimit, EveryAuthenticatedResponseCarriesTheCallLimitHeader) {
  EXPECT_EQ(Get("/api/tickets").headers.GetOr(kHeader, ""), "1/40");
  EXPECT_EQ(Get("/api/nothing").headers.GetOr(kHeader, ""), "2/40");       // 404
  EXPECT_EQ(Delete("/api/account").headers.GetOr(kHeader, ""), "3/40");    // 405
  EXPECT_EQ(Post("/api/tickets", Json::object()).headers.GetOr(kHeader, ""), "4/40");  // 400
  EXPECT_EQ(CreateEmailTicket() > 0, true);
  EXPECT_EQ(Get("/api/tickets").headers.GetOr(kHeader, ""), "6/40");
}

TEST_P(GorgiasRateLimit, TheEnterprisePlanDrainsInTenSeconds) {
  sim::Request configure;
  configure.method = sim::Method::kPut;
  configure.target = "/_rehearsal/rate-limits";
  configure.body = R"({"plan": "enterprise"})";
  ASSERT_EQ(Send(configure).status, 204);
  for (int i = 0; i < 40; ++i) ASSERT_EQ(Get("/api/account").status, 200);
  const Reply refused = Get("/api/account");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.headers.GetOr("Retry-After", ""), "1");  // 0.25 s, rounded up
  Advance(sim::Ms(250));
  EXPECT_EQ(Get("/api/account").status, 200);
  Advance(sim::Sec(10));
  EXPECT_EQ(Get("/api/account").headers.GetOr(kHeader, ""), "1/40");
}

TEST_P(GorgiasRateLimit, ALimitCanBeTurnedOffAndTheBucketsAreShownToTheHarness) {
  mock->SetRateLimits({false, 40, 80, sim::Sec(20)});
  for (int i = 0; i < 60; ++i) ASSERT_EQ(Get("/api/account").status, 200);
  mock->SetRateLimits(RateLimits::Standard());
  EXPECT_EQ(Get("/api/account").status, 200);
  sim::Request read;
  read.target = "/_rehearsal/rate-limits";
  const Reply limits = Send(read);
  ASSERT_EQ(limits.status, 200);
  EXPECT_EQ(limits.json["api_key"]["limit"], 40);
  EXPECT_EQ(limits.json["api_key"]["level"], 1);
  EXPECT_EQ(limits.json["oauth"]["limit"], 80);
}

TEST_P(GorgiasRateLimit, TheRequestLogRecordsEachRateLimitDecision) {
  for (int i = 0; i < 41; ++i) Get("/api/account");
  Get("/api/account", Auth::kNone);
  sim::Request read;
  read.target = "/_rehearsal/requests";
  const Reply log = Send(read);
  ASSERT_EQ(log.status, 200);
  const Json& data = log.json["data"];
  ASSERT_EQ(data.size(), 42u);
  EXPECT_EQ(data[0]["account"], "acme/api-key");
  EXPECT_EQ(data[0]["rate_limit"], "admitted 1/40");
  EXPECT_EQ(data[40]["status"], 429);
  EXPECT_EQ(data[40]["rate_limit"], "refused 40/40 retry_after=1s");
  EXPECT_EQ(data[41]["status"], 401);
  EXPECT_EQ(data[41]["rate_limit"], "not counted (unauthenticated)");
  EXPECT_EQ(mock->Requests().size(), 42u);
}

INSTANTIATE_TEST_SUITE_P(Transports, GorgiasRateLimit, ::testing::Values(Transport::kInMemory, Transport::kLoopback),
                         TransportName);

}  // namespace
}  // namespace rh::mocks::gorgias::testing
