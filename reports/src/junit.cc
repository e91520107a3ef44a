#include "reports/junit.h"

#include <string>

#include "reports/text.h"

namespace rh::reports {
namespace {

// A test case needs a name for every CI parser; a file that did not load may have none.
std::string CaseName(const harness::ScenarioResult& s) {
  if (!s.name.empty()) return s.name;
  return s.file.empty() ? std::string("(unnamed scenario)") : s.file;
}

std::string OracleMessage(const harness::OracleResult& o) {
  if (o.held && o.expected_to_fire) return o.id + ": expected to fire but held (" + o.title + ")";
  return o.id + ": " + (o.message.empty() ? o.title : o.message);
}

// A failure or error element; `message` is the one line CI shows, `body` the details.
void WriteProblem(std::ostream& out, std::string_view element, std::string_view type, std::string_view message,
                  std::string_view body) {
  out << "      <" << element << " message=\"" << EscapeXmlAttribute(message) << "\" type=\"" << type << "\">"
      << EscapeXmlText(body) << "</" << element << ">\n";
}

// Where to look next, shown by Jenkins as the case's standard output.
std::string CaseOutput(const harness::ScenarioResult& s) {
  std::string text = (s.status == "error" ? std::string() : "seed: " + std::to_string(s.seed) + "\n") +
                     "replay: " + ReplayCommand(s) + "\n";
  if (!s.trace_file.empty()) text += "trace: " + s.trace_file + "\n";
  if (!s.trace_digest.empty()) text += "trace digest: " + s.trace_digest + "\n";
  if (!s.pipeline.empty()) text += "pipeline " + s.pipeline + "\n" + s.pipeline_note + "\n";
  for (const auto& o : s.oracles) {
    if (!o.applicable) text += "oracle " + o.id + " " + o.message + "\n";
  }
  int failed = 0;
  for (const auto& e : s.expectations) {
    if (e.held) continue;
    text += (failed++ == 0 ? "\n" : "") + std::string("FAILED expectation: ") + e.what + "\n";
  }
  for (const auto& o : s.oracles) {
    if (o.passed()) continue;
    text += (failed++ == 0 ? "\n" : "") + std::string("FAILED oracle ") + OracleMessage(o) + "\n";
  }
  return text;
}

void WriteCase(std::ostream& out, const harness::ScenarioResult& s) {
  out << "    <testcase classname=\"scenarios\" name=\"" << EscapeXmlAttribute(CaseName(s)) << "\" file=\""
      << EscapeXmlAttribute(s.file) << "\" time=\"" << FormatFixed(s.wall_seconds, 3) << "\"";
  // The reference pipeline's passing cases stay one line; an outside pipeline's say which ran.
  if (s.passed() && s.pipeline.empty()) {
    out << "/>\n";
    return;
  }
  out << ">\n";
  if (!s.pipeline.empty()) {
    out << "      <properties><property name=\"pipeline\" value=\"" << EscapeXmlAttribute(s.pipeline)
        << "\"/></properties>\n";
  }
  if (s.status == "error") {
    const std::string first_line = s.error.substr(0, s.error.find('\n'));
    WriteProblem(out, "error", "error", first_line.empty() ? "scenario did not run" : first_line, s.error);
  } else if (!s.passed()) {
    // Jenkins shows the first <failure> of a case and GitLab all of them; <system-out> lists
    // every failed check so nothing is hidden in either.
    int written = 0;
    for (const auto& e : s.expectations) {
      if (e.held) continue;
      WriteProblem(out, "failure", "expectation", "expectation: " + e.what,
                   "expected: " + e.what + "\nfound: " + e.detail + "\n");
      ++written;
    }
    for (const auto& o : s.oracles) {
      if (o.passed()) continue;
      std::string body = o.id + " " + o.title + "\n";
      if (!o.message.empty()) body += o.message + "\n";
      if (!o.evidence.empty()) body += "\nevidence (trace records):\n";
      for (const auto& line : o.evidence) body += line + "\n";
      WriteProblem(out, "failure", "oracle", OracleMessage(o), body);
      ++written;
    }
    if (written == 0) {
      WriteProblem(out, "failure", "scenario", "scenario failed",
                   s.error.empty() ? "status failed, with no failed expectation or oracle recorded" : s.error);
    }
  }
  out << "      <system-out>" << EscapeXmlText(CaseOutput(s)) << "</system-out>\n";
  out << "    </testcase>\n";
}

}  // namespace

void WriteJunitXml(const harness::RunResult& run, std::ostream& out) {
  int failures = 0, errors = 0;
  double seconds = 0;
  for (const auto& s : run.scenarios) {
    errors += s.status == "error" ? 1 : 0;
    failures += !s.passed() && s.status != "error" ? 1 : 0;
    seconds += s.wall_seconds;
  }
  const std::string counts = "tests=\"" + std::to_string(run.scenarios.size()) + "\" failures=\"" +
                             std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
                             "\" skipped=\"0\" time=\"" + FormatFixed(seconds, 3) + "\"";
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"rehearsal\" " << counts << ">\n";
  out << "  <testsuite name=\"rehearsal\" " << counts << ">\n";
  out << "    <properties>\n";
  out << "      <property name=\"build\" value=\"" << EscapeXmlAttribute(run.build) << "\"/>\n";
  out << "      <property name=\"seed\" value=\"" << run.seed << "\"/>\n";
  out << "    </properties>\n";
  for (const auto& s : run.scenarios) WriteCase(out, s);
  out << "  </testsuite>\n";
  out << "</testsuites>\n";
}

}  // namespace rh::reports
