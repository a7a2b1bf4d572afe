#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "simulator/load/loader.h"
#include "simulator/load/spelling.h"
#include "tests/load/load_test_util.h"

namespace rundrill::load {
namespace {

namespace fs = std::filesystem;
using ::rundrill::load::testing::Strings;
using ::testing::ElementsAre;

std::string Runbook(const std::string& name) {
  return "apiVersion: rundrill/v1\n"
         "kind: Runbook\n"
         "metadata:\n"
         "  name: " +
         name +
         "\n"
         "trigger: {alertname: A}\n"
         "steps:\n"
         "  - {id: a, type: check, run: \"true\"}\n";
}

std::string Scenario(const std::string& name) {
  return "apiVersion: rundrill/v1\nkind: Scenario\nmetadata: {name: " + name + "}\n";
}

// A fresh directory per test; tests give paths relative to it, as a user would from the
// repository root, and the messages must keep them relative.
class LoadPathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() /
            ("rundrill_load_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    old_cwd_ = fs::current_path();
    fs::current_path(root_);
  }
  void TearDown() override {
    fs::current_path(old_cwd_);
    fs::remove_all(root_);
  }
  void Write(const std::string& relative, const std::string& text) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative) << text;
  }

  fs::path root_;
  fs::path old_cwd_;
};

TEST_F(LoadPathsTest, ClassifiesByKindWalksRecursivelyInSortedOrder) {
  Write("inputs/runbooks/b.yaml", Runbook("bravo"));
  Write("inputs/runbooks/a.yml", Runbook("alpha"));
  Write("inputs/runbooks/nested/c.yaml", Runbook("charlie"));
  Write("inputs/runbooks/notes.txt", "not yaml at all: [");
  Write("inputs/scenarios/s.yaml", Scenario("crash"));
  std::vector<Diagnostic> errors;
  Catalog catalog = LoadPaths({"inputs"}, &errors);
  EXPECT_THAT(Strings(errors), ElementsAre());
  ASSERT_EQ(catalog.runbooks.size(), 3u);
  EXPECT_EQ(catalog.runbooks[0].name, "alpha");
  EXPECT_EQ(catalog.runbooks[0].path, "inputs/runbooks/a.yml");
  EXPECT_EQ(catalog.runbooks[1].name, "bravo");
  EXPECT_EQ(catalog.runbooks[2].name, "charlie");
  EXPECT_EQ(catalog.runbooks[2].mark.ToString(), "inputs/runbooks/nested/c.yaml:4:9");
  ASSERT_EQ(catalog.scenarios.size(), 1u);
  EXPECT_EQ(catalog.scenarios[0].path, "inputs/scenarios/s.yaml");
}

TEST_F(LoadPathsTest, DuplicateRunbookNamesAcrossFilesAreReportedAtBothPlaces) {
  Write("runbooks/one.yaml", Runbook("restart-api"));
  Write("runbooks/two.yaml", "# the same name again\n" + Runbook("restart-api"));
  Write("scenarios/x.yaml", Scenario("same"));
  Write("scenarios/y.yaml", Scenario("same"));
  std::vector<Diagnostic> errors;
  LoadPaths({"runbooks", "scenarios/"}, &errors);
  EXPECT_THAT(Strings(errors),
              ElementsAre("runbooks/one.yaml:4:9: runbook name \"restart-api\" is defined again "
                          "at runbooks/two.yaml:5:9",
                          "runbooks/two.yaml:5:9: duplicate runbook name \"restart-api\" (first "
                          "defined at runbooks/one.yaml:4:9)",
                          "scenarios/x.yaml:3:18: scenario name \"same\" is defined again at "
                          "scenarios/y.yaml:3:18",
                          "scenarios/y.yaml:3:18: duplicate scenario name \"same\" (first defined "
                          "at scenarios/x.yaml:3:18)"));
}

TEST_F(LoadPathsTest, ExpectedStepsMustExistInLoadedRunbooks) {
  Write("runbooks/r.yaml", Runbook("restart-api"));
  Write("scenarios/s.yaml", Scenario("crash") +
                                "expect:\n"
                                "  runbooks:\n"
                                "    restart-api:\n"
                                "      steps: {a: succeeded, ab: skipped}\n"
                                "    not-loaded:\n"
                                "      ran: false\n"
                                "      steps: {anything: skipped}\n");
  std::vector<Diagnostic> errors;
  LoadPaths({"runbooks", "scenarios"}, &errors);
  EXPECT_THAT(Strings(errors),
              ElementsAre("scenarios/s.yaml:6:5: expectation names step \"ab\", which runbook "
                          "\"restart-api\" does not have (did you mean \"a\"?)"));
  errors.clear();
  LoadPaths({"scenarios"}, &errors);  // without the runbook there is nothing to check against
  EXPECT_THAT(Strings(errors), ElementsAre());
}

TEST_F(LoadPathsTest, OrderedStepsAndStepsNotRanMustExistInLoadedRunbooks) {
  Write("runbooks/r.yaml", Runbook("restart-api"));
  Write("scenarios/s.yaml", Scenario("crash") +
                                "timeline:\n"
                                "  - {at: 1m, fire_alert: {labels: {alertname: A}}}\n"
                                "expect:\n"
                                "  runbooks:\n"
                                "    restart-api: {steps_not_ran: [a, b]}\n"
                                "  order:\n"
                                "    - {step: {runbook: restart-api, step: aa}}\n"
                                "    - {step: {runbook: restart-apj, step: a}}\n"
                                "    - {alert: {alertname: A, state: firing}}\n");
  std::vector<Diagnostic> errors;
  LoadPaths({"runbooks", "scenarios"}, &errors);
  EXPECT_THAT(Strings(errors),
              ElementsAre("scenarios/s.yaml:8:5: expectation names step \"b\", which runbook "
                          "\"restart-api\" does not have",
                          "scenarios/s.yaml:10:7: expectation names step \"aa\", which runbook "
                          "\"restart-api\" does not have (did you mean \"a\"?)",
                          "scenarios/s.yaml:11:7: order names runbook \"restart-apj\", which is "
                          "not among the runbooks loaded (did you mean \"restart-api\"?)"));
  errors.clear();
  LoadPaths({"scenarios"}, &errors);  // without runbooks there is nothing to check against
  EXPECT_THAT(Strings(errors), ElementsAre());
}

TEST_F(LoadPathsTest, AFileReachedTwiceIsLoadedOnce) {
  Write("runbooks/one.yaml", Runbook("restart-api"));
  std::vector<Diagnostic> errors;
  Catalog catalog = LoadPaths({"runbooks", "runbooks/one.yaml"}, &errors);
  EXPECT_THAT(Strings(errors), ElementsAre());
  EXPECT_EQ(catalog.runbooks.size(), 1u);
}

TEST_F(LoadPathsTest, ErrorsOfEveryFileAreReportedAndBadFilesLeftOut) {
  Write("in/a.yaml", "apiVersion: rundrill/v1\nkind: Playbook\n");
  Write("in/b.yaml", "apiVersion: rundrill/v1\nmetadata: {name: x}\n");
  Write("in/c.yaml", Runbook("good"));
  Write("in/d.yaml", "kind: Runbook\nmetadata: {name: d}\n");
  Write("in/e.yaml", "key: [unclosed\n");
  std::vector<Diagnostic> errors;
  Catalog catalog = LoadPaths({"in", "missing.yaml"}, &errors);
  EXPECT_THAT(Strings(errors),
              ElementsAre("in/a.yaml:2:7: kind must be \"Runbook\" or \"Scenario\", got "
                          "\"Playbook\"",
                          "in/b.yaml:1:1: document is missing required key \"kind\"",
                          "in/d.yaml:1:1: runbook is missing required key \"apiVersion\"",
                          "in/d.yaml:1:1: runbook is missing required key \"trigger\"",
                          "in/d.yaml:1:1: runbook is missing required key \"steps\"",
                          "in/e.yaml:2:1: invalid YAML: end of sequence flow not found",
                          "missing.yaml: cannot read file: No such file or directory"));
  ASSERT_EQ(catalog.runbooks.size(), 1u);
  EXPECT_EQ(catalog.runbooks[0].name, "good");
}

TEST_F(LoadPathsTest, UnreadableFiles) {
  std::vector<Diagnostic> errors;
  EXPECT_FALSE(LoadRunbookFile("nope.yaml", &errors).has_value());
  fs::create_directories(root_ / "adir");
  EXPECT_FALSE(LoadScenarioFile("adir", &errors).has_value());
  EXPECT_THAT(Strings(errors), ElementsAre("nope.yaml: cannot read file: No such file or directory",
                                           "adir: cannot read file: Is a directory"));
}

TEST_F(LoadPathsTest, LoadFileReadsAndParses) {
  Write("r.yaml", Runbook("from-disk"));
  Write("s.yaml", Scenario("also-from-disk"));
  std::vector<Diagnostic> errors;
  std::optional<model::Runbook> rb = LoadRunbookFile("r.yaml", &errors);
  std::optional<model::Scenario> sc = LoadScenarioFile("s.yaml", &errors);
  EXPECT_THAT(Strings(errors), ElementsAre());
  ASSERT_TRUE(rb.has_value());
  ASSERT_TRUE(sc.has_value());
  EXPECT_EQ(rb->name, "from-disk");
  EXPECT_EQ(sc->path, "s.yaml");
}

TEST(LoadSpellingTest, EditDistanceCountsSwapsAsOneEdit) {
  EXPECT_EQ(EditDistance("retires", "retries"), 1);
  EXPECT_EQ(EditDistance("", "abc"), 3);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("same", "same"), 0);
}

TEST(LoadSpellingTest, ClosestMatchOnlySuggestsLikelyTypos) {
  const std::vector<std::string> keys = {"id", "type", "run", "retries", "rollback"};
  EXPECT_EQ(ClosestMatch("retires", keys), "retries");
  EXPECT_EQ(ClosestMatch("rnu", keys), "run");
  EXPECT_EQ(ClosestMatch("colour", keys), "");
  EXPECT_EQ(ClosestMatch("x", keys), "");  // one letter is not enough to guess from
  EXPECT_EQ(DidYouMean("typ", keys), " (did you mean \"type\"?)");
}

}  // namespace
}  // namespace rundrill::load
