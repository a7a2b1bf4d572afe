// The verification checks, each shown to catch what it claims with a runbook built to break
// it, and to pass a runbook that does not.
#include "simulator/verify/checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/drill/drill_harness.h"

namespace rundrill::verify {
namespace {

using ::testing::HasSubstr;

constexpr char kScenario[] = R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: unit}
horizon: 30m
world:
  kubernetes:
    deployments:
      - {name: api, namespace: production, replicas: 2, history: [{image: api:1}]}
timeline:
  - at: 1m
    fire_alert:
      labels: {alertname: HighErrorRate, service: api}
)";

Verification VerifyRunbooks(const std::vector<model::Runbook>& runbooks,
                            const std::string& scenario_text = kScenario) {
  drill::testing::HostJournal journal;
  const model::Scenario scenario = drill::testing::ScenarioFrom(scenario_text);
  const drill::DrillOptions options = drill::testing::ScriptedOptions(&journal);
  auto baseline = drill::RunDrill(scenario, runbooks, options);
  EXPECT_TRUE(baseline.ok());
  if (!baseline.ok()) return {};
  auto verification = VerifyDrill(scenario, runbooks, options, *baseline);
  EXPECT_TRUE(verification.ok()) << verification.status().message();
  return verification.ok() ? *verification : Verification{};
}

Verification VerifySteps(const std::string& steps) {
  return VerifyRunbooks({drill::testing::RunbookFrom(steps)});
}

std::vector<const Finding*> Of(const Verification& v, const std::string& check) {
  std::vector<const Finding*> out;
  for (const auto& f : v.findings) {
    if (f.check == check) out.push_back(&f);
  }
  return out;
}

TEST(ChecksTest, ScalingToAFixedCountPassesEveryCheck) {
  const Verification v = VerifySteps(R"(
  - id: scale
    type: action
    run: call kubectl scale deployment api --replicas=3 -n production
    rollback: call kubectl scale deployment api --replicas=2 -n production
  - {id: look, type: check, run: call kubectl get deployment api -n production}
)");
  for (const auto& f : v.findings) EXPECT_TRUE(f.passed) << f.check << ": " << f.summary;
  ASSERT_EQ(Of(v, "step-idempotence").size(), 1u);
  ASSERT_EQ(Of(v, "rollback").size(), 1u);
  ASSERT_EQ(Of(v, "runbook-idempotence").size(), 1u);
  ASSERT_EQ(Of(v, "crash-consistency").size(), 1u);  // after step 1 of 2
  EXPECT_TRUE(v.mutating_without_rollback.empty());
  EXPECT_TRUE(v.passed());
}

TEST(ChecksTest, ASecondPageWithoutDedupKeyIsNotIdempotent) {
  const Verification v = VerifySteps(R"(
  - id: page
    type: notify
    run: http pagerduty-events POST /v2/enqueue {"routing_key":"R0UNDR1LLDEFAULTR0UT1NGKEY000001","event_action":"trigger","payload":{"summary":"x","source":"y","severity":"critical"}}
)");
  const auto steps = Of(v, "step-idempotence");
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_FALSE(steps[0]->passed);
  EXPECT_THAT(steps[0]->summary, HasSubstr("the second run changed the world again"));
  EXPECT_THAT(steps[0]->summary, HasSubstr("pagerduty.incidents[1]: (absent)"));
  EXPECT_FALSE(v.passed());
}

TEST(ChecksTest, AStatedReasonOptsAStepOut) {
  const Verification v = VerifySteps(R"(
  - id: page
    type: notify
    not_idempotent: every run pages afresh on purpose
    run: http pagerduty-events POST /v2/enqueue {"routing_key":"R0UNDR1LLDEFAULTR0UT1NGKEY000001","event_action":"trigger","payload":{"summary":"x","source":"y","severity":"critical"}}
)");
  const auto steps = Of(v, "step-idempotence");
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_TRUE(steps[0]->passed);
  EXPECT_TRUE(steps[0]->skipped);
  EXPECT_EQ(steps[0]->summary, "not checked: every run pages afresh on purpose");
}

TEST(ChecksTest, ARollbackThatDoesNotUndoShowsTheDiff) {
  const Verification v = VerifySteps(R"(
  - id: scale
    type: action
    run: call kubectl scale deployment api --replicas=3 -n production
    rollback: out nothing undone
)");
  const auto rollbacks = Of(v, "rollback");
  ASSERT_EQ(rollbacks.size(), 1u);
  EXPECT_FALSE(rollbacks[0]->passed);
  bool replicas = false;
  for (const auto& d : rollbacks[0]->diff) {
    replicas = replicas || (d.path == "kubernetes.namespaces.production.deployments.api.replicas" &&
                            d.before == 2 && d.after == 3);
  }
  EXPECT_TRUE(replicas) << rollbacks[0]->summary;
}

TEST(ChecksTest, MutatingStepsWithoutRollbackAreListed) {
  const Verification v = VerifySteps(R"(
  - {id: scale, type: action, run: call kubectl scale deployment api --replicas=3 -n production}
)");
  ASSERT_EQ(v.mutating_without_rollback.size(), 1u);
  EXPECT_THAT(v.mutating_without_rollback[0], HasSubstr("unit/scale (unit.yaml:"));
}

// Decides from what it saw at its start: run again after step 2, it sees 3 replicas and does
// nothing, where the uninterrupted run went on to 5.
TEST(ChecksTest, ARunbookThatActsOnAStaleReadingIsNotCrashConsistent) {
  const Verification v = VerifySteps(R"(
  - id: read
    type: check
    run: call kubectl get deployment api -n production -o jsonpath={.spec.replicas}
    capture: R
  - id: first
    type: action
    when: {capture: R, equals: "2"}
    run: call kubectl scale deployment api --replicas=3 -n production
  - id: second
    type: action
    when: {capture: R, equals: "2"}
    run: call kubectl scale deployment api --replicas=5 -n production
)");
  const auto crashes = Of(v, "crash-consistency");
  ASSERT_EQ(crashes.size(), 2u);
  EXPECT_TRUE(crashes[0]->passed) << crashes[0]->summary;  // after `read`: starts over cleanly
  EXPECT_FALSE(crashes[1]->passed);
  EXPECT_EQ(crashes[1]->step, "after step 2");
  EXPECT_THAT(crashes[1]->summary, HasSubstr("it ends in another state"));
  bool replicas = false;
  for (const auto& d : crashes[1]->diff) {
    replicas = replicas || (d.path == "kubernetes.namespaces.production.deployments.api.replicas" &&
                            d.before == 5 && d.after == 3);
  }
  EXPECT_TRUE(replicas);
}

constexpr char kPageWithoutKey[] =
    R"(http pagerduty-events POST /v2/enqueue {"routing_key":"R0UNDR1LLDEFAULTR0UT1NGKEY000001","event_action":"trigger","payload":{"summary":"x","source":"y","severity":"critical"}})";
constexpr char kSlackPost[] =
    R"(http slack POST /services/T0RUNDRILL/B0RUNDRILL/rundrillWebhookSecret0001 {"text":"still-failing"})";

const Finding* RunbookFinding(const Verification& v, const std::string& runbook) {
  for (const Finding* f : Of(v, "runbook-idempotence")) {
    if (f->runbook == runbook) return f;
  }
  return nullptr;
}

// Two runbooks answer the same alert; only the second pages again when run again. Each is
// judged on what its own rerun changed.
TEST(ChecksTest, EachRunbookIsJudgedOnWhatItsOwnRerunChanged) {
  const Verification v = VerifyRunbooks(
      {drill::testing::RunbookFrom(
           "  - {id: scale, type: action, run: call kubectl scale deployment api --replicas=3 -n "
           "production}\n",
           "steady"),
       drill::testing::RunbookFrom(
           "  - id: page\n    type: notify\n    run: " + std::string(kPageWithoutKey) + "\n",
           "pager")});
  const Finding* steady = RunbookFinding(v, "steady");
  const Finding* pager = RunbookFinding(v, "pager");
  ASSERT_NE(steady, nullptr);
  ASSERT_NE(pager, nullptr);
  EXPECT_TRUE(steady->passed) << steady->summary;
  EXPECT_FALSE(pager->passed);
  EXPECT_THAT(pager->summary, HasSubstr("pagerduty.incidents[1]: (absent)"));
}

// A step that says why it changes the world each time keeps its own changes out of the
// runbook's judgement, not the rest of the runbook's.
TEST(ChecksTest, AnExcusedStepDoesNotExcuseTheRestOfItsRunbook) {
  const Verification v = VerifySteps(
      "  - id: post\n    type: notify\n"
      "    not_idempotent: each run posts its own status\n"
      "    run: " +
      std::string(kSlackPost) +
      "\n  - id: page\n    type: notify\n    run: " + std::string(kPageWithoutKey) + "\n");
  const Finding* runbook = RunbookFinding(v, "unit");
  ASSERT_NE(runbook, nullptr);
  EXPECT_FALSE(runbook->passed);
  EXPECT_THAT(runbook->summary, HasSubstr("pagerduty.incidents[1]: (absent)"));
  EXPECT_THAT(runbook->summary,
              HasSubstr("(leaving out what post changes: each run posts its own status)"));
  for (const DiffEntry& d : runbook->diff) EXPECT_THAT(d.path, ::testing::Not(HasSubstr("slack")));
}

// A failed run reports its failure again when run again: judged, unless the on_failure step
// says why it posts each time.
TEST(ChecksTest, OnFailureStepsOfAFailedRunAreJudgedToo) {
  const std::string failing = "  - {id: fix, type: action, run: exit 1}\n";
  const std::string on_failure =
      "on_failure:\n  - id: tell\n    type: notify\n    run: " + std::string(kSlackPost) + "\n";
  const Verification chatty =
      VerifyRunbooks({drill::testing::RunbookFrom(failing, "unit", "", on_failure)});
  ASSERT_NE(RunbookFinding(chatty, "unit"), nullptr);
  EXPECT_FALSE(RunbookFinding(chatty, "unit")->passed);
  EXPECT_THAT(RunbookFinding(chatty, "unit")->summary, HasSubstr("slack.incidents.messages[1]"));

  const std::string excused =
      "on_failure:\n  - id: tell\n    type: notify\n"
      "    not_idempotent: each failed run says so\n    run: " +
      std::string(kSlackPost) + "\n";
  const Verification quiet =
      VerifyRunbooks({drill::testing::RunbookFrom(failing, "unit", "", excused)});
  ASSERT_NE(RunbookFinding(quiet, "unit"), nullptr);
  EXPECT_TRUE(RunbookFinding(quiet, "unit")->passed) << RunbookFinding(quiet, "unit")->summary;
  EXPECT_THAT(RunbookFinding(quiet, "unit")->summary,
              HasSubstr("leaving out what tell changes: each failed run says so"));
}

// A deploy after the runbook ran gives its second run another world to act on: not judged.
TEST(ChecksTest, ARunbookIsNotJudgedAcrossAScenarioEventAfterIt) {
  const Verification v = VerifyRunbooks(
      {drill::testing::RunbookFrom(
          "  - id: page\n    type: notify\n    run: " + std::string(kPageWithoutKey) + "\n")},
      std::string(kScenario) +
          "  - at: 20m\n    deploy: {deployment: api, namespace: production, "
          "image: api:2}\n");
  const Finding* runbook = RunbookFinding(v, "unit");
  ASSERT_NE(runbook, nullptr);
  EXPECT_TRUE(runbook->passed);
  EXPECT_TRUE(runbook->skipped);
  EXPECT_THAT(runbook->summary, HasSubstr("not judged: the scenario changed the world after the "
                                          "run (scenario.deploy"));
  EXPECT_THAT(runbook->summary, HasSubstr("at +00:20:00"));
}

// A path the runbook or the scenario leaves out is not compared, and the report lists it
// with its reason and place.
TEST(ChecksTest, IgnorePathsOfRunbookAndScenarioAreLeftOutAndListed) {
  const std::string steps =
      "  - id: page\n    type: notify\n    run: " + std::string(kPageWithoutKey) + "\n";
  const Verification by_runbook = VerifyRunbooks({drill::testing::RunbookFrom(
      steps, "unit", "",
      "verify:\n  ignore:\n    - {path: \"pagerduty.**\", reason: paged on purpose}\n")});
  EXPECT_TRUE(by_runbook.passed());
  ASSERT_EQ(by_runbook.ignored.size(), 1u);
  EXPECT_EQ(by_runbook.ignored[0].pattern, "pagerduty.**");
  EXPECT_EQ(by_runbook.ignored[0].reason, "paged on purpose");
  EXPECT_EQ(by_runbook.ignored[0].scope, "unit");
  EXPECT_THAT(by_runbook.ignored[0].source, HasSubstr("unit.yaml:"));

  const Verification by_scenario = VerifyRunbooks(
      {drill::testing::RunbookFrom(steps)},
      std::string(kScenario) + "verify:\n  ignore: [{path: \"pagerduty.**\", reason: paged}]\n");
  EXPECT_TRUE(by_scenario.passed());
  ASSERT_EQ(by_scenario.ignored.size(), 1u);
  EXPECT_EQ(by_scenario.ignored[0].scope, "scenario");

  // Another runbook's ignore path does not excuse this one.
  const Verification other = VerifyRunbooks(
      {drill::testing::RunbookFrom(steps),
       drill::testing::RunbookFrom(
           "  - {id: look, type: check, run: out x}\n", "other", "",
           "verify:\n  ignore:\n    - {path: \"pagerduty.**\", reason: not ours}\n")});
  EXPECT_FALSE(other.passed());
}

// A rollback whose effect is hidden from the compared world (here by an ignore path) is
// still caught when the scenario's steady state differs: an alert condition that would not
// hold without the step holds after its rollback.
TEST(ChecksTest, ARollbackMustGiveBackTheSteadyStateToo) {
  const std::string scenario = R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: unit}
horizon: 30m
world:
  kubernetes:
    deployments:
      - {name: api, namespace: production, replicas: 2, history: [{image: api:1}]}
  services:
    - {name: api, deployment: production/api}
alerting:
  rules:
    - alert: APIErrors
      expr: service_error_ratio{service="api"} > 0.05
      for: 10m
timeline:
  - at: 1m
    fire_alert:
      labels: {alertname: HighErrorRate, service: api}
)";
  const Verification v = VerifyRunbooks(
      {drill::testing::RunbookFrom(
          "  - id: drain\n    type: action\n"
          "    run: call kubectl scale deployment api --replicas=0 -n production\n"
          "    rollback: out nothing undone\n",
          "unit", "",
          "verify:\n  ignore:\n    - {path: \"kubernetes.**\", reason: hide the replicas}\n")},
      scenario);
  const auto rollbacks = Of(v, "rollback");
  ASSERT_EQ(rollbacks.size(), 1u);
  EXPECT_FALSE(rollbacks[0]->passed);
  EXPECT_TRUE(rollbacks[0]->diff.empty());
  EXPECT_THAT(rollbacks[0]->summary, HasSubstr("not the steady state: APIErrors{"));
  EXPECT_THAT(rollbacks[0]->summary, HasSubstr("now holds"));
}

// An approval gate asks again each time its step runs: the request is not the step's change,
// so an idempotent gated step passes step idempotence and its rollback check.
TEST(ChecksTest, AnApprovalRequestIsNotTheGatedStepsChange) {
  std::string scenario = kScenario;
  const std::string world = "world:\n";
  scenario.insert(scenario.find(world) + world.size(),
                  "  slack:\n    channels: [{name: incident-approvals}]\n    approvers:\n"
                  "      - {name: alice, answer: approve, after: 1m}\n");
  const Verification v = VerifyRunbooks(
      {drill::testing::RunbookFrom("  - id: scale\n    type: action\n"
                                   "    run: call kubectl scale deployment api --replicas=3 -n "
                                   "production\n"
                                   "    rollback: call kubectl scale deployment api --replicas=2 "
                                   "-n production\n"
                                   "    approval: {action: Scale api, timeout: 5m}\n")},
      scenario);
  ASSERT_EQ(Of(v, "step-idempotence").size(), 1u);
  ASSERT_EQ(Of(v, "rollback").size(), 1u);
  for (const auto& f : v.findings) EXPECT_TRUE(f.passed) << f.check << ": " << f.summary;
}

}  // namespace
}  // namespace rundrill::verify
