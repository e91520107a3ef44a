#include "pipeline/triage_rules.h"

#include <array>
#include <set>

#include "text.h"

namespace rh::pipeline {
namespace {

struct Rule {
  Intent intent;
  std::string_view phrase;  // lower case
};

// Phrases precise enough to decide alone. Broad words ("order", "refund", "broken") are left to
// the LLM: they appear in too many intents.
constexpr std::array kRules = {
    Rule{Intent::kWismo, "where is my order"},
    Rule{Intent::kWismo, "where's my order"},
    Rule{Intent::kWismo, "where is my package"},
    Rule{Intent::kWismo, "where's my package"},
    Rule{Intent::kWismo, "has my order shipped"},
    Rule{Intent::kWismo, "when will my order arrive"},
    Rule{Intent::kWismo, "status of my order"},
    Rule{Intent::kCancel, "cancel my order"},
    Rule{Intent::kCancel, "cancel the order"},
    Rule{Intent::kCancel, "cancel this order"},
    Rule{Intent::kReturn, "return label"},
    Rule{Intent::kReturn, "i want to return"},
    Rule{Intent::kReturn, "i'd like to return"},
    Rule{Intent::kReturn, "i would like to return"},
    Rule{Intent::kReturn, "can i return"},
    Rule{Intent::kExchange, "exchange it for"},
    Rule{Intent::kExchange, "exchange for a"},
    Rule{Intent::kExchange, "swap it for"},
    Rule{Intent::kAddressChange, "change my address"},
    Rule{Intent::kAddressChange, "change the address"},
    Rule{Intent::kAddressChange, "change my shipping address"},
    Rule{Intent::kAddressChange, "update my shipping address"},
    Rule{Intent::kAddressChange, "wrong address"},
    Rule{Intent::kDamagedItem, "arrived damaged"},
    Rule{Intent::kDamagedItem, "arrived broken"},
    Rule{Intent::kDamagedItem, "came damaged"},
    Rule{Intent::kDeliveredNotReceived, "says delivered but"},
    Rule{Intent::kDeliveredNotReceived, "marked as delivered but"},
    Rule{Intent::kDeliveredNotReceived, "shows delivered but"},
    Rule{Intent::kRefundStatus, "where is my refund"},
    Rule{Intent::kRefundStatus, "where's my refund"},
    Rule{Intent::kRefundStatus, "status of my refund"},
    Rule{Intent::kDiscountRequest, "discount code"},
    Rule{Intent::kDiscountRequest, "promo code"},
    Rule{Intent::kDiscountRequest, "coupon code"},
};

}  // namespace

std::optional<RuleMatch> ClassifyByRules(std::string_view customer_text) {
  const std::string lower = text::Lower(customer_text);
  std::set<Intent> intents;
  RuleMatch match;
  for (const Rule& rule : kRules) {
    if (lower.find(rule.phrase) == std::string::npos) continue;
    intents.insert(rule.intent);
    match.intent = rule.intent;
    match.phrases.emplace_back(rule.phrase);
  }
  if (intents.size() != 1) return std::nullopt;
  return match;
}

std::optional<std::string> RequestedSku(std::string_view message, const std::optional<OrderFacts>& order) {
  std::size_t i = 0;
  while (i < message.size()) {
    std::size_t j = i;
    int dashes = 0;
    bool letter = false;
    while (j < message.size()) {
      const char c = message[j];
      if ((c >= 'A' && c <= 'Z') || text::IsDigit(c)) {
        letter = letter || (c >= 'A' && c <= 'Z');
      } else if (c == '-' && j > i && j + 1 < message.size() && message[j + 1] != '-') {
        ++dashes;
      } else {
        break;
      }
      ++j;
    }
    if (j > i && dashes > 0 && letter && message[j - 1] != '-') {
      const std::string sku(message.substr(i, j - i));
      bool ordered = false;
      if (order) {
        for (const auto& line : order->lines) ordered = ordered || line.sku == sku;
      }
      if (!ordered) return sku;
    }
    i = j + 1;
  }
  return std::nullopt;
}

std::optional<std::string> MoneyCue(std::string_view customer_text) {
  // Stems, matched anywhere in the lower-cased text: "refund" also catches "refunded".
  static constexpr std::string_view kCues[] = {
      "refund",    "money back", "reimburs", "chargeback", "charged", "overcharg", "compensat",
      "store credit", "damaged",   "broken",   "torn",       "defective", "faulty", "cracked",
      "ripped",    "missing item", "stolen"};
  const std::string lower = text::Lower(customer_text);
  for (const std::string_view cue : kCues) {
    if (lower.find(cue) != std::string::npos) return std::string(cue);
  }
  return std::nullopt;
}

}  // namespace rh::pipeline
