// Goal: FindScenarioFiles finds every *.yaml and *.yml below a folder, in one sorted order
// whatever the file system's, skips policies/, profiles/ and hidden entries, takes a named file as
// it is, and reports paths that do not exist instead of failing.
#include "harness/scenario_loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace rh::harness {
namespace {

namespace fs = std::filesystem;

class FindScenarioFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One folder per test and process: CTest runs these tests (and the ASan build's) in parallel.
    root_ = fs::path(::testing::TempDir()) /
            ("rh_find_scenario_files_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
             std::to_string(::getpid()));
    fs::remove_all(root_);
    for (const char* file : {"b.yaml", "a.yml", "notes.txt", "README.md", "workflows/z.yaml", "workflows/deep/y.yaml",
                             "policies/default.yaml", "profiles/bfcm.yaml", "workflows/policies/p.yaml",
                             ".hidden/h.yaml", ".swap.yaml", "negative/c.YAML"}) {
      const fs::path p = root_ / file;
      fs::create_directories(p.parent_path());
      std::ofstream(p) << "schema_version: 1\n";
    }
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Path(const std::string& relative) const { return (root_ / relative).generic_string(); }

  fs::path root_;
};

TEST_F(FindScenarioFilesTest, FindsYamlRecursivelySortedSkippingPoliciesProfilesAndHiddenEntries) {
  std::vector<std::string> errors;
  const auto files = FindScenarioFiles({root_.string()}, &errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(files, (std::vector<std::string>{Path("a.yml"), Path("b.yaml"), Path("workflows/deep/y.yaml"),
                                             Path("workflows/z.yaml")}));
}

TEST_F(FindScenarioFilesTest, TakesANamedFileAsItIsAndListsEachFileOnce) {
  std::vector<std::string> errors;
  const auto files =
      FindScenarioFiles({Path("workflows/z.yaml"), Path("policies/default.yaml"), Path("workflows")}, &errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(files, (std::vector<std::string>{Path("policies/default.yaml"), Path("workflows/deep/y.yaml"),
                                             Path("workflows/z.yaml")}));
}

TEST_F(FindScenarioFilesTest, ReportsAMissingPathAndKeepsGoing) {
  std::vector<std::string> errors;
  const auto files = FindScenarioFiles({Path("nowhere"), Path("b.yaml")}, &errors);
  EXPECT_EQ(files, (std::vector<std::string>{Path("b.yaml")}));
  EXPECT_EQ(errors, (std::vector<std::string>{Path("nowhere") + ": no such file or folder"}));
  // Without an error list it still skips quietly.
  EXPECT_EQ(FindScenarioFiles({Path("nowhere")}, nullptr), std::vector<std::string>{});
}

}  // namespace
}  // namespace rh::harness
