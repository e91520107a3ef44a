#include "pipeline/vocabulary/intent.h"

namespace rh::pipeline {
namespace {
constexpr std::array<std::string_view, kIntentCount> kNames = {
    "wismo",        "return",  "exchange",
    "cancel",       "address_change", "damaged_item",
    "delivered_not_received", "refund_status", "discount_request",
    "product_question", "other",
};
}  // namespace

std::string_view IntentName(Intent intent) { return kNames[static_cast<std::size_t>(intent)]; }

std::optional<Intent> ParseIntent(std::string_view label) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == label) return static_cast<Intent>(i);
  }
  return std::nullopt;
}

const std::array<Intent, kIntentCount>& AllIntents() {
  static const std::array<Intent, kIntentCount> all = [] {
    std::array<Intent, kIntentCount> a{};
    for (int i = 0; i < kIntentCount; ++i) a[static_cast<std::size_t>(i)] = static_cast<Intent>(i);
    return a;
  }();
  return all;
}

}  // namespace rh::pipeline
