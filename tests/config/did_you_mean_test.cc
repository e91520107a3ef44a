// Goal: an input error's hint names the one known name that was plainly meant, and lists them all
// when none was.
#include "config/did_you_mean.h"

#include <gtest/gtest.h>

#include <array>
#include <string_view>

namespace rh::config {
namespace {

constexpr std::array<std::string_view, 4> kRoutes = {"auto_send", "human", "route", "refund_status"};

TEST(DidYouMean, NamesATypo) {
  EXPECT_EQ(DidYouMean("humna", kRoutes), "; did you mean 'human'?");
  EXPECT_EQ(DidYouMean("auto-send", kRoutes), "; did you mean 'auto_send'?");
}

TEST(DidYouMean, NamesAWordCutShortOrInAnotherForm) {
  EXPECT_EQ(DidYouMean("refund", kRoutes), "; did you mean 'refund_status'?");
  EXPECT_EQ(DidYouMean("routing", kRoutes), "; did you mean 'route'?");
}

TEST(DidYouMean, ListsEverythingWhenNothingIsClose) {
  EXPECT_EQ(DidYouMean("xy", kRoutes), "; known: auto_send, human, route, refund_status");
  EXPECT_EQ(DidYouMean("", kRoutes), "; known: auto_send, human, route, refund_status");
}

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
}

}  // namespace
}  // namespace rh::config
