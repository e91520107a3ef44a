// How an API caller keeps to a service's limits (DESIGN.md: clients honour Retry-After and the
// rate headers). The ApiCaller asks its Pacing at the three points where limits bite: after each
// response's rate reading, after a refusal (429) that names a wait, and whether that refusal holds
// the account's other calls. This class is the real one and heeds all three; a test may inject
// one that does not (the harness does, to show the rate-limit oracle I8 catches a client that
// ignores limits). Pure and deterministic; stateless, so one may be shared by every caller.
#pragma once

#include <memory>
#include <optional>

#include "pipeline/clients/rate_headers.h"
#include "sim/time.h"

namespace rh::pipeline::clients {

class Pacing {
 public:
  virtual ~Pacing() = default;
  // What the account takes from a response's rate reading to pace its later calls: all of it.
  virtual RateSignal Heed(const RateSignal& reading) const { return reading; }
  // After a refusal: the wait honoured, given what the server asked for (Retry-After, or a
  // throttled reading's pause); nothing when none was asked, and the call backs off on its own.
  virtual std::optional<sim::Duration> Honour(std::optional<sim::Duration> asked) const { return asked; }
  // After a refusal: until when the account's other calls of the same limit are held, given the
  // wait this call takes; nothing lets them go on.
  virtual std::optional<sim::Instant> HoldUntil(sim::Instant now, sim::Duration wait) const { return now + wait; }
};

// The real Pacing, shared.
inline std::shared_ptr<const Pacing> KeepToLimits() {
  static const std::shared_ptr<const Pacing> pacing = std::make_shared<const Pacing>();
  return pacing;
}

}  // namespace rh::pipeline::clients
