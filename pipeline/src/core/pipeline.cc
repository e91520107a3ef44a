#include "pipeline/pipeline.h"

#include <algorithm>
#include <sstream>

#include "pipeline/clients/order_facts.h"
#include "pipeline/draft_check.h"
#include "pipeline/triage_rules.h"
#include "text.h"

namespace rh::pipeline {

// Every awaited call is first a named Task, then `co_await std::move(task)`: GCC 12 can destroy a
// temporary argument in a co_await operand twice (docs/ARCHITECTURE.md).

using clients::CallErrorKindName;

// What the pipeline remembers about a ticket between events: the draft waiting for a person,
// the route row it will complete, and the reason an agent gave in a note.
struct Pipeline::TicketState {
  std::optional<std::string> pending_draft;
  std::int64_t route_row = 0;
  std::string intent;
  std::string value_bucket;
  std::string override_reason;  // from the agent's latest "Reason: ..." note
  // Customer messages already triaged: a new ticket can announce its first message both as
  // ticket-created and as ticket-message-created.
  std::set<std::string> handled_messages;
};

// An issue that keeps a customer suppressed: a ticket's (human-review, live) case or an order's
// delivery exception.
struct Pipeline::LiveIssue {
  std::string id;
  std::string email;
  std::uint64_t ticket_id = 0;
  std::vector<std::string> triggers;
  std::string value_bucket;
  bool resolved = false;
};

namespace {

std::string Str(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// Gorgias renders template values as strings; a real boolean is accepted too.
bool Flag(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return false;
  auto it = object.find(key);
  if (it == object.end()) return false;
  if (it->is_boolean()) return it->get<bool>();
  return it->is_string() && (*it == "true" || *it == "True" || *it == "1");
}

std::uint64_t Id(const nlohmann::json& object, const char* key) {
  const std::string s = Str(object, key);
  std::uint64_t out = 0;
  for (char c : s) {
    if (!text::IsDigit(c)) return 0;
    out = out * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return out;
}

std::string SenderEmail(const nlohmann::json& message) {
  if (!message.is_object() || !message.contains("sender")) return {};
  return text::Lower(Str(message["sender"], "email"));
}

// Whitespace-insensitive words, for comparing an agent's reply with the draft.
std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> out;
  std::string word;
  for (char c : s) {
    if (text::IsAlnum(c) || c == '#' || c == '$' || c == '.') {
      word.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

// Share of the draft's distinct words the reply kept (and did not dilute): a Jaccard index.
double Similarity(std::string_view a, std::string_view b) {
  auto wa = Words(a), wb = Words(b);
  std::set<std::string> sa(wa.begin(), wa.end()), sb(wb.begin(), wb.end());
  if (sa.empty() && sb.empty()) return 1.0;
  std::size_t common = 0;
  for (const auto& w : sa) common += sb.contains(w) ? 1 : 0;
  return static_cast<double>(common) / static_cast<double>(sa.size() + sb.size() - common);
}

// An agent's edit keeps most of the draft; below this it is a different answer (an override).
constexpr double kEditSimilarity = 0.5;

std::optional<sim::WallTime> At(const clients::Timestamp& t) { return t.at; }

// The policy's view of an order (what Decide reads), from the Shopify client's order.
OrderFacts ToOrderFacts(const clients::ShopifyOrder& order) {
  OrderFacts f;
  f.created_at = order.created_at.at.value_or(sim::WallTime{});
  f.financial_status = order.financial_status;
  f.cancelled = order.cancelled();
  for (const auto& line : order.line_items) f.lines.push_back({line.sku, ""});
  // The latest fulfillment that still stands.
  const clients::ShopifyFulfillment* latest = nullptr;
  for (const auto& ful : order.fulfillments) {
    if (ful.status == "cancelled" || ful.status == "error" || ful.status == "failure") continue;
    latest = &ful;
  }
  if (latest != nullptr) {
    f.fulfilled_at = At(latest->created_at);
    if (!latest->shipment_status.empty()) {
      f.shipment_status = latest->shipment_status;
      // A carrier event moves the fulfillment's updated_at: it is the last scan.
      f.last_scan_at = At(latest->updated_at);
      if (latest->shipment_status == "delivered") f.delivered_at = At(latest->updated_at);
    }
  }
  for (const auto& r : order.returns) f.open_return = f.open_return || r.open();
  return f;
}

CustomerFacts ToCustomerFacts(const clients::ShopifyCustomerOrders& lookup) {
  CustomerFacts c;
  if (lookup.customer) {
    c.lifetime_value = lookup.customer->total_spent;
    c.orders_count = lookup.customer->orders_count;
  }
  for (const auto& order : lookup.orders) {
    for (const auto& refund : order.refunds) {
      if (refund.created_at.at) c.refunds.push_back(*refund.created_at.at);
    }
  }
  return c;
}

// The order the customer means: the one whose name the message quotes, else the newest.
const clients::ShopifyOrder* ChooseOrder(const std::vector<clients::ShopifyOrder>& orders, std::string_view message) {
  for (const auto& order : orders) {
    if (!order.name.empty() && message.find(order.name) != std::string_view::npos) return &order;
  }
  return orders.empty() ? nullptr : &orders.front();
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

std::string LocalDateText(const Policy& policy, sim::WallTime t) {
  const auto ymd = policy.store.timezone.LocalDate(t);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string HandoverSummary(const Decision& decision, Intent intent, double confidence, const std::string& tried,
                            const std::string& order_name) {
  std::ostringstream out;
  out << "Handover from the support pipeline\n"
      << "Issue: " << IntentName(intent) << (order_name.empty() ? "" : " about order " + order_name)
      << " (confidence " << static_cast<int>(confidence * 100 + 0.5) << "%).\n"
      << "Tried: " << tried << "\n"
      << "Why a person: " << decision.rationale << " [" << decision.rule << "]\n"
      << "Priority: " << PriorityName(decision.priority) << ". Customer value: " << decision.value_bucket << ".";
  return out.str();
}

}  // namespace

Pipeline::Pipeline(sim::Executor& executor, PipelineClients clients, const Policy& policy, DecisionLog& log,
                   PipelineOptions options, sim::Trace* trace)
    : executor_(executor), clients_(clients), policy_(policy), log_(log), options_(std::move(options)), trace_(trace) {}

Pipeline::~Pipeline() = default;

sim::WallTime Pipeline::WallNow() const { return executor_.clock().WallNow(); }

void Pipeline::Record(std::string_view kind, std::vector<sim::TraceField> fields) {
  if (trace_ != nullptr) trace_->Record(executor_.clock().Now(), "pipeline", kind, std::move(fields));
}

std::int64_t Pipeline::Log(DecisionRow row) {
  if (options_.sabotage.skip_decision_log) return 0;
  if (row.decided_at == sim::WallTime{}) row.decided_at = WallNow();
  auto id = log_.Append(row);
  if (!id) {
    // The log is the audit trail (I4): a failure to write it is visible in the trace.
    Record("decision_log.error", {{"ticket", row.ticket_id}, {"decision", row.kind}, {"error", id.error()}});
    return 0;
  }
  Record("decision", {{"ticket", row.ticket_id}, {"decision", row.kind}, {"row", *id}, {"route", row.route},
                      {"rule", row.rule}, {"outcome", row.outcome}});
  return *id;
}

PipelineStats Pipeline::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

bool Pipeline::Idle() const {
  std::lock_guard lock(mu_);
  return queues_.empty();
}

std::shared_ptr<Pipeline::TicketState> Pipeline::Ticket(std::uint64_t id) {
  std::lock_guard lock(mu_);
  auto& slot = tickets_[id];
  if (!slot) slot = std::make_shared<TicketState>();
  return slot;
}

// ---- Queues: one event at a time per key -------------------------------------------------------

void Pipeline::Enqueue(std::string key, Work work) {
  {
    std::lock_guard lock(mu_);
    auto [it, fresh] = queues_.try_emplace(key);
    it->second.push_back(std::move(work));
    if (!fresh) return;  // a drainer already runs for this key
  }
  executor_.Post([this, key = std::move(key)] { sim::Detach(Drain(key)); });
}

sim::Task<void> Pipeline::Drain(std::string key) {
  for (;;) {
    Work work;
    {
      std::lock_guard lock(mu_);
      auto it = queues_.find(key);
      if (it->second.empty()) {
        queues_.erase(it);
        co_return;
      }
      work = std::move(it->second.front());
      it->second.pop_front();
    }
    try {
      sim::Task<void> task = work();
      co_await std::move(task);
    } catch (const std::exception& e) {
      {
        std::lock_guard lock(mu_);
        ++stats_.failures;
      }
      Record("error", {{"key", key}, {"error", e.what()}});
    }
  }
}

void Pipeline::OnGorgias(GorgiasEvent event, sim::Moment) {
  const std::string key = "ticket:" + std::to_string(event.ticket_id);
  if (event.trigger == "ticket-message-created" && event.message.is_object()) {
    const bool own = SenderEmail(event.message) == text::Lower(options_.gorgias_user_email);
    if (own) return;  // the pipeline's own note or reply, coming back
    if (!Flag(event.message, "from_agent")) {
      Enqueue(key, [this, event = std::move(event)]() { return HandleCustomerMessage(event); });
    } else {
      Enqueue(key, [this, event = std::move(event)]() { return HandleAgentMessage(event); });
    }
    return;
  }
  if (event.trigger == "ticket-created") {
    // The ticket carries its messages; the newest customer message is the one to triage.
    nlohmann::json message = event.ticket.value("last_message", nlohmann::json());
    if (!message.is_object() && event.ticket.contains("messages") && event.ticket["messages"].is_array() &&
        !event.ticket["messages"].empty()) {
      message = event.ticket["messages"].back();
    }
    if (message.is_object() && !Flag(message, "from_agent")) {
      event.message = std::move(message);
      Enqueue(key, [this, event = std::move(event)]() { return HandleCustomerMessage(event); });
    }
    return;
  }
  if (event.trigger == "ticket-updated" || event.trigger == "ticket-status-updated") {
    Enqueue(key, [this, event = std::move(event)]() { return HandleTicketUpdate(event); });
  }
}

void Pipeline::OnShopify(ShopifyEvent event, sim::Moment) {
  if (event.topic == "fulfillments/update" || event.topic == "fulfillments/create") {
    const std::string key = "order:" + Str(event.payload, "order_id");
    Enqueue(key, [this, event = std::move(event)]() { return HandleFulfillmentUpdate(event); });
  }
  // Orders, refunds and returns are read through the API when a ticket needs them, so their
  // webhooks need no handling of their own.
}

sim::Task<std::uint64_t> Pipeline::OwnUserId() {
  {
    std::lock_guard lock(mu_);
    if (own_user_id_) co_return *own_user_id_;
  }
  auto user_call = clients_.gorgias.FindUserByEmail(options_.gorgias_user_email);
  auto user = co_await std::move(user_call);
  std::uint64_t id = (user && *user) ? (*user)->id : 0;
  if (id != 0) {
    std::lock_guard lock(mu_);
    own_user_id_ = id;
  }
  co_return id;
}

// ---- A customer writes ---------------------------------------------------------------------------

sim::Task<void> Pipeline::HandleCustomerMessage(GorgiasEvent event) {
  const std::uint64_t ticket_id = event.ticket_id;
  const std::string message_id = Str(event.message, "id");
  auto state = Ticket(ticket_id);
  {
    std::lock_guard lock(mu_);
    if (!message_id.empty() && !state->handled_messages.insert(message_id).second) {
      Record("triage.skipped", {{"ticket", ticket_id}, {"message", message_id}, {"why", "already handled"}});
      co_return;
    }
  }
  auto ticket_result_call = clients_.gorgias.GetTicket(ticket_id);
  auto ticket_result = co_await std::move(ticket_result_call);
  if (!ticket_result) {
    {
      std::lock_guard lock(mu_);
      ++stats_.failures;
    }
    Log({.ticket_id = ticket_id, .kind = std::string(decision_kind::kError), .rule = "gorgias.unavailable",
         .rationale = "could not read the ticket: " + ticket_result.error().detail,
         .outcome = std::string(decision_outcome::kFailed)});
    Record("error", {{"ticket", ticket_id}, {"step", "get_ticket"}, {"error", ticket_result.error().detail}});
    co_return;
  }
  const clients::GorgiasTicket ticket = std::move(*ticket_result);
  std::string customer_text = Str(event.message, "body_text");
  if (customer_text.empty()) {
    for (const auto& m : ticket.messages) {
      if (!m.from_agent) customer_text = m.body_text;
    }
  }
  const std::string email = ticket.customer.email;
  // While this message is in triage, no recovery fires for the customer (ResolveIssue).
  const TriageMark in_triage(*this, text::Lower(email));

  // Triage: who is it, which order, what do they want.
  auto lookup_call = clients_.shopify.LookupByEmail(email);
  auto lookup = co_await std::move(lookup_call);
  std::string tried;
  bool service_failed = !lookup.has_value();
  clients::ShopifyCustomerOrders orders = lookup ? std::move(*lookup) : clients::ShopifyCustomerOrders{};
  if (service_failed) tried += "Shopify lookup failed (" + lookup.error().detail + "). ";
  // The lookup reads the customer's newest orders; an older one the message quotes is read by
  // its name, and counts only when it is theirs (never another customer's facts).
  if (orders.customer) {
    for (const std::string& name : QuotedOrderNames(customer_text)) {
      const bool known = std::any_of(orders.orders.begin(), orders.orders.end(),
                                     [&](const clients::ShopifyOrder& o) { return o.name == name; });
      if (known) continue;
      auto found_call = clients_.shopify.FindOrderByName(name);
      auto found = co_await std::move(found_call);
      if (found && *found && (text::Lower((*found)->email) == text::Lower(email) ||
                              (*found)->customer_id == orders.customer->id)) {
        orders.orders.push_back(std::move(**found));
      }
    }
  }
  const clients::ShopifyOrder* order = ChooseOrder(orders.orders, customer_text);
  std::string customer_name = ticket.customer.name;
  if (customer_name.empty() && orders.customer) customer_name = orders.customer->first_name;
  clients::PromptFacts prompt_facts = order ? clients::FactsFromOrder(*order, customer_name) : clients::PromptFacts{};
  std::optional<OrderFacts> order_facts;
  std::string window_last_day;  // a date the draft may state
  if (order) {
    order_facts = ToOrderFacts(*order);
    if (auto closes = ReturnWindowCloses(policy_, *order_facts)) {
      window_last_day = LocalDateText(policy_, *closes - std::chrono::nanoseconds(1));
      prompt_facts.return_window = std::to_string(policy_.returns.window_days) + " days, until " + window_last_day;
    }
  }
  const std::string facts_text = clients::FormatFacts(prompt_facts);

  Intent intent = Intent::kOther;
  double confidence = 0;
  bool llm_failed = false;
  std::string how;
  if (auto rule = ClassifyByRules(customer_text)) {
    intent = rule->intent;
    confidence = kRuleConfidence;
    how = "rules: \"" + rule->phrases.front() + "\"";
  } else {
    auto classified_call = clients_.llm.Classify(customer_text, facts_text);
    auto classified = co_await std::move(classified_call);
    if (classified) {
      intent = classified->intent;
      confidence = classified->confidence;
      how = "llm " + classified->model;
    } else {
      llm_failed = true;
      how = "llm failed (" + std::string(CallErrorKindName(classified.error().kind)) + ": " + classified.error().detail + ")";
      tried += "Classification failed. ";
    }
  }
  {
    std::lock_guard lock(mu_);
    ++stats_.tickets_triaged;
  }
  Record("triage", {{"ticket", ticket_id}, {"message", message_id}, {"intent", IntentName(intent)},
                    {"confidence", confidence}, {"how", how}, {"order", order ? order->name : ""}});
  Log({.ticket_id = ticket_id, .kind = std::string(decision_kind::kTriage), .intent = std::string(IntentName(intent)),
       .confidence = confidence, .rule = llm_failed ? "triage.llm_failed" : "triage.classified", .rationale = how,
       .sender = std::string(kSenderPipeline)});
  std::vector<std::string> intent_tag = {"intent:" + std::string(IntentName(intent))};
  {
    auto call = clients_.gorgias.AddTags(ticket_id, std::move(intent_tag));
    co_await std::move(call);
  }

  // Draft against the order, then check it.
  std::string draft;
  std::string draft_problem;
  if (!llm_failed) {
    auto drafted_call = clients_.llm.Draft(intent, facts_text, customer_text);
    auto drafted = co_await std::move(drafted_call);
    if (drafted) {
      draft = drafted->text;
      DraftFacts allowed = order ? clients::DraftFactsFromOrder(*order) : DraftFacts{};
      if (!window_last_day.empty()) allowed.dates.push_back(window_last_day);
      draft_problem = options_.sabotage.skip_fact_check ? std::string() : DescribeProblems(CheckDraft(draft, allowed));
      if (!draft_problem.empty()) tried += "The draft failed its fact check (" + draft_problem + "). ";
    } else {
      llm_failed = true;
      tried += "Drafting failed (" + drafted.error().detail + "). ";
    }
  }
  auto own_id_call = OwnUserId();
  const std::uint64_t own_id = co_await std::move(own_id_call);
  if (!draft.empty()) {
    std::string note = "Draft reply (support pipeline):\n\n" + draft;
    if (!draft_problem.empty()) note += "\n\nNot sendable as is: " + draft_problem;
    {
      auto call = clients_.gorgias.PostInternalNote(
        ticket_id, {.sender_user_id = own_id, .body_text = note, .external_id = "draft-" + std::to_string(ticket_id) + "-" + message_id});
      co_await std::move(call);
    }
    Record("draft", {{"ticket", ticket_id}, {"problem", draft_problem}});
  }

  // Confirm: the policy decides.
  CaseFacts facts;
  facts.intent = intent;
  facts.confidence = confidence;
  facts.llm_failed = llm_failed || service_failed;
  facts.draft_problem = draft.empty() && !llm_failed ? "no draft" : draft_problem;
  facts.now = WallNow();
  if (orders.customer) facts.customer = ToCustomerFacts(orders);
  facts.order = order_facts;
  facts.issues_elsewhere = IssuesElsewhere(email, ticket_id, orders.orders, order);
  // A complaint is in the words, not only in the classifier's label: a misspelled or foreign
  // damage claim, or a delivered order said never to have come, keeps marketing away (I1).
  const bool delivered = order_facts && order_facts->delivered_at;
  facts.complaint = DamageCue(customer_text).has_value() || NonReceiptClaim(customer_text, delivered).has_value();
  if (auto wanted = RequestedSku(customer_text, order_facts)) facts.exchange_for = LineFacts{*wanted, ""};
  if (event.message.is_object() && event.message.contains("attachments") && event.message["attachments"].is_array()) {
    facts.has_evidence = !event.message["attachments"].empty();
  }
  Decision decision = Decide(policy_, facts);
  // Defence in depth against a confidently wrong classifier: a message that speaks of money or
  // damage goes to a person whatever its intent was read as (I2).
  if (decision.route == Route::kAutoSend && !options_.sabotage.skip_money_guard) {
    std::optional<std::string> cue = MoneyCue(customer_text);
    if (!cue) cue = NonReceiptClaim(customer_text, delivered);
    if (cue) {
      decision.route = Route::kHuman;
      decision.rule = "text.touches_money";
      decision.rationale = "the message speaks of '" + *cue + "', and money is never answered automatically";
      decision.touches_money = true;
      decision.assignee_user_id = policy_.routing.default_assignee_user_id;
    }
  }
  Record("route", {{"ticket", ticket_id}, {"route", RouteName(decision.route)}, {"rule", decision.rule},
                   {"touches_money", decision.touches_money}, {"bucket", decision.value_bucket}});
  DecisionRow route_row{.ticket_id = ticket_id, .kind = std::string(decision_kind::kRoute),
                        .intent = std::string(IntentName(intent)), .confidence = confidence,
                        .route = std::string(RouteName(decision.route)), .rule = decision.rule,
                        .rationale = decision.rationale, .draft = draft, .sender = std::string(kSenderPipeline),
                        .value_bucket = decision.value_bucket};
  route_row.details = nlohmann::json{{"order", order ? order->name : ""},
                                     {"touches_money", decision.touches_money},
                                     {"suppression_triggers", decision.suppression_triggers}}
                          .dump();

  bool sent = false;
  const bool send = options_.sabotage.ignore_route ? !draft.empty()
                                                   : decision.route == Route::kAutoSend && !draft.empty() && draft_problem.empty();
  if (send) {
    clients::GorgiasTicket reply_to = ticket;
    if (options_.sabotage.reply_on_email) reply_to.channel = "email";
    auto reply_call = clients_.gorgias.PostReply(
        reply_to, {.sender_user_id = own_id, .body_text = draft, .external_id = "reply-" + std::to_string(ticket_id) + "-" + message_id});
    auto reply = co_await std::move(reply_call);
    if (reply && options_.sabotage.reply_twice) {
      auto again_call = clients_.gorgias.PostReply(
          ticket, {.sender_user_id = own_id, .body_text = draft, .external_id = "reply-" + std::to_string(ticket_id) + "-" + message_id + "-again"});
      co_await std::move(again_call);
    }
    if (reply) {
      sent = true;
      route_row.final_text = draft;
      route_row.outcome = std::string(decision_outcome::kSent);
      route_row.sent_at = WallNow();
      Log(route_row);
      Log({.ticket_id = ticket_id, .kind = std::string(decision_kind::kAutoSend), .intent = std::string(IntentName(intent)),
           .confidence = confidence, .route = std::string(decision_route::kAutoSend), .rule = decision.rule,
           .rationale = decision.rationale, .draft = draft, .final_text = draft, .sender = std::string(kSenderPipeline),
           .value_bucket = decision.value_bucket, .outcome = std::string(decision_outcome::kSent), .sent_at = WallNow()});
      std::vector<std::string> sent_tag = {"auto-replied"};
      {
        auto call = clients_.gorgias.AddTags(ticket_id, std::move(sent_tag));
        co_await std::move(call);
      }
      Record("reply.sent", {{"ticket", ticket_id}, {"channel", ticket.channel}, {"rule", decision.rule}});
      std::lock_guard lock(mu_);
      ++stats_.auto_sent;
    } else {
      tried += "The automatic reply could not be sent (" + reply.error().detail + "). ";
    }
  }
  if (!sent) {
    // A person takes it: assignment by user id, priority, and a summary of what happened.
    Decision handover = decision;
    if (decision.route == Route::kAutoSend) {
      handover.route = Route::kHuman;
      handover.rule = "send.failed";
      handover.rationale = "the policy allowed an automatic reply but it could not be sent";
      route_row.route = std::string(RouteName(Route::kHuman));
      route_row.rule = handover.rule;
      route_row.rationale = handover.rationale;
    }
    std::optional<std::uint64_t> assignee = handover.assignee_user_id;
    clients::GorgiasTicketUpdate update;
    update.assignee_user_id = assignee;
    update.priority = std::string(PriorityName(handover.priority));
    {
      auto call = clients_.gorgias.UpdateTicket(ticket_id, update);
      co_await std::move(call);
    }
    if (tried.empty()) tried = draft.empty() ? "No draft. " : "Drafted a reply (see the note above). ";
    const std::string summary =
        HandoverSummary(handover, intent, confidence, tried, order ? order->name : std::string());
    {
      auto call = clients_.gorgias.PostInternalNote(
        ticket_id, {.sender_user_id = own_id, .body_text = summary,
                    .external_id = "handover-" + std::to_string(ticket_id) + "-" + message_id});
      co_await std::move(call);
    }
    std::vector<std::string> review_tag = {"needs-review"};
    {
      auto call = clients_.gorgias.AddTags(ticket_id, std::move(review_tag));
      co_await std::move(call);
    }
    route_row.outcome = std::string(decision_outcome::kPendingHuman);
    const std::int64_t row = Log(route_row);
    {
      std::lock_guard lock(mu_);
      state->pending_draft = draft;
      state->route_row = row;
      state->intent = std::string(IntentName(intent));
      state->value_bucket = handover.value_bucket;
      ++stats_.handed_over;
    }
    Record("handover", {{"ticket", ticket_id}, {"rule", handover.rule},
                        {"assignee", static_cast<std::int64_t>(assignee.value_or(0))},
                        {"priority", PriorityName(handover.priority)}});
  }

  // Suppress while the issue is live.
  if (!decision.suppression_triggers.empty() && !email.empty() && !options_.sabotage.skip_suppression) {
    {
      auto call = OpenIssue(email, "ticket-" + std::to_string(ticket_id), ticket_id, decision.suppression_triggers,
                       decision.value_bucket);
      co_await std::move(call);
    }
  }
}

// The customer's live issues beyond this ticket's order: on their other orders (from the lookup),
// and the issues the pipeline holds open for them (a delivery exception it heard of, another
// ticket's case).
std::vector<Issue> Pipeline::IssuesElsewhere(const std::string& email, std::uint64_t ticket_id,
                                             const std::vector<clients::ShopifyOrder>& orders,
                                             const clients::ShopifyOrder* chosen) {
  std::vector<Issue> out;
  for (const auto& other : orders) {
    if (&other == chosen) continue;
    CaseFacts c;
    c.now = WallNow();
    c.order = ToOrderFacts(other);
    for (const Issue i : LiveIssues(policy_, c)) out.push_back(i);
  }
  std::lock_guard lock(mu_);
  auto live = live_issues_.find(text::Lower(email));
  if (live == live_issues_.end()) return out;
  const std::string own = "ticket-" + std::to_string(ticket_id);
  for (const std::string& id : live->second) {
    if (id == own) continue;
    for (const std::string& trigger : issues_.at(id)->triggers) {
      if (auto issue = ParseIssue(trigger)) out.push_back(*issue);
    }
  }
  return out;
}

Pipeline::TriageMark::TriageMark(Pipeline& pipeline, std::string email) : pipeline_(pipeline), email_(std::move(email)) {
  std::lock_guard lock(pipeline_.mu_);
  ++pipeline_.in_triage_[email_];
}

Pipeline::TriageMark::~TriageMark() {
  std::lock_guard lock(pipeline_.mu_);
  auto it = pipeline_.in_triage_.find(email_);
  if (it != pipeline_.in_triage_.end() && --it->second == 0) pipeline_.in_triage_.erase(it);
}

// ---- A person answers ----------------------------------------------------------------------------

sim::Task<void> Pipeline::HandleAgentMessage(GorgiasEvent event) {
  const std::uint64_t ticket_id = event.ticket_id;
  auto state = Ticket(ticket_id);
  const std::string body = Str(event.message, "body_text");
  const std::uint64_t agent_id = event.message.contains("sender") ? Id(event.message["sender"], "id") : 0;
  if (Str(event.message, "channel") == "internal-note") {
    // "Reason: ..." in an agent's note is the reason of their next override.
    const std::string lower = text::Lower(body);
    if (lower.rfind("reason:", 0) == 0) {
      std::lock_guard lock(mu_);
      state->override_reason = std::string(body.substr(7));
      state->override_reason.erase(0, state->override_reason.find_first_not_of(' '));
    }
    co_return;
  }
  std::optional<std::string> draft;
  std::int64_t route_row = 0;
  std::string reason, intent, bucket;
  {
    std::lock_guard lock(mu_);
    draft = std::exchange(state->pending_draft, std::nullopt);
    route_row = state->route_row;
    reason = std::exchange(state->override_reason, {});
    intent = state->intent;
    bucket = state->value_bucket;
    ++stats_.human_replies;
  }
  if (!draft) {
    Record("human.reply", {{"ticket", ticket_id}, {"agent", agent_id}, {"pending", false}});
    co_return;  // nothing of the pipeline's was waiting: an ordinary conversation
  }
  std::string_view kind = decision_kind::kHumanOverride;
  std::string_view outcome = decision_outcome::kOverridden;
  const double similarity = draft->empty() ? 0.0 : Similarity(*draft, body);
  if (!draft->empty() && Words(*draft) == Words(body)) {
    kind = decision_kind::kHumanConfirm;
    outcome = decision_outcome::kConfirmed;
  } else if (similarity >= kEditSimilarity) {
    kind = decision_kind::kHumanEdit;
    outcome = decision_outcome::kEdited;
  }
  const bool override_ = kind == decision_kind::kHumanOverride;
  if (override_ && reason.empty()) {
    // The note and the reply may arrive in either order: read the reason from the ticket itself.
    auto ticket_call = clients_.gorgias.GetTicket(ticket_id);
    auto ticket = co_await std::move(ticket_call);
    if (ticket) {
      for (const auto& m : ticket->messages) {
        if (m.channel == "internal-note" && m.from_agent && text::Lower(m.body_text).rfind("reason:", 0) == 0) {
          reason = m.body_text.substr(7);
          reason.erase(0, reason.find_first_not_of(' '));
        }
      }
    }
  }
  Log({.ticket_id = ticket_id, .kind = std::string(kind), .intent = intent, .route = std::string(decision_route::kHuman),
       .rule = "human." + std::string(outcome),
       .rationale = override_ ? (reason.empty() ? "the agent replied differently and gave no reason" : reason)
                              : "the agent sent the draft" + std::string(kind == decision_kind::kHumanEdit ? " with edits" : ""),
       .draft = *draft, .final_text = body, .sender = AgentSender(agent_id),
       .override_reason = override_ ? reason : std::string(), .value_bucket = bucket,
       .outcome = std::string(outcome), .sent_at = WallNow()});
  if (route_row != 0) log_.SetOutcome(route_row, outcome, {.sent_at = WallNow()});
  Record("human.reply", {{"ticket", ticket_id}, {"agent", agent_id}, {"pending", true}, {"decision", kind},
                         {"similarity", similarity}});
}

// ---- Resolution --------------------------------------------------------------------------------

sim::Task<void> Pipeline::HandleTicketUpdate(GorgiasEvent event) {
  if (Str(event.ticket, "status") != "closed") co_return;
  {
    auto call = ResolveIssue("ticket-" + std::to_string(event.ticket_id), "the ticket was closed");
    co_await std::move(call);
  }
}

sim::Task<void> Pipeline::HandleFulfillmentUpdate(ShopifyEvent event) {
  const std::string status = Str(event.payload, "shipment_status");
  const std::uint64_t order_id = Id(event.payload, "order_id");
  const auto& exceptions = policy_.tracking.exception_statuses;
  auto is_exception = [&](const std::string& s) { return std::find(exceptions.begin(), exceptions.end(), s) != exceptions.end(); };
  const std::string issue_id = "order-" + std::to_string(order_id) + "-delivery";
  if ((status != "delivered" && !is_exception(status)) || order_id == 0) co_return;
  // Webhooks arrive late, twice and out of order: the order as Shopify holds it now says which
  // scan is the latest. The order may not be readable yet: retry, never drop.
  std::optional<clients::ShopifyOrder> order;
  for (int attempt = 0; attempt < 6 && !order; ++attempt) {
    auto got_call = clients_.shopify.GetOrder(order_id);
    auto got = co_await std::move(got_call);
    if (got) {
      order = std::move(*got);
      break;
    }
    Record("order.unknown", {{"order", order_id}, {"attempt", attempt}, {"error", got.error().detail}});
    co_await sim::SleepFor(executor_, sim::Sec(30) * (1 << attempt));
  }
  if (!order || order->email.empty()) {
    Record("error", {{"order", order_id}, {"step", "fulfillment_update"}, {"error", "order not readable"}});
    co_return;
  }
  const OrderFacts now_facts = ToOrderFacts(*order);
  const std::string current = now_facts.shipment_status.value_or("");
  // Whether the delivery Shopify reports now was acted on already (a duplicate or late webhook).
  auto delivery_handled = [&] {
    std::lock_guard lock(mu_);
    auto it = delivered_through_.find(issue_id);
    return now_facts.delivered_at && it != delivered_through_.end() && it->second >= *now_facts.delivered_at;
  };
  auto mark_delivery_handled = [&] {
    std::lock_guard lock(mu_);
    if (now_facts.delivered_at) delivered_through_[issue_id] = *now_facts.delivered_at;
  };
  if (status == "delivered") {
    if (is_exception(current)) {
      // A later scan reported another exception: this delivery is stale news.
      Record("fulfillment.stale", {{"order", order_id}, {"status", status}, {"current", current}});
      co_return;
    }
    mark_delivery_handled();
    auto call = ResolveIssue(issue_id, "the carrier delivered the order");
    co_await std::move(call);
    co_return;
  }
  if (current == "delivered" && delivery_handled()) {
    // The delay and the delivery that ended it were both handled already.
    Record("fulfillment.stale", {{"order", order_id}, {"status", status}, {"current", current}});
    co_return;
  }
  auto lookup_call = clients_.shopify.LookupByEmail(order->email);
  auto lookup = co_await std::move(lookup_call);
  const std::string bucket =
      lookup && lookup->customer ? ValueBucket(policy_, ToCustomerFacts(*lookup)) : std::string(kBucketNew);
  const bool triggers = !options_.sabotage.skip_suppression && std::find(policy_.suppression.triggers.begin(), policy_.suppression.triggers.end(),
                                  Issue::kDeliveryException) != policy_.suppression.triggers.end();
  if (!triggers) co_return;
  std::vector<std::string> delivery = {std::string(IssueName(Issue::kDeliveryException))};
  {
    auto call = OpenIssue(order->email, issue_id, 0, std::move(delivery), bucket);
    co_await std::move(call);
  }
  if (current == "delivered") {
    // The exception was over before the pipeline heard of it: it happened, and it is resolved.
    mark_delivery_handled();
    auto call = ResolveIssue(issue_id, "the carrier had delivered the order by the time the delay was read");
    co_await std::move(call);
  }
}

sim::Task<void> Pipeline::OpenIssue(std::string email, std::string issue_id, std::uint64_t ticket_id,
                                    std::vector<std::string> triggers, std::string value_bucket) {
  const std::string key = text::Lower(email);
  bool suppress = false;
  {
    std::lock_guard lock(mu_);
    auto& slot = issues_[issue_id];
    if (slot && !slot->resolved) co_return;  // already live
    slot = std::make_shared<LiveIssue>(LiveIssue{issue_id, key, ticket_id, triggers, value_bucket, false});
    live_issues_[key].insert(issue_id);
    suppress = !suppressed_.contains(key);
    if (suppress) suppressed_.insert(key);  // claimed now, so a concurrent issue does not repeat it
  }
  std::string joined;
  for (const auto& t : triggers) joined += (joined.empty() ? "" : ", ") + t;
  if (!suppress) {
    Record("suppress.kept", {{"issue", issue_id}, {"email", key}});
    co_return;
  }
  std::vector<std::string> emails = {email};
  auto done_call = clients_.klaviyo.SuppressProfiles(std::move(emails));
  auto done = co_await std::move(done_call);
  if (!done) {
    {
      std::lock_guard lock(mu_);
      suppressed_.erase(key);
    }
    Log({.ticket_id = ticket_id, .kind = std::string(decision_kind::kError), .rule = "suppress.failed",
         .rationale = "Klaviyo suppression failed: " + done.error().detail, .sender = std::string(kSenderPipeline),
         .value_bucket = value_bucket, .outcome = std::string(decision_outcome::kFailed)});
    Record("error", {{"issue", issue_id}, {"step", "suppress"}, {"error", done.error().detail}});
    co_return;
  }
  {
    std::lock_guard lock(mu_);
    ++stats_.suppressions;
  }
  Record("suppress", {{"issue", issue_id}, {"email", key}, {"triggers", joined}});
  Log({.ticket_id = ticket_id, .kind = std::string(decision_kind::kSuppress), .rule = "suppress." + triggers.front(),
       .rationale = "live issue (" + joined + "): promotions and review requests paused",
       .sender = std::string(kSenderPipeline), .value_bucket = value_bucket,
       .outcome = std::string(decision_outcome::kSuppressed),
       .details = nlohmann::json{{"issue", issue_id}, {"email", key}}.dump()});
}

sim::Task<void> Pipeline::ResolveIssue(std::string issue_id, std::string why) {
  std::shared_ptr<LiveIssue> issue;
  bool last = false;  // the customer's last live issue: the episode may end
  {
    std::lock_guard lock(mu_);
    auto it = issues_.find(issue_id);
    if (it == issues_.end() || it->second->resolved) co_return;  // unknown, or already recovered
    issue = it->second;
    issue->resolved = true;
    auto& live = live_issues_[issue->email];
    live.erase(issue_id);
    last = live.empty();
  }
  if (!last) {
    // The customer is still suppressed for another issue: the recovery (an apology, perhaps an
    // offer) waits until that one is resolved too, and then fires once (I5).
    Record("recover.deferred", {{"issue", issue_id}, {"email", issue->email}, {"why", why}});
    co_return;
  }
  // Outside the queue of the ticket or order: the events behind this one must not wait out the
  // settle period.
  sim::Detach(RecoverAfterSettle(std::move(issue), std::move(issue_id), std::move(why)), [this](std::exception_ptr e) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& error) {
      Record("error", {{"step", "recover"}, {"error", error.what()}});
    }
  });
}

sim::Task<void> Pipeline::RecoverAfterSettle(std::shared_ptr<LiveIssue> issue, std::string issue_id, std::string why) {
  // Let the episode settle: a message the customer is writing about another problem (a webhook
  // on its way, a ticket in triage) must not receive an apology for the one just resolved.
  co_await sim::SleepFor(executor_, kRecoverySettle);
  bool unsuppress = false;
  std::string episode;  // the recovery's unique id: one event per episode, whatever retries
  {
    std::lock_guard lock(mu_);
    const bool still_calm = live_issues_[issue->email].empty() && !in_triage_.contains(issue->email);
    if (still_calm) {
      unsuppress = suppressed_.erase(issue->email) > 0;
      episode = issue->email + "#" + std::to_string(++episodes_[issue->email]);
    }
  }
  if (episode.empty()) {
    Record("recover.deferred", {{"issue", issue_id}, {"email", issue->email}, {"why", why + "; another issue opened"}});
    co_return;
  }
  if (unsuppress) {
    std::vector<std::string> emails = {issue->email};
    auto done_call = clients_.klaviyo.UnsuppressProfiles(std::move(emails));
    auto done = co_await std::move(done_call);
    if (!done) Record("error", {{"issue", issue_id}, {"step", "unsuppress"}, {"error", done.error().detail}});
  }
  const RecoveryOffer offer = OfferFor(policy_, issue->value_bucket);
  nlohmann::json properties = {{"issue_id", issue_id},
                               {"episode", episode},
                               {"ticket_id", issue->ticket_id},
                               {"value_bucket", issue->value_bucket},
                               {"apology", offer.apology},
                               {"feedback_request", offer.feedback_request}};
  if (offer.discount) {
    properties["discount_kind"] = offer.discount->kind == Discount::Kind::kPercent ? "percent" : "amount";
    properties["discount_value"] = offer.discount->value;
  }
  // unique_id = the issue: Klaviyo drops a second event with it, so even a retried call fires once.
  std::string fire_error = "skipped (sabotage)";
  if (!options_.sabotage.skip_recovery) {
    auto fired_call = clients_.klaviyo.CreateEvent(
        {.metric = policy_.recovery.metric, .email = issue->email, .properties = properties, .unique_id = episode});
    auto fired_result = co_await std::move(fired_call);
    fire_error = fired_result ? "" : fired_result.error().detail;
  }
  const bool fired = fire_error.empty();
  {
    std::lock_guard lock(mu_);
    ++stats_.recoveries;
  }
  Record("recover", {{"issue", issue_id}, {"email", issue->email}, {"why", why}, {"unsuppressed", unsuppress},
                     {"event_sent", fired}});
  Log({.ticket_id = issue->ticket_id, .kind = std::string(decision_kind::kRecover), .rule = "recover." + issue->value_bucket,
       .rationale = why + "; " + (unsuppress ? "suppression ended" : "the customer was not suppressed") +
                    "; recovery event " + (fired ? "fired" : "failed: " + fire_error),
       .sender = std::string(kSenderPipeline), .value_bucket = issue->value_bucket,
       .outcome = std::string(fired ? decision_outcome::kRecovered : decision_outcome::kFailed),
       .resolved_at = WallNow(), .details = properties.dump()});
}

}  // namespace rh::pipeline
