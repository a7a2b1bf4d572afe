// report.md puts what failed first: a reader of a chat message or a pull request sees why a
// drill failed, and how to replay it, before the detail.
#include "reports/markdown_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/drill/drill_harness.h"

namespace rundrill::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kScenario[] = R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: unit}
horizon: 20m
world:
  kubernetes:
    deployments:
      - {name: api, namespace: production, replicas: 2, history: [{image: api:1}]}
timeline:
  - at: 1m
    fire_alert:
      labels: {alertname: HighErrorRate, service: api}
expect:
  runbooks:
    unit:
      outcome: succeeded
)";

drill::DrillResult Drill(const std::string& steps) {
  drill::testing::HostJournal journal;
  auto result =
      drill::RunDrill(drill::testing::ScenarioFrom(kScenario), {drill::testing::RunbookFrom(steps)},
                      drill::testing::ScriptedOptions(&journal));
  EXPECT_TRUE(result.ok());
  result->reproduce = "rundrill run unit.yaml --seed 5";
  return *result;
}

TEST(MarkdownReportTest, AFailedDrillSaysWhatFailedFirst) {
  const std::string md = RenderMarkdown(Drill("  - {id: fix, type: action, run: exit 3}\n"));
  const size_t failed = md.find("## What failed");
  ASSERT_NE(failed, std::string::npos);
  EXPECT_LT(failed, md.find("## Expectations"));
  const std::string section = md.substr(failed, md.find("## Expectations") - failed);
  EXPECT_THAT(section, HasSubstr("- Expected runbook unit succeeded; found"));
  EXPECT_THAT(section, HasSubstr("- Step unit/fix ❌ failed: exit code 3, expected 0"));
  EXPECT_THAT(section, HasSubstr("Reproduce:\n\n```sh\nrundrill run unit.yaml --seed 5\n```"));
}

TEST(MarkdownReportTest, APassedDrillHasNoFailureSection) {
  const std::string md = RenderMarkdown(Drill("  - {id: look, type: check, run: out ok}\n"));
  EXPECT_THAT(md, HasSubstr("PASSED"));
  EXPECT_THAT(md, Not(HasSubstr("## What failed")));
}

}  // namespace
}  // namespace rundrill::reports
