#include "pipeline/clients/values.h"

#include <array>

namespace rh::pipeline::clients {

std::string_view Timestamp::Date() const {
  if (text.size() < 10) return {};
  return std::string_view(text).substr(0, 10);
}

Timestamp MakeTimestamp(std::string text) {
  Timestamp t;
  sim::WallTime parsed;
  if (!text.empty() && sim::ParseRfc3339(text, parsed)) t.at = parsed;
  t.text = std::move(text);
  return t;
}

int CurrencyExponent(std::string_view currency) {
  // ISO 4217 currencies without minor units, and those with three decimals.
  static constexpr std::array<std::string_view, 16> kZero = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW",
                                                             "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF"};
  static constexpr std::array<std::string_view, 7> kThree = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
  for (std::string_view c : kZero) {
    if (c == currency) return 0;
  }
  for (std::string_view c : kThree) {
    if (c == currency) return 3;
  }
  return 2;
}

std::optional<std::int64_t> ParseMoney(std::string_view s, int exponent) {
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 24) return std::nullopt;
  std::int64_t whole = 0;
  std::size_t i = 0;
  for (; i < s.size() && s[i] != '.'; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    whole = whole * 10 + (s[i] - '0');
  }
  if (i == 0) return std::nullopt;
  std::int64_t fraction = 0;
  int digits = 0;
  if (i < s.size()) {
    ++i;  // the '.'
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      // Trailing zeros beyond the exponent are harmless ("54.990"); other digits are not.
      if (digits >= exponent) {
        if (s[i] != '0') return std::nullopt;
        continue;
      }
      fraction = fraction * 10 + (s[i] - '0');
      ++digits;
    }
  }
  for (; digits < exponent; ++digits) fraction *= 10;
  std::int64_t scale = 1;
  for (int e = 0; e < exponent; ++e) scale *= 10;
  const std::int64_t minor = whole * scale + fraction;
  return negative ? -minor : minor;
}

std::string FormatMoney(std::int64_t minor, int exponent) {
  const bool negative = minor < 0;
  const std::uint64_t v = negative ? static_cast<std::uint64_t>(-(minor + 1)) + 1 : static_cast<std::uint64_t>(minor);
  std::uint64_t scale = 1;
  for (int e = 0; e < exponent; ++e) scale *= 10;
  std::string out = negative ? "-" : "";
  out += std::to_string(v / scale);
  if (exponent > 0) {
    std::string frac = std::to_string(v % scale);
    while (static_cast<int>(frac.size()) < exponent) frac.insert(frac.begin(), '0');
    out += "." + frac;
  }
  return out;
}

}  // namespace rh::pipeline::clients
