// Draft (DESIGN.md step 2): the LLM drafts the reply against the order's facts (items, carrier,
// tracking, last scan, return window), the fact check (a seam: FactChecker) says whether the draft
// may be sent, and the draft is posted on the ticket as an internal note for a person to see.
// Its hand-off, Draft, is the text and what is wrong with it.
#pragma once

#include <cstdint>
#include <string>

#include "context.h"
#include "sim/task.h"
#include "triage.h"

namespace rh::pipeline::stages {

struct Draft {
  std::string text;     // "" when nothing was drafted
  std::string problem;  // the fact check's findings; "" when the draft may be sent
  bool failed = false;  // the LLM was asked and failed
  std::string tried;    // what went wrong, for a person's handover summary
  // The Gorgias user the pipeline writes as (0 when unknown); the note was posted as it.
  std::uint64_t author_id = 0;
};

// Drafts a reply for a triaged message (nothing when the classifier already failed).
sim::Task<Draft> DraftReply(const Context& ctx, const Triage& triage);

}  // namespace rh::pipeline::stages
