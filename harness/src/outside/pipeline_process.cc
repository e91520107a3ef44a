#include "pipeline_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

extern char** environ;

namespace rh::harness::outside {
namespace {

std::string Describe(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// This process's environment with `extra` over it, as "NAME=value" strings.
std::vector<std::string> MergedEnvironment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    if (!extra.contains(name)) out.push_back(entry);
  }
  for (const auto& [name, value] : extra) out.push_back(name + "=" + value);
  return out;
}

}  // namespace

sim::Expected<PipelineProcess, std::string> PipelineProcess::Spawn(const std::string& command,
                                                                  const std::map<std::string, std::string>& environment) {
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  const std::vector<std::string> env = MergedEnvironment(environment);
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  const pid_t pid = fork();
  if (pid < 0) return sim::MakeUnexpected(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    setpgid(0, 0);  // its own group, so SIGTERM reaches what the shell started
    execve("/bin/sh", const_cast<char* const*>(argv), envp.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also here: whichever runs first, the group exists before any signal
  return PipelineProcess(pid);
}

PipelineProcess::~PipelineProcess() {
  if (pid_ <= 0 || exit_) return;
  Signal(kKill);
  WaitForExit();
  SweepGroup();
}

std::optional<std::string> PipelineProcess::Exited() {
  if (exit_ || pid_ <= 0) return exit_;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) exit_ = Describe(status);
  return exit_;
}

void PipelineProcess::Signal(SignalKind kind) {
  if (pid_ <= 0 || exit_) return;
  const int sig = kind == kTerm ? SIGTERM : SIGKILL;
  if (kill(-pid_, sig) != 0) kill(pid_, sig);
}

void PipelineProcess::SweepGroup() {
  if (pid_ > 0) kill(-pid_, SIGKILL);
}

std::string PipelineProcess::WaitForExit() {
  if (exit_) return *exit_;
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exit_ = Describe(status);
  return *exit_;
}

}  // namespace rh::harness::outside
