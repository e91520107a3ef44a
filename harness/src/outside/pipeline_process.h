// The outside pipeline's process, started by `--pipeline-cmd`: /bin/sh -c COMMAND in its own
// process group, with the environment of this process plus the REHEARSAL_* variables, and its
// stdout and stderr those of rehearse. Stopped with SIGTERM to the group, then SIGKILL after a
// grace period. POSIX only.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>

#include "sim/expected.h"

namespace rh::harness::outside {

class PipelineProcess {
 public:
  // Starts the command; an error says why it could not (fork or exec failed).
  static sim::Expected<PipelineProcess, std::string> Spawn(const std::string& command,
                                                           const std::map<std::string, std::string>& environment);
  PipelineProcess(PipelineProcess&& other) noexcept : pid_(other.pid_), exit_(other.exit_) { other.pid_ = -1; }
  PipelineProcess& operator=(PipelineProcess&&) = delete;
  // Kills the group at once if Stop was not called.
  ~PipelineProcess();

  // If it has exited: how ("exit status 1", "killed by signal 9"); nullopt while it runs.
  std::optional<std::string> Exited();
  // SIGTERM to the group; `waited` is called between looks (it waits a little) and says whether
  // the grace is over. Then SIGKILL. Returns how it ended.
  template <class Waited>
  std::string Stop(Waited waited) {
    std::optional<std::string> how = Exited();
    if (!how) Signal(kTerm);
    while (!how && !waited()) how = Exited();
    if (!how) {
      Signal(kKill);
      how = WaitForExit();
    }
    SweepGroup();
    return *how;
  }

 private:
  enum SignalKind { kTerm, kKill };
  explicit PipelineProcess(pid_t pid) : pid_(pid) {}
  void Signal(SignalKind kind);
  std::string WaitForExit();
  // SIGKILL to whatever of the group is left (a child the shell started and did not wait for).
  void SweepGroup();

  pid_t pid_ = -1;
  std::optional<std::string> exit_;
};

}  // namespace rh::harness::outside
