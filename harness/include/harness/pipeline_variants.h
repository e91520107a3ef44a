// The deliberately broken pipelines of the negative tests, as collaborators injected at the
// pipeline's seams (pipeline/seams.h, the intake's SignatureVerifier, the clients' Pacing): the
// production path has no branch for any of them. One per scenario::PipelineVariant, so a scenario
// (or the fuzzer) runs a named variant, and a few more the oracle tests use. Each breaks exactly
// the invariant its name says, so an oracle must catch it. Deterministic and stateless.
#pragma once

#include "harness/reference_pipeline.h"
#include "harness/scenario.h"

namespace rh::harness {

// The collaborators of `variant`; {} for kReference. Which seam each variant replaces:
//   kSkipsSignatureCheck  the intake's SignatureVerifier: trusts any signature        (I6)
//   kAutoSendsEverything  ConfirmPolicy: sends every draft, whatever the route        (I2, I3)
//   kIgnoresSuppression   Suppressor: never suppresses (so never recovers either)     (I1)
//   kNoDecisionLog        DecisionRecorder: keeps no row                              (I4)
//   kSkipsFactCheck       FactChecker: finds nothing wrong                            (I9)
//   kSkipsRecovery        RecoveryFirer: never fires the recovery event               (I5)
//   kRepliesTwice         ReplySender: posts every automatic reply twice              (I7)
//   kRepliesOnEmail       ReplySender: answers on email whatever the channel          (I10)
//   kIgnoresRateLimits    every client's Pacing: no pacing, Retry-After ignored       (I8)
//   kSendsOffersUnapproved OfferApproval: no offer waits for a person, discount or not (I2)
Breakage BreakageFor(scenario::PipelineVariant variant);

// Not a scenario variant: a ConfirmPolicy without the money guard, which trusts the classifier
// on a message that speaks of money (the I2 oracle's tests).
Breakage WithoutMoneyGuard();

}  // namespace rh::harness
