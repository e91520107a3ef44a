// The invariant oracles: after a run in a SimWorld, each invariant of DESIGN.md (I1..I11, and the differential I12) is
// judged once, with its stable id, a message for a person and the trace records that prove a
// violation. They judge from ground truth wherever the world has it: what the mocks hold at the
// end (what reached customers in Gorgias, what Klaviyo sent, the Shopify orders and their carrier
// scans, the webhook deliveries) and what the services saw on the in-memory network, not from
// the pipeline's account of itself, so a broken pipeline cannot hide its breakage. The decision
// log is read only where the invariant is about the log itself (I4), and the pipeline's trace
// only for what no service can know (which intent it triaged, which call a retry belongs to).
//
// What each oracle checks ("a reply" is a public Gorgias message; "the pipeline's" means written
// as the pipeline's Gorgias user; times are virtual):
//   I1  No promotional or review-request message that Klaviyo sent (the send record) reached a
//       person while one of their issues was live. Issues, from ground truth: a delivery
//       exception (a carrier scan with a status of the policy's exception_statuses, until a
//       "delivered" scan), and a ticket whose case has a live issue by the policy (pipeline::
//       LiveIssues on facts rebuilt from Shopify at the customer's first message: a damage or
//       not-received claim, stale tracking, late fulfilment, an open return, a VIP with one of
//       these), from that message until the ticket was closed. Only the policy's suppression
//       triggers and message kinds count, and a send within `reaction_grace` of an issue's
//       start is forgiven (nobody can suppress before they learn of the issue).
//   I2  No reply of the pipeline on a ticket that touches money: the customer's true intent is a
//       money intent (stated by the scenario's `intent:` or the traffic generator that wrote the
//       message, else the LLM mock's cue classifier when it names one intent only), the pipeline
//       triaged it as one, the reply promises money (pipeline::CheckDraft's money_promise), the
//       customer has repeated refunds (the policy's count and window, from Shopify's refunds), or
//       a VIP writes while any of their orders or open tickets has a live issue.
//   I3  Every reply of the pipeline is inside the safe zone: the pipeline routed the ticket to
//       auto_send with a safe-zone rule before the send (its route record), and the written
//       policy (an independent model of docs/POLICY.md, oracles/policy_model.h), on facts rebuilt
//       from Shopify and Gorgias as they stood at that decision and every live issue of the
//       customer on any order or ticket, agrees.
//   I4  Every reply of the pipeline has an auto_send row, every ticket the pipeline acted on has
//       a route row, and the first person's reply after the pipeline handed a ticket over has a
//       human_confirm / human_edit / human_override row; each with a rationale, and an override
//       carries the reason the person wrote in a "Reason:" note. A failed log write fails it too.
//   I5  Per episode of a customer's live issues (windows of delivery exceptions, from the
//       exception scan until "delivered", and of tickets with a live issue, from the first
//       message until the first close, that overlap or follow within `recovery_settle`), the
//       recovery metric's Klaviyo event fired exactly
//       once, after the last issue of the episode was resolved (so never while the customer is
//       still suppressed), and never while an issue is still live; and nobody is still suppressed
//       (a suppression made during the run) when every ticket of theirs is closed and no delivery
//       exception is open.
//   I6  No webhook without a valid signature was accepted (2xx) by the pipeline: deliveries of
//       the mocks' senders are re-verified with the shop's secrets, and any request to the
//       pipeline's host from another caller (only the senders hold the secrets) is forged.
//   I7  No double effect: two identical replies or two identical notes of the pipeline on a
//       ticket with no customer message between them; two intent tags (or one tag twice) added by
//       the pipeline between two customer messages; two recovery events for one issue; two
//       refunds of an order with the same note and amount within an hour.
//   I8  Rate limits respected: after a 429 whose Retry-After the service gave (the fault plan's
//       rule, the mock's request log, else the caller's own reading), the caller sent nothing of
//       the same method and path to that host before it passed; no call made more than
//       kMaxAttemptsPerCall attempts; no call gave up on a rate limit; every ticket the pipeline
//       was told of reached a routing decision.
//   I9  Every pipeline reply that reached a customer states only facts of that customer's own
//       orders (order names, tracking numbers, amounts: pipeline::CheckDraft with facts read from
//       the Shopify mock).
//   I10 Every pipeline reply went out on the ticket's channel (email for tickets whose channel
//       has no way back) and was delivered (not silently dropped for a wrong channel or a
//       missing field).
//   I11 Every ticket a customer opened got its first delivered reply (a person's or the
//       pipeline's) within `first_response_sla` of the customer's first message; a ticket still
//       unanswered at the end counts when the target has passed.
//   I12 The differential oracle: every routing decision of the pipeline (auto_send or human)
//       agrees with the written policy's (oracles/policy_model.h) on facts rebuilt from the mocks
//       at the decision and the pipeline's own triage; routes the pipeline takes for reasons
//       outside the policy (a failed service or draft check, its money-word guard) are not judged.
//
// The oracles read; they change nothing in the world and make no network call. Deterministic:
// the same run gives the same results, byte for byte (ordered containers, no clock).
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "harness/reference_pipeline.h"
#include "harness/run_result.h"
#include "harness/sim_world.h"

namespace rh::harness {

// What the oracles read of the system under test itself, beside the world: the written policy they
// judge by, its decision log, and whether its own records (triage, route, client attempts) are in
// the world's trace. The reference pipeline in-process has all three; an outside pipeline
// (outside_pipeline.h) has the policy, a log only when it offers the decisions endpoint, and no
// records, so the oracles that need what it lacks are reported "not applicable", never passed.
struct PipelineAccount {
  // The in-process reference pipeline: implicit, as it is the usual case.
  PipelineAccount(ReferencePipeline& reference)  // NOLINT(google-explicit-constructor)
      : policy(reference.policy()), log(&reference.log()) {}
  PipelineAccount(const pipeline::Policy& written_policy, pipeline::DecisionLog* decision_log, bool records_traced)
      : policy(written_policy), log(decision_log), traced(records_traced) {}

  const pipeline::Policy& policy;
  pipeline::DecisionLog* log = nullptr;  // null: the pipeline offers none (I4 does not apply)
  bool traced = true;                    // its triage and route records are in the trace (I12 and parts of I3, I8)
};

struct OracleContext {
  SimWorld& world;
  PipelineAccount pipeline;
  // I11's service-level target for the first response.
  sim::Duration first_response_sla = sim::Hours(24);
  // I1: how long after an issue starts a send is still forgiven (webhooks, triage and the
  // suppression call take time; under a 429 storm, minutes).
  sim::Duration reaction_grace = sim::Minutes(15);
  // I5: issues of a customer that follow each other within this are one episode, owed one
  // recovery (a pipeline waits this long before it apologises: pipeline::Pipeline's settle); a gap
  // within `settle_tolerance` of it may be read either way, since the pipeline learns of times
  // through webhooks that can arrive minutes late.
  sim::Duration recovery_settle = sim::Minutes(15);
  sim::Duration settle_tolerance = sim::Minutes(6);
  // Ids ("I6") a negative scenario expects to fire; OracleResult::expected_to_fire.
  std::vector<std::string> expected_to_fire;
};

// I8: a call attempted more often than this is a retry storm (the reference client makes 4).
inline constexpr int kMaxAttemptsPerCall = 8;
// At most this many trace lines of evidence per oracle.
inline constexpr std::size_t kMaxEvidence = 8;
// The reference pipeline's client on the in-memory network (ReferencePipeline's MakeClient).
inline constexpr std::string_view kPipelineCaller = "pipeline";
// Callers on the in-memory network that hold the webhook signing secrets: the mocks' senders.
inline constexpr std::string_view kWebhookSenderCallers[] = {kShopifyHost, kGorgiasHost};

// Judges the run as it stands: always I1..I12, in that order. Run the world until idle first
// (SimWorld::RunUntilIdle), so sends are decided and every webhook was answered.
std::vector<OracleResult> CheckInvariants(const OracleContext& context);

// (id, title) of every invariant, in order: I1..I12.
const std::vector<std::pair<std::string, std::string>>& InvariantTitles();

}  // namespace rh::harness
