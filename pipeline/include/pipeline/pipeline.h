// The reference pipeline's workflow: triage, draft, confirm, suppress, recover, each decision
// written to the decision log. It receives verified events from the WebhookIntake (it is the
// intake's EventSink) and works through the public APIs of the four services, on an Executor, so
// the same code runs in sim mode (virtual time, in-memory transport) and live mode (sockets).
//
// One customer message, end to end, each stage its own file under pipeline/src/stages/ with a
// typed hand-off (Triage -> Draft -> Confirmation):
//   1. Triage (triage.cc): read the ticket (Gorgias), find the customer's orders by email
//      (Shopify), classify with rules first and the LLM for the rest, tag the ticket
//      ("intent:<label>").
//   2. Draft (draft.cc): the LLM drafts from the order's facts (items, carrier, tracking, last
//      scan, return window); the fact check refuses unknown facts and money promises; the draft is
//      posted as an internal note.
//   3. Confirm (confirm.cc): the policy decides, and the money guard sends a message about money
//      to a person. Safe zone: the reply goes out on the ticket's channel. Else the ticket is
//      assigned to a person by user id, with a priority and a handover summary. A person's reply
//      later (human_reply.cc) is recorded as a confirm, an edit or an override (with the reason
//      from their latest internal note starting "Reason:").
//   4. Suppress (issues.cc): when the decision names suppression triggers, the customer's Klaviyo
//      profile is suppressed while the issue is live (at most once per customer).
//   5. Recover (issues.cc): when the ticket is closed (or a delivery issue is delivered), the issue
//      ends; with no other live issue the profile is unsuppressed, and the recovery event fires
//      once per issue (its unique_id is the id, so Klaviyo deduplicates a retry too).
//   6. Every decision is a row (decisions.cc).
// The collaborators at the seams (seams.h: confirm policy, fact check, reply sender, suppressor,
// recovery, decision recorder) are the real ones unless PipelineOptions::seams names others; the
// harness injects broken ones to show its oracles catch them. Events for one ticket are handled
// one at a time, in arrival order. A failure of any service call never leads to an automatic
// send: the ticket goes to a person.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "pipeline/clients/gorgias_client.h"
#include "pipeline/clients/klaviyo_client.h"
#include "pipeline/clients/llm_client.h"
#include "pipeline/clients/shopify_client.h"
#include "pipeline/decision_log.h"
#include "pipeline/policy.h"
#include "pipeline/seams.h"
#include "pipeline/webhook_intake.h"
#include "sim/executor.h"
#include "sim/task.h"
#include "sim/trace.h"

namespace rh::pipeline {

namespace stages {
class TicketMemory;
}  // namespace stages

struct PipelineClients {
  clients::ShopifyClient& shopify;
  clients::GorgiasClient& gorgias;
  clients::KlaviyoClient& klaviyo;
  clients::LlmClient& llm;
};

struct PipelineOptions {
  // The Gorgias user the pipeline writes as: its own messages come back as events and are not
  // a person's.
  std::string gorgias_user_email;
  std::string store_name = "our store";
  // The collaborators at the seams; each one left null is the real one.
  PipelineSeams seams;
  // Work resumed after a restart waits this long first, so that a request the killed process
  // still had in flight (a reply on the wire) lands before the ticket is read again to see what
  // was done. Loopback and the services answer within it; a request slower than this could still
  // be repeated (docs/HARDENING.md, "What is not guaranteed").
  sim::Duration resume_pause = sim::Sec(5);
};

struct PipelineStats {
  std::uint64_t tickets_triaged = 0;
  std::uint64_t auto_sent = 0;
  std::uint64_t handed_over = 0;
  std::uint64_t human_replies = 0;
  std::uint64_t suppressions = 0;
  std::uint64_t recoveries = 0;
  std::uint64_t failures = 0;  // events whose handling hit an error (each went to a person)
};

// What the pipeline has under way (Pipeline::Activity).
struct PipelineActivity {
  std::size_t events = 0;   // events queued or being handled
  std::size_t settles = 0;  // recoveries waiting out their settle period (durable timers)
  std::size_t resumed = 0;  // events and settle timers taken up from the database at start
};

class Pipeline final : public EventSink {
 public:
  // `trace` may be null (live mode). Everything referenced must outlive the pipeline, and the
  // executor must have run every task the pipeline started before it is destroyed (Idle()).
  // `log` must be open read-write: its database also holds the pipeline's inbox and memory
  // (pipeline/inbox.h). A pipeline resumes, from its first moment, every event a previous one
  // on the same database accepted and did not finish, and every settle timer it left running.
  Pipeline(sim::Executor& executor, PipelineClients clients, const Policy& policy, DecisionLog& log,
           PipelineOptions options, sim::Trace* trace = nullptr);
  ~Pipeline() override;

  // Records the event in the inbox (with its deduplication key and, for a resource that carries
  // one, its version: one transaction), then queues its work. Only a recorded event is
  // kAccepted; kNotRecorded when the database refused it.
  EventReceipt OnShopify(ShopifyEvent event, sim::Moment now) override;
  EventReceipt OnGorgias(GorgiasEvent event, sim::Moment now) override;

  PipelineStats stats() const;
  PipelineActivity Activity() const;
  // True when no event is queued or being handled and no settle timer is running.
  bool Idle() const;
  // Blocks the calling thread until no event is queued or being handled, for at most `timeout`
  // of real time; true when none is. For a live host that stops (rehearse pipeline lets events
  // under way finish): call it from a thread other than the executor's, which must keep running.
  // Settle timers are not waited for (they are durable: the next run resumes them). In sim mode
  // only a zero timeout makes sense (one thread), and then it is `Activity().events == 0`.
  bool WaitUntilNoEventsUnderWay(sim::Duration timeout) const;

 private:
  struct Parts;
  using Work = std::function<sim::Task<void>()>;
  struct Queued {
    Work work;
    std::int64_t inbox_id = 0;  // finished when the work is done
  };

  // Takes up what a previous pipeline on this database left unfinished.
  void Resume();
  // Queues the work an accepted event asks for; false when it asks for none.
  // `pause`: how long the work waits before it starts, holding its key's queue (resumed work).
  bool DispatchShopify(ShopifyEvent event, std::int64_t inbox_id, sim::Duration pause = {});
  bool DispatchGorgias(GorgiasEvent event, std::int64_t inbox_id, sim::Duration pause = {});
  void Finish(std::int64_t inbox_id);
  // Queues `work` behind earlier work for the same key (a ticket, an order).
  void Enqueue(std::string key, Work work, std::int64_t inbox_id, sim::Duration pause);
  sim::Task<void> AfterPause(sim::Duration pause, Work work);
  sim::Task<void> Drain(std::string key);

  // The workflow for one customer message: its stages in order.
  sim::Task<void> HandleCustomerMessage(GorgiasEvent event);
  std::shared_ptr<stages::TicketMemory> Ticket(std::uint64_t id);

  sim::Executor& executor_;
  const PipelineOptions options_;
  std::unique_ptr<Parts> parts_;  // the stages' context and the real collaborators

  mutable std::mutex mu_;
  std::map<std::string, std::deque<Queued>> queues_;  // guarded by mu_; a key present = a drainer runs
  std::size_t events_ = 0;                            // guarded by mu_; queued or being handled
  mutable std::condition_variable no_events_;         // notified when events_ drops to 0
  std::size_t resumed_ = 0;
  std::map<std::uint64_t, std::shared_ptr<stages::TicketMemory>> tickets_;  // guarded by mu_
};

}  // namespace rh::pipeline
