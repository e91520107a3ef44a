// One generated case of `rehearse fuzz`, in domain terms: a few customers, their orders placed at
// the edges of the policy (return window, cutoffs, tracking staleness, the VIP line, repeated
// refunds), what they write (from the phrase bank, with the true intent), what carriers and people
// do, and the faults. Every number that places something near a boundary is a signed distance from
// it, so RapidCheck's shrinking (towards zero, towards fewer elements) pulls a counterexample to
// the boundary and to the fewest customers, orders, steps and faults that still fail.
// `ToScenario` turns a case into the Scenario the runner plays and the writer writes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "harness/scenario.h"

namespace rh::harness::fuzz {

// Where an order stands when the run begins.
enum class OrderShape {
  kInTransit,    // shipped; its last scan is `edge` from the staleness threshold
  kDelivered,    // delivered; `edge` whole days from the end of the return window
  kUnfulfilled,  // not shipped; placed `edge` from one of the cutoffs (see `cutoff`)
  kException,    // shipped, and the carrier reports a delay as the run begins
};
inline constexpr int kOrderShapeCount = 4;

struct CaseOrder {
  int customer = 0;           // index into the case's customers
  OrderShape shape = OrderShape::kInTransit;
  int edge = 0;               // signed distance from the shape's boundary (minutes, or days when delivered)
  int cutoff = 0;             // unfulfilled: 0 fulfillment lock, 1 pick-and-pack cutoff, 2 ship_within
  int hour = 0;               // delivered: the local hour of delivery (0..23)
  int carrier = 0;            // index into the carriers
  bool second_item = false;   // a second line item
  friend bool operator==(const CaseOrder&, const CaseOrder&) = default;
};

struct CaseCustomer {
  // Lifetime value relative to the policy's VIP line, in whole currency units: >= 0 is a VIP.
  // (Spent on an extra, older order of theirs.) Shrinks to the line itself.
  int value_vs_vip_line = -1000;
  int refunds = 0;  // refunds already made, one unit each, on their first order
  friend bool operator==(const CaseCustomer&, const CaseCustomer&) = default;
};

struct CaseMessage {
  int customer = 0;
  int intent = 0;       // index into pipeline::AllIntents()
  int style = 0;        // PhraseStyle
  int phrase = 0;       // index into the style's phrases (modulo)
  int order = -1;       // which of the customer's orders the text names; -1: none ("my order")
  int channel = 0;      // 0 email, 1 chat, 2 sms
  int at_minutes = 0;   // from the start of the run
  bool photo = false;
  // What a person does with the ticket: 0 nothing, 1 sends the draft, 2 sends the draft and closes,
  // 3 closes.
  int agent = 0;
  int agent_after_minutes = 60;
  friend bool operator==(const CaseMessage&, const CaseMessage&) = default;
};

struct CaseScan {
  int order = 0;         // index into the case's orders (only shipped ones take scans)
  int status = 0;        // 0 delayed, 1 delivered, 2 attempted_delivery, 3 in_transit
  int at_minutes = 0;
  friend bool operator==(const CaseScan&, const CaseScan&) = default;
};

// What the LLM gets wrong, as scripted answers (the semantic faults) or the mock's fault rates.
enum class LlmFault {
  kNone,
  kWrongCarrier,       // the draft names another carrier
  kWrongDate,          // the draft states a date that is none of the order's
  kWrongAmount,        // the draft states an amount that is none of the order's
  kOtherOrdersFacts,   // the draft states another customer's tracking number
  kConfidentMisread,   // every message classified as a confident WISMO
  kHallucinations,     // the mock's own rates: invented tracking numbers, promises of money
};
inline constexpr int kLlmFaultCount = 7;

struct CaseFaults {
  LlmFault llm = LlmFault::kNone;
  bool duplicate_webhooks = false;
  bool delay_webhooks = false;
  int rate_limit = 0;    // 0 none, 1 a tight Shopify REST bucket, 2 an LLM limited to 2 requests per minute
  bool forged_webhook = false;
  int promotion_at_minutes = -1;  // a promotional campaign to every customer; -1: none
  friend bool operator==(const CaseFaults&, const CaseFaults&) = default;
};

struct FuzzCase {
  std::vector<CaseCustomer> customers;  // at least one
  std::vector<CaseOrder> orders;        // at least one
  std::vector<CaseMessage> messages;    // at least one
  std::vector<CaseScan> scans;
  CaseFaults faults;
  friend bool operator==(const FuzzCase&, const FuzzCase&) = default;
};

// The boundaries a case comes near, for the campaign's distribution ("return window: 1 day
// inside", "vip line: at", ...).
std::vector<std::string> BoundaryTags(const FuzzCase& c);

// The scenario that plays the case under `policy` (read from `policy_file`, "" : the default),
// on `variant`. Named after the seed and case number.
scenario::Scenario ToScenario(const FuzzCase& c, const pipeline::Policy& policy, const std::string& policy_file,
                              scenario::PipelineVariant variant, const std::string& name);

}  // namespace rh::harness::fuzz
