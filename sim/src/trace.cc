#include "sim/trace.h"

#include <cstdio>
#include <ostream>

#include "sim/check.h"
#include "sim/json_writer.h"
#include "sim/rng.h"

namespace rh::sim {

const TraceValue* TraceRecord::Find(std::string_view key) const {
  for (const auto& f : fields) {
    if (f.key == key) return &f.value;
  }
  return nullptr;
}

Trace::Trace(TraceHeader header) : header_(std::move(header)) {}

void Trace::Record(Instant time, std::string_view source, std::string_view kind,
                   std::vector<TraceField> fields) {
  if (!enabled_) return;
  for ([[maybe_unused]] const auto& f : fields) {
    RH_CHECK(f.key != "t_ns" && f.key != "src" && f.key != "kind",
             "a trace field may not reuse a reserved key");
  }
  records_.push_back({time, std::string(source), std::string(kind), std::move(fields)});
}

std::string Trace::RenderHeader(const TraceHeader& h) {
  std::string out;
  JsonObjectWriter w(out);
  w.Str("schema", "rehearsal.trace")
      .Int("version", kSchemaVersion)
      .Str("build", h.build)
      .Uint("seed", h.seed)
      .Str("scenario", h.scenario)
      .Str("scenario_hash", h.scenario_hash)
      .Str("replay", h.replay);
  w.Close();
  return out;
}

std::string Trace::RenderRecord(const TraceRecord& r) {
  std::string out;
  out.reserve(96);
  JsonObjectWriter w(out);
  w.Int("t_ns", r.time.time_since_epoch().count()).Str("src", r.source).Str("kind", r.kind);
  for (const auto& f : r.fields) {
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::int64_t>) {
            w.Int(f.key, v);
          } else if constexpr (std::is_same_v<V, double>) {
            w.Num(f.key, v);
          } else if constexpr (std::is_same_v<V, bool>) {
            w.Bool(f.key, v);
          } else {
            w.Str(f.key, v);
          }
        },
        f.value);
  }
  w.Close();
  return out;
}

std::string Trace::ToJsonl() const {
  std::string out = RenderHeader(header_);
  out.push_back('\n');
  for (const auto& r : records_) {
    out += RenderRecord(r);
    out.push_back('\n');
  }
  return out;
}

void Trace::WriteJsonl(std::ostream& out) const {
  out << RenderHeader(header_) << '\n';
  for (const auto& r : records_) out << RenderRecord(r) << '\n';
}

std::string Trace::Digest() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(StableHash(ToJsonl())));
  return buf;
}

}  // namespace rh::sim
