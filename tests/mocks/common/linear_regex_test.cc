// Goal: LinearRegex answers exactly as std::regex_search (ECMAScript, byte by byte) on the subset
// it accepts, refuses what cannot be matched in linear time with a reason, and stays linear on the
// patterns that make a backtracking matcher explode.
#include "mocks/common/linear_regex.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

namespace rh::mocks {
namespace {

bool Search(std::string_view pattern, std::string_view text) {
  const auto regex = LinearRegex::Compile(pattern);
  EXPECT_TRUE(regex.has_value()) << pattern << ": " << (regex ? "" : regex.error());
  return regex && regex->Search(text);
}

TEST(LinearRegex, AgreesWithStdRegexOnTheSupportedSubset) {
  const std::vector<std::string> patterns = {
      "abc", "a.c", "^abc", "abc$", "^$", "a|b|c", "(ab)+", "(?:ab)*c", "a?b", "[a-c]+x", "[^a-c]", "\\d{3}",
      "\\w+@\\w+\\.com", "\\s", "\\S+", "\\bcat\\b", "\\Bat", "x{2,}", "x{1,3}y", "colou?r", "(a|ab)(c|bcd)(d*)",
      "[\\d.]+", "\\$\\d+\\.\\d\\d", "where is my (order|package)", "refund|money back", "[-a]", "a{0}b",
      "\\x41", "[\\x30-\\x39]+", "(a*)*b", "(x|y)*z", ".*", "a+?b", "\\.", "[a\\-z]"};
  const std::vector<std::string> texts = {"", "abc", "xabcx", "aXc", "ab", "ababc", "c", "123", "12", "me@shop.com",
                                          "a b", "the cat sat", "concatenate", "xxx", "xy", "color", "colour",
                                          "abcd", "3.14", "$12.50", "where is my package?", "I want my money back",
                                          "]", "-", "b", "A", "0099", "aaaa", "xyxyz", "a\nb", "aab"};
  for (const std::string& pattern : patterns) {
    const std::regex reference(pattern);
    for (const std::string& text : texts) {
      EXPECT_EQ(Search(pattern, text), std::regex_search(text, reference)) << "/" << pattern << "/ on \"" << text << "\"";
    }
  }
}

TEST(LinearRegex, RefusesWhatCannotBeMatchedInLinearTimeAndSaysWhy) {
  for (const auto& [pattern, reason] : std::vector<std::pair<std::string, std::string>>{
           {"(a)\\1", "backreference"},
           {"a(?=b)", "lookahead"},
           {"a(?!b)", "lookahead"},
           {"(", "missing )"},
           {")", "unmatched )"},
           {"[a", "missing ]"},
           {"*a", "nothing to repeat"},
           {"a{2,1}", "below its minimum"},
           {"a{5000}", "repetition count"},
           {"(((((a{1000}){1000})))){1000}", "program"},
           {std::string(2000, 'a'), "longer than"},
           {"\\u0100", "above"},
           {"\\q", "unsupported escape"}}) {
    const auto regex = LinearRegex::Compile(pattern);
    ASSERT_FALSE(regex.has_value()) << pattern;
    EXPECT_NE(regex.error().find(reason), std::string::npos) << pattern << ": " << regex.error();
  }
}

TEST(LinearRegex, StaysLinearOnPatternsThatMakeBacktrackingExplode) {
  // std::regex runs out of stack on the first and takes minutes on the second.
  EXPECT_TRUE(Search("(x|y)*z", std::string(200'000, 'x') + "z"));
  EXPECT_FALSE(Search("(a*)*b", std::string(28, 'a')));
  EXPECT_FALSE(Search("(a|aa)*c", std::string(100'000, 'a')));
  EXPECT_FALSE(Search("^(\\w+\\s?)*$", std::string(50'000, 'w') + "!"));
}

}  // namespace
}  // namespace rh::mocks
