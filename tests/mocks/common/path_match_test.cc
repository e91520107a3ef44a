// Goal: route patterns match whole segments, capture placeholders (also before a suffix such as
// ".json"), and ignore one trailing slash.
#include "mocks/common/path_match.h"

#include <gtest/gtest.h>

namespace rh::mocks {
namespace {

TEST(MatchPath, CapturesPlaceholdersBeforeASuffix) {
  auto m = MatchPath("/admin/api/{version}/orders/{id}.json", "/admin/api/2025-07/orders/450789469.json");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->Get("version"), "2025-07");
  EXPECT_EQ(m->GetUint("id"), 450789469u);
}

TEST(MatchPath, IgnoresATrailingSlash) {
  EXPECT_TRUE(MatchPath("/api/tickets/{id}", "/api/tickets/12/"));
  EXPECT_TRUE(MatchPath("/api/tickets", "/api/tickets/"));
}

TEST(MatchPath, RefusesDifferentShapes) {
  EXPECT_FALSE(MatchPath("/api/tickets/{id}", "/api/tickets"));
  EXPECT_FALSE(MatchPath("/api/tickets/{id}", "/api/tickets/1/messages"));
  EXPECT_FALSE(MatchPath("/admin/api/{v}/orders/{id}.json", "/admin/api/2025-07/orders/.json"));
  EXPECT_FALSE(MatchPath("/admin/api/{v}/orders/{id}.json", "/admin/api/2025-07/orders/1.xml"));
  EXPECT_FALSE(MatchPath("/api/users", "/api/tickets"));
}

TEST(PathParams, GetUintRefusesNonNumbers) {
  auto m = MatchPath("/api/tickets/{id}", "/api/tickets/12x");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->GetUint("id"), std::nullopt);
  EXPECT_EQ(m->Get("absent"), "");
}

}  // namespace
}  // namespace rh::mocks
