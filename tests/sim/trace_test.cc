// Goal: the trace's bytes are stable: fixed key order, exact escaping, a versioned header that
// names the build, seed, scenario and replay command.
#include "sim/trace.h"

#include <gtest/gtest.h>

#include <sstream>

namespace rh::sim {
namespace {

Trace Sample() {
  Trace t({.seed = 99, .scenario = "wismo/healthy.yaml", .scenario_hash = "abc", .build = "0.1.0+test",
           .replay = "rehearse run wismo/healthy.yaml --seed 99"});
  t.Record(Instant(Ms(1500)), "gorgias", "ticket.created",
           {{"ticket", 7}, {"subject", "Where is \"my\" order?\n"}, {"vip", false}, {"score", 0.25}});
  t.Record(Instant(Sec(2)), "pipeline", "route", {});
  return t;
}

TEST(Trace, WritesAVersionedHeaderThenOneLinePerRecord) {
  EXPECT_EQ(Sample().ToJsonl(),
            "{\"schema\":\"rehearsal.trace\",\"version\":1,\"build\":\"0.1.0+test\",\"seed\":99,"
            "\"scenario\":\"wismo/healthy.yaml\",\"scenario_hash\":\"abc\","
            "\"replay\":\"rehearse run wismo/healthy.yaml --seed 99\"}\n"
            "{\"t_ns\":1500000000,\"src\":\"gorgias\",\"kind\":\"ticket.created\",\"ticket\":7,"
            "\"subject\":\"Where is \\\"my\\\" order?\\n\",\"vip\":false,\"score\":0.25}\n"
            "{\"t_ns\":2000000000,\"src\":\"pipeline\",\"kind\":\"route\"}\n");
}

TEST(Trace, StreamAndStringOutputsAreTheSameBytes) {
  std::ostringstream out;
  Sample().WriteJsonl(out);
  EXPECT_EQ(out.str(), Sample().ToJsonl());
  EXPECT_EQ(Sample().Digest(), Sample().Digest());
  EXPECT_EQ(Sample().Digest().size(), 16u);
}

TEST(Trace, EscapesControlCharacters) {
  Trace t({});
  t.Record(Instant{}, "s", "k", {{"raw", std::string("a\x01" "b\tc", 5)}});
  EXPECT_NE(t.ToJsonl().find(R"("raw":"a\u0001b\tc")"), std::string::npos);
}

TEST(Trace, DisabledTraceRecordsNothing) {
  Trace t({});
  t.set_enabled(false);
  t.Record(Instant{}, "s", "k");
  EXPECT_EQ(t.size(), 0u);
}

TEST(Trace, FindsFieldsByKey) {
  const Trace t = Sample();
  const TraceValue* v = t.records()[0].Find("ticket");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(std::get<std::int64_t>(*v), 7);
  EXPECT_EQ(t.records()[0].Find("absent"), nullptr);
}

TEST(TraceDeathTest, RefusesReservedFieldKeys) {
  Trace t({});
  EXPECT_DEATH(t.Record(Instant{}, "s", "k", {{"kind", 1}}), "reserved");
}

}  // namespace
}  // namespace rh::sim
