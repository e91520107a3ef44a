// Loading scenario files (docs/SCENARIOS.md): YAML in, a validated scenario::Scenario out, or the
// first problem found, with the file, line, column and dotted field at fault. Everything the
// runner would otherwise trip over is refused here: unknown fields, wrong types, bad durations,
// references to handles that do not exist, a ticket used before it is created, a policy that does
// not load. Also finds the scenario files under folders.
//
// Reads files and nothing else: no clock, no randomness, no global state, so the same bytes give
// the same Scenario (or the same error) and several threads may load at once. Never throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario.h"
#include "sim/expected.h"
#include "config/file_error.h"

namespace rh::harness {

// An expected failure: a scenario file that cannot be used as it is (file, line, column, dotted
// field such as "timeline[2].customer_writes.customer", message).
using ScenarioError = config::FileError;

// Reads, validates and loads a scenario file. `policy:` paths are resolved against the file's
// folder. Scenario::file is `path` as given; Scenario::content_hash is the SHA-256 of its bytes.
sim::Expected<scenario::Scenario, ScenarioError> LoadScenarioFile(const std::string& path);

// The same from text. `file_name` is only used in errors and Scenario::file; a relative `policy:`
// path is resolved against `base_dir` ("" : the working directory).
sim::Expected<scenario::Scenario, ScenarioError> LoadScenarioText(std::string_view yaml, std::string_view file_name,
                                                                  std::string_view base_dir);

// A pipeline variant as the format writes it ("skips_recovery"), for the writer and reports.
std::string_view PipelineVariantName(scenario::PipelineVariant variant);
// Every variant's name, in enum order, and a name back to its variant (nullopt when unknown).
const std::vector<std::string_view>& PipelineVariantNames();
std::optional<scenario::PipelineVariant> ParsePipelineVariant(std::string_view name);

// The scenario files named by `paths_or_dirs`: a file is taken as it is; a folder is searched
// recursively for *.yaml and *.yml, skipping hidden entries and any `policies/` or `profiles/`
// folder below it (they hold policies and store profiles, not scenarios). The result is sorted
// and each file appears once. A path that does not exist or cannot be read adds a line to
// `errors` (when given) and is skipped.
std::vector<std::string> FindScenarioFiles(const std::vector<std::string>& paths_or_dirs,
                                           std::vector<std::string>* errors);

}  // namespace rh::harness
