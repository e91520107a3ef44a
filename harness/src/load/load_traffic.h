// The simulated people of a load rehearsal, driven by a load profile's curve (internal to
// rh_harness):
// - customers: arrivals hour by hour as a Poisson process at the hour's expected tickets (orders
//   on the curve x the hour's contact rate); with the hour's share, a first-time buyer (a new
//   customer with an order placed hours to days before), else a customer who wrote before,
//   again about their order; a share of them (the delay rate) write about a parcel the carrier
//   has just delayed;
// - the helpdesk as people see it: every two minutes, a look at each ticket the automation has
//   not settled yet, from Gorgias's own record (the pipeline's tags), so a ticket it handed over
//   joins the people's queue then;
// - agents on the roster's shifts take that queue in order whenever they are free and on duty,
//   each for the handle time, then send the draft (or their own answer) and close the ticket.
// Only the hours that have come are drawn (one event per hour), so a week of arrivals costs no
// memory before it happens. Deterministic: every draw comes from the world's Rng, forked by purpose.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/load_profile.h"
#include "harness/reference_pipeline.h"
#include "harness/sim_world.h"

namespace rh::harness::load::detail {

// What the people saw of one ticket (virtual times since the run's start).
struct LoadTicket {
  std::uint64_t id = 0;
  std::string intent;  // what the customer really wants
  sim::Instant opened{};
  int hour = 0;
  std::optional<sim::Instant> decided;     // the automation answered or handed it over (as seen)
  bool automated = false;
  std::optional<sim::Instant> handed_over;  // seen tagged for review
  std::optional<sim::Instant> taken;        // a person started on it
};

class LoadTraffic {
 public:
  LoadTraffic(SimWorld& world, ReferencePipeline& reference, const LoadProfile& profile);
  // Schedules the first hour of arrivals and the people's rounds.
  void Start();
  // People stop acting, so the world can run down.
  void Stop() { stopped_ = true; }

  const std::vector<LoadTicket>& tickets() const { return tickets_; }
  // At the end of each hour: tickets waiting for the pipeline, and for a person.
  const std::vector<int>& backlog_pipeline() const { return backlog_pipeline_; }
  const std::vector<int>& backlog_person() const { return backlog_person_; }
  // Seconds agents spent on tickets, by hour of the run.
  const std::vector<double>& busy_seconds() const { return busy_seconds_; }

 private:
  struct Agent {
    const Shift* shift = nullptr;
    int index = 0;  // into the world's agent user ids
    sim::Instant free_at{};
  };
  void ScheduleHour(int hour);
  void Arrive(int hour, sim::Rng& rng);
  void Prepare(std::uint64_t index, bool first_time, bool delayed, std::uint64_t pick, std::uint64_t order_age_h);
  void Write(std::uint64_t index, int hour, bool first_time, const std::string& intent, const std::string& text,
             const std::string& channel);
  CustomerRef NewCustomer();
  void Look();  // the helpdesk round
  void Dispatch();
  void Work(Agent& agent, std::size_t ticket);
  bool OnDuty(const Shift& shift) const;
  void NoteBusy(sim::Instant from, sim::Duration d);
  void RecordBacklog(int hour);
  template <class F>
  auto Guarded(F f) const {
    return [alive = std::weak_ptr<const int>(life_), f = std::move(f)]() mutable {
      if (alive.lock()) f();
    };
  }

  SimWorld& world_;
  ReferencePipeline& reference_;
  const LoadProfile& profile_;
  sim::Rng rng_;
  std::vector<std::string> intents_;
  std::vector<double> intent_weights_;
  std::vector<std::string> channels_;
  std::vector<double> channel_weights_;
  struct CustomerHistory {
    CustomerRef customer;
    OrderRef order;  // the one order they placed
    bool delivered = false;
  };
  std::vector<CustomerHistory> customers_;
  std::vector<LoadTicket> tickets_;
  std::uint64_t arrivals_drawn_ = 0;
  std::map<std::uint64_t, std::pair<CustomerRef, OrderRef>> pending_;  // prepared, not yet written
  std::vector<std::size_t> unsettled_;   // tickets the automation has not answered or handed over
  std::deque<std::size_t> person_queue_;  // handed over, waiting for a person
  std::vector<Agent> agents_;
  std::vector<int> backlog_pipeline_, backlog_person_;
  std::vector<double> busy_seconds_;
  bool stopped_ = false;
  std::shared_ptr<const int> life_ = std::make_shared<const int>(0);
};

}  // namespace rh::harness::load::detail
