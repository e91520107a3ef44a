// Suppress and recover (DESIGN.md steps 4 and 5), the real Suppressor (seams.h): while an issue is
// live the customer's Klaviyo profile is suppressed (at most once per customer, however many
// issues); when the last live issue ends, and nothing new arrives within a settle period, the
// profile is unsuppressed and the recovery event fires once for the episode (a seam:
// RecoveryFirer; its unique_id names the episode, so Klaviyo deduplicates a retry too). Also the two events that open and end issues outside a ticket's
// workflow: a fulfillment's delivery exception, and its delivery.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "context.h"
#include "pipeline/seams.h"
#include "pipeline/webhook_intake.h"
#include "sim/task.h"
#include "triage.h"

namespace rh::pipeline::stages {

class Issues final : public Suppressor {
 public:
  // `ctx` must outlive this; its suppressor is normally this very object.
  Issues(const Context& ctx, const RecoveryFirer& recovery) : ctx_(ctx), recovery_(recovery) {}

  sim::Task<void> Open(LiveIssue issue) override;
  sim::Task<void> Resolve(std::string issue_id, std::string why) override;
  sim::Task<void> OpenResolved(LiveIssue issue, std::string why) override;
  std::vector<std::string> LiveTriggers(const std::string& email, const std::string& except_id) const override;
  void Triaging(const std::string& email, int delta) override;

  // How long the last resolved issue of a customer waits before their suppression ends and the
  // recovery fires: the time a new problem needs to reach the pipeline (late webhooks, triage).
  static constexpr sim::Duration kRecoverySettle = std::chrono::minutes(15);

 private:
  struct Entry {
    LiveIssue issue;
    bool resolved = false;
  };
  // Lets go of the claim on a customer's suppression (the Klaviyo call failed).
  void Unclaim(const std::string& email);
  // After kRecoverySettle, with nothing live or in triage for the customer: the episode ends.
  sim::Task<void> EndEpisodeAfterSettle(LiveIssue issue, std::string why, int opened);
  sim::Task<bool> FireRecovery(const LiveIssue& issue, const std::string& episode, std::string why, bool unsuppressed);

  const Context& ctx_;
  const RecoveryFirer& recovery_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> issues_;       // guarded by mu_; by issue id
  std::map<std::string, std::set<std::string>> live_issues_;   // guarded by mu_; email -> live issue ids
  std::set<std::string> suppressed_;                           // guarded by mu_; emails the pipeline suppressed
  std::map<std::string, int> episodes_;                        // guarded by mu_; email -> episodes ended
  std::map<std::string, int> in_triage_;                       // guarded by mu_; email -> messages in triage
  std::map<std::string, int> opened_;                          // guarded by mu_; email -> issues ever opened
};

// The issue a confirmed case opens: when the decision names suppression triggers for a customer.
std::optional<LiveIssue> IssueOfTheCase(const Triage& triage, const Decision& decision);

// A ticket changed (Gorgias): closed ends its issue.
sim::Task<void> OnTicketUpdate(const Context& ctx, GorgiasEvent event);

// A fulfillment changed (Shopify webhook): delivered ends the order's delivery issue; a delivery
// exception opens one, when the policy counts it as a suppression trigger.
sim::Task<void> OnFulfillmentUpdate(const Context& ctx, ShopifyEvent event);

}  // namespace rh::pipeline::stages
