// A small world that exercises the simulation core end to end: shoppers (one coroutine each,
// with their own Rng stream) ask an inventory service for stock and place orders with an order
// service through the in-memory network, with random think times, link jitter, faults (503s and
// lost responses) and a periodic restock timer. It is the workload of the determinism tests,
// the scheduler benchmark and `rehearse sim-check`: a demo of the simulation core, kept beside the
// other demo world (sim/ holds simulation only). Deterministic for a given seed and config.
#pragma once

#include <cstdint>
#include <memory>

#include "sim/time.h"
#include "sim/trace.h"

namespace rh::mocks {

struct SampleWorldConfig {
  std::uint64_t seed = 1;
  int shoppers = 20;
  sim::Duration span = sim::Days(1);
  sim::Duration mean_think_time = sim::Minutes(30);
  sim::Duration restock_every = sim::Hours(6);
  double inventory_error_rate = 0.02;  // 503 from the inventory service
  double order_lost_rate = 0.01;       // order handled, response lost
};

struct SampleWorldResult {
  std::uint64_t events = 0;
  std::uint64_t requests = 0;
  std::uint64_t orders_placed = 0;     // orders the order service recorded
  std::uint64_t orders_confirmed = 0;  // orders whose confirmation reached the shopper
  std::uint64_t retries = 0;
  sim::Duration virtual_elapsed{0};
};

// Runs the world to the end of its span and returns what happened; records into `trace` when
// given.
SampleWorldResult RunSampleWorld(const SampleWorldConfig& config, sim::Trace* trace);

}  // namespace rh::mocks
