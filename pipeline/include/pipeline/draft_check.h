// The last check before anything can be sent: a draft may state only facts of the customer's own
// order (tracking numbers, order names, amounts, the carrier, dates) and may never promise money.
// The LLM can hallucinate a tracking number, a carrier or an unauthorised refund; this catches
// them, and a draft that fails goes to a person (I2, I9). Pure and deterministic.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/vocabulary/draft_facts.h"

namespace rh::pipeline {

struct DraftProblem {
  // "unknown_tracking", "unknown_order", "unknown_amount", "unknown_carrier", "unknown_date",
  // "money_promise", "empty"
  std::string kind;
  std::string detail;  // the offending text
};

std::vector<DraftProblem> CheckDraft(std::string_view draft, const DraftFacts& facts);

// The carriers a draft can be checked against ("UPS", "USPS", "FedEx", "DHL", ...), as written.
const std::vector<std::string>& KnownCarriers();

// "unknown_tracking: 1Z...; money_promise: ..." (empty when no problems).
std::string DescribeProblems(const std::vector<DraftProblem>& problems);

}  // namespace rh::pipeline
