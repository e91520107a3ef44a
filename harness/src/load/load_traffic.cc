#include "load_traffic.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "harness/traffic.h"
#include "pipeline/decision_log.h"

namespace rh::harness::load::detail {
namespace {

// How often the people look at the helpdesk (the automation's tags, the queue).
constexpr sim::Duration kLookEvery = sim::Minutes(2);

// Customers' words per intent: some match the pipeline's rules, some need the LLM.
const std::map<std::string, std::vector<std::string>>& Phrases() {
  static const std::map<std::string, std::vector<std::string>> phrases = {
      {"wismo", {"Hi, where is my order?", "Any news about my package? It should have arrived by now."}},
      {"return", {"I want to return the hoodie, it does not fit.", "Can I return this? It's not what I expected."}},
      {"exchange", {"Can I exchange it for a size L?", "I'd like to swap it for a different colour please."}},
      {"cancel", {"Please cancel my order.", "I ordered by mistake, can you cancel the order?"}},
      {"address_change", {"Please change my shipping address to 12 Elm St."}},
      {"damaged_item", {"My item arrived damaged.", "The mug came broken in the box."}},
      {"delivered_not_received", {"It says delivered but I never got it."}},
      {"refund_status", {"Where is my refund?", "I returned the item two weeks ago and still no refund."}},
      {"discount_request", {"Do you have a discount code?", "Any promo code for Black Friday?"}},
      {"product_question", {"Is the hoodie machine washable?", "What material is the lining made of?"}},
      {"other", {"Hello, I have a question about your company.", "Do you ship to Canada?"}},
  };
  return phrases;
}

void Split(const std::map<std::string, double>& mix, std::vector<std::string>& names, std::vector<double>& weights) {
  for (const auto& [name, share] : mix) {
    names.push_back(name);
    weights.push_back(share);
  }
}

int HourOf(sim::Instant t) { return static_cast<int>(t.time_since_epoch() / sim::Hours(1)); }

}  // namespace

LoadTraffic::LoadTraffic(SimWorld& world, ReferencePipeline& reference, const LoadProfile& profile)
    : world_(world), reference_(reference), profile_(profile), rng_(world.rng().Fork("load")) {
  Split(profile_.intent_mix.empty() ? DefaultIntentMix() : profile_.intent_mix, intents_, intent_weights_);
  Split(profile_.channel_mix.empty() ? DefaultChannelMix() : profile_.channel_mix, channels_, channel_weights_);
  int index = 0;
  for (const Shift& shift : profile_.shifts) {
    for (int i = 0; i < shift.agents; ++i) agents_.push_back({&shift, index++, sim::Instant{}});
  }
  const std::size_t hours = static_cast<std::size_t>(profile_.hours()) + static_cast<std::size_t>(profile_.drain / sim::Hours(1)) + 1;
  busy_seconds_.assign(hours, 0.0);
}

void LoadTraffic::Start() {
  ScheduleHour(0);
  world_.scheduler().ScheduleAfter(kLookEvery, Guarded([this] { Look(); }));
}

void LoadTraffic::ScheduleHour(int hour) {
  const sim::Instant begins = sim::Instant{} + sim::Hours(hour);
  world_.scheduler().ScheduleAt(begins, Guarded([this, hour] {
    if (hour > 0) RecordBacklog(hour - 1);
    if (stopped_) return;
    if (hour < profile_.hours()) {
      sim::Rng rng = rng_.Fork("hour", static_cast<std::uint64_t>(hour));
      Arrive(hour, rng);
    }
    // The queues are still recorded hourly while the world drains.
    if (static_cast<std::size_t>(hour) + 1 < busy_seconds_.size()) ScheduleHour(hour + 1);
  }));
}

// A Poisson process at the hour's expected tickets: exponential gaps, the ones inside the hour.
void LoadTraffic::Arrive(int hour, sim::Rng& rng) {
  const double expected = profile_.TicketsInHour(hour);
  if (expected <= 0) return;
  const double mean_gap_s = 3600.0 / expected;
  const double toward_peak = profile_.PeakFactor() > 1
                                 ? std::clamp((profile_.days[static_cast<std::size_t>(hour / 24)].factor - 1) / (profile_.PeakFactor() - 1), 0.0, 1.0)
                                 : 0.0;
  const double first_time_share = profile_.first_time_buyer_share +
                                  (profile_.first_time_buyer_share_at_peak - profile_.first_time_buyer_share) * toward_peak;
  double at_s = rng.Exponential(mean_gap_s);
  for (; at_s < 3600.0; at_s += rng.Exponential(mean_gap_s)) {
    const sim::Instant when = sim::Instant{} + sim::Hours(hour) + sim::Ms(static_cast<std::int64_t>(at_s * 1000));
    const bool first_time = customers_.empty() || rng.Bernoulli(first_time_share);
    const bool delayed = rng.Bernoulli(profile_.delay_rate);
    std::string intent = delayed ? "wismo" : intents_[rng.WeightedIndex(intent_weights_)];
    const auto& bank = Phrases().count(intent) ? Phrases().at(intent) : Phrases().at("other");
    std::string text = bank[static_cast<std::size_t>(rng.Below(bank.size()))];
    if (delayed) text += " The tracking says delayed.";
    const std::string channel = channels_[rng.WeightedIndex(channel_weights_)];
    const std::uint64_t order_age_h = static_cast<std::uint64_t>(rng.UniformInt(delayed ? 30 : 2, 24 * 6));
    const std::uint64_t pick = first_time ? 0 : rng.Below(customers_.size());
    // A delayed parcel's scan comes first: the customer writes half an hour to three hours later.
    const sim::Duration scan_before = delayed ? sim::Minutes(rng.UniformInt(30, 180)) : sim::Duration{0};
    const sim::Instant prepare_at = std::max(world_.scheduler().Now(), when - scan_before);
    const std::uint64_t index = arrivals_drawn_++;
    world_.scheduler().ScheduleAt(prepare_at, Guarded([this, index, first_time, delayed, pick, order_age_h] {
      Prepare(index, first_time, delayed, pick, order_age_h);
    }));
    world_.scheduler().ScheduleAt(when, Guarded([this, index, hour, first_time, intent, text, channel] {
      Write(index, hour, first_time, intent, text, channel);
    }));
  }
}

// The customer (new, or a repeat buyer) and the order the ticket is about, with its carrier scan
// when the parcel is delayed.
// A first-time buyer is a new customer with an order placed hours to days ago (nobody has seen
// them before, so its history may be backdated). A repeat buyer writes again about their latest
// order: an order seeded now with a past date would rewrite what the oracles already judged at
// those times. A delayed parcel gets the carrier's scan now.
void LoadTraffic::Prepare(std::uint64_t index, bool first_time, bool delayed, std::uint64_t pick, std::uint64_t order_age_h) {
  if (!first_time) {
    const auto who = static_cast<std::size_t>(pick % customers_.size());
    CustomerHistory& known = customers_[who];
    if (delayed && known.order.fulfillment_id && !known.delivered) world_.CarrierEvent(known.order, "delayed", "Carrier delay");
    pending_[index] = {known.customer, known.order};
    return;
  }
  sim::Rng seed = rng_.Fork("customer", index);
  const CustomerRef customer = NewCustomer();
  OrderSpec order;
  char price[32];
  std::snprintf(price, sizeof price, "%.2f", std::max(5.0, seed.Normal(profile_.average_order_value, profile_.average_order_value / 3)));
  order.items = {LineItemSpec{"Hoodie", "HD-M-BLK", 1, price}};
  order.age = sim::Hours(static_cast<std::int64_t>(order_age_h));
  bool delivered = false;
  if (order.age > sim::Hours(20)) {
    delivered = !delayed && order.age > sim::Days(4);
    order.fulfillment = FulfillmentSpec{"UPS", "1Z999AA1" + std::to_string(3000000000ULL + index),
                                        delivered ? "delivered" : "in_transit", order.age - sim::Hours(18)};
  }
  const OrderRef ref = world_.AddOrder(customer, order);
  if (delayed && ref.fulfillment_id) world_.CarrierEvent(ref, "delayed", "Carrier delay");
  customers_.push_back({customer, ref, delivered});
  pending_[index] = {customer, ref};
}

void LoadTraffic::Write(std::uint64_t index, int hour, bool first_time, const std::string& intent, const std::string& text,
                        const std::string& channel) {
  const auto it = pending_.find(index);
  if (it == pending_.end()) return;
  const auto [customer, ref] = it->second;
  pending_.erase(it);
  sim::Rng seed = rng_.Fork("words", index);
  // A repeat buyer has several orders and names the one they mean; a first-time buyer may not.
  const bool names_order = !first_time || seed.Bernoulli(0.5);
  const auto written = world_.CustomerWrites(customer, text + (names_order ? " Order " + ref.name + "." : ""), channel);
  world_.RecordTrueIntent(written.message_id, intent);
  tickets_.push_back({.id = written.ticket_id, .intent = intent, .opened = world_.scheduler().Now(), .hour = hour});
  unsettled_.push_back(tickets_.size() - 1);
}

CustomerRef LoadTraffic::NewCustomer() {
  const std::string n = std::to_string(customers_.size() + 1);
  CustomerSpec spec;
  spec.first_name = "Shopper";
  spec.last_name = n;
  spec.email = "shopper" + n + "@example.com";
  spec.phone = "+1555" + std::to_string(6000000 + customers_.size());
  return world_.AddCustomer(spec);
}

// The helpdesk round: what the automation did with each unsettled ticket, read from Gorgias's
// tags; then free agents take the queue.
void LoadTraffic::Look() {
  if (stopped_) return;
  const sim::Instant now = world_.scheduler().Now();
  std::vector<std::size_t> still;
  for (std::size_t i : unsettled_) {
    LoadTicket& t = tickets_[i];
    const auto json = world_.gorgias().TicketJson(t.id);
    bool needs_review = false, replied = false;
    if (json) {
      for (const auto& tag : (*json)["tags"]) {
        needs_review = needs_review || tag["name"] == "needs-review";
        replied = replied || tag["name"] == "auto-replied";
      }
    }
    if (needs_review) {
      t.decided = t.handed_over = now;
      person_queue_.push_back(i);
    } else if (replied) {
      t.decided = now;
      t.automated = true;
    } else {
      still.push_back(i);
    }
  }
  unsettled_ = std::move(still);
  Dispatch();
  world_.scheduler().ScheduleAfter(kLookEvery, Guarded([this] { Look(); }));
}

bool LoadTraffic::OnDuty(const Shift& shift) const {
  const sim::Duration time_of_day = world_.scheduler().Now().time_since_epoch() % sim::Days(1);
  return shift.start <= shift.end ? (time_of_day >= shift.start && time_of_day < shift.end)
                                  : (time_of_day >= shift.start || time_of_day < shift.end);
}

void LoadTraffic::Dispatch() {
  const sim::Instant now = world_.scheduler().Now();
  for (Agent& agent : agents_) {
    if (person_queue_.empty()) return;
    if (agent.free_at > now || !OnDuty(*agent.shift)) continue;
    const std::size_t ticket = person_queue_.front();
    person_queue_.pop_front();
    Work(agent, ticket);
  }
}

// The agent works the ticket for the handle time, then answers (the draft, edited now and then,
// or their own words with a reason) and closes it; then looks for the next.
void LoadTraffic::Work(Agent& agent, std::size_t ticket) {
  const sim::Instant now = world_.scheduler().Now();
  tickets_[ticket].taken = now;
  agent.free_at = now + profile_.handle_time;
  NoteBusy(now, profile_.handle_time);
  world_.scheduler().ScheduleAt(agent.free_at, Guarded([this, &agent, ticket] {
    const LoadTicket& t = tickets_[ticket];
    std::string draft;
    if (auto rows = reference_.log().ForTicket(t.id)) {
      for (const auto& r : *rows) {
        if (!r.draft.empty()) draft = r.draft;
      }
    }
    sim::Rng choice = rng_.Fork("agent", t.id);
    const double roll = choice.Uniform01();
    if (draft.empty() || roll < 0.05) {
      world_.AgentNote(t.id, agent.index, "Reason: needs a personal answer");
      world_.AgentReplies(t.id, agent.index, "Hello, this is our support team: we have looked into it and will sort it out for you.");
    } else {
      world_.AgentReplies(t.id, agent.index, roll < 0.15 ? draft + "\n\nThanks for your patience." : draft);
    }
    world_.CloseTicket(t.id, agent.index);
    if (!stopped_) Dispatch();
  }));
}

void LoadTraffic::NoteBusy(sim::Instant from, sim::Duration d) {
  // Split the busy span over the hours it covers.
  sim::Instant at = from;
  const sim::Instant until = from + d;
  while (at < until) {
    const int hour = HourOf(at);
    const sim::Instant hour_end = sim::Instant{} + sim::Hours(hour + 1);
    const sim::Instant stop = std::min(until, hour_end);
    if (static_cast<std::size_t>(hour) < busy_seconds_.size()) busy_seconds_[static_cast<std::size_t>(hour)] += sim::ToSeconds(stop - at);
    at = stop;
  }
}

void LoadTraffic::RecordBacklog(int hour) {
  if (static_cast<int>(backlog_pipeline_.size()) != hour) return;  // each hour once
  backlog_pipeline_.push_back(static_cast<int>(unsettled_.size()));
  backlog_person_.push_back(static_cast<int>(person_queue_.size()));
}

}  // namespace rh::harness::load::detail
