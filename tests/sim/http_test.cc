// Goal: the HTTP model matches HTTP's rules where they matter to mocks and clients:
// case-insensitive field names, repeated fields, query decoding, method names.
#include "sim/http.h"

#include <gtest/gtest.h>

namespace rh::sim {
namespace {

TEST(Headers, LookUpIgnoringCaseAndKeepOrder) {
  Headers h;
  h.Add("X-Shopify-Hmac-Sha256", "abc");
  h.Add("Set-Cookie", "a=1");
  h.Add("set-cookie", "b=2");
  EXPECT_EQ(h.Get("x-shopify-hmac-sha256"), "abc");
  EXPECT_EQ(h.Get("SET-COOKIE"), "a=1");
  EXPECT_EQ(h.size(), 3u);
  h.Set("Set-Cookie", "c=3");
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(h.fields().back().second, "c=3");
  h.Remove("x-SHOPIFY-hmac-sha256");
  EXPECT_FALSE(h.Has("X-Shopify-Hmac-Sha256"));
  EXPECT_EQ(h.GetOr("Missing", "fallback"), "fallback");
}

TEST(Request, SplitsPathAndDecodesQuery) {
  Request r;
  r.target = "/admin/api/2025-01/orders.json?email=ann%40example.com&status=any&tag=a+b&flag&tag=c";
  EXPECT_EQ(r.Path(), "/admin/api/2025-01/orders.json");
  EXPECT_EQ(r.Query("email"), "ann@example.com");
  EXPECT_EQ(r.Query("tag"), "a b");
  EXPECT_EQ(r.Query("flag"), "");
  EXPECT_EQ(r.Query("absent"), std::nullopt);
  EXPECT_EQ(r.QueryParams().size(), 5u);
}

TEST(Request, WithoutQueryHasEmptyQuery) {
  Request r;
  r.target = "/api/tickets";
  EXPECT_EQ(r.Path(), "/api/tickets");
  EXPECT_TRUE(r.RawQuery().empty());
  EXPECT_TRUE(r.QueryParams().empty());
}

TEST(PercentCoding, RoundTripsAndLeavesBadEscapesAlone) {
  EXPECT_EQ(PercentEncode("a b/c@d~"), "a%20b%2Fc%40d~");
  EXPECT_EQ(PercentDecode(PercentEncode("päyload & more")), "päyload & more");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz"), "%zz");
}

TEST(Method, ParsesOnlyExactNames) {
  EXPECT_EQ(ParseMethod("PATCH"), Method::kPatch);
  EXPECT_EQ(ParseMethod("patch"), std::nullopt);
  EXPECT_EQ(ParseMethod("BREW"), std::nullopt);
  EXPECT_EQ(MethodName(Method::kDelete), "DELETE");
}

TEST(Response, HelpersSetContentTypeAndReasonPhrasesAreStandard) {
  EXPECT_EQ(Response::Json(429, "{}").headers.Get("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(ReasonPhrase(429), "Too Many Requests");
  EXPECT_EQ(ReasonPhrase(413), "Content Too Large");
  EXPECT_EQ(ReasonPhrase(799), "Unknown");
}

}  // namespace
}  // namespace rh::sim
