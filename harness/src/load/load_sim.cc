// The sim mode of a load rehearsal: build the world from the profile, play it hour by hour,
// judge it with every oracle, and measure it from ground truth.
#include <algorithm>
#include <cstdio>
#include <fstream>

#include "harness/load.h"
#include "harness/load_plan.h"
#include "harness/oracles.h"
#include "harness/reference_pipeline.h"
#include "harness/sim_world.h"
#include "load_measure.h"
#include "load_traffic.h"
#include "rehearsal/build_info.h"
#include "sim/clock.h"

namespace rh::harness::load {
namespace {

mocks::shopify::Plan ShopifyPlanOf(const std::string& name) {
  if (name == "advanced") return mocks::shopify::Plan::kAdvanced;
  if (name == "plus") return mocks::shopify::Plan::kPlus;
  if (name == "enterprise") return mocks::shopify::Plan::kEnterprise;
  return mocks::shopify::Plan::kStandard;
}

SimWorldConfig WorldConfigFor(const LoadProfile& profile, std::uint64_t seed) {
  SimWorldConfig c;
  c.seed = seed;
  c.scenario = profile.file.empty() ? profile.name : profile.file;
  c.scenario_hash = profile.content_hash;
  c.build = std::string(kVersion) + "+" + kGitDescribe;
  char multiplier[32];
  std::snprintf(multiplier, sizeof multiplier, "%.2f", profile.multiplier);
  c.replay = "rehearse load --mode sim --seed " + std::to_string(seed) + " --multiplier " + multiplier + " " + c.scenario;
  c.shopify.plan = ShopifyPlanOf(profile.store.shopify_plan);
  if (profile.store.gorgias_enterprise) c.gorgias.rate_limits = mocks::gorgias::RateLimits::Enterprise();
  // The reference pipeline authenticates with a key; an OAuth store is modelled by giving that
  // credential OAuth's bucket, which is the whole difference a limit makes.
  if (profile.store.gorgias_auth == "oauth") c.gorgias.rate_limits.api_key_limit = c.gorgias.rate_limits.oauth_limit;
  c.llm.rate_limits.openai_rpm = profile.store.llm_requests_per_minute;
  c.llm.rate_limits.openai_tpm = profile.store.llm_tokens_per_minute;
  c.agents = std::max(1, profile.TotalAgents());
  return c;
}

}  // namespace

LoadResult SimulateLoad(const LoadProfile& original, const LoadOptions& options) {
  const sim::RealClock wall;
  const sim::Instant started = wall.Now();
  LoadProfile profile = original;
  if (options.multiplier) profile.multiplier = *options.multiplier;
  const std::uint64_t seed = options.seed.value_or(profile.seed);
  LoadResult result;
  {
    SimWorld world(WorldConfigFor(profile, seed));
    ReferencePipeline reference(world, DefaultPolicy());
    detail::LoadTraffic traffic(world, reference, profile);
    traffic.Start();
    const int hours = profile.hours() + static_cast<int>(profile.drain / sim::Hours(1));
    for (int h = 0; h < hours; ++h) {
      world.RunFor(sim::Hours(1));
      if (options.progress) options.progress(h + 1, hours, profile.multiplier);
    }
    traffic.Stop();
    OracleContext context{.world = world, .pipeline = reference, .first_response_sla = profile.first_response_sla};
    result.oracles = CheckInvariants(context);
    detail::Measure(profile, world, traffic, result);
    result.trace_digest = world.trace().Digest();
    result.virtual_seconds = sim::ToSeconds(world.scheduler().Now().time_since_epoch());
    if (!options.trace_path.empty()) {
      std::ofstream out(options.trace_path, std::ios::binary);
      world.trace().WriteJsonl(out);
    }
  }
  result.profile = profile.name;
  result.file = profile.file;
  result.build = std::string(kVersion) + "+" + kGitDescribe;
  result.seed = seed;
  result.multiplier = profile.multiplier;
  result.sla_s = sim::ToSeconds(profile.first_response_sla);
  result.sla_target = profile.sla_target;
  PlanCapacity(profile, result);
  result.wall_seconds = sim::ToSeconds(wall.Now() - started);
  return result;
}

sim::Expected<LoadResult, std::string> RunLoad(const LoadProfile& profile, const LoadOptions& options) {
  std::vector<Threshold> thresholds;
  for (const std::string& text : profile.thresholds) {
    auto parsed = ParseThreshold(text);
    if (!parsed) return sim::MakeUnexpected(parsed.error().ToString());
    thresholds.push_back(*parsed);
  }
  for (const Threshold& t : options.extra_thresholds) thresholds.push_back(t);
  if (thresholds.empty()) thresholds.push_back(*ParseThreshold("oracles.violated == 0"));
  // A metric no run has is refused before the run, not after a week of it.
  LoadResult names_only;
  for (const char* vendor : {"gorgias", "shopify", "klaviyo", "llm"}) names_only.services[vendor];
  for (const ThresholdVerdict& v : JudgeThresholds(thresholds, LoadMetrics(names_only))) {
    if (!v.observed) return sim::MakeUnexpected("threshold '" + v.expression + "': " + v.detail);
  }

  LoadResult result = SimulateLoad(profile, options);
  for (double multiplier : options.sweep) {
    LoadOptions one = options;
    one.multiplier = multiplier;
    one.trace_path.clear();
    if (options.progress) options.progress(0, 0, multiplier);
    // The main run's multiplier is not run twice.
    const LoadResult swept = multiplier == result.multiplier ? result : SimulateLoad(profile, one);
    result.plan.sweep.push_back({.multiplier = multiplier,
                                 .arrivals = swept.arrivals,
                                 .first_response_p90_s = swept.first_response.p90_s,
                                 .sla_met = swept.sla_met,
                                 .backlog_max = std::max(swept.backlog_pipeline_max, swept.backlog_person_max),
                                 .held = swept.sla_met >= profile.sla_target});
    if (!result.plan.sla_breaks_at && !result.plan.sweep.back().held) result.plan.sla_breaks_at = multiplier;
  }
  result.metrics = LoadMetrics(result);
  for (const ThresholdVerdict& v : JudgeThresholds(thresholds, result.metrics)) {
    if (!v.observed) return sim::MakeUnexpected("threshold '" + v.expression + "': " + v.detail);
    result.thresholds.push_back({v.expression, v.held, v.detail});
  }
  return result;
}

std::map<std::string, double> LoadMetrics(const LoadResult& r) {
  std::map<std::string, double> m;
  m["arrivals"] = r.arrivals;
  m["automated"] = r.automated;
  m["handed_over"] = r.handed_over;
  m["automation_rate"] = r.arrivals > 0 ? static_cast<double>(r.automated) / r.arrivals : 0;
  m["dropped"] = r.undecided;
  m["dropped.rate"] = r.arrivals > 0 ? static_cast<double>(r.undecided) / r.arrivals : 0;
  m["unanswered"] = r.unanswered;
  m["sla.met"] = r.sla_met;
  const auto percentiles = [&](const std::string& name, const Percentiles& p) {
    m[name + ".p50"] = p.p50_s;
    m[name + ".p90"] = p.p90_s;
    m[name + ".p99"] = p.p99_s;
    m[name + ".p999"] = p.p999_s;
    m[name + ".max"] = p.max_s;
  };
  percentiles("first_response", r.first_response);
  percentiles("resolution", r.resolution);
  m["backlog.pipeline.max"] = r.backlog_pipeline_max;
  m["backlog.person.max"] = r.backlog_person_max;
  m["backlog.max"] = std::max(r.backlog_pipeline_max, r.backlog_person_max);
  double total_429 = 0;
  for (const auto& [service, s] : r.services) {
    m["http_429." + service] = static_cast<double>(s.http_429);
    m["retries." + service] = static_cast<double>(s.retries);
    m["limit_wait." + service] = s.limit_wait_s;
    total_429 += static_cast<double>(s.http_429);
  }
  m["http_429.total"] = total_429;
  m["agents.utilisation"] = r.agent_utilisation;
  int short_of = 0;
  for (const ShiftPlan& s : r.plan.shifts) short_of += std::max(0, s.needed - s.rostered);
  m["agents.short"] = short_of;
  m["ai.resolutions"] = r.plan.ai_resolutions;
  m["ai.overage"] = r.plan.ai_overage;
  m["ai.bill"] = r.plan.ai_bill;
  int violated = 0;
  for (const OracleResult& o : r.oracles) violated += (!o.held && o.id != "I11") ? 1 : 0;  // I11 is the SLA: thresholds judge it
  m["oracles.violated"] = violated;
  return m;
}

}  // namespace rh::harness::load
