// Goal: escaping keeps any scenario text (markup specials, controls, broken UTF-8) inside the
// document as readable text, and numbers and durations print the same everywhere.
#include "reports/text.h"

#include <gtest/gtest.h>

#include "reports/kpis.h"

namespace rh::reports {
namespace {

TEST(EscapeXml, EscapesMarkupAndKeepsUnicode) {
  EXPECT_EQ(EscapeXmlText("a < b && c > d \"q\" 'a'"), "a &lt; b &amp;&amp; c &gt; d \"q\" 'a'");
  EXPECT_EQ(EscapeXmlAttribute("a < b && \"q\" 'a'"), "a &lt; b &amp;&amp; &quot;q&quot; &apos;a&apos;");
  EXPECT_EQ(EscapeXmlText("café \xE2\x9C\x93 \xF0\x9F\x93\xA6"), "café \xE2\x9C\x93 \xF0\x9F\x93\xA6");
  EXPECT_EQ(EscapeXmlText("]]>"), "]]&gt;");
}

TEST(EscapeXml, KeepsWhitespaceThroughAttributeNormalisation) {
  EXPECT_EQ(EscapeXmlAttribute("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d");
  EXPECT_EQ(EscapeXmlText("a\tb\nc\rd"), "a\tb\nc&#13;d");
}

TEST(EscapeXml, ShowsForbiddenControlsAndReplacesBrokenUtf8) {
  EXPECT_EQ(EscapeXmlText(std::string("bell\x07 nul") + '\0' + "."), "bell\\u0007 nul\\u0000.");
  EXPECT_EQ(EscapeXmlText("esc\x1B[31m"), "esc\\u001B[31m");
  EXPECT_EQ(EscapeXmlText("bad \xFF byte"), "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(EscapeXmlText("cut \xE2\x9C"), "cut \xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(EscapeXmlText("overlong \xC0\xAF"), "overlong \xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(EscapeXmlText("surrogate \xED\xA0\x80"), "surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(EscapeXmlText("nonchar \xEF\xBF\xBF"), "nonchar \\uFFFF");
}

TEST(EscapeHtml, EscapesEverythingThatCouldOpenMarkupOrCloseAnAttribute) {
  EXPECT_EQ(EscapeHtml("<script>alert('x & \"y\"')</script>"),
            "&lt;script&gt;alert(&#39;x &amp; &quot;y&quot;&#39;)&lt;/script&gt;");
  EXPECT_EQ(EscapeHtml("line 1\nline 2"), "line 1\nline 2");
  EXPECT_EQ(EscapeHtml("x\x1By"), "x\\u001By");
}

TEST(Truncate, CutsOnCharacterBoundariesWithAnEllipsis) {
  EXPECT_EQ(Truncate("short", 10), "short");
  EXPECT_EQ(Truncate("exactly", 7), "exactly");
  EXPECT_EQ(Truncate("abcdefgh", 5), "abcd\xE2\x80\xA6");
  EXPECT_EQ(Truncate("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xE2\x80\xA6");
  EXPECT_EQ(Truncate("abc", 1), "\xE2\x80\xA6");
  EXPECT_EQ(Truncate("abc", 0), "");
}

TEST(Format, NumbersAreFixedAndLocaleFree) {
  EXPECT_EQ(FormatFixed(1.5, 3), "1.500");
  EXPECT_EQ(FormatFixed(-0.0001, 2), "0.00");
  EXPECT_EQ(FormatFixed(0.0 / 0.0, 2), "n/a");
  EXPECT_EQ(FormatPercent(0.425), "42.5%");
  EXPECT_EQ(FormatMoney(12.5), "$12.50");
  EXPECT_EQ(FormatMoney(-3), "-$3.00");
}

TEST(Format, DurationsReadAsAPersonWouldSayThem) {
  EXPECT_EQ(FormatDuration(0.25), "250 ms");
  EXPECT_EQ(FormatDuration(4.254), "4.25 s");
  EXPECT_EQ(FormatDuration(12.34), "12.3 s");
  EXPECT_EQ(FormatDuration(245), "4m 05s");
  EXPECT_EQ(FormatDuration(3 * 3600 + 4 * 60 + 10), "3h 04m");
  EXPECT_EQ(FormatDuration(2 * 86400 + 3 * 3600), "2d 03h");
  EXPECT_EQ(FormatClock(62.5), "00:01:02.500");
  EXPECT_EQ(FormatClock(2 * 86400 + 3 * 3600 + 0.007), "2d 03:00:00.007");
}

// How the command is written (quoting, no seed for a file that did not load) is the runner's
// (tests/harness/runner: Runner.ReplayCommandsQuoteFilesAShellWouldSplit); reports show it as given.
TEST(ReplayCommand, IsTheOneTheRunnerWroteInTheResult) {
  harness::ScenarioResult s;
  s.file = "scenarios/wismo.yaml";
  s.seed = 7;
  s.replay = "rehearse run --seed 7 scenarios/wismo.yaml";
  EXPECT_EQ(ReplayCommand(s), "rehearse run --seed 7 scenarios/wismo.yaml");
}

TEST(Kpis, PercentileUsesTheRunnersNearestRankRule) {
  EXPECT_FALSE(Percentile({}, 0.5).has_value());
  EXPECT_EQ(*Percentile({5, 1, 3, 2, 4}, 0.5), 3);
  EXPECT_EQ(*Percentile({1, 2, 3, 4}, 0.5), 3);  // rank round(1.5) = 2
  EXPECT_EQ(*Percentile({1, 2, 3, 4}, 1.0), 4);
  EXPECT_EQ(*Percentile({1, 2, 3, 4}, 0.0), 1);
}

TEST(Kpis, AggregateRecomputesRatesFromTheirCounts) {
  harness::RunResult run;
  harness::ScenarioResult a, b;
  a.kpis.orders = 10, a.kpis.tickets = 4, a.kpis.automation_rate = 0.75, a.kpis.ai_cost = 2.7, a.kpis.agent_cost = 3;
  a.kpis.tickets_by_intent = {{"wismo", 3}, {"cancel", 1}};
  a.kpis.first_response_samples_s = {1, 2, 3, 4};
  a.kpis.reopen_rate = 0.25;
  b.kpis.orders = 30, b.kpis.tickets = 6, b.kpis.automation_rate = 0.5, b.kpis.ai_cost = 2.7, b.kpis.agent_cost = 9;
  b.kpis.tickets_by_intent = {{"wismo", 6}};
  b.kpis.first_response_samples_s = {100, 200};
  run.scenarios = {a, b};
  const harness::Kpis all = AggregateKpis(run);
  EXPECT_EQ(all.orders, 40);
  EXPECT_EQ(all.tickets, 10);
  EXPECT_EQ(all.tickets_by_intent.at("wismo"), 9);
  EXPECT_EQ(all.tickets_by_intent.at("cancel"), 1);
  EXPECT_DOUBLE_EQ(all.automation_rate, 0.6);  // (3 + 3) / 10
  EXPECT_DOUBLE_EQ(all.reopen_rate, 1.0 / 6);  // 1 reopened of 6 answered
  EXPECT_DOUBLE_EQ(all.contact_rate, 0.25);
  EXPECT_DOUBLE_EQ(all.cost_per_ticket, (5.4 + 12) / 10);
  EXPECT_EQ(*all.first_response_p50_s, 4);  // rank round(2.5) = 3 of {1,2,3,4,100,200}
  EXPECT_FALSE(all.resolution_p50_s.has_value());
}

}  // namespace
}  // namespace rh::reports
