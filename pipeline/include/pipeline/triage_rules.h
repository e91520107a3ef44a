// Rules first: high-precision phrases that name an intent outright ("where is my order", "cancel
// my order"). A rule decides only when every phrase found points to one intent; anything
// ambiguous or unmatched goes to the LLM. Pure and deterministic.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/policy.h"
#include "pipeline/vocabulary/intent.h"

namespace rh::pipeline {

struct RuleMatch {
  Intent intent = Intent::kOther;
  std::vector<std::string> phrases;  // what matched, for the decision log's rationale
};

// The intent the rules give `customer_text`, or nullopt when none or several intents match.
std::optional<RuleMatch> ClassifyByRules(std::string_view customer_text);

// Confidence the pipeline records for a rule's decision: rules are written to be precise.
inline constexpr double kRuleConfidence = 0.99;

// The item an exchange asks for: the first SKU-like word ("HD-L-BLK": capitals and digits joined
// by dashes) in the message that is not already on the order (the policy's exchange_for).
std::optional<std::string> RequestedSku(std::string_view message, const std::optional<OrderFacts>& order);

// The first word or phrase of `customer_text` that speaks of money or damage ("refund", "money
// back", "charged", "torn", ...), or nullopt. Whatever the classifier says, such a message is never
// answered automatically (invariant I2): a guard against a confidently wrong LLM.
// Stems match at word starts, and the longer ones through one typo ("refnd", "dicsount").
// Damage claims (DamageCue) are money cues too.
std::optional<std::string> MoneyCue(std::string_view customer_text);

// The first word of damage or loss ("damaged", "cracked", "stolen", "roto", ...), through one typo
// for the longer ones: the customer complains, whatever the classifier read (a live issue, I1).
std::optional<std::string> DamageCue(std::string_view customer_text);

// A delivered-not-received claim (money, I2): a phrase that says the order did not come ("never
// received", "hasn't arrived", ...), about an order the carrier delivered or that the customer
// says was delivered. About an order still on its way, the same words are a WISMO: nullopt.
std::optional<std::string> NonReceiptClaim(std::string_view customer_text, bool order_delivered);

}  // namespace rh::pipeline
