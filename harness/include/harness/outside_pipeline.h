// A pipeline under test that runs outside this process (any language), reached over loopback:
// started per scenario by a command (`rehearse run --pipeline-cmd`), or already running at a URL
// (`--pipeline-url`). The scenario's SimWorld is played as usual (scenario files, simulated
// customers, agents, shipments), but its four mocks listen on loopback ports and their webhooks go
// to the pipeline over real HTTP, all in stepped time (sim/stepped_time.h). The world stays on
// one thread: requests arriving on the servers' threads are handed to it and answered from it,
// through the world's in-memory network as the caller "pipeline", so traces, fault plans, link
// latency and the oracles see the outside pipeline exactly where they see the reference one.
//
// The contract with the pipeline (environment, the optional decisions endpoint, what stepped time
// guarantees) is docs/ANY-PIPELINE.md. Not deterministic: the pipeline runs on its own clock.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "harness/sim_world.h"
#include "pipeline/decision_log.h"
#include "sim/expected.h"
#include "sim/time.h"

namespace rh::harness {

// Loopback ports of the four mocks; 0 lets the system choose (fine for --pipeline-cmd, which is
// told the ports; --pipeline-url needs fixed ones, the ones the pipeline was configured with).
struct MockPorts {
  std::uint16_t shopify = 0;
  std::uint16_t gorgias = 0;
  std::uint16_t klaviyo = 0;
  std::uint16_t llm = 0;
};

// Reads "7001,7002,7003,7004" (shopify, gorgias, klaviyo, llm); an error says what is wrong.
sim::Expected<MockPorts, std::string> ParseMockPorts(const std::string& text);

struct OutsidePipelineConfig {
  std::string command;  // run with /bin/sh -c, once per scenario; or
  std::string url;      // "http://127.0.0.1:9000": a pipeline already running
  MockPorts mock_ports;
  sim::Duration settle = sim::Ms(300);        // quiet this long, then the clock jumps
  sim::Duration start_timeout = sim::Sec(15);  // for the command to listen
  sim::Duration stop_grace = sim::Sec(3);      // after SIGTERM, before SIGKILL
  sim::Duration drain_timeout = sim::Sec(5);   // at the end, for work in flight to finish

  // "command: python3 pipeline.py" or "url: http://127.0.0.1:9000", for reports.
  std::string Describe() const;
  // The flags that put this pipeline under test again, quoted for a POSIX shell, for the replay
  // line: "--pipeline-cmd 'python3 pipeline.py'".
  std::string CommandLineFlags() const;
};

// The environment an outside pipeline gets (docs/ANY-PIPELINE.md lists every name):
// REHEARSAL_<SERVICE>_BASE_URL and the world's credentials and webhook secrets, and
// REHEARSAL_PIPELINE_LISTEN ("127.0.0.1:<port>").
std::map<std::string, std::string> PipelineEnvironment(const WorldCredentials& credentials, const MockPorts& bound,
                                                        const std::string& listen);

// What the optional decisions endpoint (GET /rehearsal/decisions) gave.
struct DecisionsRead {
  bool offered = false;  // false: 404 or unreachable; the oracles that read a log do not apply
  std::size_t rows = 0;
  std::string error;     // offered but unreadable (bad JSON or field): said in the report
};

// Reads a decisions document ({"data": [{"ticket_id": 1, "kind": "route", ...}]}) into `log`.
// Pure; an error names the row and field.
sim::Expected<std::size_t, std::string> AppendDecisionsJson(const std::string& body, sim::WallTime decided_at,
                                                            pipeline::DecisionLog& log);

// The calendar start of a world played for an outside pipeline whose scenario names none: the
// machine's time now (whole seconds), so the pipeline's own clock agrees with the mocks' at the
// start; it falls behind by what the jumps skip (docs/ANY-PIPELINE.md).
sim::WallTime OutsideCalendarStart();

// One scenario's outside pipeline: the mocks on loopback, the pipeline's process (if started by
// command), the webhooks pointed at it, and the stepped clock. Lives inside one scenario's run,
// after its SimWorld is built and before it is judged.
class OutsideSession {
 public:
  // Serves the world's mocks, starts the command (if any) and waits until the pipeline listens,
  // and attaches it as the world's pipeline. An error (a port taken, a command that exits or
  // never listens) says what happened.
  static sim::Expected<std::unique_ptr<OutsideSession>, std::string> Start(SimWorld& world,
                                                                         const OutsidePipelineConfig& config);
  // Stops the process (SIGTERM, then SIGKILL after the grace) and the servers.
  ~OutsideSession();
  OutsideSession(const OutsideSession&) = delete;
  OutsideSession& operator=(const OutsideSession&) = delete;

  // Plays the world until virtual time `end` in stepped time.
  void PlayUntil(sim::Instant end);
  // After the play: waits (bounded) for work in flight, then reads the decisions endpoint into
  // `log`.
  DecisionsRead ReadDecisions(pipeline::DecisionLog& log);
  // For the report: jumps made and real seconds taken.
  std::string Summary() const;

 private:
  struct Impl;
  explicit OutsideSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rh::harness
