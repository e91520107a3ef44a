// Goal: `rehearse run`'s engine is what users trust in CI. The shipped suite passes on the
// reference pipeline; every negative scenario fails with exactly the oracles it names, and only
// because of its broken variant; the same scenario and seed give the same trace bytes, verdicts
// and KPIs across repeats and across --jobs; a bad scenario file is reported with file, line and
// field while the others still run.
#include "harness/runner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <unistd.h>

#include "harness/scenario_loader.h"
#include "reports/summary_json.h"

namespace rh::harness {
namespace {

namespace fs = std::filesystem;

const std::string kScenarios = std::string(RH_SOURCE_DIR) + "/scenarios";

std::vector<std::string> Files(const std::string& under) {
  std::vector<std::string> errors;
  auto files = FindScenarioFiles({kScenarios + "/" + under}, &errors);
  EXPECT_TRUE(errors.empty()) << errors.front();
  return files;
}

// A fresh folder of its own (CTest may run these tests, and another build's, at the same time),
// removed at the end of the test.
struct TempFolder {
  explicit TempFolder(const std::string& name)
      : path(fs::path(::testing::TempDir()) / (name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempFolder() { fs::remove_all(path); }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  fs::path path;
};

std::string Summary(const RunResult& run) {
  std::ostringstream out;
  reports::WriteSummaryJson(run, out, /*include_wall_times=*/false);
  return out.str();
}

std::string Failures(const ScenarioResult& r) {
  std::string out = r.error;
  for (const auto& e : r.expectations)
    if (!e.held) out += "\n  expectation: " + e.what + " (" + e.detail + ")";
  for (const auto& o : r.oracles)
    if (!o.passed()) out += "\n  oracle " + o.id + (o.held ? " held but was expected to fire" : ": " + o.message);
  return out;
}

std::set<std::string> Fired(const ScenarioResult& r) {
  std::set<std::string> ids;
  for (const auto& o : r.oracles)
    if (!o.held) ids.insert(o.id);
  return ids;
}

scenario::Scenario Load(const std::string& file) {
  auto loaded = LoadScenarioFile(file);
  EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error().ToString());
  return *loaded;
}

TEST(Runner, TheShippedSuitePassesOnTheReferencePipeline) {
  const auto files = Files("");
  ASSERT_GE(files.size(), 25u) << "the issue asks for at least 25 scripted scenarios";
  const RunResult run = RunAll(files, RunOptions{}, 2);
  for (const auto& r : run.scenarios) EXPECT_TRUE(r.passed()) << r.file << Failures(r);
  EXPECT_EQ(run.failed(), 0);
}

TEST(Runner, EachNegativeScenarioFailsWithExactlyTheOraclesItNames) {
  const auto files = Files("negative");
  ASSERT_GE(files.size(), 4u);
  for (const auto& file : files) {
    SCOPED_TRACE(file);
    scenario::Scenario s = Load(file);
    const std::set<std::string> named(s.expect.oracles_fire.begin(), s.expect.oracles_fire.end());
    ASSERT_FALSE(named.empty()) << "a negative scenario names the oracles it expects to fire";

    // As written it passes: the named oracles fired and every other one held.
    const ScenarioResult as_written = RunScenario(s, RunOptions{});
    EXPECT_TRUE(as_written.passed()) << Failures(as_written);
    EXPECT_EQ(Fired(as_written), named);

    // Without the expectation, the run fails, and only those oracles are to blame.
    s.expect.oracles_fire.clear();
    const ScenarioResult unexpected = RunScenario(s, RunOptions{});
    EXPECT_EQ(unexpected.status, "failed");
    std::set<std::string> failing;
    for (const auto& o : unexpected.oracles) {
      if (o.passed()) continue;
      failing.insert(o.id);
      EXPECT_FALSE(o.message.empty()) << o.id;
      EXPECT_FALSE(o.evidence.empty()) << o.id << " names the trace records that prove it";
    }
    EXPECT_EQ(failing, named);

    // A broken pipeline variant: the same story on the reference pipeline holds every invariant,
    // so the breakage is the cause. (A negative on the reference pipeline breaks the world: no
    // agent on shift, say.)
    if (s.variant != scenario::PipelineVariant::kReference) {
      s.variant = scenario::PipelineVariant::kReference;
      const ScenarioResult reference = RunScenario(s, RunOptions{});
      EXPECT_TRUE(reference.passed()) << Failures(reference);
    }
  }
}

TEST(Runner, TheSameScenarioAndSeedGiveTheSameTraceBytesVerdictsAndKpis) {
  const std::vector<std::string> files = {kScenarios + "/generated/electronics-day.yaml",
                                          kScenarios + "/faults/duplicated-reordered-webhooks.yaml",
                                          kScenarios + "/faults/shopify-429-storm.yaml"};
  const TempFolder folder("runner-determinism");
  const fs::path& dir = folder.path;
  RunOptions first, second;
  first.report_dir = (dir / "a").string();
  second.report_dir = (dir / "b").string();
  const RunResult a = RunAll(files, first, 1);
  const RunResult b = RunAll(files, second, 1);
  ASSERT_EQ(a.scenarios.size(), files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    SCOPED_TRACE(files[i]);
    ASSERT_TRUE(a.scenarios[i].passed()) << Failures(a.scenarios[i]);
    EXPECT_EQ(a.scenarios[i].trace_digest, b.scenarios[i].trace_digest);
    auto read = [](const fs::path& p) {
      std::ifstream in(p, std::ios::binary);
      return std::string(std::istreambuf_iterator<char>(in), {});
    };
    const std::string trace_a = read(dir / "a" / a.scenarios[i].trace_file);
    EXPECT_GT(trace_a.size(), 1000u);
    EXPECT_EQ(trace_a, read(dir / "b" / b.scenarios[i].trace_file)) << "byte-identical traces";
  }
  EXPECT_EQ(Summary(a), Summary(b));
}

TEST(Runner, ResultsDoNotDependOnTheNumberOfJobs) {
  std::vector<std::string> files = Files("workflows");
  for (const auto& f : Files("faults")) files.push_back(f);
  const RunResult serial = RunAll(files, RunOptions{}, 1);
  const RunResult parallel = RunAll(files, RunOptions{}, 3);
  EXPECT_EQ(Summary(serial), Summary(parallel));
}

TEST(Runner, TheTraceHeaderNamesTheScenarioItsHashAndTheReplayCommand) {
  const std::string file = kScenarios + "/workflows/wismo-healthy.yaml";
  const TempFolder folder("runner-header");
  const fs::path& dir = folder.path;
  RunOptions options;
  options.report_dir = dir.string();
  options.seed = 42;
  const ScenarioResult r = RunScenarioFile(file, options);
  ASSERT_TRUE(r.passed()) << Failures(r);
  EXPECT_EQ(r.seed, 42u);
  std::ifstream in(dir / r.trace_file);
  std::string header;
  std::getline(in, header);
  EXPECT_NE(header.find("\"seed\":42"), std::string::npos) << header;
  EXPECT_NE(header.find("\"replay\":\"rehearse run --seed 42 " + file + "\""), std::string::npos) << header;
  EXPECT_EQ(header.find("\"scenario_hash\":\"\""), std::string::npos) << "the hash is filled: " << header;
}

TEST(Runner, TheSeedChangesAGeneratedDayAndOnlyTheSeed) {
  const std::string file = kScenarios + "/generated/apparel-day.yaml";
  RunOptions seven, eight;
  seven.seed = 7;
  eight.seed = 8;
  const ScenarioResult a = RunScenarioFile(file, seven);
  const ScenarioResult b = RunScenarioFile(file, eight);
  const ScenarioResult again = RunScenarioFile(file, seven);
  EXPECT_NE(a.trace_digest, b.trace_digest) << "another seed draws another day";
  EXPECT_EQ(a.trace_digest, again.trace_digest);
}

TEST(Runner, ReplayCommandsQuoteFilesAShellWouldSplit) {
  EXPECT_EQ(ReplayCommand("scenarios/a.yaml", 3), "rehearse run --seed 3 scenarios/a.yaml");
  EXPECT_EQ(ReplayCommand("my scenarios/it's.yaml", 3), "rehearse run --seed 3 'my scenarios/it'\\''s.yaml'");
  EXPECT_EQ(ReplayCommand("bad.yaml", std::nullopt), "rehearse run bad.yaml");
}

// Bad files of each kind the issue names, next to a good one: each is an "error" naming file,
// line and field, and the good one still runs and passes.
TEST(Runner, ABadScenarioFileIsReportedAndDoesNotStopTheOthers) {
  const TempFolder folder("runner-bad-files");
  const fs::path& dir = folder.path;
  const std::string good = kScenarios + "/workflows/wismo-healthy.yaml";
  std::ifstream in(good);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  auto write = [&](const std::string& name, const std::string& body) {
    std::ofstream(dir / name) << body;
    return (dir / name).string();
  };
  auto replace = [&](std::string from, std::string to) {
    std::string s = text;
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? s : s.replace(at, from.size(), to);
  };
  struct Bad {
    std::string file, field;
  };
  const std::vector<Bad> bad = {
      {write("syntax.yaml", replace("run_for:", "run_for: [unclosed")), ""},
      {write("unknown-field.yaml", replace("run_for:", "run_fro: 1d\nrun_for:")), "run_fro"},
      {write("wrong-type.yaml", replace("seed: ", "seed: seven #")), "seed"},
      {write("before-zero.yaml", replace("- at: 0s", "- at: -5m")), "timeline[0].at"},
  };
  std::vector<std::string> files;
  for (const auto& b : bad) files.push_back(b.file);
  files.push_back(good);
  const RunResult run = RunAll(files, RunOptions{}, 2);
  ASSERT_EQ(run.scenarios.size(), files.size());
  for (std::size_t i = 0; i < bad.size(); ++i) {
    const ScenarioResult& r = run.scenarios[i];
    SCOPED_TRACE(bad[i].file);
    EXPECT_EQ(r.status, "error");
    EXPECT_EQ(r.error.rfind(bad[i].file + ":", 0), 0u) << "starts with the file and line: " << r.error;
    EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(r.error[bad[i].file.size() + 1]))) << r.error;
    if (!bad[i].field.empty()) {
      EXPECT_NE(r.error.find(bad[i].field), std::string::npos) << r.error;
    }
  }
  EXPECT_TRUE(run.scenarios.back().passed()) << Failures(run.scenarios.back());
  EXPECT_EQ(run.failed(), static_cast<int>(bad.size()));
}

}  // namespace
}  // namespace rh::harness
