// Goal: the readers of rate-limit headers and the value helpers, on the exact texts the services
// send: Retry-After in its three shapes, Go durations, call-limit headers, Klaviyo's and
// OpenAI's headers, GraphQL throttle bodies, money in minor units.
#include "pipeline/clients/rate_headers.h"

#include <gtest/gtest.h>

#include "pipeline/clients/values.h"

namespace rh::pipeline::clients {
namespace {

sim::WallTime At(std::string_view rfc3339) {
  sim::WallTime t;
  EXPECT_TRUE(sim::ParseRfc3339(rfc3339, t)) << rfc3339;
  return t;
}

TEST(RetryAfter, ReadsSecondsFractionalSecondsAndHttpDates) {
  const sim::WallTime now = At("1994-11-06T08:49:30Z");
  EXPECT_EQ(ParseRetryAfter("120", now), sim::Sec(120));
  EXPECT_EQ(ParseRetryAfter("2.0", now), sim::Sec(2));
  EXPECT_EQ(ParseRetryAfter(" 0.5 ", now), sim::Ms(500));
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now), sim::Sec(7));
  EXPECT_EQ(ParseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now), sim::Sec(7));
  EXPECT_EQ(ParseRetryAfter("Sun Nov  6 08:49:37 1994", now), sim::Sec(7));
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:00 GMT", now), sim::Duration{0});  // in the past
  EXPECT_FALSE(ParseRetryAfter("soon", now).has_value());
  EXPECT_FALSE(ParseRetryAfter("-1", now).has_value());
  EXPECT_FALSE(ParseRetryAfter("Sun, 32 Nov 1994 08:49:37 GMT", now).has_value());
}

TEST(RetryAfter, PrefersRetryAfterMs) {
  sim::Headers h;
  h.Set("retry-after", "1");
  h.Set("retry-after-ms", "250.5");
  EXPECT_EQ(RetryAfterFrom(h, sim::WallTime{}), std::chrono::microseconds(250'500));
  h.Remove("retry-after-ms");
  EXPECT_EQ(RetryAfterFrom(h, sim::WallTime{}), sim::Sec(1));
}

TEST(GoDuration, ReadsOpenAiResetValues) {
  EXPECT_EQ(ParseGoDuration("6m0s"), sim::Minutes(6));
  EXPECT_EQ(ParseGoDuration("1s"), sim::Sec(1));
  EXPECT_EQ(ParseGoDuration("20ms"), sim::Ms(20));
  EXPECT_EQ(ParseGoDuration("2m59.56s"), sim::Sec(179) + sim::Ms(560));
  EXPECT_EQ(ParseGoDuration("1h2m3.5s"), sim::Hours(1) + sim::Minutes(2) + sim::Ms(3500));
  EXPECT_EQ(ParseGoDuration("150us"), std::chrono::microseconds(150));
  EXPECT_EQ(ParseGoDuration("150\xC2\xB5s"), std::chrono::microseconds(150));
  EXPECT_EQ(ParseGoDuration("0s"), sim::Duration{0});
  EXPECT_EQ(ParseGoDuration("0"), sim::Duration{0});
  EXPECT_FALSE(ParseGoDuration("").has_value());
  EXPECT_FALSE(ParseGoDuration("5").has_value());
  EXPECT_FALSE(ParseGoDuration("1d").has_value());
}

TEST(CallLimit, PausesOnlyPastTheShareKeptFreeCountingRequestsInFlight) {
  const std::string_view name = "X-Shopify-Shop-Api-Call-Limit";
  sim::Headers h;
  h.Set(name, "31/40");
  EXPECT_EQ(LeakyBucketPause(h, name, sim::Sec(20), 0.2).pause, sim::Duration{0});
  EXPECT_EQ(LeakyBucketPause(h, name, sim::Sec(20), 0.2).spacing, sim::Duration{0});
  h.Set(name, "32/40");
  const RateSignal at_edge = LeakyBucketPause(h, name, sim::Sec(20), 0.2);
  EXPECT_EQ(at_edge.pause, sim::Ms(500));
  EXPECT_EQ(at_edge.spacing, sim::Ms(500));  // then at the leak rate, 2/s
  h.Set(name, "40/40");
  EXPECT_EQ(LeakyBucketPause(h, name, sim::Sec(20), 0.2).pause, sim::Ms(4500));
  // Three more requests already sent will land in the bucket too.
  h.Set(name, "29/40");
  EXPECT_EQ(LeakyBucketPause(h, name, sim::Sec(20), 0.2, 3).pause, sim::Ms(500));
  // A Plus store drains 400 in 20 s: 20 calls a second.
  h.Set(name, "330/400");
  EXPECT_EQ(LeakyBucketPause(h, name, sim::Sec(20), 0.2).pause, sim::Ms(550));
  EXPECT_FALSE(ParseCallLimit("forty").has_value());
  EXPECT_FALSE(ParseCallLimit("3/0").has_value());
}

TEST(KlaviyoHeaders, SpreadTheLastShareOfTheWindow) {
  sim::Headers h;
  h.Set("RateLimit-Limit", "750");
  h.Set("RateLimit-Remaining", "500");
  h.Set("RateLimit-Reset", "30");
  EXPECT_EQ(KlaviyoPause(h, 0.1).pause, sim::Duration{0});
  h.Set("RateLimit-Remaining", "9");
  EXPECT_EQ(KlaviyoPause(h, 0.1).pause, sim::Sec(3));
  EXPECT_EQ(KlaviyoPause(h, 0.1).spacing, sim::Sec(3));
  EXPECT_EQ(KlaviyoPause(h, 0.1, 4).spacing, sim::Sec(5));  // 4 in flight leave 5
  h.Set("RateLimit-Limit", "350, 350;w=1, 3500;w=60");
  h.Set("RateLimit-Remaining", "0");
  EXPECT_EQ(KlaviyoPause(h, 0.1).pause, sim::Sec(30));
}

TEST(OpenAiHeaders, PauseUntilTheLimitRefillsToTheLowWater) {
  sim::Headers h;
  h.Set("x-ratelimit-limit-requests", "60");
  h.Set("x-ratelimit-remaining-requests", "59");
  h.Set("x-ratelimit-reset-requests", "1s");
  h.Set("x-ratelimit-limit-tokens", "150000");
  h.Set("x-ratelimit-remaining-tokens", "149984");
  h.Set("x-ratelimit-reset-tokens", "6ms");
  EXPECT_EQ(OpenAiPause(h, 0.05).pause, sim::Duration{0});
  // 0 of 60 left, full again in 60 s: one per second; the low water is 3.
  h.Set("x-ratelimit-remaining-requests", "0");
  h.Set("x-ratelimit-reset-requests", "1m0s");
  EXPECT_EQ(OpenAiPause(h, 0.05).pause, sim::Sec(3));
  EXPECT_EQ(OpenAiPause(h, 0.05).spacing, sim::Sec(1));
}

TEST(GraphqlCost, AThrottleIsARefusalWithTheTimeToRestore) {
  const RateSignal throttled = ShopifyGraphqlPause(
      R"({"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED"}}],"extensions":{"cost":{"requestedQueryCost":752,"actualQueryCost":null,"throttleStatus":{"maximumAvailable":1000.0,"currentlyAvailable":666,"restoreRate":50.0}}}})");
  EXPECT_TRUE(throttled.refused);
  EXPECT_NEAR(static_cast<double>(throttled.pause.count()), 1.72e9, 1e3);
  const RateSignal fine = ShopifyGraphqlPause(
      R"({"data":{},"extensions":{"cost":{"requestedQueryCost":12,"actualQueryCost":5,"throttleStatus":{"maximumAvailable":2000.0,"currentlyAvailable":1995,"restoreRate":100.0}}}})");
  EXPECT_FALSE(fine.refused);
  EXPECT_EQ(fine.pause, sim::Duration{0});
  EXPECT_EQ(ShopifyGraphqlPause("not json").pause, sim::Duration{0});
}

TEST(Money, IsKeptInMinorUnits) {
  EXPECT_EQ(ParseMoney("54.99"), 5499);
  EXPECT_EQ(ParseMoney("54.9"), 5490);
  EXPECT_EQ(ParseMoney("54"), 5400);
  EXPECT_EQ(ParseMoney("54.990"), 5499);
  EXPECT_EQ(ParseMoney("-0.05"), -5);
  EXPECT_EQ(ParseMoney("1000", CurrencyExponent("JPY")), 1000);
  EXPECT_EQ(ParseMoney("1.250", CurrencyExponent("KWD")), 1250);
  EXPECT_FALSE(ParseMoney("54.999").has_value());
  EXPECT_FALSE(ParseMoney("12a").has_value());
  EXPECT_FALSE(ParseMoney("").has_value());
  EXPECT_EQ(FormatMoney(5499), "54.99");
  EXPECT_EQ(FormatMoney(-5), "-0.05");
  EXPECT_EQ(FormatMoney(1000, 0), "1000");
}

TEST(Timestamps, KeepTheTextAndTheInstant) {
  const Timestamp t = MakeTimestamp("2026-11-20T22:30:00-05:00");
  EXPECT_EQ(t.Date(), "2026-11-20");  // the shop's date, not UTC's
  ASSERT_TRUE(t.at.has_value());
  EXPECT_EQ(*t.at, At("2026-11-21T03:30:00Z"));
  EXPECT_TRUE(MakeTimestamp("").empty());
  EXPECT_FALSE(MakeTimestamp("yesterday").at.has_value());
}

}  // namespace
}  // namespace rh::pipeline::clients
