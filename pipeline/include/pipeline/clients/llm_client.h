// The pipeline's LLM client, for any OpenAI-compatible endpoint (POST /v1/chat/completions,
// Authorization: Bearer): classify a customer's message into one of the pipeline's intents with
// a confidence (structured output, response_format json_schema with the intent labels as an
// enum), and draft a reply from the order's facts.
//
// Prompts carry the facts as one "Key: value" line each ("Order: #1042", "Carrier: UPS",
// "Tracking: 1Z...") and the customer's words inside <customer_message>...</customer_message>:
// a plain format a real model reads well, and the one the deterministic mock recognises. The
// customer's text is fenced (a closing tag in it is defused), so it cannot pose as facts or
// instructions outside its element.
//
// An answer that is not what was asked for is an error of its own, kMalformed, never a guess:
// a body that is not a chat completion, no choice, finish_reason "length" (truncated) or
// "content_filter", a refusal, content that is not JSON, JSON that does not match the schema,
// an intent outside the labels, a confidence outside [0, 1], an empty draft. The pipeline sends
// such a ticket to a person (a failure never leads to an automatic send).
//
// Retries: 408, 409, 429 and 5xx (OpenAI's SDKs retry those too), honouring retry-after-ms /
// retry-after; x-should-retry wins when present. Pacing from x-ratelimit-*-requests/-tokens.
// Malformed answers are not retried here: retrying is the caller's choice.
//
// Thread safety and determinism: as ApiCaller. The client must outlive its calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "pipeline/clients/api_caller.h"
#include "pipeline/vocabulary/intent.h"

namespace rh::pipeline::clients {

struct LlmConfig {
  std::string host = "llm";  // the Host header: a sim host, "127.0.0.1:port", "api.openai.com"
  std::string path = "/v1/chat/completions";
  std::string api_key;
  std::string model = "gpt-4o-mini";
  // Sent as max_completion_tokens (max_tokens is deprecated and refused by reasoning models).
  std::int64_t classify_max_tokens = 200;
  std::int64_t draft_max_tokens = 600;
  // Omitted when unset: reasoning models refuse a non-default temperature.
  std::optional<double> temperature;
  double low_water = 0.05;  // pace below this share of the request and token limits
  RetryPolicy retry = [] {
    RetryPolicy p;
    p.attempt_timeout = sim::Sec(60);
    p.retry_conflict = true;
    return p;
  }();
};

// Order facts, one line each in prompts. Empty fields are left out.
struct PromptFacts {
  std::string order;          // "#1042"
  std::string customer_name;  // "Maria Diaz"
  std::string items;          // "1x Mug, 2x Spoon"
  std::string carrier;
  std::string tracking_number;
  std::string tracking_url;
  std::string status;  // "in transit"
  std::string shipped_date;
  std::string delivered_date;
  std::string eta;
  std::string last_scan;
  std::string return_window;  // "30 days, until 2026-12-20"
  std::string refund;         // "$42.00 refunded on 2026-11-22"
};
// "Order: #1042\nCustomer: Maria Diaz\n..." (newline-terminated lines; values on one line).
std::string FormatFacts(const PromptFacts& facts);

struct LlmUsage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
};

struct Classification {
  Intent intent = Intent::kOther;
  double confidence = 0;
  std::string model;  // as the service named it (a snapshot)
  LlmUsage usage;
};

struct LlmDraft {
  std::string text;
  std::string model;
  LlmUsage usage;
};

class LlmClient {
 public:
  LlmClient(LlmConfig config, sim::HttpClient& http, sim::Executor& executor, sim::Rng rng,
            sim::Trace* trace = nullptr);

  // `order_facts` as FormatFacts writes them (may be empty).
  sim::Task<CallResult<Classification>> Classify(std::string customer_text, std::string order_facts);
  // A reply for `intent`, stating only `facts`.
  sim::Task<CallResult<LlmDraft>> Draft(Intent intent, std::string facts, std::string customer_text);

  // The request bodies, for inspection and tests.
  std::string ClassifyBody(const std::string& customer_text, const std::string& order_facts) const;
  std::string DraftBody(Intent intent, const std::string& facts, const std::string& customer_text) const;

  ApiCaller& caller() { return caller_; }

 private:
  sim::Request Make(std::string body) const;

  LlmConfig config_;
  ApiCaller caller_;
};

// Reads a chat completion that should hold a classification (exposed for tests): kMalformed
// unless it is one, with `detail` saying what was wrong.
CallResult<Classification> ParseClassification(const std::string& body);
CallResult<LlmDraft> ParseDraft(const std::string& body);

}  // namespace rh::pipeline::clients
