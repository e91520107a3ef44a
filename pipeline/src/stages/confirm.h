// Confirm (DESIGN.md step 3): the policy decides (a seam: ConfirmPolicy, which adds the money
// guard), then either the reply goes out on the ticket's channel (a seam: ReplySender) or a person
// takes the ticket: assigned by user id, with a priority and a handover summary, its draft kept
// in the ticket's memory for the person's reply to be compared with. Either way the route is a
// decision row. Its hand-off, Confirmation, is the decision and what became of it.
#pragma once

#include <cstdint>

#include "context.h"
#include "draft.h"
#include "pipeline/policy.h"
#include "sim/task.h"
#include "ticket_memory.h"
#include "triage.h"

namespace rh::pipeline::stages {

struct Confirmation {
  Decision decision;  // as routed: the policy's, after the money guard
  bool sent = false;  // the reply went out automatically; else a person has the ticket
};

sim::Task<Confirmation> Confirm(const Context& ctx, const Triage& triage, const Draft& draft, TicketMemory& memory);

}  // namespace rh::pipeline::stages
