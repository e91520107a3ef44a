// An independent model of the written policy (docs/POLICY.md), for the differential oracle I12
// and the safe-zone checks of I2 and I3. It is written from the document, not from the
// pipeline's `Decide`, and never calls it: where the two disagree on a ticket, one of them is
// wrong, and the violation shows both rationales. It reads the policy's data (windows, lines,
// lists) and the store's time zone, nothing else of the pipeline.
//
// What the model knows that the pipeline can only guess: the live issues of the customer on all
// of their orders and tickets (ground truth rebuilt from the mocks), not only the ticket's order.
// Pure and deterministic.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pipeline/policy.h"

namespace rh::harness::oracles {

// One ticket as the written policy sees it.
struct PolicyCase {
  pipeline::Intent intent = pipeline::Intent::kOther;
  double confidence = 0;
  sim::WallTime now{};
  std::optional<pipeline::CustomerFacts> customer;
  std::optional<pipeline::OrderFacts> order;  // the order the ticket is about
  std::optional<std::string> exchange_sku;    // the item an exchange asks for
  bool has_evidence = false;                  // photos attached
  // The customer complains (their true intent is a damage or non-receipt claim), whatever the
  // pipeline's reading: a live issue of the case ("complaint").
  bool complaint = false;
  // What is wrong with the text that was sent, when it was (facts of no order of theirs, a money
  // promise): "draft.rejected" by the written policy's rule 3. "" : nothing, or not judged.
  std::string draft_problem;
  // Live issues of the customer elsewhere: on their other orders and their other open tickets.
  std::vector<pipeline::Issue> elsewhere;
};

struct PolicyRoute {
  bool automatic = false;
  std::string rule;  // the written rule that decided, e.g. "wismo.healthy_tracking"
  std::string why;   // one sentence
};

// The route the written policy gives the case: the first rule of "The decision" that applies.
PolicyRoute WrittenPolicyRoute(const pipeline::Policy& policy, const PolicyCase& c);

// The live issues of one order (the suppression table of docs/POLICY.md), without the VIP line.
std::vector<pipeline::Issue> OrderIssues(const pipeline::Policy& policy, const pipeline::OrderFacts& order,
                                         sim::WallTime now);

// The last local day (store's zone) inside the return window counted from `anchor`.
std::chrono::year_month_day LastDayOfReturnWindow(const pipeline::Policy& policy, sim::WallTime anchor);

// Whether the customer is a VIP by the policy's lines.
bool WrittenVip(const pipeline::Policy& policy, const pipeline::CustomerFacts& customer);

}  // namespace rh::harness::oracles
