// Which drills a suite runs, which a shard takes, and what a change selects.
#include "simulator/suite/suite_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/drill/drill_harness.h"

namespace rundrill::suite {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ResolveShardTest, FlagThenGitLabThenIndexedJob) {
  auto flag = ResolveShard("2/4", {{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "3"}});
  ASSERT_TRUE(flag.ok());
  ASSERT_TRUE(flag->has_value());
  EXPECT_EQ((*flag)->index, 2);
  EXPECT_EQ((*flag)->total, 4);

  auto gitlab = ResolveShard("", {{"CI_NODE_INDEX", "3"}, {"CI_NODE_TOTAL", "3"}});
  ASSERT_TRUE(gitlab.ok());
  EXPECT_EQ((*gitlab)->index, 3);
  EXPECT_EQ((*gitlab)->total, 3);

  // Kubernetes counts from 0.
  auto job = ResolveShard("", {{"JOB_COMPLETION_INDEX", "0"}, {"RUNDRILL_SHARD_TOTAL", "5"}});
  ASSERT_TRUE(job.ok());
  EXPECT_EQ((*job)->index, 1);
  EXPECT_EQ((*job)->total, 5);

  auto none = ResolveShard("", {{"HOME", "/root"}});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(ResolveShardTest, BadValuesSayWhereTheyCameFrom) {
  for (const char* flag : {"0/4", "5/4", "2", "a/b", "2/0", "-1/3", "1/3/4"}) {
    auto s = ResolveShard(flag, {});
    ASSERT_FALSE(s.ok()) << flag;
    EXPECT_THAT(s.status().message(), HasSubstr(std::string("--shard ") + flag));
  }
  auto gitlab = ResolveShard("", {{"CI_NODE_INDEX", "4"}, {"CI_NODE_TOTAL", "3"}});
  ASSERT_FALSE(gitlab.ok());
  EXPECT_THAT(gitlab.status().message(), HasSubstr("CI_NODE_INDEX=4"));
  auto job = ResolveShard("", {{"JOB_COMPLETION_INDEX", "2"}});
  ASSERT_FALSE(job.ok());
  EXPECT_THAT(job.status().message(), HasSubstr("RUNDRILL_SHARD_TOTAL"));
}

model::Scenario Scenario(const std::string& name, const std::string& alert, uint64_t seed) {
  model::Scenario s = drill::testing::ScenarioFrom(
      "apiVersion: rundrill/v1\nkind: Scenario\nmetadata: {name: " + name +
          "}\nseed: " + std::to_string(seed) +
          "\ntimeline:\n  - at: 1m\n    fire_alert:\n      labels: "
          "{alertname: " +
          alert + "}\n",
      "scenarios/" + name + ".yaml");
  return s;
}

TEST(PlanSuiteTest, EveryShardTakesItsOwnPartAndTogetherTheyTakeAll) {
  std::vector<model::Scenario> scenarios;
  for (int i = 0; i < 7; ++i) scenarios.push_back(Scenario("s" + std::to_string(i), "A", i + 1));
  const std::vector<DrillSpec> plan = PlanSuite(scenarios, {1, 2});
  ASSERT_EQ(plan.size(), 14u);
  EXPECT_EQ(plan[0].id, "s0--seed-1");
  EXPECT_EQ(plan[1].id, "s0--seed-2");
  std::multiset<std::string> taken;
  for (int k = 1; k <= 3; ++k) {
    const auto part = TakeShard(plan, {k, 3});
    EXPECT_GE(part.size(), 4u);
    EXPECT_LE(part.size(), 5u);
    for (const auto& d : part) taken.insert(d.id);
  }
  std::multiset<std::string> all;
  for (const auto& d : plan) all.insert(d.id);
  EXPECT_EQ(taken, all);
  // Each scenario under its own seed when none are given.
  const auto own = PlanSuite(scenarios, {});
  ASSERT_EQ(own.size(), 7u);
  EXPECT_EQ(own[3].id, "s3--seed-4");
}

TEST(CanTriggerTest, ByAlertNameExactOrPattern) {
  const model::Scenario scenario = Scenario("s", "APIHighErrorRate", 1);
  EXPECT_TRUE(CanTrigger(
      drill::testing::RunbookText("apiVersion: rundrill/v1\nkind: Runbook\nmetadata: {name: r}\n"
                                  "trigger: {alertname_matches: \".*ErrorRate\"}\nsteps:\n"
                                  "  - {id: a, type: check, run: echo}\n",
                                  "r.yaml"),
      scenario));
  EXPECT_FALSE(CanTrigger(
      drill::testing::RunbookText("apiVersion: rundrill/v1\nkind: Runbook\nmetadata: {name: r}\n"
                                  "trigger: {alertname: DiskFull}\nsteps:\n"
                                  "  - {id: a, type: check, run: echo}\n",
                                  "r.yaml"),
      scenario));
}

// A library on disk: runbook a (ErrorRate, runs scripts/a.py, which imports helper.py),
// runbook b (DiskFull), and one scenario for each alert.
class SelectChangedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("rundrill-select-" + std::to_string(::getpid()));
    fs::create_directories(root_ / "runbooks/scripts");
    fs::create_directories(root_ / "scenarios");
    Write("runbooks/a.yaml",
          "apiVersion: rundrill/v1\nkind: Runbook\nmetadata: {name: a}\n"
          "trigger: {alertname: ErrorRate}\nsteps:\n"
          "  - {id: x, type: check, run: 'python3 \"$RUNBOOK_DIR/scripts/a.py\"'}\n");
    Write("runbooks/b.yaml",
          "apiVersion: rundrill/v1\nkind: Runbook\nmetadata: {name: b}\n"
          "trigger: {alertname: DiskFull}\nsteps:\n  - {id: x, type: check, run: echo}\n");
    Write("runbooks/scripts/a.py", "from helper import thing\n");
    Write("runbooks/scripts/helper.py", "thing = 1\n");
    for (const auto& [name, alert] : std::vector<std::pair<std::string, std::string>>{
             {"errors", "ErrorRate"}, {"disk", "DiskFull"}}) {
      Write("scenarios/" + name + ".yaml",
            "apiVersion: rundrill/v1\nkind: Scenario\nmetadata: {name: " + name +
                "}\ntimeline:\n  - at: 1m\n    fire_alert:\n      labels: {alertname: " + alert +
                "}\n");
    }
    std::vector<load::Diagnostic> errors;
    library_ =
        load::LoadPaths({(root_ / "runbooks").string(), (root_ / "scenarios").string()}, &errors);
    ASSERT_TRUE(errors.empty()) << errors[0].ToString();
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& path, const std::string& text) {
    std::ofstream(root_ / path) << text;
  }
  std::set<std::string> Names(const Selection& s) {
    std::set<std::string> out;
    for (const auto& path : s.scenarios) out.insert(fs::path(path).stem().string());
    return out;
  }
  fs::path root_;
  load::Catalog library_;
};

TEST_F(SelectChangedTest, RunbookScenarioScriptModuleSettingsAndOther) {
  EXPECT_EQ(Names(SelectChanged(library_, {"runbooks/a.yaml"}, root_)),
            std::set<std::string>{"errors"});
  EXPECT_EQ(Names(SelectChanged(library_, {"scenarios/disk.yaml"}, root_)),
            std::set<std::string>{"disk"});
  EXPECT_EQ(Names(SelectChanged(library_, {"runbooks/scripts/a.py"}, root_)),
            std::set<std::string>{"errors"});
  // helper.py is named by a.py only, which runbook a runs.
  const Selection module = SelectChanged(library_, {"runbooks/scripts/helper.py"}, root_);
  EXPECT_EQ(Names(module), std::set<std::string>{"errors"});
  EXPECT_THAT(module.reasons,
              ElementsAre("runbooks/scripts/helper.py (run by runbook a) → 1 scenario"));
  EXPECT_TRUE(SelectChanged(library_, {"rundrill.yaml"}, root_).everything);
  const Selection docs = SelectChanged(library_, {"README.md", "src/app.go"}, root_);
  EXPECT_FALSE(docs.everything);
  EXPECT_TRUE(docs.scenarios.empty());
}

}  // namespace
}  // namespace rundrill::suite
