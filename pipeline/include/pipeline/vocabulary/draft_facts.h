// What a draft reply may state: the identifiers, carriers and dates of the customer's own order. A vocabulary type
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
  // Carriers the order ships with (Shopify's tracking_company, e.g. "UPS"): a draft naming
  // another known carrier states a wrong fact.
  std::vector<std::string> carriers;
  // Calendar dates ("2026-11-20") the draft may state: when the order was placed, shipped,
  // scanned, delivered, refunded or cancelled, and the last day of its return window.
  std::vector<std::string> dates;
};

}  // namespace rh::pipeline
