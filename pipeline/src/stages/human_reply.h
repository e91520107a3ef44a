// A person answers (DESIGN.md step 3's second half): an agent's reply on a ticket the pipeline
// handed over is recorded as a confirm (the draft as is), an edit (most of the draft kept) or an
// override (a different answer, with the reason from the agent's latest "Reason:" note), and
// completes the route's decision row. An agent's note only remembers its reason.
#pragma once

#include <memory>

#include "context.h"
#include "pipeline/webhook_intake.h"
#include "sim/task.h"
#include "ticket_memory.h"

namespace rh::pipeline::stages {

sim::Task<void> RecordHumanReply(const Context& ctx, GorgiasEvent event, std::shared_ptr<TicketMemory> memory);

}  // namespace rh::pipeline::stages
