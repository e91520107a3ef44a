// The campaign: RapidCheck drives generation and shrinking, the runner plays each case, and the
// shrunk counterexample is written as a scenario file and run again from that file.
#include <rapidcheck.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "fuzz_case.h"
#include "harness/fuzz.h"
#include "harness/runner.h"
#include "harness/scenario_loader.h"
#include "harness/scenario_writer.h"
#include "pipeline/policy.h"
#include "phrase_bank.h"

// RapidCheck's own encoding of a failure's reproduce information (what it prints after
// RC_PARAMS="reproduce=..."); defined in librapidcheck, not declared in its public headers.
namespace rc::detail {
std::string reproduceMapToString(const std::unordered_map<std::string, Reproduce>& reproduceMap);
}  // namespace rc::detail

namespace rh::harness::fuzz {

std::ostream& operator<<(std::ostream& os, const FuzzCase& c) {
  os << c.customers.size() << " customers, " << c.orders.size() << " orders, " << c.messages.size() << " messages, "
     << c.scans.size() << " scans";
  return os;
}

namespace {

namespace sc = scenario;

// One of n choices, uniform whatever RapidCheck's size (which otherwise narrows early cases to
// the first choices); shrinks towards choice 0.
int Pick(int n) { return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange(0, n)); }

// True one time in n; shrinks towards false (fewer faults).
bool OneIn(int n) { return Pick(n) == n - 1; }

// A signed distance from a boundary. Its magnitude grows with RapidCheck's size (early cases sit
// on the boundary, later ones further away), and shrinks to the boundary itself.
int Edge(int magnitude_below) {
  const int magnitude = *rc::gen::inRange(0, magnitude_below);
  return *rc::gen::arbitrary<bool>() ? -magnitude : magnitude;
}

template <typename T>
std::vector<T> Some(int at_most, const std::function<T()>& one) {
  const int n = *rc::gen::inRange(1, at_most + 1);
  std::vector<T> out;
  for (int i = 0; i < n; ++i) out.push_back(one());
  return out;
}

// The case generator: everything drawn here shrinks towards the first customer, the first shape,
// the boundary, no fault.
FuzzCase GenerateCase() {
  FuzzCase c;
  c.customers = Some<CaseCustomer>(3, [] {
    CaseCustomer who;
    // Mostly far below the VIP line; a third of them within twenty units of it.
    who.value_vs_vip_line = OneIn(3) ? Edge(21) : -1000;
    who.refunds = OneIn(4) ? Pick(4) : 0;
    return who;
  });
  const int customers = static_cast<int>(c.customers.size());
  c.orders = Some<CaseOrder>(4, [&] {
    CaseOrder o;
    o.customer = Pick(customers);
    o.shape = static_cast<OrderShape>(Pick(kOrderShapeCount));
    o.edge = o.shape == OrderShape::kDelivered ? Edge(3) : Edge(121);
    o.cutoff = Pick(3);
    o.hour = Pick(24);
    o.carrier = Pick(4);
    o.second_item = OneIn(4);
    return o;
  });
  c.messages = Some<CaseMessage>(3, [&] {
    CaseMessage m;
    m.customer = Pick(customers);
    m.intent = Pick(pipeline::kIntentCount);
    m.style = Pick(kPhraseStyleCount);
    m.phrase = Pick(2);
    m.order = Pick(3) - 1;
    m.channel = Pick(3);
    m.at_minutes = *rc::gen::inRange(0, 6 * 60);
    m.agent = Pick(4);
    m.agent_after_minutes = 10 + *rc::gen::inRange(0, 24 * 60);
    return m;
  });
  const int scans = Pick(3);
  for (int i = 0; i < scans; ++i) {
    CaseScan s;
    s.order = Pick(static_cast<int>(c.orders.size()));
    s.status = Pick(4);
    s.at_minutes = *rc::gen::inRange(0, 24 * 60);
    c.scans.push_back(s);
  }
  // Faults are rarer than clean runs: each shrinks to "none".
  if (OneIn(3)) c.faults.llm = static_cast<LlmFault>(1 + Pick(kLlmFaultCount - 1));
  c.faults.duplicate_webhooks = OneIn(6);
  c.faults.delay_webhooks = OneIn(6);
  if (OneIn(6)) c.faults.rate_limit = 1 + Pick(2);
  c.faults.forged_webhook = OneIn(8);
  if (OneIn(3)) c.faults.promotion_at_minutes = *rc::gen::inRange(0, 24 * 60);
  return c;
}

// What one case did, for the property and the report.
struct Verdict {
  std::vector<std::string> fired;  // oracle ids that did not hold
  std::string first_violation;
  std::string error;  // the run broke
};

Verdict Judge(const ScenarioResult& r) {
  Verdict v;
  if (r.status == "error") v.error = r.error;
  for (const OracleResult& o : r.oracles) {
    if (o.held) continue;
    v.fired.push_back(o.id);
    if (v.first_violation.empty()) v.first_violation = o.id + ": " + o.message;
  }
  return v;
}

// Counts generated cases and shrinks, and the boundaries the generated cases came near.
class Listener final : public rc::detail::TestListener {
 public:
  Listener(FuzzResult& result, const FuzzOptions& options) : result_(result), options_(options) {}
  std::vector<std::string> pending_tags;

  void onTestCaseFinished(const rc::detail::CaseDescription&) override {
    ++result_.cases;
    for (const auto& t : pending_tags) ++result_.boundaries[t];
    if (options_.progress) options_.progress(result_.cases, options_.cases, false);
  }
  void onShrinkTried(const rc::detail::CaseDescription&, bool accepted) override {
    ++result_.shrinks_tried;
    if (accepted) ++result_.shrinks_accepted;
    if (options_.progress) options_.progress(result_.cases, options_.cases, true);
  }
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}

 private:
  FuzzResult& result_;
  const FuzzOptions& options_;
};

std::string DefaultPolicyFile() { return std::string(REHEARSAL_SOURCE_DIR) + "/scenarios/policies/default.yaml"; }

// "rehearse fuzz --seed 1 --cases 300 --variant replies_twice": the campaign that found it.
std::string CampaignCommand(const FuzzOptions& o) {
  std::string out = "rehearse fuzz --seed " + std::to_string(o.seed) + " --cases " + std::to_string(o.cases);
  if (!o.policy_file.empty()) out += " --policy " + o.policy_file;
  if (o.variant != sc::PipelineVariant::kReference) out += " --variant " + std::string(PipelineVariantName(o.variant));
  return out;
}

int CountLines(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace

FuzzResult RunFuzz(const FuzzOptions& options) {
  FuzzResult result;
  const std::string policy_file = options.policy_file.empty() ? DefaultPolicyFile() : options.policy_file;
  auto policy = pipeline::LoadPolicyFile(policy_file);
  if (!policy) {
    result.error = policy.error().ToString();
    result.held = false;
    return result;
  }
  // The scenario names a given policy by its absolute path, so the written file runs from
  // anywhere; the default policy is the scenario format's own default and is not named.
  const std::string named_policy =
      options.policy_file.empty() ? std::string() : std::filesystem::absolute(options.policy_file).lexically_normal().string();
  const std::optional<pipeline::Policy> scenario_policy =
      options.policy_file.empty() ? std::nullopt : std::optional<pipeline::Policy>(*policy);
  RunOptions run_options;
  run_options.seed = options.seed;
  Listener listener(result, options);
  std::optional<FuzzCase> last_failing;
  Verdict last_verdict;
  int case_number = 0;

  const auto property = rc::detail::toProperty([&] {
    const FuzzCase c = GenerateCase();
    listener.pending_tags = BoundaryTags(c);
    const std::string name = "fuzz-seed" + std::to_string(options.seed) + "-case" + std::to_string(++case_number);
    sc::Scenario s = ToScenario(c, *policy, named_policy, options.variant, name);
    s.policy = scenario_policy;
    const Verdict v = Judge(RunScenario(s, run_options));
    if (v.error.empty() && v.fired.empty()) return;
    last_failing = c;
    last_verdict = v;
    std::string fired;
    for (const auto& id : v.fired) fired += (fired.empty() ? "" : ", ") + id;
    RC_FAIL(v.error.empty() ? "oracles fired: " + fired + " (" + v.first_violation + ")" : "the run broke: " + v.error);
  });
  rc::detail::TestMetadata metadata;
  metadata.id = "rehearse-fuzz";
  metadata.description = "every oracle holds";
  rc::detail::TestParams params;
  params.seed = options.seed;
  params.maxSuccess = options.cases;
  params.disableShrinking = !options.shrink;
  const rc::detail::TestResult outcome = rc::detail::checkProperty(property, metadata, params, listener, {});

  rc::detail::FailureResult failure;
  if (!outcome.match(failure)) {
    rc::detail::Error error;
    if (outcome.match(error)) {
      result.held = false;
      result.error = error.description;
    }
    return result;
  }
  result.held = false;
  result.reproduce = rc::detail::reproduceMapToString({{metadata.id, failure.reproduce}});
  if (!last_failing) {
    result.error = "RapidCheck reported a failure the campaign did not see: " + failure.description;
    return result;
  }
  result.oracles_fired = last_verdict.fired;
  result.violation = last_verdict.error.empty() ? last_verdict.first_violation : last_verdict.error;

  // The counterexample as a file: a scenario that fails the same way under `rehearse run`.
  const std::string name = "fuzz-seed" + std::to_string(options.seed) + "-counterexample";
  sc::Scenario s = ToScenario(*last_failing, *policy, named_policy, options.variant, name);
  s.policy = scenario_policy;
  s.seed = options.seed;
  s.description = "Found by rehearse fuzz and shrunk; every oracle should hold.";
  WriteOptions write;
  write.base_dir = options.out_dir;
  std::string fired;
  for (const auto& id : result.oracles_fired) fired += (fired.empty() ? "" : ", ") + id;
  write.header = {"A counterexample found by rehearse fuzz: " + (fired.empty() ? std::string("the run broke") : "oracle " + fired + " fired") + ".",
                    result.violation.substr(0, 300),
                    "Campaign: " + CampaignCommand(options) + " (shrunk " + std::to_string(result.shrinks_accepted) +
                        " times)",
                    "RapidCheck: RC_PARAMS=\"reproduce=" + result.reproduce + "\"",
                    "Replay: rehearse run <this file>"};
  result.counterexample_yaml = WriteScenario(s, write);
  result.counterexample_lines = CountLines(result.counterexample_yaml);
  if (options.out_dir.empty()) return result;

  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  const std::string path = (std::filesystem::path(options.out_dir) / (name + ".yaml")).string();
  std::ofstream out(path, std::ios::binary);
  out << result.counterexample_yaml;
  out.close();
  if (!out) {
    result.error = "could not write " + path;
    return result;
  }
  result.counterexample_file = path;
  // Run the file as a user would, and check that it fails the same way.
  const ScenarioResult again = RunScenarioFile(path, RunOptions{});
  const Verdict v = Judge(again);
  result.reproduced = v.error.empty() && !v.fired.empty() && v.fired == result.oracles_fired;
  if (!v.error.empty()) result.error = "the counterexample file does not load: " + v.error;
  return result;
}

}  // namespace rh::harness::fuzz
