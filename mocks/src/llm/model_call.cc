// The LLM mock's one model call, whichever API asked (see dialect.h): the call's random stream,
// scripts, faults, classification with the error model, drafting from the prompt's facts, output
// tokens and latency. The dialects parse before it and render after it.
// Deterministic: every draw comes from a named fork of the call's stream.
// Choices where shared/reference/llm-api.md is unsure are marked "Choice:".
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "mocks/common/linear_regex.h"
#include "dialect.h"
#include "llm_state.h"

namespace rh::mocks::llm::detail {

namespace {

double Round2(double x) { return std::round(x * 100.0) / 100.0; }

std::string Lower(std::string_view s) { return ToLowerAscii(s); }

bool NameMentions(std::string_view text, std::initializer_list<std::string_view> words) {
  const std::string lower = Lower(text);
  for (std::string_view w : words) {
    if (lower.find(w) != std::string::npos) return true;
  }
  return false;
}

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


// One admitted call of the pretend model, whichever API asked: the call's random stream, a
// script, the overload fault, classification or a draft, the content faults, and the latency.
// It knows neither API's wire format; the dialect renders what it produces.
// Deterministic: every draw comes from the call's stream (content hash and occurrence).
class ModelCall {
 public:
  ModelCall(State& state, const Dialect& dialect, const ApiRequest& request, sim::Moment now);
  sim::Response Run();

 private:
  bool Draw(std::string_view fault, double rate) const { return rate > 0 && call_.Fork(fault).Bernoulli(rate); }
  const Script* PickScript();
  sim::Response FinishError(sim::Response r);
  const OrderedJson* PickTool() const;
  bool Classifies(const OrderedJson* tool) const;
  Intent Answered(const IntentCues& cues) const;
  double Confidence(const IntentCues& cues, Intent answered) const;
  std::string Draft(Intent answered);
  Answer Compose(const Script* script, const OrderedJson* tool, bool classify, bool structured,
                 const std::vector<std::string>& reasons);
  void Write(Answer& ans, const Script* script, const OrderedJson* tool, bool classify, bool structured,
             const Values& v) const;
  void LimitLength(Answer& ans, bool refusal);
  sim::Duration Latency(std::int64_t out_tokens);

  State& s_;
  const Dialect& d_;
  const ApiRequest& p_;
  const sim::Moment now_;
  const FaultRates& rates_;
  sim::Rng call_;
  CallRecord rec_;
};

// 4. The call's random stream: the content and how many identical calls came before.
ModelCall::ModelCall(State& state, const Dialect& dialect, const ApiRequest& request, sim::Moment now)
    : s_(state), d_(dialect), p_(request), now_(now), rates_(state.config.faults), call_(state.rng) {
  const std::uint64_t content_hash =
      sim::StableHash(p_.body.dump(-1, ' ', false, kReplaceInvalidUtf8), d_.ContentSalt());
  const std::uint64_t occurrence = s_.occurrences[content_hash]++;
  call_ = s_.rng.Fork("llm.call", content_hash).Fork("occurrence", occurrence);
  rec_.seq = ++s_.next_seq;
  rec_.at = now_.monotonic;
  rec_.api = d_.api();
  rec_.api_key = p_.api_key;
  rec_.model = p_.profile->name;
  rec_.stream = p_.stream;
  rec_.input_tokens = p_.input_tokens;
  rec_.request_id = d_.RequestId(call_.Fork("ids"));
}

// 5. Scripts: the first whose conditions match; one used up never matches again.
const Script* ModelCall::PickScript() {
  for (std::size_t i = 0; i < s_.scripts.size(); ++i) {
    Script& s = s_.scripts[i];
    if (s.api && *s.api != d_.api()) continue;
    if (s.nth_call != 0 && s.nth_call != rec_.seq) continue;
    if (!s.contains.empty() && p_.prompt_text.find(s.contains) == std::string::npos) continue;
    if (!s.regex.empty()) {
      // Linear time in the prompt whatever the pattern (see linear_regex.h); a pattern it cannot
      // compile (refused where scripts are added, so only a C++ caller's) matches nothing.
      const auto regex = LinearRegex::Compile(s.regex);
      if (!regex || !regex->Search(p_.prompt_text)) continue;
    }
    rec_.script = static_cast<std::int64_t>(i);
    if (s.times > 0 && --s.times == 0) s.nth_call = ~std::uint64_t{0};  // used up: never matches again
    return &s;
  }
  return nullptr;
}

sim::Response ModelCall::FinishError(sim::Response r) {
  rec_.status = r.status;
  d_.StampErrorHeaders(s_, r, p_, rec_.request_id, now_);
  s_.AddCall(std::move(rec_));
  return r;
}

// 7. What is asked: a tool call (the forced one, else one about classification, else the first
// when one is required), JSON or text; and whether it is classification or a draft.
const OrderedJson* ModelCall::PickTool() const {
  const OrderedJson* tool = nullptr;
  if (!p_.tools.empty() && !p_.tools_disabled) {
    for (const OrderedJson& t : p_.tools) {
      if (!p_.forced_tool.empty()) {
        if (t["name"] == p_.forced_tool) tool = &t;
        continue;
      }
      if (NameMentions(t["name"].get<std::string>() + " " + t["description"].get<std::string>(), {"classif", "intent"}) ||
          SchemaHasIntent(t["parameters"])) {
        tool = &t;
        break;
      }
    }
    if (tool == nullptr && p_.tool_required) tool = &p_.tools[0];
  }
  return tool;
}

bool ModelCall::Classifies(const OrderedJson* tool) const {
  const std::string prompt_lower = Lower(p_.prompt_text);
  const bool asks_classification =
      prompt_lower.find("classif") != std::string::npos || prompt_lower.find("which intent") != std::string::npos ||
      prompt_lower.find("the intent of") != std::string::npos;
  if (tool != nullptr) {
    return NameMentions((*tool)["name"].get<std::string>() + " " + (*tool)["description"].get<std::string>(),
                        {"classif", "intent"}) ||
           SchemaHasIntent((*tool)["parameters"]);
  }
  if (p_.format == Format::kJsonSchema) {
    return SchemaHasIntent(p_.schema) || NameMentions(p_.schema_name, {"classif", "intent"});
  }
  return asks_classification;
}

// The intent answered: the runner-up of an ambiguous message, else a draw from the error model's
// row of the truth.
Intent ModelCall::Answered(const IntentCues& cues) const {
  Intent answered = cues.truth;
  if (cues.intents_cued >= 2 && cues.runner_up && Draw("classify.ambiguous_swap", s_.config.error_model.ambiguous_swap)) {
    answered = *cues.runner_up;
  } else if (static_cast<int>(s_.config.error_model.confusion.size()) == kIntentCount) {
    const auto& row = s_.config.error_model.confusion[static_cast<int>(cues.truth)];
    double sum = 0;
    for (double w : row) sum += std::max(0.0, w);
    if (row.size() == static_cast<std::size_t>(kIntentCount) && sum > 0) {
      std::vector<double> weights(row.begin(), row.end());
      for (double& w : weights) w = std::max(0.0, w);
      sim::Rng pick = call_.Fork("classify.confusion");
      answered = static_cast<Intent>(pick.WeightedIndex(weights));
    }
  }
  return answered;
}

double ModelCall::Confidence(const IntentCues& cues, Intent answered) const {
  sim::Rng c = call_.Fork("classify.confidence");
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
  return Round2(conf);
}

// A draft from the prompt's facts, with the draft faults drawn.
std::string ModelCall::Draft(Intent answered) {
  const PromptFacts facts = ParseFacts(p_.prompt_text);
  DraftFaults df;
  if (Draw("fault.hallucinated_tracking", rates_.hallucinated_tracking)) {
    sim::Rng h = call_.Fork("hallucinated_tracking.value");
    do {
      df.hallucinated_tracking = "1Z" + RandomAlnum(h, 16, kUpperAlnum);
    } while (df.hallucinated_tracking == facts.tracking_number ||
             p_.prompt_text.find(df.hallucinated_tracking) != std::string::npos);
    rec_.faults.push_back(FaultKind::kHallucinatedTracking);
    rec_.hallucinated_tracking = df.hallucinated_tracking;
  }
  if (Draw("fault.refund_promise", rates_.refund_promise)) {
    static const std::array<std::string_view, 3> promises = {
        "I've gone ahead and issued a full refund to your original payment method; you'll see it in 3-5 "
        "business days.",
        "As an apology, I've added a $25 store credit to your account.",
        "I've refunded your shipping cost and added a 20% credit for your next order."};
    sim::Rng pr = call_.Fork("refund_promise.value");
    df.promise = std::string(promises[pr.Below(promises.size())]);
    rec_.faults.push_back(FaultKind::kRefundPromise);
  }
  return DraftReply(StatedIntent(p_.prompt_text).value_or(answered), facts, df);
}

// The answer's form: a tool call, JSON (of the schema, or the script's), or text.
void ModelCall::Write(Answer& ans, const Script* script, const OrderedJson* tool, bool classify, bool structured,
                      const Values& v) const {
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
    } else if (p_.format == Format::kJsonSchema) {
      ans.text = FillSchema(p_.schema, v, 0).dump(-1, ' ', false, kReplaceInvalidUtf8);
    } else {
      ans.text = FillSchema(OrderedJson::object(), v, 0).dump(-1, ' ', false, kReplaceInvalidUtf8);
    }
  } else if (script != nullptr) {
    ans.text = script->json ? script->json->dump(-1, ' ', false, kReplaceInvalidUtf8) : script->text;
  } else if (classify) {
    char conf[16];
    std::snprintf(conf, sizeof conf, "%.2f", rec_.confidence);
    std::string cue_text;
    for (const auto& r : v.reasons) cue_text += (cue_text.empty() ? "" : "; ") + r;
    ans.text = "Intent: " + std::string(IntentName(v.intent)) + " (confidence " + conf + "). " + cue_text + ".";
  } else {
    ans.text = v.reply;
  }
}

// The answer, or a refusal; then the malformed-JSON fault on structured output.
Answer ModelCall::Compose(const Script* script, const OrderedJson* tool, bool classify, bool structured,
                          const std::vector<std::string>& reasons) {
  Answer ans;
  const bool refusal = script == nullptr && Draw("fault.refusal", rates_.refusal);
  if (refusal) {
    rec_.faults.push_back(FaultKind::kRefusal);
    ans.refusal = true;
    d_.Refuse(p_, tool != nullptr, ans);
  } else {
    Values v;
    v.classify = classify;
    v.intent = rec_.answered;
    v.confidence = rec_.confidence;
    v.reasons = reasons;
    if (script != nullptr) {
      v.reply = script->text;
    } else if (!classify) {
      v.reply = Draft(rec_.answered);
    }
    Write(ans, script, tool, classify, structured, v);
    if (structured && script == nullptr && Draw("fault.invalid_json", rates_.invalid_json)) {
      // A strict prefix of a JSON object is never valid JSON.
      ans.text = ans.text.substr(0, std::max<std::size_t>(1, ans.text.size() * 2 / 3));
      rec_.faults.push_back(FaultKind::kInvalidJson);
      // Choice: where a tool call's input is an object (Anthropic's tool_use.input), it cannot be
      // malformed, so the malformed-output fault there is a text block of broken JSON instead.
      if (d_.ToolInputIsAnObject() && ans.tool_call) {
        ans.tool_call = false;
        ans.finish = Finish::kStop;
      }
    }
  }
  LimitLength(ans, refusal);
  return ans;
}

// The truncation fault (half the tokens), then max tokens.
void ModelCall::LimitLength(Answer& ans, bool refusal) {
  const Api api = d_.api();
  std::int64_t out_tokens = std::max<std::int64_t>(1, CountTextTokens(api, ans.text));
  if (!refusal && Draw("fault.truncated", rates_.truncated)) {
    const std::int64_t keep = std::max<std::int64_t>(1, out_tokens / 2);
    ans.text = TruncateToTokens(api, ans.text, keep);
    ans.finish = Finish::kLength;
    out_tokens = keep;
    rec_.faults.push_back(FaultKind::kTruncated);
  }
  if (p_.max_tokens && out_tokens > *p_.max_tokens) {
    ans.text = TruncateToTokens(api, ans.text, *p_.max_tokens);
    ans.finish = Finish::kLength;
    out_tokens = *p_.max_tokens;
  }
  ans.output_tokens = out_tokens;
}

// 8. Latency: TTFT (log-normal + an input-size term) plus generation at the model's rate; the
// slow-stream fault multiplies it.
sim::Duration ModelCall::Latency(std::int64_t out_tokens) {
  const ModelProfile& prof = *p_.profile;
  sim::Rng lat = call_.Fork("latency");
  sim::Duration service = lat.LogNormalDuration(prof.ttft_median, prof.ttft_sigma) +
                          sim::Duration(static_cast<std::int64_t>(prof.per_input_token_ms * 1e6 * static_cast<double>(p_.input_tokens))) +
                          sim::Duration(static_cast<std::int64_t>(1e9 * static_cast<double>(out_tokens) / prof.tokens_per_second));
  if (Draw("fault.slow_stream", rates_.slow_stream)) {
    service = sim::Duration(static_cast<std::int64_t>(static_cast<double>(service.count()) * rates_.slow_factor));
    rec_.faults.push_back(FaultKind::kSlowStream);
  }
  return service;
}

sim::Response ModelCall::Run() {
  const Script* script = PickScript();
  if (script != nullptr && script->status != 0) {
    rec_.task = CallTask::kScripted;
    const std::string msg = script->error_message.empty() ? "Scripted error." : script->error_message;
    return FinishError(d_.ScriptedError(script->status, script->error_type, msg, rec_.request_id));
  }
  // The classifier's truth is logged for every admitted call, overloaded ones included (the
  // answer is logged only when there is one; an overloaded call's stays "other").
  const IntentCues cues = ClassifyText(ExtractCustomerText(p_.last_user));
  rec_.truth = cues.truth;
  rec_.ambiguous = cues.ambiguous();
  // 6. Overload: nothing else is drawn.
  if (script == nullptr && Draw("fault.overload", rates_.overload)) {
    rec_.faults.push_back(FaultKind::kOverload);
    return FinishError(d_.Overloaded(rec_.request_id));
  }
  const OrderedJson* tool = PickTool();
  const bool classify = Classifies(tool);
  const bool structured = tool != nullptr || p_.format != Format::kText;
  rec_.structured = structured;
  rec_.task = script != nullptr ? CallTask::kScripted : classify ? CallTask::kClassify : CallTask::kDraft;
  rec_.answered = Answered(cues);
  rec_.confidence = Confidence(cues, rec_.answered);
  std::vector<std::string> reasons;
  for (const std::string& m : cues.matched) {
    if (reasons.size() == 3) break;
    reasons.push_back("mentions \"" + m + "\"");
  }
  if (reasons.empty()) reasons.push_back("no clear intent cues in the message");

  const Answer ans = Compose(script, tool, classify, structured, reasons);
  const sim::Duration service = Latency(ans.output_tokens);
  d_.ChargeOutput(s_, p_, ans.output_tokens, now_);
  // 9. The envelope.
  Rendered out = d_.Render(s_, p_, ans, call_.Fork("ids.body"), rec_.request_id, service, now_);
  out.response.service_time = service;
  rec_.finish_reason = out.finish_reason;
  rec_.output_tokens = ans.output_tokens;
  rec_.latency = service;
  rec_.content = ans.text;
  s_.AddCall(std::move(rec_));
  return std::move(out.response);
}

}  // namespace

sim::Response State::HandleApi(const sim::Request& request, sim::Moment now, const Dialect& dialect) {
  // Error responses draw their ids from the content, so they are reproducible too.
  const std::string err_id = dialect.RequestId(rng.Fork("llm.error", sim::StableHash(request.body, dialect.ErrorSalt())));
  // 1-2. Auth and the body.
  auto parsed = dialect.Parse(*this, request, err_id);
  if (!parsed) return parsed.error();
  // 3. Rate limits (before any draw: a refused request changes nothing but the buckets).
  if (auto refused = dialect.Admit(*this, *parsed, now, err_id)) return std::move(*refused);
  // 4-9. The model call, rendered by the dialect.
  return ModelCall(*this, dialect, *parsed, now).Run();
}

}  // namespace rh::mocks::llm::detail
