// Suppress and recover (DESIGN.md steps 4 and 5), the real Suppressor (seams.h): while an issue is
// live the customer's Klaviyo profile is suppressed (at most once per customer, however many
// issues); when the last live issue ends, and nothing new arrives within a settle period, the
// profile is unsuppressed and the recovery event fires once for the episode (a seam:
// RecoveryFirer; its unique_id names the episode, so Klaviyo deduplicates a retry too). Also the
// two events that open and end issues outside a ticket's workflow: a fulfillment's delivery
// exception, and its delivery. What it knows of each customer (issues, suppression, episodes,
// settle timers) is durable: a restarted pipeline neither forgets a suppression nor fires a
// recovery twice (the episode's id is decided, and kept, before the event is sent).
//
// An offer that touches money (a discount: OfferApproval, I2) does not fire when the episode
// ends: the pipeline asks a person on the customer's ticket (an internal note and the tag
// offer-approval-needed) and keeps the offer waiting, durably, until the ticket carries
// offer-approved (the offer fires as it is) or offer-declined (it fires without the discount).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "context.h"
#include "pipeline/inbox.h"
#include "pipeline/seams.h"
#include "pipeline/webhook_intake.h"
#include "sim/task.h"
#include "triage.h"

namespace rh::pipeline::stages {

class Issues final : public Suppressor {
 public:
  // `ctx` and `memory` must outlive this; its suppressor is normally this very object. Every
  // change to a customer's issues, suppression, episodes and settle timers is kept in `memory`
  // (scope "customer", one JSON value per e-mail), so a restarted pipeline knows them.
  Issues(const Context& ctx, const RecoveryFirer& recovery, const OfferApproval& offers, DurableMemory& memory)
      : ctx_(ctx), recovery_(recovery), offers_(offers), memory_(memory) {}

  // Reads back what a previous pipeline kept and restarts its settle timers (each at its due
  // time, or now when that has passed); how many timers.
  std::size_t Restore();
  // Settle timers running.
  std::size_t SettlesPending() const;
  // Recovery offers waiting for a person's approval.
  std::size_t ApprovalsPending() const;

  sim::Task<void> Open(LiveIssue issue) override;
  sim::Task<void> Resolve(std::string issue_id, std::string why) override;
  sim::Task<void> OpenResolved(LiveIssue issue, std::string why) override;
  std::vector<std::string> LiveTriggers(const std::string& email, const std::string& except_id) const override;
  bool IsLive(const std::string& issue_id) const override;
  void Triaging(const std::string& email, int delta) override;
  sim::Task<void> TicketTagged(std::uint64_t ticket_id, std::vector<std::string> tags) override;

  // How long the last resolved issue of a customer waits before their suppression ends and the
  // recovery fires: the time a new problem needs to reach the pipeline (late webhooks, triage).
  static constexpr sim::Duration kRecoverySettle = std::chrono::minutes(15);

 private:
  struct Entry {
    LiveIssue issue;
    bool resolved = false;
    // Its suppression call is under way: not kept yet, so a crash now leaves the issue unknown
    // and its event, resumed, opens it again (suppressing is idempotent at Klaviyo).
    bool opening = false;
  };
  // A recovery waiting out kRecoverySettle: durable, so a restart neither loses nor repeats it.
  struct Settle {
    LiveIssue issue;
    std::string why;
    int opened = 0;            // the customer's issues opened when it started
    sim::WallTime due{};       // when it ends (calendar time: it must survive a restart)
    std::string episode;       // set once the episode is decided to end: the recovery's unique id
    bool unsuppress = false;   // with `episode`: the pipeline had suppressed the customer
  };
  // A recovery whose offer waits for a person's decision on `ticket_id` (durable, by episode).
  struct Awaiting {
    LiveIssue issue;
    std::string why;
    bool unsuppressed = false;
    std::uint64_t ticket_id = 0;
    bool asked = false;  // the note and tag are on the ticket; a restart asks again until then
    // Decision tags the ticket carried when asked: an earlier offer's answer, not this one's.
    std::vector<std::string> stale_tags;
    bool deciding = false;  // not kept: its event is being sent
  };
  // After the settle period, with nothing live or in triage for the customer: the episode ends.
  // `key` names the Settle; `wait` is what is left of its period.
  sim::Task<void> EndEpisodeAfterSettle(std::string key, sim::Duration wait);
  void StartSettle(const std::string& key, sim::Duration wait);
  sim::Task<bool> FireRecovery(const LiveIssue& issue, const std::string& episode, std::string why, bool unsuppressed,
                               const RecoveryOffer& offer, std::string rule);
  // The episode's offer needs a person: waits for one on the customer's ticket (or, with no
  // ticket to ask on, fires without the discount). `settle_key` names the Settle it replaces.
  sim::Task<void> AwaitApproval(std::string settle_key, Settle settle, RecoveryOffer offer);
  // Posts the note and the tag asking for approval of `episode`'s offer (idempotent).
  sim::Task<void> AskApproval(std::string episode);
  // Runs `task` outside any queue; an exception is traced as an error of `step`.
  void Spawn(sim::Task<void> task, std::string step);
  // Writes the customer's state to the durable memory (the caller holds mu_).
  void Keep(const std::string& email);

  const Context& ctx_;
  const RecoveryFirer& recovery_;
  const OfferApproval& offers_;
  DurableMemory& memory_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> issues_;       // guarded by mu_; by issue id
  std::map<std::string, std::set<std::string>> issues_of_;     // guarded by mu_; email -> every issue id
  std::map<std::string, std::set<std::string>> live_issues_;   // guarded by mu_; email -> live issue ids
  std::set<std::string> suppressed_;                           // guarded by mu_; emails the pipeline suppressed (or is suppressing)
  std::set<std::string> confirmed_;                            // guarded by mu_; ... and Klaviyo confirmed it
  std::map<std::string, int> episodes_;                        // guarded by mu_; email -> episodes ended
  std::map<std::string, int> in_triage_;                       // guarded by mu_; email -> messages in triage
  std::map<std::string, int> opened_;                          // guarded by mu_; email -> issues ever opened
  std::map<std::string, Settle> settles_;                      // guarded by mu_; "<email>#<opened>" -> timer
  std::map<std::string, Awaiting> awaiting_;                   // guarded by mu_; episode -> offer waiting for a person
  std::map<std::string, std::uint64_t> last_ticket_;           // guarded by mu_; email -> ticket of its latest issue
};

// The issue a confirmed case opens: when the decision names suppression triggers for a customer.
std::optional<LiveIssue> IssueOfTheCase(const Triage& triage, const Decision& decision);

// A ticket changed (Gorgias): a decision tag answers an offer waiting on it; closed ends its issue.
sim::Task<void> OnTicketUpdate(const Context& ctx, GorgiasEvent event);

// A fulfillment changed (Shopify webhook): delivered ends the order's delivery issue; a delivery
// exception opens one, when the policy counts it as a suppression trigger.
sim::Task<void> OnFulfillmentUpdate(const Context& ctx, ShopifyEvent event);

}  // namespace rh::pipeline::stages
