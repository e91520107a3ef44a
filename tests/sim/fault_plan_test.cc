// Goal: the fault plan fires exactly where it is told (host, path, method, time window, the Nth
// call), at the rate it is told, and deterministically for a given stream.
#include "sim/fault_plan.h"

#include <gtest/gtest.h>

namespace rh::sim {
namespace {

Request Get(std::string target) {
  Request r;
  r.target = std::move(target);
  return r;
}

TEST(FaultPlan, NthRuleFailsExactlyTheNthMatchingCall) {
  for (std::uint64_t n = 1; n <= 4; ++n) {
    FaultPlan plan;
    plan.Add({.host = "shopify", .kind = FaultKind::kErrorStatus, .nth = n, .status = 429});
    Rng rng(1);
    for (std::uint64_t call = 1; call <= 5; ++call) {
      plan.Decide("gorgias", Get("/api/tickets"), Instant{}, rng);  // other hosts do not count
      const FaultOutcome o = plan.Decide("shopify", Get("/admin/orders.json"), Instant{}, rng);
      EXPECT_EQ(o.terminal != nullptr, call == n) << "n=" << n << " call=" << call;
    }
    EXPECT_EQ(plan.fires(0), 1u);
    EXPECT_EQ(plan.matches(0), 5u);
  }
}

TEST(FaultPlan, MatchesPathPrefixMethodAndWindow) {
  FaultPlan plan;
  plan.Add({.path_prefix = "/v1/chat", .method = Method::kPost, .kind = FaultKind::kErrorStatus,
            .active_from = Instant(Sec(10)), .active_until = Instant(Sec(20)), .status = 529});
  Rng rng(1);
  Request post = Get("/v1/chat/completions");
  post.method = Method::kPost;
  EXPECT_EQ(plan.Decide("llm", post, Instant(Sec(5)), rng).terminal, nullptr);
  EXPECT_NE(plan.Decide("llm", post, Instant(Sec(10)), rng).terminal, nullptr);
  EXPECT_EQ(plan.Decide("llm", post, Instant(Sec(20)), rng).terminal, nullptr);
  EXPECT_EQ(plan.Decide("llm", Get("/v1/chat/completions"), Instant(Sec(15)), rng).terminal, nullptr);
  post.target = "/v1/models";
  EXPECT_EQ(plan.Decide("llm", post, Instant(Sec(15)), rng).terminal, nullptr);
}

TEST(FaultPlan, ProbabilisticRuleMeetsItsRate) {
  FaultPlan plan;
  plan.Add({.kind = FaultKind::kDropAfterHandling, .probability = 0.05});
  Rng rng(2);
  int fired = 0;
  for (int i = 0; i < 20'000; ++i) fired += plan.Decide("h", Get("/"), Instant{}, rng).terminal ? 1 : 0;
  EXPECT_NEAR(fired / 20'000.0, 0.05, 0.005);
}

TEST(FaultPlan, LatencyAddsUpAndTheFirstTerminalFaultWins) {
  FaultPlan plan;
  plan.Add({.name = "slow", .kind = FaultKind::kExtraLatency, .extra_latency = Ms(100)});
  plan.Add({.name = "first", .kind = FaultKind::kErrorStatus, .status = 500});
  plan.Add({.name = "slower", .kind = FaultKind::kExtraLatency, .extra_latency = Ms(50)});
  plan.Add({.name = "second", .kind = FaultKind::kDropBeforeHandling});
  Rng rng(3);
  const FaultOutcome o = plan.Decide("h", Get("/"), Instant{}, rng);
  EXPECT_EQ(o.extra_latency, Ms(150));
  ASSERT_NE(o.terminal, nullptr);
  EXPECT_EQ(o.terminal->name, "first");
  EXPECT_EQ(o.fired, (std::vector<std::string>{"slow", "first", "slower"}));
}

TEST(FaultPlan, MaxFiresCapsARule) {
  FaultPlan plan;
  plan.Add({.kind = FaultKind::kErrorStatus, .max_fires = 2});
  Rng rng(4);
  int fired = 0;
  for (int i = 0; i < 10; ++i) fired += plan.Decide("h", Get("/"), Instant{}, rng).terminal ? 1 : 0;
  EXPECT_EQ(fired, 2);
}

TEST(FaultKindNames, RoundTrip) {
  for (FaultKind k : {FaultKind::kExtraLatency, FaultKind::kErrorStatus, FaultKind::kDropBeforeHandling,
                      FaultKind::kDropAfterHandling, FaultKind::kNoResponse}) {
    EXPECT_EQ(ParseFaultKind(FaultKindName(k)), k);
  }
  EXPECT_EQ(ParseFaultKind("gremlins"), std::nullopt);
}

}  // namespace
}  // namespace rh::sim
