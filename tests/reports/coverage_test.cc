// ComputeCoverage over hand-built drill results: what counts as exercised, and which `when`
// branches a suite took.

#include "reports/coverage.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace rundrill::reports {
namespace {

using ::testing::ElementsAre;

model::Step Step(const std::string& id, int line, bool with_when = false) {
  model::Step step;
  step.id = id;
  step.mark = {"runbooks/her.yaml", line, 5};
  if (with_when) step.when = model::Condition{};
  return step;
}

// check, restart-oldest-pod (when), rollback (when), verify; on_failure: notify-failure;
// escalation: escalation.slack, escalation.page.
model::Runbook HighErrorRate() {
  model::Runbook rb;
  rb.name = "high-error-rate";
  rb.path = "runbooks/her.yaml";
  rb.steps = {Step("check", 10), Step("restart-oldest-pod", 20, true), Step("rollback", 30, true),
              Step("verify", 40)};
  rb.on_failure = {Step("notify-failure", 50)};
  rb.escalation = {Step("escalation.slack", 60), Step("escalation.page", 60)};
  return rb;
}

drill::StepRecord Ran(const std::string& id,
                      drill::StepOutcome outcome = drill::StepOutcome::kSucceeded) {
  drill::StepRecord step;
  step.id = id;
  step.outcome = outcome;
  return step;
}

drill::StepRecord Skipped(const std::string& id, const std::string& reason) {
  drill::StepRecord step;
  step.id = id;
  step.outcome = drill::StepOutcome::kSkipped;
  step.reason = reason;
  return step;
}

drill::StepRecord WhenFalse(const std::string& id) {
  return Skipped(id, "when: condition not met");
}

drill::StepRecord NotReached(const std::string& id) {
  return Skipped(id, "not reached: the runbook stopped at check");
}

drill::DrillResult Drill(const std::string& scenario, std::vector<drill::StepRecord> steps,
                         bool passed = true, const std::string& runbook = "high-error-rate") {
  drill::DrillResult result;
  result.scenario_name = scenario;
  result.scenario_path = "scenarios/" + scenario + ".yaml";
  result.seed = 7;
  result.passed = passed;
  drill::RunbookRecord run;
  run.name = runbook;
  run.steps = std::move(steps);
  result.runbooks.push_back(run);
  return result;
}

const RunbookCoverageEntry& Only(const RunbookCoverage& coverage) {
  EXPECT_EQ(coverage.runbooks.size(), 1u);
  return coverage.runbooks.at(0);
}

std::vector<std::string> Ids(const std::vector<UnexercisedStep>& steps) {
  std::vector<std::string> out;
  for (const auto& s : steps) out.push_back(s.id);
  return out;
}

std::vector<std::string> Texts(const std::vector<MissingBranch>& branches) {
  std::vector<std::string> out;
  for (const auto& b : branches) out.push_back(b.Text());
  return out;
}

TEST(CoverageTest, ARunbookNoDrillRanHasNothingExercised) {
  const RunbookCoverage coverage = ComputeCoverage({HighErrorRate()}, {});
  const RunbookCoverageEntry& entry = Only(coverage);
  EXPECT_EQ(entry.runs, 0);
  EXPECT_EQ(entry.steps_total, 7);
  EXPECT_EQ(entry.steps_exercised, 0);
  EXPECT_EQ(entry.branches_total, 4);
  EXPECT_EQ(entry.branches_taken, 0);
  EXPECT_THAT(Texts(entry.missing_branches),
              ElementsAre("restart-oldest-pod: `when` never evaluated",
                          "rollback: `when` never evaluated"));
  EXPECT_THAT(CoverageSummaryLine(entry),
              ::testing::StartsWith("high-error-rate: 0/7 steps, 0/4 when-branches; no drill ran "
                                    "it; never ran: check (runbooks/her.yaml:10:5), "));
}

TEST(CoverageTest, StepsOnlySkippedOrNotReachedAreUnexercised) {
  const RunbookCoverage coverage =
      ComputeCoverage({HighErrorRate()}, {Drill("a", {Ran("check"), WhenFalse("restart-oldest-pod"),
                                                      Ran("rollback"), NotReached("verify")})});
  const RunbookCoverageEntry& entry = Only(coverage);
  EXPECT_EQ(entry.runs, 1);
  EXPECT_EQ(entry.steps_exercised, 2);
  EXPECT_THAT(Ids(entry.unexercised), ElementsAre("restart-oldest-pod", "verify", "notify-failure",
                                                  "escalation.slack", "escalation.page"));
  EXPECT_EQ(entry.unexercised[1].mark, "runbooks/her.yaml:40:5");
  EXPECT_FALSE(entry.unexercised[1].on_failure);
  EXPECT_TRUE(entry.unexercised[2].on_failure);
}

TEST(CoverageTest, WhenOnlyTrueOnlyFalseAndBoth) {
  const RunbookCoverage only = ComputeCoverage(
      {HighErrorRate()}, {Drill("a", {Ran("restart-oldest-pod"), WhenFalse("rollback")})});
  EXPECT_EQ(Only(only).branches_taken, 2);
  EXPECT_THAT(Texts(Only(only).missing_branches),
              ElementsAre("restart-oldest-pod: `when` never false", "rollback: `when` never true"));

  // Another drill takes the other branch of both; a failure still counts as having run.
  const RunbookCoverage both = ComputeCoverage(
      {HighErrorRate()},
      {Drill("a", {Ran("restart-oldest-pod"), WhenFalse("rollback")}),
       Drill("b", {WhenFalse("restart-oldest-pod"), Ran("rollback", drill::StepOutcome::kFailed)},
             false)});
  EXPECT_EQ(Only(both).branches_taken, 4);
  EXPECT_THAT(Texts(Only(both).missing_branches), ElementsAre());
  ASSERT_EQ(both.drills.size(), 2u);
  EXPECT_FALSE(both.drills[1].passed);
}

TEST(CoverageTest, NotReachedSaysNothingAboutTheCondition) {
  const RunbookCoverage coverage = ComputeCoverage(
      {HighErrorRate()},
      {Drill("a", {NotReached("restart-oldest-pod"),
                   Skipped("rollback", "not reached: the scenario's horizon came first")})});
  EXPECT_EQ(Only(coverage).branches_taken, 0);
  EXPECT_THAT(Texts(Only(coverage).missing_branches),
              ElementsAre("restart-oldest-pod: `when` never evaluated",
                          "rollback: `when` never evaluated"));
}

TEST(CoverageTest, OnFailureAndEscalationStepsCountAsSteps) {
  const RunbookCoverage coverage = ComputeCoverage(
      {HighErrorRate()},
      {Drill("a", {Ran("check", drill::StepOutcome::kTimedOut), Ran("notify-failure"),
                   Ran("escalation.slack"), Ran("escalation.page", drill::StepOutcome::kFailed)})});
  const RunbookCoverageEntry& entry = Only(coverage);
  EXPECT_EQ(entry.steps_exercised, 4);
  EXPECT_THAT(Ids(entry.unexercised), ElementsAre("restart-oldest-pod", "rollback", "verify"));
}

TEST(CoverageTest, RunsAreMatchedByRunbookName) {
  model::Runbook other;
  other.name = "disk-space";
  other.steps = {Step("check", 5)};
  const RunbookCoverage coverage =
      ComputeCoverage({HighErrorRate(), other}, {Drill("a", {Ran("check")}, true, "disk-space"),
                                                 Drill("b", {Ran("check")}, true, "disk-space")});
  ASSERT_EQ(coverage.runbooks.size(), 2u);
  EXPECT_EQ(coverage.runbooks[0].steps_exercised, 0);
  EXPECT_EQ(coverage.runbooks[1].runs, 2);
  EXPECT_EQ(CoverageSummaryLine(coverage.runbooks[1]), "disk-space: 1/1 steps, 0/0 when-branches");
}

TEST(CoverageTest, SummaryLineAndReports) {
  RunbookCoverage coverage =
      ComputeCoverage({HighErrorRate()},
                      {Drill("a", {Ran("check"), Ran("restart-oldest-pod"), Ran("rollback"),
                                   Ran("verify"), Ran("notify-failure"), Ran("escalation.slack")}),
                       Drill("b", {Ran("check"), WhenFalse("rollback")}, false)});
  coverage.errors = {"scenarios/c.yaml: cannot create the sandbox"};
  const RunbookCoverageEntry& entry = Only(coverage);
  EXPECT_EQ(CoverageSummaryLine(entry),
            "high-error-rate: 6/7 steps, 3/4 when-branches; never ran: escalation.page "
            "(runbooks/her.yaml:60:5); restart-oldest-pod: `when` never false");

  const nlohmann::json json = nlohmann::json::parse(RenderCoverageJson(coverage));
  EXPECT_EQ(json["runbooks"][0]["steps"]["exercised"], 6);
  EXPECT_EQ(json["runbooks"][0]["when_branches"]["taken"], 3);
  EXPECT_EQ(json["runbooks"][0]["unexercised_steps"][0]["id"], "escalation.page");
  EXPECT_EQ(json["runbooks"][0]["missing_branches"][0]["seen_false"], false);
  EXPECT_EQ(json["drills"][1]["passed"], false);
  EXPECT_EQ(json["errors"][0], "scenarios/c.yaml: cannot create the sandbox");

  const std::string md = RenderCoverageMarkdown(coverage);
  EXPECT_NE(md.find("2 drills, 1 failed, 1 could not run."), std::string::npos) << md;
  EXPECT_NE(md.find("| high-error-rate | 2 | 6/7 | 3/4 |"), std::string::npos) << md;
  EXPECT_NE(md.find("- never ran: `escalation.page` (on failure) at runbooks/her.yaml:60:5"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("- b (seed 7): FAILED"), std::string::npos) << md;
}

}  // namespace
}  // namespace rundrill::reports
