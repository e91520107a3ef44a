// Goal: the HTML report is one balanced, self-contained document with its charts drawn in SVG,
// every piece of scenario text escaped, and the same bytes for the same result.
#include "reports/html_report.h"

#include <gtest/gtest.h>

#include <sstream>

#include "mini_xml.h"
#include "sample_run.h"

namespace rh::reports {
namespace {

using testing::MiniXml;
using testing::SampleRun;

std::string Render(const harness::RunResult& run) {
  std::ostringstream out;
  WriteHtmlReport(run, out);
  return out.str();
}

std::size_t Count(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
  return n;
}

TEST(HtmlReport, IsOneBalancedDocument) {
  const std::string html = Render(SampleRun());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n", 0), 0u);
  std::string error;
  const auto root = MiniXml::Parse(html, &error, /*html=*/true);
  ASSERT_TRUE(root.has_value()) << error;
  EXPECT_EQ(root->name, "html");
  EXPECT_EQ(root->FindAll("script").size(), 1u);
  EXPECT_EQ(root->FindAll("style").size(), 1u);
}

TEST(HtmlReport, LoadsNothingFromElsewhere) {
  const std::string html = Render(SampleRun());
  for (const char* banned : {"<link", "src=", "@import", "url(", "https://", "@font-face"}) {
    EXPECT_EQ(html.find(banned), std::string::npos) << banned;
  }
  // The only absolute URL is the SVG namespace, which is a name, not a request.
  std::string rest = html;
  for (auto pos = rest.find("http://www.w3.org/2000/svg"); pos != std::string::npos;
       pos = rest.find("http://www.w3.org/2000/svg")) {
    rest.erase(pos, 26);
  }
  EXPECT_EQ(rest.find("http://"), std::string::npos);
}

TEST(HtmlReport, DrawsTheChartsInSvgWithAccessibleNames) {
  const std::string html = Render(SampleRun());
  const auto root = MiniXml::Parse(html, nullptr, true);
  ASSERT_TRUE(root.has_value());
  const auto svgs = root->FindAll("svg");
  // Overview: 4 charts and the cost per scenario; two scenarios with tickets: 4 each; 3 ticket
  // swimlanes.
  EXPECT_EQ(svgs.size(), 5u + 8u + 3u);
  for (const auto* svg : svgs) {
    EXPECT_EQ(svg->Attribute("role"), "img");
    ASSERT_FALSE(svg->children.empty());
    EXPECT_EQ(svg->children[0].name, "title");
    EXPECT_EQ(svg->children[1].name, "desc");
  }
  EXPECT_EQ(Count(html, "<figcaption>Ticket volume by intent</figcaption>"), 3u);
  EXPECT_EQ(Count(html, "<figcaption>First response time</figcaption>"), 3u);
  EXPECT_EQ(Count(html, "<figcaption>Automation and reopen rates</figcaption>"), 3u);
  EXPECT_EQ(Count(html, "<figcaption>Cost per ticket</figcaption>"), 3u);
  EXPECT_EQ(Count(html, "<figcaption>Cost per ticket by scenario</figcaption>"), 1u);
  EXPECT_NE(html.find("AI resolutions at $0.90 per automated resolution"), std::string::npos);
  EXPECT_NE(html.find("class=\"chart swimlane\""), std::string::npos);
  // Ids are unique, so every aria-labelledby points at one title.
  EXPECT_EQ(Count(html, "id=\"svg-16-t\""), 1u);
  EXPECT_EQ(Count(html, "id=\"svg-17-t\""), 0u);
}

TEST(HtmlReport, EscapesScenarioText) {
  const std::string html = Render(SampleRun());
  EXPECT_EQ(html.find("<script>alert(1)</script>"), std::string::npos);
  EXPECT_EQ(html.find("</testcase>"), std::string::npos);
  EXPECT_NE(html.find("refund &lt;damaged&gt; &amp; &quot;quoted&quot; &#39;item&#39;: I2 fires"), std::string::npos);
  EXPECT_NE(html.find("We&#39;ve refunded &lt;b&gt;$49.99&lt;/b&gt; &amp; more"), std::string::npos);
  EXPECT_NE(html.find("got &lt;soon&gt;"), std::string::npos);
  EXPECT_NE(html.find("bell\\u0007 and bad byte \xEF\xBF\xBD"), std::string::npos);
  const auto root = MiniXml::Parse(html, nullptr, true);
  ASSERT_TRUE(root.has_value());
  // Decoded back, the heading is exactly the scenario's name.
  bool found = false;
  for (const auto* h2 : root->FindAll("h2")) found = found || h2->text.find(testing::kNastyName) != std::string::npos;
  EXPECT_TRUE(found);
}

TEST(HtmlReport, ShowsFailuresTablesAndTimelines) {
  const std::string html = Render(SampleRun());
  const auto root = MiniXml::Parse(html, nullptr, true);
  ASSERT_TRUE(root.has_value());
  EXPECT_GE(root->FindAll("table").size(), 1u + 2u * 2u + 3u);  // scenarios; verdicts; timelines
  for (const auto* th : root->FindAll("thead")) EXPECT_FALSE(th->FindAll("th").empty());
  EXPECT_NE(html.find("<h3>What failed</h3>"), std::string::npos);
  EXPECT_NE(html.find("I2 no automatic send that touches money: violated"), std::string::npos);
  EXPECT_NE(html.find("did not fire (expected to)"), std::string::npos);
  EXPECT_NE(html.find("The scenario did not run"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">00:02:00.000</td>"), std::string::npos) << "the timeline's times";
  EXPECT_NE(html.find("rehearse run --seed 7 scenarios/wismo/email_auto_reply.yaml"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"traces/wismo-email.jsonl\">"), std::string::npos);
  // Failing scenarios open, passing ones closed.
  EXPECT_NE(html.find("<details open><summary>Verdicts"), std::string::npos);
  EXPECT_NE(html.find("<details><summary>Replay, verdicts"), std::string::npos);
}

TEST(HtmlReport, PutsTheFailuresFirstAndKeepsTheTableNarrow) {
  const std::string html = Render(SampleRun());
  // The header links to each scenario that did not pass.
  EXPECT_NE(html.find("<p class=\"failed-list\">Failed: <a href=\"#s-2\">refund &lt;damaged&gt;"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"#s-3\">scenarios/broken.yaml</a> (error)</p>"), std::string::npos);
  // The file sits under the scenario's name, and the table scrolls inside its box.
  EXPECT_NE(html.find("<div class=\"scroll\"><table class=\"scenarios\">"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"file\"><code>scenarios/wismo/email_auto_reply.yaml</code></span>"),
            std::string::npos);
  EXPECT_NE(html.find("<td class=\"num bad\">9/11</td>"), std::string::npos) << "oracles passed of checked";
  // Failed expectations are listed together; a scenario in error shows its error and nothing empty.
  EXPECT_NE(html.find("<h4>1 expectation failed</h4>"), std::string::npos);
  const auto broken = html.find("id=\"s-3\"");
  ASSERT_NE(broken, std::string::npos);
  EXPECT_EQ(html.find("Verdicts, support KPIs and timelines", broken), std::string::npos);
}

TEST(HtmlReport, TimelinesAreCollapsedAndSaySoInTheirSummary) {
  harness::RunResult run = SampleRun();
  auto& day = run.scenarios[0];  // a passing day of 40 tickets
  day.timelines.clear();
  for (std::uint64_t id = 1; id <= 40; ++id) {
    day.timelines.push_back(testing::SampleTimeline(id, "#" + std::to_string(id), "wismo", "auto_send", false));
  }
  const std::string html = Render(run);
  EXPECT_NE(html.find("<h3>Timelines (40 tickets)</h3>"), std::string::npos);
  EXPECT_EQ(Count(html, "<details class=\"ticket\"><summary>"), 40u);
  // A label that is just the id is not repeated; the summary says how long the ticket took.
  EXPECT_NE(html.find("<summary><strong>#7</strong> \u00b7 wismo \u00b7 auto_send \u00b7 8 events over 3.10 s</summary>"),
            std::string::npos);
  // The failing scenario's single ticket stays open.
  EXPECT_EQ(Count(html, "<details class=\"ticket\" open><summary>"), 1u);
}

TEST(HtmlReport, SmallScenariosShowTilesWithoutCharts) {
  harness::RunResult run = SampleRun();
  run.scenarios[1].kpis = testing::SampleKpis(2, 1, 2, 0, 1.5);
  const std::string html = Render(run);
  EXPECT_EQ(Count(html, "<figcaption>Ticket volume by intent</figcaption>"), 2u);  // overview and scenario 1
  EXPECT_NE(html.find("Charts are drawn for scenarios with 5 tickets or more"), std::string::npos);
}

TEST(HtmlReport, RefusesEveryRequestThroughItsContentSecurityPolicy) {
  const std::string html = Render(SampleRun());
  EXPECT_NE(html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "),
            std::string::npos);
}

TEST(HtmlReport, SameResultSameBytes) { EXPECT_EQ(Render(SampleRun()), Render(SampleRun())); }

TEST(HtmlReport, AnEmptyRunStillRenders) {
  std::string error;
  EXPECT_TRUE(MiniXml::Parse(Render(harness::RunResult{}), &error, true).has_value()) << error;
}

TEST(HtmlReport, ATraceFileWithASchemeIsNotALink) {
  harness::RunResult run = SampleRun();
  run.scenarios[0].trace_file = "javascript:alert(1)";
  const std::string html = Render(run);
  EXPECT_EQ(html.find("href=\"javascript:"), std::string::npos);
}

}  // namespace
}  // namespace rh::reports
