#include "pipeline/triage_rules.h"

#include <array>
#include <set>
#include <span>
#include <string>
#include <vector>

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

namespace {

// A cue matches at the start of a word ("refund" in "refunded", not "torn" in "attorney"); one
// that starts with a sign ("% off") matches anywhere.
bool CueAt(const std::string& lower, std::string_view cue) {
  for (std::size_t at = lower.find(cue); at != std::string::npos; at = lower.find(cue, at + 1)) {
    if (!text::IsAlnum(cue.front()) || at == 0 || !text::IsAlnum(lower[at - 1])) return true;
  }
  return false;
}

// Optimal string alignment distance, capped: is `a` within one edit (insert, delete, substitute,
// swap two neighbours) of `b`?
bool WithinOneEdit(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  std::size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (i == a.size()) return true;  // equal, or one appended
  if (a.size() == b.size()) {
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // one substitution
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] && a.substr(i + 2) == b.substr(i + 2);
  }
  return a.substr(i) == b.substr(i + 1);  // one deleted from b
}

// Words of the text, lower case, letters only.
std::vector<std::string> LetterWords(const std::string& lower) {
  std::vector<std::string> out;
  std::string word;
  for (char c : lower) {
    if (c >= 'a' && c <= 'z') {
      word.push_back(c);
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

// The first cue of `cues` in the lower-cased text, at a word start; then, for the longer stems of
// `typo_tolerant`, through one typo ("refnd", "dicsount", "damged", "crakced").
std::optional<std::string> FindCue(const std::string& lower, std::span<const std::string_view> cues,
                                   std::span<const std::string_view> typo_tolerant) {
  for (const std::string_view cue : cues) {
    if (CueAt(lower, cue)) return std::string(cue);
  }
  for (const std::string& word : LetterWords(lower)) {
    for (const std::string_view cue : typo_tolerant) {
      // The word itself, or its stem as long as the cue ("refnded" -> "refnd").
      const std::string_view stem = std::string_view(word).substr(0, std::min(word.size(), cue.size()));
      if (WithinOneEdit(word, cue) || (word.size() > cue.size() && WithinOneEdit(stem, cue))) return std::string(cue);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> DamageCue(std::string_view customer_text) {
  // Damage and loss, in English and the common stems of other languages customers write in.
  static constexpr std::string_view kCues[] = {
      "damaged", "broken", "torn",   "defective", "faulty", "cracked", "shattered",  "ripped", "missing item",
      "stolen",  "roto",   "rota",   "dañad",     "kaputt", "beschädigt", "cassé",   "abîmé",  "endommag"};
  static constexpr std::string_view kTypoTolerant[] = {"damaged", "cracked", "defective", "shattered"};
  return FindCue(text::Lower(customer_text), kCues, kTypoTolerant);
}

std::optional<std::string> MoneyCue(std::string_view customer_text) {
  // Refunds, charges and compensation, and where money lands (an account, a card); discounts are
  // money too (I2): "15% off", a promo code, a price match. Customers write in their own language, so other languages' stems are here too.
  static constexpr std::string_view kCues[] = {
      "refund",      "money back",  "reimburs",    "chargeback", "charged",      "overcharg",   "compensat",
      "store credit", "discount",   "% off",       "percent off", "promo",       "coupon",      "voucher",
      "price match", "price adjust", "price drop", "gift card",  "cashback",     "cash back",   "rebate",
      "reembols",    "rembours",    "rückerstatt", "erstattung", "geld zurück", "descuento",   "rabatt",
      "réduction",   "remise",      "cupón",       "gutschein",  "in my account", "my bank",    "bank account",
      "my card",     "credit card", "paypal",      "paid twice", "double charge"};
  static constexpr std::string_view kTypoTolerant[] = {"refund", "discount", "coupon", "voucher"};
  if (auto cue = FindCue(text::Lower(customer_text), kCues, kTypoTolerant)) return cue;
  return DamageCue(customer_text);  // a damage claim is a claim on money
}

std::optional<std::string> NonReceiptClaim(std::string_view customer_text, bool order_delivered) {
  // Said of an order still on its way, these ask where it is (WISMO); said of a delivered one, or
  // with the customer's own word that it was delivered, they claim it never came: money (I2).
  static constexpr std::string_view kCues[] = {
      "never received", "never got",       "not received", "didn't receive", "did not receive", "haven't received",
      "have not received", "never arrived", "not arrived",  "hasn't arrived", "has not arrived", "didn't get",
      "did not get",    "not at my door",  "no recibí",    "nicht erhalten", "pas reçu",        "nunca llegó"};
  static constexpr std::string_view kDelivered[] = {"deliver", "entregad", "livré", "zugestellt", "geliefert"};
  const std::string lower = text::Lower(customer_text);
  bool delivered = order_delivered;
  for (const std::string_view word : kDelivered) delivered = delivered || CueAt(lower, word);
  if (!delivered) return std::nullopt;
  for (const std::string_view cue : kCues) {
    if (CueAt(lower, cue)) return std::string(cue);
  }
  return std::nullopt;
}

}  // namespace rh::pipeline
