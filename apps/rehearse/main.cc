// The `rehearse` command line: wires the libraries to subcommands. Only subcommands that work
// are listed; each later layer (mocks, pipeline, harness) adds its own.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "compare.h"
#include "decisions.h"
#include "fuzz.h"
#include "live_check.h"
#include "load.h"
#include "replay.h"
#include "run.h"
#include "run_pipeline.h"
#include "serve.h"
#include "rehearsal/build_info.h"
#include "sim/clock.h"
#include "mocks/sample_world.h"
#include "sim/trace.h"

namespace {

std::string BuildName() { return std::string(rh::kVersion) + "+" + rh::kGitDescribe; }

int RunSimCheck(std::uint64_t seed, int days, int shoppers, const std::string& trace_path) {
  rh::mocks::SampleWorldConfig config;
  config.seed = seed;
  config.span = rh::sim::Days(days);
  config.shoppers = shoppers;
  rh::sim::Trace trace({.seed = seed,
                        .scenario = "sample-world",
                        .scenario_hash = "",
                        .build = BuildName(),
                        .replay = "rehearse sim-check --seed " + std::to_string(seed) + " --days " +
                                  std::to_string(days) + " --shoppers " + std::to_string(shoppers)});
  // The real clock tells the person how fast it ran; it never enters the simulation.
  const rh::sim::RealClock clock;
  const rh::sim::Instant started = clock.Now();
  const rh::mocks::SampleWorldResult r = rh::mocks::RunSampleWorld(config, &trace);
  const double wall_s = rh::sim::ToSeconds(clock.Now() - started);
  if (!trace_path.empty()) {
    std::ofstream out(trace_path, std::ios::binary);
    if (!out) {
      std::fprintf(stderr, "rehearse: cannot write trace file '%s'\n", trace_path.c_str());
      return 2;
    }
    trace.WriteJsonl(out);
  }
  std::printf(
      "sim-check: seed %llu, %d shoppers, %.1f virtual days in %.3f s of real time\n"
      "  events %llu, requests %llu, orders placed %llu (confirmed %llu), retries %llu\n"
      "  trace %zu records, digest %s%s%s\n",
      static_cast<unsigned long long>(seed), shoppers,
      rh::sim::ToSeconds(r.virtual_elapsed) / 86400.0, wall_s,
      static_cast<unsigned long long>(r.events), static_cast<unsigned long long>(r.requests),
      static_cast<unsigned long long>(r.orders_placed),
      static_cast<unsigned long long>(r.orders_confirmed),
      static_cast<unsigned long long>(r.retries), trace.size(), trace.Digest().c_str(),
      trace_path.empty() ? "" : ", written to ", trace_path.c_str());
  return 0;
}

CLI::App* AddServeCommand(CLI::App& app, rh::app::ServeOptions& serve) {
  auto* cmd = app.add_subcommand(
      "serve", "Host the mocks on loopback with a demo world; print one JSON line of base URLs and credentials; run until SIGINT or SIGTERM");
  cmd->add_option("--seed", serve.seed, "Seed of the mocks' ids")->capture_default_str();
  cmd->add_option("--shopify-port", serve.shopify_port, "Port of the Shopify mock (0: ephemeral)")->capture_default_str();
  cmd->add_option("--gorgias-port", serve.gorgias_port, "Port of the Gorgias mock (0: ephemeral)")->capture_default_str();
  cmd->add_option("--klaviyo-port", serve.klaviyo_port, "Port of the Klaviyo mock (0: ephemeral)")->capture_default_str();
  cmd->add_option("--llm-port", serve.llm_port, "Port of the LLM mock (0: ephemeral)")->capture_default_str();
  cmd->add_option("--threads", serve.server_threads, "Server threads per mock")->capture_default_str()->check(CLI::Range(1, 64));
  cmd->add_option("--shopify-webhook-url", serve.shopify_webhook_url,
                        "Deliver Shopify webhooks here (http://127.0.0.1:PORT/path)");
  cmd->add_option("--gorgias-webhook-url", serve.gorgias_webhook_url,
                        "Deliver Gorgias HTTP-integration calls here (http://127.0.0.1:PORT/path)");
  cmd->add_option("--klaviyo-webhook-url", serve.klaviyo_webhook_url,
                        "Deliver Klaviyo system webhooks (messages sent) here (http://127.0.0.1:PORT/path)");
  cmd->add_flag("!--no-demo-world", serve.demo_world, "Start with empty mocks");
  cmd->add_option("--llm-cassette-mode", serve.llm_cassette_mode,
                        "LLM cassettes: off, record (forward to --llm-upstream and store) or replay")
      ->capture_default_str()
      ->check(CLI::IsMember({"off", "record", "replay"}));
  cmd->add_option("--llm-cassette", serve.llm_cassette, "The cassette file (JSONL)");
  cmd->add_option("--llm-upstream", serve.llm_upstream,
                        "Record mode: the real OpenAI- or Anthropic-compatible base URL (http://host:port)");
  return cmd;
}

CLI::App* AddFuzzCommand(CLI::App& app, rh::app::FuzzCommandOptions& fuzz, bool& no_shrink) {
  auto* cmd = app.add_subcommand(
      "fuzz", "Generate cases at the policy's boundaries, play each as a scenario, and shrink a failure to a scenario file; exit 0 when every oracle held");
  cmd->add_option("--cases", fuzz.cases, "Generated cases")->capture_default_str()->check(CLI::Range(1, 10'000'000));
  cmd->add_option("--seed", fuzz.seed, "The campaign's seed")->capture_default_str();
  cmd->add_option("--policy", fuzz.policy_file, "The policy under test (default: scenarios/policies/default.yaml)");
  cmd->add_option("--variant", fuzz.variant, "A deliberately broken pipeline (scenarios/negative/)")->capture_default_str();
  cmd->add_option("-j,--jobs", fuzz.jobs, "Campaigns in parallel processes (seeds S, S+1, ...)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--out", fuzz.out_dir, "Where the counterexample file is written")->capture_default_str();
  cmd->add_flag("--no-shrink", no_shrink, "Report the first failing case as generated");
  cmd->add_flag("-q,--quiet", fuzz.quiet, "No progress output");
  return cmd;
}

CLI::App* AddReplayCommand(CLI::App& app, rh::app::ReplayCommandOptions& replay) {
  auto* cmd = app.add_subcommand("replay",
                                 "Re-run recorded traces on this build with their seeds; show the first divergence");
  cmd->add_option("traces", replay.paths, "Trace files (*.jsonl) and folders of them")->required();
  cmd->add_flag("--accept", replay.accept, "Rewrite each diverging trace with the replayed one");
  cmd->add_flag("-q,--quiet", replay.quiet, "Print only divergences and errors");
  return cmd;
}

CLI::App* AddCompareCommand(CLI::App& app, rh::app::CompareCommandOptions& compare, std::uint64_t& seed,
                            CLI::Option*& seed_opt) {
  auto* cmd = app.add_subcommand(
      "compare", "What if: the same scenarios and seeds under two policies; changed tickets, verdicts and KPIs");
  cmd->add_option("paths", compare.paths, "Scenario files and folders (default: scenarios/generated)");
  // One value per --policy, so the scenario paths after the second are not taken as policies.
  cmd->add_option("--policy", compare.policies, "A policy file; give it twice: A (current), then B")
      ->allow_extra_args(false);
  cmd->add_option("--pipeline-cmd", compare.pipeline_cmds,
                  "Instead of two policies, two versions of an outside pipeline: give it twice, A then B "
                  "(docs/ANY-PIPELINE.md)")
      ->allow_extra_args(false);
  seed_opt = cmd->add_option("--seed", seed, "Override every scenario's seed, on both sides");
  cmd->add_option("--json", compare.json_file, "Write the comparison as JSON to this file");
  cmd->add_option("--report", compare.report_dir, "Write compare.html, compare.json and both sides' traces here");
  cmd->add_option("--max-automation-drop", compare.thresholds.automation_drop_points,
                          "Percentage points of automation rate B may lose")->capture_default_str();
  cmd->add_option("--max-p90-rise", compare.thresholds.first_response_p90_rise,
                          "Fraction the first-response p90 may grow by")->capture_default_str();
  cmd->add_option("--max-reopen-rise", compare.thresholds.reopen_rise_points,
                          "Percentage points of reopen rate B may add")->capture_default_str();
  cmd->add_option("--max-cost-rise", compare.thresholds.cost_per_ticket_rise,
                          "Fraction the cost per ticket may grow by")->capture_default_str();
  cmd->add_flag("-q,--quiet", compare.quiet, "No progress output");
  return cmd;
}

// `rehearse pipeline`: the reference pipeline as a process.
CLI::App* AddPipelineCommand(CLI::App& app, rh::app::RunPipelineOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "pipeline", "Run the reference pipeline live against the services its settings name; print one JSON line of webhook URLs; run until SIGINT or SIGTERM");
  cmd->add_option("--settings", options.settings_path, "Settings file (YAML; REHEARSAL_* variables override)")
      ->capture_default_str();
  cmd->add_option("--threads", options.threads, "Listener threads")->capture_default_str()->check(CLI::Range(1, 64));
  cmd->add_option("--seed", options.seed, "Seed of the retry jitter")->capture_default_str();
  cmd
      ->add_option("--resume-pause-ms", options.resume_pause_ms,
                   "Work resumed after a crash waits this long, so requests the dead process had in flight land first")
      ->capture_default_str()
      ->check(CLI::Range(0, 600'000));
  cmd->add_flag("--follow-date", options.follow_date,
                "Tell the date by the services' Date headers (for `rehearse run --pipeline-url`, whose clock "
                "jumps between events)");
  return cmd;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Rehearsal: a simulation and replay test harness for e-commerce support automation.\n"
      "Rehearses a Shopify + Gorgias + Klaviyo + LLM support pipeline against faithful mocks."};
  app.set_version_flag("--version", BuildName() + " (" + rh::kBuildType + ")");
  app.require_subcommand(1);

  std::uint64_t seed = 1;
  int days = 7;
  int shoppers = 50;
  std::string trace_path;
  auto* sim_check = app.add_subcommand(
      "sim-check", "Run the simulation core's sample world in virtual time and print its trace digest");
  sim_check->add_option("--seed", seed, "Seed of the run")->capture_default_str();
  sim_check->add_option("--days", days, "Virtual days to simulate")->capture_default_str()->check(CLI::Range(1, 3650));
  sim_check->add_option("--shoppers", shoppers, "Simulated shoppers")->capture_default_str()->check(CLI::Range(1, 100000));
  sim_check->add_option("--trace", trace_path, "Write the trace (JSONL) to this file");

  rh::app::LiveCheckOptions live;
  auto* live_check = app.add_subcommand(
      "live-check", "Serve on loopback with the live HTTP server and load it with the pool client");
  live_check->add_option("--requests", live.requests, "Requests to send")->capture_default_str()->check(CLI::Range(1, 10'000'000));
  live_check->add_option("--connections", live.connections, "Concurrent keep-alive connections")->capture_default_str()->check(CLI::Range(1, 10'000));
  live_check->add_option("--server-threads", live.server_threads, "Server threads")->capture_default_str()->check(CLI::Range(1, 256));

  rh::app::ServeOptions serve;
  CLI::App* serve_cmd = AddServeCommand(app, serve);

  rh::app::RunPipelineOptions run_pipeline;
  CLI::App* pipeline_cmd = AddPipelineCommand(app, run_pipeline);

  CLI::App* decisions_cmd = rh::app::AddDecisionsCommand(app);

  rh::app::RunCommandOptions run;
  std::uint64_t run_seed = 0;
  auto* run_cmd = app.add_subcommand(
      "run", "Run scenario files and folders (default: the repository's scenarios/) on the reference pipeline; exit 0 only when every expectation and oracle held");
  run_cmd->add_option("paths", run.paths, "Scenario files (*.yaml) and folders");
  auto* run_seed_opt = run_cmd->add_option("--seed", run_seed, "Override every scenario's own seed");
  std::string run_seeds;
  auto* run_seeds_opt =
      run_cmd
          ->add_option("--seeds", run_seeds,
                       "Sweep: run every scenario under each of these seeds (1-100, 1,5,9, 1-3,10; at most 100000 runs) "
                       "and list the failing (scenario, seed) pairs with their replay commands");
  run_cmd->add_option("--report", run.report_dir, "Write summary.json, index.html and the traces into this folder");
  run_cmd->add_option("--junit", run.junit_file, "Write JUnit XML to this file");
  run_cmd->add_option("-j,--jobs", run.jobs, "Scenarios run in parallel (each stays deterministic)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  run_cmd->add_flag("-q,--quiet", run.quiet, "No progress output");
  run_cmd->add_option("--pipeline-cmd", run.outside.pipeline_cmd,
                      "Rehearse an outside pipeline: start this shell command per scenario, with the mocks' URLs and "
                      "credentials in REHEARSAL_* variables (docs/ANY-PIPELINE.md)");
  run_cmd->add_option("--pipeline-url", run.outside.pipeline_url,
                      "Rehearse an outside pipeline already running at this http:// URL (needs --mock-ports)");
  run_cmd->add_option("--mock-ports", run.outside.mock_ports,
                      "Fixed loopback ports of the mocks: shopify,gorgias,klaviyo,llm (e.g. 7001,7002,7003,7004)");
  run_cmd->add_flag("--print-env", run.outside.print_env,
                    "Print the REHEARSAL_* environment for the pipeline at --pipeline-url with --mock-ports, and exit");
  run_cmd->add_option("--settle-ms", run.outside.settle_ms,
                      "Outside pipeline: quiet this long before the clock jumps to the next event")
      ->capture_default_str()
      ->check(CLI::Range(10, 60'000));
  run_cmd->add_option("--start-timeout-ms", run.outside.start_timeout_ms,
                      "Outside pipeline: how long the command has to listen (or the URL to answer)")
      ->capture_default_str()
      ->check(CLI::Range(100, 600'000));

  rh::app::FuzzCommandOptions fuzz;
  bool no_shrink = false;
  CLI::App* fuzz_cmd = AddFuzzCommand(app, fuzz, no_shrink);

  rh::app::ReplayCommandOptions replay;
  CLI::App* replay_cmd = AddReplayCommand(app, replay);
  rh::app::CompareCommandOptions compare;
  std::uint64_t compare_seed = 0;
  CLI::Option* compare_seed_opt = nullptr;
  CLI::App* compare_cmd = AddCompareCommand(app, compare, compare_seed, compare_seed_opt);
  rh::app::LoadCommandOptions load;
  CLI::App* load_cmd = rh::app::AddLoadCommand(app, load);

  CLI11_PARSE(app, argc, argv);
  if (compare_cmd->parsed()) {
    if (compare_seed_opt->count() > 0) compare.seed = compare_seed;
    return rh::app::RunCompare(compare);
  }
  if (replay_cmd->parsed()) return rh::app::RunReplay(replay);
  if (load_cmd->parsed()) return rh::app::RunLoadCommand(load);
  if (run_cmd->parsed()) {
    if (run_seed_opt->count() > 0) run.seed = run_seed;
    if (run_seeds_opt->count() > 0) run.seeds = run_seeds;
    // Checked here rather than with CLI11's excludes(), whose exit code is not our usage code 2.
    if (run.seed && run.seeds) {
      std::fprintf(stderr, "rehearse run: give --seed (one seed) or --seeds (a sweep), not both\n");
      return 2;
    }
    return rh::app::RunScenarios(run);
  }
  if (fuzz_cmd->parsed()) {
    fuzz.shrink = !no_shrink;
    return rh::app::RunFuzzCommand(fuzz);
  }
  if (decisions_cmd->parsed()) return rh::app::RunDecisions(decisions_cmd->remaining());
  if (serve_cmd->parsed()) return rh::app::RunServe(serve);
  if (pipeline_cmd->parsed()) return rh::app::RunPipeline(run_pipeline);
  if (sim_check->parsed()) return RunSimCheck(seed, days, shoppers, trace_path);
  if (live_check->parsed()) return rh::app::RunLiveCheck(live);
  return 0;
}
