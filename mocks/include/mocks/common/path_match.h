// Matches request paths against patterns such as "/admin/api/{version}/orders/{id}.json" and
// extracts the named parts. A placeholder matches one non-empty segment, or the part of a
// segment before a literal suffix ("{id}.json"). A trailing slash on the path is ignored,
// because Gorgias accepts both forms.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rh::mocks {

class PathParams {
 public:
  void Add(std::string name, std::string value) { items_.emplace_back(std::move(name), std::move(value)); }
  // The value of `name`; empty when absent.
  std::string_view Get(std::string_view name) const;
  // The value as a non-negative integer, if it is one.
  std::optional<std::uint64_t> GetUint(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

std::optional<PathParams> MatchPath(std::string_view pattern, std::string_view path);

}  // namespace rh::mocks
