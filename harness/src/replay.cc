#include "harness/replay.h"

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "harness/runner.h"
#include "harness/scenario_loader.h"

namespace rh::harness {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

bool ReadLines(const std::string& path, std::vector<std::string>& lines) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return true;
}

double VirtualSecondsOf(const std::string& record) {
  const Json j = Json::parse(record, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("t_ns") || !j["t_ns"].is_number_integer()) return 0;
  return static_cast<double>(j["t_ns"].get<std::int64_t>()) / 1e9;
}

std::string FormatVirtualTime(double seconds) {
  const auto total = static_cast<std::int64_t>(seconds);
  char out[48];
  std::snprintf(out, sizeof out, "%" PRId64 "d %02d:%02d:%02d", total / 86400, static_cast<int>(total / 3600 % 24),
                static_cast<int>(total / 60 % 60), static_cast<int>(total % 60));
  return out;
}

// One line for a person: what a timeline step does. Steps this does not know by name are still
// found by where they are written.
std::string StepSummary(const scenario::Action& action) {
  return std::visit(
      [](const auto& a) -> std::string {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, scenario::CustomerWrites>) {
          return "customer " + a.customer + " writes on " + a.channel + ": \"" + a.text.substr(0, 60) + "\"";
        } else if constexpr (std::is_same_v<T, scenario::CarrierScan>) {
          return "the carrier scans order " + a.order + " as " + a.status;
        } else if constexpr (std::is_same_v<T, scenario::AgentReplies>) {
          return "agent " + std::to_string(a.agent) + " replies on ticket " + a.ticket;
        } else if constexpr (std::is_same_v<T, scenario::CloseTicket>) {
          return "agent " + std::to_string(a.agent) + " closes ticket " + a.ticket;
        } else if constexpr (std::is_same_v<T, scenario::DecideOffer>) {
          return "agent " + std::to_string(a.agent) + (a.approve ? " approves" : " declines") + " the offer on ticket " +
                 a.ticket;
        } else if constexpr (std::is_same_v<T, scenario::Refund>) {
          return "order " + a.order + " is refunded";
        } else if constexpr (std::is_same_v<T, scenario::ForgedWebhook>) {
          return "a forged webhook for customer " + a.customer;
        } else {
          return "a step";
        }
      },
      action);
}

std::string Doing(const scenario::Scenario& s, double t_seconds) {
  const scenario::Step* last = nullptr;
  for (const scenario::Step& step : s.timeline) {
    if (sim::ToSeconds(step.at) <= t_seconds && (last == nullptr || step.at >= last->at)) last = &step;
  }
  std::string out;
  if (last != nullptr) {
    out = "after the step at " + FormatVirtualTime(sim::ToSeconds(last->at)) + " (" + last->source.file + ":" +
          std::to_string(last->source.line) + "): " + StepSummary(last->action);
  } else if (!s.timeline.empty()) {
    out = "before the first step, while the world was seeded";
  }
  if (s.generate) out += std::string(out.empty() ? "" : "; ") + "generated traffic was running";
  return out.empty() ? "the scenario had no step yet" : out;
}

ReplayOutcome Failed(ReplayOutcome out, std::string error) {
  out.status = ReplayOutcome::Status::kError;
  out.error = std::move(error);
  return out;
}

std::string ResolveScenario(const std::string& recorded, const std::string& source_dir) {
  std::error_code ec;
  if (fs::exists(recorded, ec)) return recorded;
  const fs::path p(recorded);
  if (!source_dir.empty() && p.is_relative() && fs::exists(fs::path(source_dir) / p, ec)) {
    return (fs::path(source_dir) / p).string();
  }
  return "";
}

}  // namespace

std::optional<RecordedHeader> ReadRecordedHeader(const std::string& trace_path, std::string* error) {
  std::ifstream in(trace_path, std::ios::binary);
  std::string first;
  if (!in || !std::getline(in, first)) {
    *error = trace_path + ": cannot read the trace (missing, unreadable or empty)";
    return std::nullopt;
  }
  const Json j = Json::parse(first, nullptr, /*allow_exceptions=*/false);
  auto bad = [&](const std::string& field, const std::string& why) {
    *error = trace_path + ":1: " + field + ": " + why;
    return std::nullopt;
  };
  if (!j.is_object()) return bad("header", "the first line is not a JSON object");
  if (j.value("schema", std::string()) != "rehearsal.trace") return bad("schema", "not a Rehearsal trace");
  if (!j.contains("version") || j["version"] != 1) return bad("version", "this build reads trace version 1");
  if (!j.contains("seed") || !j["seed"].is_number_unsigned()) return bad("seed", "missing or not a whole number");
  if (!j.contains("scenario") || !j["scenario"].is_string() || j["scenario"].get<std::string>().empty()) {
    return bad("scenario", "missing: the trace does not say which scenario it recorded");
  }
  RecordedHeader h;
  h.seed = j["seed"].get<std::uint64_t>();
  h.scenario = j["scenario"].get<std::string>();
  h.scenario_hash = j.value("scenario_hash", std::string());
  h.build = j.value("build", std::string());
  return h;
}

ReplayOutcome Replay(const std::string& trace_path, const ReplayOptions& options) {
  ReplayOutcome out;
  std::string error;
  std::optional<RecordedHeader> header = ReadRecordedHeader(trace_path, &error);
  if (!header) return Failed(out, error);
  out.header = *header;
  std::vector<std::string> recorded;
  ReadLines(trace_path, recorded);

  const std::string scenario_path = ResolveScenario(header->scenario, options.source_dir);
  if (scenario_path.empty()) {
    return Failed(out, trace_path + ":1: scenario: " + header->scenario + " is not found (replay from where it was recorded)");
  }
  auto loaded = LoadScenarioFile(scenario_path);
  if (!loaded) return Failed(out, loaded.error().ToString());
  out.scenario_changed = !header->scenario_hash.empty() && loaded->content_hash != header->scenario_hash;
  // The new header names the scenario as the recorded one did, so an accepted trace keeps its path.
  loaded->file = header->scenario;

  // In the temporary folder, never beside the recorded trace (golden traces live in the source
  // tree); the process id keeps two replays of one trace apart.
  const std::string replayed_path =
      (fs::temp_directory_path() /
       ("rehearse-replay-" + std::to_string(::getpid()) + "-" + fs::path(trace_path).filename().string()))
          .string();
  RunOptions run;
  run.seed = header->seed;
  run.trace_path = replayed_path;
  const ScenarioResult result = RunScenario(*loaded, run);
  std::vector<std::string> replayed;
  const bool read = ReadLines(replayed_path, replayed);
  std::error_code ec;
  if (!read || replayed.empty()) {
    fs::remove(replayed_path, ec);
    return Failed(out, trace_path + ": the replay wrote no trace (" + result.status + " " + result.error + ")");
  }
  out.recorded_records = recorded.size() - 1;
  out.replayed_records = replayed.size() - 1;

  // Records only: line 1 is the header, whose build is expected to change.
  std::size_t i = 1;
  while (i < recorded.size() && i < replayed.size() && recorded[i] == replayed[i]) ++i;
  if (i == recorded.size() && i == replayed.size()) {
    out.status = ReplayOutcome::Status::kIdentical;
    fs::remove(replayed_path, ec);
    return out;
  }
  Divergence d;
  d.line = i + 1;
  d.before = i >= 2 ? recorded[i - 1] : "";
  d.recorded = i < recorded.size() ? recorded[i] : "";
  d.replayed = i < replayed.size() ? replayed[i] : "";
  d.t_seconds = VirtualSecondsOf(d.recorded.empty() ? d.replayed : d.recorded);
  d.doing = Doing(*loaded, d.t_seconds);
  out.divergence = d;
  out.status = ReplayOutcome::Status::kDiverged;
  if (options.accept) {
    // A copy, not a rename: the temporary folder may be on another file system.
    fs::copy_file(replayed_path, trace_path, fs::copy_options::overwrite_existing, ec);
    std::error_code ignored;
    fs::remove(replayed_path, ignored);
    if (ec) return Failed(out, trace_path + ": cannot rewrite the recorded trace: " + ec.message());
    out.accepted = true;
  } else {
    fs::remove(replayed_path, ec);
  }
  return out;
}

}  // namespace rh::harness
