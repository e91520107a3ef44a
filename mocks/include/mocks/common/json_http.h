// JSON in and out of HTTP messages for the mocks (nlohmann-json): parse a request body with a
// clear failure, build a response from a document. Mocks choose their own error shapes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sim/http.h"

namespace rh::mocks {

using Json = nlohmann::json;
// Keys in insertion order: payloads read like the real services' and print the same every run.
using OrderedJson = nlohmann::ordered_json;

// Every JSON document a mock reads from a client goes through these. A document nested deeper
// than sim::kMaxJsonNesting is refused like malformed JSON (the services answer 400 with their own
// body): nlohmann-json's recursive destructor and dump() would overflow the stack on it.

// The body as JSON, or nullopt when it is empty, malformed or too deep (`error` says why).
std::optional<Json> ParseJsonBody(const sim::Request& request, std::string* error = nullptr);

// `text` parsed, or a discarded value (is_discarded()) when it is malformed or too deep.
Json ParseJsonText(std::string_view text);
OrderedJson ParseOrderedJsonText(std::string_view text);

// A document as text, with any string that is not UTF-8 (a client's bytes echoed back) repaired
// with U+FFFD instead of throwing type_error.316. Every response body is written this way.
inline constexpr auto kReplaceInvalidUtf8 = Json::error_handler_t::replace;
std::string DumpJson(const Json& doc);
std::string DumpJson(const OrderedJson& doc);

sim::Response JsonResponse(int status, const Json& body);
sim::Response JsonResponse(int status, const OrderedJson& body);

// Inspection inputs (rate limits, delays, rates) are checked against these ranges before use, so a
// tiny or huge number is a 400 with a message instead of a zero drain time, an overflowed
// duration or an aborted process. `value` as a number within [min, max], or nullopt.
template <class J>
std::optional<double> NumberWithin(const J& value, double min, double max) {
  if (!value.is_number()) return std::nullopt;
  const double v = value.template get<double>();
  if (!(v >= min && v <= max)) return std::nullopt;  // NaN fails too
  return v;
}

// `value` as an integer within [min, max] (no fraction), or nullopt.
template <class J>
std::optional<std::int64_t> IntegerWithin(const J& value, std::int64_t min, std::int64_t max) {
  if (value.is_number_unsigned()) {
    const auto v = value.template get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(max) || (min > 0 && v < static_cast<std::uint64_t>(min))) return std::nullopt;
    return static_cast<std::int64_t>(v);
  }
  if (!value.is_number_integer()) return std::nullopt;
  const auto v = value.template get<std::int64_t>();
  if (v < min || v > max) return std::nullopt;
  return v;
}

// True when the request declares a JSON body ("application/json", any parameters).
bool HasJsonContentType(const sim::Request& request);

}  // namespace rh::mocks
