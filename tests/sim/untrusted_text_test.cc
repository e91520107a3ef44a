// Goal: the checks that run on every client's bytes before JSON code sees them are exact: nesting
// is counted outside strings only, and UTF-8 is judged and repaired by RFC 3629's table.
#include "sim/untrusted_text.h"

#include <gtest/gtest.h>

#include <string>

#include "sim/time.h"

namespace rh::sim {
namespace {

TEST(JsonNesting, CountsArraysAndObjectsButNotBracketsInsideStrings) {
  EXPECT_TRUE(JsonNestingWithin("[[[]]]", 3));
  EXPECT_FALSE(JsonNestingWithin("[[[[]]]]", 3));
  EXPECT_TRUE(JsonNestingWithin(R"({"a":{"b":[1]}})", 3));
  EXPECT_FALSE(JsonNestingWithin(R"({"a":{"b":[[1]]}})", 3));
  EXPECT_TRUE(JsonNestingWithin(R"(["[[[[[[", "\"[[[[["])", 1));
  EXPECT_TRUE(JsonNestingWithin("[]" + std::string(10'000, ' ') + "[]", 1));
  EXPECT_FALSE(JsonNestingWithin(std::string(100'000, '['), kMaxJsonNesting));
  // Unbalanced closers do not make room for deeper opens.
  EXPECT_FALSE(JsonNestingWithin("]]]]" "[[", 1));
}

TEST(Utf8, AcceptsWellFormedTextAndRefusesOverlongsSurrogatesAndStrayBytes) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\xA6"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // cut short
}

TEST(Utf8, RepairsEachBadByteWithAReplacementCharacterAndKeepsGoodText) {
  EXPECT_EQ(ToValidUtf8("ok"), "ok");
  EXPECT_EQ(ToValidUtf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(ToValidUtf8("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(IsValidUtf8(ToValidUtf8("\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80")));
}

TEST(BoundedPrintable, KeepsAPrefixCutOnACharacterBoundaryAndSaysHowMuchWasCut) {
  EXPECT_EQ(BoundedPrintable("short", 10), "short");
  EXPECT_EQ(BoundedPrintable(std::string(100, 'x'), 10), std::string(10, 'x') + "...[90 more bytes]");
  // "é" is two bytes; a cut between them moves back before it.
  EXPECT_EQ(BoundedPrintable("abc\xC3\xA9xyz", 4), "abc...[5 more bytes]");
}

// Found by the klaviyo_filter fuzz target: `greater-than(updated,1012-01-01T00:00:00Z)` overflowed
// the nanosecond count of a WallTime (UBSan: signed integer overflow in chrono).
TEST(Rfc3339, RefusesYearsAWallTimeCannotHoldInsteadOfOverflowing) {
  WallTime t{};
  EXPECT_FALSE(ParseRfc3339("1012-01-01T00:00:00Z", t));
  EXPECT_FALSE(ParseRfc3339("9999-12-31T23:59:59Z", t));
  EXPECT_TRUE(ParseRfc3339("1970-01-01T00:00:00Z", t));
  EXPECT_TRUE(ParseRfc3339("2199-12-31T23:59:59Z", t));
}

}  // namespace
}  // namespace rh::sim
