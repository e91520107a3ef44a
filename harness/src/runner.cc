#include "harness/runner.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "harness/oracles.h"
#include "harness/outside_pipeline.h"
#include "harness/pipeline_variants.h"
#include "harness/reference_pipeline.h"
#include "harness/scenario_loader.h"
#include "harness/sim_world.h"
#include "harness/traffic.h"
#include "pipeline/policy.h"
#include "pipeline/seams.h"
#include "rehearsal/build_info.h"
#include "sim/clock.h"
#include "sim/crypto.h"

namespace rh::harness {
namespace {

namespace sc = scenario;

mocks::shopify::Plan PlanFor(const std::string& name) {
  if (name == "advanced") return mocks::shopify::Plan::kAdvanced;
  if (name == "plus") return mocks::shopify::Plan::kPlus;
  if (name == "enterprise") return mocks::shopify::Plan::kEnterprise;
  return mocks::shopify::Plan::kStandard;
}

mocks::klaviyo::MessageKind KindOf(const std::string& name) {
  return mocks::klaviyo::ParseMessageKind(name).value_or(mocks::klaviyo::MessageKind::kPromotional);
}

double Seconds(sim::Duration d) { return sim::ToSeconds(d); }

// Everything one run holds; destroyed in reverse order (pipeline before world). The system under
// test is the reference pipeline in-process, or an outside one (options.outside) whose decision
// log, if it offers one, is read into `outside_log` when the run ends.
struct Run {
  Run(const sc::Scenario& s, std::uint64_t seed, const RunOptions& options)
      : scenario(s), world(WorldConfig(s, seed, options.outside != nullptr)), policy(PolicyFor(s)) {
    if (!options.outside) {
      reference.emplace(world, policy, ":memory:", BreakageFor(s.variant));
      return;
    }
    auto log = pipeline::DecisionLog::Open(":memory:");
    RH_CHECK(log.has_value(), "an in-memory decision log did not open");
    outside_log = std::make_unique<pipeline::DecisionLog>(std::move(*log));
    auto session = OutsideSession::Start(world, *options.outside);
    if (!session) throw std::runtime_error(options.outside->Describe() + ": " + session.error());
    outside = std::move(*session);
  }

  pipeline::DecisionLog& log() { return reference ? reference->log() : *outside_log; }

  static SimWorldConfig WorldConfig(const sc::Scenario& s, std::uint64_t seed, bool outside = false) {
    SimWorldConfig c;
    c.seed = seed;
    c.scenario = s.file.empty() ? s.name : s.file;
    c.scenario_hash = s.content_hash;
    c.build = std::string(kVersion) + "+" + kGitDescribe;
    c.replay = ReplayCommand(c.scenario, seed);
    if (s.start_at) c.epoch = *s.start_at;
    if (!s.start_at && outside) c.epoch = OutsideCalendarStart();
    c.shopify.plan = PlanFor(s.store.shopify_plan);
    c.llm.faults.overload = s.faults.llm.overload;
    c.llm.faults.refusal = s.faults.llm.refusal;
    c.llm.faults.hallucinated_tracking = s.faults.llm.hallucinated_tracking;
    c.llm.faults.refund_promise = s.faults.llm.refund_promise;
    c.llm.faults.invalid_json = s.faults.llm.invalid_json;
    c.llm.faults.truncated = s.faults.llm.truncated;
    c.llm.faults.slow_stream = s.faults.llm.slow_stream;
    c.llm.error_model = mocks::llm::ErrorModel::Uniform(s.faults.llm.accuracy);
    if (s.faults.llm_requests_per_minute) c.llm.rate_limits.openai_rpm = *s.faults.llm_requests_per_minute;
    int agents = 2;
    for (const auto& step : s.timeline) {
      if (auto* r = std::get_if<sc::AgentReplies>(&step.action)) agents = std::max(agents, r->agent + 1);
      if (auto* n = std::get_if<sc::AgentNote>(&step.action)) agents = std::max(agents, n->agent + 1);
      if (auto* k = std::get_if<sc::CloseTicket>(&step.action)) agents = std::max(agents, k->agent + 1);
      if (auto* d = std::get_if<sc::DecideOffer>(&step.action)) agents = std::max(agents, d->agent + 1);
    }
    if (s.generate) agents = std::max(agents, s.generate->agents);
    c.agents = agents;
    return c;
  }

  static pipeline::Policy PolicyFor(const sc::Scenario& s) {
    if (s.policy) return *s.policy;
    if (s.policy_file.empty()) return DefaultPolicy();
    auto policy = pipeline::LoadPolicyFile(s.policy_file);
    RH_CHECK(policy.has_value(), "a scenario's policy failed to load after the loader accepted it");
    return *policy;
  }

  const sc::Scenario& scenario;
  SimWorld world;
  pipeline::Policy policy;
  std::optional<ReferencePipeline> reference;
  std::unique_ptr<pipeline::DecisionLog> outside_log;
  std::unique_ptr<OutsideSession> outside;
  bool outside_offers_log = false;
  std::map<std::string, CustomerRef> customers;
  std::map<std::string, OrderRef> orders;
  std::map<std::string, std::string> lists;     // handle -> Klaviyo id
  std::map<std::string, std::uint64_t> tickets;  // handle -> Gorgias id
  std::map<std::uint64_t, std::string> ticket_labels;
  std::vector<std::string> step_errors;
  // Each order's shipping address as seeded, to tell at the end whether it changed.
  std::map<std::string, mocks::OrderedJson> seeded_addresses;
  // Per triaged intent, how many of the run's tickets the first route decision sent each way
  // (Measure fills it; the KPI expectations read it).
  std::map<std::string, std::map<std::string, int>> routes_by_intent;
  std::unique_ptr<sim::HttpClient> attacker;  // sends forged webhooks
};

// The scenario's scripted LLM answers, in file order (the mock takes the first that matches).
void ScriptLlm(Run& run) {
  for (const sc::LlmScript& s : run.scenario.faults.llm_scripts) {
    mocks::llm::Script script;
    script.contains = s.contains;
    script.regex = s.regex;
    script.nth_call = s.nth_call;
    script.times = s.times;
    script.text = s.text;
    if (!s.json.empty()) script.json = mocks::OrderedJson::parse(s.json);
    script.status = s.status;
    script.error_type = s.error_type;
    script.error_message = s.error_message;
    run.world.llm().AddScript(std::move(script));
  }
}

void Seed(Run& run) {
  const sc::Scenario& s = run.scenario;
  SimWorld& world = run.world;
  const sim::Moment now = world.Now();
  for (const auto& list : s.world.lists) run.lists[list.handle] = world.klaviyo().SeedList(list.name, now);
  // Flows first: the orders seeded below reach Klaviyo through its Shopify integration, and a
  // flow on their metrics (Fulfilled Order) must already be live to start.
  for (const auto& f : s.world.flows) {
    mocks::klaviyo::Flow flow;
    flow.name = f.name;
    if (!f.trigger_list.empty()) {
      flow.trigger = mocks::klaviyo::Flow::Trigger::kAddedToList;
      flow.trigger_list_id = run.lists.at(f.trigger_list);
    } else {
      flow.trigger = mocks::klaviyo::Flow::Trigger::kMetric;
      flow.trigger_metric = f.trigger_metric;
    }
    for (const auto& a : f.actions) {
      mocks::klaviyo::FlowAction action;
      if (a.message.empty()) {
        action.type = mocks::klaviyo::FlowAction::Type::kDelay;
        action.delay = a.delay;
      } else {
        action.type = mocks::klaviyo::FlowAction::Type::kEmail;
        action.name = a.message;
        action.kind = KindOf(a.kind);
        action.smart_sending = a.smart_sending.value_or(s.store.smart_sending);
      }
      flow.actions.push_back(action);
    }
    auto id = world.klaviyo().SeedFlow(flow, now);
    if (!id) run.step_errors.push_back("flow " + f.name + ": " + id.error());
  }
  int n = 0;
  for (const auto& c : s.world.customers) {
    CustomerSpec spec;
    spec.first_name = c.first_name.empty() ? c.handle : c.first_name;
    spec.last_name = c.last_name;
    spec.email = c.email;
    spec.phone = c.phone.empty() ? "+1555" + std::to_string(2000000 + n) : c.phone;
    spec.tags = c.tags;
    spec.marketing_consent = c.marketing_consent;
    for (const auto& l : c.lists) spec.klaviyo_lists.push_back(run.lists.at(l));
    run.customers[c.handle] = world.AddCustomer(spec);
    ++n;
  }
  for (const auto& o : s.world.orders) {
    OrderSpec spec;
    spec.items.clear();
    for (const auto& item : o.items) spec.items.push_back({item.title, item.sku, item.quantity, item.price});
    if (spec.items.empty()) spec.items.push_back(LineItemSpec{});
    spec.financial_status = o.financial_status;
    spec.age = o.age;
    if (o.fulfillment) {
      const auto& f = *o.fulfillment;
      spec.fulfillment = FulfillmentSpec{f.carrier,
                                         f.tracking_number.empty() ? "1Z999AA1" + std::to_string(1000000000 + run.orders.size())
                                                                   : f.tracking_number,
                                         f.status, f.age};
    }
    const OrderRef ref = world.AddOrder(run.customers.at(o.customer), spec);
    for (int i = 0; i < o.refunds; ++i) world.AddRefund(ref, "refund " + std::to_string(i + 1));
    run.orders[o.handle] = ref;
    if (auto json = world.shopify().OrderJson(ref.id)) run.seeded_addresses[o.handle] = (*json)["shipping_address"];
  }
  for (const auto& c : s.world.campaigns) {
    mocks::klaviyo::Campaign campaign;
    campaign.name = c.name;
    campaign.kind = KindOf(c.kind);
    campaign.subject = c.name;
    for (const auto& l : c.lists) campaign.included.push_back(run.lists.at(l));
    campaign.scheduled_at = now.wall + c.at;
    campaign.use_smart_sending = c.smart_sending.value_or(s.store.smart_sending);
    auto id = world.klaviyo().ScheduleCampaign(campaign, now);
    if (!id) run.step_errors.push_back("campaign " + c.name + ": " + id.error());
  }
  if (s.faults.webhooks.duplicate_rate > 0 || s.faults.webhooks.delay_rate > 0) {
    mocks::DeliveryFaults faults;
    faults.duplicate_rate = s.faults.webhooks.duplicate_rate;
    faults.delay_rate = s.faults.webhooks.delay_rate;
    faults.max_delay = s.faults.webhooks.max_delay;
    world.shopify_webhooks().set_faults(faults);
    world.gorgias_webhooks().set_faults(faults);
  }
  if (s.faults.shopify_rest_bucket || s.faults.shopify_rest_leak_every) {
    mocks::shopify::RestLimits limits = mocks::shopify::RestLimitsFor(PlanFor(s.store.shopify_plan));
    if (s.faults.shopify_rest_bucket) limits.bucket_size = *s.faults.shopify_rest_bucket;
    if (s.faults.shopify_rest_leak_every) limits.leak_each = *s.faults.shopify_rest_leak_every;
    world.shopify().SetRestLimits(limits);
  }
}

// The pipeline's draft for a ticket (what an agent confirming it sends).
std::string DraftFor(Run& run, std::uint64_t ticket) {
  auto rows = run.log().ForTicket(ticket);
  if (!rows) return {};
  for (auto it = rows->rbegin(); it != rows->rend(); ++it) {
    if (!it->draft.empty()) return it->draft;
  }
  return {};
}

void Perform(Run& run, const sc::Step& step) {
  SimWorld& world = run.world;
  std::visit(
      [&](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, sc::CustomerWrites>) {
          std::optional<std::uint64_t> existing;
          if (auto it = run.tickets.find(a.ticket); it != run.tickets.end()) existing = it->second;
          const auto result = world.CustomerWrites(run.customers.at(a.customer), a.text, a.channel, existing);
          if (!a.intent.empty()) world.RecordTrueIntent(result.message_id, a.intent);
          if (!a.ticket.empty()) {
            run.tickets[a.ticket] = result.ticket_id;
            run.ticket_labels[result.ticket_id] = a.ticket;
          }
        } else if constexpr (std::is_same_v<T, sc::CarrierScan>) {
          world.CarrierEvent(run.orders.at(a.order), a.status, a.message);
        } else if constexpr (std::is_same_v<T, sc::AgentReplies>) {
          const std::uint64_t ticket = run.tickets.at(a.ticket);
          std::string text = a.text;
          if (text == "draft" || text == "edit") {
            const std::string draft = DraftFor(run, ticket);
            text = text == "draft" ? draft : draft + "\n\nThanks again for your patience.";
            if (draft.empty()) text = "Hello, a person from our team here: we are on it.";
          }
          world.AgentReplies(ticket, a.agent, text);
        } else if constexpr (std::is_same_v<T, sc::AgentNote>) {
          world.AgentNote(run.tickets.at(a.ticket), a.agent, a.text);
        } else if constexpr (std::is_same_v<T, sc::CloseTicket>) {
          world.CloseTicket(run.tickets.at(a.ticket), a.agent);
        } else if constexpr (std::is_same_v<T, sc::DecideOffer>) {
          const std::string_view tag = a.approve ? pipeline::kOfferApprovedTag : pipeline::kOfferDeclinedTag;
          world.TagTicket(run.tickets.at(a.ticket), a.agent, std::string(tag));
        } else if constexpr (std::is_same_v<T, sc::Refund>) {
          world.AddRefund(run.orders.at(a.order), a.note);
        } else if constexpr (std::is_same_v<T, sc::CreateFulfillment>) {
          OrderRef& order = run.orders.at(a.order);
          const std::string tracking =
              a.tracking_number.empty() ? "1Z999BB1" + std::to_string(1000000000 + order.id % 1000000000) : a.tracking_number;
          world.CreateFulfillment(order, FulfillmentSpec{a.carrier, tracking, a.status, sim::Duration::zero()});
        } else if constexpr (std::is_same_v<T, sc::AddToList>) {
          world.AddToKlaviyoList(run.customers.at(a.customer), run.lists.at(a.list));
        } else if constexpr (std::is_same_v<T, sc::ForgedWebhook>) {
          const CustomerRef& customer = run.customers.at(a.customer);
          const nlohmann::json body = {
              {"ticket", {{"id", 999000001}, {"channel", "email"}, {"customer", {{"email", customer.email}}}}},
              {"message", {{"id", 999000002}, {"from_agent", false}, {"channel", "email"}, {"body_text", a.text}}}};
          sim::Request forged;
          forged.method = sim::Method::kPost;
          forged.target = "/webhooks/gorgias?event=ticket-message-created";
          forged.headers.Set("Host", std::string(kPipelineHost));
          forged.body = body.dump();
          forged.headers.Set("X-Gorgias-Signature", sim::HexEncode(sim::HmacSha256("not-the-secret", forged.body)));
          if (!run.attacker) run.attacker = world.MakeClient("attacker");
          sim::HttpClient* client = run.attacker.get();
          sim::Spawn([client, forged]() -> sim::Task<void> {
            auto sending = client->Send(forged);
            co_await std::move(sending);
          });
        }
      },
      step.action);
}

// ---- Judging ---------------------------------------------------------------------------------

std::vector<std::string> TagsOf(const mocks::OrderedJson& ticket) {
  std::vector<std::string> out;
  for (const auto& t : ticket["tags"]) out.push_back(t["name"].get<std::string>());
  return out;
}

void Expect(std::vector<ExpectationResult>& out, std::string what, bool held, std::string detail) {
  out.push_back({std::move(what), held, held ? std::string() : std::move(detail)});
}

std::string LowerAscii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

bool ContainsIgnoringCase(const std::string& haystack, const std::string& needle) {
  return LowerAscii(haystack).find(LowerAscii(needle)) != std::string::npos;
}

// The text a ReplyText stands for at the end of the run: as written, or the order's fact as
// Shopify holds it ("" when the order has no such fact, e.g. no fulfillment).
std::string ReplyTextValue(Run& run, const sc::ReplyText& want) {
  if (want.fact.empty()) return want.text;
  const auto json = run.world.shopify().OrderJson(run.orders.at(want.order).id);
  if (!json) return {};
  if (want.fact == "order_name") return json->value("name", "");
  for (const auto& f : (*json)["fulfillments"]) {
    const char* key = want.fact == "carrier" ? "tracking_company" : "tracking_number";
    if (f.contains(key) && f[key].is_string()) return f[key].get<std::string>();
  }
  return {};
}

std::string DescribeReplyText(const sc::ReplyText& want) {
  return want.fact.empty() ? "\"" + want.text + "\"" : want.order + "'s " + want.fact;
}

// What the customer was told on a ticket: every delivered reply's text, in delivery order.
void CheckReplyTexts(Run& run, std::vector<ExpectationResult>& out, const sc::TicketExpectation& t, std::uint64_t id,
                     const std::vector<mocks::gorgias::CustomerDelivery>& deliveries) {
  if (t.mentions.empty() && t.excludes.empty()) return;
  std::string said;
  for (const auto& d : deliveries) {
    if (d.ticket_id == id && d.fate == mocks::gorgias::DeliveryFate::kDelivered) said += d.body_text + "\n";
  }
  const std::string shown = said.size() > 300 ? said.substr(0, 300) + "..." : said;
  for (const auto& want : t.mentions) {
    const std::string value = ReplyTextValue(run, want);
    const bool held = !value.empty() && ContainsIgnoringCase(said, value);
    Expect(out, "ticket " + t.ticket + " reply mentions " + DescribeReplyText(want), held,
           value.empty() ? "the order has no " + want.fact : "replies said: " + (said.empty() ? "(nothing)" : shown));
  }
  for (const auto& want : t.excludes) {
    const std::string value = ReplyTextValue(run, want);
    const bool held = value.empty() || !ContainsIgnoringCase(said, value);
    Expect(out, "ticket " + t.ticket + " reply does not mention " + DescribeReplyText(want), held, "replies said: " + shown);
  }
}

std::vector<std::string> OrderTags(const mocks::OrderedJson& order) {
  std::vector<std::string> out;
  const std::string tags = order.value("tags", "");
  std::size_t start = 0;
  while (start <= tags.size()) {
    std::size_t end = tags.find(',', start);
    if (end == std::string::npos) end = tags.size();
    std::string tag = tags.substr(start, end - start);
    while (!tag.empty() && tag.front() == ' ') tag.erase(tag.begin());
    while (!tag.empty() && tag.back() == ' ') tag.pop_back();
    if (!tag.empty()) out.push_back(tag);
    start = end + 1;
  }
  return out;
}

// Shopify's state of each order named in expect.orders.
void CheckOrders(Run& run, std::vector<ExpectationResult>& out) {
  for (const auto& o : run.scenario.expect.orders) {
    const std::string who = "order " + o.order;
    const auto json = run.world.shopify().OrderJson(run.orders.at(o.order).id);
    if (!json) {
      Expect(out, who + " exists in Shopify", false, "Shopify has no such order");
      continue;
    }
    if (o.cancelled) {
      const bool got = !(*json)["cancelled_at"].is_null();
      Expect(out, who + (*o.cancelled ? " is cancelled" : " is not cancelled"), got == *o.cancelled,
             got ? "it was cancelled" : "it was not cancelled");
    }
    if (o.address_changed) {
      const bool got = (*json)["shipping_address"] != run.seeded_addresses[o.order];
      Expect(out, who + (*o.address_changed ? " has a new shipping address" : " keeps its shipping address"),
             got == *o.address_changed, "shipping address: " + (*json)["shipping_address"].dump());
    }
    if (o.refunds) {
      const int got = static_cast<int>((*json)["refunds"].size());
      Expect(out, who + " has " + std::to_string(*o.refunds) + " refunds", got == *o.refunds, "found " + std::to_string(got));
    }
    if (o.financial_status) {
      const std::string got = json->value("financial_status", "");
      Expect(out, who + " financial status is " + *o.financial_status, got == *o.financial_status, "was " + got);
    }
    const std::vector<std::string> tags = OrderTags(*json);
    const auto has = [&tags](const std::string& tag) { return std::find(tags.begin(), tags.end(), tag) != tags.end(); };
    for (const auto& tag : o.tags_include) Expect(out, who + " has tag " + tag, has(tag), "tags: " + json->value("tags", ""));
    for (const auto& tag : o.tags_exclude) Expect(out, who + " has no tag " + tag, !has(tag), "tags: " + json->value("tags", ""));
  }
}

bool Compare(double got, const sc::Comparison& want) {
  if (want.op == ">=") return got >= want.value;
  if (want.op == "<=") return got <= want.value;
  if (want.op == ">") return got > want.value;
  if (want.op == "<") return got < want.value;
  return got == want.value;
}

std::string Round(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", v);
  return text;
}

// expect.kpis, judged on the KPIs Measure computed.
void CheckKpis(const Run& run, const Kpis& k, std::vector<ExpectationResult>& out) {
  if (!run.scenario.expect.kpis) return;
  const sc::KpiExpectation& want = *run.scenario.expect.kpis;
  const auto check = [&out](const std::string& name, double got, const std::optional<sc::Comparison>& c, const char* unit) {
    if (!c) return;
    Expect(out, name + " " + c->op + " " + Round(c->value) + unit, Compare(got, *c), "was " + Round(got) + unit);
  };
  // Whole seconds, as the scenario wrote the bound ("<= 12h" reads "<= 43200s").
  const auto seconds = [](double s) {
    char text[32];
    std::snprintf(text, sizeof text, "%.0fs", s);
    return std::string(text);
  };
  check("tickets", k.tickets, want.tickets, "");
  check("automation rate", k.automation_rate, want.automation_rate, "");
  check("reopen rate", k.reopen_rate, want.reopen_rate, "");
  if (want.first_response_p90) {
    if (k.first_response_p90_s) {
      const sc::Comparison& c = *want.first_response_p90;
      Expect(out, "first-response p90 " + c.op + " " + seconds(c.value), Compare(*k.first_response_p90_s, c),
             "was " + seconds(*k.first_response_p90_s));
    } else {
      Expect(out, "first-response p90 " + want.first_response_p90->op + " " + seconds(want.first_response_p90->value),
             false, "no ticket got a reply");
    }
  }
  for (const auto& [intent, routes] : want.routes) {
    const auto found = run.routes_by_intent.find(intent);
    int total = 0;
    if (found != run.routes_by_intent.end()) {
      for (const auto& [route, n] : found->second) total += n;
    }
    for (const auto& [route, c] : routes) {
      const std::string name = intent + " tickets routed " + route + " " + c.op + " " + Round(c.value);
      if (total == 0) {
        Expect(out, name, false, "no " + intent + " ticket was routed");
        continue;
      }
      const auto n = found->second.count(route) ? found->second.at(route) : 0;
      const double share = static_cast<double>(n) / total;
      Expect(out, name, Compare(share, c), "was " + Round(share) + " (" + std::to_string(n) + " of " + std::to_string(total) + ")");
    }
  }
}

// expect.decisions: the decision-log rows of each ticket and kind.
void CheckDecisions(Run& run, std::vector<ExpectationResult>& out) {
  for (const auto& d : run.scenario.expect.decisions) {
    const std::string who = "decision " + d.kind + " on ticket " + d.ticket;
    auto id_it = run.tickets.find(d.ticket);
    if (id_it == run.tickets.end()) {
      Expect(out, who, false, "no such ticket");
      continue;
    }
    auto rows = run.log().ForTicket(id_it->second);
    std::vector<pipeline::DecisionRow> of_kind;
    if (rows) {
      for (const auto& r : *rows) {
        if (r.kind == d.kind) of_kind.push_back(r);
      }
    }
    if (d.count) {
      Expect(out, who + ": " + std::to_string(*d.count) + " rows", static_cast<int>(of_kind.size()) == *d.count,
             "found " + std::to_string(of_kind.size()));
    } else {
      Expect(out, who + " exists", !of_kind.empty(), "no such row");
    }
    if (of_kind.empty()) continue;
    const auto& r = of_kind.back();
    if (d.route) Expect(out, who + " route " + *d.route, r.route == *d.route, "was " + r.route);
    if (d.outcome) Expect(out, who + " outcome " + *d.outcome, r.outcome == *d.outcome, "was " + r.outcome);
    if (d.override_reason) {
      Expect(out, who + " override reason", r.override_reason == *d.override_reason, "was \"" + r.override_reason + "\"");
    }
    if (d.rationale_mentions) {
      Expect(out, who + " rationale mentions \"" + *d.rationale_mentions + "\"",
             ContainsIgnoringCase(r.rationale, *d.rationale_mentions), "was \"" + r.rationale + "\"");
    }
    if (d.value_bucket) Expect(out, who + " value bucket " + *d.value_bucket, r.value_bucket == *d.value_bucket, "was " + r.value_bucket);
  }
}

std::vector<ExpectationResult> CheckExpectations(Run& run) {
  std::vector<ExpectationResult> out;
  const auto& expect = run.scenario.expect;
  const auto deliveries = run.world.gorgias().Deliveries();
  for (const auto& t : expect.tickets) {
    const std::string who = "ticket " + t.ticket;
    auto id_it = run.tickets.find(t.ticket);
    if (id_it == run.tickets.end()) {
      Expect(out, who + " exists", false, "no customer_writes step created it");
      continue;
    }
    const std::uint64_t id = id_it->second;
    const auto json = run.world.gorgias().TicketJson(id);
    const std::vector<std::string> tags = json ? TagsOf(*json) : std::vector<std::string>{};
    auto has = [&](const std::string& tag) { return std::find(tags.begin(), tags.end(), tag) != tags.end(); };
    std::string tag_list;
    for (const auto& tag : tags) tag_list += (tag_list.empty() ? "" : ", ") + tag;
    for (const auto& tag : t.tags_include) Expect(out, who + " has tag " + tag, has(tag), "tags: [" + tag_list + "]");
    for (const auto& tag : t.tags_exclude) Expect(out, who + " has no tag " + tag, !has(tag), "tags: [" + tag_list + "]");
    if (t.replies_delivered) {
      int n = 0;
      for (const auto& d : deliveries) n += d.ticket_id == id && d.fate == mocks::gorgias::DeliveryFate::kDelivered ? 1 : 0;
      Expect(out, who + " got " + std::to_string(*t.replies_delivered) + " replies", n == *t.replies_delivered,
             "got " + std::to_string(n));
    }
    std::optional<pipeline::DecisionRow> route;
    if (auto rows = run.log().ForTicket(id)) {
      for (const auto& r : *rows) {
        if (r.kind == pipeline::decision_kind::kRoute && !route) route = r;
      }
    }
    auto row_check = [&](const std::optional<std::string>& want, auto field, const char* name) {
      if (!want) return;
      const std::string got = route ? field(*route) : std::string("(no route decision)");
      Expect(out, who + " " + name + " is " + *want, got == *want, "was " + got);
    };
    row_check(t.route, [](const pipeline::DecisionRow& r) { return r.route; }, "route");
    row_check(t.rule, [](const pipeline::DecisionRow& r) { return r.rule; }, "rule");
    row_check(t.intent, [](const pipeline::DecisionRow& r) { return r.intent; }, "intent");
    CheckReplyTexts(run, out, t, id, deliveries);
    if (t.priority) {
      const std::string got = json ? json->value("priority", "") : "";
      Expect(out, who + " priority is " + *t.priority, got == *t.priority, "was " + got);
    }
    if (t.assigned) {
      const bool got = json && (*json)["assignee_user"].is_object();
      Expect(out, who + (*t.assigned ? " is assigned" : " is unassigned"), got == *t.assigned,
             got ? "it is assigned" : "nobody is assigned");
    }
  }
  auto suppressed = [&](const std::string& handle) {
    auto p = run.world.klaviyo().FindProfileByEmail(run.customers.at(handle).email);
    return p && !p->suppressions.empty();
  };
  for (const auto& h : expect.klaviyo.suppressed) Expect(out, h + " is suppressed in Klaviyo", suppressed(h), "not suppressed");
  for (const auto& h : expect.klaviyo.not_suppressed) {
    Expect(out, h + " is not suppressed in Klaviyo", !suppressed(h), "suppressed");
  }
  if (!expect.klaviyo.sends.empty()) {
    const auto sends = run.world.klaviyo().Sends();
    for (const auto& e : expect.klaviyo.sends) {
      const std::string email = run.customers.at(e.customer).email;
      int sent = 0, skipped = 0;
      for (const auto& r : sends) {
        if (r.to != email || mocks::klaviyo::MessageKindName(r.kind) != e.kind) continue;
        (r.sent ? sent : skipped) += 1;
      }
      if (e.sent) Expect(out, e.kind + " sent to " + e.customer + ": " + std::to_string(*e.sent), sent == *e.sent,
                         "sent " + std::to_string(sent));
      if (e.skipped) Expect(out, e.kind + " skipped for " + e.customer + ": " + std::to_string(*e.skipped),
                            skipped == *e.skipped, "skipped " + std::to_string(skipped));
    }
  }
  if (!expect.klaviyo.events.empty()) {
    const auto state = run.world.klaviyo().Snapshot();
    for (const auto& [metric, count] : expect.klaviyo.events) {
      int n = 0;
      for (const auto& e : state.events) {
        auto m = state.metrics.find(e.metric_id);
        n += m != state.metrics.end() && m->second.name == metric ? 1 : 0;
      }
      Expect(out, "Klaviyo has " + std::to_string(count) + " \"" + metric + "\" events", n == count,
             "found " + std::to_string(n));
    }
  }
  CheckDecisions(run, out);
  CheckOrders(run, out);
  for (const auto& e : run.step_errors) Expect(out, "world seeded", false, e);
  return out;
}

// ---- KPIs and timelines ------------------------------------------------------------------------

// What Gorgias holds at the end of a run, and the wall time the run started at (seeded tickets
// and messages are older).
struct HelpdeskRecord {
  sim::WallTime epoch;
  mocks::gorgias::State snapshot;
  std::vector<mocks::gorgias::CustomerDelivery> deliveries;
};

// The run's KPIs, from Gorgias's record of the tickets the run created and the decision log.
void MeasureKpis(Run& run, const RunOptions& options, const HelpdeskRecord& helpdesk, ScenarioResult& result) {
  Kpis& k = result.kpis;
  const sim::WallTime epoch = helpdesk.epoch;
  const auto& snapshot = helpdesk.snapshot;
  const auto& deliveries = helpdesk.deliveries;
  // Counted in the store's state (rendering the whole store as JSON to count it cost 4 % of a week).
  run.world.shopify().Inspect([&k](const mocks::shopify::State& s) { k.orders = static_cast<int>(s.orders.size()); });
  std::vector<double> first_response, resolution;
  int automated = 0, answered = 0, reopened = 0, human_replies = 0;
  // Per ticket, once: when the customer wrote, and when the first reply reached them.
  std::map<std::uint64_t, std::vector<sim::WallTime>> customer_writes;
  for (const auto& [mid, m] : snapshot.messages) {
    if (!m.from_agent) customer_writes[m.ticket_id].push_back(m.created);
  }
  std::map<std::uint64_t, sim::WallTime> first_delivered;
  for (const auto& d : deliveries) {
    if (d.fate != mocks::gorgias::DeliveryFate::kDelivered || !d.decided) continue;
    auto [it, added] = first_delivered.emplace(d.ticket_id, *d.decided);
    if (!added && *d.decided < it->second) it->second = *d.decided;
  }
  for (const auto& [id, ticket] : snapshot.tickets) {
    // Customer tickets the run created (seeded ones have no events).
    auto writes = customer_writes.find(id);
    if (writes == customer_writes.end()) continue;
    const sim::WallTime first_customer = *std::min_element(writes->second.begin(), writes->second.end());
    if (first_customer < epoch) continue;
    ++k.tickets;
    auto delivered = first_delivered.find(id);
    const std::optional<sim::WallTime> first_reply_sent =
        delivered == first_delivered.end() ? std::nullopt : std::optional<sim::WallTime>(delivered->second);
    std::string intent = "untriaged";
    bool auto_sent = false, human = false;
    if (auto rows = run.log().ForTicket(id)) {
      for (const auto& r : *rows) {
        if (r.kind == pipeline::decision_kind::kTriage && intent == "untriaged") intent = r.intent;
        auto_sent = auto_sent || r.kind == pipeline::decision_kind::kAutoSend;
        human = human || r.kind == pipeline::decision_kind::kHumanConfirm || r.kind == pipeline::decision_kind::kHumanEdit ||
                r.kind == pipeline::decision_kind::kHumanOverride;
      }
    }
    k.tickets_by_intent[intent] += 1;
    if (auto rows = run.log().ForTicket(id)) {
      const auto route = std::find_if(rows->begin(), rows->end(),
                                      [](const pipeline::DecisionRow& r) { return r.kind == pipeline::decision_kind::kRoute; });
      if (route != rows->end()) run.routes_by_intent[route->intent][route->route] += 1;
    }
    automated += auto_sent ? 1 : 0;
    human_replies += human ? 1 : 0;
    if (first_reply_sent) {
      ++answered;
      first_response.push_back(Seconds(*first_reply_sent - first_customer));
      // Reopened: the customer wrote again after an answer reached them (it did not settle it).
      const auto& times = writes->second;
      if (std::any_of(times.begin(), times.end(), [&](sim::WallTime t) { return t > *first_reply_sent; })) ++reopened;
      const bool closed = ticket.status == "closed";
      if (closed || auto_sent) resolution.push_back(Seconds((closed && ticket.closed ? *ticket.closed : *first_reply_sent) - first_customer));
    }
  }
  k.contact_rate = k.orders > 0 ? static_cast<double>(k.tickets) / k.orders : 0;
  k.first_response_p50_s = Percentile(first_response, 0.5);
  k.first_response_p90_s = Percentile(first_response, 0.9);
  k.resolution_p50_s = Percentile(resolution, 0.5);
  k.automation_rate = k.tickets > 0 ? static_cast<double>(automated) / k.tickets : 0;
  k.reopen_rate = answered > 0 ? static_cast<double>(reopened) / answered : 0;
  k.ai_cost = automated * options.ai_price_per_resolution;
  const double handle_minutes = run.scenario.generate ? sim::ToSeconds(run.scenario.generate->agent_handle_time) / 60.0 : 6.0;
  k.agent_cost = human_replies * handle_minutes * options.agent_cost_per_minute;
  k.cost_per_ticket = k.tickets > 0 ? (k.ai_cost + k.agent_cost) / k.tickets : 0;
  k.first_response_samples_s = first_response;
}

// Timelines: what each service did about each ticket, from the trace; what people wrote and what
// reached the customer, from Gorgias's record.
void BuildTimelines(Run& run, const HelpdeskRecord& helpdesk, ScenarioResult& result) {
  const sim::WallTime epoch = helpdesk.epoch;
  const auto& snapshot = helpdesk.snapshot;
  const auto& deliveries = helpdesk.deliveries;
  std::map<std::uint64_t, TicketTimeline> timelines;
  for (const auto& r : run.world.trace().records()) {
    const sim::TraceValue* t = r.Find("ticket");
    if (t == nullptr || !std::holds_alternative<std::int64_t>(*t)) continue;
    const auto id = static_cast<std::uint64_t>(std::get<std::int64_t>(*t));
    if (id == 0) continue;  // a record about no ticket in particular (a suppression by order)
    TicketTimeline& tl = timelines[id];
    tl.ticket_id = id;
    std::string what = r.kind;
    for (const auto& f : r.fields) {
      if (f.key == "ticket") continue;
      std::string v = std::visit(
          [](const auto& x) -> std::string {
            using X = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<X, std::string>) return x;
            else if constexpr (std::is_same_v<X, bool>) return x ? "true" : "false";
            else return std::to_string(x);
          },
          f.value);
      if (v.empty()) continue;
      what += " " + f.key + "=" + v;
    }
    if (r.kind == "triage") {
      if (auto* i = r.Find("intent")) tl.intent = std::get<std::string>(*i);
    }
    if (r.kind == "route") {
      if (auto* ro = r.Find("route")) tl.route = std::get<std::string>(*ro);
    }
    tl.entries.push_back({sim::ToSeconds(r.time.time_since_epoch()), r.source, what});
  }
  // What people wrote, from Gorgias's record: the customer's messages and the agents' replies and
  // notes (the pipeline's own are in the trace already).
  const auto& agents = run.world.credentials().agent_user_ids;
  for (const auto& [mid, m] : snapshot.messages) {
    auto it = timelines.find(m.ticket_id);
    if (it == timelines.end() || m.created < epoch) continue;
    const bool by_agent = m.from_agent && std::find(agents.begin(), agents.end(), m.sender.id) != agents.end();
    if (m.from_agent && !by_agent) continue;
    std::string text = m.body_text.value_or("");
    if (text.size() > 120) {
      std::size_t cut = 117;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
      text = text.substr(0, cut) + "...";
    }
    const std::string what = !m.from_agent          ? "wrote on " + m.channel + ": " + text
                             : m.channel == "internal-note" ? "noted: " + text
                                                            : "replied on " + m.channel + ": " + text;
    it->second.entries.push_back({Seconds(m.created - epoch), m.from_agent ? "agent" : "customer", what});
  }
  for (const auto& d : deliveries) {
    auto it = timelines.find(d.ticket_id);
    if (it == timelines.end() || !d.decided) continue;
    it->second.entries.push_back({Seconds(*d.decided - epoch), "gorgias",
                                  std::string(d.fate == mocks::gorgias::DeliveryFate::kDelivered ? "delivered" : "NOT delivered") +
                                      " reply on " + d.channel + " to " + d.to + (d.reason.empty() ? "" : " (" + d.reason + ")")});
  }
  for (auto& [id, tl] : timelines) {
    std::stable_sort(tl.entries.begin(), tl.entries.end(),
                     [](const TimelineEntry& a, const TimelineEntry& b) { return a.t_seconds < b.t_seconds; });
    auto label = run.ticket_labels.find(id);
    tl.label = label != run.ticket_labels.end() ? label->second : "#" + std::to_string(id);
    result.timelines.push_back(std::move(tl));
  }
}

void Measure(Run& run, const RunOptions& options, ScenarioResult& result) {
  const HelpdeskRecord helpdesk{
      run.world.scheduler().virtual_clock().WallNow() - (run.world.scheduler().Now().time_since_epoch()),
      run.world.gorgias().Snapshot(), run.world.gorgias().Deliveries()};
  MeasureKpis(run, options, helpdesk, result);
  BuildTimelines(run, helpdesk, result);
}

// An outside pipeline: the run in stepped time, then its decision log read and its process
// stopped before the judging, so nothing changes the world while the oracles read it.
void PlayOutside(Run& run, sim::Instant end, ScenarioResult& result) {
  run.outside->PlayUntil(end);
  const DecisionsRead decisions = run.outside->ReadDecisions(*run.outside_log);
  run.outside_offers_log = decisions.offered;
  result.pipeline_note = run.outside->Summary() + "; decisions endpoint: " +
                         (decisions.offered ? std::to_string(decisions.rows) + " rows" : std::string("not offered")) +
                         (decisions.error.empty() ? "" : " (" + decisions.error + ")");
  run.outside.reset();
}

std::string SafeName(const std::string& name) {
  std::string out;
  for (char c : name) out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_');
  return out.empty() ? "scenario" : out;
}

// The whole run at once, or hour by hour with a word to `watch` after each: RunUntil takes every
// event up to its deadline, so the events run in the same order either way.
void RunWatched(SimWorld& world, sim::Duration total, const TrafficGenerator* traffic,
                const decltype(RunOptions::on_virtual_time)& watch) {
  if (!watch || total <= sim::Duration{0}) {
    world.RunFor(total);
    return;
  }
  const sim::Instant start = world.scheduler().Now();
  for (sim::Duration covered{0}; covered < total;) {
    covered = std::min(total, covered + sim::Hours(1));
    world.scheduler().RunUntil(start + covered);
    watch(covered, total, traffic != nullptr ? traffic->tickets_opened() : 0);
  }
}

}  // namespace

std::string ReplayCommand(const std::string& file, std::optional<std::uint64_t> seed) {
  const bool safe = !file.empty() && std::all_of(file.begin(), file.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_./=+:@%,").find(c) != std::string_view::npos;
  });
  std::string quoted = "'";
  for (char c : file) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  return "rehearse run " + (seed ? "--seed " + std::to_string(*seed) + " " : std::string()) + (safe ? file : quoted);
}

ScenarioResult RunScenario(const sc::Scenario& scenario, const RunOptions& options) {
  sim::RealClock wall;
  const sim::Instant started = wall.Now();
  ScenarioResult result;
  result.name = scenario.name;
  result.file = scenario.file;
  result.seed = options.seed.value_or(scenario.seed.value_or(1));
  if (options.outside) result.pipeline = options.outside->Describe();
  {
    Run run(scenario, result.seed, options);
    ScriptLlm(run);
    Seed(run);
    std::unique_ptr<TrafficGenerator> traffic;
    if (scenario.generate) traffic = std::make_unique<TrafficGenerator>(run.world, run.log(), *scenario.generate, scenario.store);
    sim::Duration last{0};
    for (const auto& step : scenario.timeline) {
      last = std::max(last, step.at);
      run.world.scheduler().ScheduleAt(sim::Instant{} + step.at, [&run, &step] { Perform(run, step); });
    }
    if (traffic) last = std::max(last, traffic->Start());
    const sim::Duration total = last + scenario.run_for;
    if (run.outside) {
      PlayOutside(run, sim::Instant{} + total, result);
    } else {
      RunWatched(run.world, total, traffic.get(), options.on_virtual_time);
    }
    if (traffic) traffic->Stop();
    result.virtual_seconds = Seconds(total);

    result.expectations = CheckExpectations(run);
    OracleContext context{.world = run.world,
                          .pipeline = run.reference ? PipelineAccount(*run.reference)
                                                    : PipelineAccount(run.policy, run.outside_offers_log ? run.outside_log.get() : nullptr,
                                                                      /*records_traced=*/false),
                          .first_response_sla = scenario.first_response_sla,
                          .expected_to_fire = scenario.expect.oracles_fire};
    result.oracles = CheckInvariants(context);
    Measure(run, options, result);
    CheckKpis(run, result.kpis, result.expectations);

    result.trace_digest = run.world.trace().Digest();
    if (!options.report_dir.empty()) {
      const std::filesystem::path dir = std::filesystem::path(options.report_dir) / "traces";
      std::filesystem::create_directories(dir);
      const std::string file = SafeName(scenario.name) + ".jsonl";
      std::ofstream out(dir / file, std::ios::binary);
      run.world.trace().WriteJsonl(out);
      result.trace_file = "traces/" + file;
    }
    if (!options.trace_path.empty()) {
      std::ofstream out(options.trace_path, std::ios::binary);
      run.world.trace().WriteJsonl(out);
    }
  }
  bool ok = true;
  for (const auto& e : result.expectations) ok = ok && e.held;
  for (const auto& o : result.oracles) ok = ok && o.passed();
  result.status = ok ? "passed" : "failed";
  result.wall_seconds = sim::ToSeconds(wall.Now() - started);
  result.replay = ReplayCommand(result.file, result.seed);
  if (options.outside) result.replay += " " + options.outside->CommandLineFlags();
  return result;
}

ScenarioResult RunScenarioFile(const std::string& path, const RunOptions& options) {
  auto loaded = LoadScenarioFile(path);
  if (!loaded) {
    ScenarioResult r;
    r.name = std::filesystem::path(path).stem().string();
    r.file = path;
    r.status = "error";
    r.error = loaded.error().ToString();
    r.replay = ReplayCommand(path, std::nullopt);
    return r;
  }
  try {
    return RunScenario(*loaded, options);
  } catch (const std::exception& e) {
    ScenarioResult r;
    r.name = loaded->name;
    r.file = path;
    r.status = "error";
    r.error = path + ": the run failed: " + e.what();
    r.replay = ReplayCommand(path, std::nullopt);
    return r;
  }
}

RunResult RunAll(const std::vector<std::string>& files, const RunOptions& options, int jobs, const ProgressFn& progress) {
  RunResult out;
  out.seed = options.seed.value_or(0);
  out.scenarios.resize(files.size());
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  int done = 0;
  auto worker = [&] {
    for (std::size_t i = next++; i < files.size(); i = next++) {
      ScenarioResult r = RunScenarioFile(files[i], options);
      std::lock_guard lock(mu);
      out.scenarios[i] = std::move(r);
      ++done;
      if (progress) progress(out.scenarios[i], done, static_cast<int>(files.size()));
    }
  };
  const int n = std::max(1, std::min(jobs, static_cast<int>(files.size())));
  std::vector<std::thread> threads;
  for (int t = 1; t < n; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  return out;
}

}  // namespace rh::harness
