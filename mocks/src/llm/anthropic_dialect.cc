// Anthropic's dialect of the LLM mock: POST /v1/messages. x-api-key (or Bearer) auth and the
// anthropic-version header, the request's validation in the order the API checks it (with its
// 400 wording), the per-key RPM, input- and output-token buckets with anthropic-ratelimit-*
// headers, and the message envelope, plain or as server-sent events. See dialect.h.
// Choices where shared/reference/llm-api.md is unsure are marked "Choice:".
#include <algorithm>
#include <cmath>

#include "dialect.h"
#include "llm_state.h"

namespace rh::mocks::llm::detail {

namespace {

sim::Response Bad(std::string_view message, const std::string& err_id) {
  return AnthropicError(400, "invalid_request_error", message, err_id);
}

void RateLimitHeaders(State& s, sim::Headers& h, const std::string& key, sim::Moment now) {
  if (!s.config.rate_limits.enabled) return;
  TokenBucket& rpm = s.Bucket(Api::kAnthropic, "rpm", key, s.config.rate_limits.anthropic_rpm);
  TokenBucket& itpm = s.Bucket(Api::kAnthropic, "itpm", key, s.config.rate_limits.anthropic_itpm);
  TokenBucket& otpm = s.Bucket(Api::kAnthropic, "otpm", key, s.config.rate_limits.anthropic_otpm);
  auto thousands = [](double v) { return std::to_string(static_cast<std::int64_t>(std::llround(v / 1000.0) * 1000)); };
  auto reset = [&](const TokenBucket& b) { return Rfc3339Seconds(now.wall + State::UntilFull(b, now.monotonic)); };
  h.Set("anthropic-ratelimit-requests-limit", std::to_string(static_cast<std::int64_t>(rpm.config().capacity)));
  h.Set("anthropic-ratelimit-requests-remaining", std::to_string(static_cast<std::int64_t>(rpm.Available(now.monotonic))));
  h.Set("anthropic-ratelimit-requests-reset", reset(rpm));
  // Choice: with no workspace limit, tokens-* is input + output combined (the reference's capture).
  h.Set("anthropic-ratelimit-tokens-limit",
        std::to_string(static_cast<std::int64_t>(itpm.config().capacity + otpm.config().capacity)));
  h.Set("anthropic-ratelimit-tokens-remaining", thousands(itpm.Available(now.monotonic) + otpm.Available(now.monotonic)));
  h.Set("anthropic-ratelimit-tokens-reset",
        Rfc3339Seconds(now.wall + std::max(State::UntilFull(itpm, now.monotonic), State::UntilFull(otpm, now.monotonic))));
  h.Set("anthropic-ratelimit-input-tokens-limit", std::to_string(static_cast<std::int64_t>(itpm.config().capacity)));
  h.Set("anthropic-ratelimit-input-tokens-remaining", thousands(itpm.Available(now.monotonic)));
  h.Set("anthropic-ratelimit-input-tokens-reset", reset(itpm));
  h.Set("anthropic-ratelimit-output-tokens-limit", std::to_string(static_cast<std::int64_t>(otpm.config().capacity)));
  h.Set("anthropic-ratelimit-output-tokens-remaining", thousands(otpm.Available(now.monotonic)));
  h.Set("anthropic-ratelimit-output-tokens-reset", reset(otpm));
}

// 1. Auth: x-api-key, or an OAuth Bearer token; then the anthropic-version header.
std::optional<sim::Response> Authenticate(const State& s, const sim::Request& request, const std::string& err_id,
                                          ApiRequest& p) {
  std::string_view key = request.headers.GetOr("x-api-key", "");
  const std::string_view auth = request.headers.GetOr("Authorization", "");
  if (key.empty() && auth.starts_with("Bearer ")) key = auth.substr(7);  // OAuth tokens
  // Choice: these message strings are not confirmed by a primary source (reference section 11).
  if (key.empty()) return AnthropicError(401, "authentication_error", "x-api-key header is required", err_id);
  p.api_key = std::string(key);
  if (!s.KeyAccepted(p.api_key)) return AnthropicError(401, "authentication_error", "invalid x-api-key", err_id);
  if (!request.headers.Has("anthropic-version")) {
    return AnthropicError(400, "invalid_request_error", "anthropic-version: header is required", err_id);
  }
  return std::nullopt;
}

// 2. The required fields, the model and the sampling parameters.
std::optional<sim::Response> CheckRequired(const State& s, const OrderedJson& body, const std::string& err_id,
                                           ApiRequest& p) {
  if (!body.contains("model") || !body["model"].is_string()) return Bad("model: Field required", err_id);
  if (!body.contains("max_tokens")) return Bad("max_tokens: Field required", err_id);
  if (!body.contains("messages")) return Bad("messages: Field required", err_id);
  if (!body["messages"].is_array()) return Bad("messages: Input should be a valid list", err_id);
  if (body["messages"].empty()) return Bad("messages: at least one message is required", err_id);
  p.model_name = body["model"].get<std::string>();
  p.profile = s.FindModel(p.model_name, Api::kAnthropic);
  if (p.profile == nullptr) return AnthropicError(404, "not_found_error", "model: " + p.model_name, err_id);
  if (auto refused = CheckSamplingParameters(body, false)) return Bad(refused->message, err_id);
  return std::nullopt;
}

// max_tokens: an integer >= 1 within the model's output limit.
std::optional<sim::Response> ReadMaxTokens(const OrderedJson& body, const std::string& err_id, ApiRequest& p) {
  if (body.contains("max_tokens") && !body["max_tokens"].is_null()) {
    if (!body["max_tokens"].is_number_integer()) return Bad("max_tokens: Input should be a valid integer", err_id);
    if (body["max_tokens"].get<std::int64_t>() < 1) {
      return Bad("max_tokens: Input should be a valid integer greater than or equal to 1", err_id);
    }
    p.max_tokens = body["max_tokens"].get<std::int64_t>();
  }
  if (p.max_tokens && *p.max_tokens > p.profile->max_output_tokens) {
    const std::string n = std::to_string(*p.max_tokens);
    const std::string limit = std::to_string(p.profile->max_output_tokens);
    return Bad("max_tokens: " + n + " > " + limit + ", which is the maximum allowed number of output tokens for " +
                   p.profile->snapshot,
               err_id);
  }
  return std::nullopt;
}

// The system field and the messages: all of them in the prompt and counted (3 tokens of framing
// each, one more for a name).
std::optional<sim::Response> ReadMessages(const OrderedJson& body, const std::string& err_id, ApiRequest& p) {
  p.input_tokens = 0;
  if (body.contains("system")) {
    p.system_text = TextOfContent(body["system"]);
    p.input_tokens += CountTextTokens(Api::kAnthropic, p.system_text) + 3;
  }
  std::string prompt = p.system_text;
  for (const OrderedJson& m : body["messages"]) {
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string()) {
      return Bad("messages: each message needs a role", err_id);
    }
    const std::string role = m["role"].get<std::string>();
    const std::string text = m.contains("content") ? TextOfContent(m["content"]) : "";
    p.input_tokens += CountTextTokens(Api::kAnthropic, text) + 3 + (m.contains("name") ? 1 : 0);
    if (role == "user") p.last_user = text;
    if (!prompt.empty()) prompt += "\n";
    prompt += text;
  }
  p.prompt_text = std::move(prompt);
  return std::nullopt;
}

// Streaming, tools and tool_choice (never refused: unknown shapes are ignored).
void ReadOptions(const OrderedJson& body, ApiRequest& p) {
  p.stream = body.value("stream", false);
  if (body.contains("tools") && body["tools"].is_array()) {
    for (const OrderedJson& t : body["tools"]) {
      if (!t.is_object() || !t.contains("name")) continue;
      p.tools.push_back({{"name", t.value("name", "")},
                         {"description", t.value("description", "")},
                         {"parameters", t.value("input_schema", OrderedJson::object())}});
    }
    p.input_tokens += CountTextTokens(Api::kAnthropic, body["tools"].dump(-1, ' ', false, kReplaceInvalidUtf8));
  }
  if (body.contains("tool_choice")) {
    const OrderedJson& tc = body["tool_choice"];
    if (tc.is_string()) {
      p.tools_disabled = tc == "none";
      p.tool_required = tc == "required";
    } else if (tc.is_object()) {
      const std::string type = tc.value("type", "");
      if (type == "tool") p.forced_tool = tc.value("name", "");
      if (type == "any") p.tool_required = true;
      if (type == "none") p.tools_disabled = true;
    }
  }
}

sim::Response RateLimited(State& s, const ApiRequest& p, sim::Moment now, const std::string& err_id,
                          std::string_view what, double limit, sim::Duration retry) {
  const std::string msg =
      "This request would exceed the rate limit for your organization of " +
      std::to_string(static_cast<std::int64_t>(limit)) + " " + std::string(what) +
      " per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the "
      "response headers for current usage. Please reduce the prompt length or the maximum tokens requested, "
      "or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss "
      "your options for a rate limit increase.";
  sim::Response r = AnthropicError(429, "rate_limit_error", msg, err_id);
  RateLimitHeaders(s, r.headers, p.api_key, now);
  r.headers.Set("retry-after", std::to_string(std::max<std::int64_t>(1, CeilSeconds(retry))));
  r.headers.Set("x-should-retry", "true");
  return r;
}

// The ids and fixed fields of one message's envelope.
struct Envelope {
  std::string id;
  std::string model;
  std::string finish;
  OrderedJson block;  // the one content block, complete
  OrderedJson usage;
};

sim::Response PlainMessage(const Envelope& e) {
  const OrderedJson doc = {{"id", e.id},
                           {"type", "message"},
                           {"role", "assistant"},
                           {"model", e.model},
                           {"content", OrderedJson::array({e.block})},
                           {"stop_reason", e.finish},
                           {"stop_sequence", nullptr},
                           {"usage", e.usage}};
  return JsonResponse(200, doc);
}

sim::Response StreamedMessage(const Answer& ans, const Envelope& e) {
  std::string out;
  auto event = [&out](std::string_view name, const OrderedJson& data) {
    out += "event: ";
    out += name;
    out += "\ndata: " + data.dump(-1, ' ', false, kReplaceInvalidUtf8) + "\n\n";
  };
  OrderedJson start_usage = e.usage;
  start_usage["output_tokens"] = 1;
  event("message_start", {{"type", "message_start"},
                          {"message",
                           {{"id", e.id},
                            {"type", "message"},
                            {"role", "assistant"},
                            {"model", e.model},
                            {"content", OrderedJson::array()},
                            {"stop_reason", nullptr},
                            {"stop_sequence", nullptr},
                            {"usage", start_usage}}}});
  OrderedJson start_block = e.block;
  if (ans.tool_call) {
    start_block["input"] = OrderedJson::object();
  } else {
    start_block["text"] = "";
  }
  event("content_block_start", {{"type", "content_block_start"}, {"index", 0}, {"content_block", start_block}});
  event("ping", {{"type", "ping"}});
  for (const std::string& piece : StreamPieces(ans.text)) {
    const OrderedJson delta = ans.tool_call ? OrderedJson{{"type", "input_json_delta"}, {"partial_json", piece}}
                                            : OrderedJson{{"type", "text_delta"}, {"text", piece}};
    event("content_block_delta", {{"type", "content_block_delta"}, {"index", 0}, {"delta", delta}});
  }
  event("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}});
  event("message_delta", {{"type", "message_delta"},
                          {"delta", {{"stop_reason", e.finish}, {"stop_sequence", nullptr}}},
                          {"usage", {{"output_tokens", ans.output_tokens}}}});
  event("message_stop", {{"type", "message_stop"}});
  return EventStreamResponse(std::move(out), "text/event-stream; charset=utf-8");
}

class Anthropic final : public Dialect {
 public:
  Api api() const override { return Api::kAnthropic; }
  std::uint64_t ErrorSalt() const override { return 0x0a2; }
  std::uint64_t ContentSalt() const override { return 0x52; }
  std::string RequestId(sim::Rng rng) const override { return AnthropicRequestId(rng); }

  sim::Expected<ApiRequest, sim::Response> Parse(const State& s, const sim::Request& request,
                                                 const std::string& err_id) const override {
    ApiRequest p;
    p.api = Api::kAnthropic;
    if (auto refused = Authenticate(s, request, err_id, p)) return sim::MakeUnexpected(std::move(*refused));
    p.body = ParseOrderedJsonText(request.body);
    if (p.body.is_discarded() || !p.body.is_object()) {
      return sim::MakeUnexpected(
          AnthropicError(400, "invalid_request_error", "There was an error parsing the body of your request.", err_id));
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
    TokenBucket& rpm = s.Bucket(Api::kAnthropic, "rpm", p.api_key, s.config.rate_limits.anthropic_rpm);
    TokenBucket& itpm = s.Bucket(Api::kAnthropic, "itpm", p.api_key, s.config.rate_limits.anthropic_itpm);
    TokenBucket& otpm = s.Bucket(Api::kAnthropic, "otpm", p.api_key, s.config.rate_limits.anthropic_otpm);
    const double in_cost = static_cast<double>(p.input_tokens);
    const sim::Instant at = now.monotonic;
    if (in_cost > itpm.config().capacity) {
      return RateLimited(s, p, now, err_id, "input tokens", itpm.config().capacity, sim::Minutes(1));
    }
    const TokenBucket::Decision r = rpm.TryTake(at, 1);
    if (!r.admitted) return RateLimited(s, p, now, err_id, "requests", rpm.config().capacity, r.retry_after);
    if (otpm.Available(at) < 1) {
      rpm.Refund(at, 1);
      const TokenBucket::Decision o = otpm.TryTake(at, 1);
      return RateLimited(s, p, now, err_id, "output tokens", otpm.config().capacity, o.retry_after);
    }
    const TokenBucket::Decision i = itpm.TryTake(at, in_cost);
    if (!i.admitted) {
      rpm.Refund(at, 1);
      return RateLimited(s, p, now, err_id, "input tokens", itpm.config().capacity, i.retry_after);
    }
    return std::nullopt;
  }

  sim::Response ScriptedError(int status, const std::string& type, const std::string& message,
                              const std::string& request_id) const override {
    return AnthropicError(status, type.empty() ? "api_error" : type, message, request_id);
  }
  sim::Response Overloaded(const std::string& request_id) const override {
    return AnthropicError(529, "overloaded_error", "Overloaded", request_id);
  }
  void StampErrorHeaders(State& s, sim::Response& r, const ApiRequest& p, const std::string& request_id,
                         sim::Moment now) const override {
    r.headers.Set("request-id", request_id);
    RateLimitHeaders(s, r.headers, p.api_key, now);
  }

  void Refuse(const ApiRequest&, bool, Answer& ans) const override {
    ans.text = "I can't help with that request.";
    ans.structured_refusal = false;
    ans.finish = Finish::kRefusal;
  }
  bool ToolInputIsAnObject() const override { return true; }
  // Output tokens per minute count what was generated.
  void ChargeOutput(State& s, const ApiRequest& p, std::int64_t output_tokens, sim::Moment now) const override {
    if (!s.config.rate_limits.enabled) return;
    TokenBucket& otpm = s.Bucket(Api::kAnthropic, "otpm", p.api_key, s.config.rate_limits.anthropic_otpm);
    const double take = std::min<double>(static_cast<double>(output_tokens), std::floor(otpm.Available(now.monotonic)));
    if (take > 0) otpm.TryTake(now.monotonic, take);
  }

  Rendered Render(State& s, const ApiRequest& p, const Answer& ans, sim::Rng ids, const std::string& request_id,
                  sim::Duration, sim::Moment now) const override {
    Envelope e;
    e.finish = ans.finish == Finish::kLength    ? "max_tokens"
               : ans.finish == Finish::kTool    ? "tool_use"
               : ans.finish == Finish::kRefusal ? "refusal"
                                                : "end_turn";
    e.id = "msg_01" + RandomAlnum(ids, 22, kBase62);
    const std::string tool_id = "toolu_01" + RandomAlnum(ids, 22, kBase62);
    e.model = p.profile->snapshot;
    if (ans.tool_call) {
      OrderedJson input = ParseOrderedJsonText(ans.text);
      if (input.is_discarded() || !input.is_object()) input = OrderedJson::object();  // truncated: as sent so far
      e.block = {{"type", "tool_use"}, {"id", tool_id}, {"name", ans.tool_name}, {"input", input}};
    } else {
      e.block = {{"type", "text"}, {"text", ans.text}};
    }
    e.usage = {{"input_tokens", p.input_tokens},
               {"cache_creation_input_tokens", 0},
               {"cache_read_input_tokens", 0},
               {"output_tokens", ans.output_tokens},
               {"service_tier", "standard"}};
    sim::Response r = p.stream ? StreamedMessage(ans, e) : PlainMessage(e);
    r.headers.Set("request-id", request_id);
    r.headers.Set("anthropic-organization-id", "00000000-0000-4000-8000-000000000000");
    RateLimitHeaders(s, r.headers, p.api_key, now);
    return {std::move(r), e.finish};
  }
};

}  // namespace

const Dialect& AnthropicDialect() {
  static const Anthropic dialect;
  return dialect;
}

}  // namespace rh::mocks::llm::detail
