#include "run_outside.h"

#include <cstdio>
#include <memory>

#include "harness/outside_pipeline.h"

namespace rh::app {

std::optional<std::string> ConfigureOutside(const OutsideFlags& flags, int jobs, harness::RunOptions& options) {
  if (!flags.any()) {
    if (!flags.mock_ports.empty()) return "--mock-ports needs --pipeline-cmd or --pipeline-url";
    return std::nullopt;
  }
  if (!flags.pipeline_cmd.empty() && !flags.pipeline_url.empty()) return "give --pipeline-cmd or --pipeline-url, not both";
  auto config = std::make_shared<harness::OutsidePipelineConfig>();
  config->command = flags.pipeline_cmd;
  config->url = flags.pipeline_url;
  config->settle = sim::Ms(flags.settle_ms);
  config->start_timeout = sim::Ms(flags.start_timeout_ms);
  if (!flags.mock_ports.empty()) {
    auto ports = harness::ParseMockPorts(flags.mock_ports);
    if (!ports) return ports.error();
    config->mock_ports = *ports;
  }
  const bool fixed_ports = !flags.mock_ports.empty();
  if (!flags.pipeline_url.empty() && !fixed_ports) {
    return "--pipeline-url needs --mock-ports: a pipeline already running talks to the ports it was configured with";
  }
  if (fixed_ports && jobs > 1) return "--mock-ports serves one scenario at a time: use --jobs 1";
  options.outside = std::move(config);
  return std::nullopt;
}

int PrintPipelineEnvironment(const OutsideFlags& flags) {
  auto ports = harness::ParseMockPorts(flags.mock_ports);
  if (!ports) {
    std::fprintf(stderr, "rehearse run: --print-env: %s\n", ports.error().c_str());
    return 2;
  }
  constexpr std::string_view kScheme = "http://";
  std::string listen = flags.pipeline_url.rfind(kScheme, 0) == 0 ? flags.pipeline_url.substr(kScheme.size()) : "";
  listen = listen.substr(0, listen.find('/'));
  if (listen.empty()) {
    std::fprintf(stderr, "rehearse run: --print-env needs --pipeline-url http://HOST:PORT (where the pipeline listens)\n");
    return 2;
  }
  // Every world has the same credentials; a default one gives them.
  const harness::SimWorld world(harness::SimWorldConfig{});
  for (const auto& [name, value] : harness::PipelineEnvironment(world.credentials(), *ports, listen)) {
    std::printf("export %s='%s'\n", name.c_str(), value.c_str());
  }
  // Not a setting: who the helpdesk's people are, for a policy's assignees (routing.*_user_id).
  std::string agents;
  for (std::uint64_t id : world.credentials().agent_user_ids) agents += (agents.empty() ? "" : " ") + std::to_string(id);
  std::printf("# the agents' Gorgias user ids: %s\n", agents.c_str());
  return 0;
}

std::string OutsideDetails(const harness::ScenarioResult& r) {
  if (r.pipeline.empty()) return {};
  std::string not_applicable;
  for (const auto& o : r.oracles) {
    if (!o.applicable) not_applicable += (not_applicable.empty() ? "" : ", ") + o.id;
  }
  std::string out = "      pipeline " + r.pipeline;
  if (!r.pipeline_note.empty()) out += "\n      " + r.pipeline_note;
  if (!not_applicable.empty()) out += "\n      not applicable: " + not_applicable + " (docs/ANY-PIPELINE.md)";
  return out + "\n";
}

}  // namespace rh::app
