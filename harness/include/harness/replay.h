// Replay: re-runs the scenario a trace recorded, with the recorded seed, on the current build, and
// compares the new trace with the recorded one record by record, the way a snapshot test compares
// a rendering with its approved copy. The first divergence is shown with its context: the record
// before it, both versions of the differing record, and what the scenario was doing at that
// virtual time. `accept` rewrites the recorded trace with the new one (a reviewed change of
// behaviour). The header's build is not compared: a new build giving the same trace is the point.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rh::harness {

// The fields of a trace's first line (sim/trace.h).
struct RecordedHeader {
  std::uint64_t seed = 0;
  std::string scenario;       // the scenario file as it was given to `rehearse run`
  std::string scenario_hash;  // of the scenario as it was loaded then
  std::string build;
};

struct Divergence {
  std::size_t line = 0;      // 1-based line of the trace file (the header is line 1)
  std::string before;        // the last record both traces share ("" when the first record differs)
  std::string recorded;      // "" : the recorded trace ended here
  std::string replayed;      // "" : the replayed trace ended here
  double t_seconds = 0;      // virtual time of the differing record
  std::string doing;         // what the scenario was doing then, for a person
};

struct ReplayOutcome {
  enum class Status { kIdentical, kDiverged, kError };
  Status status = Status::kError;
  std::string error;                    // for kError: names the file and what is wrong
  RecordedHeader header;
  bool scenario_changed = false;        // the scenario file's hash differs from the recorded one
  std::size_t recorded_records = 0, replayed_records = 0;
  std::optional<Divergence> divergence;  // for kDiverged
  bool accepted = false;                // the recorded trace was rewritten
};

struct ReplayOptions {
  bool accept = false;  // on divergence, rewrite the recorded trace with the replayed one
  // Where a relative scenario path in the header is looked for when it is not found from the
  // working directory (the repository, for golden traces); "" : the working directory only.
  std::string source_dir;
};

// Reads the first line of a trace file; an error names the file and the field.
std::optional<RecordedHeader> ReadRecordedHeader(const std::string& trace_path, std::string* error);

ReplayOutcome Replay(const std::string& trace_path, const ReplayOptions& options);

}  // namespace rh::harness
