// What a draft reply may state: the identifiers of the customer's own order. A vocabulary type
// shared by the Shopify order's facts (clients/order_facts.h builds it) and the draft's fact check
// (draft_check.h reads it), so neither includes the other; it must include nothing of the pipeline.
#pragma once

#include <string>
#include <vector>

namespace rh::pipeline {

struct DraftFacts {
  // Identifiers the draft may mention: the order's name ("#1001"), tracking numbers, and any
  // amount that appears in the order ("54.99").
  std::vector<std::string> identifiers;
};

}  // namespace rh::pipeline
