// The reference pipeline's workflow: triage, draft, confirm, suppress, recover, each decision
// written to the decision log. It receives verified events from the WebhookIntake (it is the
// intake's EventSink) and works through the public APIs of the four services, on an Executor, so
// the same code runs in sim mode (virtual time, in-memory transport) and live mode (sockets).
//
// One customer message, end to end:
//   1. Triage: read the ticket (Gorgias), find the customer's orders by email (Shopify), classify
//      with rules first and the LLM for the rest, tag the ticket ("intent:<label>").
//   2. Draft: the LLM drafts from the order's facts (items, carrier, tracking, last scan, return
//      window); the draft check refuses unknown facts and money promises; the draft is posted
//      as an internal note.
//   3. Confirm: the policy decides. Safe zone: the reply goes out on the ticket's channel. Else
//      the ticket is assigned to a person by user id, with a priority and a handover summary.
//      A person's reply later is recorded as a confirm, an edit or an override (with the reason
//      from their latest internal note starting "Reason:").
//   4. Suppress: when the decision names suppression triggers, the customer's Klaviyo profile is
//      suppressed while the issue is live (at most once per customer, however many issues).
//   5. Recover: when the ticket is closed (or a delivery issue is delivered), the issue ends;
//      with no other live issue the profile is unsuppressed, and the recovery event fires once
//      per issue (its unique_id is the issue's id, so Klaviyo deduplicates a retry too).
// Events for one ticket are handled one at a time, in arrival order. A failure of any service
// call never leads to an automatic send: the ticket goes to a person.
#pragma once

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
#include "pipeline/webhook_intake.h"
#include "sim/executor.h"
#include "sim/task.h"
#include "sim/trace.h"

namespace rh::pipeline {

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
  // Deliberate faults, only for the harness's negative tests: each makes the pipeline break an
  // invariant an oracle must catch. All off in any real use.
  struct Sabotage {
    bool ignore_route = false;        // send every draft automatically, whatever the policy said
    bool skip_suppression = false;    // never suppress marketing
    bool skip_decision_log = false;   // write no decision rows
    bool skip_fact_check = false;     // treat every draft as checked, invented facts and all
    bool skip_recovery = false;       // never fire the recovery event
    bool reply_twice = false;         // post every automatic reply a second time
    bool reply_on_email = false;      // answer on email whatever the ticket's channel
    bool skip_money_guard = false;    // trust the classifier on a message that speaks of money
  } sabotage;
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

class Pipeline final : public EventSink {
 public:
  // `trace` may be null (live mode). Everything referenced must outlive the pipeline, and the
  // executor must have run every task the pipeline started before it is destroyed (Idle()).
  Pipeline(sim::Executor& executor, PipelineClients clients, const Policy& policy, DecisionLog& log,
           PipelineOptions options, sim::Trace* trace = nullptr);
  ~Pipeline() override;

  void OnShopify(ShopifyEvent event, sim::Moment now) override;
  void OnGorgias(GorgiasEvent event, sim::Moment now) override;

  PipelineStats stats() const;
  // True when no event is queued or being handled.
  bool Idle() const;

 private:
  struct TicketState;
  struct LiveIssue;
  // Marks a customer as in triage for the lifetime of the mark (a message being handled).
  class TriageMark {
   public:
    TriageMark(Pipeline& pipeline, std::string email);
    ~TriageMark();
    TriageMark(const TriageMark&) = delete;
    TriageMark& operator=(const TriageMark&) = delete;

   private:
    Pipeline& pipeline_;
    std::string email_;
  };
  // How long the last resolved issue of a customer waits before the recovery fires and their
  // suppression ends: the time a new message needs to reach triage (webhook delays, retries).
  static constexpr sim::Duration kRecoverySettle = std::chrono::minutes(15);
  using Work = std::function<sim::Task<void>()>;

  // Queues `work` behind earlier work for the same key (a ticket, an order).
  void Enqueue(std::string key, Work work);
  sim::Task<void> Drain(std::string key);

  sim::Task<void> HandleCustomerMessage(GorgiasEvent event);
  sim::Task<void> HandleAgentMessage(GorgiasEvent event);
  sim::Task<void> HandleTicketUpdate(GorgiasEvent event);
  sim::Task<void> HandleFulfillmentUpdate(ShopifyEvent event);

  sim::Task<void> OpenIssue(std::string email, std::string issue_id, std::uint64_t ticket_id,
                            std::vector<std::string> triggers, std::string value_bucket);
  sim::Task<void> ResolveIssue(std::string issue_id, std::string why);
  // The end of an episode: after kRecoverySettle, with nothing live or in triage for the
  // customer, suppression ends and the recovery event fires once.
  sim::Task<void> RecoverAfterSettle(std::shared_ptr<LiveIssue> issue, std::string issue_id, std::string why);
  std::vector<Issue> IssuesElsewhere(const std::string& email, std::uint64_t ticket_id,
                                     const std::vector<clients::ShopifyOrder>& orders,
                                     const clients::ShopifyOrder* chosen);
  // The Gorgias user id the pipeline writes as (looked up once by e-mail).
  sim::Task<std::uint64_t> OwnUserId();
  std::shared_ptr<TicketState> Ticket(std::uint64_t id);

  void Record(std::string_view kind, std::vector<sim::TraceField> fields);
  std::int64_t Log(DecisionRow row);
  sim::WallTime WallNow() const;

  sim::Executor& executor_;
  PipelineClients clients_;
  const Policy& policy_;
  DecisionLog& log_;
  const PipelineOptions options_;
  sim::Trace* trace_;

  mutable std::mutex mu_;
  std::map<std::string, std::deque<Work>> queues_;  // guarded by mu_; a key present = a drainer runs
  std::map<std::uint64_t, std::shared_ptr<TicketState>> tickets_;
  std::map<std::string, std::shared_ptr<LiveIssue>> issues_;       // by issue id
  std::map<std::string, std::set<std::string>> live_issues_;   // email -> live issue ids
  std::set<std::string> suppressed_;                           // emails the pipeline suppressed
  std::map<std::string, int> episodes_;  // email -> episodes of live issues that ended (recoveries)
  std::map<std::string, int> in_triage_;  // email -> customer messages being triaged now
  std::map<std::string, sim::WallTime> delivered_through_;  // delivery issue id -> delivery acted on
  std::optional<std::uint64_t> own_user_id_;
  PipelineStats stats_;
};

}  // namespace rh::pipeline
