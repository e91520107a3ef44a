// Writes the sample run's HTML report (and its JUnit XML and summary.json beside it) for the
// headless-browser check and for a person to look at: `reports_sample_report OUT.html`.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "reports/html_report.h"
#include "reports/junit.h"
#include "reports/summary_json.h"
#include "sample_run.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.html\n", argv[0]);
    return 2;
  }
  const std::filesystem::path html(argv[1]);
  const rh::harness::RunResult run = rh::reports::testing::SampleRun();
  std::ofstream out(html, std::ios::binary);
  rh::reports::WriteHtmlReport(run, out);
  std::ofstream junit(std::filesystem::path(html).replace_extension(".junit.xml"), std::ios::binary);
  rh::reports::WriteJunitXml(run, junit);
  std::ofstream summary(std::filesystem::path(html).replace_extension(".summary.json"), std::ios::binary);
  rh::reports::WriteSummaryJson(run, summary, true);
  out.close(), junit.close(), summary.close();
  if (!out || !junit || !summary) {
    std::fprintf(stderr, "cannot write the sample report next to %s\n", argv[1]);
    return 1;
  }
  return 0;
}
