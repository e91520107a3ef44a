// The LLM mock as a Service: construction, routing to the two API dialects (openai_dialect.cc,
// anthropic_dialect.cc, over the model call in model_call.cc), cassette record and replay, and
// the inspection surface. See llm_mock.h for the model.
// Choices where shared/reference/llm-api.md is unsure are marked "Choice:".
#include "mocks/llm/llm_mock.h"

#include <algorithm>

#include "dialect.h"
#include "mocks/common/linear_regex.h"
#include "llm_state.h"
#include "sim/untrusted_text.h"

namespace rh::mocks::llm {

using detail::AnthropicError;
using detail::OpenAiError;
using detail::OpenAiRequestId;

std::string_view FaultKindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kOverload: return "overload";
    case FaultKind::kRefusal: return "refusal";
    case FaultKind::kHallucinatedTracking: return "hallucinated_tracking";
    case FaultKind::kRefundPromise: return "refund_promise";
    case FaultKind::kInvalidJson: return "invalid_json";
    case FaultKind::kTruncated: return "truncated";
    case FaultKind::kSlowStream: return "slow_stream";
  }
  return "unknown";
}

ErrorModel ErrorModel::Uniform(double accuracy) {
  ErrorModel m;
  m.confusion.assign(kIntentCount, std::vector<double>(kIntentCount, (1.0 - accuracy) / (kIntentCount - 1)));
  for (int i = 0; i < kIntentCount; ++i) m.confusion[i][i] = accuracy;
  return m;
}

// Latency defaults from reference section 9 (third-party figures; configuration, not facts):
// GPT-4o class ~80 tok/s, Sonnet ~65, Haiku ~90, Opus ~40; TTFT medians 0.5–1.5 s.
std::vector<ModelProfile> DefaultModels() {
  return {
      {"gpt-4o-mini", "gpt-4o-mini-2024-07-18", Api::kOpenAi, 16384, false, sim::Ms(500), 0.35, 0.2, 85},
      {"gpt-4o", "gpt-4o-2024-08-06", Api::kOpenAi, 16384, false, sim::Ms(700), 0.35, 0.2, 80},
      {"gpt-4.1-mini", "gpt-4.1-mini-2025-04-14", Api::kOpenAi, 32768, false, sim::Ms(600), 0.35, 0.2, 80},
      {"gpt-5-mini", "gpt-5-mini-2025-08-07", Api::kOpenAi, 128000, true, sim::Ms(900), 0.4, 0.2, 70},
      {"o4-mini", "o4-mini-2025-04-16", Api::kOpenAi, 100000, true, sim::Ms(1200), 0.4, 0.2, 70},
      {"claude-haiku-4-5", "claude-haiku-4-5-20251001", Api::kAnthropic, 64000, false, sim::Ms(600), 0.35, 0.2, 90},
      {"claude-sonnet-4-5", "claude-sonnet-4-5-20250929", Api::kAnthropic, 64000, false, sim::Ms(1200), 0.35, 0.2, 65},
      {"claude-opus-4-1", "claude-opus-4-1-20250805", Api::kAnthropic, 32000, false, sim::Ms(1500), 0.35, 0.3, 40},
  };
}

// --- construction and the Service ---------------------------------------------------------------

LlmMock::LlmMock(Config config, sim::Rng rng) : state_(std::make_unique<State>(std::move(config), rng.Fork("mocks.llm"))) {
  State& s = *state_;
  if (s.config.cassette.mode == CassetteMode::kReplay && !s.config.cassette.path.empty()) {
    auto loaded = LoadCassette(s.config.cassette.path);
    if (loaded.has_value()) {
      s.cassette = std::move(*loaded);
    } else {
      s.cassette_error = loaded.error();
    }
  }
  for (std::size_t i = 0; i < s.cassette.size(); ++i) s.replay_index[s.cassette[i].key].push_back(i);
}

LlmMock::~LlmMock() = default;

sim::Response LlmMock::Handle(const sim::Request& request, sim::Moment now) {
  std::lock_guard lock(mu_);
  try {
    return state_->HandleLocked(request, now);
  } catch (const std::exception& e) {
    // A bug, or an input nothing anticipated: one request answered with the API's own 500
    // envelope, the reason on the response (x-rehearsal-failure) for whoever reads the trace,
    // never an exception out of Handle.
    const std::string rid = OpenAiRequestId(state_->rng.Fork("llm.failure", sim::StableHash(request.body)));
    sim::Response r = request.Path() == "/v1/messages"
                          ? AnthropicError(500, "api_error", "Internal server error", rid)
                          : OpenAiError(500, "The server had an error while processing your request. Sorry about that!",
                                        "server_error", nullptr, nullptr, rid);
    r.headers.Set("x-rehearsal-failure", sim::BoundedPrintable(e.what(), 512));
    return r;
  }
}

namespace {
bool IsApiPath(std::string_view path) { return path.starts_with("/v1/"); }
}  // namespace

sim::Task<sim::Response> LlmMock::HandleAsync(sim::Request request, sim::Moment now) {
  sim::HttpClient* upstream = nullptr;
  std::string host;
  sim::Duration timeout{};
  {
    std::lock_guard lock(mu_);
    const CassetteConfig& c = state_->config.cassette;
    if (c.mode == CassetteMode::kRecord && c.upstream != nullptr && IsApiPath(request.Path())) {
      upstream = c.upstream;
      host = c.upstream_host;
      timeout = c.upstream_timeout;
    }
  }
  if (upstream == nullptr) co_return Handle(request, now);
  sim::Request forwarded = request;
  forwarded.headers.Set("Host", host);
  // Named locals, not temporaries in the co_await operand (see ARCHITECTURE.md, GCC 12).
  sim::Task<sim::SendResult> sending = upstream->Send(std::move(forwarded), sim::SendOptions{timeout});
  sim::SendResult result = co_await std::move(sending);
  if (!result.has_value()) {
    const OrderedJson body = {{"error",
                               {{"message", "cassette recording: the upstream " + host + " gave no response: " +
                                                result.error().detail},
                                {"type", "upstream_error"},
                                {"param", nullptr},
                                {"code", std::string(sim::TransportErrorKindName(result.error().kind))}}}};
    co_return JsonResponse(502, body);
  }
  std::lock_guard lock(mu_);
  CassetteEntry entry = MakeCassetteEntry(request, *result);
  State& s = *state_;
  if (!s.config.cassette.path.empty() && !AppendCassette(s.config.cassette.path, entry)) {
    s.cassette_error = "cannot append to cassette " + s.config.cassette.path;
  }
  s.replay_index[entry.key].push_back(s.cassette.size());
  s.cassette.push_back(entry);
  co_return ResponseFromEntry(entry);
}

sim::Response detail::State::HandleLocked(const sim::Request& request, sim::Moment now) {
  const std::string_view path = request.Path();
  if (path.starts_with("/_rehearsal/")) return Inspect(request);
  if (config.cassette.mode == CassetteMode::kReplay && IsApiPath(path)) return Replay(request);
  if (request.method == sim::Method::kPost && path == "/v1/chat/completions") return HandleApi(request, now, detail::OpenAiDialect());
  if (request.method == sim::Method::kPost && path == "/v1/messages") return HandleApi(request, now, detail::AnthropicDialect());
  const std::string rid = OpenAiRequestId(rng.Fork("llm.notfound", sim::StableHash(request.target)));
  if (request.headers.Has("anthropic-version") || request.headers.Has("x-api-key")) {
    return AnthropicError(404, "not_found_error", "Not Found", rid);
  }
  return OpenAiError(404,
                     "Invalid URL (" + std::string(sim::MethodName(request.method)) + " " + std::string(path) + ")",
                     "invalid_request_error", nullptr, nullptr, rid);
}

sim::Response detail::State::Replay(const sim::Request& request) {
  const std::string key = CassetteKey(request);
  auto it = replay_index.find(key);
  if (it == replay_index.end() || !cassette_error.empty()) {
    std::string model;
    std::string first;
    DescribeRequest(request, model, first);
    const std::string message =
        !cassette_error.empty()
            ? "cassette replay: " + cassette_error
            : "cassette replay: no recording for " + std::string(sim::MethodName(request.method)) + " " +
                  std::string(request.Path()) + " (key " + key + ", model \"" + model + "\", first message \"" +
                  first + "\"); record it first";
    // Choice: 404, which neither SDK retries, in the envelope of the API the path belongs to,
    // with the key, model and first message as extra fields.
    const OrderedJson detail = {{"key", key}, {"model", model}, {"first_message", first}};
    OrderedJson body;
    if (request.Path() == "/v1/messages") {
      body = {{"type", "error"}, {"error", {{"type", "not_found_error"}, {"message", message}}}, {"cassette_miss", detail}};
    } else {
      body = {{"error", {{"message", message}, {"type", "invalid_request_error"}, {"param", nullptr}, {"code", "cassette_miss"}}},
              {"cassette_miss", detail}};
    }
    return JsonResponse(cassette_error.empty() ? 404 : 500, body);
  }
  std::size_t& served = replay_served[key];
  const std::size_t index = it->second[std::min(served, it->second.size() - 1)];
  ++served;
  return ResponseFromEntry(cassette[index]);
}

// --- inspection ----------------------------------------------------------------------------------

void LlmMock::SetFaultRates(const FaultRates& rates) {
  std::lock_guard lock(mu_);
  state_->config.faults = rates;
}
void LlmMock::SetErrorModel(const ErrorModel& model) {
  std::lock_guard lock(mu_);
  state_->config.error_model = model;
}
void LlmMock::SetRateLimits(const RateLimits& limits) {
  std::lock_guard lock(mu_);
  state_->config.rate_limits = limits;
  state_->buckets.clear();
}
std::size_t LlmMock::AddScript(Script script) {
  std::lock_guard lock(mu_);
  state_->scripts.push_back(std::move(script));
  return state_->scripts.size() - 1;
}
void LlmMock::ClearScripts() {
  std::lock_guard lock(mu_);
  state_->scripts.clear();
}
std::vector<CallRecord> LlmMock::Calls() const {
  std::lock_guard lock(mu_);
  return {state_->calls.begin(), state_->calls.end()};
}
std::vector<FaultRecord> LlmMock::Faults() const {
  std::lock_guard lock(mu_);
  return state_->faults;
}
std::uint64_t LlmMock::DroppedCalls() const {
  std::lock_guard lock(mu_);
  return state_->dropped;
}
std::vector<CassetteEntry> LlmMock::CassetteEntries() const {
  std::lock_guard lock(mu_);
  return state_->cassette;
}

namespace {

OrderedJson CallJson(const CallRecord& c) {
  OrderedJson faults = OrderedJson::array();
  for (FaultKind k : c.faults) faults.push_back(FaultKindName(k));
  return {{"seq", c.seq},
          {"at_ns", static_cast<std::int64_t>(c.at.time_since_epoch().count())},
          {"api", c.api == Api::kOpenAi ? "openai" : "anthropic"},
          {"request_id", c.request_id},
          {"model", c.model},
          {"task", c.task == CallTask::kClassify ? "classify" : c.task == CallTask::kDraft ? "draft" : "scripted"},
          {"structured", c.structured},
          {"stream", c.stream},
          {"truth", IntentName(c.truth)},
          {"answered", IntentName(c.answered)},
          {"confidence", c.confidence},
          {"ambiguous", c.ambiguous},
          {"faults", faults},
          {"hallucinated_tracking", c.hallucinated_tracking},
          {"status", c.status},
          {"finish_reason", c.finish_reason},
          {"input_tokens", c.input_tokens},
          {"output_tokens", c.output_tokens},
          {"latency_ms", std::chrono::duration<double, std::milli>(c.latency).count()},
          {"script", c.script},
          {"content", c.content}};
}

bool ReadRate(const Json& doc, const char* key, double& out, std::string& error) {
  if (!doc.contains(key)) return true;
  // A slow factor stretches latency: at most 1000x, so modelled times stay far from overflow.
  const bool slow = std::string_view(key) == "slow_factor";
  if (!NumberWithin(doc[key], 0.0, slow ? 1000.0 : 1.0)) {
    error = std::string(key) + (slow ? " must be a number in [0, 1000]" : " must be a number in [0, 1]");
    return false;
  }
  out = doc[key].get<double>();
  return true;
}

// PUT /_rehearsal/error-model over `m`: an accuracy (a uniform confusion), the swap rate of
// ambiguous messages, and confusion cells by intent; what is wrong otherwise.
sim::Expected<ErrorModel, std::string> ReadErrorModel(const Json& doc, ErrorModel m) {
  std::string error;
  if (doc.contains("accuracy")) {
    double a = 0;
    if (!ReadRate(doc, "accuracy", a, error)) return sim::MakeUnexpected(error);
    m.confusion = ErrorModel::Uniform(a).confusion;
  }
  if (!ReadRate(doc, "ambiguous_swap", m.ambiguous_swap, error)) return sim::MakeUnexpected(error);
  if (doc.contains("confusion")) {
    const Json& c = doc["confusion"];
    if (!c.is_object()) return sim::MakeUnexpected(std::string("confusion must be an object of objects"));
    if (m.confusion.size() != static_cast<std::size_t>(kIntentCount)) m.confusion = ErrorModel::Uniform(1.0).confusion;
    for (const auto& [truth, row] : c.items()) {
      const auto t = ParseIntent(truth);
      if (!t || !row.is_object()) return sim::MakeUnexpected("unknown intent " + truth);
      std::vector<double> r(kIntentCount, 0.0);
      for (const auto& [answer, p] : row.items()) {
        const auto a = ParseIntent(answer);
        if (!a || !NumberWithin(p, 0.0, 1e6)) return sim::MakeUnexpected("bad cell " + truth + "/" + answer);
        r[static_cast<int>(*a)] = p.get<double>();
      }
      m.confusion[static_cast<int>(*t)] = r;
    }
  }
  return m;
}

// POST /_rehearsal/scripts: a scripted answer and when it applies; what is wrong otherwise.
sim::Expected<Script, std::string> ReadScript(const Json& d) {
  Script s;
  s.contains = d.value("contains", "");
  s.regex = d.value("regex", "");
  s.nth_call = d.value("nth_call", std::uint64_t{0});
  if (d.contains("api")) {
    const std::string api = d.value("api", "");
    if (api != "openai" && api != "anthropic") return sim::MakeUnexpected(std::string("api must be \"openai\" or \"anthropic\""));
    s.api = api == "openai" ? Api::kOpenAi : Api::kAnthropic;
  }
  s.text = d.value("text", "");
  if (d.contains("json")) s.json = OrderedJson::parse(d["json"].dump());
  s.status = d.value("status", 0);
  if (s.status != 0 && (s.status < 400 || s.status > 599)) {
    return sim::MakeUnexpected(std::string("status must be from 400 to 599"));
  }
  s.error_type = d.value("error_type", "");
  s.error_message = d.value("error_message", "");
  s.times = d.value("times", std::uint64_t{0});
  if (!s.regex.empty()) {
    if (const auto regex = LinearRegex::Compile(s.regex); !regex) return sim::MakeUnexpected("invalid regex: " + regex.error());
  }
  return s;
}

}  // namespace

sim::Response detail::State::Inspect(const sim::Request& request) {
  // Wrong JSON types in an inspection body are the caller's error, not an exception to leak.
  try {
    return InspectUnchecked(request);
  } catch (const Json::exception& e) {
    return JsonResponse(400, Json{{"error", std::string("bad inspection body: ") + e.what()}});
  }
}

sim::Response detail::State::InspectUnchecked(const sim::Request& request) {
  const std::string_view path = request.Path();
  auto fail = [](int status, const std::string& message) { return JsonResponse(status, Json{{"error", message}}); };
  if (request.method == sim::Method::kGet && path == "/_rehearsal/calls") {
    OrderedJson data = OrderedJson::array();
    for (const CallRecord& c : calls) data.push_back(CallJson(c));
    return JsonResponse(200, OrderedJson{{"data", data}, {"dropped", dropped}});
  }
  if (request.method == sim::Method::kGet && path == "/_rehearsal/faults") {
    OrderedJson data = OrderedJson::array();
    for (const FaultRecord& f : faults) {
      data.push_back({{"call_seq", f.call_seq}, {"request_id", f.request_id}, {"fault", FaultKindName(f.kind)}, {"detail", f.detail}});
    }
    return JsonResponse(200, OrderedJson{{"data", data}});
  }
  if (request.method == sim::Method::kGet && path == "/_rehearsal/config") {
    const FaultRates& f = config.faults;
    const RateLimits& l = config.rate_limits;
    return JsonResponse(200, OrderedJson{{"faults",
                                          {{"overload", f.overload},
                                           {"refusal", f.refusal},
                                           {"hallucinated_tracking", f.hallucinated_tracking},
                                           {"refund_promise", f.refund_promise},
                                           {"invalid_json", f.invalid_json},
                                           {"truncated", f.truncated},
                                           {"slow_stream", f.slow_stream},
                                           {"slow_factor", f.slow_factor}}},
                                         {"error_model",
                                          {{"confusion", config.error_model.confusion},
                                           {"ambiguous_swap", config.error_model.ambiguous_swap}}},
                                         {"rate_limits",
                                          {{"enabled", l.enabled},
                                           {"openai_rpm", l.openai_rpm},
                                           {"openai_tpm", l.openai_tpm},
                                           {"anthropic_rpm", l.anthropic_rpm},
                                           {"anthropic_itpm", l.anthropic_itpm},
                                           {"anthropic_otpm", l.anthropic_otpm}}}});
  }
  if (request.method == sim::Method::kDelete && path == "/_rehearsal/scripts") {
    scripts.clear();
    return JsonResponse(200, Json::object());
  }
  std::string error;
  const auto doc = ParseJsonBody(request, &error);
  if (request.method == sim::Method::kPut || request.method == sim::Method::kPost) {
    if (!doc || !doc->is_object()) return fail(400, error.empty() ? "the body must be a JSON object" : error);
  }
  if (request.method == sim::Method::kPut && path == "/_rehearsal/faults") {
    FaultRates r = config.faults;
    if (!ReadRate(*doc, "overload", r.overload, error) || !ReadRate(*doc, "refusal", r.refusal, error) ||
        !ReadRate(*doc, "hallucinated_tracking", r.hallucinated_tracking, error) ||
        !ReadRate(*doc, "refund_promise", r.refund_promise, error) ||
        !ReadRate(*doc, "invalid_json", r.invalid_json, error) || !ReadRate(*doc, "truncated", r.truncated, error) ||
        !ReadRate(*doc, "slow_stream", r.slow_stream, error) || !ReadRate(*doc, "slow_factor", r.slow_factor, error)) {
      return fail(400, error);
    }
    config.faults = r;
    return JsonResponse(200, Json::object());
  }
  if (request.method == sim::Method::kPut && path == "/_rehearsal/error-model") {
    auto m = ReadErrorModel(*doc, config.error_model);
    if (!m) return fail(400, m.error());
    config.error_model = std::move(*m);
    return JsonResponse(200, Json::object());
  }
  if (request.method == sim::Method::kPut && path == "/_rehearsal/rate-limits") {
    RateLimits l = config.rate_limits;
    if (doc->contains("enabled")) l.enabled = (*doc)["enabled"].is_boolean() && (*doc)["enabled"].get<bool>();
    for (auto [key, field] : {std::pair<const char*, double*>{"openai_rpm", &l.openai_rpm}, {"openai_tpm", &l.openai_tpm},
                              {"anthropic_rpm", &l.anthropic_rpm}, {"anthropic_itpm", &l.anthropic_itpm},
                              {"anthropic_otpm", &l.anthropic_otpm}}) {
      if (!doc->contains(key)) continue;
      // Per minute, from 0.01 (a bucket refilling a millionth of a token per second, the
      // token bucket's resolution) to a billion.
      const auto per_minute = NumberWithin((*doc)[key], 0.01, 1e9);
      if (!per_minute) return fail(400, std::string(key) + " must be a number from 0.01 to 1000000000");
      *field = *per_minute;
    }
    config.rate_limits = l;
    buckets.clear();
    return JsonResponse(200, Json::object());
  }
  if (request.method == sim::Method::kPost && path == "/_rehearsal/scripts") {
    auto script = ReadScript(*doc);
    if (!script) return fail(400, script.error());
    scripts.push_back(std::move(*script));
    return JsonResponse(201, Json{{"id", scripts.size() - 1}});
  }
  return fail(404, "no inspection route " + std::string(sim::MethodName(request.method)) + " " + std::string(path));
}

}  // namespace rh::mocks::llm
