// `rundrill coverage` over the bundled library: every scenario with every runbook, real
// processes, the reports it writes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/integration/integration_harness.h"

namespace rundrill {
namespace {

using integration::kSource;
using integration::RunTool;

std::string ReadAll(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The whole library: every drill runs and the reports are written. Which steps it leaves
// unexercised changes as scenarios are added, so only the shape is pinned here.
TEST(CoverageIntegrationTest, BundledLibraryRunsEveryScenario) {
  const std::string out = testing::TempDir() + "/rundrill-coverage";
  std::filesystem::remove_all(out);
  const auto run = RunTool("coverage --runbooks " + kSource + "/runbooks --scenarios " + kSource +
                           "/scenarios --out " + out);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("\nhigh-error-rate: "), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("14 drills, "), std::string::npos) << run.output;

  const nlohmann::json json = nlohmann::json::parse(ReadAll(out + "/coverage.json"));
  ASSERT_EQ(json["runbooks"].size(), 6u);
  EXPECT_EQ(json["drills"].size(), 14u);
  for (const auto& runbook : json["runbooks"]) {
    EXPECT_GT(runbook["runs"].get<int>(), 0) << runbook.dump();
  }
  EXPECT_NE(ReadAll(out + "/coverage.md").find("# Runbook coverage"), std::string::npos);
}

// Only the crash-loop scenario, with all the bundled runbooks: the rollback path runs, the
// restart path and the other runbooks do not.
TEST(CoverageIntegrationTest, OneScenarioLeavesKnownStepsUnexercised) {
  const std::string dir = testing::TempDir() + "/rundrill-coverage-one";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/scenarios");
  std::filesystem::copy_file(kSource + "/scenarios/bad-deploy-crashloop.yaml",
                             dir + "/scenarios/bad-deploy-crashloop.yaml");
  const auto run =
      RunTool("coverage --scenarios " + dir + "/scenarios --out " + dir + "/out", kSource);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("high-error-rate: 5/9 steps, 5/10 when-branches; never ran: restart "
                            "(runbooks/high-error-rate.yaml:"),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("; rollback: `when` never false;"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("disk-space: 0/4 steps, 0/0 when-branches; no drill ran it;"),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("1 drill, 0 failed\n"), std::string::npos) << run.output;

  const nlohmann::json json = nlohmann::json::parse(ReadAll(dir + "/out/coverage.json"));
  bool restart_listed = false;
  for (const auto& runbook : json["runbooks"]) {
    if (runbook["runbook"] != "high-error-rate") continue;
    for (const auto& step : runbook["unexercised_steps"]) {
      restart_listed = restart_listed || step["id"] == "restart";
    }
  }
  EXPECT_TRUE(restart_listed) << json.dump(2);
}

TEST(CoverageIntegrationTest, InputErrorsExitTwoBeforeRunningAnything) {
  const std::string dir = testing::TempDir() + "/rundrill-coverage-bad";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/scenarios");
  std::ofstream(dir + "/scenarios/s.yaml") << "apiVersion: rundrill/v1\nkind: Scenario\n"
                                              "metadata: {name: s}\nexpect: {escalated: maybe}\n";
  const auto run = RunTool("coverage --runbooks " + kSource + "/runbooks --scenarios " + dir +
                           "/scenarios --out " + dir + "/out");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("s.yaml:4:21: \"escalated\" must be true or false, got \"maybe\""),
            std::string::npos)
      << run.output;
  EXPECT_FALSE(std::filesystem::exists(dir + "/out/coverage.json"));
}

}  // namespace
}  // namespace rundrill
