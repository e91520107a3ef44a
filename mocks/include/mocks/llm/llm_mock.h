// The deterministic LLM mock: OpenAI's POST /v1/chat/completions and Anthropic's POST
// /v1/messages in front of one pretend model (model.h) that classifies support intents with a
// configurable error model and drafts replies from templates using only the prompt's facts.
// Beside the real API, an inspection surface (C++ methods and HTTP routes under /_rehearsal/)
// to set the error model, fault rates and scripts, and to read the call log.
// It must not read a clock or the machine's entropy, and it never calls out except in cassette
// record mode (through the HttpClient of its config).
//
// Determinism: every call draws from rng.Fork("llm.call", H) where H hashes the API, the
// canonical JSON body and the number of earlier calls with the same content. So the same
// prompt and seed give the same bytes whatever order other requests arrive in, and a retry of
// an identical request (the n-th occurrence) draws afresh, as a real retry would — otherwise a
// drawn overload would repeat forever. Only scripts "on the N-th call" depend on arrival order.
// Ids, confidence and latency come from that stream; `created` comes from now.wall.
//
// Faults (each a rate, each drawn from its own fork of the call's stream, so adding one never
// shifts another). Precedence, and when a fault can be drawn at all:
//   overload     any valid, admitted call: OpenAI 503 server_error, Anthropic 529
//                overloaded_error; nothing else is drawn.
//   refusal      any call not overloaded: a refusal instead of an answer; no content faults.
//   hallucinated_tracking, refund_promise   drafts only (not classification).
//   invalid_json structured output only (json_schema, json_object, or a tool call).
//   truncated    any answer: cut to half its tokens, finish_reason "length" / "max_tokens".
//   slow_stream  any answer: service_time multiplied by slow_factor.
// Every fault drawn is in the call log and, when a Trace is given, a "llm.fault" record.
//
// Thread safety: one internal mutex guards Handle and every inspection method; HandleAsync
// (cassette record mode) does not hold it while it waits for the upstream.
//
// HTTP routes (besides the two APIs). Inspection routes take no auth, are not rate limited and
// are not in the call log; JSON in and out:
//   GET    /_rehearsal/calls        {"data":[call records], "dropped":N}
//   GET    /_rehearsal/faults       {"data":[fault records]}
//   GET    /_rehearsal/config       the fault rates, error model and rate limits in effect
//   PUT    /_rehearsal/faults       {overload?, refusal?, hallucinated_tracking?, refund_promise?,
//                                    invalid_json?, truncated?, slow_stream?, slow_factor?}
//   PUT    /_rehearsal/error-model  {accuracy?, ambiguous_swap?, confusion?:
//                                    {"wismo":{"wismo":0.9,"delivered_not_received":0.1},...}}
//   PUT    /_rehearsal/rate-limits  {enabled?, openai_rpm?, openai_tpm?, anthropic_rpm?,
//                                    anthropic_itpm?, anthropic_otpm?}
//   POST   /_rehearsal/scripts      {contains?, regex?, nth_call?, api?: "openai"|"anthropic",
//                                    text?, json?, status?, error_type?, error_message?,
//                                    times?} -> {"id"}
//   DELETE /_rehearsal/scripts      removes every script
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mocks/common/json_http.h"
#include "mocks/common/token_bucket.h"
#include "mocks/llm/cassette.h"
#include "mocks/llm/model.h"
#include "sim/http_client.h"
#include "sim/rng.h"
#include "sim/service.h"
#include "sim/trace.h"

namespace rh::mocks::llm {

enum class FaultKind {
  kOverload,
  kRefusal,
  kHallucinatedTracking,
  kRefundPromise,
  kInvalidJson,
  kTruncated,
  kSlowStream,
};
// "overload", "refusal", "hallucinated_tracking", "refund_promise", "invalid_json",
// "truncated", "slow_stream".
std::string_view FaultKindName(FaultKind kind);

// Probabilities in [0, 1], per eligible call (see the header comment).
struct FaultRates {
  double overload = 0;
  double refusal = 0;
  double hallucinated_tracking = 0;
  double refund_promise = 0;
  double invalid_json = 0;
  double truncated = 0;
  double slow_stream = 0;
  double slow_factor = 10;  // service_time multiplier of a slow stream
};

// The classifier's error model. confusion[i][j]: the probability of answering intent j when the
// truth is i (rows are normalised when used; an all-zero row means "always right").
struct ErrorModel {
  std::vector<std::vector<double>> confusion;  // kIntentCount x kIntentCount
  // On ambiguous text (cues of two or more intents), the chance of answering the runner-up
  // instead of the confusion draw.
  double ambiguous_swap = 0.2;

  // Right with probability `accuracy`, otherwise any other intent with equal chance.
  static ErrorModel Uniform(double accuracy);
};

// One model the mock serves. Defaults come from reference sections 9 (latency) and the
// providers' published output limits.
struct ModelProfile {
  std::string name;             // as requested ("gpt-4o-mini")
  std::string snapshot;         // as echoed ("gpt-4o-mini-2024-07-18")
  Api api = Api::kOpenAi;       // which endpoint serves it
  std::int64_t max_output_tokens = 16384;
  bool reasoning = false;       // OpenAI reasoning models reject max_tokens
  sim::Duration ttft_median = sim::Ms(600);
  double ttft_sigma = 0.35;     // log-normal shape of time to first token
  double per_input_token_ms = 0.2;
  double tokens_per_second = 80;
};
std::vector<ModelProfile> DefaultModels();

// Requests and tokens per minute per API key, as token buckets (capacity = the per-minute
// limit, refilled continuously at limit/60 per second). OpenAI: RPM and TPM, a request
// reserving its estimated input plus max_(completion_)tokens. Anthropic: RPM, ITPM (input at
// request start) and OTPM (actual output, after the answer). Defaults: OpenAI tier 1 for
// gpt-4o-mini (500 RPM, 200k TPM); Anthropic's older "Tier 1" (50 RPM, 30k ITPM, 8k OTPM).
struct RateLimits {
  bool enabled = true;
  double openai_rpm = 500;
  double openai_tpm = 200'000;
  double anthropic_rpm = 50;
  double anthropic_itpm = 30'000;
  double anthropic_otpm = 8'000;
};

// A scripted response: overrides the model when it matches. First match in insertion order.
struct Script {
  std::string contains;                 // substring of the prompt text ("" matches any)
  std::string regex;                    // ECMAScript regex searched in the prompt ("" any)
  std::uint64_t nth_call = 0;           // 1-based among admitted calls (0: any)
  std::optional<Api> api;               // only this API
  std::string text;                     // the answer's content (or tool arguments)
  std::optional<OrderedJson> json;      // structured answer; wins over text
  int status = 0;                       // non-zero: answer with this error status instead
  std::string error_type;               // e.g. "server_error", "overloaded_error"
  std::string error_message;
  std::uint64_t times = 0;              // uses left; 0 = unlimited
};

enum class CassetteMode { kOff, kRecord, kReplay };

struct CassetteConfig {
  CassetteMode mode = CassetteMode::kOff;
  std::string path;                    // JSONL; appended to when recording, read when replaying
  sim::HttpClient* upstream = nullptr; // record mode: where requests go
  std::string upstream_host;           // the Host header sent upstream ("api.openai.com")
  sim::Duration upstream_timeout = sim::Sec(600);
};

struct Config {
  std::vector<ModelProfile> models = DefaultModels();
  // Accepted API keys (either API). Empty: any key accepted by shape ("sk-..." for OpenAI,
  // anything non-empty for Anthropic).
  std::vector<std::string> api_keys;
  FaultRates faults;
  ErrorModel error_model = ErrorModel::Uniform(0.95);
  RateLimits rate_limits;
  CassetteConfig cassette;
  sim::Trace* trace = nullptr;  // single-threaded: give one only in sim mode
  std::size_t call_log_capacity = 100'000;
};

enum class CallTask { kClassify, kDraft, kScripted };

// One admitted call (validation failures and 429s are not calls: they change nothing).
struct CallRecord {
  std::uint64_t seq = 0;  // 1-based, the N of scripts' nth_call
  sim::Instant at{};
  Api api = Api::kOpenAi;
  std::string request_id;
  std::string api_key;
  std::string model;
  CallTask task = CallTask::kDraft;
  bool structured = false;         // json_schema, json_object or a tool call was asked for
  bool stream = false;
  Intent truth = Intent::kOther;   // from the cues of the customer's text
  Intent answered = Intent::kOther;
  double confidence = 0;
  bool ambiguous = false;
  std::vector<FaultKind> faults;
  std::string hallucinated_tracking;  // the invented number, when that fault was drawn
  int status = 200;
  std::string finish_reason;       // as sent ("stop", "length", "tool_calls", "end_turn", ...)
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  sim::Duration latency{0};        // the response's service_time
  std::string content;             // the answer's text or tool arguments, as sent
  std::int64_t script = -1;        // index of the script used, -1 when none
};

struct FaultRecord {
  std::uint64_t call_seq = 0;
  std::string request_id;
  FaultKind kind = FaultKind::kOverload;
  std::string detail;
};

namespace detail {
struct State;  // mocks/src/llm/llm_state.h: the store, buckets, scripts and call log
}  // namespace detail

class LlmMock final : public sim::Service {
 public:
  LlmMock(Config config, sim::Rng rng);
  ~LlmMock() override;
  LlmMock(const LlmMock&) = delete;
  LlmMock& operator=(const LlmMock&) = delete;

  sim::Response Handle(const sim::Request& request, sim::Moment now) override;
  // Record mode forwards API requests upstream; every other mode answers from Handle.
  sim::Task<sim::Response> HandleAsync(sim::Request request, sim::Moment now) override;

  // --- inspection ---
  void SetFaultRates(const FaultRates& rates);
  void SetErrorModel(const ErrorModel& model);
  void SetRateLimits(const RateLimits& limits);  // resets the buckets
  std::size_t AddScript(Script script);          // returns its index
  void ClearScripts();
  std::vector<CallRecord> Calls() const;
  std::vector<FaultRecord> Faults() const;
  std::uint64_t DroppedCalls() const;
  // Cassette entries recorded or loaded (record and replay modes).
  std::vector<CassetteEntry> CassetteEntries() const;

 private:
  using State = detail::State;
  std::unique_ptr<State> state_;
  mutable std::mutex mu_;
};

}  // namespace rh::mocks::llm
