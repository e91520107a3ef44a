// Generated traffic and simulated people for a store profile (a scenario's `generate:`):
// - a store of customers and orders (repeat buyers, shipments in transit or delivered);
// - carriers: some shipments in transit hit an exception during the day;
// - customers: a day of tickets at the vertical's contact rate, on the profile's channel mix. Some
//   are triggered (a customer whose parcel is delayed writes about it, with a probability); the
//   rest arrive through the day with the intent mix. They follow up once when unanswered for a
//   day, and write again when an automatic answer missed the point (the pipeline triaged another
//   intent than the one they had), with a probability;
// - agents on a shift (times of day in the store's zone) work the tickets the pipeline hands
//   over, in arrival order, each taking the handle time: confirm the draft, edit it, or override
//   it with a reason; then they close the ticket.
// Deterministic: every draw comes from the world's Rng, forked by purpose.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/scenario.h"
#include "harness/sim_world.h"
#include "pipeline/decision_log.h"
#include "pipeline/store_time.h"

namespace rh::harness {

// Tickets per 100 orders by vertical (DESIGN.md, $10M GMV band); 22 (apparel) when unknown.
double TicketsPer100Orders(const std::string& vertical);
// The built-in intent mix: WISMO a third, as for a typical small brand.
const std::map<std::string, double>& DefaultIntentMix();
// The built-in channel mix: mostly e-mail, then chat, then SMS.
const std::map<std::string, double>& DefaultChannelMix();

class TrafficGenerator {
 public:
  // `store` gives the vertical (unless the profile names one) and the time zone of the shifts.
  // Agents read drafts from `decisions`, the pipeline's decision log (empty for an outside
  // pipeline until the run ends: its agents then write their own replies).
  TrafficGenerator(SimWorld& world, pipeline::DecisionLog& decisions, scenario::Generate profile,
                   const scenario::Store& store = {});
  // Seeds the store and schedules the traffic and the people; returns how long the traffic lasts.
  sim::Duration Start();
  // People stop acting (their rounds end), so the world can run down.
  void Stop() { stopped_ = true; }

  int tickets_planned() const { return tickets_planned_; }
  std::int64_t tickets_opened() const { return static_cast<std::int64_t>(tickets_.size()); }

 private:
  struct OpenTicket {
    std::uint64_t id = 0;
    std::size_t customer = 0;
    std::string intent;   // what the customer really wants
    std::string channel;
    std::string text;
    bool agent_done = false;
    bool followed_up = false;
    bool answer_judged = false;  // the customer read the automatic answer
    sim::Instant opened{};
    // The ticket's tags as last read, valid while the world's stamp for it has not moved.
    std::optional<std::uint64_t> read_at_stamp;
    bool exists = false, needs_review = false, replied = false;
  };
  // Schedules a customer's first message of a new ticket.
  void WriteAt(sim::Instant when, std::size_t customer, std::string intent, std::string text, std::string channel);
  std::string DrawChannel(sim::Rng& rng) const;
  bool OnShift() const;
  void AgentRound();
  // Reads the ticket's tags from Gorgias unless nothing wrote to it since the last read.
  void RefreshTags(OpenTicket& ticket);
  void ScheduleRound();
  // `f` made safe to schedule: it does nothing once this generator is gone (the world may run on
  // after it, e.g. while the pipeline drains).
  template <class F>
  auto Guarded(F f) const {
    return [alive = std::weak_ptr<const int>(life_), f = std::move(f)]() mutable {
      if (alive.lock()) f();
    };
  }

  SimWorld& world_;
  pipeline::DecisionLog& decisions_;
  scenario::Generate profile_;
  std::string vertical_;
  pipeline::TimeZone zone_;
  sim::Rng rng_;
  std::vector<CustomerRef> customers_;
  std::vector<std::pair<std::size_t, OrderRef>> orders_;  // (customer index, order)
  std::vector<OpenTicket> tickets_;
  std::vector<sim::Instant> agent_free_at_;
  sim::Instant end_{};
  int tickets_planned_ = 0;
  bool stopped_ = false;
  std::shared_ptr<const int> life_ = std::make_shared<const int>(0);
};

}  // namespace rh::harness
