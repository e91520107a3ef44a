// The last check before anything can be sent: a draft may state only facts of the customer's own
// order (tracking numbers, order names, amounts, the carrier, dates) and may never promise money. The LLM can
// hallucinate a tracking number or an unauthorised refund; this catches both, and a draft that
// fails goes to a person (I2, I9). Pure and deterministic.
#pragma once

#include <string>
#include <string_view>
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
