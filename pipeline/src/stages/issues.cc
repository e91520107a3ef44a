#include "issues.h"

#include <algorithm>

#include "../core/text.h"
#include "facts.h"

// The real collaborator at this stage's seam (seams.h).
namespace rh::pipeline {

sim::Task<clients::CallResult<bool>> RecoveryFirer::Fire(clients::KlaviyoClient& klaviyo,
                                                         clients::KlaviyoEvent event) const {
  auto call = klaviyo.CreateEvent(std::move(event));
  co_return co_await std::move(call);
}

}  // namespace rh::pipeline

namespace rh::pipeline::stages {

// Every awaited call is first a named Task, then `co_await std::move(task)` (docs/ARCHITECTURE.md).

void Issues::Unclaim(const std::string& email) {
  std::lock_guard lock(mu_);
  suppressed_.erase(email);
}

sim::Task<void> Issues::Open(LiveIssue issue) {
  const std::string original_email = issue.email;
  issue.email = text::Lower(issue.email);
  const std::string& key = issue.email;
  bool suppress = false;
  {
    std::lock_guard lock(mu_);
    auto& slot = issues_[issue.id];
    if (slot && !slot->resolved) co_return;  // already live
    slot = std::make_shared<Entry>(Entry{issue, false});
    live_issues_[key].insert(issue.id);
    suppress = !suppressed_.contains(key);
    if (suppress) suppressed_.insert(key);  // claimed now, so a concurrent issue does not repeat it
  }
  std::string joined;
  for (const auto& t : issue.triggers) joined += (joined.empty() ? "" : ", ") + t;
  if (!suppress) {
    ctx_.Record("suppress.kept", {{"issue", issue.id}, {"email", key}});
    co_return;
  }
  std::vector<std::string> emails = {original_email};
  auto done_call = ctx_.clients.klaviyo.SuppressProfiles(std::move(emails));
  auto done = co_await std::move(done_call);
  if (!done) {
    Unclaim(key);
    ctx_.Log({.ticket_id = issue.ticket_id, .kind = std::string(decision_kind::kError), .rule = "suppress.failed",
              .rationale = "Klaviyo suppression failed: " + done.error().detail, .sender = std::string(kSenderPipeline),
              .value_bucket = issue.value_bucket, .outcome = std::string(decision_outcome::kFailed)});
    ctx_.Record("error", {{"issue", issue.id}, {"step", "suppress"}, {"error", done.error().detail}});
    co_return;
  }
  ctx_.counters.Add(&PipelineStats::suppressions);
  ctx_.Record("suppress", {{"issue", issue.id}, {"email", key}, {"triggers", joined}});
  ctx_.Log({.ticket_id = issue.ticket_id, .kind = std::string(decision_kind::kSuppress),
            .rule = "suppress." + issue.triggers.front(),
            .rationale = "live issue (" + joined + "): promotions and review requests paused",
            .sender = std::string(kSenderPipeline), .value_bucket = issue.value_bucket,
            .outcome = std::string(decision_outcome::kSuppressed),
            .details = nlohmann::json{{"issue", issue.id}, {"email", key}}.dump()});
}

sim::Task<void> Issues::Resolve(std::string issue_id, std::string why) {
  LiveIssue issue;
  bool unsuppress = false;
  {
    std::lock_guard lock(mu_);
    auto it = issues_.find(issue_id);
    if (it == issues_.end() || it->second->resolved) co_return;  // unknown, or already recovered
    it->second->resolved = true;
    issue = it->second->issue;
    auto& live = live_issues_[issue.email];
    live.erase(issue_id);
    unsuppress = live.empty() && suppressed_.contains(issue.email);
    if (unsuppress) suppressed_.erase(issue.email);
  }
  if (unsuppress) {
    std::vector<std::string> emails = {issue.email};
    auto done_call = ctx_.clients.klaviyo.UnsuppressProfiles(std::move(emails));
    auto done = co_await std::move(done_call);
    if (!done) ctx_.Record("error", {{"issue", issue_id}, {"step", "unsuppress"}, {"error", done.error().detail}});
  }
  auto fire_call = FireRecovery(issue, std::move(why), unsuppress);
  co_await std::move(fire_call);
}

// The recovery event the policy offers the customer's value bucket, its trace and its row.
sim::Task<bool> Issues::FireRecovery(const LiveIssue& issue, std::string why, bool unsuppressed) {
  const RecoveryOffer offer = OfferFor(ctx_.policy, issue.value_bucket);
  nlohmann::json properties = {{"issue_id", issue.id},
                               {"ticket_id", issue.ticket_id},
                               {"value_bucket", issue.value_bucket},
                               {"apology", offer.apology},
                               {"feedback_request", offer.feedback_request}};
  if (offer.discount) {
    properties["discount_kind"] = offer.discount->kind == Discount::Kind::kPercent ? "percent" : "amount";
    properties["discount_value"] = offer.discount->value;
  }
  // unique_id = the issue: Klaviyo drops a second event with it, so even a retried call fires once.
  auto fired_call = recovery_.Fire(ctx_.clients.klaviyo, {.metric = ctx_.policy.recovery.metric, .email = issue.email,
                                                         .properties = properties, .unique_id = issue.id});
  auto fired_result = co_await std::move(fired_call);
  const std::string fire_error = fired_result ? "" : fired_result.error().detail;
  const bool fired = fire_error.empty();
  ctx_.counters.Add(&PipelineStats::recoveries);
  ctx_.Record("recover", {{"issue", issue.id}, {"email", issue.email}, {"why", why}, {"unsuppressed", unsuppressed},
                          {"event_sent", fired}});
  ctx_.Log({.ticket_id = issue.ticket_id, .kind = std::string(decision_kind::kRecover),
            .rule = "recover." + issue.value_bucket,
            .rationale = why + "; " + (unsuppressed ? "suppression ended" : "other issues keep the customer suppressed") +
                         "; recovery event " + (fired ? "fired" : "failed: " + fire_error),
            .sender = std::string(kSenderPipeline), .value_bucket = issue.value_bucket,
            .outcome = std::string(fired ? decision_outcome::kRecovered : decision_outcome::kFailed),
            .resolved_at = ctx_.WallNow(), .details = properties.dump()});
  co_return fired;
}

std::optional<LiveIssue> IssueOfTheCase(const Triage& triage, const Decision& decision) {
  if (decision.suppression_triggers.empty() || triage.email.empty()) return std::nullopt;
  return LiveIssue{.id = "ticket-" + std::to_string(triage.ticket_id), .email = triage.email,
                   .ticket_id = triage.ticket_id, .triggers = decision.suppression_triggers,
                   .value_bucket = decision.value_bucket};
}

namespace {

// The order may not be readable yet (webhooks arrive in any order): retry, never drop.
sim::Task<std::optional<clients::ShopifyOrder>> ReadOrderPatiently(const Context& ctx, std::uint64_t order_id) {
  for (int attempt = 0; attempt < 6; ++attempt) {
    auto got_call = ctx.clients.shopify.GetOrder(order_id);
    auto got = co_await std::move(got_call);
    if (got) co_return std::move(*got);
    ctx.Record("order.unknown", {{"order", order_id}, {"attempt", attempt}, {"error", got.error().detail}});
    co_await sim::SleepFor(ctx.executor, sim::Sec(30) * (1 << attempt));
  }
  co_return std::nullopt;
}

}  // namespace

sim::Task<void> OnTicketUpdate(const Context& ctx, GorgiasEvent event) {
  if (Str(event.ticket, "status") != "closed") co_return;
  auto resolve_call = ctx.suppressor.Resolve("ticket-" + std::to_string(event.ticket_id), "the ticket was closed");
  co_await std::move(resolve_call);
}

sim::Task<void> OnFulfillmentUpdate(const Context& ctx, ShopifyEvent event) {
  const std::string status = Str(event.payload, "shipment_status");
  const std::uint64_t order_id = Id(event.payload, "order_id");
  const auto& exceptions = ctx.policy.tracking.exception_statuses;
  const bool exception = std::find(exceptions.begin(), exceptions.end(), status) != exceptions.end();
  const std::string issue_id = "order-" + std::to_string(order_id) + "-delivery";
  if (status == "delivered") {
    auto resolve_call = ctx.suppressor.Resolve(issue_id, "the carrier delivered the order");
    co_await std::move(resolve_call);
    co_return;
  }
  if (!exception || order_id == 0) co_return;
  auto read_call = ReadOrderPatiently(ctx, order_id);
  const std::optional<clients::ShopifyOrder> order = co_await std::move(read_call);
  if (!order || order->email.empty()) {
    ctx.Record("error", {{"order", order_id}, {"step", "fulfillment_update"}, {"error", "order not readable"}});
    co_return;
  }
  auto lookup_call = ctx.clients.shopify.LookupByEmail(order->email);
  auto lookup = co_await std::move(lookup_call);
  const std::string bucket =
      lookup && lookup->customer ? ValueBucket(ctx.policy, ToCustomerFacts(*lookup)) : std::string(kBucketNew);
  const auto& triggers = ctx.policy.suppression.triggers;
  if (std::find(triggers.begin(), triggers.end(), Issue::kDeliveryException) == triggers.end()) co_return;
  auto open_call = ctx.suppressor.Open({.id = issue_id, .email = order->email, .ticket_id = 0,
                                        .triggers = {std::string(IssueName(Issue::kDeliveryException))},
                                        .value_bucket = bucket});
  co_await std::move(open_call);
}

}  // namespace rh::pipeline::stages
