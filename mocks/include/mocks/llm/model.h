// The pretend model behind the LLM mock: a keyword classifier of support intents, a parser of
// the order facts a prompt carries, a template drafter that states only those facts, and the
// token counter. Pure functions of their inputs (no clock, no randomness, no state): the mock
// adds the error model and the faults on top, with its own random streams.
//
// The recognised fact format (one fact per line, anywhere in the system prompt or the
// messages; keys are case-insensitive, a leading "- " or "* " is ignored):
//   Order: #1042                  (also "Order number", "Order name", "Order #")
//   Customer: Maria Diaz          (also "Customer name", "Name"; the first word greets)
//   Items: 1x Mug, 2x Spoon       (also "Item", "Products", "Line items")
//   Carrier: UPS
//   Tracking: 1Z999AA10123456784  (also "Tracking number", "Tracking #")
//   Tracking URL: https://...     (also "Tracking link")
//   Status: in transit            (also "Fulfillment status", "Shipment status")
//   Shipped: 2026-11-20           (also "Shipped on", "Ship date")
//   Delivered: 2026-11-23         (also "Delivered on", "Delivery date")
//   Estimated delivery: 2026-11-25 (also "ETA", "Expected delivery")
//   Last scan: Arrived at facility, Memphis TN  (also "Latest scan")
//   Return window: 30 days, until 2026-12-20    (also "Return by", "Return deadline")
//   Refund: $42.00 refunded on 2026-11-22       (also "Refund status")
// When a key line is absent, a fallback recognises common patterns in the whole prompt: an
// order name "#1234", a UPS ("1Z" + 16) or USPS (22 digits from 9) tracking number or
// "tracking number ABC123", a URL containing "track", a carrier name (UPS, USPS, FedEx, DHL,
// Canada Post, Royal Mail), and "shipped on <date>" / "delivered on <date>" with an ISO date.
//
// The customer's text (what is classified) is, in order of preference: the content of a
// <customer_message>...</customer_message> or <ticket>...</ticket> element; the text after a
// line starting "Customer message:", "Ticket:" or "Message:"; else the last user message with
// the recognised fact lines removed. The system prompt is never classified, so instructions
// that list the intents do not count as cues.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rh::mocks::llm {

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

// "wismo", "return", ..., "other": the labels the mock answers with.
std::string_view IntentName(Intent intent);
// The label, or a common alias ("where_is_my_order", "order_status", "damaged", ...).
std::optional<Intent> ParseIntent(std::string_view name);

// What the classifier saw in the customer's text. Deterministic.
struct IntentCues {
  Intent truth = Intent::kOther;    // the best-scoring intent (ties: enum order); kOther if none
  std::optional<Intent> runner_up;  // the second-best intent with any cue
  int intents_cued = 0;             // how many distinct intents had at least one cue
  std::vector<std::string> matched; // the cue phrases found, in intent then phrase order
  bool ambiguous() const { return intents_cued != 1; }
};

IntentCues ClassifyText(std::string_view customer_text);

// Facts found in a prompt. An empty string means "not in the prompt".
struct PromptFacts {
  std::string order;
  std::string customer_name;
  std::string items;
  std::string carrier;
  std::string tracking_number;
  std::string tracking_url;
  std::string status;
  std::string shipped_date;
  std::string delivered_date;
  std::string eta;
  std::string last_scan;
  std::string return_window;
  std::string refund;
};

// Key lines first, then the regex fallback for what is still missing.
PromptFacts ParseFacts(std::string_view prompt_text);

// The customer's text inside a prompt (see the header comment).
std::string ExtractCustomerText(std::string_view last_user_message);

// Draft faults the mock may ask the drafter to commit.
struct DraftFaults {
  std::string hallucinated_tracking;  // non-empty: state this invented tracking number
  std::string promise;                // non-empty: append this unauthorised promise of money
};

// A reply to the customer from templates, using only `facts` (and the faults asked for).
std::string DraftReply(Intent intent, const PromptFacts& facts, const DraftFaults& faults);

// The token counter (reference section 8). OpenAI: ceil(chars / 4) per text; a chat prompt is
// sum(ceil(len(content) / 4) + 3) + 3, plus ceil(len / 4) of the tools' and schema's JSON.
// Anthropic: ceil(chars / 3.5) per text, the same per-message overhead of 3, plus 3 for a
// system prompt. Characters are bytes of UTF-8 (a deliberate, deterministic simplification).
enum class Api { kOpenAi, kAnthropic };
std::int64_t CountTextTokens(Api api, std::string_view text);
// The longest prefix of `text` that counts at most `max_tokens`, cut at a UTF-8 boundary.
std::string TruncateToTokens(Api api, std::string_view text, std::int64_t max_tokens);

// Lower-case ASCII copy.
std::string ToLowerAscii(std::string_view s);

}  // namespace rh::mocks::llm
