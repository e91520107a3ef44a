#include "harness/traffic.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "pipeline/decision_log.h"

namespace rh::harness {
namespace {

// Customers' words per intent: some match the pipeline's rules, some need the LLM.
const std::map<std::string, std::vector<std::string>>& Phrases() {
  static const std::map<std::string, std::vector<std::string>> phrases = {
      {"wismo", {"Hi, where is my order?", "Any news about my package? It should have arrived by now.",
                 "Has my order shipped yet? I need it before the weekend."}},
      {"return", {"I want to return the hoodie, it does not fit.", "Can I return this? It's not what I expected."}},
      {"exchange", {"Can I exchange it for a size L?", "I'd like to swap it for a different colour please."}},
      {"cancel", {"Please cancel my order.", "I ordered by mistake, can you cancel the order?"}},
      {"address_change", {"Please change my shipping address to 12 Elm St.", "I moved last week, wrong address on the order!"}},
      {"damaged_item", {"My item arrived damaged.", "The mug came broken in the box."}},
      {"delivered_not_received", {"It says delivered but I never got it.", "Tracking shows delivered but nothing is here."}},
      {"refund_status", {"Where is my refund?", "I returned the item two weeks ago and still no refund."}},
      {"discount_request", {"Do you have a discount code?", "Any promo code for Black Friday?"}},
      {"product_question", {"Is the hoodie machine washable?", "What material is the lining made of?"}},
      {"other", {"Hello, I have a question about your company.", "Do you ship to Canada?"}},
  };
  return phrases;
}

}  // namespace

double TicketsPer100Orders(const std::string& vertical) {
  static const std::map<std::string, double> rates = {
      {"electronics", 46}, {"vehicles", 46},        {"hardware", 41}, {"luggage", 32},   {"home_garden", 32},
      {"sporting", 32},    {"business", 25},        {"pets", 25},     {"baby", 24},      {"apparel", 22},
      {"beauty", 21},      {"arts", 21},            {"food", 20},     {"toys", 19}};
  auto it = rates.find(vertical);
  return it == rates.end() ? 22.0 : it->second;
}

const std::map<std::string, double>& DefaultIntentMix() {
  static const std::map<std::string, double> mix = {
      {"wismo", 0.35},         {"return", 0.15},        {"exchange", 0.05},
      {"cancel", 0.06},        {"address_change", 0.05}, {"damaged_item", 0.06},
      {"delivered_not_received", 0.04}, {"refund_status", 0.07}, {"discount_request", 0.05},
      {"product_question", 0.08}, {"other", 0.04}};
  return mix;
}

const std::map<std::string, double>& DefaultChannelMix() {
  static const std::map<std::string, double> mix = {{"email", 0.7}, {"chat", 0.2}, {"sms", 0.1}};
  return mix;
}

TrafficGenerator::TrafficGenerator(SimWorld& world, pipeline::DecisionLog& decisions, scenario::Generate profile,
                                   const scenario::Store& store)
    : world_(world),
      decisions_(decisions),
      profile_(std::move(profile)),
      vertical_(profile_.vertical.empty() ? store.vertical : profile_.vertical),
      // The loader refused a zone that does not load; UTC is only a fallback for callers in code.
      zone_([&] {
        auto zone = pipeline::TimeZone::Load(store.timezone);
        return zone ? *zone : pipeline::TimeZone();
      }()),
      rng_(world.rng().Fork("traffic")) {}

void TrafficGenerator::WriteAt(sim::Instant when, std::size_t customer, std::string intent, std::string text,
                               std::string channel) {
  world_.scheduler().ScheduleAt(when, Guarded([this, customer, intent = std::move(intent), text = std::move(text),
                                               channel = std::move(channel)] {
    const auto result = world_.CustomerWrites(customers_[customer], text, channel);
    world_.RecordTrueIntent(result.message_id, intent);
    tickets_.push_back({.id = result.ticket_id, .customer = customer, .intent = intent, .channel = channel, .text = text,
                        .opened = world_.scheduler().Now()});
  }));
}

std::string TrafficGenerator::DrawChannel(sim::Rng& rng) const {
  const auto& mix = profile_.channel_mix.empty() ? DefaultChannelMix() : profile_.channel_mix;
  std::vector<std::string> channels;
  std::vector<double> weights;
  for (const auto& [channel, share] : mix) {
    channels.push_back(channel);
    weights.push_back(share);
  }
  return channels[rng.WeightedIndex(weights)];
}

bool TrafficGenerator::OnShift() const {
  const auto local = zone_.ToLocal(world_.scheduler().virtual_clock().WallNow());
  const sim::Duration time_of_day = local - std::chrono::floor<std::chrono::days>(local);
  return time_of_day >= profile_.shift_start && time_of_day < profile_.shift_end;
}

sim::Duration TrafficGenerator::Start() {
  // Carrier exceptions and tickets fall anywhere in the span (a week's traffic over the week).
  const std::int64_t span_days = std::max(1, profile_.days);
  const sim::Duration span = sim::Days(span_days);
  end_ = world_.scheduler().Now() + span;
  const int orders = std::max(1, profile_.orders_per_day * std::max(1, profile_.days));
  sim::Rng store = rng_.Fork("store");
  std::vector<std::pair<std::size_t, sim::Instant>> delayed;  // (customer, when they write)
  // Customers and their orders: a repeat buyer's order goes to someone already known.
  for (int i = 0; i < orders; ++i) {
    std::size_t customer = customers_.size();
    if (!customers_.empty() && store.Bernoulli(profile_.repeat_share)) {
      customer = static_cast<std::size_t>(store.Below(customers_.size()));
    } else {
      CustomerSpec spec;
      spec.first_name = "Customer";
      spec.last_name = std::to_string(customers_.size() + 1);
      spec.email = "customer" + std::to_string(customers_.size() + 1) + "@example.com";
      spec.phone = "+1555" + std::to_string(5000000 + customers_.size());
      customers_.push_back(world_.AddCustomer(spec));
    }
    OrderSpec spec;
    const double price = std::max(5.0, store.Normal(profile_.average_order_value, profile_.average_order_value / 3));
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", price);
    spec.items = {LineItemSpec{"Hoodie", "HD-M-BLK", 1, text}};
    spec.age = sim::Hours(static_cast<std::int64_t>(store.UniformInt(1, 24 * 6)));
    if (spec.age > sim::Hours(20)) {
      const bool delivered = spec.age > sim::Days(4);
      spec.fulfillment = FulfillmentSpec{"UPS", "1Z999AA1" + std::to_string(2000000000 + i),
                                         delivered ? "delivered" : "in_transit", spec.age - sim::Hours(18)};
    }
    const OrderRef ref = world_.AddOrder(customers_[customer], spec);
    orders_.emplace_back(customer, ref);
    // Carriers: some shipments in transit hit an exception during the span; some of those
    // customers write about it a few hours later (triggered tickets, taken from the day's plan).
    if (spec.fulfillment && spec.fulfillment->shipment_status == "in_transit" && store.Bernoulli(profile_.delay_rate)) {
      const sim::Instant when = world_.scheduler().Now() + sim::Minutes(store.UniformInt(0, span_days * 24 * 60 - 1));
      world_.scheduler().ScheduleAt(when, Guarded([this, ref] { world_.CarrierEvent(ref, "delayed", "Carrier delay"); }));
      if (store.Bernoulli(profile_.write_on_delay)) {
        delayed.push_back({customer, when + sim::Minutes(store.UniformInt(30, 6 * 60))});
      }
    }
  }
  // Tickets at the vertical's contact rate: the triggered ones first, the rest through the span
  // with the profile's intent mix.
  const auto& mix = profile_.intent_mix.empty() ? DefaultIntentMix() : profile_.intent_mix;
  std::vector<std::string> intents;
  std::vector<double> weights;
  for (const auto& [intent, share] : mix) {
    intents.push_back(intent);
    weights.push_back(share);
  }
  sim::Rng traffic = rng_.Fork("tickets");
  tickets_planned_ = static_cast<int>(std::lround(orders * TicketsPer100Orders(vertical_) / 100.0));
  int planned = tickets_planned_;
  for (const auto& [customer, when] : delayed) {
    if (planned == 0) break;
    --planned;
    const auto& bank = Phrases().at("wismo");
    WriteAt(when, customer, "wismo", bank[static_cast<std::size_t>(traffic.Below(bank.size()))] + " The tracking says delayed.",
            DrawChannel(traffic));
  }
  for (int i = 0; i < planned; ++i) {
    const std::size_t pick = static_cast<std::size_t>(traffic.Below(orders_.size()));
    const std::string& intent = intents[traffic.WeightedIndex(weights)];
    const auto& bank = Phrases().count(intent) ? Phrases().at(intent) : Phrases().at("other");
    std::string text = bank[static_cast<std::size_t>(traffic.Below(bank.size()))];
    if (traffic.Bernoulli(0.5)) text += " Order " + orders_[pick].second.name + ".";
    const sim::Instant when = world_.scheduler().Now() + sim::Sec(traffic.UniformInt(0, span_days * 24 * 3600 - 1));
    WriteAt(when, orders_[pick].first, intent, std::move(text), DrawChannel(traffic));
  }
  agent_free_at_.assign(static_cast<std::size_t>(std::max(1, profile_.agents)), world_.scheduler().Now());
  ScheduleRound();
  return span;
}

void TrafficGenerator::ScheduleRound() {
  world_.scheduler().ScheduleAfter(sim::Minutes(5), Guarded([this] {
    if (stopped_ || world_.scheduler().Now() > end_ + sim::Days(1)) return;
    AgentRound();
    ScheduleRound();
  }));
}

void TrafficGenerator::RefreshTags(OpenTicket& t) {
  const std::uint64_t stamp = world_.GorgiasTicketStamp(t.id);
  if (t.read_at_stamp == stamp) return;
  t.read_at_stamp = stamp;
  const auto json = world_.gorgias().TicketJson(t.id);
  t.exists = json.has_value();
  t.needs_review = t.replied = false;
  if (!json) return;
  for (const auto& tag : (*json)["tags"]) {
    t.needs_review = t.needs_review || tag["name"] == "needs-review";
    t.replied = t.replied || tag["name"] == "auto-replied";
  }
}

// One round of the people, every five minutes, one look at each ticket still in play:
// - customers unanswered for a day follow up once; an automatic answer that missed the point (the
//   pipeline triaged another intent than theirs) brings them back, with a probability;
// - agents on shift work handed-over tickets in arrival order when free.
void TrafficGenerator::AgentRound() {
  const sim::Instant now = world_.scheduler().Now();
  sim::Rng choices = rng_.Fork("agents", static_cast<std::uint64_t>(now.time_since_epoch().count()));
  bool agents_free = OnShift();
  for (OpenTicket& t : tickets_) {
    if (t.agent_done) continue;
    RefreshTags(t);
    if (!t.exists) continue;
    const bool needs_review = t.needs_review, replied = t.replied;
    if (replied && !needs_review) {
      if (t.answer_judged) {
        t.agent_done = true;  // answered automatically, read, and settled
        continue;
      }
      t.answer_judged = true;
      std::string triaged;
      if (auto rows = decisions_.ForTicket(t.id)) {
        for (const auto& r : *rows) {
          if (r.kind == pipeline::decision_kind::kTriage && triaged.empty()) triaged = r.intent;
        }
      }
      if (triaged != t.intent && now < end_ && choices.Bernoulli(profile_.reopen_on_wrong_answer)) {
        // The pipeline takes the new message; whatever it does next, the ticket stays in play.
        const auto again =
            world_.CustomerWrites(customers_[t.customer], "That does not answer my question. " + t.text, t.channel, t.id);
        world_.RecordTrueIntent(again.message_id, t.intent);
      } else {
        t.agent_done = true;
      }
      continue;
    }
    if (!needs_review) {
      if (!t.followed_up && now - t.opened > sim::Days(1) && now < end_) {
        t.followed_up = true;
        // A follow-up asks for the same thing as the ticket's first message.
        const auto again = world_.CustomerWrites(customers_[t.customer], "Any update on this? I'm still waiting.", t.channel, t.id);
        world_.RecordTrueIntent(again.message_id, t.intent);
      }
      continue;
    }
    if (!agents_free) continue;
    auto agent = std::min_element(agent_free_at_.begin(), agent_free_at_.end());
    if (*agent > now) {
      agents_free = false;  // everybody is busy: the queue waits
      continue;
    }
    const int index = static_cast<int>(agent - agent_free_at_.begin());
    *agent = now + profile_.agent_handle_time;
    std::string draft;
    if (auto rows = decisions_.ForTicket(t.id)) {
      for (const auto& r : *rows) {
        if (!r.draft.empty()) draft = r.draft;
      }
    }
    const double roll = choices.Uniform01();
    if (draft.empty() || roll < 0.05) {
      world_.AgentNote(t.id, index, "Reason: needs a personal answer");
      world_.AgentReplies(t.id, index, "Hello, this is our support team: we have looked into it and will sort it out for you.");
    } else if (roll < 0.15) {
      world_.AgentReplies(t.id, index, draft + "\n\nThanks for your patience.");
    } else {
      world_.AgentReplies(t.id, index, draft);
    }
    world_.CloseTicket(t.id, index);
    t.agent_done = true;
  }
}

}  // namespace rh::harness
