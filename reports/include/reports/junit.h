// JUnit XML of a run, for CI (Jenkins' junit step, GitLab's `artifacts:reports:junit`).
// One <testsuite name="rehearsal"> inside <testsuites>, one <testcase classname="scenarios"> per
// scenario with its file and wall time; a failed scenario carries one <failure> per failed
// expectation and per oracle that did not pass (message "I1: ...", evidence lines in the body),
// a scenario in error one <error>. Only the `time` attributes depend on the machine.
// Writes only to `out`; never throws on the result's content.
#pragma once

#include <ostream>

#include "harness/run_result.h"

namespace rh::reports {

void WriteJunitXml(const harness::RunResult& run, std::ostream& out);

}  // namespace rh::reports
