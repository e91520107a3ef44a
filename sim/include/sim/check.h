// Always-on assertions for bugs (broken internal invariants). Not for expected failures, which
// are values (see expected.h). The message carries the seed and simulated time when a run has
// registered them, so a failure can be replayed.
#pragma once

#include <cstdint>
#include <string_view>

namespace rh::sim {

[[noreturn]] void CheckFailed(const char* expr, const char* file, int line, std::string_view msg);

// Context printed with a failed check; set by whoever runs a simulation. Thread-local, so
// parallel runs on several threads each report their own.
void SetCheckContext(std::uint64_t seed, const class Clock* clock);
void ClearCheckContext();

}  // namespace rh::sim

#define RH_CHECK(expr, msg)                                                   \
  do {                                                                        \
    if (!(expr)) [[unlikely]] ::rh::sim::CheckFailed(#expr, __FILE__, __LINE__, (msg)); \
  } while (0)
