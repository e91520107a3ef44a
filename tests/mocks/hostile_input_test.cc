// Goal: no request can crash, hang or poison a mock (issue 16). Each reproducer of the issue is a
// test here: a JSON document nested 100,000 deep, out-of-range numbers on the inspection routes,
// regular expressions that make a backtracking matcher explode, bytes that are not UTF-8 in
// targets, headers and query parameters, a handler that throws, and 60 KB targets in the request
// log. Each gets the service's real status and error body, and a refused request changes nothing.
// The requests go straight to Handle; tests/sim/live covers the transport's own limits.
#include "tests/support/four_mocks.h"

#include <gtest/gtest.h>

#include <string>

#include "mocks/common/json_http.h"
#include "mocks/common/linear_regex.h"
#include "mocks/common/request_log.h"
#include "mocks/demo_world.h"
#include "mocks/klaviyo/filter.h"
#include "sim/untrusted_text.h"

namespace rh::testing {
namespace {

using mocks::Json;
using sim::Method;

constexpr std::string_view kShopifyOrders = "/admin/api/2025-07/orders.json";

// `depth` nested arrays around nothing: well-formed JSON, as deep as asked.
std::string NestedArrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

Json BodyOf(const sim::Response& response) {
  Json body = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(body.is_discarded()) << "not JSON: " << response.body.substr(0, 200);
  return body;
}

std::string OpenAiChat(std::string_view content, std::string_view extra_member = "") {
  return R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":)" + Json(std::string(content)).dump() +
         "}]" + std::string(extra_member) + "}";
}

class HostileInput : public ::testing::Test {
 protected:
  sim::Response Shopify(sim::Request r) { return world.shopify.Handle(r, world.Now()); }
  sim::Response Gorgias(sim::Request r) { return world.gorgias.Handle(r, world.Now()); }
  sim::Response Klaviyo(sim::Request r) { return world.klaviyo.Handle(r, world.Now()); }
  sim::Response Llm(sim::Request r) { return world.llm.Handle(r, world.Now()); }

  std::size_t GorgiasTicketCount() {
    return BodyOf(Gorgias(FourMocks::ForGorgias(Method::kGet, "/api/tickets")))["data"].size();
  }

  FourMocks world;
};

// --- JSON nesting ---------------------------------------------------------------------------

TEST_F(HostileInput, TheLlmRefusesAUserFieldNested100000DeepWithItsOwn400) {
  const sim::Response openai = Llm(FourMocks::ForOpenAi(OpenAiChat("hi", R"(,"user":)" + NestedArrays(100'000))));
  EXPECT_EQ(openai.status, 400);
  EXPECT_EQ(BodyOf(openai)["error"]["type"], "invalid_request_error");
  const sim::Response anthropic = Llm(FourMocks::ForAnthropic(
      R"({"model":"claude-opus-4-1","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"metadata":)" +
      NestedArrays(100'000) + "}"));
  EXPECT_EQ(anthropic.status, 400);
  EXPECT_EQ(BodyOf(anthropic)["error"]["type"], "invalid_request_error");
}

TEST_F(HostileInput, ShopifyRefusesDeepNoteAttributesAndGraphqlVariablesAndChangesNothing) {
  ASSERT_TRUE(mocks::SeedDemoWorld(world.shopify, world.gorgias, world.Now()).has_value());
  const Json orders = BodyOf(Shopify(FourMocks::ForShopify(Method::kGet, std::string(kShopifyOrders) + "?status=any")));
  ASSERT_FALSE(orders["orders"].empty());
  const std::string id = std::to_string(orders["orders"][0]["id"].get<std::uint64_t>());
  const sim::Response rest = Shopify(FourMocks::ForShopify(
      Method::kPut, "/admin/api/2025-07/orders/" + id + ".json",
      R"({"order":{"id":)" + id + R"(,"note_attributes":)" + NestedArrays(100'000) + "}}"));
  EXPECT_EQ(rest.status, 400);
  EXPECT_TRUE(BodyOf(rest).contains("errors")) << rest.body.substr(0, 200);
  const sim::Response graphql = Shopify(FourMocks::ForShopify(
      Method::kPost, "/admin/api/2025-07/graphql.json", R"({"query":"{ shop { name } }","variables":)" + NestedArrays(100'000) + "}"));
  EXPECT_EQ(graphql.status, 400);
  EXPECT_TRUE(BodyOf(graphql).contains("errors")) << graphql.body.substr(0, 200);
  EXPECT_EQ(BodyOf(Shopify(FourMocks::ForShopify(Method::kGet, std::string(kShopifyOrders) + "?status=any"))), orders);
}

TEST_F(HostileInput, GorgiasRefusesADeepMetaWithItsErrorEnvelopeAndCreatesNothing) {
  const std::size_t before = GorgiasTicketCount();
  const sim::Response r = Gorgias(FourMocks::ForGorgias(
      Method::kPost, "/api/tickets", R"({"channel":"email","meta":)" + NestedArrays(100'000) + "}"));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(BodyOf(r)["error"]["msg"].is_string()) << r.body.substr(0, 200);
  EXPECT_EQ(GorgiasTicketCount(), before);
}

TEST_F(HostileInput, KlaviyoRefusesDeepEventPropertiesWithAJsonApiError) {
  const sim::Response r = Klaviyo(FourMocks::ForKlaviyo(
      Method::kPost, "/api/events",
      R"({"data":{"type":"event","attributes":{"properties":)" + NestedArrays(100'000) + "}}}"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(BodyOf(r)["errors"][0]["status"], 400);
}

TEST_F(HostileInput, ADocumentAtTheNestingLimitIsStillRead) {
  const std::string at_limit = NestedArrays(sim::kMaxJsonNesting - 1);
  EXPECT_FALSE(mocks::ParseJsonText(R"({"a":)" + at_limit + "}").is_discarded());
  EXPECT_TRUE(mocks::ParseJsonText(R"({"a":)" + NestedArrays(sim::kMaxJsonNesting) + "}").is_discarded());
  // Brackets inside strings are text, not nesting.
  EXPECT_FALSE(mocks::ParseJsonText(Json(std::string(100'000, '[')).dump()).is_discarded());
}

// --- inspection inputs out of range ----------------------------------------------------------

TEST_F(HostileInput, GorgiasRateLimitsOutOfRangeAre400AndLeaveTheLimitsAsTheyWere) {
  for (const char* body : {R"({"window_s":1e-8})", R"({"api_key_limit":100000000000})", R"({"oauth_limit":0})",
                           R"({"window_s":1e300})", R"({"api_key_limit":"many"})", R"({"enabled":"yes"})"}) {
    const sim::Response r = Gorgias(FourMocks::Base(Method::kPut, "/_rehearsal/rate-limits", body));
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_TRUE(BodyOf(r)["error"]["msg"].is_string()) << body;
  }
  const Json limits = BodyOf(Gorgias(FourMocks::Base(Method::kGet, "/_rehearsal/rate-limits", "")));
  EXPECT_EQ(limits["window_s"], 20);
  EXPECT_EQ(limits["api_key"]["limit"], 40);
  EXPECT_EQ(Gorgias(FourMocks::ForGorgias(Method::kGet, "/api/account")).status, 200);
}

TEST_F(HostileInput, ShopifyLeakRatesTooSmallOrTooLargeAre400) {
  for (const char* body : {R"({"rest":{"leak_per_second":1e10}})", R"({"rest":{"leak_per_second":1e-300}})",
                           R"({"rest":{"bucket_size":100000000000}})", R"({"graphql":{"restore_rate":5e-324}})"}) {
    const sim::Response r = Shopify(FourMocks::Base(Method::kPut, "/_rehearsal/limits", body));
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_TRUE(BodyOf(r).contains("errors")) << body;
  }
  EXPECT_EQ(Shopify(FourMocks::ForShopify(Method::kGet, std::string(kShopifyOrders))).status, 200);
}

TEST_F(HostileInput, AnLlmRateOf5eMinus324PerMinuteIs400AndCallsStillWork) {
  const sim::Response r = Llm(FourMocks::Base(Method::kPut, "/_rehearsal/rate-limits", R"({"openai_rpm":5e-324})"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Llm(FourMocks::Base(Method::kPut, "/_rehearsal/rate-limits", R"({"openai_tpm":1e300})")).status, 400);
  EXPECT_EQ(Llm(FourMocks::ForOpenAi(OpenAiChat("where is my order?"))).status, 200);
}

TEST_F(HostileInput, KlaviyoTierLimitsBeyondABillionAre400) {
  const sim::Response r =
      Klaviyo(FourMocks::Base(Method::kPut, "/_rehearsal/rate-limits", R"({"tiers":{"L":{"burst":100000000000000}}})"));
  EXPECT_EQ(r.status, 400);
}

// --- regular expressions in LLM scripts --------------------------------------------------------

TEST_F(HostileInput, AScriptRegexOverA200000CharacterMessageAnswersPromptly) {
  ASSERT_EQ(Llm(FourMocks::Base(Method::kPost, "/_rehearsal/scripts", R"({"regex":"(x|y)*z","text":"scripted"})")).status,
            201);
  const sim::Response r = Llm(FourMocks::ForOpenAi(OpenAiChat(std::string(200'000, 'x') + "z")));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(BodyOf(r)["choices"][0]["message"]["content"], "scripted");
}

TEST_F(HostileInput, ACatastrophicBacktrackingRegexDoesNotHangTheMock) {
  ASSERT_EQ(Llm(FourMocks::Base(Method::kPost, "/_rehearsal/scripts", R"({"regex":"(a*)*b","text":"scripted"})")).status,
            201);
  const sim::Response r = Llm(FourMocks::ForOpenAi(OpenAiChat(std::string(28, 'a'))));
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(BodyOf(r)["choices"][0]["message"]["content"], "scripted");
}

TEST_F(HostileInput, AScriptWithABackreferenceIsRefusedWithTheReason) {
  const sim::Response r = Llm(FourMocks::Base(Method::kPost, "/_rehearsal/scripts", R"({"regex":"(a)\\1","text":"x"})"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(BodyOf(r)["error"].get<std::string>().find("backreference"), std::string::npos) << r.body;
}

// --- bytes that are not UTF-8 ------------------------------------------------------------------

TEST_F(HostileInput, A0xFFByteInATargetNeitherFailsNorPoisonsTheRequestLog) {
  EXPECT_NE(Klaviyo(FourMocks::ForKlaviyo(Method::kGet, "/api/profiles/\xff")).status, 500);
  const sim::Response llm = Llm(FourMocks::Base(Method::kGet, "/v1/\xff", ""));
  EXPECT_EQ(llm.status, 404);
  BodyOf(llm);
  EXPECT_EQ(Shopify(FourMocks::ForShopify(Method::kGet, "/admin/api/2025-07/orders/\xff.json")).status, 404);
  Gorgias(FourMocks::ForGorgias(Method::kGet, "/api/tickets/\xff"));
  for (auto* mock : {static_cast<sim::Service*>(&world.shopify), static_cast<sim::Service*>(&world.gorgias),
                     static_cast<sim::Service*>(&world.klaviyo)}) {
    const sim::Response log = mock->Handle(FourMocks::Base(Method::kGet, "/_rehearsal/requests", ""), world.Now());
    EXPECT_EQ(log.status, 200) << log.body.substr(0, 200);
    const Json body = BodyOf(log);
    EXPECT_NE(body.dump().find("\xEF\xBF\xBD"), std::string::npos) << "the byte is kept as U+FFFD";
  }
}

TEST_F(HostileInput, ARevisionHeaderThatIsNotUtf8IsKlaviyos400) {
  sim::Request r = FourMocks::ForKlaviyo(Method::kGet, "/api/profiles");
  r.headers.Set("revision", "\xff");
  const sim::Response response = Klaviyo(r);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(BodyOf(response)["errors"][0]["source"]["parameter"], "revision");
}

TEST_F(HostileInput, APageInfoThatIsNotUtf8IsShopifys400) {
  const sim::Response r = Shopify(FourMocks::ForShopify(Method::kGet, std::string(kShopifyOrders) + "?page_info=%FF%FE"));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(BodyOf(r).contains("errors"));
  const sim::Response g = Gorgias(FourMocks::ForGorgias(Method::kGet, "/api/tickets?cursor=%FF%FE"));
  EXPECT_EQ(g.status, 400);
  BodyOf(g);
}

// --- a handler that throws -----------------------------------------------------------------------

TEST_F(HostileInput, AnLlmHandlerThatThrowsAnswersTheApis500AndTheMockCarriesOn) {
  // A json_schema whose name is a number: nlohmann throws type_error deep in the request's parsing
  // (a bug the catch-all turns into OpenAI's 500 envelope instead of a plain-text 500).
  const sim::Response r = Llm(FourMocks::ForOpenAi(
      OpenAiChat("hi", R"(,"response_format":{"type":"json_schema","json_schema":{"name":5,"schema":{}}})")));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(BodyOf(r)["error"]["type"], "server_error");
  EXPECT_NE(r.headers.GetOr("x-rehearsal-failure", ""), "");
  EXPECT_EQ(Llm(FourMocks::ForOpenAi(OpenAiChat("hello"))).status, 200);
}

// --- the request log's byte budget ----------------------------------------------------------------

TEST_F(HostileInput, SixtyKilobyteTargetsKeepOnlyABoundedPrefixInTheRequestLog) {
  const std::string long_target = std::string(kShopifyOrders) + "?x=" + std::string(60'000, 'a');
  for (int i = 0; i < 50; ++i) Shopify(FourMocks::ForShopify(Method::kGet, long_target));
  const auto entries = world.shopify.RequestLogEntries();
  ASSERT_EQ(entries.size(), 50u);
  for (const auto& e : entries) EXPECT_LE(e.target.size(), mocks::RequestLog::kMaxFieldBytes + 32);
  EXPECT_NE(entries.back().target.find("more bytes]"), std::string::npos);
}

TEST(RequestLog, DropsTheOldestEntriesOnceItsByteBudgetIsSpent) {
  mocks::RequestLog log(/*capacity=*/100'000, /*byte_budget=*/100'000);
  for (int i = 0; i < 2'000; ++i) log.Add({.method = "GET", .target = std::string(60'000, 't')});
  EXPECT_LE(log.bytes(), 100'000u);
  EXPECT_GT(log.dropped(), 1'900u);
  EXPECT_EQ(log.total(), 2'000u);
  EXPECT_EQ(log.entries().back().seq, 2'000u);
}

// Found by the klaviyo_filter fuzz target: a datetime in year 1012 overflowed a WallTime.
TEST_F(HostileInput, AKlaviyoFilterDatedInTheYear1012IsRefusedWithJsonApis400) {
  EXPECT_FALSE(mocks::klaviyo::ParseFilter("greater-than(updated,1012-01-01T00:00:00Z)").has_value());
  const sim::Response r =
      Klaviyo(FourMocks::ForKlaviyo(Method::kGet, "/api/profiles?filter=greater-than(updated,1012-01-01T00:00:00Z)"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(BodyOf(r)["errors"][0]["status"], 400);
}

}  // namespace
}  // namespace rh::testing
