#include "fuzz.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/fuzz.h"
#include "harness/scenario_loader.h"
#include "terminal.h"

namespace rh::app {
namespace {

using Json = nlohmann::json;

Json ToJson(const harness::fuzz::FuzzResult& r) {
  return {{"held", r.held},
          {"cases", r.cases},
          {"shrinks_tried", r.shrinks_tried},
          {"shrinks_accepted", r.shrinks_accepted},
          {"boundaries", r.boundaries},
          {"oracles_fired", r.oracles_fired},
          {"violation", r.violation},
          {"counterexample_file", r.counterexample_file},
          {"counterexample_lines", r.counterexample_lines},
          {"reproduced", r.reproduced},
          {"reproduce", r.reproduce},
          {"error", r.error}};
}

harness::fuzz::FuzzResult FromJson(const Json& j) {
  harness::fuzz::FuzzResult r;
  r.held = j.value("held", false);
  r.cases = j.value("cases", 0);
  r.shrinks_tried = j.value("shrinks_tried", 0);
  r.shrinks_accepted = j.value("shrinks_accepted", 0);
  r.boundaries = j.value("boundaries", std::map<std::string, int>{});
  r.oracles_fired = j.value("oracles_fired", std::vector<std::string>{});
  r.violation = j.value("violation", "");
  r.counterexample_file = j.value("counterexample_file", "");
  r.counterexample_lines = j.value("counterexample_lines", 0);
  r.reproduced = j.value("reproduced", false);
  r.reproduce = j.value("reproduce", "");
  r.error = j.value("error", "");
  return r;
}

// One campaign per child process, its result back as one JSON document on a pipe.
std::vector<harness::fuzz::FuzzResult> RunInChildren(const std::vector<harness::fuzz::FuzzOptions>& campaigns) {
  struct Child {
    pid_t pid = -1;
    int read_fd = -1;
  };
  std::vector<Child> children;
  for (const auto& options : campaigns) {
    int fds[2];
    if (::pipe(fds) != 0) break;
    const pid_t pid = ::fork();
    if (pid < 0) {  // no process to be had: the campaigns started so far still report
      ::close(fds[0]);
      ::close(fds[1]);
      break;
    }
    if (pid == 0) {
      ::close(fds[0]);
      const std::string out = ToJson(harness::fuzz::RunFuzz(options)).dump();
      std::size_t written = 0;
      while (written < out.size()) {
        const ssize_t n = ::write(fds[1], out.data() + written, out.size() - written);
        if (n <= 0) break;
        written += static_cast<std::size_t>(n);
      }
      ::_exit(0);
    }
    ::close(fds[1]);
    children.push_back({pid, fds[0]});
  }
  std::vector<harness::fuzz::FuzzResult> results;
  for (std::size_t k = 0; k < children.size(); ++k) {
    std::string text;
    char buf[4096];
    for (ssize_t n; (n = ::read(children[k].read_fd, buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
    ::close(children[k].read_fd);
    int status = 0;
    ::waitpid(children[k].pid, &status, 0);
    const Json j = Json::parse(text, nullptr, false);
    harness::fuzz::FuzzResult r;
    if (j.is_object()) {
      r = FromJson(j);
    } else {
      r.held = false;
      r.error = "campaign " + std::to_string(campaigns[k].seed) + " ended without a result (status " + std::to_string(status) + ")";
    }
    results.push_back(std::move(r));
    std::fprintf(stderr, "fuzz: campaign seed %llu done: %d cases, %s\n",
                 static_cast<unsigned long long>(campaigns[k].seed), results.back().cases,
                 results.back().held ? "every property held" : "a counterexample");
  }
  return results;
}

void PrintSummary(const harness::fuzz::FuzzResult& r) {
  std::printf("rehearse fuzz: %d cases, %d shrinks tried (%d accepted)\n", r.cases, r.shrinks_tried, r.shrinks_accepted);
  std::printf("boundaries and faults the cases came near:\n");
  for (const auto& [tag, n] : r.boundaries) {
    std::printf("  %5.1f%%  %s\n", r.cases > 0 ? 100.0 * n / r.cases : 0.0, tag.c_str());
  }
  if (r.held) {
    std::printf("every property held\n");
    return;
  }
  if (!r.violation.empty()) std::printf("counterexample: %s\n", r.violation.c_str());
  if (!r.counterexample_file.empty()) {
    std::printf("written to %s (%d lines)%s\n  replay: rehearse run %s\n", r.counterexample_file.c_str(),
                r.counterexample_lines, r.reproduced ? ", and it fails the same way when run" : "",
                r.counterexample_file.c_str());
  }
  if (!r.reproduce.empty()) std::printf("RapidCheck reproduce: %s\n", r.reproduce.c_str());
}

}  // namespace

int RunFuzzCommand(const FuzzCommandOptions& options) {
  const auto variant = harness::ParsePipelineVariant(options.variant);
  if (!variant) {
    std::string names;
    for (const auto n : harness::PipelineVariantNames()) names += (names.empty() ? "" : ", ") + std::string(n);
    std::fprintf(stderr, "rehearse fuzz: unknown variant '%s' (one of %s)\n", options.variant.c_str(), names.c_str());
    return 2;
  }
  const bool interactive = !options.quiet && Interactive();
  harness::fuzz::FuzzOptions base;
  base.cases = options.cases;
  base.seed = options.seed;
  base.policy_file = options.policy_file;
  base.variant = *variant;
  base.shrink = options.shrink;
  base.out_dir = options.out_dir;

  harness::fuzz::FuzzResult merged;
  if (options.jobs <= 1) {
    int last_printed = -1;
    base.progress = [&](int done, int total, bool shrinking) {
      if (options.quiet) return;
      if (interactive) {
        constexpr int kWidth = 30;
        const int filled = total > 0 ? std::min(done, total) * kWidth / total : kWidth;
        std::fprintf(stderr, "\r\033[K[%.*s%*s] %d/%d cases%s", filled, "##############################", kWidth - filled,
                     "", done, total, shrinking ? ", shrinking a counterexample" : "");
        std::fflush(stderr);
      } else if (!shrinking && done % 100 == 0 && done != last_printed) {
        last_printed = done;
        std::fprintf(stderr, "fuzz: %d/%d cases\n", done, total);
      }
    };
    merged = harness::fuzz::RunFuzz(base);
    if (interactive) std::fprintf(stderr, "\n");
  } else {
    std::vector<harness::fuzz::FuzzOptions> campaigns;
    for (int k = 0; k < options.jobs; ++k) {
      harness::fuzz::FuzzOptions c = base;
      c.seed = options.seed + static_cast<std::uint64_t>(k);
      c.cases = options.cases / options.jobs + (k < options.cases % options.jobs ? 1 : 0);
      if (c.cases > 0) campaigns.push_back(c);
    }
    const auto results = RunInChildren(campaigns);
    for (const auto& r : results) {
      merged.cases += r.cases;
      merged.shrinks_tried += r.shrinks_tried;
      merged.shrinks_accepted += r.shrinks_accepted;
      for (const auto& [tag, n] : r.boundaries) merged.boundaries[tag] += n;
      if (!r.held && merged.held) {
        merged.held = false;
        merged.oracles_fired = r.oracles_fired;
        merged.violation = r.violation;
        merged.counterexample_file = r.counterexample_file;
        merged.counterexample_lines = r.counterexample_lines;
        merged.reproduced = r.reproduced;
        merged.reproduce = r.reproduce;
        merged.error = r.error;
      }
    }
  }
  if (!merged.error.empty() && merged.violation.empty()) {
    std::fprintf(stderr, "rehearse fuzz: %s\n", merged.error.c_str());
    return 2;
  }
  PrintSummary(merged);
  if (!merged.error.empty()) std::fprintf(stderr, "rehearse fuzz: %s\n", merged.error.c_str());
  return merged.held ? 0 : 1;
}

}  // namespace rh::app
