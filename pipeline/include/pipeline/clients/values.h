// Small value types the API clients hand to the pipeline: timestamps kept both as the service
// wrote them and parsed, and money in integer minor units (never a double). Pure functions;
// deterministic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/time.h"

namespace rh::pipeline::clients {

// A service's timestamp: the text as written ("2026-11-20T10:00:00-05:00", with the shop's
// offset, so its date is the shop's local date) and the instant it names, when it parses.
struct Timestamp {
  std::string text;                 // empty when the service sent null
  std::optional<sim::WallTime> at;  // UTC

  bool empty() const { return text.empty(); }
  // The local calendar date as written ("2026-11-20"); empty when there is none.
  std::string_view Date() const;
};
// Parses RFC 3339 / ISO 8601 with an offset, as Shopify, Gorgias and Klaviyo write them.
Timestamp MakeTimestamp(std::string text);

// ISO 4217 minor-unit exponent: 0 for JPY, KRW, ...; 3 for BHD, KWD, ...; 2 otherwise.
int CurrencyExponent(std::string_view currency);
// "54.99" -> 5499 at exponent 2 ("54.9" -> 5490, "54" -> 5400). Nullopt on anything that is not
// a plain decimal, or with more fraction digits than the exponent allows.
std::optional<std::int64_t> ParseMoney(std::string_view decimal, int exponent = 2);
// 5499 -> "54.99"; -5 -> "-0.05".
std::string FormatMoney(std::int64_t minor, int exponent = 2);

}  // namespace rh::pipeline::clients
