// The `verify:` block of runbooks and scenarios: paths the checks leave out, each with a
// reason, and the errors for ones written wrong.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "simulator/load/loader.h"
#include "tests/load/load_test_util.h"

namespace rundrill::load {
namespace {

using ::rundrill::load::testing::RunbookErrors;
using ::rundrill::load::testing::ScenarioErrors;
using ::testing::ElementsAre;

// Six lines: text appended starts on line 7.
constexpr char kRunbookHead[] = R"(apiVersion: rundrill/v1
kind: Runbook
metadata: {name: demo}
trigger: {alertname: HighErrorRate}
steps:
  - {id: a, type: check, run: echo}
)";

constexpr char kScenarioHead[] = R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: demo}
)";

TEST(LoadVerifyTest, RunbookAndScenarioIgnorePathsLoad) {
  std::vector<Diagnostic> errors;
  auto runbook = ParseRunbook(std::string(kRunbookHead) + R"(verify:
  ignore:
    - path: kubernetes.namespaces.*.deployments.api.template_annotations.**
      reason: the deploy tool stamps every write
)",
                              "rb.yaml", &errors);
  ASSERT_TRUE(runbook) << (errors.empty() ? "" : errors[0].ToString());
  ASSERT_EQ(runbook->verify.ignore.size(), 1u);
  EXPECT_EQ(runbook->verify.ignore[0].pattern,
            "kubernetes.namespaces.*.deployments.api.template_annotations.**");
  EXPECT_EQ(runbook->verify.ignore[0].reason, "the deploy tool stamps every write");
  EXPECT_EQ(runbook->verify.ignore[0].mark.ToString(), "rb.yaml:9:7");

  auto scenario = ParseScenario(std::string(kScenarioHead) + R"(verify:
  ignore: [{path: "hosts.*.disks./.avail_bytes", reason: the shipper fills the disk}]
)",
                                "sc.yaml", &errors);
  ASSERT_TRUE(scenario) << (errors.empty() ? "" : errors[0].ToString());
  ASSERT_EQ(scenario->verify.ignore.size(), 1u);
  EXPECT_EQ(scenario->verify.ignore[0].pattern, "hosts.*.disks./.avail_bytes");
}

TEST(LoadVerifyTest, BrokenIgnorePathsNameTheirPlace) {
  EXPECT_THAT(RunbookErrors(std::string(kRunbookHead) + R"(verify:
  ignore:
    - {path: slack.**}
    - {path: "", reason: x}
    - {path: kubernetes..replicas, reason: typo}
    - {path: a.b, reason: "  "}
    - {path: a.b, reason: x, why: y}
    - just-a-path
)"),
              ElementsAre("rb.yaml:9:7: verify ignore is missing required key \"reason\"",
                          "rb.yaml:10:14: \"path\" must not be empty",
                          "rb.yaml:11:14: \"path\" has an empty segment: kubernetes..replicas "
                          "(segments are separated by single dots; use * for any one)",
                          "rb.yaml:12:27: \"reason\" must not be empty: the report shows why the "
                          "path is not compared",
                          "rb.yaml:13:30: unknown key \"why\" in verify ignore",
                          "rb.yaml:14:7: each entry of \"ignore\" must be a map, got "
                          "\"just-a-path\""));
  EXPECT_THAT(ScenarioErrors(std::string(kScenarioHead) + R"(verify:
  ignore: slack.**
)"),
              ElementsAre("sc.yaml:5:11: \"ignore\" must be a list, got \"slack.**\""));
  EXPECT_THAT(ScenarioErrors(std::string(kScenarioHead) + R"(verify: {}
)"),
              ElementsAre("sc.yaml:4:9: verify is missing required key \"ignore\""));
}

}  // namespace
}  // namespace rundrill::load
