#include "triage.h"

#include <algorithm>

#include "../core/text.h"
#include "facts.h"
#include "pipeline/clients/order_facts.h"
#include "pipeline/triage_rules.h"

namespace rh::pipeline::stages {
namespace {

// Every awaited call is first a named Task, then `co_await std::move(task)`: GCC 12 can destroy a
// temporary argument in a co_await operand twice (docs/ARCHITECTURE.md).

// The customer's words: the event's message, else the ticket's latest customer message.
std::string CustomerText(const nlohmann::json& message, const clients::GorgiasTicket& ticket) {
  std::string text = Str(message, "body_text");
  if (text.empty()) {
    for (const auto& m : ticket.messages) {
      if (!m.from_agent) text = m.body_text;
    }
  }
  return text;
}

// The chosen order and its facts, for the policy and for the LLM's prompt (with the return
// window the policy gives it).
void ReadOrder(const Policy& policy, Triage& t) {
  const clients::ShopifyOrder* order = ChooseOrder(t.orders.orders, t.customer_text);
  std::string customer_name = t.ticket.customer.name;
  if (customer_name.empty() && t.orders.customer) customer_name = t.orders.customer->first_name;
  clients::PromptFacts prompt_facts = order ? clients::FactsFromOrder(*order, customer_name) : clients::PromptFacts{};
  if (order) {
    t.order = *order;
    t.order_facts = ToOrderFacts(*order);
    if (auto closes = ReturnWindowCloses(policy, *t.order_facts)) {
      t.window_last_day = LocalDateText(policy, *closes - std::chrono::nanoseconds(1));
      prompt_facts.return_window = std::to_string(policy.returns.window_days) + " days, until " + t.window_last_day;
    }
  }
  t.facts_text = clients::FormatFacts(prompt_facts);
}

// Order names the message quotes ("#1001"), in the order they appear, each once.
std::vector<std::string> QuotedOrderNames(std::string_view message) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (message[i] != '#') continue;
    std::size_t j = i + 1;
    while (j < message.size() && text::IsDigit(message[j])) ++j;
    if (j - i < 2 || j - i > 12) continue;
    std::string name(message.substr(i, j - i));
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
  }
  return out;
}

// The lookup reads the customer's newest orders; an older one the message quotes is read by its
// name, and counts only when it is theirs (never another customer's facts).
sim::Task<void> ReadQuotedOrders(const Context& ctx, Triage& t) {
  if (!t.orders.customer) co_return;
  for (const std::string& name : QuotedOrderNames(t.customer_text)) {
    const bool known = std::any_of(t.orders.orders.begin(), t.orders.orders.end(),
                                   [&](const clients::ShopifyOrder& o) { return o.name == name; });
    if (known) continue;
    auto found_call = ctx.clients.shopify.FindOrderByName(name);
    auto found = co_await std::move(found_call);
    if (found && *found &&
        (text::Lower((*found)->email) == text::Lower(t.email) || (*found)->customer_id == t.orders.customer->id)) {
      t.orders.orders.push_back(std::move(**found));
    }
  }
}

// A VIP with any live issue goes to a person, so the confirm stage must see all their orders, not
// only the newest few the lookup reads.
sim::Task<void> ReadEveryOrderOfAVip(const Context& ctx, Triage& t) {
  if (!t.orders.customer || !IsVip(ctx.policy, ToCustomerFacts(t.orders))) co_return;
  if (t.orders.customer->orders_count <= static_cast<std::int64_t>(t.orders.orders.size())) co_return;
  auto all_call = ctx.clients.shopify.CustomerOrders(t.orders.customer->id, 250);
  auto all = co_await std::move(all_call);
  if (!all) co_return;  // the newest orders still stand; the guard is on what could be read
  for (auto& order : *all) {
    const bool known = std::any_of(t.orders.orders.begin(), t.orders.orders.end(),
                                   [&](const clients::ShopifyOrder& o) { return o.id == order.id; });
    if (!known) t.orders.orders.push_back(std::move(order));
  }
}

// Rules first; the LLM for the rest.
sim::Task<void> Classify(const Context& ctx, Triage& t) {
  if (auto rule = ClassifyByRules(t.customer_text)) {
    t.intent = rule->intent;
    t.confidence = kRuleConfidence;
    t.how = "rules: \"" + rule->phrases.front() + "\"";
    co_return;
  }
  auto classified_call = ctx.clients.llm.Classify(t.customer_text, t.facts_text);
  auto classified = co_await std::move(classified_call);
  if (classified) {
    t.intent = classified->intent;
    t.confidence = classified->confidence;
    t.how = "llm " + classified->model;
  } else {
    t.llm_failed = true;
    t.how = "llm failed (" + std::string(clients::CallErrorKindName(classified.error().kind)) + ": " +
            classified.error().detail + ")";
    t.tried += "Classification failed. ";
  }
}

// Trace, decision row and the ticket's intent tag.
sim::Task<void> Announce(const Context& ctx, const Triage& t) {
  ctx.counters.Add(&PipelineStats::tickets_triaged);
  ctx.Record("triage", {{"ticket", t.ticket_id}, {"message", t.message_id}, {"intent", IntentName(t.intent)},
                        {"confidence", t.confidence}, {"how", t.how}, {"order", t.order ? t.order->name : ""}});
  ctx.Log({.ticket_id = t.ticket_id, .kind = std::string(decision_kind::kTriage),
           .intent = std::string(IntentName(t.intent)), .confidence = t.confidence,
           .rule = t.llm_failed ? "triage.llm_failed" : "triage.classified", .rationale = t.how,
           .sender = std::string(kSenderPipeline)});
  std::vector<std::string> intent_tag = {"intent:" + std::string(IntentName(t.intent))};
  auto call = ctx.clients.gorgias.AddTags(t.ticket_id, std::move(intent_tag));
  co_await std::move(call);
}

}  // namespace

sim::Task<std::optional<Triage>> TriageMessage(const Context& ctx, std::uint64_t ticket_id, nlohmann::json message) {
  auto ticket_call = ctx.clients.gorgias.GetTicket(ticket_id);
  auto ticket = co_await std::move(ticket_call);
  if (!ticket) {
    ctx.counters.Add(&PipelineStats::failures);
    ctx.Log({.ticket_id = ticket_id, .kind = std::string(decision_kind::kError), .rule = "gorgias.unavailable",
             .rationale = "could not read the ticket: " + ticket.error().detail,
             .outcome = std::string(decision_outcome::kFailed)});
    ctx.Record("error", {{"ticket", ticket_id}, {"step", "get_ticket"}, {"error", ticket.error().detail}});
    co_return std::nullopt;
  }
  Triage t;
  t.ticket_id = ticket_id;
  t.message_id = Str(message, "id");
  t.ticket = std::move(*ticket);
  t.customer_text = CustomerText(message, t.ticket);
  t.email = t.ticket.customer.email;
  t.triaging = std::make_shared<const TriagingCustomer>(ctx.suppressor, text::Lower(t.email));
  if (message.is_object() && message.contains("attachments") && message["attachments"].is_array()) {
    t.has_evidence = !message["attachments"].empty();
  }

  auto lookup_call = ctx.clients.shopify.LookupByEmail(t.email);
  auto lookup = co_await std::move(lookup_call);
  t.lookup_failed = !lookup.has_value();
  if (lookup) {
    t.orders = std::move(*lookup);
  } else {
    t.tried += "Shopify lookup failed (" + lookup.error().detail + "). ";
  }
  auto quoted_call = ReadQuotedOrders(ctx, t);
  co_await std::move(quoted_call);
  auto vip_call = ReadEveryOrderOfAVip(ctx, t);
  co_await std::move(vip_call);
  ReadOrder(ctx.policy, t);

  auto classify_call = Classify(ctx, t);
  co_await std::move(classify_call);
  auto announce_call = Announce(ctx, t);
  co_await std::move(announce_call);
  co_return std::move(t);
}

}  // namespace rh::pipeline::stages
