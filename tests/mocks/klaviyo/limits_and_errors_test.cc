// Goal: Klaviyo's rate limits (burst and steady windows per account and tier, RateLimit-*
// headers on success, only Retry-After and a JSON:API `throttled` body on 429, passing again
// after the window, on the virtual clock) and its refusals of bad input (missing revision,
// malformed JSON:API document, bad filter, wrong auth): the real status and error body, and no
// change to the store. Every case runs in memory and over loopback.
#include "mocks/klaviyo/klaviyo_mock.h"

#include "klaviyo_fixture.h"

namespace rh::mocks::klaviyo::testing {
namespace {

class KlaviyoLimits : public KlaviyoTest {};
class KlaviyoBadInput : public KlaviyoTest {};

void ExpectJsonApiError(const Reply& r, int status, const std::string& code) {
  ASSERT_EQ(r.status, status) << r.body;
  ASSERT_TRUE(r.json.is_object() && r.json.contains("errors")) << r.body;
  const Json& e = r.json["errors"][0];
  EXPECT_EQ(e["status"], status);
  EXPECT_EQ(e["code"], code);
  EXPECT_TRUE(e["id"].is_string());
  EXPECT_TRUE(e["title"].is_string());
  EXPECT_TRUE(e["detail"].is_string());
  EXPECT_TRUE(e["source"].is_object());
}

TEST_P(KlaviyoLimits, TheBurstWindowRefusesTheFourthSmallTierCallInASecondThenPassesAgain) {
  // GET /api/flows is tier S: 3/s burst, 60/m steady.
  for (int i = 0; i < 3; ++i) {
    const Reply r = Get("/api/flows");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers.GetOr("RateLimit-Limit", ""), "60");
    EXPECT_EQ(r.headers.GetOr("RateLimit-Remaining", ""), std::to_string(59 - i));
    EXPECT_FALSE(r.headers.GetOr("RateLimit-Reset", "").empty());
  }
  const Reply refused = Get("/api/flows");
  ExpectJsonApiError(refused, 429, "throttled");
  EXPECT_EQ(refused.headers.GetOr("Retry-After", ""), "1");
  EXPECT_FALSE(refused.headers.Has("RateLimit-Limit")) << "a 429 carries only Retry-After";
  EXPECT_FALSE(refused.headers.Has("RateLimit-Remaining"));
  EXPECT_EQ(refused.json["errors"][0]["title"], "Request was throttled.");
  EXPECT_EQ(refused.json["errors"][0]["detail"], "Request was throttled. Expected available in 1 second.");

  Advance(sim::Sec(1));
  EXPECT_EQ(Get("/api/flows").status, 200);

  // Another tier's window is untouched.
  EXPECT_EQ(Get("/api/profiles").status, 200);
}

TEST_P(KlaviyoLimits, TheSteadyWindowRefusesWithTheWaitUntilATokenReturnsThenPassesAgain) {
  RateLimits limits = RateLimits::Spec();
  limits.tiers["S"] = {3, 6, 0};  // 3/s burst, 6/min steady: one token every 10 s
  mock->SetRateLimits(limits);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Get("/api/flows").status, 200);
  Advance(sim::Sec(1));
  for (int i = 0; i < 3; ++i) {
    const Reply r = Get("/api/flows");
    ASSERT_EQ(r.status, 200) << "call " << i;
    if (i == 2) {
      EXPECT_EQ(r.headers.GetOr("RateLimit-Remaining", ""), "0");
    }
  }
  Advance(sim::Sec(1));  // the burst window is full again; the steady one is not
  const Reply refused = Get("/api/flows");
  ExpectJsonApiError(refused, 429, "throttled");
  const int wait = std::stoi(std::string(refused.headers.GetOr("Retry-After", "0")));
  EXPECT_GE(wait, 2);
  EXPECT_LE(wait, 10);
  EXPECT_EQ(Get("/api/flows").status, 429) << "a refusal takes nothing, and nothing came back yet";

  Advance(sim::Sec(wait));
  EXPECT_EQ(Get("/api/flows").status, 200);

  // The log shows the decisions.
  const Reply log = Inspect(sim::Method::kGet, "/_rehearsal/requests");
  ASSERT_EQ(log.status, 200);
  int refusals = 0;
  for (const Json& e : log.json["data"]) {
    if (e["status"] == 429) {
      ++refusals;
      EXPECT_NE(e["rate_limit"].get<std::string>().find("refused S by steady"), std::string::npos) << e.dump();
    }
  }
  EXPECT_EQ(refusals, 2);
}

TEST_P(KlaviyoLimits, LimitsAreReconfigurableOverTheInspectionRoute) {
  const Reply put = Inspect(sim::Method::kPut, "/_rehearsal/rate-limits", {{"tiers", {{"L", {{"burst", 1}}}}}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json["tiers"]["L"]["burst"], 1);
  EXPECT_EQ(Get("/api/profiles").status, 200);
  EXPECT_EQ(Get("/api/profiles").status, 429);
  const Reply bad = Inspect(sim::Method::kPut, "/_rehearsal/rate-limits", {{"tiers", {{"L", {{"burst", -1}}}}}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json["field"], "tiers.L.burst");
}

TEST_P(KlaviyoBadInput, AMissingRevisionHeaderIs400AndCreatesNothing) {
  const auto before = CountState();
  const Reply r = Post("/api/profiles", {{"data", {{"type", "profile"}, {"attributes", {{"email", "ana@example.com"}}}}}},
                       As{std::string("Klaviyo-API-Key ") + kKey, ""});
  ExpectJsonApiError(r, 400, "invalid");
  EXPECT_EQ(r.json["errors"][0]["source"]["parameter"], "revision");
  EXPECT_EQ(CountState(), before);

  const Reply future = Get("/api/profiles", As{std::string("Klaviyo-API-Key ") + kKey, "2099-01-01"});
  ExpectJsonApiError(future, 400, "invalid");
}

TEST_P(KlaviyoBadInput, AMalformedJsonApiDocumentIs400WithAPointerAndCreatesNothing) {
  CreateProfile("ana@example.com");
  const auto before = CountState();

  Reply r = Call(sim::Method::kPost, "/api/profiles", "{\"data\": {");
  ExpectJsonApiError(r, 400, "invalid");

  r = Post("/api/profiles", {{"email", "ben@example.com"}});
  ExpectJsonApiError(r, 400, "invalid");
  EXPECT_EQ(r.json["errors"][0]["source"]["pointer"], "/data");

  r = Post("/api/profiles", {{"data", {{"type", "list"}, {"attributes", {{"email", "ben@example.com"}}}}}});
  ExpectJsonApiError(r, 400, "invalid");
  EXPECT_EQ(r.json["errors"][0]["source"]["pointer"], "/data/type");

  r = Post("/api/profiles", {{"data", {{"type", "profile"}, {"attributes", {{"email", "ben@example.com"}, {"fromEmail", "x"}}}}}});
  ExpectJsonApiError(r, 400, "invalid");
  EXPECT_EQ(r.json["errors"][0]["source"]["pointer"], "/data/attributes/fromEmail");
  EXPECT_EQ(r.json["errors"][0]["detail"], "'fromEmail' is not a valid field for the resource 'profile'.");

  // An event whose profile is fine but whose metric is missing creates neither profile nor metric.
  Json event = EventDoc("Placed Order", "carla@example.com");
  event["data"]["attributes"].erase("metric");
  r = Post("/api/events", event);
  ExpectJsonApiError(r, 400, "invalid");
  EXPECT_EQ(r.json["errors"][0]["source"]["pointer"], "/data/attributes/metric");

  // A list membership naming an unknown profile adds nobody.
  const std::string list = CreateList("VIP");
  const auto with_list = CountState();
  const std::string ana = mock->FindProfileByEmail("ana@example.com")->id;
  r = Post("/api/lists/" + list + "/relationships/profiles",
           {{"data", {{{"type", "profile"}, {"id", ana}}, {{"type", "profile"}, {"id", "01NOPE0000000000000000000X"}}}}});
  ExpectJsonApiError(r, 404, "not_found");
  EXPECT_EQ(CountState(), with_list);
  EXPECT_EQ(with_list.profiles, before.profiles);
}

TEST_P(KlaviyoBadInput, ABadFilterIs400NamingTheFilterParameter) {
  CreateProfile("ana@example.com");
  for (const std::string filter : {"equals(email,", "equals(email,ana@example.com)", "contains(email,\"ana\")",
                                   "greater-than(created,\"2026-01-01T00:00:00Z\")", "equals(nickname,\"x\")",
                                   "or(equals(email,\"a@b.co\"))"}) {
    const Reply r = Get("/api/profiles?filter=" + sim::PercentEncode(filter));
    ExpectJsonApiError(r, 400, "invalid");
    EXPECT_EQ(r.json["errors"][0]["source"]["parameter"], "filter") << filter;
  }
  const Reply campaigns = Get("/api/campaigns");
  ExpectJsonApiError(campaigns, 400, "invalid");
  const Reply cursor = Get("/api/profiles?page%5Bcursor%5D=bm9wZQ");
  ExpectJsonApiError(cursor, 400, "invalid");
  EXPECT_EQ(cursor.json["errors"][0]["detail"], "Invalid cursor provided.");
}

TEST_P(KlaviyoBadInput, WrongOrMissingAuthIs401AndCreatesNothing) {
  const auto before = CountState();
  const Json doc = {{"data", {{"type", "profile"}, {"attributes", {{"email", "ana@example.com"}}}}}};
  Reply r = Post("/api/profiles", doc, As{"", kRevision});
  ExpectJsonApiError(r, 401, "not_authenticated");
  r = Post("/api/profiles", doc, As{"Klaviyo-API-Key pk_wrongwrongwrongwrongwrongwrongwrong1", kRevision});
  ExpectJsonApiError(r, 401, "authentication_failed");
  r = Post("/api/profiles", doc, As{"Bearer nope", kRevision});
  ExpectJsonApiError(r, 401, "authentication_failed");
  EXPECT_EQ(CountState(), before);

  const Reply gone = Get("/api/v2/lists");
  EXPECT_EQ(gone.status, 410);
  const Reply unknown = Get("/api/nothing-here");
  ExpectJsonApiError(unknown, 404, "not_found");
  const Reply wrong_method = Call(sim::Method::kPut, "/api/profiles", "{}");
  EXPECT_EQ(wrong_method.status, 405);
}

INSTANTIATE_TEST_SUITE_P(BothTransports, KlaviyoLimits, ::testing::Values(Transport::kInMemory, Transport::kLoopback),
                         TransportName);
INSTANTIATE_TEST_SUITE_P(BothTransports, KlaviyoBadInput, ::testing::Values(Transport::kInMemory, Transport::kLoopback),
                         TransportName);

}  // namespace
}  // namespace rh::mocks::klaviyo::testing
