// The pipeline's collaborators at its seams: the points where the workflow asks something else to
// decide or to act (confirm a route, check a draft, send a reply, keep the decision log, suppress
// and recover marketing, fire a recovery event). Production uses the real ones (each a class here
// or the pipeline's own, see PipelineSeams); the harness injects deliberately broken ones to show
// that each oracle catches the breakage (STYLE.md: tests change behaviour through seams, never
// through flags in the production path). Nothing here knows of tests or variants.
//
// Deterministic: the real collaborators read no clock and draw no randomness of their own.
// Thread safety: the stateless ones (const methods) may be shared by pipelines on many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/clients/gorgias_client.h"
#include "pipeline/clients/klaviyo_client.h"
#include "pipeline/decision_log.h"
#include "pipeline/policy.h"
#include "pipeline/vocabulary/draft_facts.h"
#include "sim/task.h"

namespace rh::pipeline {

// Confirm (DESIGN.md step 3): what the policy decides for a case, and whether a draft goes out
// without a person.
class ConfirmPolicy {
 public:
  virtual ~ConfirmPolicy() = default;
  // Decide(policy, facts), then the money guard (GuardMoney): a message that speaks of money
  // goes to a person whatever its intent was read as (I2).
  virtual Decision Route(const Policy& policy, const CaseFacts& facts, std::string_view customer_text) const;
  // True when the reply goes out automatically: the route says so and there is a draft that
  // passed its fact check (`draft_problem` empty).
  virtual bool SendsAutomatically(const Decision& decision, const std::string& draft,
                                  const std::string& draft_problem) const;
};

// Defence in depth against a confidently wrong classifier: an automatic route becomes a person's
// when the customer's text speaks of money or damage (triage_rules.h's MoneyCue), or claims a
// delivered order never came (NonReceiptClaim).
Decision GuardMoney(const Policy& policy, Decision decision, const CaseFacts& facts, std::string_view customer_text);

// Draft (DESIGN.md step 2): the last check before a draft may be sent (I2, I9).
class FactChecker {
 public:
  virtual ~FactChecker() = default;
  // What is wrong with `draft` given the facts it may state ("unknown_tracking: 1Z..."); empty
  // when it may be sent. The real one is CheckDraft (draft_check.h).
  virtual std::string Problems(std::string_view draft, const DraftFacts& allowed) const;
};

// Confirm: posts an automatic reply to the customer (I7, I10).
class ReplySender {
 public:
  virtual ~ReplySender() = default;
  // The real one posts `reply` once, on the route the ticket's channel requires.
  virtual sim::Task<clients::CallResult<clients::GorgiasMessage>> Send(clients::GorgiasClient& gorgias,
                                                                       clients::GorgiasTicket ticket,
                                                                       clients::GorgiasReply reply) const;
};

// The tags of an offer's approval on the customer's ticket: the pipeline asks with the first; a
// person answers with one of the other two.
inline constexpr std::string_view kOfferApprovalNeededTag = "offer-approval-needed";
inline constexpr std::string_view kOfferApprovedTag = "offer-approved";
inline constexpr std::string_view kOfferDeclinedTag = "offer-declined";

// Recover (DESIGN.md step 5): fires the recovery event for a resolved issue (I5).
class RecoveryFirer {
 public:
  virtual ~RecoveryFirer() = default;
  // The real one creates the Klaviyo event (its unique_id makes a retry fire once).
  virtual sim::Task<clients::CallResult<bool>> Fire(clients::KlaviyoClient& klaviyo, clients::KlaviyoEvent event) const;
};

// Recover: whether a recovery offer must wait for a person's approval before it reaches the
// customer (I2: a discount is money).
class OfferApproval {
 public:
  virtual ~OfferApproval() = default;
  // The real one: when the offer touches money (OfferTouchesMoney).
  virtual bool NeedsPerson(const RecoveryOffer& offer) const;
};

// An issue that keeps a customer suppressed: a ticket's case the policy named suppression
// triggers for, or an order's delivery exception.
struct LiveIssue {
  std::string id;             // "ticket-<id>", "order-<id>-delivery"
  std::string email;          // the customer
  std::uint64_t ticket_id = 0;  // 0 for an order's issue
  std::vector<std::string> triggers;
  std::string value_bucket;
};

// Suppress and recover (DESIGN.md steps 4 and 5): while an issue is live the customer gets no
// promotions or review requests (I1); when it is resolved, suppression ends with the last live
// issue and recovery fires once per episode of overlapping issues (I5). The real one is the pipeline's own (issues stage).
class Suppressor {
 public:
  virtual ~Suppressor() = default;
  // An issue went live (a second Open of a live issue changes nothing).
  virtual sim::Task<void> Open(LiveIssue issue) = 0;
  // The issue ended for `why` (an unknown or resolved issue changes nothing).
  virtual sim::Task<void> Resolve(std::string issue_id, std::string why) = 0;
  // An issue that began and ended before the pipeline heard of it (a delay read after the
  // delivery that ended it): opened and resolved, unless it was known already.
  virtual sim::Task<void> OpenResolved(LiveIssue issue, std::string why);
  // A ticket changed and now carries `tags`: a person's decision on a recovery offer waiting for
  // approval on it (kOfferApprovedTag, kOfferDeclinedTag) sends it. Otherwise nothing changes.
  virtual sim::Task<void> TicketTagged(std::uint64_t ticket_id, std::vector<std::string> tags);
  // The triggers of the customer's live issues other than `except_id` (a VIP's issues elsewhere).
  virtual std::vector<std::string> LiveTriggers(const std::string& email, const std::string& except_id) const;
  // Whether `issue_id` is live (opened and not resolved), so a routine scan costs no order read.
  virtual bool IsLive(const std::string& issue_id) const;
  // A message of the customer enters (+1) or leaves (-1) triage: no recovery fires meanwhile.
  virtual void Triaging(const std::string& email, int delta);
};

// Decision log (DESIGN.md step 6): every decision is a row (I4). The real one is the pipeline's
// own: the DecisionLog it was given, each row also traced ("decision").
class DecisionRecorder {
 public:
  virtual ~DecisionRecorder() = default;
  // Appends `row` (decided_at stamped now when unset); its id, or 0 when it was not kept.
  virtual std::int64_t Append(DecisionRow row) = 0;
  // Records what became of row `id`.
  virtual void SetOutcome(std::int64_t id, std::string_view outcome, const OutcomeTimes& times) = 0;
};

// The collaborators a Pipeline is built with. Null means the real one, which the Pipeline
// constructs; a given one must outlive nothing (shared ownership) and be safe to share when
// pipelines on several threads share it.
struct PipelineSeams {
  std::shared_ptr<const ConfirmPolicy> confirm;
  std::shared_ptr<const FactChecker> fact_check;
  std::shared_ptr<const ReplySender> replies;
  std::shared_ptr<const RecoveryFirer> recovery;
  std::shared_ptr<const OfferApproval> offers;
  std::shared_ptr<Suppressor> suppressor;
  std::shared_ptr<DecisionRecorder> decisions;
};

}  // namespace rh::pipeline
