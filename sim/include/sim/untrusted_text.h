// Checks for text that arrives from outside the process (request targets, headers, bodies)
// before it reaches code that cannot cope with it: nlohmann-json's recursive destructor and
// dump() overflow the stack on documents nested tens of thousands deep, and dump() throws on
// bytes that are not UTF-8. Pure functions of their input; no allocation beyond the result.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rh::sim {

// The deepest JSON document anything in Rehearsal accepts from a client. Real payloads of the
// four services nest fewer than 20 levels; 512 leaves room for any honest document and keeps
// recursive code far from the stack's end (the mocks crashed near 50,000).
inline constexpr std::size_t kMaxJsonNesting = 512;

// True when no array or object in `json` is nested deeper than `max_depth`. Counts brackets
// outside strings only, so it is linear and correct for any text, valid JSON or not (a parser
// still decides validity afterwards).
bool JsonNestingWithin(std::string_view json, std::size_t max_depth = kMaxJsonNesting);

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF).
bool IsValidUtf8(std::string_view text);

// `text` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD,
// the same replacement nlohmann-json's error_handler_t::replace makes. Valid text is returned
// unchanged.
std::string ToValidUtf8(std::string_view text);

// At most `max_bytes` of `text` (cut on a UTF-8 boundary) and made valid UTF-8, with a note of
// how much was cut. For logs that keep what clients sent: a bounded, printable prefix.
std::string BoundedPrintable(std::string_view text, std::size_t max_bytes);

}  // namespace rh::sim
