// Suppress and recover (DESIGN.md steps 4 and 5), the real Suppressor (seams.h): while an issue is
// live the customer's Klaviyo profile is suppressed (at most once per customer, however many
// issues); when the issue ends and no other is live the profile is unsuppressed, and the recovery
// event fires once per issue (a seam: RecoveryFirer; its unique_id is the issue's id, so Klaviyo
// deduplicates a retry too). Also the two events that open and end issues outside a ticket's
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

 private:
  struct Entry {
    LiveIssue issue;
    bool resolved = false;
  };
  // Lets go of the claim on a customer's suppression (the Klaviyo call failed).
  void Unclaim(const std::string& email);
  sim::Task<bool> FireRecovery(const LiveIssue& issue, std::string why, bool unsuppressed);

  const Context& ctx_;
  const RecoveryFirer& recovery_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> issues_;       // guarded by mu_; by issue id
  std::map<std::string, std::set<std::string>> live_issues_;   // guarded by mu_; email -> live issue ids
  std::set<std::string> suppressed_;                           // guarded by mu_; emails the pipeline suppressed
};

// The issue a confirmed case opens: when the decision names suppression triggers for a customer.
std::optional<LiveIssue> IssueOfTheCase(const Triage& triage, const Decision& decision);

// A ticket changed (Gorgias): closed ends its issue.
sim::Task<void> OnTicketUpdate(const Context& ctx, GorgiasEvent event);

// A fulfillment changed (Shopify webhook): delivered ends the order's delivery issue; a delivery
// exception opens one, when the policy counts it as a suppression trigger.
sim::Task<void> OnFulfillmentUpdate(const Context& ctx, ShopifyEvent event);

}  // namespace rh::pipeline::stages
