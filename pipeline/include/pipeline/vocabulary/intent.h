// The support intents the pipeline triages into. The labels are the pipeline's own vocabulary
// (tags on the ticket, values in the decision log and the LLM's JSON schema). A vocabulary type:
// it sits below the clients and the workflow alike, so the LLM client can speak it without
// including the workflow; it must include nothing of the pipeline.
#pragma once
#include <array>
#include <optional>
#include <string_view>

namespace rh::pipeline {

enum class Intent {
  kWismo,
  kReturn,
  kExchange,
  kCancel,
  kAddressChange,
  kDamagedItem,
  kDeliveredNotReceived,
  kRefundStatus,
  kDiscountRequest,
  kProductQuestion,
  kOther,
};
inline constexpr int kIntentCount = 11;

// "wismo", "return", "exchange", "cancel", "address_change", "damaged_item",
// "delivered_not_received", "refund_status", "discount_request", "product_question", "other".
std::string_view IntentName(Intent intent);
std::optional<Intent> ParseIntent(std::string_view label);
// Every intent in enum order (for schemas, reports and generators).
const std::array<Intent, kIntentCount>& AllIntents();

}  // namespace rh::pipeline
