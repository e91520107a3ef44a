// Generated traffic and simulated people for a store profile (a scenario's `generate:`): a store
// of customers and orders (repeat buyers, shipments in transit or delivered, some delayed), a day
// of tickets at the vertical's contact rate with the profile's intent mix, customers who follow
// up when unanswered, and agents who work the tickets the pipeline hands over (confirm, edit or
// override the draft after their handle time, then close the ticket). Deterministic: every draw
// comes from the world's Rng, forked by purpose.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "harness/reference_pipeline.h"
#include "harness/scenario.h"
#include "harness/sim_world.h"

namespace rh::harness {

// Tickets per 100 orders by vertical (DESIGN.md, $10M GMV band); 22 (apparel) when unknown.
double TicketsPer100Orders(const std::string& vertical);
// The built-in intent mix: WISMO a third, as for a typical small brand.
const std::map<std::string, double>& DefaultIntentMix();

class TrafficGenerator {
 public:
  TrafficGenerator(SimWorld& world, ReferencePipeline& reference, scenario::Generate profile,
                   std::string vertical = "apparel");
  // Seeds the store and schedules the traffic and the people; returns how long the traffic lasts.
  sim::Duration Start();
  // People stop acting (their rounds end), so the world can run down.
  void Stop() { stopped_ = true; }

  int tickets_planned() const { return tickets_planned_; }

 private:
  struct OpenTicket {
    std::uint64_t id = 0;
    std::size_t customer = 0;
    bool agent_done = false;
    bool followed_up = false;
    sim::Instant opened{};
  };
  void AgentRound();
  void ScheduleRound();

  SimWorld& world_;
  ReferencePipeline& reference_;
  scenario::Generate profile_;
  std::string vertical_;
  sim::Rng rng_;
  std::vector<CustomerRef> customers_;
  std::vector<std::pair<std::size_t, OrderRef>> orders_;  // (customer index, order)
  std::vector<OpenTicket> tickets_;
  std::vector<sim::Instant> agent_free_at_;
  sim::Instant end_{};
  int tickets_planned_ = 0;
  bool stopped_ = false;
};

}  // namespace rh::harness
