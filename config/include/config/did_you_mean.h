// "Did you mean": the hint an input error gives when a name is not one of the known ones (the
// scenario and policy loaders, the CLI). Pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rh::config {

// Levenshtein distance: insertions, deletions and substitutions, one each.
std::size_t EditDistance(std::string_view a, std::string_view b);

// "; did you mean 'window_days'?" when one known name is plainly meant: a typo (at most two
// edits, or a third of the word for long names, with something left of what was written) or the
// same word cut short or in another form ("routing" for "route"); else "; known: a, b, c".
std::string DidYouMean(std::string_view got, const std::vector<std::string_view>& known);

template <class Names>
std::string DidYouMean(std::string_view got, const Names& known) {
  std::vector<std::string_view> names;
  for (const auto& name : known) names.emplace_back(name);
  return DidYouMean(got, names);
}

}  // namespace rh::config
