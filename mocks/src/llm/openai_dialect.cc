// OpenAI's dialect of the LLM mock: POST /v1/chat/completions. Bearer auth, the request's
// validation in the order the API checks it (with its 400 wording, param and code), the
// per-key RPM and TPM buckets with x-ratelimit-* headers, and the chat.completion envelope,
// plain or as chat.completion.chunk server-sent events. See dialect.h.
// Choices where shared/reference/llm-api.md is unsure are marked "Choice:".
#include <algorithm>
#include <chrono>

#include "dialect.h"
#include "llm_state.h"
#include "mocks/common/json_text.h"
#include "sim/crypto.h"

namespace rh::mocks::llm::detail {

namespace {

sim::Response Bad(std::string_view message, const OrderedJson& param, const OrderedJson& code, const std::string& err_id) {
  return OpenAiError(400, message, "invalid_request_error", param, code, err_id);
}

void RateLimitHeaders(State& s, sim::Headers& h, const std::string& key, sim::Instant now) {
  if (!s.config.rate_limits.enabled) return;
  TokenBucket& rpm = s.Bucket(Api::kOpenAi, "rpm", key, s.config.rate_limits.openai_rpm);
  TokenBucket& tpm = s.Bucket(Api::kOpenAi, "tpm", key, s.config.rate_limits.openai_tpm);
  h.Set("x-ratelimit-limit-requests", std::to_string(static_cast<std::int64_t>(rpm.config().capacity)));
  h.Set("x-ratelimit-limit-tokens", std::to_string(static_cast<std::int64_t>(tpm.config().capacity)));
  h.Set("x-ratelimit-remaining-requests", std::to_string(static_cast<std::int64_t>(rpm.Available(now))));
  h.Set("x-ratelimit-remaining-tokens", std::to_string(static_cast<std::int64_t>(tpm.Available(now))));
  h.Set("x-ratelimit-reset-requests", GoDuration(State::UntilFull(rpm, now)));
  h.Set("x-ratelimit-reset-tokens", GoDuration(State::UntilFull(tpm, now)));
}

// 1. Auth: a Bearer key that starts with "sk-" and is one of the configured keys (any, when none
// are configured).
std::optional<sim::Response> Authenticate(const State& s, const sim::Request& request, const std::string& err_id,
                                          ApiRequest& p) {
  const std::string_view auth = request.headers.GetOr("Authorization", "");
  if (auth.empty() || !auth.starts_with("Bearer ") || auth.size() <= 7) {
    return OpenAiError(401,
                       "You didn't provide an API key. You need to provide your API key in an Authorization header "
                       "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with "
                       "blank username) if you're accessing the API from your browser and are prompted for a "
                       "username and password. You can obtain an API key from "
                       "https://platform.openai.com/account/api-keys.",
                       "invalid_request_error", nullptr, nullptr, err_id);
  }
  p.api_key = std::string(auth.substr(7));
  if (!p.api_key.starts_with("sk-") || !s.KeyAccepted(p.api_key)) {
    return OpenAiError(401,
                       "Incorrect API key provided: " + MaskKey(p.api_key) +
                           ". You can find your API key at https://platform.openai.com/account/api-keys.",
                       "invalid_request_error", nullptr, "invalid_api_key", err_id);
  }
  return std::nullopt;
}

// 2. The required fields, the model and the sampling parameters.
std::optional<sim::Response> CheckRequired(const State& s, const OrderedJson& body, const std::string& err_id,
                                           ApiRequest& p) {
  if (!body.contains("model") || !body["model"].is_string()) {
    // Choice: OpenAI answers a missing model with param null (as the real service did when last
    // observed).
    return Bad("you must provide a model parameter", nullptr, nullptr, err_id);
  }
  if (!body.contains("messages")) {
    return Bad("Missing required parameter: 'messages'.", "messages", "missing_required_parameter", err_id);
  }
  if (!body["messages"].is_array()) {
    return Bad("Invalid type for 'messages': expected an array of objects, but got a " +
                   std::string(body["messages"].type_name()) + " instead.",
               "messages", "invalid_type", err_id);
  }
  if (body["messages"].empty()) {
    return Bad("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty "
               "array instead.",
               "messages", "empty_array", err_id);
  }
  p.model_name = body["model"].get<std::string>();
  p.profile = s.FindModel(p.model_name, Api::kOpenAi);
  if (p.profile == nullptr) {
    return OpenAiError(404, "The model `" + p.model_name + "` does not exist or you do not have access to it.",
                       "invalid_request_error", nullptr, "model_not_found", err_id);
  }
  if (auto refused = CheckSamplingParameters(body, true)) {
    return Bad(refused->message, refused->param, refused->code, err_id);
  }
  return std::nullopt;
}

// max_completion_tokens (or the older max_tokens): an integer >= 1, within the model's output
// limit; reasoning models refuse max_tokens.
std::optional<sim::Response> ReadMaxTokens(const OrderedJson& body, const std::string& err_id, ApiRequest& p) {
  const char* max_field = nullptr;
  for (const char* f : {"max_completion_tokens", "max_tokens"}) {
    if (body.contains(f) && !body[f].is_null()) {
      if (!body[f].is_number_integer()) {
        return Bad(std::string("Invalid type for '") + f + "': expected an integer, but got a " + body[f].type_name() +
                       " instead.",
                   f, "invalid_type", err_id);
      }
      if (body[f].get<std::int64_t>() < 1) {
        return Bad(std::string("Invalid '") + f + "': integer below minimum value. Expected a value >= 1.", f,
                   "integer_below_min_value", err_id);
      }
      p.max_tokens = body[f].get<std::int64_t>();
      max_field = f;
      break;
    }
  }
  if (p.profile->reasoning && body.contains("max_tokens")) {
    return Bad("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' "
               "instead.",
               "max_tokens", "unsupported_parameter", err_id);
  }
  if (p.max_tokens && *p.max_tokens > p.profile->max_output_tokens) {
    const std::string n = std::to_string(*p.max_tokens);
    const std::string limit = std::to_string(p.profile->max_output_tokens);
    return Bad(std::string(max_field) + " is too large: " + n + ". This model supports at most " + limit +
                   " completion tokens, whereas you provided " + n + ".",
               max_field, "invalid_value", err_id);
  }
  return std::nullopt;
}

// The messages: system and developer messages make the system text; every message is in the
// prompt and counted (3 tokens of framing each, one more for a name).
std::optional<sim::Response> ReadMessages(const OrderedJson& body, const std::string& err_id, ApiRequest& p) {
  p.input_tokens = 3;
  std::string prompt;
  for (const OrderedJson& m : body["messages"]) {
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string()) {
      return Bad("Invalid 'messages': each message must be an object with a 'role'.", "messages", "invalid_value", err_id);
    }
    const std::string role = m["role"].get<std::string>();
    const std::string text = m.contains("content") ? TextOfContent(m["content"]) : "";
    p.input_tokens += CountTextTokens(Api::kOpenAi, text) + 3 + (m.contains("name") ? 1 : 0);
    if (role == "system" || role == "developer") p.system_text += (p.system_text.empty() ? "" : "\n") + text;
    if (role == "user") p.last_user = text;
    if (!prompt.empty()) prompt += "\n";
    prompt += text;
  }
  p.prompt_text = std::move(prompt);
  return std::nullopt;
}

// Streaming, the response format, tools and tool_choice (never refused: unknown shapes are
// ignored).
void ReadOptions(const OrderedJson& body, ApiRequest& p) {
  p.stream = body.value("stream", false);
  if (body.contains("stream_options") && body["stream_options"].is_object()) {
    p.include_usage = body["stream_options"].value("include_usage", false);
  }
  if (body.contains("response_format") && body["response_format"].is_object()) {
    const std::string type = body["response_format"].value("type", "text");
    if (type == "json_object") p.format = Format::kJsonObject;
    if (type == "json_schema") {
      p.format = Format::kJsonSchema;
      const OrderedJson& js = body["response_format"].value("json_schema", OrderedJson::object());
      if (js.is_object()) {
        p.schema = js.value("schema", OrderedJson::object());
        p.schema_name = js.value("name", "");
      }
      p.input_tokens += CountTextTokens(Api::kOpenAi, p.schema.dump(-1, ' ', false, kReplaceInvalidUtf8));
    }
  }
  if (body.contains("tools") && body["tools"].is_array()) {
    for (const OrderedJson& t : body["tools"]) {
      if (!t.is_object()) continue;
      const OrderedJson& f = t.value("function", OrderedJson::object());
      if (!f.is_object() || !f.contains("name")) continue;
      p.tools.push_back({{"name", f.value("name", "")},
                         {"description", f.value("description", "")},
                         {"parameters", f.value("parameters", OrderedJson::object())}});
    }
    p.input_tokens += CountTextTokens(Api::kOpenAi, body["tools"].dump(-1, ' ', false, kReplaceInvalidUtf8));
  }
  if (body.contains("tool_choice")) {
    const OrderedJson& tc = body["tool_choice"];
    if (tc.is_string()) {
      p.tools_disabled = tc == "none";
      p.tool_required = tc == "required";
    } else if (tc.is_object()) {
      const std::string type = tc.value("type", "");
      if (type == "function" && tc.contains("function")) p.forced_tool = tc["function"].value("name", "");
    }
  }
}

// A 429 of one bucket: "Request too large" when the request can never fit, else "Rate limit
// reached" with when to retry.
sim::Response RateLimited(State& s, const ApiRequest& p, sim::Instant now, const std::string& err_id,
                          std::string_view kind, const TokenBucket& b, double requested, sim::Duration retry) {
  const auto limit = static_cast<std::int64_t>(b.config().capacity);
  const auto used = static_cast<std::int64_t>(std::llround(b.config().capacity - b.Available(now)));
  const bool too_large = requested > b.config().capacity;
  const std::string unit = kind == "requests" ? "requests per min (RPM)" : "tokens per min (TPM)";
  const std::string msg =
      too_large ? "Request too large for " + p.model_name + " in organization org-rehearsal on " + unit + ": Limit " +
                      std::to_string(limit) + ", Requested " + std::to_string(static_cast<std::int64_t>(requested)) +
                      ". The input or output tokens must be reduced in order to run successfully. Visit "
                      "https://platform.openai.com/account/rate-limits to learn more."
                : "Rate limit reached for " + p.model_name + " in organization org-rehearsal on " + unit +
                      ": Limit " + std::to_string(limit) + ", Used " + std::to_string(used) + ", Requested " +
                      std::to_string(static_cast<std::int64_t>(requested)) + ". Please try again in " +
                      GoDuration(retry) + ". Visit https://platform.openai.com/account/rate-limits to learn more.";
  sim::Response r = OpenAiError(429, msg, kind, nullptr, "rate_limit_exceeded", err_id);
  RateLimitHeaders(s, r.headers, p.api_key, now);
  // Choice: retry-after (whole seconds) and retry-after-ms on every retryable 429; none
  // when the request can never fit (retrying cannot help).
  if (!too_large) {
    r.headers.Set("retry-after", std::to_string(std::max<std::int64_t>(1, CeilSeconds(retry))));
    r.headers.Set("retry-after-ms", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(retry).count() + 1));
  }
  return r;
}

// The usage object of a completion (and of the last chunk when include_usage is asked).
OrderedJson Usage(const ApiRequest& p, std::int64_t out_tokens) {
  return {{"prompt_tokens", p.input_tokens},
          {"completion_tokens", out_tokens},
          {"total_tokens", p.input_tokens + out_tokens},
          {"prompt_tokens_details", {{"cached_tokens", 0}, {"audio_tokens", 0}}},
          {"completion_tokens_details",
           {{"reasoning_tokens", 0}, {"audio_tokens", 0}, {"accepted_prediction_tokens", 0}, {"rejected_prediction_tokens", 0}}}};
}

// The ids and fixed fields of one completion's envelope.
struct Envelope {
  std::string id;
  std::string call_id;
  std::string fingerprint;
  std::int64_t created = 0;
  std::string model;
  std::string finish;
  OrderedJson usage;
};

// The usage object as text: the same bytes as DumpJson(Usage(...)).
void AppendUsageText(std::string& out, std::int64_t input_tokens, std::int64_t output_tokens) {
  JsonTextObject usage(out);
  usage.Int("prompt_tokens", input_tokens).Int("completion_tokens", output_tokens);
  usage.Int("total_tokens", input_tokens + output_tokens);
  usage.Raw("prompt_tokens_details", R"({"cached_tokens":0,"audio_tokens":0})");
  usage.Raw("completion_tokens_details",
            R"({"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0})");
  usage.Close();
}

// A non-streamed completion, written straight to text (the mock's hot path): the same bytes as
// the ordered document {id, object, created, model, choices, usage, service_tier,
// system_fingerprint} printed by DumpJson.
sim::Response PlainCompletion(const ApiRequest& p, const Answer& ans, const Envelope& e) {
  std::string out;
  out.reserve(512 + ans.text.size());
  JsonTextObject doc(out);
  doc.Str("id", e.id).Str("object", "chat.completion").Int("created", e.created).Str("model", e.model);
  std::string& choices = doc.Key("choices");
  choices += "[{\"index\":0,\"message\":";
  JsonTextObject message(choices);
  message.Str("role", "assistant");
  if (ans.tool_call) {
    message.Null("content");
    std::string& calls = message.Key("tool_calls");
    calls.push_back('[');
    JsonTextObject call(calls);
    call.Str("id", e.call_id).Str("type", "function");
    JsonTextObject function(call.Key("function"));
    function.Str("name", ans.tool_name).Str("arguments", ans.text).Close();
    call.Close();
    calls.push_back(']');
    message.Null("refusal");
  } else if (ans.structured_refusal) {
    message.Null("content").Str("refusal", ans.text);
  } else {
    message.Str("content", ans.text).Null("refusal");
  }
  message.Raw("annotations", "[]").Close();
  choices += ",\"logprobs\":null,\"finish_reason\":";
  AppendJsonText(choices, e.finish);
  choices += "}]";
  AppendUsageText(doc.Key("usage"), p.input_tokens, ans.output_tokens);
  doc.Str("service_tier", "default").Str("system_fingerprint", e.fingerprint).Close();
  return sim::Response::Json(200, std::move(out));
}

sim::Response StreamedCompletion(const ApiRequest& p, const Answer& ans, const Envelope& e) {
  // Choice: no `obfuscation` padding in deltas (the reference says it is there unless
  // include_obfuscation is false); it carries no information and would only add bytes.
  std::string out;
  auto chunk = [&](const OrderedJson& delta, const OrderedJson& finish) {
    OrderedJson c = {{"id", e.id},
                     {"object", "chat.completion.chunk"},
                     {"created", e.created},
                     {"model", e.model},
                     {"system_fingerprint", e.fingerprint},
                     {"choices", OrderedJson::array({{{"index", 0},
                                                      {"delta", delta},
                                                      {"logprobs", nullptr},
                                                      {"finish_reason", finish}}})}};
    if (p.include_usage) c["usage"] = nullptr;
    out += "data: " + c.dump(-1, ' ', false, kReplaceInvalidUtf8) + "\n\n";
  };
  if (ans.tool_call) {
    chunk({{"role", "assistant"},
           {"content", nullptr},
           {"tool_calls", OrderedJson::array({{{"index", 0},
                                               {"id", e.call_id},
                                               {"type", "function"},
                                               {"function", {{"name", ans.tool_name}, {"arguments", ""}}}}})},
           {"refusal", nullptr}},
          nullptr);
    for (const std::string& piece : StreamPieces(ans.text)) {
      chunk({{"tool_calls", OrderedJson::array({{{"index", 0}, {"function", {{"arguments", piece}}}}})}}, nullptr);
    }
  } else {
    chunk({{"role", "assistant"}, {"content", ""}, {"refusal", nullptr}}, nullptr);
    for (const std::string& piece : StreamPieces(ans.text)) {
      chunk(ans.structured_refusal ? OrderedJson{{"refusal", piece}} : OrderedJson{{"content", piece}}, nullptr);
    }
  }
  chunk(OrderedJson::object(), e.finish);
  if (p.include_usage) {
    const OrderedJson c = {{"id", e.id},
                           {"object", "chat.completion.chunk"},
                           {"created", e.created},
                           {"model", e.model},
                           {"system_fingerprint", e.fingerprint},
                           {"choices", OrderedJson::array()},
                           {"usage", e.usage}};
    out += "data: " + c.dump(-1, ' ', false, kReplaceInvalidUtf8) + "\n\n";
  }
  out += "data: [DONE]\n\n";
  return EventStreamResponse(std::move(out), "text/event-stream");
}

class OpenAi final : public Dialect {
 public:
  Api api() const override { return Api::kOpenAi; }
  std::uint64_t ErrorSalt() const override { return 0x0a1; }
  std::uint64_t ContentSalt() const override { return 0x51; }
  std::string RequestId(sim::Rng rng) const override { return OpenAiRequestId(rng); }

  sim::Expected<ApiRequest, sim::Response> Parse(const State& s, const sim::Request& request,
                                                 const std::string& err_id) const override {
    ApiRequest p;
    p.api = Api::kOpenAi;
    if (auto refused = Authenticate(s, request, err_id, p)) return sim::MakeUnexpected(std::move(*refused));
    p.body = ParseOrderedJsonText(request.body);
    if (p.body.is_discarded() || !p.body.is_object()) {
      return sim::MakeUnexpected(
          OpenAiError(400,
                      "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
                      "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
                      "sent was not valid JSON. If you have trouble figuring out how to fix this, please contact "
                      "us through our help center at help.openai.com.)",
                      "invalid_request_error", nullptr, nullptr, err_id));
    }
    if (auto refused = CheckRequired(s, p.body, err_id, p)) return sim::MakeUnexpected(std::move(*refused));
    if (auto refused = ReadMaxTokens(p.body, err_id, p)) return sim::MakeUnexpected(std::move(*refused));
    if (auto refused = ReadMessages(p.body, err_id, p)) return sim::MakeUnexpected(std::move(*refused));
    ReadOptions(p.body, p);
    return p;
  }

  std::optional<sim::Response> Admit(State& s, const ApiRequest& p, sim::Moment now,
                                     const std::string& err_id) const override {
    if (!s.config.rate_limits.enabled) return std::nullopt;
    TokenBucket& rpm = s.Bucket(Api::kOpenAi, "rpm", p.api_key, s.config.rate_limits.openai_rpm);
    TokenBucket& tpm = s.Bucket(Api::kOpenAi, "tpm", p.api_key, s.config.rate_limits.openai_tpm);
    // Choice: the reservation is the input estimate plus max_(completion_)tokens when given
    // (reference section 3); without one, the input alone. Nothing is refunded.
    const double cost = static_cast<double>(p.input_tokens + p.max_tokens.value_or(0));
    const sim::Instant at = now.monotonic;
    if (cost > tpm.config().capacity) return RateLimited(s, p, at, err_id, "tokens", tpm, cost, sim::Duration{0});
    const TokenBucket::Decision r = rpm.TryTake(at, 1);
    if (!r.admitted) return RateLimited(s, p, at, err_id, "requests", rpm, 1, r.retry_after);
    const TokenBucket::Decision t = tpm.TryTake(at, cost);
    if (!t.admitted) {
      rpm.Refund(at, 1);
      return RateLimited(s, p, at, err_id, "tokens", tpm, cost, t.retry_after);
    }
    return std::nullopt;
  }

  sim::Response ScriptedError(int status, const std::string& type, const std::string& message,
                              const std::string& request_id) const override {
    return OpenAiError(status, message, type.empty() ? "server_error" : type, nullptr, nullptr, request_id);
  }
  sim::Response Overloaded(const std::string& request_id) const override {
    // Choice: OpenAI overload is a 503 server_error (the SDK retries any 5xx).
    return OpenAiError(503, "The server is overloaded or not ready yet.", "server_error", nullptr, nullptr, request_id);
  }
  void StampErrorHeaders(State& s, sim::Response& r, const ApiRequest& p, const std::string& request_id,
                         sim::Moment now) const override {
    r.headers.Set("x-request-id", request_id);
    RateLimitHeaders(s, r.headers, p.api_key, now.monotonic);
  }

  void Refuse(const ApiRequest& p, bool tool_called, Answer& ans) const override {
    ans.text = "I'm sorry, but I can't help with that request.";
    ans.structured_refusal = p.format == Format::kJsonSchema && !tool_called;
    ans.finish = Finish::kStop;
  }
  bool ToolInputIsAnObject() const override { return false; }
  void ChargeOutput(State&, const ApiRequest&, std::int64_t, sim::Moment) const override {}

  Rendered Render(State& s, const ApiRequest& p, const Answer& ans, sim::Rng ids, const std::string& request_id,
                  sim::Duration service, sim::Moment now) const override {
    Envelope e;
    e.finish = ans.finish == Finish::kLength ? "length" : ans.finish == Finish::kTool ? "tool_calls" : "stop";
    e.id = "chatcmpl-" + RandomAlnum(ids, 29, kBase62);
    e.call_id = "call_" + RandomAlnum(ids, 24, kBase62);
    e.fingerprint = "fp_" + sim::HexEncode(sim::Sha256(p.profile->snapshot)).substr(0, 10);
    e.created = std::chrono::duration_cast<std::chrono::seconds>(now.wall.time_since_epoch()).count();
    e.model = p.profile->snapshot;
    if (p.stream) e.usage = Usage(p, ans.output_tokens);  // the plain answer writes it as text
    sim::Response r = p.stream ? StreamedCompletion(p, ans, e) : PlainCompletion(p, ans, e);
    r.headers.Set("x-request-id", request_id);
    r.headers.Set("openai-version", "2020-10-01");
    r.headers.Set("openai-organization", "org-rehearsal");
    r.headers.Set("openai-processing-ms",
                  std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(service).count()));
    RateLimitHeaders(s, r.headers, p.api_key, now.monotonic);
    return {std::move(r), e.finish};
  }
};

}  // namespace

const Dialect& OpenAiDialect() {
  static const OpenAi dialect;
  return dialect;
}

}  // namespace rh::mocks::llm::detail
