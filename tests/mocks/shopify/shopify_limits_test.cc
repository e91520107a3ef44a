// Goal: the Shopify mock's limits behave like Shopify's under a clock the test moves, on both
// transports: Link-header cursor pagination (exact header, page_info walks every page both ways
// with the filters baked in, extra parameters refused), the REST leaky bucket (the 41st call on
// Standard is a 429 with the real headers and body, passes again after the leak time, every
// token of the app shares one bucket, a refused call does not fill it), and the GraphQL cost
// bucket (throttled as HTTP 200, restored over time, MAX_COST_EXCEEDED above 1000).
#include "mocks/shopify/shopify_mock.h"

#include <gtest/gtest.h>

#include <regex>

#include "shopify_test_support.h"

namespace rh::mocks::shopify::testing {
namespace {

template <class W>
class ShopifyLimits : public ShopifyWorldTest<W> {
 protected:
  // Seven open orders #1001..#1007 (created a day apart; odd ones paid, even ones pending).
  void SeedSeven() {
    this->Start();
    for (int i = 1; i <= 7; ++i) {
      const std::string day = std::to_string(10 + i);
      const std::string status = i % 2 ? "paid" : "pending";
      ASSERT_TRUE(this->mock().SeedOrder(Json::parse(R"({"email":"buyer)" + std::to_string(i) + R"(@example.com",
          "created_at":"2026-03-)" + day + R"(T10:00:00-05:00","financial_status":")" + status + R"(",
          "line_items":[{"title":"Thing","price":"10.00"}]})"), this->world().Now()).has_value());
    }
  }
};
TYPED_TEST_SUITE(ShopifyLimits, Worlds, WorldNames);


struct Link {
  std::string url;
  std::string rel;
};

// Parses a Link header the way both official clients do.
std::vector<Link> ParseLinks(std::string_view header) {
  std::vector<Link> out;
  const std::regex pattern(R"(<([^<]+)>; rel="([^"]+)\")");
  const std::string text(header);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern); it != std::sregex_iterator(); ++it) {
    out.push_back({(*it)[1].str(), (*it)[2].str()});
  }
  return out;
}

std::optional<std::string> LinkFor(const sim::Response& r, const std::string& rel) {
  for (const auto& l : ParseLinks(r.headers.GetOr("Link", ""))) {
    if (l.rel == rel) return l.url;
  }
  return std::nullopt;
}

// Follows a Link URL as a client would (path and query only), after checking that it names
// `origin`, the mock the request went to.
sim::Request Follow(const std::string& url, const std::string& origin) {
  EXPECT_EQ(url.rfind(origin + "/", 0), 0u) << url;
  return Get(url.substr(origin.size()));
}

// `text` with the regex metacharacters of an origin escaped.
std::string RegexQuote(const std::string& text) {
  return std::regex_replace(text, std::regex(R"([.\[\]])"), R"(\$&)");
}

std::vector<std::string> Names(const sim::Response& r) {
  std::vector<std::string> out;
  const Json body = Body(r);  // a named local: range-for does not extend a temporary's parent
  for (const auto& o : body["orders"]) out.push_back(o["name"].template get<std::string>());
  return out;
}

// ---- Pagination ----

TYPED_TEST(ShopifyLimits, LinkHeaderHasTheExactFormat) {
  this->SeedSeven();
  const sim::Response first = this->Send(Get("/orders.json?limit=3"));
  const std::string header(first.headers.GetOr("Link", ""));
  const std::regex only_next("^<" + RegexQuote(this->world().LinkOrigin()) +
                              R"(/admin/api/2025-07/orders\.json\?limit=3&page_info=[A-Za-z0-9_-]+>; rel="next"$)");
  EXPECT_TRUE(std::regex_match(header, only_next)) << header;
  const sim::Response middle = this->Send(Follow(*LinkFor(first, "next"), this->world().LinkOrigin()));
  const std::string both(middle.headers.GetOr("Link", ""));
  const std::regex next_then_previous(
      R"(^<https?://[^>]+page_info=[A-Za-z0-9_-]+>; rel="next", <https?://[^>]+page_info=[A-Za-z0-9_-]+>; rel="previous"$)");
  EXPECT_TRUE(std::regex_match(both, next_then_previous)) << both;
}

TYPED_TEST(ShopifyLimits, PageInfoWalksEveryPageForwardAndBack) {
  this->SeedSeven();
  std::vector<std::vector<std::string>> pages;
  sim::Response r = this->Send(Get("/orders.json?limit=3"));
  pages.push_back(Names(r));
  while (auto next = LinkFor(r, "next")) {
    r = this->Send(Follow(*next, this->world().LinkOrigin()));
    ASSERT_EQ(r.status, 200) << r.body;
    pages.push_back(Names(r));
    ASSERT_LT(pages.size(), 10u);
  }
  EXPECT_EQ(pages, (std::vector<std::vector<std::string>>{
                       {"#1007", "#1006", "#1005"}, {"#1004", "#1003", "#1002"}, {"#1001"}}));
  EXPECT_FALSE(LinkFor(r, "next"));
  std::vector<std::vector<std::string>> back;
  while (auto previous = LinkFor(r, "previous")) {
    r = this->Send(Follow(*previous, this->world().LinkOrigin()));
    back.push_back(Names(r));
    ASSERT_LT(back.size(), 10u);
  }
  EXPECT_EQ(back, (std::vector<std::vector<std::string>>{{"#1004", "#1003", "#1002"}, {"#1007", "#1006", "#1005"}}));
}

TYPED_TEST(ShopifyLimits, FiltersAreBakedIntoThePageInfo) {
  this->SeedSeven();
  const sim::Response first = this->Send(Get("/orders.json?financial_status=paid&limit=2&fields=id,name"));
  EXPECT_EQ(Names(first), (std::vector<std::string>{"#1007", "#1005"}));
  EXPECT_EQ(Body(first)["orders"][0].size(), 2u);
  const std::string next = *LinkFor(first, "next");
  EXPECT_EQ(next.find("financial_status"), std::string::npos);  // only limit and page_info
  const sim::Response second = this->Send(Follow(next, this->world().LinkOrigin()));
  EXPECT_EQ(Names(second), (std::vector<std::string>{"#1003", "#1001"}));
  EXPECT_FALSE(LinkFor(second, "next"));
}

TYPED_TEST(ShopifyLimits, ExtraParametersWithPageInfoAndTamperedTokensAreRefused) {
  this->SeedSeven();
  const std::string next = *LinkFor(this->Send(Get("/orders.json?limit=3")), "next");
  const sim::Response extra = this->Send(Follow(next + "&status=any", this->world().LinkOrigin()));
  EXPECT_EQ(extra.status, 400);
  EXPECT_EQ(Body(extra)["errors"]["status"],
            "status cannot be passed when page_info is present. See https://shopify.dev/api/usage/pagination-rest for more information.");
  EXPECT_EQ(this->Send(Follow(next + "&fields=id", this->world().LinkOrigin())).status, 200);
  const sim::Response tampered = this->Send(Get("/orders.json?page_info=not-a-token"));
  EXPECT_EQ(tampered.status, 400);
  EXPECT_EQ(Body(tampered), Json::parse(R"({"errors":{"page_info":"Invalid value."}})"));
  // A token from one listing does not open another.
  const std::string page_info = next.substr(next.find("page_info=") + 10);
  EXPECT_EQ(this->Send(Get("/customers/search.json?page_info=" + page_info)).status, 400);
}

TYPED_TEST(ShopifyLimits, ASinglePageHasNoLinkHeader) {
  this->SeedSeven();
  const sim::Response r = this->Send(Get("/orders.json"));
  EXPECT_EQ(Names(r).size(), 7u);
  EXPECT_FALSE(r.headers.Has("Link"));
}

// ---- REST leaky bucket ----

TYPED_TEST(ShopifyLimits, The41stCallOnStandardIs429WithTheRealHeadersAndPassesAfterTheLeak) {
  this->Start();
  for (int i = 1; i <= 40; ++i) {
    const sim::Response r = this->Send(Get("/shop.json"));
    ASSERT_EQ(r.status, 200) << i;
    EXPECT_EQ(r.headers.GetOr("X-Shopify-Shop-Api-Call-Limit", ""), std::to_string(i) + "/40");
  }
  const sim::Response refused = this->Send(Get("/orders.json"));
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.headers.GetOr("X-Shopify-Shop-Api-Call-Limit", ""), "40/40");
  EXPECT_EQ(refused.headers.GetOr("Retry-After", ""), "0.5");
  EXPECT_EQ(Body(refused), Json::parse(R"({"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."})"));
  EXPECT_FALSE(refused.headers.GetOr("X-Request-Id", "").empty());
  this->world().Advance(sim::Ms(500));
  const sim::Response again = this->Send(Get("/orders.json"));
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.headers.GetOr("X-Shopify-Shop-Api-Call-Limit", ""), "40/40");
  // Idle for 10 s drains 20 calls, as the documentation's example.
  this->world().Advance(sim::Sec(10));
  EXPECT_EQ(this->Send(Get("/shop.json")).headers.GetOr("X-Shopify-Shop-Api-Call-Limit", ""), "21/40");
}

TYPED_TEST(ShopifyLimits, TwoTokensOfTheAppShareOneBucket) {
  this->Start();
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(this->Send(Api(sim::Method::kGet, "/shop.json", "", kToken)).status, 200);
    ASSERT_EQ(this->Send(Api(sim::Method::kGet, "/shop.json", "", kSecondToken)).status, 200);
  }
  EXPECT_EQ(this->Send(Api(sim::Method::kGet, "/shop.json", "", kSecondToken)).status, 429);
  EXPECT_EQ(this->Send(Api(sim::Method::kGet, "/shop.json", "", kToken)).status, 429);
}

TYPED_TEST(ShopifyLimits, ARefusedCallDoesNotFillTheBucketAndIsLogged) {
  this->Start();
  for (int i = 0; i < 40; ++i) ASSERT_EQ(this->Send(Get("/shop.json")).status, 200);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(this->Send(Get("/shop.json")).status, 429);
  EXPECT_EQ(this->mock().RestBucketLevel(this->world().Now().monotonic), 40);
  this->world().Advance(sim::Ms(500));
  EXPECT_EQ(this->Send(Get("/shop.json")).status, 200);
  const auto log = this->mock().RequestLogEntries();
  ASSERT_EQ(log.size(), 46u);
  EXPECT_EQ(log[0].rate_limit, "admitted 1/40");
  EXPECT_EQ(log[0].account, "rehearsal-app");
  EXPECT_EQ(log[40].status, 429);
  EXPECT_EQ(log[40].rate_limit, "refused 40/40 retry_after=0.5s");
}

TYPED_TEST(ShopifyLimits, PlansSizeTheBucket) {
  this->Start();
  this->mock().SetPlan(Plan::kAdvanced);
  EXPECT_EQ(this->Send(Get("/shop.json")).headers.GetOr("X-Shopify-Shop-Api-Call-Limit", ""), "1/80");
  sim::Request plus = Api(sim::Method::kPut, "/_rehearsal/limits", R"({"plan":"plus"})", nullptr);
  ASSERT_EQ(this->Send(plus).status, 200);
  const std::string limit(this->Send(Get("/shop.json")).headers.GetOr("X-Shopify-Shop-Api-Call-Limit", ""));
  EXPECT_EQ(limit.substr(limit.find('/')), "/400");
}

// ---- GraphQL cost bucket ----

TYPED_TEST(ShopifyLimits, GraphqlIsThrottledAsHttp200ThenRestored) {
  this->Start();
  this->mock().SetGraphqlLimits({10, 200});
  const sim::Response small = this->Send(Graphql("{ customers(first: 100) { edges { node { id } } } }"));
  ASSERT_EQ(small.status, 200);
  const Json cost = Body(small)["extensions"]["cost"];
  EXPECT_EQ(cost["requestedQueryCost"], 102);
  EXPECT_EQ(cost["actualQueryCost"], 2);
  EXPECT_EQ(cost["throttleStatus"]["currentlyAvailable"], 198);
  const std::string big = "{ customers(first: 197) { edges { node { id } } } }";  // 199 points
  const sim::Response throttled = this->Send(Graphql(big));
  EXPECT_EQ(throttled.status, 200);
  const Json body = Body(throttled);
  EXPECT_FALSE(body.contains("data"));
  EXPECT_EQ(body["errors"][0]["message"], "Throttled");
  EXPECT_EQ(body["errors"][0]["extensions"]["code"], "THROTTLED");
  EXPECT_EQ(body["extensions"]["cost"]["requestedQueryCost"], 199);
  EXPECT_TRUE(body["extensions"]["cost"]["actualQueryCost"].is_null());
  EXPECT_EQ(body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"], 198);
  EXPECT_EQ(body["extensions"]["cost"]["throttleStatus"]["maximumAvailable"], 200.0);
  EXPECT_EQ(body["extensions"]["cost"]["throttleStatus"]["restoreRate"], 10.0);
  EXPECT_NE(throttled.body.find("\"maximumAvailable\":200.0"), std::string::npos) << throttled.body;
  this->world().Advance(sim::Ms(100));
  const sim::Response restored = this->Send(Graphql(big));
  EXPECT_TRUE(Body(restored).contains("data")) << restored.body;
}

TYPED_TEST(ShopifyLimits, AQueryAbove1000PointsIsMaxCostExceeded) {
  this->Start();
  const sim::Response r = this->Send(Graphql(
      "{ customers(first: 250) { edges { node { id orders(first: 10) { edges { node { id } } } } } } }"));
  ASSERT_EQ(r.status, 200);
  const Json body = Body(r);
  const Json& error = body["errors"][0];
  EXPECT_EQ(error["extensions"]["code"], "MAX_COST_EXCEEDED");
  EXPECT_EQ(error["extensions"]["cost"], 2 + 250 * (1 + 2 + 10));
  EXPECT_EQ(error["extensions"]["maxCost"], 1000);
  EXPECT_EQ(error["message"].template get<std::string>().rfind("Query cost is 3252, which exceeds the single query max cost limit (1000).", 0), 0u);
  EXPECT_EQ(body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"], 2000);
}

}  // namespace
}  // namespace rh::mocks::shopify::testing
