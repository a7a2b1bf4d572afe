// `rundrill ci`, `rundrill report merge` and `rundrill gameday` as a CI job runs them: the
// real binary, real drills, files on disk.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reports/result_json.h"
#include "reports/result_json_reader.h"
#include "tests/integration/integration_harness.h"

namespace rundrill {
namespace {

namespace fs = std::filesystem;
using integration::kSource;
using integration::RunTool;
using ::testing::HasSubstr;

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every file under `dir`, relative, with its bytes.
std::map<std::string, std::string> Tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = Read(e.path());
  }
  return out;
}

class SuiteCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("rundrill-suite-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Out(const std::string& name) const { return (dir_ / name).string(); }

  // A small library of its own: a runbook that scales api to 3, one scenario where that
  // resolves the alert and one that expects what it cannot do.
  void WriteLibrary(const fs::path& root) {
    fs::create_directories(root / "runbooks");
    fs::create_directories(root / "scenarios");
    std::ofstream(root / "runbooks/scale.yaml") << R"(apiVersion: rundrill/v1
kind: Runbook
metadata: {name: scale}
trigger: {alertname: HighErrorRate}
steps:
  - id: scale
    type: action
    run: kubectl scale deployment api -n production --replicas=3
    rollback: kubectl scale deployment api -n production --replicas=2
    lint:
      ignore: [{rule: RD001, reason: a test runbook}]
)";
    for (const auto& [name, replicas] :
         std::vector<std::pair<std::string, int>>{{"passes", 3}, {"fails", 5}}) {
      std::ofstream(root / ("scenarios/" + name + ".yaml"))
          << "apiVersion: rundrill/v1\nkind: Scenario\nmetadata: {name: " << name
          << "}\nhorizon: 20m\nseed: 4\nworld:\n  kubernetes:\n    deployments:\n      - {name: "
             "api, namespace: production, replicas: 2, history: [{image: api:1}]}\ntimeline:\n"
             "  - at: 1m\n    fire_alert:\n      labels: {alertname: HighErrorRate, service: "
             "api}\nexpect:\n  deployments:\n    - {deployment: production/api, ready_replicas: "
          << replicas << "}\n";
    }
  }
  fs::path dir_;
};

// The bundled library, sharded two ways and merged, gives the unsharded suite byte for byte;
// every result.json reads back into the same bytes.
TEST_F(SuiteCommandTest, ShardsMergeIntoTheUnshardedSuite) {
  const std::string common = "--no-verify --no-shellcheck -j 2 ";
  const auto whole = RunTool("ci " + common + "--out " + Out("whole"), kSource);
  ASSERT_EQ(whole.exit_code, 0) << whole.output;
  EXPECT_THAT(whole.output, HasSubstr("14 drills, 14 passed, 0 failed"));
  const auto first = RunTool("ci " + common + "--shard 1/2 --out " + Out("s1"), kSource);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("(shard 1/2 of 14)"));
  // The second shard as a Kubernetes Indexed Job sees it.
  const auto second = RunTool("ci " + common + "--out " + Out("s2"),
                              kSource + " && export JOB_COMPLETION_INDEX=1 RUNDRILL_SHARD_TOTAL=2");
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_THAT(second.output, HasSubstr("(shard 2/2 of 14)"));

  const auto missing = RunTool("report merge " + Out("s1") + " --out " + Out("half"), kSource);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.output, HasSubstr("shard 2/2 missing"));

  const auto merged =
      RunTool("report merge " + Out("s2") + " " + Out("s1") + " --out " + Out("merged"), kSource);
  ASSERT_EQ(merged.exit_code, 0) << merged.output;
  const auto want = Tree(Out("whole"));
  const auto got = Tree(Out("merged"));
  ASSERT_EQ(want.size(), got.size());
  for (const auto& [path, bytes] : want) {
    ASSERT_TRUE(got.count(path)) << path;
    EXPECT_TRUE(got.at(path) == bytes) << path << " differs";
  }
  int results = 0;
  for (const auto& [path, bytes] : want) {
    if (fs::path(path).filename() != "result.json") continue;
    ++results;
    auto parsed = reports::ParseResultJson(bytes, path);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    EXPECT_TRUE(reports::RenderResultJson(*parsed) == bytes) << path;
  }
  EXPECT_EQ(results, 14);
}

TEST_F(SuiteCommandTest, ExitCodesAndTheFailureSummary) {
  WriteLibrary(dir_ / "lib");
  const std::string lib = "--runbooks lib/runbooks --scenarios lib/scenarios --no-shellcheck ";
  const auto failed = RunTool("ci " + lib + "--out out", dir_.string());
  EXPECT_EQ(failed.exit_code, 1) << failed.output;
  EXPECT_THAT(failed.output, HasSubstr("2 drills, 1 passed, 1 failed"));
  EXPECT_THAT(failed.output,
              HasSubstr("reproduce: rundrill run lib/scenarios/fails.yaml --runbooks lib/runbooks "
                        "--seed 4 --verify"));
  const std::string summary = Read(dir_ / "out/summary.md");
  EXPECT_THAT(summary, HasSubstr("# rundrill suite: FAILED"));
  EXPECT_THAT(summary, HasSubstr("### fails--seed-4"));
  const auto index = nlohmann::json::parse(Read(dir_ / "out/suite.json"));
  EXPECT_EQ(index["counts"]["failed"], 1);
  EXPECT_TRUE(fs::exists(dir_ / "out/junit.xml"));
  EXPECT_TRUE(fs::exists(dir_ / "out/drills/passes--seed-4/report.html"));

  std::ofstream(dir_ / "lib/scenarios/broken.yaml") << "apiVersion: rundrill/v1\nkind: [\n";
  const auto broken = RunTool("ci " + lib + "--out out", dir_.string());
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_THAT(broken.output, HasSubstr("lib/scenarios/broken.yaml:"));
  fs::remove(dir_ / "lib/scenarios/broken.yaml");

  EXPECT_EQ(RunTool("ci " + lib + "--shard 3/2", dir_.string()).exit_code, 2);
}

// In a git checkout, only the drills a change affects run.
TEST_F(SuiteCommandTest, ChangedSinceRunsWhatTheChangeAffects) {
  WriteLibrary(dir_);
  std::ofstream(dir_ / "scenarios/disk.yaml") << R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: disk}
timeline:
  - at: 1m
    fire_alert:
      labels: {alertname: DiskFull}
)";
  const std::string git = "git -c user.name=t -c user.email=t@example.invalid ";
  ASSERT_EQ(std::system(("cd " + dir_.string() + " && git init -q && " + git + "add -A && " + git +
                         "commit -qm base")
                            .c_str()),
            0);
  const std::string flags = "--no-shellcheck --no-verify --changed-since HEAD --out out";
  const auto nothing = RunTool("ci " + flags, dir_.string());
  EXPECT_EQ(nothing.exit_code, 0) << nothing.output;
  EXPECT_THAT(nothing.output, HasSubstr("0 drills"));

  std::ofstream(dir_ / "runbooks/scale.yaml", std::ios::app) << "# touched\n";
  const auto some = RunTool("ci " + flags, dir_.string());
  EXPECT_EQ(some.exit_code, 1) << some.output;  // fails.yaml fails, as it should
  EXPECT_THAT(some.output, HasSubstr("2 drills"));
  const auto index = nlohmann::json::parse(Read(dir_ / "out/suite.json"));
  EXPECT_EQ(index["selection"]["reasons"][0], "runbooks/scale.yaml (runbook scale) → 2 scenarios");

  EXPECT_EQ(RunTool("ci --no-shellcheck --changed-since no-such-ref", dir_.string()).exit_code, 2);
}

TEST_F(SuiteCommandTest, GamedaysRecordHistoryAndCompare) {
  WriteLibrary(dir_ / "lib");
  const std::string flags =
      "gameday --runbooks lib/runbooks --scenarios lib/scenarios --no-shellcheck --no-verify "
      "--out gd ";
  const auto first = RunTool(flags + "--label day-1 --chaos-seed 5", dir_.string());
  EXPECT_EQ(first.exit_code, 1) << first.output;
  EXPECT_THAT(first.output, HasSubstr("extra faults: seed 5"));
  EXPECT_THAT(first.output, HasSubstr("first game day in gd/history.sqlite"));
  EXPECT_THAT(first.output, HasSubstr("--chaos-seed 5"));  // in each reproduce line

  fs::remove(dir_ / "lib/scenarios/fails.yaml");
  const auto second = RunTool(flags + "--label day-2", dir_.string());
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_THAT(second.output, HasSubstr("since day-1: pass rate 1/2 → 1/1"));
  const std::string report = Read(dir_ / "gd/gameday.md");
  EXPECT_THAT(report, HasSubstr("# Game day day-2: PASSED"));
  EXPECT_THAT(report, HasSubstr("| day-1 | 1/2 |"));
}

// A game day's failure replays on its own: `run --chaos-seed` adds the same faults, and the
// drill is as deterministic as any.
TEST_F(SuiteCommandTest, RunWithAChaosSeedReplaysTheGamedayFaults) {
  WriteLibrary(dir_ / "lib");
  const std::string run =
      "run lib/scenarios/passes.yaml --runbooks lib/runbooks --seed 4 --chaos-seed 5 --out ";
  const auto first = RunTool(run + "a", dir_.string());
  const auto second = RunTool(run + "b", dir_.string());
  EXPECT_EQ(first.exit_code, second.exit_code);
  const std::string result = Read(dir_ / "a/result.json");
  EXPECT_EQ(nlohmann::json::parse(result)["reproduce"],
            "rundrill run lib/scenarios/passes.yaml --runbooks lib/runbooks --seed 4 "
            "--chaos-seed 5");
  EXPECT_TRUE(result == Read(dir_ / "b/result.json"));
  EXPECT_THAT(result, HasSubstr("\"kind\": \"fault."));
  const auto plain =
      RunTool("run lib/scenarios/passes.yaml --runbooks lib/runbooks --out c", dir_.string());
  EXPECT_THAT(Read(dir_ / "c/result.json"), ::testing::Not(HasSubstr("\"kind\": \"fault.")));
}

}  // namespace
}  // namespace rundrill
