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

Verification VerifySteps(const std::string& steps) {
  drill::testing::HostJournal journal;
  const model::Scenario scenario = drill::testing::ScenarioFrom(kScenario);
  const std::vector<model::Runbook> runbooks = {drill::testing::RunbookFrom(steps)};
  const drill::DrillOptions options = drill::testing::ScriptedOptions(&journal);
  auto baseline = drill::RunDrill(scenario, runbooks, options);
  EXPECT_TRUE(baseline.ok());
  if (!baseline.ok()) return {};
  auto verification = VerifyDrill(scenario, runbooks, options, *baseline);
  EXPECT_TRUE(verification.ok()) << verification.status().message();
  return verification.ok() ? *verification : Verification{};
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

}  // namespace
}  // namespace rundrill::verify
