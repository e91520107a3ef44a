#include "config/did_you_mean.h"

#include <algorithm>

namespace rh::config {

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string DidYouMean(std::string_view got, const std::vector<std::string_view>& known) {
  std::string_view best;
  std::size_t best_distance = std::string_view::npos;
  for (const auto name : known) {
    const std::size_t d = EditDistance(got, name);
    if (d < best_distance) {
      best_distance = d;
      best = name;
    }
  }
  // Close enough to be a typo, and something left of what was written ("cy" is not "bo").
  if (!best.empty() && best_distance <= std::max<std::size_t>(2, got.size() / 3) && best_distance < got.size()) {
    return "; did you mean '" + std::string(best) + "'?";
  }
  // Far in edits but plain to see: a name cut short ("skips_signature") or another form of the
  // same word ("routing" for "route"): the two share all of the shorter one but at most its last
  // letter, and at least three letters. Only when one name fits.
  std::string_view stem_match;
  int stem_matches = 0;
  for (const auto name : known) {
    std::size_t common = 0;
    while (common < got.size() && common < name.size() && got[common] == name[common]) ++common;
    const std::size_t shorter = std::min(got.size(), name.size());
    if (common >= 3 && common + 1 >= shorter) {
      stem_match = name;
      ++stem_matches;
    }
  }
  if (stem_matches == 1) return "; did you mean '" + std::string(stem_match) + "'?";
  std::string out = "; known: ";
  for (std::size_t i = 0; i < known.size(); ++i) out += (i ? ", " : "") + std::string(known[i]);
  return out;
}

}  // namespace rh::config
