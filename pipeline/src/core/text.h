// Small text helpers shared by the pipeline's pure parts.
#pragma once

#include <string>
#include <string_view>

namespace rh::pipeline::text {

inline std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

inline bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace rh::pipeline::text
