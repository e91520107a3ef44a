// `rehearse decisions`: prints rows of a pipeline's decision log (a SQLite file) as a table, JSON
// or CSV, filtered by ticket, intent, route, kind and a time range. The file is opened read-only:
// the command never creates, migrates or writes it, so it is safe to run while the pipeline is
// writing. It reads no clock: "since" and "until" are given, never "the last hour".
#pragma once

#include <string>
#include <vector>

#include "pipeline/decision_log.h"

namespace CLI {
class App;
}

namespace rh::app {

// Adds the `decisions` subcommand to `app`. The subcommand hands its arguments over untouched
// (RunDecisions parses them), so every bad argument, CLI11's own complaints included, exits
// with 2 as the command documents.
CLI::App* AddDecisionsCommand(CLI::App& app);

// Parses the subcommand's arguments (in command-line order) and prints the matching decisions.
// Exit code 0 (also when nothing matches), 2 on a bad argument or a database it cannot read,
// with the reason on stderr.
int RunDecisions(const std::vector<std::string>& args);

// The rows as the decisions endpoint of an outside pipeline shows them (docs/ANY-PIPELINE.md):
// {"data": [{"id", "ticket_id", "kind", "intent", "route", "rule", "rationale", ...}]}.
std::string DecisionsDocument(const std::vector<pipeline::DecisionRow>& rows);

}  // namespace rh::app
