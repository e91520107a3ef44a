// The seeds of a sweep, as a person writes them on the command line (`rehearse run --seeds 1-100`):
// single seeds and inclusive ranges separated by commas ("1-20", "1,5,9", "1-3,10,20-22"). Pure
// parsing, deterministic; a spec that is empty, malformed, runs a range backwards, names a seed
// twice or asks for more than `max_seeds` seeds is refused with a message saying what to write.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/expected.h"

namespace rh::harness {

// The seeds in the order written. The error names the part of `spec` at fault.
sim::Expected<std::vector<std::uint64_t>, std::string> ParseSeedList(std::string_view spec, std::size_t max_seeds);

}  // namespace rh::harness
