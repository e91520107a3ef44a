// Helpers the two API dialects share: ids, the formats of rate-limit reset headers, message
// text, stream pieces, sampling-parameter checks and the two error envelopes. See dialect.h.
// Deterministic: pure functions of their arguments (ids of the Rng given).
#include "dialect.h"

#include <chrono>
#include <cstdio>

namespace rh::mocks::llm::detail {

std::string RandomAlnum(sim::Rng& rng, std::size_t n, std::string_view alphabet) {
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out += alphabet[rng.Below(alphabet.size())];
  return out;
}
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

sim::Response EventStreamResponse(std::string events, std::string_view content_type) {
  sim::Response r;
  r.status = 200;
  r.body = std::move(events);
  r.headers.Set("Content-Type", std::string(content_type));
  return r;
}

std::string MaskKey(const std::string& key) {
  if (key.size() <= 9) return "***";
  return key.substr(0, 6) + "***" + key.substr(key.size() - 3);
}

std::string OpenAiRequestId(sim::Rng rng) { return "req_" + RandomAlnum(rng, 32, kHex); }
std::string AnthropicRequestId(sim::Rng rng) { return "req_011C" + RandomAlnum(rng, 20, kBase62); }

}  // namespace rh::mocks::llm::detail
