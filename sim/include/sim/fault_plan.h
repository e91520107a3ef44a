// The fault plan: which requests on the in-memory network get extra latency, an error status,
// a dropped connection, or no answer at all. Rules match by host, path prefix, method and a
// window of virtual time, and fire with a probability (drawn from the run's seeded Rng) or on
// exactly the Nth matching request, which is how fault sweeps fail the first upstream call, then
// the second, and so on. A fault is not an error of the simulation: it is a response the plan
// chose. Deterministic given the Rng stream passed in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/http.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace rh::sim {

enum class FaultKind {
  kExtraLatency,        // the request is delayed by `extra_latency`, then handled normally
  kErrorStatus,         // answered with `status` (and `body`, `headers`) without reaching the service
  kDropBeforeHandling,  // the connection drops before the service sees the request
  kDropAfterHandling,   // the service handles it, but the response is lost (ambiguous failure)
  kNoResponse,          // the request vanishes; the client times out
};

std::string_view FaultKindName(FaultKind k);
std::optional<FaultKind> ParseFaultKind(std::string_view name);

struct FaultRule {
  std::string name;         // shown in traces
  std::string host;         // empty: any host
  std::string path_prefix;  // empty: any path
  std::optional<Method> method;
  FaultKind kind = FaultKind::kErrorStatus;
  double probability = 1.0;          // chance per matching request
  std::uint64_t nth = 0;             // > 0: fire only on the Nth matching request (1-based)
  std::uint64_t max_fires = UINT64_MAX;
  Instant active_from{};
  Instant active_until = Instant::max();
  int status = 503;
  std::string body;
  Headers headers;  // e.g. Retry-After on a 429
  Duration extra_latency{0};
};

// What the plan decided for one request.
struct FaultOutcome {
  Duration extra_latency{0};
  // The first terminal fault that fired (status, drop, no response), if any.
  const FaultRule* terminal = nullptr;
  // Names of every rule that fired, in rule order, for the trace.
  std::vector<std::string> fired;
};

class FaultPlan {
 public:
  void Add(FaultRule rule);
  void Clear();
  bool empty() const { return rules_.empty(); }
  const std::vector<FaultRule>& rules() const { return rules_; }
  // How often rule `i` matched and fired so far.
  std::uint64_t matches(std::size_t i) const { return state_[i].matches; }
  std::uint64_t fires(std::size_t i) const { return state_[i].fires; }

  // Decides the faults for one request to `host` at `now`, drawing from `rng`.
  FaultOutcome Decide(std::string_view host, const Request& request, Instant now, Rng& rng);

 private:
  struct RuleState {
    std::uint64_t matches = 0;
    std::uint64_t fires = 0;
  };
  std::vector<FaultRule> rules_;
  std::vector<RuleState> state_;
};

}  // namespace rh::sim
