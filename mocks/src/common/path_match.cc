#include "mocks/common/path_match.h"

#include <charconv>

namespace rh::mocks {

std::string_view PathParams::Get(std::string_view name) const {
  for (const auto& [k, v] : items_) {
    if (k == name) return v;
  }
  return {};
}

std::optional<std::uint64_t> PathParams::GetUint(std::string_view name) const {
  const std::string_view v = Get(name);
  if (v.empty()) return std::nullopt;
  std::uint64_t out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return out;
}

namespace {
// Splits off the next '/'-separated segment of `s`.
std::string_view NextSegment(std::string_view& s) {
  if (!s.empty() && s.front() == '/') s.remove_prefix(1);
  const auto slash = s.find('/');
  const std::string_view seg = s.substr(0, slash);
  s.remove_prefix(slash == std::string_view::npos ? s.size() : slash);
  return seg;
}
}  // namespace

std::optional<PathParams> MatchPath(std::string_view pattern, std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  PathParams params;
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty()) return std::nullopt;
    const std::string_view p = NextSegment(pattern);
    const std::string_view s = NextSegment(path);
    const auto open = p.find('{');
    if (open == std::string_view::npos) {
      if (p != s) return std::nullopt;
      continue;
    }
    const auto close = p.find('}', open);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view prefix = p.substr(0, open);
    const std::string_view suffix = p.substr(close + 1);
    if (s.size() <= prefix.size() + suffix.size() || !s.starts_with(prefix) || !s.ends_with(suffix)) {
      return std::nullopt;
    }
    params.Add(std::string(p.substr(open + 1, close - open - 1)),
               std::string(s.substr(prefix.size(), s.size() - prefix.size() - suffix.size())));
  }
  return params;
}

}  // namespace rh::mocks
