#include "fuzz_case.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "phrase_bank.h"
#include "sim/clock.h"

namespace rh::harness::fuzz {
namespace {

namespace sc = scenario;
using pipeline::Intent;

constexpr std::array<const char*, 4> kCarriers = {"UPS", "USPS", "FedEx", "DHL"};
constexpr std::array<const char*, 3> kChannels = {"email", "chat", "sms"};
constexpr std::array<const char*, 4> kScanStatuses = {"delayed", "delivered", "attempted_delivery", "in_transit"};
// A carrier none of the case's orders ships with, a date none of them has (months after the
// run), an amount none of them costs, a tracking number that is nobody's.
constexpr const char* kForeignCarrier = "OnTrac";
constexpr const char* kForeignDate = "2027-02-14";
constexpr const char* kForeignAmount = "$987.65";
constexpr const char* kForeignTracking = "1ZXY00000000000001";
// The first words of the reference pipeline's system prompts: a script aimed at one kind of call.
constexpr const char* kDraftPrompt = "You write a short, friendly reply";
constexpr const char* kClassifyPrompt = "name what the customer wants";

std::string OrderHandle(std::size_t i) { return "o" + std::to_string(i + 1); }
std::string HistoryHandle(std::size_t customer) { return "h" + std::to_string(customer + 1); }
std::string CustomerHandle(std::size_t i) { return "c" + std::to_string(i + 1); }

int Index(int value, std::size_t size) { return static_cast<int>(static_cast<std::size_t>(std::max(0, value)) % size); }

// The earliest message of a customer (minutes into the run), the moment their orders' edges
// are measured from.
int FirstMessageAt(const FuzzCase& c, int customer) {
  int at = 0;
  bool any = false;
  for (const auto& m : c.messages) {
    if (Index(m.customer, c.customers.size()) == customer && (!any || m.at_minutes < at)) {
      at = m.at_minutes;
      any = true;
    }
  }
  return at;
}

sim::Duration AtLeastAMinute(sim::Duration d) { return std::max(d, sim::Duration(sim::Minutes(1))); }

// The fulfillment and the order's age for a shipped order delivered `edge` whole local days from
// the end of its return window, at `hour` local time: edge 0 writes on the last day inside,
// edge 1 on the first day outside.
void PlaceDelivered(const pipeline::Policy& policy, const CaseOrder& o, int first_message_minutes, sc::Order& out) {
  const pipeline::TimeZone& zone = policy.store.timezone;
  const sim::WallTime start = sim::DefaultSimEpoch();
  const sim::WallTime message = start + sim::Minutes(first_message_minutes);
  const std::chrono::sys_days message_day{zone.LocalDate(message)};
  const std::chrono::year_month_day delivered_day{message_day - std::chrono::days(policy.returns.window_days + o.edge)};
  const sim::WallTime delivered = zone.StartOfLocalDay(delivered_day) + sim::Hours(std::clamp(o.hour, 0, 23));
  sc::Fulfillment f;
  f.carrier = kCarriers[Index(o.carrier, kCarriers.size())];
  f.status = "delivered";
  f.age = AtLeastAMinute(start - delivered);
  out.fulfillment = f;
  out.age = f.age + sim::Days(2);
}

sc::Order MakeOrder(const pipeline::Policy& policy, const FuzzCase& c, std::size_t i) {
  const CaseOrder& o = c.orders[i];
  const int customer = Index(o.customer, c.customers.size());
  const int first = FirstMessageAt(c, customer);
  sc::Order out;
  out.handle = OrderHandle(i);
  out.customer = CustomerHandle(static_cast<std::size_t>(customer));
  out.items = {sc::LineItem{}};
  if (o.second_item) out.items.push_back({"Mug", "MUG-01", 1, "12.00"});
  const sim::Duration until_message = sim::Minutes(first);
  switch (o.shape) {
    case OrderShape::kInTransit: {
      sc::Fulfillment f;
      f.carrier = kCarriers[Index(o.carrier, kCarriers.size())];
      f.status = "in_transit";
      f.age = AtLeastAMinute(policy.tracking.stale_after - until_message + sim::Minutes(o.edge));
      out.fulfillment = f;
      out.age = f.age + sim::Days(1);
      break;
    }
    case OrderShape::kDelivered: PlaceDelivered(policy, o, first, out); break;
    case OrderShape::kUnfulfilled: {
      const std::array<sim::Duration, 3> cutoffs = {policy.cutoffs.fulfillment_lock, policy.cutoffs.pick_and_pack_cutoff,
                                                    policy.tracking.ship_within};
      out.age = AtLeastAMinute(cutoffs[static_cast<std::size_t>(Index(o.cutoff, cutoffs.size()))] - until_message +
                               sim::Minutes(o.edge));
      break;
    }
    case OrderShape::kException: {
      // In transit when the run begins; the carrier reports the delay as the run starts (AddSteps),
      // so the pipeline hears of it as it would of any exception.
      sc::Fulfillment f;
      f.carrier = kCarriers[Index(o.carrier, kCarriers.size())];
      f.status = "in_transit";
      f.age = AtLeastAMinute(sim::Hours(6) + sim::Minutes(std::abs(o.edge)));
      out.fulfillment = f;
      out.age = f.age + sim::Days(1);
      break;
    }
  }
  return out;
}

// "1234.56" from whole units and cents.
std::string Price(std::int64_t cents) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(cents / 100), static_cast<long long>(cents % 100));
  return buf;
}

// An older order that brings the customer's lifetime value to the VIP line plus their offset,
// and carries their past refunds; absent for a customer far below the line with no refunds.
std::optional<sc::Order> HistoryOrder(const pipeline::Policy& policy, const FuzzCase& c, std::size_t customer,
                                      const std::vector<sc::Order>& orders) {
  const CaseCustomer& who = c.customers[customer];
  if (who.value_vs_vip_line < -200 && who.refunds == 0) return std::nullopt;
  std::int64_t spent_cents = 0;  // on the case's own orders (taxes and shipping aside)
  for (const auto& o : orders) {
    if (o.customer != CustomerHandle(customer)) continue;
    for (const auto& item : o.items) spent_cents += static_cast<std::int64_t>(std::stod(item.price) * 100 + 0.5) * item.quantity;
  }
  std::int64_t line_cents = policy.vip.lifetime_value_at_least;
  for (int d = policy.store.currency_decimals; d < 2; ++d) line_cents *= 10;
  for (int d = 2; d < policy.store.currency_decimals; ++d) line_cents /= 10;
  const std::int64_t want = line_cents + std::int64_t{who.value_vs_vip_line} * 100 - spent_cents;
  sc::Order h;
  h.handle = HistoryHandle(customer);
  h.customer = CustomerHandle(customer);
  const int units = std::max(1, who.refunds);
  h.items = {sc::LineItem{"Gift box", "GIFT-BOX", units, Price(std::max<std::int64_t>(100, want / units))}};
  h.age = sim::Days(120);
  sc::Fulfillment f;
  f.carrier = "UPS";
  f.status = "delivered";
  f.age = sim::Days(115);
  h.fulfillment = f;
  h.refunds = who.refunds;
  return h;
}

void AddLlmFault(const CaseFaults& faults, sc::Scenario& s) {
  auto draft = [&](const std::string& reply) {
    sc::LlmScript script;
    script.contains = kDraftPrompt;
    script.json = "{\"reply\": \"" + reply + "\"}";
    s.faults.llm_scripts.push_back(script);
  };
  switch (faults.llm) {
    case LlmFault::kNone: break;
    case LlmFault::kWrongCarrier: draft(std::string("Good news: your order is on its way with ") + kForeignCarrier + "."); break;
    case LlmFault::kWrongDate: draft(std::string("Your order will arrive on ") + kForeignDate + "."); break;
    case LlmFault::kWrongAmount: draft(std::string("We have your payment of ") + kForeignAmount + " on file."); break;
    case LlmFault::kOtherOrdersFacts:
      draft(std::string("Your tracking number is ") + kForeignTracking + ".");
      break;
    case LlmFault::kConfidentMisread: {
      sc::LlmScript script;
      script.contains = kClassifyPrompt;
      script.json = "{\"intent\": \"wismo\", \"confidence\": 0.97}";
      s.faults.llm_scripts.push_back(script);
      break;
    }
    case LlmFault::kHallucinations:
      s.faults.llm.hallucinated_tracking = 0.5;
      s.faults.llm.refund_promise = 0.3;
      break;
  }
}

void AddSteps(const FuzzCase& c, const std::vector<sc::Order>& orders, sc::Scenario& s) {
  auto step = [&](int minutes, sc::Action action) {
    s.timeline.push_back(sc::Step{sim::Minutes(std::max(0, minutes)), std::move(action), {}});
  };
  for (std::size_t k = 0; k < c.messages.size(); ++k) {
    const CaseMessage& m = c.messages[k];
    const int customer = Index(m.customer, c.customers.size());
    const Intent intent = pipeline::AllIntents()[static_cast<std::size_t>(Index(m.intent, pipeline::kIntentCount))];
    const auto& phrases = Phrases(intent, static_cast<PhraseStyle>(Index(m.style, kPhraseStyleCount)));
    const Phrase& phrase = phrases[static_cast<std::size_t>(Index(m.phrase, phrases.size()))];
    // The order it names: the customer's m.order-th case order, by its Shopify name.
    std::string named;
    if (m.order >= 0) {
      int seen = 0;
      for (std::size_t i = 0; i < c.orders.size(); ++i) {
        if (Index(c.orders[i].customer, c.customers.size()) != customer) continue;
        if (seen++ == m.order) named = "#" + std::to_string(1001 + i);
      }
    }
    sc::CustomerWrites w;
    w.customer = CustomerHandle(static_cast<std::size_t>(customer));
    w.channel = kChannels[Index(m.channel, kChannels.size())];
    w.text = Fill(phrase, named);
    w.ticket = "t" + std::to_string(k + 1);
    w.intent = std::string(pipeline::IntentName(phrase.truth));
    step(m.at_minutes, w);
    const int after = m.at_minutes + std::max(1, m.agent_after_minutes);
    if (m.agent == 1 || m.agent == 2) step(after, sc::AgentReplies{w.ticket, 0, "draft"});
    if (m.agent == 2 || m.agent == 3) step(after + 10, sc::CloseTicket{w.ticket, 0});
  }
  for (std::size_t i = 0; i < c.orders.size(); ++i) {
    if (c.orders[i].shape == OrderShape::kException) step(0, sc::CarrierScan{orders[i].handle, "delayed", ""});
  }
  for (const CaseScan& scan : c.scans) {
    if (c.orders.empty()) break;
    const std::size_t i = static_cast<std::size_t>(Index(scan.order, c.orders.size()));
    if (!orders[i].fulfillment) continue;  // nothing shipped, nothing to scan
    step(scan.at_minutes, sc::CarrierScan{orders[i].handle, kScanStatuses[Index(scan.status, kScanStatuses.size())], ""});
  }
  if (c.faults.forged_webhook) step(5, sc::ForgedWebhook{CustomerHandle(0), "Where is my order?"});
  // The runner plays steps in order of `at`, the file's order breaking ties.
  std::stable_sort(s.timeline.begin(), s.timeline.end(), [](const sc::Step& a, const sc::Step& b) { return a.at < b.at; });
}

}  // namespace

std::vector<std::string> BoundaryTags(const FuzzCase& c) {
  std::vector<std::string> tags;
  auto side = [](int edge) { return edge < 0 ? std::string("before") : edge == 0 ? std::string("at") : std::string("after"); };
  for (const CaseOrder& o : c.orders) {
    const bool near = std::abs(o.edge) <= 60;
    switch (o.shape) {
      case OrderShape::kDelivered:
        if (std::abs(o.edge) <= 1) {
          tags.push_back(o.edge <= 0 ? "return window: last day inside" : "return window: first day outside");
        }
        break;
      case OrderShape::kInTransit:
        if (near) tags.push_back("tracking staleness: " + side(o.edge) + " the threshold");
        break;
      case OrderShape::kUnfulfilled: {
        static constexpr std::array<const char*, 3> kNames = {"fulfillment lock", "pick-and-pack cutoff", "ship_within"};
        if (near) tags.push_back(std::string(kNames[static_cast<std::size_t>(Index(o.cutoff, 3))]) + ": " + side(o.edge));
        break;
      }
      case OrderShape::kException: tags.push_back("delivery exception"); break;
    }
  }
  for (const CaseCustomer& who : c.customers) {
    if (std::abs(who.value_vs_vip_line) <= 20) tags.push_back("vip line: " + side(who.value_vs_vip_line));
    if (who.refunds > 0) tags.push_back("past refunds: " + std::to_string(who.refunds));
  }
  std::vector<int> orders_per_customer(c.customers.size(), 0);
  for (const CaseOrder& o : c.orders) ++orders_per_customer[static_cast<std::size_t>(Index(o.customer, c.customers.size()))];
  if (std::any_of(orders_per_customer.begin(), orders_per_customer.end(), [](int n) { return n > 1; })) {
    tags.push_back("several orders per customer");
  }
  for (const CaseMessage& m : c.messages) {
    tags.push_back("message: " + std::string(PhraseStyleName(static_cast<PhraseStyle>(Index(m.style, kPhraseStyleCount)))));
  }
  static constexpr std::array<const char*, kLlmFaultCount> kFaults = {
      "", "llm: wrong carrier", "llm: wrong date", "llm: wrong amount", "llm: another order's facts",
      "llm: confident misread", "llm: hallucinations"};
  if (c.faults.llm != LlmFault::kNone) tags.push_back(kFaults[static_cast<std::size_t>(c.faults.llm)]);
  if (c.faults.duplicate_webhooks) tags.push_back("webhooks: duplicated");
  if (c.faults.delay_webhooks) tags.push_back("webhooks: delayed and reordered");
  if (c.faults.rate_limit == 1) tags.push_back("429s: shopify");
  if (c.faults.rate_limit == 2) tags.push_back("429s: llm");
  if (c.faults.forged_webhook) tags.push_back("forged webhook");
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  return tags;
}

scenario::Scenario ToScenario(const FuzzCase& c, const pipeline::Policy& policy, const std::string& policy_file,
                              scenario::PipelineVariant variant, const std::string& name) {
  sc::Scenario s;
  s.name = name;
  s.description = "Generated by rehearse fuzz.";
  s.policy_file = policy_file;
  s.policy = policy;
  s.variant = variant;
  s.world.lists.push_back({"newsletter", "Newsletter"});
  for (std::size_t i = 0; i < c.customers.size(); ++i) {
    sc::Customer customer;
    customer.handle = CustomerHandle(i);
    customer.email = customer.handle + "@example.com";
    customer.first_name = "Customer";
    customer.last_name = std::to_string(i + 1);
    customer.lists = {"newsletter"};
    s.world.customers.push_back(customer);
  }
  std::vector<sc::Order> orders;
  for (std::size_t i = 0; i < c.orders.size(); ++i) orders.push_back(MakeOrder(policy, c, i));
  // Case orders first (their names, #1001 on, are what the messages quote), then history.
  s.world.orders = orders;
  for (std::size_t i = 0; i < c.customers.size(); ++i) {
    if (auto h = HistoryOrder(policy, c, i, orders)) s.world.orders.push_back(*h);
  }
  if (c.faults.promotion_at_minutes >= 0) {
    s.world.campaigns.push_back({"Black Friday preview", "promotional", sim::Minutes(c.faults.promotion_at_minutes),
                                 {"newsletter"}});
  }
  AddLlmFault(c.faults, s);
  if (c.faults.duplicate_webhooks) s.faults.webhooks.duplicate_rate = 0.5;
  if (c.faults.delay_webhooks) {
    s.faults.webhooks.delay_rate = 0.5;
    s.faults.webhooks.max_delay = sim::Minutes(5);
  }
  if (c.faults.rate_limit == 1) {
    s.faults.shopify_rest_bucket = 2;
    s.faults.shopify_rest_leak_every = sim::Sec(2);
  }
  if (c.faults.rate_limit == 2) s.faults.llm_requests_per_minute = 2;
  AddSteps(c, orders, s);
  s.run_for = sim::Days(2);
  // People answer only where the case says so: the first-response target is not what is fuzzed.
  s.first_response_sla = sim::Days(30);
  return s;
}

}  // namespace rh::harness::fuzz
