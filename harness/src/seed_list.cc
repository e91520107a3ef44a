// Parsing a sweep's seed list (seed_list.h). Ranges are counted before they are expanded, so a
// spec like 1-18446744073709551615 is refused without allocating anything.
#include "harness/seed_list.h"

#include <charconv>
#include <set>

namespace rh::harness {
namespace {

constexpr std::string_view kLike = "write seeds like 1-100, 1,5,9 or 1-3,10";

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

// Digits only: no sign, no spaces, no 0x.
bool ParseSeed(std::string_view text, std::uint64_t& seed) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

sim::Expected<std::vector<std::uint64_t>, std::string> ParseSeedList(std::string_view spec, std::size_t max_seeds) {
  if (spec.empty()) return sim::MakeUnexpected("--seeds is empty; " + std::string(kLike));
  std::vector<std::uint64_t> seeds;
  std::set<std::uint64_t> seen;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = spec.find(',', start);
    const std::string_view part = spec.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (part.empty()) return sim::MakeUnexpected("--seeds " + Quote(spec) + " has an empty item; " + std::string(kLike));
    const std::size_t dash = part.find('-');
    std::uint64_t first = 0, last = 0;
    const bool ok = dash == std::string_view::npos
                        ? ParseSeed(part, first) && ParseSeed(part, last)
                        : ParseSeed(part.substr(0, dash), first) && ParseSeed(part.substr(dash + 1), last);
    if (!ok) {
      return sim::MakeUnexpected("--seeds: " + Quote(part) + " is neither a seed (a whole number from 0 to " +
                                 std::to_string(UINT64_MAX) + ") nor a range like 1-100; " + std::string(kLike));
    }
    if (last < first) {
      return sim::MakeUnexpected("--seeds: the range " + Quote(part) + " runs backwards; write " + std::to_string(last) +
                                 "-" + std::to_string(first));
    }
    // Counted before expanding: last - first + 1 may not even fit in 64 bits.
    if (last - first >= max_seeds || seeds.size() + (last - first + 1) > max_seeds) {
      return sim::MakeUnexpected("--seeds " + Quote(spec) + " asks for more than " + std::to_string(max_seeds) +
                                 " seeds");
    }
    for (std::uint64_t seed = first;; ++seed) {
      if (!seen.insert(seed).second) {
        return sim::MakeUnexpected("--seeds: seed " + std::to_string(seed) + " is given twice (again in " +
                                   Quote(part) + ")");
      }
      seeds.push_back(seed);
      if (seed == last) break;
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return seeds;
}

}  // namespace rh::harness
