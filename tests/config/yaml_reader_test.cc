// Goal: the config library's reader refuses what it must with the file, line, column, dotted field
// and a suggestion, the same for every reader of the project's files (scenarios, policies,
// settings), and reads durations as the policy and the scenarios write them.
#include "config/yaml_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace rh::config {
namespace {

FileError FailureOf(const std::function<void()>& read) {
  try {
    read();
  } catch (const ReadFailure& failure) {
    return failure.error;
  }
  ADD_FAILURE() << "expected a ReadFailure";
  return {};
}

TEST(ConfigReader, RefusesAnUnknownFieldAtItsKeyWithASuggestion) {
  const YAML::Node doc = YAML::Load("returns:\n  window_dayz: 30\n");
  const Reader reader("policy.yaml");
  const Entry root(doc, "", YAML::Mark());
  const FileError error = FailureOf([&] {
    const Fields top = reader.Mapping(root, {"returns"});
    reader.Mapping(*top.Find("returns"), {"window_days", "restocking_fee"});
  });
  EXPECT_EQ(error.ToString(), "policy.yaml:2:3: returns.window_dayz: unknown field; did you mean 'window_days'?");
}

TEST(ConfigReader, RefusesARepeatedFieldAndSaysWhereItWasFirst) {
  const YAML::Node doc = YAML::Load("a: 1\nb: 2\na: 3\n");
  const Reader reader("f.yaml");
  const FileError error = FailureOf([&] { reader.Mapping(Entry(doc, "", YAML::Mark()), {"a", "b"}); });
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.field, "a");
  EXPECT_EQ(error.message, "duplicate field (first given on line 1)");
}

TEST(ConfigReader, EachFieldReportsTheFirstProblemInDocumentOrder) {
  const YAML::Node doc = YAML::Load("a: x\nzzz: 1\n");
  const Reader reader("f.yaml");
  std::vector<std::string> seen;
  const FileError error = FailureOf([&] {
    reader.EachField(Entry(doc, "", YAML::Mark()), {"a"}, [&](std::string_view key, const Entry& e) {
      seen.emplace_back(key);
      reader.Int(e, 0, 10);
    });
  });
  EXPECT_EQ(seen, std::vector<std::string>{"a"});
  EXPECT_EQ(error.ToString(), "f.yaml:1:4: a: expected a whole number, got 'x'");
}

TEST(ConfigReader, ReadsWholeNumbersInRangeOnly) {
  const YAML::Node doc = YAML::Load("n: 11\n");
  const Reader reader("f.yaml");
  const FileError error = FailureOf([&] {
    const Fields f = reader.Mapping(Entry(doc, "", YAML::Mark()), {"n"});
    reader.Int(*f.Find("n"), 0, 10);
  });
  EXPECT_EQ(error.message, "must be between 0 and 10, got 11");
}

TEST(ConfigDuration, ReadsUnitsAndWritesTheShortestForm) {
  using namespace std::chrono;
  EXPECT_EQ(ParseDuration("1h30m"), minutes(90));
  EXPECT_EQ(ParseDuration("2w"), hours(24 * 14));
  EXPECT_FALSE(ParseDuration("90"));
  EXPECT_FALSE(ParseDuration("-5m"));
  EXPECT_EQ(FormatDuration(minutes(90)), "1h30m");
  EXPECT_EQ(FormatDuration(seconds(0)), "0s");
}

}  // namespace
}  // namespace rh::config
