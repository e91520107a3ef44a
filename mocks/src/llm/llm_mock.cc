// The LLM mock's handler: validation, rate limits, the error model and faults over the pretend
// model, and the two APIs' envelopes (plain and streamed). See llm_mock.h for the model.
// Choices where shared/reference/llm-api.md is unsure are marked "Choice:".
#include "mocks/llm/llm_mock.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "mocks/common/linear_regex.h"
#include "sim/crypto.h"
#include "sim/untrusted_text.h"

namespace rh::mocks::llm {

namespace {

constexpr std::string_view kSource = "mocks.llm";

// --- small helpers -------------------------------------------------------------------------

std::string RandomAlnum(sim::Rng& rng, std::size_t n, std::string_view alphabet) {
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out += alphabet[rng.Below(alphabet.size())];
  return out;
}
constexpr std::string_view kBase62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kHex = "0123456789abcdef";
constexpr std::string_view kUpperAlnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

double Round2(double x) { return std::round(x * 100.0) / 100.0; }

// Go's time.Duration.String() for a duration rounded to the millisecond: "0s", "12ms", "1s",
// "6m0s", "2m59.56s" — the format of OpenAI's x-ratelimit-reset-* headers.
std::string GoDuration(sim::Duration d) {
  std::int64_t ms = (std::chrono::duration_cast<std::chrono::microseconds>(d).count() + 999) / 1000;
  if (ms <= 0) return "0s";
  if (ms < 1000) return std::to_string(ms) + "ms";
  std::string out;
  const std::int64_t hours = ms / 3'600'000;
  ms %= 3'600'000;
  const std::int64_t minutes = ms / 60'000;
  ms %= 60'000;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  std::string secs = std::to_string(ms / 1000);
  if (ms % 1000 != 0) {
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms % 1000));
    std::string f = frac;
    while (f.back() == '0') f.pop_back();
    secs += f;
  }
  return out + secs + "s";
}

std::int64_t CeilSeconds(sim::Duration d) {
  const auto ns = d.count();
  return ns <= 0 ? 0 : (ns + 999'999'999) / 1'000'000'000;
}

// "2025-02-24T22:25:47Z": RFC 3339 at whole seconds (rounded up), as Anthropic's reset headers.
std::string Rfc3339Seconds(sim::WallTime t) {
  const auto secs = std::chrono::ceil<std::chrono::seconds>(t);
  std::string s = sim::FormatRfc3339Utc(sim::WallTime(secs));
  const std::size_t dot = s.find('.');
  if (dot != std::string::npos) s = s.substr(0, dot) + "Z";
  return s;
}

std::string TextOfContent(const OrderedJson& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (!content.is_array()) return out;
  for (const OrderedJson& part : content) {
    if (!part.is_object()) continue;
    if (part.contains("text") && part["text"].is_string()) {
      if (!out.empty()) out += "\n";
      out += part["text"].get<std::string>();
    } else if (part.contains("content")) {  // an Anthropic tool_result block
      if (!out.empty()) out += "\n";
      out += TextOfContent(part["content"]);
    }
  }
  return out;
}

std::string Lower(std::string_view s) { return ToLowerAscii(s); }

bool NameMentions(std::string_view text, std::initializer_list<std::string_view> words) {
  const std::string lower = Lower(text);
  for (std::string_view w : words) {
    if (lower.find(w) != std::string::npos) return true;
  }
  return false;
}

// Pieces of a streamed text: cut after whitespace once a piece has 12 bytes or more.
std::vector<std::string> StreamPieces(const std::string& text) {
  std::vector<std::string> out;
  std::string piece;
  for (char c : text) {
    piece += c;
    if ((c == ' ' || c == '\n') && piece.size() >= 12) {
      out.push_back(std::move(piece));
      piece.clear();
    }
  }
  if (!piece.empty()) out.push_back(std::move(piece));
  return out;
}

// --- the parsed request ----------------------------------------------------------------------

enum class Format { kText, kJsonObject, kJsonSchema };
enum class Finish { kStop, kLength, kTool, kRefusal };

struct Parsed {
  Api api = Api::kOpenAi;
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

struct Answer {
  bool tool_call = false;
  std::string tool_name;
  std::string text;  // content, or the tool arguments as JSON text
  bool refusal = false;
  bool structured_refusal = false;  // OpenAI json_schema: the `refusal` field, content null
  Finish finish = Finish::kStop;
  std::int64_t output_tokens = 0;
};

const std::vector<std::string_view> kIntentKeys = {"intent", "label", "category", "classification"};
const std::vector<std::string_view> kConfidenceKeys = {"confidence", "score", "probability"};
const std::vector<std::string_view> kReasonKeys = {"reasons", "reasoning", "rationale", "explanation", "evidence"};
const std::vector<std::string_view> kReplyKeys = {"reply", "draft", "body", "message", "response", "text", "answer"};

bool In(const std::vector<std::string_view>& keys, std::string_view k) {
  return std::find(keys.begin(), keys.end(), k) != keys.end();
}

bool SchemaHasIntent(const OrderedJson& schema) {
  if (!schema.is_object() || !schema.contains("properties") || !schema["properties"].is_object()) return false;
  for (const auto& [name, _] : schema["properties"].items()) {
    if (In(kIntentKeys, Lower(name))) return true;
  }
  return false;
}

std::string FirstType(const OrderedJson& prop) {
  if (!prop.is_object() || !prop.contains("type")) return prop.is_object() && prop.contains("properties") ? "object" : "string";
  const OrderedJson& t = prop["type"];
  if (t.is_string()) return t.get<std::string>();
  if (t.is_array()) {
    for (const OrderedJson& x : t) {
      if (x.is_string() && x.get<std::string>() != "null") return x.get<std::string>();
    }
  }
  return "string";
}

// What the model fills a schema with.
struct Values {
  bool classify = false;
  Intent intent = Intent::kOther;
  double confidence = 0;
  std::vector<std::string> reasons;
  std::string reply;
};

std::string IntentForEnum(const OrderedJson& prop, Intent intent) {
  if (!prop.is_object() || !prop.contains("enum") || !prop["enum"].is_array() || prop["enum"].empty()) {
    return std::string(IntentName(intent));
  }
  std::string other;
  for (const OrderedJson& v : prop["enum"]) {
    if (!v.is_string()) continue;
    const auto parsed = ParseIntent(v.get<std::string>());
    if (parsed == intent) return v.get<std::string>();
    if (parsed == Intent::kOther) other = v.get<std::string>();
  }
  // Choice: an intent the schema cannot express falls back to its "other", else its first value.
  if (!other.empty()) return other;
  return prop["enum"][0].is_string() ? prop["enum"][0].get<std::string>() : std::string(IntentName(intent));
}

OrderedJson FillSchema(const OrderedJson& schema, const Values& v, int depth) {
  OrderedJson out = OrderedJson::object();
  if (depth > 4 || !schema.is_object() || !schema.contains("properties") || !schema["properties"].is_object()) {
    if (v.classify) {
      out["intent"] = IntentName(v.intent);
      out["confidence"] = v.confidence;
      out["reasons"] = v.reasons;
    } else {
      out["reply"] = v.reply;
    }
    return out;
  }
  for (const auto& [name, prop] : schema["properties"].items()) {
    const std::string key = Lower(name);
    const std::string type = FirstType(prop);
    if (v.classify && In(kIntentKeys, key)) {
      out[name] = IntentForEnum(prop, v.intent);
    } else if (v.classify && In(kConfidenceKeys, key)) {
      out[name] = v.confidence;
    } else if (v.classify && In(kReasonKeys, key)) {
      if (type == "array") {
        out[name] = v.reasons;
      } else {
        std::string joined;
        for (const auto& r : v.reasons) joined += (joined.empty() ? "" : "; ") + r;
        out[name] = joined;
      }
    } else if (!v.classify && In(kReplyKeys, key) && type == "string") {
      out[name] = v.reply;
    } else if (prop.is_object() && prop.contains("enum") && prop["enum"].is_array() && !prop["enum"].empty()) {
      out[name] = prop["enum"][0];
    } else if (type == "number" || type == "integer") {
      out[name] = 0;
    } else if (type == "boolean") {
      out[name] = false;
    } else if (type == "array") {
      out[name] = OrderedJson::array();
    } else if (type == "object") {
      out[name] = FillSchema(prop, v, depth + 1);
    } else if (type == "null") {
      out[name] = nullptr;
    } else {
      out[name] = "";
    }
  }
  return out;
}

// A fact line "Intent: <label>" in the prompt tells the drafter which reply to write.
std::optional<Intent> StatedIntent(std::string_view prompt) {
  std::size_t start = 0;
  while (start < prompt.size()) {
    std::size_t end = prompt.find('\n', start);
    if (end == std::string_view::npos) end = prompt.size();
    std::string line = Lower(prompt.substr(start, end - start));
    const std::size_t first = line.find_first_not_of(" \t-*");
    if (first != std::string::npos && line.compare(first, 7, "intent:") == 0) {
      std::string value = line.substr(first + 7);
      value.erase(0, value.find_first_not_of(' '));
      while (!value.empty() && (value.back() == ' ' || value.back() == '\r' || value.back() == '.')) value.pop_back();
      if (auto intent = ParseIntent(value)) return intent;
    }
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace

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

// --- state -----------------------------------------------------------------------------------

struct LlmMock::State {
  Config config;
  sim::Rng rng;
  std::map<std::string, TokenBucket> buckets;           // "<api>|<limit>|<key>"
  std::map<std::uint64_t, std::uint64_t> occurrences;   // content hash -> admitted calls so far
  std::vector<Script> scripts;
  std::deque<CallRecord> calls;
  std::uint64_t dropped = 0;
  std::uint64_t next_seq = 0;
  std::vector<FaultRecord> faults;
  std::vector<CassetteEntry> cassette;
  std::map<std::string, std::vector<std::size_t>> replay_index;  // key -> entries, in order
  std::map<std::string, std::size_t> replay_served;
  std::string cassette_error;

  State(Config c, sim::Rng r) : config(std::move(c)), rng(r) {}

  // --- rate limits ---
  TokenBucket& Bucket(Api api, std::string_view limit, const std::string& key, double per_minute) {
    const std::string id = std::string(api == Api::kOpenAi ? "openai|" : "anthropic|") + std::string(limit) + "|" + key;
    auto it = buckets.find(id);
    if (it == buckets.end()) {
      it = buckets.emplace(id, TokenBucket(TokenBucket::Config{per_minute, per_minute / 60.0})).first;
    }
    return it->second;
  }
  static sim::Duration UntilFull(const TokenBucket& b, sim::Instant now) {
    const double missing = b.config().capacity - b.Available(now);
    if (missing <= 0) return sim::Duration{0};
    return sim::Duration(static_cast<std::int64_t>(std::ceil(missing / b.config().refill_per_second * 1e9)));
  }
  void OpenAiHeaders(sim::Headers& h, const std::string& key, sim::Instant now) {
    if (!config.rate_limits.enabled) return;
    TokenBucket& rpm = Bucket(Api::kOpenAi, "rpm", key, config.rate_limits.openai_rpm);
    TokenBucket& tpm = Bucket(Api::kOpenAi, "tpm", key, config.rate_limits.openai_tpm);
    h.Set("x-ratelimit-limit-requests", std::to_string(static_cast<std::int64_t>(rpm.config().capacity)));
    h.Set("x-ratelimit-limit-tokens", std::to_string(static_cast<std::int64_t>(tpm.config().capacity)));
    h.Set("x-ratelimit-remaining-requests", std::to_string(static_cast<std::int64_t>(rpm.Available(now))));
    h.Set("x-ratelimit-remaining-tokens", std::to_string(static_cast<std::int64_t>(tpm.Available(now))));
    h.Set("x-ratelimit-reset-requests", GoDuration(UntilFull(rpm, now)));
    h.Set("x-ratelimit-reset-tokens", GoDuration(UntilFull(tpm, now)));
  }
  void AnthropicHeaders(sim::Headers& h, const std::string& key, sim::Moment now) {
    if (!config.rate_limits.enabled) return;
    TokenBucket& rpm = Bucket(Api::kAnthropic, "rpm", key, config.rate_limits.anthropic_rpm);
    TokenBucket& itpm = Bucket(Api::kAnthropic, "itpm", key, config.rate_limits.anthropic_itpm);
    TokenBucket& otpm = Bucket(Api::kAnthropic, "otpm", key, config.rate_limits.anthropic_otpm);
    auto thousands = [](double v) { return std::to_string(static_cast<std::int64_t>(std::llround(v / 1000.0) * 1000)); };
    auto reset = [&](const TokenBucket& b) { return Rfc3339Seconds(now.wall + UntilFull(b, now.monotonic)); };
    h.Set("anthropic-ratelimit-requests-limit", std::to_string(static_cast<std::int64_t>(rpm.config().capacity)));
    h.Set("anthropic-ratelimit-requests-remaining", std::to_string(static_cast<std::int64_t>(rpm.Available(now.monotonic))));
    h.Set("anthropic-ratelimit-requests-reset", reset(rpm));
    // Choice: with no workspace limit, tokens-* is input + output combined (the reference's capture).
    h.Set("anthropic-ratelimit-tokens-limit",
          std::to_string(static_cast<std::int64_t>(itpm.config().capacity + otpm.config().capacity)));
    h.Set("anthropic-ratelimit-tokens-remaining", thousands(itpm.Available(now.monotonic) + otpm.Available(now.monotonic)));
    h.Set("anthropic-ratelimit-tokens-reset",
          Rfc3339Seconds(now.wall + std::max(UntilFull(itpm, now.monotonic), UntilFull(otpm, now.monotonic))));
    h.Set("anthropic-ratelimit-input-tokens-limit", std::to_string(static_cast<std::int64_t>(itpm.config().capacity)));
    h.Set("anthropic-ratelimit-input-tokens-remaining", thousands(itpm.Available(now.monotonic)));
    h.Set("anthropic-ratelimit-input-tokens-reset", reset(itpm));
    h.Set("anthropic-ratelimit-output-tokens-limit", std::to_string(static_cast<std::int64_t>(otpm.config().capacity)));
    h.Set("anthropic-ratelimit-output-tokens-remaining", thousands(otpm.Available(now.monotonic)));
    h.Set("anthropic-ratelimit-output-tokens-reset", reset(otpm));
  }

  const ModelProfile* FindModel(std::string_view name, Api api) const {
    for (const ModelProfile& m : config.models) {
      if (m.api == api && (m.name == name || m.snapshot == name)) return &m;
    }
    return nullptr;
  }

  bool KeyAccepted(const std::string& key) const {
    if (config.api_keys.empty()) return true;
    return std::find(config.api_keys.begin(), config.api_keys.end(), key) != config.api_keys.end();
  }

  void AddCall(CallRecord record) {
    if (config.trace != nullptr) {
      config.trace->Record(record.at, kSource, "llm.call",
                           {{"seq", record.seq}, {"request_id", record.request_id}, {"model", record.model},
                            {"status", record.status}, {"truth", std::string(IntentName(record.truth))},
                            {"answered", std::string(IntentName(record.answered))},
                            {"input_tokens", record.input_tokens}, {"output_tokens", record.output_tokens},
                            {"latency_ns", static_cast<std::int64_t>(record.latency.count())}});
    }
    for (FaultKind kind : record.faults) {
      FaultRecord f{record.seq, record.request_id, kind,
                    kind == FaultKind::kHallucinatedTracking ? record.hallucinated_tracking : ""};
      if (config.trace != nullptr) {
        config.trace->Record(record.at, kSource, "llm.fault",
                             {{"seq", f.call_seq}, {"request_id", f.request_id},
                              {"fault", std::string(FaultKindName(kind))}, {"detail", f.detail}});
      }
      faults.push_back(std::move(f));
    }
    calls.push_back(std::move(record));
    while (calls.size() > config.call_log_capacity) {
      calls.pop_front();
      ++dropped;
    }
  }

  sim::Response HandleLocked(const sim::Request& request, sim::Moment now);
  sim::Response Inspect(const sim::Request& request);
  sim::Response InspectUnchecked(const sim::Request& request);
  sim::Response Replay(const sim::Request& request);
  sim::Response HandleApi(const sim::Request& request, sim::Moment now, llm::Api api);
};

// --- error envelopes ---------------------------------------------------------------------------

namespace {

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
std::optional<ParameterRefusal> CheckSamplingParameters(const OrderedJson& body, bool openai) {
  auto number_in = [&](const char* field, double max) -> std::optional<ParameterRefusal> {
    if (!body.contains(field) || body[field].is_null()) return std::nullopt;
    const OrderedJson& v = body[field];
    const std::string f(field);
    const std::string shown = std::to_string(static_cast<int>(max));  // the limits are whole numbers
    if (!v.is_number()) {
      if (openai) {
        return ParameterRefusal{"Invalid type for '" + f + "': expected a decimal, but got a " +
                                    std::string(v.type_name()) + " instead.",
                                f, "invalid_type"};
      }
      return ParameterRefusal{f + ": Input should be a valid number", f, ""};
    }
    const double x = v.get<double>();
    if (x >= 0.0 && x <= max) return std::nullopt;
    if (!openai) return ParameterRefusal{f + ": range: 0.." + shown, f, ""};
    if (x < 0.0) {
      return ParameterRefusal{"Invalid '" + f + "': decimal below minimum value. Expected a value >= 0, but got " +
                                  v.dump() + " instead.",
                              f, "decimal_below_min_value"};
    }
    return ParameterRefusal{"Invalid '" + f + "': decimal above maximum value. Expected a value <= " + shown +
                                ", but got " + v.dump() + " instead.",
                            f, "decimal_above_max_value"};
  };
  if (auto r = number_in("temperature", openai ? 2.0 : 1.0)) return r;
  if (auto r = number_in("top_p", 1.0)) return r;
  if (openai && body.contains("n") && !body["n"].is_null()) {
    const OrderedJson& n = body["n"];
    if (!n.is_number_integer()) {
      return ParameterRefusal{"Invalid type for 'n': expected an integer, but got a " + std::string(n.type_name()) +
                                  " instead.",
                              "n", "invalid_type"};
    }
    if (n.get<std::int64_t>() < 1) {
      return ParameterRefusal{"Invalid 'n': integer below minimum value. Expected a value >= 1, but got " + n.dump() +
                                  " instead.",
                              "n", "integer_below_min_value"};
    }
  }
  return std::nullopt;
}

sim::Response OpenAiError(int status, std::string_view message, std::string_view type, const OrderedJson& param,
                          const OrderedJson& code, const std::string& request_id) {
  const OrderedJson body = {{"error", {{"message", message}, {"type", type}, {"param", param}, {"code", code}}}};
  sim::Response r = JsonResponse(status, body);
  r.headers.Set("x-request-id", request_id);
  return r;
}

sim::Response AnthropicError(int status, std::string_view type, std::string_view message, const std::string& request_id) {
  const OrderedJson body = {{"type", "error"}, {"error", {{"type", type}, {"message", message}}}, {"request_id", request_id}};
  sim::Response r = JsonResponse(status, body);
  r.headers.Set("request-id", request_id);
  return r;
}

std::string MaskKey(const std::string& key) {
  if (key.size() <= 9) return "***";
  return key.substr(0, 6) + "***" + key.substr(key.size() - 3);
}

std::string OpenAiRequestId(sim::Rng rng) { return "req_" + RandomAlnum(rng, 32, kHex); }
std::string AnthropicRequestId(sim::Rng rng) { return "req_011C" + RandomAlnum(rng, 20, kBase62); }

}  // namespace

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

sim::Response LlmMock::State::HandleLocked(const sim::Request& request, sim::Moment now) {
  const std::string_view path = request.Path();
  if (path.starts_with("/_rehearsal/")) return Inspect(request);
  if (config.cassette.mode == CassetteMode::kReplay && IsApiPath(path)) return Replay(request);
  if (request.method == sim::Method::kPost && path == "/v1/chat/completions") return HandleApi(request, now, Api::kOpenAi);
  if (request.method == sim::Method::kPost && path == "/v1/messages") return HandleApi(request, now, Api::kAnthropic);
  const std::string rid = OpenAiRequestId(rng.Fork("llm.notfound", sim::StableHash(request.target)));
  if (request.headers.Has("anthropic-version") || request.headers.Has("x-api-key")) {
    return AnthropicError(404, "not_found_error", "Not Found", rid);
  }
  return OpenAiError(404,
                     "Invalid URL (" + std::string(sim::MethodName(request.method)) + " " + std::string(path) + ")",
                     "invalid_request_error", nullptr, nullptr, rid);
}

sim::Response LlmMock::State::Replay(const sim::Request& request) {
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

// --- the APIs ----------------------------------------------------------------------------------

sim::Response LlmMock::State::HandleApi(const sim::Request& request, sim::Moment now, llm::Api api) {
  const bool openai = api == Api::kOpenAi;
  // Error responses draw their ids from the content, so they are reproducible too.
  const std::uint64_t body_hash = sim::StableHash(request.body, openai ? 0x0a1 : 0x0a2);
  sim::Rng err_rng = rng.Fork("llm.error", body_hash);
  const std::string err_id = openai ? OpenAiRequestId(err_rng) : AnthropicRequestId(err_rng);

  Parsed p;
  p.api = api;
  // 1. Auth.
  if (openai) {
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
    if (!p.api_key.starts_with("sk-") || !KeyAccepted(p.api_key)) {
      return OpenAiError(401,
                         "Incorrect API key provided: " + MaskKey(p.api_key) +
                             ". You can find your API key at https://platform.openai.com/account/api-keys.",
                         "invalid_request_error", nullptr, "invalid_api_key", err_id);
    }
  } else {
    std::string_view key = request.headers.GetOr("x-api-key", "");
    const std::string_view auth = request.headers.GetOr("Authorization", "");
    if (key.empty() && auth.starts_with("Bearer ")) key = auth.substr(7);  // OAuth tokens
    // Choice: these message strings are not confirmed by a primary source (reference section 11).
    if (key.empty()) return AnthropicError(401, "authentication_error", "x-api-key header is required", err_id);
    p.api_key = std::string(key);
    if (!KeyAccepted(p.api_key)) return AnthropicError(401, "authentication_error", "invalid x-api-key", err_id);
    if (!request.headers.Has("anthropic-version")) {
      return AnthropicError(400, "invalid_request_error", "anthropic-version: header is required", err_id);
    }
  }
  // 2. The body.
  const OrderedJson body = ParseOrderedJsonText(request.body);
  if (body.is_discarded() || !body.is_object()) {
    if (openai) {
      return OpenAiError(400,
                         "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
                         "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
                         "sent was not valid JSON. If you have trouble figuring out how to fix this, please contact "
                         "us through our help center at help.openai.com.)",
                         "invalid_request_error", nullptr, nullptr, err_id);
    }
    return AnthropicError(400, "invalid_request_error", "There was an error parsing the body of your request.", err_id);
  }
  auto bad = [&](std::string_view message, const OrderedJson& param, const OrderedJson& code) {
    return openai ? OpenAiError(400, message, "invalid_request_error", param, code, err_id)
                  : AnthropicError(400, "invalid_request_error", message, err_id);
  };
  if (!body.contains("model") || !body["model"].is_string()) {
    // Choice: OpenAI answers a missing model with param null (as the real service did when last
    // observed); Anthropic names the field in the message.
    return openai ? bad("you must provide a model parameter", nullptr, nullptr) : bad("model: Field required", nullptr, nullptr);
  }
  if (!openai && !body.contains("max_tokens")) return bad("max_tokens: Field required", nullptr, nullptr);
  if (!body.contains("messages")) {
    return openai ? bad("Missing required parameter: 'messages'.", "messages", "missing_required_parameter")
                  : bad("messages: Field required", nullptr, nullptr);
  }
  if (!body["messages"].is_array()) {
    return openai ? bad("Invalid type for 'messages': expected an array of objects, but got a " +
                            std::string(body["messages"].type_name()) + " instead.",
                        "messages", "invalid_type")
                  : bad("messages: Input should be a valid list", nullptr, nullptr);
  }
  if (body["messages"].empty()) {
    return openai ? bad("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty "
                        "array instead.",
                        "messages", "empty_array")
                  : bad("messages: at least one message is required", nullptr, nullptr);
  }
  const std::string model_name = body["model"].get<std::string>();
  p.profile = FindModel(model_name, api);
  if (p.profile == nullptr) {
    if (openai) {
      return OpenAiError(404, "The model `" + model_name + "` does not exist or you do not have access to it.",
                         "invalid_request_error", nullptr, "model_not_found", err_id);
    }
    return AnthropicError(404, "not_found_error", "model: " + model_name, err_id);
  }
  if (auto refused = CheckSamplingParameters(body, openai)) {
    return openai ? bad(refused->message, refused->param, refused->code) : bad(refused->message, nullptr, nullptr);
  }
  // max tokens.
  const char* max_field = nullptr;
  for (const char* f : openai ? std::vector<const char*>{"max_completion_tokens", "max_tokens"}
                              : std::vector<const char*>{"max_tokens"}) {
    if (body.contains(f) && !body[f].is_null()) {
      if (!body[f].is_number_integer()) {
        return openai ? bad(std::string("Invalid type for '") + f + "': expected an integer, but got a " +
                                body[f].type_name() + " instead.",
                            f, "invalid_type")
                      : bad(std::string(f) + ": Input should be a valid integer", nullptr, nullptr);
      }
      if (body[f].get<std::int64_t>() < 1) {
        return openai ? bad(std::string("Invalid '") + f + "': integer below minimum value. Expected a value >= 1.", f,
                            "integer_below_min_value")
                      : bad(std::string(f) + ": Input should be a valid integer greater than or equal to 1", nullptr, nullptr);
      }
      p.max_tokens = body[f].get<std::int64_t>();
      max_field = f;
      break;
    }
  }
  if (openai && p.profile->reasoning && body.contains("max_tokens")) {
    return bad("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' "
               "instead.",
               "max_tokens", "unsupported_parameter");
  }
  if (p.max_tokens && *p.max_tokens > p.profile->max_output_tokens) {
    const std::string n = std::to_string(*p.max_tokens);
    const std::string limit = std::to_string(p.profile->max_output_tokens);
    if (openai) {
      return bad(std::string(max_field) + " is too large: " + n + ". This model supports at most " + limit +
                     " completion tokens, whereas you provided " + n + ".",
                 max_field, "invalid_value");
    }
    return bad("max_tokens: " + n + " > " + limit + ", which is the maximum allowed number of output tokens for " +
                   p.profile->snapshot,
               nullptr, nullptr);
  }
  // Messages and system.
  std::int64_t input_tokens = openai ? 3 : 0;
  if (!openai && body.contains("system")) {
    p.system_text = TextOfContent(body["system"]);
    input_tokens += CountTextTokens(api, p.system_text) + 3;
  }
  std::string prompt = p.system_text;
  for (const OrderedJson& m : body["messages"]) {
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string()) {
      return openai ? bad("Invalid 'messages': each message must be an object with a 'role'.", "messages", "invalid_value")
                    : bad("messages: each message needs a role", nullptr, nullptr);
    }
    const std::string role = m["role"].get<std::string>();
    const std::string text = m.contains("content") ? TextOfContent(m["content"]) : "";
    input_tokens += CountTextTokens(api, text) + 3 + (m.contains("name") ? 1 : 0);
    if (openai && (role == "system" || role == "developer")) {
      p.system_text += (p.system_text.empty() ? "" : "\n") + text;
    }
    if (role == "user") p.last_user = text;
    if (!prompt.empty()) prompt += "\n";
    prompt += text;
  }
  p.prompt_text = std::move(prompt);
  p.stream = body.value("stream", false);
  if (openai && body.contains("stream_options") && body["stream_options"].is_object()) {
    p.include_usage = body["stream_options"].value("include_usage", false);
  }
  if (openai && body.contains("response_format") && body["response_format"].is_object()) {
    const std::string type = body["response_format"].value("type", "text");
    if (type == "json_object") p.format = Format::kJsonObject;
    if (type == "json_schema") {
      p.format = Format::kJsonSchema;
      const OrderedJson& js = body["response_format"].value("json_schema", OrderedJson::object());
      if (js.is_object()) {
        p.schema = js.value("schema", OrderedJson::object());
        p.schema_name = js.value("name", "");
      }
      input_tokens += CountTextTokens(api, p.schema.dump(-1, ' ', false, kReplaceInvalidUtf8));
    }
  }
  if (body.contains("tools") && body["tools"].is_array()) {
    for (const OrderedJson& t : body["tools"]) {
      if (!t.is_object()) continue;
      const OrderedJson& f = openai ? t.value("function", OrderedJson::object()) : t;
      if (!f.is_object() || !f.contains("name")) continue;
      p.tools.push_back({{"name", f.value("name", "")},
                         {"description", f.value("description", "")},
                         {"parameters", f.value(openai ? "parameters" : "input_schema", OrderedJson::object())}});
    }
    input_tokens += CountTextTokens(api, body["tools"].dump(-1, ' ', false, kReplaceInvalidUtf8));
  }
  if (body.contains("tool_choice")) {
    const OrderedJson& tc = body["tool_choice"];
    if (tc.is_string()) {
      p.tools_disabled = tc == "none";
      p.tool_required = tc == "required";
    } else if (tc.is_object()) {
      const std::string type = tc.value("type", "");
      if (openai && type == "function" && tc.contains("function")) p.forced_tool = tc["function"].value("name", "");
      if (!openai && type == "tool") p.forced_tool = tc.value("name", "");
      if (!openai && type == "any") p.tool_required = true;
      if (!openai && type == "none") p.tools_disabled = true;
    }
  }
  p.input_tokens = input_tokens;

  // 3. Rate limits (before any draw: a refused request changes nothing but the buckets).
  if (config.rate_limits.enabled) {
    if (openai) {
      TokenBucket& rpm = Bucket(api, "rpm", p.api_key, config.rate_limits.openai_rpm);
      TokenBucket& tpm = Bucket(api, "tpm", p.api_key, config.rate_limits.openai_tpm);
      // Choice: the reservation is the input estimate plus max_(completion_)tokens when given
      // (reference section 3); without one, the input alone. Nothing is refunded.
      const double cost = static_cast<double>(p.input_tokens + p.max_tokens.value_or(0));
      auto refuse = [&](std::string_view kind, const TokenBucket& b, double requested, sim::Duration retry) {
        const auto limit = static_cast<std::int64_t>(b.config().capacity);
        const auto used = static_cast<std::int64_t>(std::llround(b.config().capacity - b.Available(now.monotonic)));
        const bool too_large = requested > b.config().capacity;
        const std::string unit = kind == "requests" ? "requests per min (RPM)" : "tokens per min (TPM)";
        const std::string msg =
            too_large ? "Request too large for " + model_name + " in organization org-rehearsal on " + unit +
                            ": Limit " + std::to_string(limit) + ", Requested " +
                            std::to_string(static_cast<std::int64_t>(requested)) +
                            ". The input or output tokens must be reduced in order to run successfully. Visit "
                            "https://platform.openai.com/account/rate-limits to learn more."
                      : "Rate limit reached for " + model_name + " in organization org-rehearsal on " + unit +
                            ": Limit " + std::to_string(limit) + ", Used " + std::to_string(used) + ", Requested " +
                            std::to_string(static_cast<std::int64_t>(requested)) + ". Please try again in " +
                            GoDuration(retry) + ". Visit https://platform.openai.com/account/rate-limits to learn more.";
        sim::Response r = OpenAiError(429, msg, kind, nullptr, "rate_limit_exceeded", err_id);
        OpenAiHeaders(r.headers, p.api_key, now.monotonic);
        // Choice: retry-after (whole seconds) and retry-after-ms on every retryable 429; none
        // when the request can never fit (retrying cannot help).
        if (!too_large) {
          r.headers.Set("retry-after", std::to_string(std::max<std::int64_t>(1, CeilSeconds(retry))));
          r.headers.Set("retry-after-ms",
                        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(retry).count() + 1));
        }
        return r;
      };
      if (cost > tpm.config().capacity) return refuse("tokens", tpm, cost, sim::Duration{0});
      const TokenBucket::Decision r = rpm.TryTake(now.monotonic, 1);
      if (!r.admitted) return refuse("requests", rpm, 1, r.retry_after);
      const TokenBucket::Decision t = tpm.TryTake(now.monotonic, cost);
      if (!t.admitted) {
        rpm.Refund(now.monotonic, 1);
        return refuse("tokens", tpm, cost, t.retry_after);
      }
    } else {
      TokenBucket& rpm = Bucket(api, "rpm", p.api_key, config.rate_limits.anthropic_rpm);
      TokenBucket& itpm = Bucket(api, "itpm", p.api_key, config.rate_limits.anthropic_itpm);
      TokenBucket& otpm = Bucket(api, "otpm", p.api_key, config.rate_limits.anthropic_otpm);
      auto refuse = [&](std::string_view what, double limit, sim::Duration retry) {
        const std::string msg =
            "This request would exceed the rate limit for your organization of " +
            std::to_string(static_cast<std::int64_t>(limit)) + " " + std::string(what) +
            " per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the "
            "response headers for current usage. Please reduce the prompt length or the maximum tokens requested, "
            "or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss "
            "your options for a rate limit increase.";
        sim::Response r = AnthropicError(429, "rate_limit_error", msg, err_id);
        AnthropicHeaders(r.headers, p.api_key, now);
        r.headers.Set("retry-after", std::to_string(std::max<std::int64_t>(1, CeilSeconds(retry))));
        r.headers.Set("x-should-retry", "true");
        return r;
      };
      const double in_cost = static_cast<double>(p.input_tokens);
      if (in_cost > itpm.config().capacity) return refuse("input tokens", itpm.config().capacity, sim::Minutes(1));
      const TokenBucket::Decision r = rpm.TryTake(now.monotonic, 1);
      if (!r.admitted) return refuse("requests", rpm.config().capacity, r.retry_after);
      if (otpm.Available(now.monotonic) < 1) {
        rpm.Refund(now.monotonic, 1);
        const TokenBucket::Decision o = otpm.TryTake(now.monotonic, 1);
        return refuse("output tokens", otpm.config().capacity, o.retry_after);
      }
      const TokenBucket::Decision i = itpm.TryTake(now.monotonic, in_cost);
      if (!i.admitted) {
        rpm.Refund(now.monotonic, 1);
        return refuse("input tokens", itpm.config().capacity, i.retry_after);
      }
    }
  }

  // 4. The call's random stream: the content and how many identical calls came before.
  const std::uint64_t content_hash = sim::StableHash(body.dump(-1, ' ', false, kReplaceInvalidUtf8), openai ? 0x51 : 0x52);
  const std::uint64_t occurrence = occurrences[content_hash]++;
  sim::Rng call = rng.Fork("llm.call", content_hash).Fork("occurrence", occurrence);
  CallRecord rec;
  rec.seq = ++next_seq;
  rec.at = now.monotonic;
  rec.api = api;
  rec.api_key = p.api_key;
  rec.model = p.profile->name;
  rec.stream = p.stream;
  rec.input_tokens = p.input_tokens;
  {
    sim::Rng ids = call.Fork("ids");
    rec.request_id = openai ? OpenAiRequestId(ids) : AnthropicRequestId(ids);
  }
  auto draw = [&](std::string_view fault, double rate) { return rate > 0 && call.Fork(fault).Bernoulli(rate); };
  const FaultRates& rates = config.faults;

  // 5. Scripts.
  const Script* script = nullptr;
  for (std::size_t i = 0; i < scripts.size(); ++i) {
    Script& s = scripts[i];
    if (s.api && *s.api != api) continue;
    if (s.nth_call != 0 && s.nth_call != rec.seq) continue;
    if (!s.contains.empty() && p.prompt_text.find(s.contains) == std::string::npos) continue;
    if (!s.regex.empty()) {
      // Linear time in the prompt whatever the pattern (see linear_regex.h); a pattern it cannot
      // compile (refused where scripts are added, so only a C++ caller's) matches nothing.
      const auto regex = LinearRegex::Compile(s.regex);
      if (!regex || !regex->Search(p.prompt_text)) continue;
    }
    script = &s;
    rec.script = static_cast<std::int64_t>(i);
    if (s.times > 0 && --s.times == 0) s.nth_call = ~std::uint64_t{0};  // used up: never matches again
    break;
  }
  auto finish_error = [&](sim::Response r) {
    rec.status = r.status;
    if (openai) {
      r.headers.Set("x-request-id", rec.request_id);
      OpenAiHeaders(r.headers, p.api_key, now.monotonic);
    } else {
      r.headers.Set("request-id", rec.request_id);
      AnthropicHeaders(r.headers, p.api_key, now);
    }
    AddCall(std::move(rec));
    return r;
  };
  if (script != nullptr && script->status != 0) {
    rec.task = CallTask::kScripted;
    const std::string type = !script->error_type.empty() ? script->error_type
                             : openai                    ? "server_error"
                                                         : "api_error";
    const std::string msg = script->error_message.empty() ? "Scripted error." : script->error_message;
    return finish_error(openai ? OpenAiError(script->status, msg, type, nullptr, nullptr, rec.request_id)
                               : AnthropicError(script->status, type, msg, rec.request_id));
  }

  // The classifier's truth is logged for every admitted call, overloaded ones included (the
  // answer is logged only when there is one; an overloaded call's stays "other").
  const IntentCues cues = ClassifyText(ExtractCustomerText(p.last_user));
  rec.truth = cues.truth;
  rec.ambiguous = cues.ambiguous();

  // 6. Overload.
  if (script == nullptr && draw("fault.overload", rates.overload)) {
    rec.faults.push_back(FaultKind::kOverload);
    // Choice: OpenAI overload is a 503 server_error (the SDK retries any 5xx); Anthropic's is 529.
    return finish_error(openai ? OpenAiError(503, "The server is overloaded or not ready yet.", "server_error", nullptr,
                                             nullptr, rec.request_id)
                               : AnthropicError(529, "overloaded_error", "Overloaded", rec.request_id));
  }

  // 7. What is asked: classification or a draft; a tool call, JSON or text.
  const OrderedJson* tool = nullptr;
  if (!p.tools.empty() && !p.tools_disabled) {
    for (const OrderedJson& t : p.tools) {
      if (!p.forced_tool.empty()) {
        if (t["name"] == p.forced_tool) tool = &t;
        continue;
      }
      if (NameMentions(t["name"].get<std::string>() + " " + t["description"].get<std::string>(), {"classif", "intent"}) ||
          SchemaHasIntent(t["parameters"])) {
        tool = &t;
        break;
      }
    }
    if (tool == nullptr && p.tool_required) tool = &p.tools[0];
  }
  const std::string prompt_lower = Lower(p.prompt_text);
  const bool asks_classification =
      prompt_lower.find("classif") != std::string::npos || prompt_lower.find("which intent") != std::string::npos ||
      prompt_lower.find("the intent of") != std::string::npos;
  bool classify = false;
  if (tool != nullptr) {
    classify = NameMentions((*tool)["name"].get<std::string>() + " " + (*tool)["description"].get<std::string>(),
                            {"classif", "intent"}) ||
               SchemaHasIntent((*tool)["parameters"]);
  } else if (p.format == Format::kJsonSchema) {
    classify = SchemaHasIntent(p.schema) || NameMentions(p.schema_name, {"classif", "intent"});
  } else {
    classify = asks_classification;
  }
  const bool structured = tool != nullptr || p.format != Format::kText;
  rec.structured = structured;
  rec.task = script != nullptr ? CallTask::kScripted : classify ? CallTask::kClassify : CallTask::kDraft;

  Intent answered = cues.truth;
  if (cues.intents_cued >= 2 && cues.runner_up && draw("classify.ambiguous_swap", config.error_model.ambiguous_swap)) {
    answered = *cues.runner_up;
  } else if (static_cast<int>(config.error_model.confusion.size()) == kIntentCount) {
    const auto& row = config.error_model.confusion[static_cast<int>(cues.truth)];
    double sum = 0;
    for (double w : row) sum += std::max(0.0, w);
    if (row.size() == static_cast<std::size_t>(kIntentCount) && sum > 0) {
      std::vector<double> weights(row.begin(), row.end());
      for (double& w : weights) w = std::max(0.0, w);
      sim::Rng pick = call.Fork("classify.confusion");
      answered = static_cast<Intent>(pick.WeightedIndex(weights));
    }
  }
  rec.answered = answered;
  {
    sim::Rng c = call.Fork("classify.confidence");
    double conf;
    if (cues.intents_cued == 0) {
      conf = c.Uniform(0.30, 0.55);
    } else if (cues.intents_cued >= 2) {
      conf = c.Uniform(0.45, 0.70);
    } else if (answered != cues.truth) {
      conf = c.Uniform(0.55, 0.80);
    } else {
      conf = c.Uniform(0.86, 0.98);
    }
    rec.confidence = Round2(conf);
  }
  std::vector<std::string> reasons;
  for (const std::string& m : cues.matched) {
    if (reasons.size() == 3) break;
    reasons.push_back("mentions \"" + m + "\"");
  }
  if (reasons.empty()) reasons.push_back("no clear intent cues in the message");

  Answer ans;
  const bool refusal = script == nullptr && draw("fault.refusal", rates.refusal);
  if (refusal) {
    rec.faults.push_back(FaultKind::kRefusal);
    ans.refusal = true;
    ans.text = openai ? "I'm sorry, but I can't help with that request." : "I can't help with that request.";
    ans.structured_refusal = openai && p.format == Format::kJsonSchema && tool == nullptr;
    ans.finish = openai ? Finish::kStop : Finish::kRefusal;
  } else {
    Values v;
    v.classify = classify;
    v.intent = answered;
    v.confidence = rec.confidence;
    v.reasons = reasons;
    if (script != nullptr) {
      v.reply = script->text;
    } else if (!classify) {
      const PromptFacts facts = ParseFacts(p.prompt_text);
      DraftFaults df;
      if (draw("fault.hallucinated_tracking", rates.hallucinated_tracking)) {
        sim::Rng h = call.Fork("hallucinated_tracking.value");
        do {
          df.hallucinated_tracking = "1Z" + RandomAlnum(h, 16, kUpperAlnum);
        } while (df.hallucinated_tracking == facts.tracking_number ||
                 p.prompt_text.find(df.hallucinated_tracking) != std::string::npos);
        rec.faults.push_back(FaultKind::kHallucinatedTracking);
        rec.hallucinated_tracking = df.hallucinated_tracking;
      }
      if (draw("fault.refund_promise", rates.refund_promise)) {
        static const std::array<std::string_view, 3> promises = {
            "I've gone ahead and issued a full refund to your original payment method; you'll see it in 3-5 "
            "business days.",
            "As an apology, I've added a $25 store credit to your account.",
            "I've refunded your shipping cost and added a 20% credit for your next order."};
        sim::Rng pr = call.Fork("refund_promise.value");
        df.promise = std::string(promises[pr.Below(promises.size())]);
        rec.faults.push_back(FaultKind::kRefundPromise);
      }
      v.reply = DraftReply(StatedIntent(p.prompt_text).value_or(answered), facts, df);
    }
    if (tool != nullptr) {
      ans.tool_call = true;
      ans.tool_name = (*tool)["name"].get<std::string>();
      ans.text = script != nullptr && script->json ? script->json->dump(-1, ' ', false, kReplaceInvalidUtf8)
                 : script != nullptr              ? script->text
                                                  : FillSchema((*tool)["parameters"], v, 0).dump(-1, ' ', false, kReplaceInvalidUtf8);
      ans.finish = Finish::kTool;
    } else if (structured) {
      if (script != nullptr) {
        ans.text = script->json ? script->json->dump(-1, ' ', false, kReplaceInvalidUtf8) : script->text;
      } else if (p.format == Format::kJsonSchema) {
        ans.text = FillSchema(p.schema, v, 0).dump(-1, ' ', false, kReplaceInvalidUtf8);
      } else {
        ans.text = FillSchema(OrderedJson::object(), v, 0).dump(-1, ' ', false, kReplaceInvalidUtf8);
      }
    } else if (script != nullptr) {
      ans.text = script->json ? script->json->dump(-1, ' ', false, kReplaceInvalidUtf8) : script->text;
    } else if (classify) {
      char conf[16];
      std::snprintf(conf, sizeof conf, "%.2f", rec.confidence);
      std::string cue_text;
      for (const auto& r : reasons) cue_text += (cue_text.empty() ? "" : "; ") + r;
      ans.text = "Intent: " + std::string(IntentName(answered)) + " (confidence " + conf + "). " + cue_text + ".";
    } else {
      ans.text = v.reply;
    }
    if (structured && script == nullptr && draw("fault.invalid_json", rates.invalid_json)) {
      // A strict prefix of a JSON object is never valid JSON.
      ans.text = ans.text.substr(0, std::max<std::size_t>(1, ans.text.size() * 2 / 3));
      rec.faults.push_back(FaultKind::kInvalidJson);
      // Choice: Anthropic's tool_use.input is an object and cannot be malformed, so the
      // malformed-output fault there is a text block of broken JSON instead of the tool call.
      if (!openai && ans.tool_call) {
        ans.tool_call = false;
        ans.finish = Finish::kStop;
      }
    }
  }
  std::int64_t out_tokens = std::max<std::int64_t>(1, CountTextTokens(api, ans.text));
  if (!refusal && draw("fault.truncated", rates.truncated)) {
    const std::int64_t keep = std::max<std::int64_t>(1, out_tokens / 2);
    ans.text = TruncateToTokens(api, ans.text, keep);
    ans.finish = Finish::kLength;
    out_tokens = keep;
    rec.faults.push_back(FaultKind::kTruncated);
  }
  if (p.max_tokens && out_tokens > *p.max_tokens) {
    ans.text = TruncateToTokens(api, ans.text, *p.max_tokens);
    ans.finish = Finish::kLength;
    out_tokens = *p.max_tokens;
  }
  ans.output_tokens = out_tokens;

  // 8. Latency: TTFT (log-normal + an input-size term) plus generation at the model's rate.
  const ModelProfile& prof = *p.profile;
  sim::Rng lat = call.Fork("latency");
  sim::Duration service = lat.LogNormalDuration(prof.ttft_median, prof.ttft_sigma) +
                          sim::Duration(static_cast<std::int64_t>(prof.per_input_token_ms * 1e6 * static_cast<double>(p.input_tokens))) +
                          sim::Duration(static_cast<std::int64_t>(1e9 * static_cast<double>(out_tokens) / prof.tokens_per_second));
  if (draw("fault.slow_stream", rates.slow_stream)) {
    service = sim::Duration(static_cast<std::int64_t>(static_cast<double>(service.count()) * rates.slow_factor));
    rec.faults.push_back(FaultKind::kSlowStream);
  }

  // Anthropic's output tokens per minute count what was generated.
  if (!openai && config.rate_limits.enabled) {
    TokenBucket& otpm = Bucket(api, "otpm", p.api_key, config.rate_limits.anthropic_otpm);
    const double take = std::min<double>(static_cast<double>(out_tokens), std::floor(otpm.Available(now.monotonic)));
    if (take > 0) otpm.TryTake(now.monotonic, take);
  }

  // 9. The envelope.
  sim::Rng ids = call.Fork("ids.body");
  const auto created = std::chrono::duration_cast<std::chrono::seconds>(now.wall.time_since_epoch()).count();
  sim::Response r;
  r.status = 200;
  std::string finish_name;
  if (openai) {
    finish_name = ans.finish == Finish::kLength ? "length" : ans.finish == Finish::kTool ? "tool_calls" : "stop";
    const std::string id = "chatcmpl-" + RandomAlnum(ids, 29, kBase62);
    const std::string call_id = "call_" + RandomAlnum(ids, 24, kBase62);
    const std::string fingerprint = "fp_" + sim::HexEncode(sim::Sha256(prof.snapshot)).substr(0, 10);
    const OrderedJson usage = {
        {"prompt_tokens", p.input_tokens},
        {"completion_tokens", out_tokens},
        {"total_tokens", p.input_tokens + out_tokens},
        {"prompt_tokens_details", {{"cached_tokens", 0}, {"audio_tokens", 0}}},
        {"completion_tokens_details",
         {{"reasoning_tokens", 0}, {"audio_tokens", 0}, {"accepted_prediction_tokens", 0}, {"rejected_prediction_tokens", 0}}}};
    if (!p.stream) {
      OrderedJson message = {{"role", "assistant"}};
      if (ans.tool_call) {
        message["content"] = nullptr;
        message["tool_calls"] = OrderedJson::array(
            {{{"id", call_id}, {"type", "function"}, {"function", {{"name", ans.tool_name}, {"arguments", ans.text}}}}});
        message["refusal"] = nullptr;
      } else if (ans.structured_refusal) {
        message["content"] = nullptr;
        message["refusal"] = ans.text;
      } else {
        message["content"] = ans.text;
        message["refusal"] = nullptr;
      }
      message["annotations"] = OrderedJson::array();
      const OrderedJson doc = {
          {"id", id},
          {"object", "chat.completion"},
          {"created", created},
          {"model", prof.snapshot},
          {"choices",
           OrderedJson::array({{{"index", 0}, {"message", message}, {"logprobs", nullptr}, {"finish_reason", finish_name}}})},
          {"usage", usage},
          {"service_tier", "default"},
          {"system_fingerprint", fingerprint}};
      r = JsonResponse(200, doc);
    } else {
      // Choice: no `obfuscation` padding in deltas (the reference says it is there unless
      // include_obfuscation is false); it carries no information and would only add bytes.
      std::string out;
      auto chunk = [&](const OrderedJson& delta, const OrderedJson& finish) {
        OrderedJson c = {{"id", id},
                         {"object", "chat.completion.chunk"},
                         {"created", created},
                         {"model", prof.snapshot},
                         {"system_fingerprint", fingerprint},
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
                                                   {"id", call_id},
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
      chunk(OrderedJson::object(), finish_name);
      if (p.include_usage) {
        const OrderedJson c = {{"id", id},
                               {"object", "chat.completion.chunk"},
                               {"created", created},
                               {"model", prof.snapshot},
                               {"system_fingerprint", fingerprint},
                               {"choices", OrderedJson::array()},
                               {"usage", usage}};
        out += "data: " + c.dump(-1, ' ', false, kReplaceInvalidUtf8) + "\n\n";
      }
      out += "data: [DONE]\n\n";
      r.body = std::move(out);
      r.headers.Set("Content-Type", "text/event-stream");
    }
    r.headers.Set("x-request-id", rec.request_id);
    r.headers.Set("openai-version", "2020-10-01");
    r.headers.Set("openai-organization", "org-rehearsal");
    r.headers.Set("openai-processing-ms",
                  std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(service).count()));
    OpenAiHeaders(r.headers, p.api_key, now.monotonic);
  } else {
    finish_name = ans.finish == Finish::kLength    ? "max_tokens"
                  : ans.finish == Finish::kTool    ? "tool_use"
                  : ans.finish == Finish::kRefusal ? "refusal"
                                                   : "end_turn";
    const std::string id = "msg_01" + RandomAlnum(ids, 22, kBase62);
    const std::string tool_id = "toolu_01" + RandomAlnum(ids, 22, kBase62);
    OrderedJson block;
    if (ans.tool_call) {
      OrderedJson input = ParseOrderedJsonText(ans.text);
      if (input.is_discarded() || !input.is_object()) input = OrderedJson::object();  // truncated: as sent so far
      block = {{"type", "tool_use"}, {"id", tool_id}, {"name", ans.tool_name}, {"input", input}};
    } else {
      block = {{"type", "text"}, {"text", ans.text}};
    }
    OrderedJson usage = {{"input_tokens", p.input_tokens},
                         {"cache_creation_input_tokens", 0},
                         {"cache_read_input_tokens", 0},
                         {"output_tokens", out_tokens},
                         {"service_tier", "standard"}};
    if (!p.stream) {
      const OrderedJson doc = {{"id", id},
                               {"type", "message"},
                               {"role", "assistant"},
                               {"model", prof.snapshot},
                               {"content", OrderedJson::array({block})},
                               {"stop_reason", finish_name},
                               {"stop_sequence", nullptr},
                               {"usage", usage}};
      r = JsonResponse(200, doc);
    } else {
      std::string out;
      auto event = [&out](std::string_view name, const OrderedJson& data) {
        out += "event: ";
        out += name;
        out += "\ndata: " + data.dump(-1, ' ', false, kReplaceInvalidUtf8) + "\n\n";
      };
      OrderedJson start_usage = usage;
      start_usage["output_tokens"] = 1;
      event("message_start", {{"type", "message_start"},
                              {"message",
                               {{"id", id},
                                {"type", "message"},
                                {"role", "assistant"},
                                {"model", prof.snapshot},
                                {"content", OrderedJson::array()},
                                {"stop_reason", nullptr},
                                {"stop_sequence", nullptr},
                                {"usage", start_usage}}}});
      OrderedJson start_block = block;
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
                              {"delta", {{"stop_reason", finish_name}, {"stop_sequence", nullptr}}},
                              {"usage", {{"output_tokens", out_tokens}}}});
      event("message_stop", {{"type", "message_stop"}});
      r.body = std::move(out);
      r.headers.Set("Content-Type", "text/event-stream; charset=utf-8");
    }
    r.headers.Set("request-id", rec.request_id);
    r.headers.Set("anthropic-organization-id", "00000000-0000-4000-8000-000000000000");
    AnthropicHeaders(r.headers, p.api_key, now);
  }
  r.service_time = service;
  rec.finish_reason = finish_name;
  rec.output_tokens = out_tokens;
  rec.latency = service;
  rec.content = ans.text;
  AddCall(std::move(rec));
  return r;
}

// --- inspection --------------------------------------------------------------------------------

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

sim::Response LlmMock::State::Inspect(const sim::Request& request) {
  // Wrong JSON types in an inspection body are the caller's error, not an exception to leak.
  try {
    return InspectUnchecked(request);
  } catch (const Json::exception& e) {
    return JsonResponse(400, Json{{"error", std::string("bad inspection body: ") + e.what()}});
  }
}

sim::Response LlmMock::State::InspectUnchecked(const sim::Request& request) {
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
