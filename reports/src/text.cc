#include "reports/text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

namespace rh::reports {
namespace {

// One decoded UTF-8 sequence: its code point, or -1 for a byte that starts no valid sequence
// (a stray continuation byte, a truncated sequence, an overlong form, a surrogate, a value past
// U+10FFFF); `len` is how many bytes to skip (1 when invalid, so decoding resynchronises).
struct Decoded {
  std::int32_t cp;
  std::size_t len;
};

Decoded DecodeAt(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t len = 0;
  std::uint32_t cp = 0;
  std::uint32_t min = 0;
  if ((b0 & 0xE0u) == 0xC0u) {
    len = 2, cp = b0 & 0x1Fu, min = 0x80;
  } else if ((b0 & 0xF0u) == 0xE0u) {
    len = 3, cp = b0 & 0x0Fu, min = 0x800;
  } else if ((b0 & 0xF8u) == 0xF0u) {
    len = 4, cp = b0 & 0x07u, min = 0x10000;
  } else {
    return {-1, 1};
  }
  if (i + len > s.size()) return {-1, 1};
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0u) != 0x80u) return {-1, 1};
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {-1, 1};
  return {static_cast<std::int32_t>(cp), len};
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Characters that are invisible or forbidden in XML 1.0: shown as "\u001B" instead.
bool IsHiddenControl(std::int32_t cp) {
  return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE ||
         cp == 0xFFFF;
}

void AppendVisibleControl(std::string& out, std::int32_t cp) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[static_cast<std::size_t>((cp >> shift) & 0xF)];
}

enum class Target { kXmlText, kXmlAttribute, kHtml };

std::string Escape(std::string_view text, Target target) {
  std::string out;
  out.reserve(text.size() + text.size() / 8 + 8);
  for (std::size_t i = 0; i < text.size();) {
    const Decoded d = DecodeAt(text, i);
    if (d.cp < 0) {
      out += kReplacement;
    } else if (IsHiddenControl(d.cp)) {
      AppendVisibleControl(out, d.cp);
    } else {
      switch (d.cp) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;  // also keeps "]]>" out of XML text
        case '"': out += target == Target::kXmlText ? "\"" : "&quot;"; break;
        case '\'':
          out += target == Target::kHtml ? "&#39;" : target == Target::kXmlAttribute ? "&apos;" : "'";
          break;
        case '\r': out += target == Target::kHtml ? "\r" : "&#13;"; break;
        case '\n': out += target == Target::kXmlAttribute ? "&#10;" : "\n"; break;
        case '\t': out += target == Target::kXmlAttribute ? "&#9;" : "\t"; break;
        default: out.append(text.substr(i, d.len));
      }
    }
    i += d.len;
  }
  return out;
}

std::string TwoDigits(long long v) { return (v < 10 ? "0" : "") + std::to_string(v); }

}  // namespace

std::string EscapeXmlText(std::string_view text) { return Escape(text, Target::kXmlText); }
std::string EscapeXmlAttribute(std::string_view text) { return Escape(text, Target::kXmlAttribute); }
std::string EscapeHtml(std::string_view text) { return Escape(text, Target::kHtml); }

std::string Truncate(std::string_view text, std::size_t max_chars) {
  // Walk at most max_chars code points; `cut` is where the first max_chars - 1 of them end.
  std::size_t chars = 0, cut = 0, i = 0;
  while (i < text.size() && chars < max_chars) {
    i += DecodeAt(text, i).len;
    ++chars;
    if (chars + 1 == max_chars) cut = i;
  }
  if (i >= text.size()) return std::string(text);
  if (max_chars == 0) return "";
  return std::string(text.substr(0, cut)) + "\xE2\x80\xA6";  // U+2026: one character in place of the rest
}

std::string FormatFixed(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  char buf[400];  // the widest double in fixed notation is 309 digits, plus the decimals
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals);
  if (ec != std::errc()) return "n/a";
  std::string s(buf, end);
  if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds)) return "n/a";
  if (seconds < 0) return "-" + FormatDuration(-seconds);
  if (seconds < 0.9995) return FormatFixed(seconds * 1000, 0) + " ms";
  if (seconds < 9.995) return FormatFixed(seconds, 2) + " s";
  if (seconds < 59.95) return FormatFixed(seconds, 1) + " s";
  const long long s = std::llround(seconds);
  if (s < 3600) return std::to_string(s / 60) + "m " + TwoDigits(s % 60) + "s";
  const long long m = (s + 30) / 60;  // to the nearest minute
  if (m < 24 * 60) return std::to_string(m / 60) + "h " + TwoDigits(m % 60) + "m";
  const long long h = (m + 30) / 60;
  return std::to_string(h / 24) + "d " + TwoDigits(h % 24) + "h";
}

std::string FormatClock(double seconds) {
  if (!std::isfinite(seconds)) return "n/a";
  if (seconds < 0) return "-" + FormatClock(-seconds);
  const long long ms = std::llround(seconds * 1000);
  const long long total_s = ms / 1000;
  const long long days = total_s / 86400;
  std::string out = days > 0 ? std::to_string(days) + "d " : "";
  out += TwoDigits(total_s % 86400 / 3600) + ":" + TwoDigits(total_s % 3600 / 60) + ":" + TwoDigits(total_s % 60);
  const long long frac = ms % 1000;
  out += "." + std::string(frac < 100 ? (frac < 10 ? "00" : "0") : "") + std::to_string(frac);
  return out;
}

std::string FormatPercent(double ratio, int decimals) { return FormatFixed(ratio * 100, decimals) + "%"; }

std::string FormatMoney(double dollars) {
  if (!std::isfinite(dollars)) return "n/a";
  const std::string digits = FormatFixed(dollars < 0 ? -dollars : dollars, 2);
  return (dollars < 0 && digits != "0.00" ? "-$" : "$") + digits;
}

}  // namespace rh::reports
