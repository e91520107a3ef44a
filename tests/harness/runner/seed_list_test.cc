// Goal: `rehearse run --seeds` reads single seeds, ranges and lists of both in the order written,
// and refuses every doubtful spec (empty, not a number, a range backwards, a seed twice, too many
// seeds, a range too large to count) with a message that says what to write.
#include "harness/seed_list.h"

#include <gtest/gtest.h>

namespace rh::harness {
namespace {

using Seeds = std::vector<std::uint64_t>;

std::string Error(std::string_view spec, std::size_t max = 100) {
  const auto parsed = ParseSeedList(spec, max);
  return parsed ? "(parsed)" : parsed.error();
}

TEST(SeedList, ReadsSeedsRangesAndListsInTheOrderWritten) {
  EXPECT_EQ(ParseSeedList("7", 100).value(), Seeds{7});
  EXPECT_EQ(ParseSeedList("1-5", 100).value(), (Seeds{1, 2, 3, 4, 5}));
  EXPECT_EQ(ParseSeedList("1,5,9", 100).value(), (Seeds{1, 5, 9}));
  EXPECT_EQ(ParseSeedList("10,1-3,20-21", 100).value(), (Seeds{10, 1, 2, 3, 20, 21}));
  EXPECT_EQ(ParseSeedList("4-4", 100).value(), Seeds{4});
  EXPECT_EQ(ParseSeedList("0", 100).value(), Seeds{0});
  EXPECT_EQ(ParseSeedList("18446744073709551614-18446744073709551615", 100).value(),
            (Seeds{18446744073709551614ull, 18446744073709551615ull}));
}

TEST(SeedList, AcceptsExactlyTheMaximumAndRefusesOneMore) {
  EXPECT_EQ(ParseSeedList("1-100", 100).value().size(), 100u);
  EXPECT_EQ(Error("1-101"), "--seeds '1-101' asks for more than 100 seeds");
  EXPECT_EQ(Error("1-60,61-101"), "--seeds '1-60,61-101' asks for more than 100 seeds");
  EXPECT_EQ(Error("0-18446744073709551615"), "--seeds '0-18446744073709551615' asks for more than 100 seeds");
}

TEST(SeedList, RefusesDoubtfulSpecsSayingWhatToWrite) {
  EXPECT_EQ(Error(""), "--seeds is empty; write seeds like 1-100, 1,5,9 or 1-3,10");
  EXPECT_EQ(Error("x"),
            "--seeds: 'x' is neither a seed (a whole number from 0 to 18446744073709551615) nor a range like 1-100; "
            "write seeds like 1-100, 1,5,9 or 1-3,10");
  EXPECT_EQ(Error("5-1"), "--seeds: the range '5-1' runs backwards; write 1-5");
  EXPECT_EQ(Error("1,,2"), "--seeds '1,,2' has an empty item; write seeds like 1-100, 1,5,9 or 1-3,10");
  EXPECT_EQ(Error("1,"), "--seeds '1,' has an empty item; write seeds like 1-100, 1,5,9 or 1-3,10");
  EXPECT_EQ(Error("1-5,3"), "--seeds: seed 3 is given twice (again in '3')");
  EXPECT_NE(Error("-1").find("'-1' is neither a seed"), std::string::npos);
  EXPECT_NE(Error("1-2-3").find("'1-2-3' is neither a seed"), std::string::npos);
  EXPECT_NE(Error(" 1").find("' 1' is neither a seed"), std::string::npos);
  EXPECT_NE(Error("18446744073709551616").find("is neither a seed"), std::string::npos);
}

}  // namespace
}  // namespace rh::harness
