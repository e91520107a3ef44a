// Text helpers shared by the renderers: escaping for XML and HTML, locale-independent number
// formatting, durations for people, and the one-line command that replays a scenario.
// Pure functions of their arguments: no clock, no locale, no global state, so the same result
// always renders to the same bytes. They never throw on bad input (invalid UTF-8 included).
#pragma once

#include <string>
#include <string_view>

#include "harness/run_result.h"

namespace rh::reports {

// For XML 1.0 element content: & < > escaped, CR kept as a reference (a parser would turn a raw
// CR into LF), tab and LF left as they are. Characters XML 1.0 forbids even as references (C0
// controls other than tab, LF and CR) are shown as a visible "\u001B" instead, and so are DEL,
// the C1 controls, U+FFFE and U+FFFF; invalid UTF-8 becomes U+FFFD. A scenario's stray byte
// therefore never makes the file unreadable to Jenkins or GitLab.
std::string EscapeXmlText(std::string_view text);

// For an XML attribute value in double or single quotes: as EscapeXmlText, plus both quotes, and
// tab, LF and CR as references so attribute-value normalisation keeps them.
std::string EscapeXmlAttribute(std::string_view text);

// For HTML text and quoted attribute values: & < > " ' escaped, newlines kept (they matter in
// <pre>), controls and invalid UTF-8 treated as for XML.
std::string EscapeHtml(std::string_view text);

// `text` cut to at most `max_chars` code points, with "…" when cut; never splits a UTF-8
// sequence. For labels drawn in SVG, where nothing wraps.
std::string Truncate(std::string_view text, std::size_t max_chars);

// `value` with exactly `decimals` digits after the point and '.' whatever the locale
// (std::to_chars); "-0.0" is written "0.0"; NaN and infinities as "n/a".
std::string FormatFixed(double value, int decimals);

// A duration for a person: "850 ms", "4.25 s", "12.3 s", "4m 05s", "3h 04m", "2d 03h".
std::string FormatDuration(double seconds);

// Virtual time on a clock since the start of the run: "00:01:02.500", "2d 03:00:00.000".
std::string FormatClock(double seconds);

// A ratio as a percentage: 0.425 -> "42.5%".
std::string FormatPercent(double ratio, int decimals = 1);

// Dollars with cents: 12.5 -> "$12.50"; -3 -> "-$3.00".
std::string FormatMoney(double dollars);

// The one line that replays a scenario exactly, as the runner wrote it in the result.
inline const std::string& ReplayCommand(const harness::ScenarioResult& scenario) { return scenario.replay; }

}  // namespace rh::reports
