// Goal: the JUnit XML is well-formed whatever the scenarios say, counts what CI counts, and puts
// each failed check in a <failure> whose message names it ("I2: ...").
#include "reports/junit.h"

#include <gtest/gtest.h>

#include <sstream>

#include "mini_xml.h"
#include "sample_run.h"

namespace rh::reports {
namespace {

using testing::Element;
using testing::MiniXml;
using testing::SampleRun;

std::string Render(const harness::RunResult& run) {
  std::ostringstream out;
  WriteJunitXml(run, out);
  return out.str();
}

TEST(JunitXml, IsWellFormedAndCountsLikeCi) {
  const std::string xml = Render(SampleRun());
  std::string error;
  const auto root = MiniXml::Parse(xml, &error);
  ASSERT_TRUE(root.has_value()) << error << "\n" << xml;
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u);
  EXPECT_EQ(root->name, "testsuites");
  const auto suites = root->FindAll("testsuite");
  ASSERT_EQ(suites.size(), 1u);
  const Element& suite = *suites[0];
  EXPECT_EQ(suite.Attribute("name"), "rehearsal");
  EXPECT_EQ(suite.Attribute("tests"), "3");
  EXPECT_EQ(suite.Attribute("failures"), "1");
  EXPECT_EQ(suite.Attribute("errors"), "1");
  EXPECT_EQ(suite.Attribute("skipped"), "0");
  EXPECT_EQ(suite.Attribute("time"), "0.350");
  EXPECT_EQ(suite.FindAll("testcase").size(), 3u);
}

TEST(JunitXml, NamesSurviveEscapingExactly) {
  const auto root = MiniXml::Parse(Render(SampleRun()), nullptr);
  ASSERT_TRUE(root.has_value());
  const auto cases = root->FindAll("testcase");
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_EQ(cases[0]->Attribute("classname"), "scenarios");
  EXPECT_EQ(cases[0]->Attribute("file"), "scenarios/wismo/email_auto_reply.yaml");
  EXPECT_EQ(cases[0]->Attribute("time"), "0.137");
  EXPECT_TRUE(cases[0]->children.empty()) << "a passing case carries nothing";
  EXPECT_EQ(cases[1]->Attribute("name"), testing::kNastyName);
  EXPECT_EQ(cases[1]->Attribute("file"), "scenarios/negative/refund & <damaged>.yaml");
  // A scenario that did not load has no name: the file stands in, so CI can still list it.
  EXPECT_EQ(cases[2]->Attribute("name"), "scenarios/broken.yaml");
}

TEST(JunitXml, ListsEachFailedExpectationAndOracleAsAFailure) {
  const auto root = MiniXml::Parse(Render(SampleRun()), nullptr);
  ASSERT_TRUE(root.has_value());
  const Element& failed = *root->FindAll("testcase")[1];
  const auto failures = failed.FindAll("failure");
  ASSERT_EQ(failures.size(), 3u);
  EXPECT_EQ(failures[0]->Attribute("message"), "expectation: ticket t1: route is human");
  EXPECT_EQ(failures[0]->Attribute("type"), "expectation");
  EXPECT_NE(failures[0]->text.find("found: route was auto_send (\"refund\" < $50 & policy said <safe>)"),
            std::string::npos);
  EXPECT_EQ(failures[1]->Attribute("message"),
            "I2: automatic refund reply sent to bob@example.com at 00:00:02.500 for <$49.99> & a \"damaged\" mug");
  EXPECT_EQ(failures[1]->Attribute("type"), "oracle");
  // The evidence lines are the body, control characters shown and the bad byte replaced.
  EXPECT_NE(failures[1]->text.find(R"("body":"We've refunded <b>$49.99</b> & more")"), std::string::npos);
  EXPECT_NE(failures[1]->text.find("bell\\u0007 and bad byte \xEF\xBF\xBD"), std::string::npos);
  EXPECT_EQ(failures[2]->Attribute("message"),
            "I5: expected to fire but held (suppression ends after resolution; recovery fires once)");
  EXPECT_TRUE(failed.FindAll("error").empty());
  const auto out = failed.FindAll("system-out");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(out[0]->text.find("replay: rehearse run --seed 18446744073709551557 'scenarios/negative/refund & <damaged>.yaml'"),
            std::string::npos);
}

TEST(JunitXml, ReportsAScenarioInErrorAsAnError) {
  const auto root = MiniXml::Parse(Render(SampleRun()), nullptr);
  ASSERT_TRUE(root.has_value());
  const Element& broken = *root->FindAll("testcase")[2];
  const auto errors = broken.FindAll("error");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]->Attribute("message"), SampleRun().scenarios[2].error);
  EXPECT_TRUE(broken.FindAll("failure").empty());
}

TEST(JunitXml, AFailedScenarioWithNoRecordedCheckStillFails) {
  harness::RunResult run;
  harness::ScenarioResult s;
  s.name = "x";
  s.status = "failed";
  run.scenarios.push_back(s);
  const auto root = MiniXml::Parse(Render(run), nullptr);
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(root->FindAll("failure").size(), 1u);
}

TEST(JunitXml, AnEmptyRunIsStillAValidReport) {
  std::string error;
  const auto root = MiniXml::Parse(Render(harness::RunResult{}), &error);
  ASSERT_TRUE(root.has_value()) << error;
  EXPECT_EQ(root->FindAll("testsuite")[0]->Attribute("tests"), "0");
}

}  // namespace
}  // namespace rh::reports
