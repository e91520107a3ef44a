// The LLM mock's two API dialects over one model call (internal to mocks/src/llm). A dialect
// (OpenAI chat completions in openai_dialect.cc, Anthropic messages in anthropic_dialect.cc) reads
// and validates its API's request into an ApiRequest, applies its API's rate limits, and renders
// the model's Answer, or an error, in its API's envelope and headers. The model call
// (model_call.cc) sees neither wire format: it picks a script, draws the faults, classifies or
// drafts, and times the answer.
// It must not read a clock or the machine's entropy: every id comes from an Rng passed in, every
// time from the sim::Moment passed in. Deterministic: pure functions of their arguments and of
// the State they are given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mocks/common/json_http.h"
#include "mocks/llm/llm_mock.h"
#include "sim/expected.h"
#include "sim/rng.h"

namespace rh::mocks::llm::detail {

struct State;

// --- small helpers shared by the dialects (dialect_common.cc) ------------------------------------

std::string RandomAlnum(sim::Rng& rng, std::size_t n, std::string_view alphabet);
inline constexpr std::string_view kBase62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
inline constexpr std::string_view kHex = "0123456789abcdef";
inline constexpr std::string_view kUpperAlnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

// Go's time.Duration.String() for a duration rounded to the millisecond: "0s", "12ms", "1s",
// "6m0s", "2m59.56s" — the format of OpenAI's x-ratelimit-reset-* headers.
std::string GoDuration(sim::Duration d);
// Whole seconds, rounded up; 0 for a duration <= 0.
std::int64_t CeilSeconds(sim::Duration d);
// "2025-02-24T22:25:47Z": RFC 3339 at whole seconds (rounded up), as Anthropic's reset headers.
std::string Rfc3339Seconds(sim::WallTime t);
// The text of a message's content: a string, or the text parts (and Anthropic tool_result
// blocks) of an array, joined by newlines.
std::string TextOfContent(const OrderedJson& content);
// Pieces of a streamed text: cut after whitespace once a piece has 12 bytes or more.
std::vector<std::string> StreamPieces(const std::string& text);
// A 200 carrying server-sent events (a streamed answer); each API names its own content type.
sim::Response EventStreamResponse(std::string events, std::string_view content_type);
// An API key as OpenAI shows it in an error: "sk-pro***xyz".
std::string MaskKey(const std::string& key);

// Why a sampling parameter was refused: OpenAI's message, param and code (Anthropic uses the
// message only).
struct ParameterRefusal {
  std::string message;
  std::string param;
  std::string code;
};

// Type and range checks of the sampling parameters, in the wording of each API's 400 answer:
// OpenAI's `temperature` is a number in [0, 2], `top_p` in [0, 1], `n` an integer >= 1;
// Anthropic's `temperature` and `top_p` are numbers in [0, 1]. Null means "not given" on both.
// Deterministic: a pure function of the body.
std::optional<ParameterRefusal> CheckSamplingParameters(const OrderedJson& body, bool openai);

// Each API's error envelope, with its request-id header.
sim::Response OpenAiError(int status, std::string_view message, std::string_view type, const OrderedJson& param,
                          const OrderedJson& code, const std::string& request_id);
sim::Response AnthropicError(int status, std::string_view type, std::string_view message, const std::string& request_id);
// Each API's request id, drawn from the stream given.
std::string OpenAiRequestId(sim::Rng rng);
std::string AnthropicRequestId(sim::Rng rng);

// --- what a dialect hands the model call, and what it gets back -----------------------------------

enum class Format { kText, kJsonObject, kJsonSchema };
enum class Finish { kStop, kLength, kTool, kRefusal };

// A valid request of either API, in the model's terms.
struct ApiRequest {
  Api api = Api::kOpenAi;
  OrderedJson body;          // as parsed; its canonical dump keys the call's random stream
  std::string model_name;    // as requested (a name or a snapshot)
  std::string api_key;
  const ModelProfile* profile = nullptr;
  std::string system_text;
  std::string prompt_text;  // system and every message, one after another
  std::string last_user;
  std::optional<std::int64_t> max_tokens;
  bool stream = false;
  bool include_usage = false;
  Format format = Format::kText;
  OrderedJson schema;       // json_schema's schema
  std::string schema_name;
  OrderedJson tools = OrderedJson::array();  // normalised: {name, description, parameters}
  bool tools_disabled = false;
  bool tool_required = false;
  std::string forced_tool;
  std::int64_t input_tokens = 0;
};

// The model's answer, before either API's envelope.
struct Answer {
  bool tool_call = false;
  std::string tool_name;
  std::string text;  // content, or the tool arguments as JSON text
  bool refusal = false;
  bool structured_refusal = false;  // OpenAI json_schema: the `refusal` field, content null
  Finish finish = Finish::kStop;
  std::int64_t output_tokens = 0;
};

// A rendered answer and its finish reason as sent ("stop", "end_turn", ...).
struct Rendered {
  sim::Response response;
  std::string finish_reason;
};

// One API's wire format around the model call. Implementations are stateless singletons; what
// changes (buckets, call log) is in the State passed in.
class Dialect {
 public:
  virtual ~Dialect() = default;

  virtual Api api() const = 0;
  // Salts of the error-id and call streams, so identical bodies on the two paths draw apart.
  virtual std::uint64_t ErrorSalt() const = 0;
  virtual std::uint64_t ContentSalt() const = 0;
  virtual std::string RequestId(sim::Rng rng) const = 0;

  // Auth, then the body, in the order the API checks them: the first failure is the answer.
  virtual sim::Expected<ApiRequest, sim::Response> Parse(const State& state, const sim::Request& request,
                                                         const std::string& err_id) const = 0;
  // The API's rate limits, before any draw: a refused request changes nothing but the buckets.
  virtual std::optional<sim::Response> Admit(State& state, const ApiRequest& request, sim::Moment now,
                                             const std::string& err_id) const = 0;

  // A script's error (`type` empty: the API's own 5xx type) and the overload fault.
  virtual sim::Response ScriptedError(int status, const std::string& type, const std::string& message,
                                      const std::string& request_id) const = 0;
  virtual sim::Response Overloaded(const std::string& request_id) const = 0;
  // The request id and rate-limit headers of an admitted call answered with an error.
  virtual void StampErrorHeaders(State& state, sim::Response& response, const ApiRequest& request,
                                 const std::string& request_id, sim::Moment now) const = 0;

  // The refusal fault in this API's terms (text, refusal field, finish reason).
  virtual void Refuse(const ApiRequest& request, bool tool_called, Answer& answer) const = 0;
  // True when a tool call's input is an object on the wire, so malformed JSON cannot be a tool
  // call and becomes a text block instead.
  virtual bool ToolInputIsAnObject() const = 0;
  // Counts what was generated against an output-token limit, where the API has one.
  virtual void ChargeOutput(State& state, const ApiRequest& request, std::int64_t output_tokens,
                            sim::Moment now) const = 0;
  // The 200 answer, plain or streamed; `ids` draws the body's ids.
  virtual Rendered Render(State& state, const ApiRequest& request, const Answer& answer, sim::Rng ids,
                          const std::string& request_id, sim::Duration service, sim::Moment now) const = 0;
};

const Dialect& OpenAiDialect();
const Dialect& AnthropicDialect();

}  // namespace rh::mocks::llm::detail
