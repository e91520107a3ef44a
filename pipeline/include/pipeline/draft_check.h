// The last check before anything can be sent: a draft may state only facts of the customer's own
// order (tracking numbers, order names, amounts) and may never promise money. The LLM can
// hallucinate a tracking number or an unauthorised refund; this catches both, and a draft that
// fails goes to a person (I2, I9). Pure and deterministic.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/vocabulary/draft_facts.h"

namespace rh::pipeline {

struct DraftProblem {
  std::string kind;    // "unknown_tracking", "unknown_order", "unknown_amount", "money_promise", "empty"
  std::string detail;  // the offending text
};

std::vector<DraftProblem> CheckDraft(std::string_view draft, const DraftFacts& facts);

// "unknown_tracking: 1Z...; money_promise: ..." (empty when no problems).
std::string DescribeProblems(const std::vector<DraftProblem>& problems);

}  // namespace rh::pipeline
