// Goal: load(write(s)) == s for generated scenarios, not only the shipped ones: every section and
// step kind, optional fields present and absent, durations of any whole number of seconds, rates
// that are arbitrary doubles, and text built from pieces YAML is known to misread (indicators,
// quotes, line breaks, words read as null, leading and trailing spaces, unicode line separators).
// The generator follows the loader's rules (handles defined before use, tickets opened before
// they are used, refunds within the units), so every generated scenario is one the loader accepts.
#include "harness/scenario_writer.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <set>

#include "harness/scenario_loader.h"
#include "pipeline/vocabulary/intent.h"
#include "pipeline/policy.h"

namespace rh::harness {
namespace {

namespace sc = scenario;

template <typename T>
T OneOf(const std::vector<T>& values) {
  return values[*rc::gen::inRange<std::size_t>(0, values.size())];
}

// Text made of 0..6 pieces that each trip a naive YAML writer somewhere.
std::string Text() {
  static const std::vector<std::string> kPieces = {
      "Where is my order?", "Reason: weather", ": ", " #", "#", "\"", "'", "\\", "\n", "\r\n", "\t", " ", "  ",
      "null", "~", "- ", "[", "]", "{", "}", ",", "&a", "*b", "!t", "%", "@", "`", "|", ">", "? ", "true", "0.5",
      "007", "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x99\x82", "\xc2\x85", "\xe2\x80\xa8", "\x01",
      "ana", "o1", "x"};
  std::string out;
  const int n = *rc::gen::inRange(0, 7);
  for (int i = 0; i < n; ++i) out += OneOf(kPieces);
  return out;
}
std::string NonEmptyText() {
  std::string t = Text();
  return t.empty() ? "x" : t;
}

// A handle unique by its index, with an optional tail of the other handle characters.
std::string Handle(const std::string& prefix, std::size_t i) {
  return prefix + std::to_string(i) + OneOf<std::string>({"", "-a", ".b", "_C", "-.-"});
}

sim::Duration Seconds(std::int64_t max_s) { return std::chrono::seconds(*rc::gen::inRange<std::int64_t>(0, max_s + 1)); }

// Any double in [0, 1], including ones with no short decimal form.
double Rate() {
  switch (*rc::gen::inRange(0, 3)) {
    case 0: return OneOf<double>({0, 0.1, 0.5, 1});
    case 1: return static_cast<double>(*rc::gen::inRange<std::uint64_t>(0, (1ull << 53) + 1)) / static_cast<double>(1ull << 53);
    default: return *rc::gen::inRange(0, 1001) / 1000.0;
  }
}

std::vector<std::string> Subset(const std::vector<std::string>& all, std::size_t at_least = 0) {
  std::vector<std::string> out;
  for (const auto& x : all) {
    if (*rc::gen::arbitrary<bool>()) out.push_back(x);
  }
  if (out.size() < at_least && !all.empty()) out.push_back(all.front());
  return out;
}

std::vector<std::string> UniqueTexts(int max) {
  std::vector<std::string> out;
  const int n = *rc::gen::inRange(0, max + 1);
  for (int i = 0; i < n; ++i) {
    std::string t = NonEmptyText();
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(std::move(t));
  }
  return out;
}

const std::vector<std::string> kIntents = [] {
  std::vector<std::string> out;
  for (const auto i : pipeline::AllIntents()) out.emplace_back(pipeline::IntentName(i));
  return out;
}();
const std::vector<std::string> kStatuses = {"label_printed", "in_transit", "delivered", "attempted_delivery",
                                            "delayed", "failure", "out_for_delivery"};
const std::vector<std::string> kKinds = {"promotional", "review_request", "transactional", "recovery"};
const std::vector<std::string> kChannels = {"email", "chat", "sms", "whatsapp", "instagram-direct-message", "phone"};

void GenerateWorld(sc::Scenario& s) {
  sc::World& w = s.world;
  const int lists = *rc::gen::inRange(0, 3);
  std::vector<std::string> list_handles;
  for (int i = 0; i < lists; ++i) {
    sc::KlaviyoList l;
    l.handle = Handle("l", i);
    l.name = *rc::gen::arbitrary<bool>() ? l.handle : NonEmptyText();
    list_handles.push_back(l.handle);
    w.lists.push_back(l);
  }
  const int customers = *rc::gen::inRange(1, 4);
  for (int i = 0; i < customers; ++i) {
    sc::Customer c;
    c.handle = Handle("c", i);
    c.email = *rc::gen::arbitrary<bool>() ? c.handle + "@example.com" : "buyer" + std::to_string(i) + "@shop.example";
    c.first_name = Text();
    c.last_name = Text();
    c.phone = *rc::gen::arbitrary<bool>() ? "" : "+1555123000" + std::to_string(i);
    c.tags = UniqueTexts(2);
    c.marketing_consent = *rc::gen::arbitrary<bool>();
    c.lists = Subset(list_handles);
    w.customers.push_back(c);
  }
  const int orders = *rc::gen::inRange(0, 4);
  for (int i = 0; i < orders; ++i) {
    sc::Order o;
    o.handle = Handle("o", i);
    o.customer = w.customers[*rc::gen::inRange<std::size_t>(0, w.customers.size())].handle;
    const int items = *rc::gen::inRange(1, 3);
    for (int k = 0; k < items; ++k) {
      sc::LineItem line;
      if (*rc::gen::arbitrary<bool>()) {
        line.title = NonEmptyText();
        line.sku = NonEmptyText();
        line.quantity = *rc::gen::inRange(1, 4);
        line.price = OneOf<std::string>({"0", "5", "54.99", "12.5", "1000.00", "0.01"});
      }
      o.items.push_back(line);
    }
    o.financial_status = OneOf<std::string>({"paid", "pending", "partially_refunded", "refunded"});
    o.age = Seconds(40 * 86400);
    if (*rc::gen::arbitrary<bool>()) {
      sc::Fulfillment f;
      if (*rc::gen::arbitrary<bool>()) f.carrier = NonEmptyText();
      f.tracking_number = Text();
      f.status = OneOf(kStatuses);
      f.age = std::chrono::seconds(*rc::gen::inRange<std::int64_t>(0, std::chrono::floor<std::chrono::seconds>(o.age).count() + 1));
      o.fulfillment = f;
    }
    int units = 0;
    for (const auto& line : o.items) units += line.quantity;
    o.refunds = *rc::gen::inRange(0, units + 1);
    w.orders.push_back(o);
  }
  if (!list_handles.empty()) {
    const int campaigns = *rc::gen::inRange(0, 3);
    for (int i = 0; i < campaigns; ++i) {
      sc::Campaign c;
      c.name = NonEmptyText();
      c.kind = OneOf(kKinds);
      c.at = Seconds(3 * 86400);
      c.lists = Subset(list_handles, 1);
      if (*rc::gen::arbitrary<bool>()) c.smart_sending = *rc::gen::arbitrary<bool>();
      w.campaigns.push_back(c);
    }
  }
  const int flows = *rc::gen::inRange(0, 3);
  for (int i = 0; i < flows; ++i) {
    sc::Flow f;
    f.name = NonEmptyText();
    if (list_handles.empty() || *rc::gen::arbitrary<bool>()) {
      f.trigger_metric = NonEmptyText();
    } else {
      f.trigger_list = OneOf(list_handles);
    }
    const int actions = *rc::gen::inRange(1, 4);
    for (int k = 0; k < actions; ++k) {
      sc::FlowAction a;
      if (*rc::gen::arbitrary<bool>()) {
        a.delay = std::chrono::seconds(*rc::gen::inRange<std::int64_t>(1, 10 * 86400));
      } else {
        a.message = NonEmptyText();
        a.kind = OneOf(kKinds);
        if (*rc::gen::arbitrary<bool>()) a.smart_sending = *rc::gen::arbitrary<bool>();
      }
      f.actions.push_back(a);
    }
    w.flows.push_back(f);
  }
}

void GenerateFaults(sc::Scenario& s) {
  sc::Faults& f = s.faults;
  if (*rc::gen::arbitrary<bool>()) {
    for (double* rate : {&f.llm.overload, &f.llm.refusal, &f.llm.hallucinated_tracking, &f.llm.refund_promise,
                         &f.llm.invalid_json, &f.llm.truncated, &f.llm.slow_stream, &f.llm.accuracy}) {
      if (*rc::gen::arbitrary<bool>()) *rate = Rate();
    }
  }
  const int scripts = *rc::gen::inRange(0, 3);
  for (int i = 0; i < scripts; ++i) {
    sc::LlmScript script;
    if (*rc::gen::arbitrary<bool>()) script.contains = Text();
    if (*rc::gen::arbitrary<bool>()) script.regex = OneOf<std::string>({"hoodie|sweater", "^Where", "\\d+ ?%", "[a-z]+: "});
    if (*rc::gen::arbitrary<bool>()) script.nth_call = *rc::gen::inRange<std::uint64_t>(1, 100);
    if (*rc::gen::arbitrary<bool>()) script.times = *rc::gen::inRange<std::uint64_t>(1, 5);
    switch (*rc::gen::inRange(0, 3)) {
      case 0: script.text = NonEmptyText(); break;
      case 1: script.json = OneOf<std::string>({R"({"intent": "wismo", "confidence": 0.97})", R"({"reply": "a: \"b\"\n"})"}); break;
      default:
        script.status = *rc::gen::inRange(400, 600);
        script.error_type = Text();
        script.error_message = Text();
    }
    f.llm_scripts.push_back(script);
  }
  if (*rc::gen::arbitrary<bool>()) {
    f.webhooks.duplicate_rate = Rate();
    f.webhooks.delay_rate = Rate();
    f.webhooks.max_delay = std::chrono::seconds(*rc::gen::inRange<std::int64_t>(1, 86400 + 1));
  }
  if (*rc::gen::arbitrary<bool>()) f.shopify_rest_bucket = *rc::gen::inRange<std::int64_t>(1, 100'001);
  if (*rc::gen::arbitrary<bool>()) f.shopify_rest_leak_every = std::chrono::seconds(*rc::gen::inRange<std::int64_t>(1, 3601));
  if (*rc::gen::arbitrary<bool>()) f.llm_requests_per_minute = OneOf<double>({0.001, 1, 2.5, 60, 1e7});
}

// A timeline the loader accepts (tickets used after they open, refunds within the units); the
// tickets it opened, in play order.
std::vector<std::string> GenerateTimeline(sc::Scenario& s) {
  std::vector<std::string> tickets;  // opened so far, in play order
  std::map<std::string, std::string> owner;
  std::map<std::string, int> units_left;
  for (const auto& o : s.world.orders) {
    int units = 0;
    for (const auto& line : o.items) units += line.quantity;
    units_left[o.handle] = units - o.refunds;
  }
  std::set<std::string> shipped;  // fulfilled in the world or by an earlier create_fulfillment
  for (const auto& o : s.world.orders) {
    if (o.fulfillment) shipped.insert(o.handle);
  }
  sim::Duration at{0};
  const int steps = *rc::gen::inRange(0, 9);
  for (int i = 0; i < steps; ++i) {
    if (*rc::gen::arbitrary<bool>()) at += Seconds(3 * 86400);  // else the same time: ties keep the order
    sc::Step step;
    step.at = at;
    const std::string& customer = s.world.customers[*rc::gen::inRange<std::size_t>(0, s.world.customers.size())].handle;
    const int kind = *rc::gen::inRange(0, 11);
    if (kind == 0 || tickets.empty()) {
      sc::CustomerWrites w;
      w.customer = customer;
      w.channel = OneOf(kChannels);
      w.text = NonEmptyText();
      w.with_photo = *rc::gen::arbitrary<bool>();
      if (*rc::gen::arbitrary<bool>()) w.intent = OneOf(kIntents);
      const int ticket = *rc::gen::inRange(0, 3);  // 0: none, 1: a new one, 2: an own one again
      if (ticket == 1) {
        w.ticket = Handle("t", tickets.size());
        tickets.push_back(w.ticket);
        owner[w.ticket] = customer;
      } else if (ticket == 2) {
        for (const auto& t : tickets) {
          if (owner[t] == customer) w.ticket = t;
        }
      }
      step.action = w;
    } else if (kind == 1) {
      if (shipped.empty()) {
        step.action = sc::Wait{};
      } else {
        step.action = sc::CarrierScan{OneOf(std::vector<std::string>(shipped.begin(), shipped.end())), OneOf(kStatuses), Text()};
      }
    } else if (kind == 8) {
      std::vector<std::string> unshipped;
      for (const auto& o : s.world.orders) {
        if (!shipped.count(o.handle)) unshipped.push_back(o.handle);
      }
      if (unshipped.empty()) {
        step.action = sc::Wait{};
      } else {
        sc::CreateFulfillment f;
        f.order = OneOf(unshipped);
        if (*rc::gen::arbitrary<bool>()) f.carrier = NonEmptyText();
        f.tracking_number = Text();
        f.status = OneOf(kStatuses);
        shipped.insert(f.order);
        step.action = f;
      }
    } else if (kind == 9) {
      if (s.world.lists.empty()) {
        step.action = sc::Wait{};
      } else {
        step.action = sc::AddToList{customer, s.world.lists[*rc::gen::inRange<std::size_t>(0, s.world.lists.size())].handle};
      }
    } else if (kind == 2) {
      step.action = sc::AgentReplies{OneOf(tickets), *rc::gen::inRange(0, 50), OneOf<std::string>({"draft", "edit", "Sorry: \"soon\""})};
    } else if (kind == 3) {
      step.action = sc::AgentNote{OneOf(tickets), *rc::gen::inRange(0, 3), NonEmptyText()};
    } else if (kind == 4) {
      step.action = sc::CloseTicket{OneOf(tickets), *rc::gen::inRange(0, 3)};
    } else if (kind == 5) {
      std::vector<std::string> refundable;
      for (const auto& [order, left] : units_left) {
        if (left > 0) refundable.push_back(order);
      }
      if (refundable.empty()) {
        step.action = sc::Wait{};
      } else {
        const std::string order = OneOf(refundable);
        --units_left[order];
        step.action = sc::Refund{order, *rc::gen::arbitrary<bool>() ? "refund" : NonEmptyText()};
      }
    } else if (kind == 6) {
      step.action = sc::Wait{};
    } else if (kind == 10) {
      step.action = sc::DecideOffer{OneOf(tickets), *rc::gen::inRange(0, 3), *rc::gen::arbitrary<bool>()};
    } else {
      step.action = sc::ForgedWebhook{customer, *rc::gen::arbitrary<bool>() ? "Where is my order?" : NonEmptyText()};
    }
    s.timeline.push_back(step);
  }
  return tickets;
}

// Expectations about the tickets and customers the timeline made.
void GenerateExpectations(sc::Scenario& s, const std::vector<std::string>& tickets) {
  sc::Expectations& x = s.expect;
  for (const auto& t : tickets) {
    if (!*rc::gen::arbitrary<bool>()) continue;
    sc::TicketExpectation e;
    e.ticket = t;
    e.tags_include = UniqueTexts(2);
    if (*rc::gen::arbitrary<bool>()) e.tags_include.push_back("intent:" + OneOf(kIntents));
    for (auto& tag : UniqueTexts(2)) {
      if (std::find(e.tags_include.begin(), e.tags_include.end(), tag) == e.tags_include.end() &&
          tag.rfind("intent:", 0) != 0) {
        e.tags_exclude.push_back(tag);
      }
    }
    if (*rc::gen::arbitrary<bool>()) e.replies_delivered = *rc::gen::inRange(0, 4);
    if (*rc::gen::arbitrary<bool>()) e.route = OneOf<std::string>({"auto_send", "human"});
    if (*rc::gen::arbitrary<bool>()) e.rule = NonEmptyText();
    if (*rc::gen::arbitrary<bool>()) e.intent = OneOf(kIntents);
    if (*rc::gen::arbitrary<bool>()) e.priority = OneOf<std::string>({"low", "normal", "high", "critical"});
    if (*rc::gen::arbitrary<bool>() || !e.route) e.assigned = *rc::gen::arbitrary<bool>();
    for (auto* texts : {&e.mentions, &e.excludes}) {
      const int n = *rc::gen::inRange(0, 3);
      for (int k = 0; k < n; ++k) {
        if (!s.world.orders.empty() && *rc::gen::arbitrary<bool>()) {
          const auto& order = s.world.orders[*rc::gen::inRange<std::size_t>(0, s.world.orders.size())].handle;
          texts->push_back({"", order, OneOf<std::string>({"tracking_number", "carrier", "order_name"})});
        } else {
          texts->push_back({NonEmptyText(), "", ""});
        }
      }
    }
    x.tickets.push_back(e);
    if (*rc::gen::arbitrary<bool>()) {
      sc::DecisionExpectation d;
      d.ticket = t;
      d.kind = OneOf<std::string>({"triage", "route", "human_override", "recover"});
      if (*rc::gen::arbitrary<bool>()) d.route = OneOf<std::string>({"auto_send", "human"});
      if (*rc::gen::arbitrary<bool>()) d.outcome = OneOf<std::string>({"sent", "overridden", "failed"});
      if (*rc::gen::arbitrary<bool>()) d.override_reason = NonEmptyText();
      if (*rc::gen::arbitrary<bool>()) d.count = *rc::gen::inRange(0, 3);
      if (*rc::gen::arbitrary<bool>()) d.rationale_mentions = NonEmptyText();
      if (*rc::gen::arbitrary<bool>()) d.value_bucket = OneOf<std::string>({"new", "regular", "vip"});
      x.decisions.push_back(d);
    }
  }
  for (const auto& o : s.world.orders) {
    if (!*rc::gen::arbitrary<bool>()) continue;
    sc::OrderExpectation e;
    e.order = o.handle;
    e.cancelled = *rc::gen::arbitrary<bool>();
    if (*rc::gen::arbitrary<bool>()) e.address_changed = *rc::gen::arbitrary<bool>();
    if (*rc::gen::arbitrary<bool>()) e.refunds = *rc::gen::inRange(0, 4);
    if (*rc::gen::arbitrary<bool>()) e.financial_status = OneOf<std::string>({"paid", "partially_refunded", "refunded"});
    e.tags_include = UniqueTexts(2);
    for (auto& tag : UniqueTexts(2)) {
      if (std::find(e.tags_include.begin(), e.tags_include.end(), tag) == e.tags_include.end()) e.tags_exclude.push_back(tag);
    }
    x.orders.push_back(e);
  }
  if (*rc::gen::arbitrary<bool>()) {
    // Bounds the format can write exactly: rates in hundredths, durations in whole seconds.
    const auto comparison = [](double value) {
      return sc::Comparison{OneOf<std::string>({">=", "<=", ">", "<", "=="}), value};
    };
    sc::KpiExpectation k;
    k.tickets = comparison(*rc::gen::inRange(0, 1000));
    if (*rc::gen::arbitrary<bool>()) k.automation_rate = comparison(*rc::gen::inRange(0, 101) / 100.0);
    if (*rc::gen::arbitrary<bool>()) k.reopen_rate = comparison(*rc::gen::inRange(0, 101) / 100.0);
    if (*rc::gen::arbitrary<bool>()) k.first_response_p90 = comparison(*rc::gen::inRange(0, 30 * 86400));
    if (*rc::gen::arbitrary<bool>()) k.routes[OneOf(kIntents)][OneOf<std::string>({"auto_send", "human"})] = comparison(0.5);
    x.kpis = k;
  }
  std::vector<std::string> customers;
  for (const auto& c : s.world.customers) customers.push_back(c.handle);
  for (const auto& c : customers) {
    switch (*rc::gen::inRange(0, 3)) {
      case 0: x.klaviyo.suppressed.push_back(c); break;
      case 1: x.klaviyo.not_suppressed.push_back(c); break;
      default: break;
    }
    if (*rc::gen::arbitrary<bool>()) {
      sc::KlaviyoExpectation::Sends sends;
      sends.customer = c;
      sends.kind = OneOf(kKinds);
      if (*rc::gen::arbitrary<bool>()) sends.sent = *rc::gen::inRange(0, 3);
      if (!sends.sent || *rc::gen::arbitrary<bool>()) sends.skipped = *rc::gen::inRange(0, 3);
      x.klaviyo.sends.push_back(sends);
    }
  }
  for (const auto& metric : UniqueTexts(2)) x.klaviyo.events[metric] = *rc::gen::inRange(0, 5);
  for (const std::string id : {"I1", "I2", "I5", "I9", "I11"}) {
    if (*rc::gen::inRange(0, 4) == 0) x.oracles_fire.push_back(id);
  }
}

// A policy embedded in the scenario, with a few sections moved off their defaults: the values the
// fuzzer varies at the policy's boundaries, money in every currency precision, and the optional
// and list-valued fields.
pipeline::Policy GeneratePolicy() {
  pipeline::Policy p;
  if (*rc::gen::arbitrary<bool>()) {
    p.store.timezone = pipeline::TimeZone::Load(OneOf<std::string>({"UTC", "Europe/Berlin", "-08:00"})).value();
    p.store.currency_decimals = *rc::gen::inRange(0, 5);
  }
  if (*rc::gen::arbitrary<bool>()) p.returns.window_days = *rc::gen::inRange(0, 3651);
  if (*rc::gen::arbitrary<bool>()) p.automation.auto_send_confidence = Rate();
  if (*rc::gen::arbitrary<bool>()) p.cutoffs.fulfillment_lock = Seconds(30 * 86400);
  if (*rc::gen::arbitrary<bool>()) p.tracking.stale_after = std::chrono::seconds(*rc::gen::inRange<std::int64_t>(3600, 90 * 86400));
  if (*rc::gen::arbitrary<bool>()) {
    p.vip.lifetime_value_at_least = *rc::gen::inRange<std::int64_t>(1, 10'000'000);
    if (*rc::gen::arbitrary<bool>()) p.vip.orders_count_at_least = *rc::gen::inRange<std::int64_t>(1, 100);
  }
  if (*rc::gen::arbitrary<bool>()) p.exchanges.approved_skus = {"HD-L-BLK", "x: y"};
  if (*rc::gen::arbitrary<bool>()) {
    p.recovery.metric = NonEmptyText().substr(0, 128);
    p.recovery.regular.discount = pipeline::Discount{pipeline::Discount::Kind::kAmount, *rc::gen::inRange<std::int64_t>(1, 100000)};
    p.recovery.vip.discount = std::nullopt;
  }
  if (*rc::gen::arbitrary<bool>()) {
    p.routing.vip_assignee_user_id = *rc::gen::inRange<std::uint64_t>(1, 1000);
    p.routing.intent_assignees = {{pipeline::Intent::kCancel, 5}, {pipeline::Intent::kWismo, 2}};
    p.routing.priority_rules = {{"intent:discount_request", pipeline::Priority::kCritical}};
  }
  return p;
}

// A scenario the loader accepts, built field by field.
sc::Scenario GenerateScenario() {
  sc::Scenario s;
  s.name = NonEmptyText();
  s.description = Text();
  if (*rc::gen::arbitrary<bool>()) s.seed = *rc::gen::arbitrary<std::uint64_t>();
  if (*rc::gen::arbitrary<bool>()) {
    s.store.name = NonEmptyText();
    s.store.vertical = OneOf<std::string>({"apparel", "food", "toys", "home_garden"});
    s.store.timezone = OneOf<std::string>({"UTC", "America/New_York", "Europe/Berlin", "+05:30"});
    s.store.shopify_plan = OneOf<std::string>({"standard", "advanced", "plus", "enterprise"});
    s.store.smart_sending = *rc::gen::arbitrary<bool>();
  }
  if (*rc::gen::arbitrary<bool>()) {
    // The instant is the loader's to resolve in the zone; the writer only has to keep the text.
    s.start = OneOf<std::string>({"2026-11-27T00:00:00", "2026-03-29T01:59:59", "2026-11-01T01:30:00"});
    const auto resolved = LoadScenarioText("schema_version: 1\nname: x\nstore: {timezone: \"" + s.store.timezone +
                                               "\"}\nstart: " + s.start + "\n",
                                           "start.yaml", "");
    RC_ASSERT(resolved.has_value());
    s.start_at = resolved->start_at;
  }
  if (*rc::gen::arbitrary<bool>()) {
    // Embedded: read back, policy_file names the file it was read from (SameScenario's rule).
    s.file = s.policy_file = "generated.yaml";
    s.policy = GeneratePolicy();
  }
  GenerateWorld(s);
  if (*rc::gen::arbitrary<bool>()) {
    sc::Generate g;
    if (*rc::gen::arbitrary<bool>()) {
      g.vertical = OneOf<std::string>({"", "food", "electronics"});
      g.orders_per_day = *rc::gen::inRange(1, 1000);
      g.average_order_value = OneOf<double>({1, 60, 80.5, 1e6});
      g.repeat_share = Rate();
      g.delay_rate = Rate();
      g.days = *rc::gen::inRange(1, 367);
      if (*rc::gen::arbitrary<bool>()) g.intent_mix = {{"wismo", 0.5}, {"discount_request", 0.25}, {"other", 0.25}};
      if (*rc::gen::arbitrary<bool>()) g.channel_mix = {{"email", 1.0}};
      g.write_on_delay = Rate();
      g.reopen_on_wrong_answer = Rate();
      g.agents = *rc::gen::inRange(1, 1001);
      g.agent_handle_time = std::chrono::seconds(*rc::gen::inRange<std::int64_t>(1, 86401));
      if (*rc::gen::arbitrary<bool>()) {
        g.shift_start = std::chrono::seconds(*rc::gen::inRange<std::int64_t>(0, 12 * 3600));
        g.shift_end = g.shift_start + std::chrono::seconds(*rc::gen::inRange<std::int64_t>(1, 12 * 3600 + 1));
      }
    }
    s.generate = g;
  }
  GenerateFaults(s);
  s.variant = static_cast<sc::PipelineVariant>(*rc::gen::inRange(0, 10));
  GenerateExpectations(s, GenerateTimeline(s));
  s.run_for = Seconds(3650ll * 86400);
  s.first_response_sla = std::chrono::seconds(*rc::gen::inRange<std::int64_t>(1, 30 * 86400));
  return s;
}

RC_GTEST_PROP(ScenarioWriterProperty, AGeneratedScenarioReadsBackEqual, ()) {
  const sc::Scenario s = GenerateScenario();
  const std::string yaml = WriteScenario(s, {.header = {"generated: " + s.name}});
  const auto back = LoadScenarioText(yaml, "generated.yaml", "");
  if (!back) RC_FAIL(back.error().ToString() + " in:\n" + yaml);
  if (!sc::SameScenario(s, *back)) RC_FAIL("read back differently:\n" + yaml);
}

}  // namespace
}  // namespace rh::harness
