// What customers write, per true intent: the phrasings a classifier meets in a real inbox (plain,
// indirect, misspelled, two intents in one message, other languages' common phrasings), each with
// the intent its writer meant. The fuzzer draws from it and states the truth to the oracles, so a
// misread is judged by what the customer wanted, not by what the pipeline understood.
// Plain data; deterministic.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/vocabulary/intent.h"

namespace rh::harness::fuzz {

enum class PhraseStyle { kPlain, kIndirect, kMisspelled, kTwoIntents, kOtherLanguage };
inline constexpr int kPhraseStyleCount = 5;
std::string_view PhraseStyleName(PhraseStyle style);  // "plain", "indirect", ...

struct Phrase {
  // May hold " {order}" after the words that name the order ("my order {order}"): replaced by
  // " #1001", or by nothing when the customer names no order.
  std::string text;
  // What the writer meant. For two intents in one message, the one that matters most for the
  // policy: a money intent when there is one (it must reach a person), else the first.
  pipeline::Intent truth = pipeline::Intent::kOther;
};

// The phrases of one intent and style; never empty (a style an intent lacks falls back to plain).
const std::vector<Phrase>& Phrases(pipeline::Intent intent, PhraseStyle style);

// `phrase.text` with " {order}" replaced by " " + `order` (an order name), or removed for "".
std::string Fill(const Phrase& phrase, const std::string& order);

}  // namespace rh::harness::fuzz
