// Writing a Scenario as YAML (scenario_writer.h). The layout follows docs/SCENARIOS.md's examples:
// block style for the sections, one flow mapping per list item (a customer, an order, a step), so
// a file reads as one line per thing. A field equal to its default is left out, which the loader
// reads back as that default. Deterministic: the output is a function of the scenario alone
// (std::map keys come out sorted; vectors in their order).
#include "harness/scenario_writer.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string_view>
#include <type_traits>
#include <variant>

#include "harness/scenario_loader.h"
#include "pipeline/policy.h"

namespace rh::harness {
namespace {

namespace sc = scenario;

// A broken precondition of the writer (a scenario the loader could not have produced): writing it
// anyway would give a file that reads back as another scenario, the one failure a writer of
// counterexamples must not have.
[[noreturn]] void WriterBug(const std::string& what) {
  std::fprintf(stderr, "scenario writer: %s\n", what.c_str());
  std::abort();
}

bool IsPlainSafe(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-' || c == '/' || c == '@' || c == '+' || c == ' ';
}

// A duration in the format's units ("90m" is written "1h30m", "3d" stays "3d").
std::string Duration(sim::Duration d) {
  if (d < sim::Duration::zero() || d % std::chrono::seconds(1) != sim::Duration::zero()) {
    WriterBug("a duration of " + std::to_string(d.count()) + " ns is not a whole, non-negative number of seconds");
  }
  return pipeline::FormatPolicyDuration(d);
}

// The shortest text that reads back as the same double (std::to_chars' guarantee).
std::string Number(double v) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) WriterBug("cannot format a number");
  return std::string(buf, end);
}

std::string Bool(bool b) { return b ? "true" : "false"; }

// "{a: 1, b: x}": the fields given, in the order given; "{}" when none.
class FlowMap {
 public:
  FlowMap& Add(std::string_view key, const std::string& raw_value) {
    text_ += (text_.empty() ? "" : ", ") + std::string(key) + ": " + raw_value;
    return *this;
  }
  FlowMap& Text(std::string_view key, const std::string& text) { return Add(key, YamlScalar(text)); }
  // Only when it differs from the default.
  FlowMap& TextUnless(std::string_view key, const std::string& text, std::string_view default_text) {
    return text == default_text ? *this : Text(key, text);
  }
  bool empty() const { return text_.empty(); }
  std::string str() const { return "{" + text_ + "}"; }

 private:
  std::string text_;
};

// "[a, b, "c: d"]".
std::string FlowList(const std::vector<std::string>& texts) {
  std::string out = "[";
  for (std::size_t i = 0; i < texts.size(); ++i) out += (i ? ", " : "") + YamlScalar(texts[i]);
  return out + "]";
}

class Writer {
 public:
  explicit Writer(const WriteOptions& options) : options_(options) {}

  std::string Write(const sc::Scenario& s) {
    Header();
    Line(0, "schema_version: 1");
    Line(0, "name: " + YamlScalar(s.name));
    if (!s.description.empty()) Line(0, "description: " + YamlScalar(s.description));
    if (s.seed) Line(0, "seed: " + std::to_string(*s.seed));
    if (!s.start.empty()) Line(0, "start: " + YamlScalar(s.start));
    Store(s.store);
    Policy(s);
    World(s.world);
    if (s.generate) Generate(*s.generate);
    Llm(s.faults);
    Faults(s.faults);
    if (s.variant != sc::PipelineVariant::kReference) {
      Line(0, "pipeline_variant: " + std::string(PipelineVariantName(s.variant)));
    }
    Timeline(s.timeline);
    const sc::Scenario defaults;
    if (s.run_for != defaults.run_for) Line(0, "run_for: " + Duration(s.run_for));
    if (s.first_response_sla != defaults.first_response_sla) {
      Line(0, "sla: " + FlowMap().Add("first_response", Duration(s.first_response_sla)).str());
    }
    Expect(s.expect);
    return out_;
  }

 private:
  void Line(int indent, const std::string& text) { out_ += std::string(static_cast<std::size_t>(indent), ' ') + text + "\n"; }

  void Header() {
    for (const std::string& line : options_.header) {
      std::size_t start = 0;
      while (true) {
        // "\r" too: YAML ends a comment at either, and the rest would be read as YAML.
        const std::size_t end = line.find_first_of("\r\n", start);
        const std::string part = line.substr(start, end == std::string::npos ? std::string::npos : end - start);
        Line(0, part.empty() ? "#" : "# " + part);
        if (end == std::string::npos) break;
        start = end + 1;
      }
    }
  }

  void Store(const sc::Store& store) {
    const sc::Store d;
    FlowMap f;
    f.TextUnless("name", store.name, d.name)
        .TextUnless("vertical", store.vertical, d.vertical)
        .TextUnless("timezone", store.timezone, d.timezone)
        .TextUnless("shopify_plan", store.shopify_plan, d.shopify_plan);
    if (store.smart_sending != d.smart_sending) f.Add("smart_sending", Bool(store.smart_sending));
    if (!f.empty()) Line(0, "store: " + f.str());
  }

  void Policy(const sc::Scenario& s) {
    if (!s.policy) return;
    if (s.policy_file.empty() || s.policy_file == s.file) {
      EmbeddedPolicy(*s.policy);
      return;
    }
    std::string path = s.policy_file;
    if (!options_.base_dir.empty()) {
      const auto relative =
          std::filesystem::path(s.policy_file).lexically_relative(std::filesystem::path(options_.base_dir).lexically_normal());
      // An absolute policy path against a relative folder has no relative form; keep it as it is.
      if (!relative.empty()) path = relative.generic_string();
    }
    Line(0, "policy: " + YamlScalar(path));
  }

  // ---- an embedded policy: docs/POLICY.md's format, sections that differ from the defaults ----

  // Minor units as the policy writes money: "1000.00" with two decimals, "1000" with none.
  static std::string Money(std::int64_t minor, int decimals) {
    std::string digits = std::to_string(minor);
    if (decimals == 0) return "\"" + digits + "\"";
    const auto width = static_cast<std::size_t>(decimals) + 1;
    if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
    return "\"" + digits.substr(0, digits.size() - static_cast<std::size_t>(decimals)) + "." +
           digits.substr(digits.size() - static_cast<std::size_t>(decimals)) + "\"";
  }

  template <class T, class NameOf>
  static std::string NameList(const std::vector<T>& values, NameOf name_of) {
    std::vector<std::string> names;
    for (const T& v : values) names.emplace_back(name_of(v));
    return FlowList(names);
  }

  static std::string Offer(const pipeline::RecoveryOffer& offer, int decimals) {
    // The loader reads a written offer whole (fields left out take RecoveryOffer{}'s values, not
    // the bucket's), so every field is written.
    FlowMap f;
    f.Add("apology", Bool(offer.apology)).Add("feedback_request", Bool(offer.feedback_request));
    if (offer.discount) {
      f.Add("discount", offer.discount->kind == pipeline::Discount::Kind::kPercent
                            ? FlowMap().Add("percent", std::to_string(offer.discount->value)).str()
                            : FlowMap().Add("amount", Money(offer.discount->value, decimals)).str());
    }
    return f.str();
  }

  // The policy under `policy:`, indented, as the policy loader reads it with root_key "policy".
  // Sections equal to pipeline::Policy{}'s (which equal scenarios/policies/default.yaml) are left out.
  void EmbeddedPolicy(const pipeline::Policy& p) {
    const pipeline::Policy d;
    const int decimals = p.store.currency_decimals;
    const auto intent = [](pipeline::Intent i) { return pipeline::IntentName(i); };
    Line(0, "policy:");
    Line(2, "schema_version: 1");
    if (p.store != d.store) {
      Line(2, "store: " + FlowMap()
                              .Text("timezone", p.store.timezone.name())
                              .Add("currency_decimals", std::to_string(p.store.currency_decimals))
                              .str());
    }
    if (p.automation != d.automation) {
      Line(2, "automation: " + FlowMap()
                                   .Add("enabled", Bool(p.automation.enabled))
                                   .Add("auto_send_confidence", Number(p.automation.auto_send_confidence))
                                   .Add("safe_intents", NameList(p.automation.safe_intents, intent))
                                   .Add("never_auto_intents", NameList(p.automation.never_auto_intents, intent))
                                   .str());
    }
    if (p.returns != d.returns) {
      Line(2, "returns: " + FlowMap()
                                .Add("window_days", std::to_string(p.returns.window_days))
                                .Text("window_starts_from", std::string(pipeline::WindowAnchorName(p.returns.window_starts_from)))
                                .Add("require_delivered", Bool(p.returns.require_delivered))
                                .str());
    }
    if (p.exchanges != d.exchanges) {
      Line(2, "exchanges: " + FlowMap()
                                  .Add("approved_skus", FlowList(p.exchanges.approved_skus))
                                  .Add("approved_sku_prefixes", FlowList(p.exchanges.approved_sku_prefixes))
                                  .Add("approved_product_types", FlowList(p.exchanges.approved_product_types))
                                  .Add("within_return_window", Bool(p.exchanges.within_return_window))
                                  .str());
    }
    if (p.cutoffs != d.cutoffs) {
      Line(2, "cutoffs: " + FlowMap()
                                .Add("fulfillment_lock", Duration(p.cutoffs.fulfillment_lock))
                                .Add("pick_and_pack_cutoff", Duration(p.cutoffs.pick_and_pack_cutoff))
                                .str());
    }
    if (p.tracking != d.tracking) {
      Line(2, "tracking: " + FlowMap()
                                 .Add("stale_after", Duration(p.tracking.stale_after))
                                 .Add("ship_within", Duration(p.tracking.ship_within))
                                 .Add("healthy_statuses", FlowList(p.tracking.healthy_statuses))
                                 .Add("exception_statuses", FlowList(p.tracking.exception_statuses))
                                 .Add("final_statuses", FlowList(p.tracking.final_statuses))
                                 .str());
    }
    if (p.vip != d.vip) {
      Line(2, "vip: " + FlowMap()
                            .Add("lifetime_value_at_least", Money(p.vip.lifetime_value_at_least, decimals))
                            .Add("orders_count_at_least",
                                 p.vip.orders_count_at_least ? std::to_string(*p.vip.orders_count_at_least) : "null")
                            .Add("always_human", Bool(p.vip.always_human))
                            .Add("human_when_active_issue", Bool(p.vip.human_when_active_issue))
                            .str());
    }
    if (p.new_customer != d.new_customer) {
      Line(2, "new_customer: " +
                  FlowMap().Add("orders_count_at_most", std::to_string(p.new_customer.orders_count_at_most)).str());
    }
    if (p.repeated_refunds != d.repeated_refunds) {
      Line(2, "repeated_refunds: " + FlowMap()
                                         .Add("refunds_at_least", std::to_string(p.repeated_refunds.refunds_at_least))
                                         .Add("window", Duration(p.repeated_refunds.window))
                                         .str());
    }
    if (p.suppression != d.suppression) {
      Line(2, "suppression: " +
                  FlowMap()
                      .Add("triggers", NameList(p.suppression.triggers, [](pipeline::Issue i) { return pipeline::IssueName(i); }))
                      .Add("message_kinds", NameList(p.suppression.message_kinds,
                                                     [](pipeline::MessageKind k) { return pipeline::MessageKindName(k); }))
                      .str());
    }
    if (p.recovery != d.recovery) {
      Line(2, "recovery:");
      Line(4, "metric: " + YamlScalar(p.recovery.metric));
      Line(4, "offers: " + FlowMap()
                               .Add("vip", Offer(p.recovery.vip, decimals))
                               .Add("regular", Offer(p.recovery.regular, decimals))
                               .Add("new", Offer(p.recovery.new_customer, decimals))
                               .str());
    }
    if (p.routing != d.routing) {
      const pipeline::RoutingSettings& r = p.routing;
      Line(2, "routing:");
      if (r.default_assignee_user_id) Line(4, "default_assignee_user_id: " + std::to_string(*r.default_assignee_user_id));
      if (r.vip_assignee_user_id) Line(4, "vip_assignee_user_id: " + std::to_string(*r.vip_assignee_user_id));
      FlowMap assignees;
      for (const auto& [who, user] : r.intent_assignees) assignees.Add(pipeline::IntentName(who), std::to_string(user));
      Line(4, "intent_assignees: " + assignees.str());
      Line(4, "default_priority: " + std::string(pipeline::PriorityName(r.default_priority)));
      std::string rules = "[";
      for (std::size_t i = 0; i < r.priority_rules.size(); ++i) {
        rules += (i ? ", " : "") + FlowMap()
                                       .Text("when", r.priority_rules[i].when)
                                       .Add("priority", std::string(pipeline::PriorityName(r.priority_rules[i].priority)))
                                       .str();
      }
      Line(4, "priority_rules: " + rules + "]");
    }
  }

  void World(const sc::World& w) {
    if (w.customers.empty() && w.orders.empty() && w.lists.empty() && w.campaigns.empty() && w.flows.empty()) return;
    Line(0, "world:");
    if (!w.lists.empty()) {
      Line(2, "lists:");
      for (const auto& list : w.lists) {
        Line(4, "- " + FlowMap().Text("handle", list.handle).TextUnless("name", list.name, list.handle).str());
      }
    }
    if (!w.customers.empty()) {
      Line(2, "customers:");
      for (const auto& c : w.customers) Line(4, "- " + Customer(c));
    }
    if (!w.orders.empty()) {
      Line(2, "orders:");
      for (const auto& o : w.orders) Line(4, "- " + Order(o));
    }
    if (!w.campaigns.empty()) {
      Line(2, "campaigns:");
      for (const auto& c : w.campaigns) {
        const sc::Campaign d;
        FlowMap f;
        f.Text("name", c.name).TextUnless("kind", c.kind, d.kind);
        if (c.at != d.at) f.Add("at", Duration(c.at));
        f.Add("lists", FlowList(c.lists));
        if (c.smart_sending) f.Add("smart_sending", Bool(*c.smart_sending));
        Line(4, "- " + f.str());
      }
    }
    if (!w.flows.empty()) {
      Line(2, "flows:");
      for (const auto& flow : w.flows) Line(4, "- " + Flow(flow));
    }
  }

  static std::string Customer(const sc::Customer& c) {
    const sc::Customer d;
    FlowMap f;
    f.Text("handle", c.handle)
        .TextUnless("email", c.email, c.handle + "@example.com")
        .TextUnless("first_name", c.first_name, d.first_name)
        .TextUnless("last_name", c.last_name, d.last_name)
        .TextUnless("phone", c.phone, d.phone);
    if (!c.tags.empty()) f.Add("tags", FlowList(c.tags));
    if (c.marketing_consent != d.marketing_consent) f.Add("marketing_consent", Bool(c.marketing_consent));
    if (!c.lists.empty()) f.Add("lists", FlowList(c.lists));
    return f.str();
  }

  static std::string Order(const sc::Order& o) {
    const sc::Order d;
    FlowMap f;
    f.Text("handle", o.handle).Text("customer", o.customer);
    if (o.items.empty()) WriterBug("order " + o.handle + " has no items; the format has no way to say so");
    // Left out, the loader gives one default item.
    if (!(o.items.size() == 1 && o.items[0] == sc::LineItem{})) {
      std::string items = "[";
      for (std::size_t i = 0; i < o.items.size(); ++i) {
        const sc::LineItem& line = o.items[i];
        const sc::LineItem dl;
        FlowMap item;
        item.TextUnless("title", line.title, dl.title).TextUnless("sku", line.sku, dl.sku);
        if (line.quantity != dl.quantity) item.Add("quantity", std::to_string(line.quantity));
        // Quoted always: a price is text kept as written, and "54.90" must not look like a float.
        if (line.price != dl.price) item.Add("price", "\"" + line.price + "\"");
        items += (i ? ", " : "") + item.str();
      }
      f.Add("items", items + "]");
    }
    f.TextUnless("financial_status", o.financial_status, d.financial_status);
    if (o.age != d.age) f.Add("age", Duration(o.age));
    if (o.fulfillment) {
      const sc::Fulfillment df;
      FlowMap ff;
      ff.TextUnless("carrier", o.fulfillment->carrier, df.carrier)
          .TextUnless("tracking_number", o.fulfillment->tracking_number, df.tracking_number)
          .TextUnless("status", o.fulfillment->status, df.status);
      if (o.fulfillment->age != df.age) ff.Add("age", Duration(o.fulfillment->age));
      f.Add("fulfillment", ff.str());
    }
    if (o.refunds != d.refunds) f.Add("refunds", std::to_string(o.refunds));
    return f.str();
  }

  static std::string Flow(const sc::Flow& flow) {
    FlowMap f;
    f.Text("name", flow.name);
    if (!flow.trigger_metric.empty()) f.Text("trigger_metric", flow.trigger_metric);
    if (!flow.trigger_list.empty()) f.Text("trigger_list", flow.trigger_list);
    std::string actions = "[";
    for (std::size_t i = 0; i < flow.actions.size(); ++i) {
      const sc::FlowAction& a = flow.actions[i];
      FlowMap af;
      if (a.message.empty()) {
        af.Add("delay", Duration(a.delay));
      } else {
        af.Text("message", a.message).TextUnless("kind", a.kind, sc::FlowAction{}.kind);
        if (a.smart_sending) af.Add("smart_sending", Bool(*a.smart_sending));
      }
      actions += (i ? ", " : "") + af.str();
    }
    f.Add("actions", actions + "]");
    return f.str();
  }

  void Generate(const sc::Generate& g) {
    const sc::Generate d;
    FlowMap f;
    f.TextUnless("vertical", g.vertical, d.vertical);
    if (g.orders_per_day != d.orders_per_day) f.Add("orders_per_day", std::to_string(g.orders_per_day));
    if (g.average_order_value != d.average_order_value) f.Add("average_order_value", Number(g.average_order_value));
    if (g.repeat_share != d.repeat_share) f.Add("repeat_share", Number(g.repeat_share));
    if (g.delay_rate != d.delay_rate) f.Add("delay_rate", Number(g.delay_rate));
    if (g.days != d.days) f.Add("days", std::to_string(g.days));
    if (!g.intent_mix.empty()) f.Add("intent_mix", Mix(g.intent_mix));
    if (!g.channel_mix.empty()) f.Add("channel_mix", Mix(g.channel_mix));
    if (g.write_on_delay != d.write_on_delay) f.Add("write_on_delay", Number(g.write_on_delay));
    if (g.reopen_on_wrong_answer != d.reopen_on_wrong_answer) {
      f.Add("reopen_on_wrong_answer", Number(g.reopen_on_wrong_answer));
    }
    if (g.agents != d.agents) f.Add("agents", std::to_string(g.agents));
    if (g.agent_handle_time != d.agent_handle_time) f.Add("agent_handle_time", Duration(g.agent_handle_time));
    if (g.shift_start != d.shift_start || g.shift_end != d.shift_end) {
      f.Add("agent_shift", FlowMap().Add("start", Duration(g.shift_start)).Add("end", Duration(g.shift_end)).str());
    }
    Line(0, "generate: " + f.str());
  }

  static std::string Mix(const std::map<std::string, double>& mix) {
    FlowMap f;
    for (const auto& [label, share] : mix) f.Add(YamlScalar(label), Number(share));
    return f.str();
  }

  void Llm(const sc::Faults& faults) {
    const sc::LlmFaults& llm = faults.llm;
    const sc::LlmFaults d;
    FlowMap rates;
    const std::pair<std::string_view, double> all[] = {
        {"overload", llm.overload},         {"refusal", llm.refusal},     {"hallucinated_tracking", llm.hallucinated_tracking},
        {"refund_promise", llm.refund_promise}, {"invalid_json", llm.invalid_json}, {"truncated", llm.truncated},
        {"slow_stream", llm.slow_stream}};
    for (const auto& [name, rate] : all) {
      if (rate != 0) rates.Add(name, Number(rate));
    }
    if (rates.empty() && llm.accuracy == d.accuracy && faults.llm_scripts.empty()) return;
    Line(0, "llm:");
    if (!rates.empty()) Line(2, "faults: " + rates.str());
    if (llm.accuracy != d.accuracy) Line(2, "accuracy: " + Number(llm.accuracy));
    if (faults.llm_scripts.empty()) return;
    Line(2, "scripts:");
    for (const sc::LlmScript& s : faults.llm_scripts) {
      FlowMap f;
      if (!s.contains.empty()) f.Text("contains", s.contains);
      if (!s.regex.empty()) f.Text("regex", s.regex);
      if (s.nth_call != 0) f.Add("nth_call", std::to_string(s.nth_call));
      if (s.times != 0) f.Add("times", std::to_string(s.times));
      if (!s.text.empty()) f.Text("text", s.text);
      if (!s.json.empty()) f.Text("json", s.json);
      if (s.status != 0) f.Add("status", std::to_string(s.status));
      if (!s.error_type.empty()) f.Text("error_type", s.error_type);
      if (!s.error_message.empty()) f.Text("error_message", s.error_message);
      Line(4, "- " + f.str());
    }
  }

  void Faults(const sc::Faults& faults) {
    const sc::WebhookFaults d;
    FlowMap webhooks;
    if (faults.webhooks.duplicate_rate != d.duplicate_rate) webhooks.Add("duplicate_rate", Number(faults.webhooks.duplicate_rate));
    if (faults.webhooks.delay_rate != d.delay_rate) webhooks.Add("delay_rate", Number(faults.webhooks.delay_rate));
    if (faults.webhooks.max_delay != d.max_delay) webhooks.Add("max_delay", Duration(faults.webhooks.max_delay));
    FlowMap rest;
    if (faults.shopify_rest_bucket) rest.Add("bucket", std::to_string(*faults.shopify_rest_bucket));
    if (faults.shopify_rest_leak_every) rest.Add("leak_every", Duration(*faults.shopify_rest_leak_every));
    if (webhooks.empty() && rest.empty() && !faults.llm_requests_per_minute) return;
    Line(0, "faults:");
    if (!webhooks.empty()) Line(2, "webhooks: " + webhooks.str());
    if (!rest.empty()) Line(2, "shopify_rest: " + rest.str());
    if (faults.llm_requests_per_minute) Line(2, "llm_requests_per_minute: " + Number(*faults.llm_requests_per_minute));
  }

  void Timeline(const std::vector<sc::Step>& timeline) {
    if (timeline.empty()) return;
    Line(0, "timeline:");
    // The loader sorts steps by `at`, stably; written out of order they would read back reordered.
    const auto unsorted = std::is_sorted_until(timeline.begin(), timeline.end(),
                                               [](const sc::Step& a, const sc::Step& b) { return a.at < b.at; });
    if (unsorted != timeline.end()) {
      WriterBug("timeline step " + std::to_string(unsorted - timeline.begin()) + " comes before an earlier step's time");
    }
    for (const sc::Step& step : timeline) {
      Line(2, "- " + FlowMap().Add("at", Duration(step.at)).Add(ActionKey(step.action), ActionFields(step.action)).str());
    }
  }

  static std::string ActionKey(const sc::Action& action) {
    return std::visit(
        [](const auto& a) -> std::string {
          using A = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<A, sc::CustomerWrites>) return "customer_writes";
          if constexpr (std::is_same_v<A, sc::CarrierScan>) return "carrier_scan";
          if constexpr (std::is_same_v<A, sc::AgentReplies>) return "agent_replies";
          if constexpr (std::is_same_v<A, sc::AgentNote>) return "agent_note";
          if constexpr (std::is_same_v<A, sc::CloseTicket>) return "close_ticket";
          if constexpr (std::is_same_v<A, sc::DecideOffer>) return a.approve ? "approve_offer" : "decline_offer";
          if constexpr (std::is_same_v<A, sc::Refund>) return "refund";
          if constexpr (std::is_same_v<A, sc::Wait>) return "wait";
          if constexpr (std::is_same_v<A, sc::ForgedWebhook>) return "forged_webhook";
          if constexpr (std::is_same_v<A, sc::CreateFulfillment>) return "create_fulfillment";
          if constexpr (std::is_same_v<A, sc::AddToList>) return "add_to_list";
        },
        action);
  }

  static std::string ActionFields(const sc::Action& action) {
    FlowMap f;
    const auto agent_unless_first = [&f](int agent) {
      if (agent != 0) f.Add("agent", std::to_string(agent));
    };
    if (const auto* writes = std::get_if<sc::CustomerWrites>(&action)) {
      const sc::CustomerWrites d;
      f.Text("customer", writes->customer).TextUnless("channel", writes->channel, d.channel).Text("text", writes->text);
      f.TextUnless("ticket", writes->ticket, d.ticket);
      if (writes->with_photo != d.with_photo) f.Add("with_photo", Bool(writes->with_photo));
      f.TextUnless("intent", writes->intent, d.intent);
    } else if (const auto* scan = std::get_if<sc::CarrierScan>(&action)) {
      f.Text("order", scan->order).Text("status", scan->status).TextUnless("message", scan->message, sc::CarrierScan{}.message);
    } else if (const auto* reply = std::get_if<sc::AgentReplies>(&action)) {
      f.Text("ticket", reply->ticket);
      agent_unless_first(reply->agent);
      f.TextUnless("text", reply->text, sc::AgentReplies{}.text);
    } else if (const auto* note = std::get_if<sc::AgentNote>(&action)) {
      f.Text("ticket", note->ticket);
      agent_unless_first(note->agent);
      f.Text("text", note->text);
    } else if (const auto* close = std::get_if<sc::CloseTicket>(&action)) {
      f.Text("ticket", close->ticket);
      agent_unless_first(close->agent);
    } else if (const auto* decide = std::get_if<sc::DecideOffer>(&action)) {
      f.Text("ticket", decide->ticket);
      agent_unless_first(decide->agent);
    } else if (const auto* refund = std::get_if<sc::Refund>(&action)) {
      f.Text("order", refund->order).TextUnless("note", refund->note, sc::Refund{}.note);
    } else if (const auto* forged = std::get_if<sc::ForgedWebhook>(&action)) {
      f.Text("customer", forged->customer).TextUnless("text", forged->text, sc::ForgedWebhook{}.text);
    } else if (const auto* ship = std::get_if<sc::CreateFulfillment>(&action)) {
      const sc::CreateFulfillment d;
      f.Text("order", ship->order)
          .TextUnless("carrier", ship->carrier, d.carrier)
          .TextUnless("tracking_number", ship->tracking_number, d.tracking_number)
          .TextUnless("status", ship->status, d.status);
    } else if (const auto* join = std::get_if<sc::AddToList>(&action)) {
      f.Text("customer", join->customer).Text("list", join->list);
    }
    return f.str();  // a wait has no fields: "{}"
  }

  void Expect(const sc::Expectations& x) {
    const sc::KlaviyoExpectation& k = x.klaviyo;
    const bool klaviyo = !k.suppressed.empty() || !k.not_suppressed.empty() || !k.sends.empty() || !k.events.empty();
    if (x.tickets.empty() && !klaviyo && x.decisions.empty() && x.orders.empty() && !x.kpis && x.oracles_fire.empty()) {
      return;
    }
    Line(0, "expect:");
    if (!x.tickets.empty()) {
      Line(2, "tickets:");
      for (const sc::TicketExpectation& t : x.tickets) Line(4, YamlScalar(t.ticket) + ": " + TicketChecks(t));
    }
    if (klaviyo) {
      Line(2, "klaviyo:");
      if (!k.suppressed.empty()) Line(4, "suppressed: " + FlowList(k.suppressed));
      if (!k.not_suppressed.empty()) Line(4, "not_suppressed: " + FlowList(k.not_suppressed));
      if (!k.sends.empty()) {
        Line(4, "sends:");
        for (const auto& s : k.sends) {
          FlowMap f;
          f.Text("customer", s.customer).Text("kind", s.kind);
          if (s.sent) f.Add("sent", std::to_string(*s.sent));
          if (s.skipped) f.Add("skipped", std::to_string(*s.skipped));
          Line(6, "- " + f.str());
        }
      }
      if (!k.events.empty()) {
        FlowMap f;
        for (const auto& [metric, count] : k.events) f.Add(YamlScalar(metric), std::to_string(count));
        Line(4, "events: " + f.str());
      }
    }
    if (!x.decisions.empty()) {
      Line(2, "decisions:");
      for (const sc::DecisionExpectation& d : x.decisions) {
        FlowMap f;
        f.Text("ticket", d.ticket).Text("kind", d.kind);
        if (d.route) f.Text("route", *d.route);
        if (d.outcome) f.Text("outcome", *d.outcome);
        if (d.override_reason) f.Text("override_reason", *d.override_reason);
        if (d.count) f.Add("count", std::to_string(*d.count));
        if (d.rationale_mentions) f.Text("rationale_mentions", *d.rationale_mentions);
        if (d.value_bucket) f.Text("value_bucket", *d.value_bucket);
        Line(4, "- " + f.str());
      }
    }
    if (!x.orders.empty()) {
      Line(2, "orders:");
      for (const sc::OrderExpectation& o : x.orders) Line(4, YamlScalar(o.order) + ": " + OrderChecks(o));
    }
    if (x.kpis) Kpis(*x.kpis);
    if (!x.oracles_fire.empty()) Line(2, "oracles_fire: " + FlowList(x.oracles_fire));
  }

  static std::string OrderChecks(const sc::OrderExpectation& o) {
    FlowMap f;
    if (o.cancelled) f.Add("cancelled", Bool(*o.cancelled));
    if (o.address_changed) f.Add("address_changed", Bool(*o.address_changed));
    if (o.refunds) f.Add("refunds", std::to_string(*o.refunds));
    if (o.financial_status) f.Text("financial_status", *o.financial_status);
    if (!o.tags_include.empty()) f.Add("tags_include", FlowList(o.tags_include));
    if (!o.tags_exclude.empty()) f.Add("tags_exclude", FlowList(o.tags_exclude));
    return f.str();
  }

  // ">= 0.6"; a duration bound in the format's units ("<= 2h").
  static std::string Comparison(const sc::Comparison& c, bool duration) {
    const std::string value =
        duration ? Duration(std::chrono::duration_cast<sim::Duration>(std::chrono::duration<double>(c.value))) : Number(c.value);
    return YamlScalar(c.op + " " + value);
  }

  void Kpis(const sc::KpiExpectation& k) {
    Line(2, "kpis:");
    if (k.tickets) Line(4, "tickets: " + Comparison(*k.tickets, false));
    if (k.automation_rate) Line(4, "automation_rate: " + Comparison(*k.automation_rate, false));
    if (k.reopen_rate) Line(4, "reopen_rate: " + Comparison(*k.reopen_rate, false));
    if (k.first_response_p90) Line(4, "first_response_p90: " + Comparison(*k.first_response_p90, true));
    if (k.routes.empty()) return;
    Line(4, "routes:");
    for (const auto& [intent, routes] : k.routes) {
      FlowMap f;
      for (const auto& [route, c] : routes) f.Add(route, Comparison(c, false));
      Line(6, intent + ": " + f.str());
    }
  }

  static std::string ReplyTexts(const std::vector<sc::ReplyText>& texts) {
    std::string out = "[";
    for (std::size_t i = 0; i < texts.size(); ++i) {
      const sc::ReplyText& t = texts[i];
      out += (i ? ", " : "") + (t.fact.empty() ? YamlScalar(t.text) : FlowMap().Text("order", t.order).Text("fact", t.fact).str());
    }
    return out + "]";
  }

  static std::string TicketChecks(const sc::TicketExpectation& t) {
    FlowMap f;
    if (!t.tags_include.empty()) f.Add("tags_include", FlowList(t.tags_include));
    if (!t.tags_exclude.empty()) f.Add("tags_exclude", FlowList(t.tags_exclude));
    if (t.replies_delivered) f.Add("replies_delivered", std::to_string(*t.replies_delivered));
    if (t.route) f.Text("route", *t.route);
    if (t.rule) f.Text("rule", *t.rule);
    if (t.intent) f.Text("intent", *t.intent);
    if (t.priority) f.Text("priority", *t.priority);
    if (t.assigned) f.Add("assigned", Bool(*t.assigned));
    if (!t.mentions.empty()) f.Add("mentions", ReplyTexts(t.mentions));
    if (!t.excludes.empty()) f.Add("excludes", ReplyTexts(t.excludes));
    return f.str();
  }

  const WriteOptions& options_;
  std::string out_;
};

}  // namespace

std::string YamlScalar(const std::string& text) {
  // Plain only for a conservative alphabet: no YAML indicator can start or end it, no ": " or
  // " #" can occur, and the words YAML reads as null are quoted. Everything else is quoted.
  const bool plain = !text.empty() && text.front() != ' ' && text.back() != ' ' && text.front() != '-' &&
                     text.front() != '@' &&
                     text.find("  ") == std::string::npos &&
                     std::all_of(text.begin(), text.end(), IsPlainSafe) && text != "null" && text != "Null" &&
                     text != "NULL";
  if (plain) return text;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    const auto next = [&text, i](std::size_t k) { return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0; };
    // C1 controls (U+0080..U+009F, NEL among them) and U+2028/U+2029: YAML reads some of these
    // as line breaks and folds them, so they are escaped like the ASCII controls.
    if (byte == 0xc2 && next(1) >= 0x80 && next(1) <= 0x9f) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", next(1));
      out += escape;
      ++i;
      continue;
    }
    if (byte == 0xe2 && next(1) == 0x80 && (next(2) == 0xa8 || next(2) == 0xa9)) {
      out += next(2) == 0xa8 ? "\\u2028" : "\\u2029";
      i += 2;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (byte < 0x20 || byte == 0x7f) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\x%02x", byte);
          out += escape;
        } else {
          out += c;  // printable ASCII, and UTF-8 sequences as they are (YAML files are UTF-8)
        }
    }
  }
  return out + "\"";
}

std::string WriteScenario(const scenario::Scenario& scenario, const WriteOptions& options) {
  return Writer(options).Write(scenario);
}

}  // namespace rh::harness
