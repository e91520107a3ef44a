// A regular-expression matcher whose time is linear in the text, for patterns that come from
// scenario files and the LLM mock's inspection surface (scripted answers chosen by a regex over
// the prompt). std::regex backtracks: `(a*)*b` on 28 a's ran for minutes while holding the mock's
// lock, and `(x|y)*z` on 200,000 characters overflowed the stack. This is a Pike VM (Thompson's
// construction, one pass over the text with at most one thread per instruction), so a search
// costs O(text length x program size) time and O(program size) memory, whatever the pattern.
//
// It accepts the subset of ECMAScript syntax (std::regex's default grammar, matched byte by byte
// as std::regex does on std::string) that a search needs: literals, `.`, classes with ranges and
// negation, \d \w \s \D \W \S, \b \B, ^ and $, groups (capturing or not; nothing is captured),
// alternation, and the quantifiers * + ? {n} {n,} {n,m}, greedy or lazy (the same for a yes/no
// search). Backreferences and lookaheads cannot be matched in linear time: Compile refuses them,
// and patterns or counted repetitions so large that the program would not stay small.
// Deterministic; no allocation during Search beyond two vectors sized by the program.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/expected.h"

namespace rh::mocks {

class LinearRegex {
 public:
  // Longest pattern accepted, in bytes, and the largest compiled program (instructions; counted
  // repetitions expand): they bound Search's cost per text byte.
  static constexpr std::size_t kMaxPatternBytes = 1000;
  static constexpr std::size_t kMaxProgramSize = 20'000;

  // The compiled pattern, or why it cannot be matched in linear time or is malformed.
  static sim::Expected<LinearRegex, std::string> Compile(std::string_view pattern);

  // True when the pattern matches somewhere in `text` (std::regex_search's answer).
  bool Search(std::string_view text) const;

  enum class Op : std::uint8_t { kByte, kSplit, kJump, kBegin, kEnd, kWordBoundary, kNotWordBoundary, kMatch };
  struct Instruction {
    Op op = Op::kMatch;
    std::uint32_t x = 0;  // kByte: class index; kSplit and kJump: target
    std::uint32_t y = 0;  // kSplit: second target
  };
  using ByteClass = std::bitset<256>;

 private:
  LinearRegex() = default;

  std::vector<Instruction> program_;
  std::vector<ByteClass> classes_;
};

}  // namespace rh::mocks
