// The trace of a run: append-only records of (virtual time, source, kind, fields), written as
// JSONL with a versioned schema and a stable key order, so the same seed gives the same bytes.
// The first line is a header naming the build, the seed, the scenario hash and a command that
// replays the run. Single-threaded, like the simulation that writes it.
//
// Schema (version 1):
//   header: {"schema":"rehearsal.trace","version":1,"build":S,"seed":N,"scenario":S,
//            "scenario_hash":S,"replay":S}
//   record: {"t_ns":N,"src":S,"kind":S, <fields in the order recorded>}
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "sim/time.h"

namespace rh::sim {

using TraceValue = std::variant<std::int64_t, double, bool, std::string>;

struct TraceField {
  std::string key;
  TraceValue value;

  TraceField(std::string_view k, std::string_view v) : key(k), value(std::string(v)) {}
  TraceField(std::string_view k, const char* v) : key(k), value(std::string(v)) {}
  TraceField(std::string_view k, std::string v) : key(k), value(std::move(v)) {}
  TraceField(std::string_view k, bool v) : key(k), value(v) {}
  template <class I>
    requires(std::is_integral_v<I> && !std::is_same_v<I, bool>)
  TraceField(std::string_view k, I v) : key(k), value(static_cast<std::int64_t>(v)) {}
  TraceField(std::string_view k, double v) : key(k), value(v) {}
};

struct TraceRecord {
  Instant time;
  std::string source;
  std::string kind;
  std::vector<TraceField> fields;

  // The value of `key`, or nullptr.
  const TraceValue* Find(std::string_view key) const;
};

struct TraceHeader {
  std::uint64_t seed = 0;
  std::string scenario;       // a name or path
  std::string scenario_hash;  // hex of the scenario's content hash
  std::string build;          // version and commit
  std::string replay;         // one command line that replays this run
};

class Trace {
 public:
  static constexpr int kSchemaVersion = 1;

  explicit Trace(TraceHeader header);

  // Appends a record. Field keys must not be "t_ns", "src" or "kind".
  void Record(Instant time, std::string_view source, std::string_view kind,
              std::vector<TraceField> fields = {});

  // A disabled trace drops records (to measure what recording costs).
  void set_enabled(bool on) { enabled_ = on; }
  bool enabled() const { return enabled_; }

  const TraceHeader& header() const { return header_; }
  const std::vector<TraceRecord>& records() const { return records_; }
  std::size_t size() const { return records_.size(); }

  static std::string RenderHeader(const TraceHeader& header);
  static std::string RenderRecord(const TraceRecord& record);
  // The whole trace as JSONL: the header line, then one line per record.
  std::string ToJsonl() const;
  void WriteJsonl(std::ostream& out) const;
  // A stable 64-bit digest of the JSONL bytes (FNV-1a), printed as 16 hex digits.
  std::string Digest() const;

 private:
  TraceHeader header_;
  std::vector<TraceRecord> records_;
  bool enabled_ = true;
};

}  // namespace rh::sim
