#include "sim/check.h"

#include <cstdio>
#include <cstdlib>

#include "sim/clock.h"

namespace rh::sim {
namespace {
struct CheckContext {
  bool set = false;
  std::uint64_t seed = 0;
  const Clock* clock = nullptr;
};
thread_local CheckContext g_context;
}  // namespace

void SetCheckContext(std::uint64_t seed, const Clock* clock) { g_context = {true, seed, clock}; }
void ClearCheckContext() { g_context = {}; }

void CheckFailed(const char* expr, const char* file, int line, std::string_view msg) {
  std::fprintf(stderr, "rehearsal: internal check failed: %s\n  at %s:%d\n  %.*s\n", expr, file,
               line, static_cast<int>(msg.size()), msg.data());
  if (g_context.set) {
    std::fprintf(stderr, "  seed=%llu", static_cast<unsigned long long>(g_context.seed));
    if (g_context.clock != nullptr) {
      std::fprintf(stderr, " sim_time=%.9fs",
                   ToSeconds(g_context.clock->Now().time_since_epoch()));
    }
    std::fprintf(stderr, "\n");
  }
  std::abort();
}

}  // namespace rh::sim
