#include "pipeline/pipeline.h"

#include "../stages/confirm.h"
#include "../stages/context.h"
#include "../stages/decisions.h"
#include "../stages/draft.h"
#include "../stages/facts.h"
#include "../stages/human_reply.h"
#include "../stages/issues.h"
#include "../stages/ticket_memory.h"
#include "../stages/triage.h"
#include "pipeline/inbox.h"
#include "text.h"

namespace rh::pipeline {

// Every awaited call is first a named Task, then `co_await std::move(task)`: GCC 12 can destroy a
// temporary argument in a co_await operand twice (docs/ARCHITECTURE.md).

using stages::Str;

namespace {

// Finished webhooks are forgotten after this long, their deduplication keys with them: Shopify
// retries a delivery for 48 hours, Gorgias for less.
constexpr sim::Duration kRememberDeliveries = sim::Days(7);

nlohmann::json ShopifyEventJson(const ShopifyEvent& e) {
  return {{"topic", e.topic},       {"dedupe_key", e.dedupe_key},     {"webhook_id", e.webhook_id},
          {"event_id", e.event_id}, {"triggered_at", e.triggered_at}, {"payload", e.payload}};
}

nlohmann::json GorgiasEventJson(const GorgiasEvent& e) {
  return {{"trigger", e.trigger}, {"dedupe_key", e.dedupe_key}, {"ticket", e.ticket},
          {"message", e.message}, {"ticket_id", e.ticket_id}};
}

std::optional<ShopifyEvent> ShopifyEventFrom(const nlohmann::json& j) {
  if (!j.is_object() || !j.value("topic", nlohmann::json()).is_string()) return std::nullopt;
  return ShopifyEvent{.topic = Str(j, "topic"), .dedupe_key = Str(j, "dedupe_key"), .webhook_id = Str(j, "webhook_id"),
                      .event_id = Str(j, "event_id"), .triggered_at = Str(j, "triggered_at"),
                      .payload = j.value("payload", nlohmann::json::object())};
}

std::optional<GorgiasEvent> GorgiasEventFrom(const nlohmann::json& j) {
  if (!j.is_object() || !j.value("ticket_id", nlohmann::json()).is_number_unsigned()) return std::nullopt;
  return GorgiasEvent{.trigger = Str(j, "trigger"), .dedupe_key = Str(j, "dedupe_key"),
                      .ticket = j.value("ticket", nlohmann::json::object()),
                      .message = j.value("message", nlohmann::json()), .ticket_id = j["ticket_id"].get<std::uint64_t>()};
}

// The resource an event is a version of, and that version's own timestamp: a fulfillment's
// state (per shipment status, so a late exception scan read after the delivery is still news,
// which the stage judges against the order's current state) and a ticket's update. Events without
// a comparable timestamp (a new message is its own resource, deduplicated by id) have none.
std::optional<std::pair<std::string, sim::WallTime>> VersionOf(const std::string& resource, const std::string& stamp) {
  sim::WallTime t;
  if (stamp.empty() || !sim::ParseRfc3339(stamp, t)) return std::nullopt;
  return std::pair{resource, t};
}

std::optional<std::pair<std::string, sim::WallTime>> ShopifyVersion(const ShopifyEvent& e) {
  if (e.topic != "fulfillments/update" && e.topic != "fulfillments/create") return std::nullopt;
  const std::string id = Str(e.payload, "id");
  if (id.empty()) return std::nullopt;
  return VersionOf("shopify:fulfillment:" + id + ":" + Str(e.payload, "shipment_status"), Str(e.payload, "updated_at"));
}

std::optional<std::pair<std::string, sim::WallTime>> GorgiasVersion(const GorgiasEvent& e) {
  if (e.trigger != "ticket-updated" && e.trigger != "ticket-status-updated") return std::nullopt;
  return VersionOf("gorgias:ticket:" + std::to_string(e.ticket_id), Str(e.ticket, "updated_datetime"));
}

EventReceipt ReceiptOf(Admission a) {
  switch (a) {
    case Admission::kAccepted: return EventReceipt::kAccepted;
    case Admission::kDuplicate: return EventReceipt::kDuplicate;
    case Admission::kStale: return EventReceipt::kStale;
  }
  return EventReceipt::kNotRecorded;
}

}  // namespace

// The stages' context and the real collaborators, for each seam the options left empty.
struct Pipeline::Parts {
  Parts(sim::Executor& executor, PipelineClients clients, const Policy& policy, DecisionLog& log,
        const PipelineOptions& options, sim::Trace* trace)
      : inbox(log),
        memory(log),
        own_user(options.gorgias_user_email),
        logged(log, executor, trace),
        seams(WithDefaults(options.seams)),
        ctx{executor, clients, policy, trace, counters, own_user, *seams.confirm, *seams.fact_check, *seams.replies,
            seams.suppressor ? *seams.suppressor : issues, seams.decisions ? *seams.decisions : logged},
        issues(ctx, *seams.recovery, *seams.offers, memory) {}

  static PipelineSeams WithDefaults(PipelineSeams seams) {
    if (!seams.confirm) seams.confirm = std::make_shared<const ConfirmPolicy>();
    if (!seams.fact_check) seams.fact_check = std::make_shared<const FactChecker>();
    if (!seams.replies) seams.replies = std::make_shared<const ReplySender>();
    if (!seams.recovery) seams.recovery = std::make_shared<const RecoveryFirer>();
    if (!seams.offers) seams.offers = std::make_shared<const OfferApproval>();
    return seams;
  }

  Inbox inbox;
  DurableMemory memory;
  stages::Counters counters;
  stages::OwnUser own_user;
  stages::LoggedDecisions logged;
  const PipelineSeams seams;
  const stages::Context ctx;  // its suppressor may be `issues`, constructed next
  stages::Issues issues;
};

Pipeline::Pipeline(sim::Executor& executor, PipelineClients clients, const Policy& policy, DecisionLog& log,
                   PipelineOptions options, sim::Trace* trace)
    : executor_(executor),
      options_(std::move(options)),
      parts_(std::make_unique<Parts>(executor, clients, policy, log, options_, trace)) {
  Resume();
}

Pipeline::~Pipeline() = default;

PipelineStats Pipeline::stats() const { return parts_->counters.Get(); }

PipelineActivity Pipeline::Activity() const {
  std::lock_guard lock(mu_);
  return {events_, parts_->issues.SettlesPending(), resumed_};
}

bool Pipeline::Idle() const {
  const PipelineActivity a = Activity();
  return a.events == 0 && a.settles == 0;
}

bool Pipeline::WaitUntilNoEventsUnderWay(sim::Duration timeout) const {
  std::unique_lock lock(mu_);
  return no_events_.wait_for(lock, timeout, [this] { return events_ == 0; });
}

std::shared_ptr<stages::TicketMemory> Pipeline::Ticket(std::uint64_t id) {
  std::lock_guard lock(mu_);
  auto& slot = tickets_[id];
  if (!slot) slot = stages::TicketMemory::Remembered(parts_->memory, id);
  return slot;
}

// ---- Resume: what a previous pipeline on this database left unfinished --------------------------

void Pipeline::Resume() {
  const stages::Context& ctx = parts_->ctx;
  const std::size_t settles = parts_->issues.Restore();
  auto unfinished = parts_->inbox.Unfinished();
  if (!unfinished) {
    ctx.Record("error", {{"step", "resume"}, {"error", unfinished.error()}});
    return;
  }
  std::size_t events = 0;
  for (const InboxEntry& entry : *unfinished) {
    const nlohmann::json event = nlohmann::json::parse(entry.event, nullptr, /*allow_exceptions=*/false);
    bool queued = false;
    if (entry.source == "shopify") {
      if (auto e = ShopifyEventFrom(event)) queued = DispatchShopify(std::move(*e), entry.id, options_.resume_pause);
    } else if (auto e = GorgiasEventFrom(event)) {
      queued = DispatchGorgias(std::move(*e), entry.id, options_.resume_pause);
    }
    if (!queued) Finish(entry.id);
    events += queued ? 1 : 0;
  }
  {
    std::lock_guard lock(mu_);
    resumed_ = events + settles;
  }
  if (events + settles > 0) ctx.Record("resume", {{"events", events}, {"settles", settles}});
  if (auto forgot = parts_->inbox.ForgetFinishedBefore(ctx.WallNow() - kRememberDeliveries); !forgot) {
    ctx.Record("error", {{"step", "forget_deliveries"}, {"error", forgot.error()}});
  }
}

void Pipeline::Finish(std::int64_t inbox_id) {
  if (inbox_id == 0) return;
  if (auto done = parts_->inbox.Finish(inbox_id, parts_->ctx.WallNow()); !done) {
    // The event will be done again after a restart; every step of it is safe to repeat.
    parts_->ctx.Record("error", {{"step", "inbox.finish"}, {"error", done.error()}});
  }
}

// ---- Queues: one event at a time per key -------------------------------------------------------

void Pipeline::Enqueue(std::string key, Work work, std::int64_t inbox_id, sim::Duration pause) {
  if (pause > sim::Duration{0}) {
    work = [this, pause, inner = std::move(work)]() { return AfterPause(pause, inner); };
  }
  {
    std::lock_guard lock(mu_);
    ++events_;
    auto [it, fresh] = queues_.try_emplace(key);
    it->second.push_back({std::move(work), inbox_id});
    if (!fresh) return;  // a drainer already runs for this key
  }
  executor_.Post([this, key = std::move(key)] { sim::Detach(Drain(key)); });
}

sim::Task<void> Pipeline::AfterPause(sim::Duration pause, Work work) {
  co_await sim::SleepFor(executor_, pause);
  sim::Task<void> task = work();
  co_await std::move(task);
}

sim::Task<void> Pipeline::Drain(std::string key) {
  for (;;) {
    Queued next;
    {
      std::lock_guard lock(mu_);
      auto it = queues_.find(key);
      if (it->second.empty()) {
        queues_.erase(it);
        co_return;
      }
      next = std::move(it->second.front());
      it->second.pop_front();
    }
    try {
      sim::Task<void> task = next.work();
      co_await std::move(task);
    } catch (const std::exception& e) {
      parts_->counters.Add(&PipelineStats::failures);
      parts_->ctx.Record("error", {{"key", key}, {"error", e.what()}});
    }
    // Done, or failed with its failure logged and the ticket with a person: either way not
    // worth redoing after a restart.
    Finish(next.inbox_id);
    std::lock_guard lock(mu_);
    if (--events_ == 0) no_events_.notify_all();
  }
}

// ---- Events to work ------------------------------------------------------------------------------

EventReceipt Pipeline::OnGorgias(GorgiasEvent event, sim::Moment now) {
  const auto admitted = parts_->inbox.Admit({.dedupe_key = event.dedupe_key, .source = "gorgias",
                                             .event = GorgiasEventJson(event).dump(), .accepted_at = now.wall,
                                             .version = GorgiasVersion(event)});
  if (!admitted) {
    parts_->ctx.Record("error", {{"step", "inbox.admit"}, {"ticket", event.ticket_id}, {"error", admitted.error()}});
    return EventReceipt::kNotRecorded;
  }
  if (admitted->admission != Admission::kAccepted) return ReceiptOf(admitted->admission);
  if (!DispatchGorgias(std::move(event), admitted->id)) Finish(admitted->id);
  return EventReceipt::kAccepted;
}

EventReceipt Pipeline::OnShopify(ShopifyEvent event, sim::Moment now) {
  if (event.dedupe_key.empty()) event.dedupe_key = "shopify:" + event.webhook_id;
  const auto admitted = parts_->inbox.Admit({.dedupe_key = event.dedupe_key, .source = "shopify",
                                             .event = ShopifyEventJson(event).dump(), .accepted_at = now.wall,
                                             .version = ShopifyVersion(event)});
  if (!admitted) {
    parts_->ctx.Record("error", {{"step", "inbox.admit"}, {"topic", event.topic}, {"error", admitted.error()}});
    return EventReceipt::kNotRecorded;
  }
  if (admitted->admission != Admission::kAccepted) return ReceiptOf(admitted->admission);
  if (!DispatchShopify(std::move(event), admitted->id)) Finish(admitted->id);
  return EventReceipt::kAccepted;
}

bool Pipeline::DispatchGorgias(GorgiasEvent event, std::int64_t inbox_id, sim::Duration pause) {
  const std::string key = "ticket:" + std::to_string(event.ticket_id);
  if (event.trigger == "ticket-message-created" && event.message.is_object()) {
    const bool own = stages::SenderEmail(event.message) == text::Lower(options_.gorgias_user_email);
    if (own) return false;  // the pipeline's own note or reply, coming back
    if (!stages::Flag(event.message, "from_agent")) {
      Enqueue(key, [this, event = std::move(event)]() mutable { return HandleCustomerMessage(std::move(event)); }, inbox_id,
              pause);
    } else {
      Enqueue(key, [this, event = std::move(event)]() {
        return stages::RecordHumanReply(parts_->ctx, event, Ticket(event.ticket_id));
      }, inbox_id, pause);
    }
    return true;
  }
  if (event.trigger == "ticket-created") {
    // The ticket carries its messages; the newest customer message is the one to triage.
    nlohmann::json message = event.ticket.value("last_message", nlohmann::json());
    if (!message.is_object() && event.ticket.contains("messages") && event.ticket["messages"].is_array() &&
        !event.ticket["messages"].empty()) {
      message = event.ticket["messages"].back();
    }
    if (!message.is_object() || stages::Flag(message, "from_agent")) return false;
    event.message = std::move(message);
    Enqueue(key, [this, event = std::move(event)]() mutable { return HandleCustomerMessage(std::move(event)); }, inbox_id,
              pause);
    return true;
  }
  if (event.trigger == "ticket-updated" || event.trigger == "ticket-status-updated") {
    Enqueue(key, [this, event = std::move(event)]() { return stages::OnTicketUpdate(parts_->ctx, event); }, inbox_id, pause);
    return true;
  }
  return false;
}

bool Pipeline::DispatchShopify(ShopifyEvent event, std::int64_t inbox_id, sim::Duration pause) {
  // Orders, refunds and returns are read through the API when a ticket needs them, so their
  // webhooks need no handling of their own.
  if (event.topic != "fulfillments/update" && event.topic != "fulfillments/create") return false;
  const std::string key = "order:" + Str(event.payload, "order_id");
  Enqueue(key, [this, event = std::move(event)]() { return stages::OnFulfillmentUpdate(parts_->ctx, event); },
          inbox_id, pause);
  return true;
}

// ---- A customer writes: triage -> draft -> confirm -> suppress -----------------------------------

sim::Task<void> Pipeline::HandleCustomerMessage(GorgiasEvent event) {
  const stages::Context& ctx = parts_->ctx;
  const std::shared_ptr<stages::TicketMemory> memory = Ticket(event.ticket_id);
  const std::string message_id = Str(event.message, "id");
  if (memory->Handled(message_id)) {
    ctx.Record("triage.skipped", {{"ticket", event.ticket_id}, {"message", message_id}, {"why", "already handled"}});
    co_return;
  }
  // Marked when this frame ends, whichever way; a frame a crash abandons never marks it.
  const stages::MarkHandledOnExit mark{*memory, message_id};
  auto triage_call = stages::TriageMessage(ctx, event.ticket_id, event.message);
  const std::optional<stages::Triage> triage = co_await std::move(triage_call);
  if (!triage) co_return;
  auto draft_call = stages::DraftReply(ctx, *triage);
  const stages::Draft draft = co_await std::move(draft_call);
  auto confirm_call = stages::Confirm(ctx, *triage, draft, *memory);
  const stages::Confirmation confirmation = co_await std::move(confirm_call);
  if (auto issue = stages::IssueOfTheCase(*triage, confirmation.decision)) {
    auto open_call = ctx.suppressor.Open(std::move(*issue));
    co_await std::move(open_call);
  }
}

}  // namespace rh::pipeline
