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
#include "text.h"

namespace rh::pipeline {

// Every awaited call is first a named Task, then `co_await std::move(task)`: GCC 12 can destroy a
// temporary argument in a co_await operand twice (docs/ARCHITECTURE.md).

using stages::Str;

// The stages' context and the real collaborators, for each seam the options left empty.
struct Pipeline::Parts {
  Parts(sim::Executor& executor, PipelineClients clients, const Policy& policy, DecisionLog& log,
        const PipelineOptions& options, sim::Trace* trace)
      : own_user(options.gorgias_user_email),
        logged(log, executor, trace),
        seams(WithDefaults(options.seams)),
        ctx{executor, clients, policy, trace, counters, own_user, *seams.confirm, *seams.fact_check, *seams.replies,
            seams.suppressor ? *seams.suppressor : issues, seams.decisions ? *seams.decisions : logged},
        issues(ctx, *seams.recovery) {}

  static PipelineSeams WithDefaults(PipelineSeams seams) {
    if (!seams.confirm) seams.confirm = std::make_shared<const ConfirmPolicy>();
    if (!seams.fact_check) seams.fact_check = std::make_shared<const FactChecker>();
    if (!seams.replies) seams.replies = std::make_shared<const ReplySender>();
    if (!seams.recovery) seams.recovery = std::make_shared<const RecoveryFirer>();
    return seams;
  }

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
      parts_(std::make_unique<Parts>(executor, clients, policy, log, options_, trace)) {}

Pipeline::~Pipeline() = default;

PipelineStats Pipeline::stats() const { return parts_->counters.Get(); }

bool Pipeline::Idle() const {
  std::lock_guard lock(mu_);
  return queues_.empty();
}

std::shared_ptr<stages::TicketMemory> Pipeline::Ticket(std::uint64_t id) {
  std::lock_guard lock(mu_);
  auto& slot = tickets_[id];
  if (!slot) slot = std::make_shared<stages::TicketMemory>();
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
      parts_->counters.Add(&PipelineStats::failures);
      parts_->ctx.Record("error", {{"key", key}, {"error", e.what()}});
    }
  }
}

// ---- Events to work ------------------------------------------------------------------------------

void Pipeline::OnGorgias(GorgiasEvent event, sim::Moment) {
  const std::string key = "ticket:" + std::to_string(event.ticket_id);
  if (event.trigger == "ticket-message-created" && event.message.is_object()) {
    const bool own = stages::SenderEmail(event.message) == text::Lower(options_.gorgias_user_email);
    if (own) return;  // the pipeline's own note or reply, coming back
    if (!stages::Flag(event.message, "from_agent")) {
      Enqueue(key, [this, event = std::move(event)]() { return HandleCustomerMessage(event); });
    } else {
      Enqueue(key, [this, event = std::move(event)]() {
        return stages::RecordHumanReply(parts_->ctx, event, Ticket(event.ticket_id));
      });
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
    if (message.is_object() && !stages::Flag(message, "from_agent")) {
      event.message = std::move(message);
      Enqueue(key, [this, event = std::move(event)]() { return HandleCustomerMessage(event); });
    }
    return;
  }
  if (event.trigger == "ticket-updated" || event.trigger == "ticket-status-updated") {
    Enqueue(key, [this, event = std::move(event)]() { return stages::OnTicketUpdate(parts_->ctx, event); });
  }
}

void Pipeline::OnShopify(ShopifyEvent event, sim::Moment) {
  if (event.topic == "fulfillments/update" || event.topic == "fulfillments/create") {
    const std::string key = "order:" + Str(event.payload, "order_id");
    Enqueue(key, [this, event = std::move(event)]() { return stages::OnFulfillmentUpdate(parts_->ctx, event); });
  }
  // Orders, refunds and returns are read through the API when a ticket needs them, so their
  // webhooks need no handling of their own.
}

// ---- A customer writes: triage -> draft -> confirm -> suppress -----------------------------------

sim::Task<void> Pipeline::HandleCustomerMessage(GorgiasEvent event) {
  const stages::Context& ctx = parts_->ctx;
  const std::shared_ptr<stages::TicketMemory> memory = Ticket(event.ticket_id);
  const std::string message_id = Str(event.message, "id");
  if (!memory->FirstTime(message_id)) {
    ctx.Record("triage.skipped", {{"ticket", event.ticket_id}, {"message", message_id}, {"why", "already handled"}});
    co_return;
  }
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
