// Measuring a load run (internal to rh_harness): from what Gorgias holds and delivered (first
// responses, resolutions), what crossed the in-memory network (each vendor's requests and 429s),
// the pipeline clients' traced waits and retries (time lost to each limit), and what the people
// saw (arrivals, handovers, queues, busy time). Reads only; deterministic.
#pragma once

#include "harness/load_profile.h"
#include "harness/load_result.h"
#include "harness/sim_world.h"
#include "load_traffic.h"

namespace rh::harness::load::detail {

void Measure(const LoadProfile& profile, SimWorld& world, const LoadTraffic& traffic, LoadResult& result);

}  // namespace rh::harness::load::detail
