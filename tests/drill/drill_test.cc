// The drill engine without processes: steps are scripts for ScriptedStepHost, while the
// fake kubectl and sleep, the world and the clock are the real ones.
#include "simulator/drill/drill.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/drill/drill_harness.h"

namespace rundrill::drill {
namespace {

using ::testing::ElementsAre;

// api: 2 healthy replicas. An alert fires at 1m; the drill ends at 30m.
constexpr char kScenario[] = R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: unit}
horizon: 30m
world:
  kubernetes:
    deployments:
      - name: api
        namespace: production
        replicas: 2
        history: [{image: registry.example/api:1.0.0}]
timeline:
  - at: 1m
    fire_alert:
      labels: {alertname: HighErrorRate, service: api, namespace: production}
)";

model::Scenario Scenario(const std::string& text = kScenario) {
  return testing::ScenarioFrom(text);
}

model::Runbook Runbook(const std::string& steps, const std::string& name = "unit",
                       const std::string& extra = "") {
  return testing::RunbookFrom(steps, name, extra);
}

using testing::RunScriptedDrill;
DrillResult RunScripted(const model::Scenario& scenario,
                        const std::vector<model::Runbook>& runbooks) {
  return RunScriptedDrill(scenario, runbooks);
}

const StepRecord& Step(const DrillResult& result, const std::string& id) {
  return testing::FindStep(result, id);
}

TEST(DrillTest, WhenChoosesBranchesFromCaptures) {
  auto result = RunScripted(Scenario(), {Runbook(R"(
  - id: ready
    type: check
    run: call kubectl get deployment api -n production -o jsonpath={.status.readyReplicas}
    capture: READY
  - id: all-ready
    type: check
    when: {capture: READY, equals: "2"}
    run: out yes
  - id: none-ready
    type: action
    when: {capture: READY, equals: "0"}
    run: call kubectl rollout restart deployment/api -n production
)")});
  EXPECT_EQ(Step(result, "ready").capture_value, "2");
  EXPECT_EQ(Step(result, "all-ready").outcome, StepOutcome::kSucceeded);
  EXPECT_EQ(Step(result, "none-ready").outcome, StepOutcome::kSkipped);
  EXPECT_EQ(Step(result, "none-ready").reason, "when: condition not met");
}

TEST(DrillTest, RetriesBackOffExactlyInVirtualTime) {
  auto result = RunScripted(Scenario(), {Runbook(R"(
  - id: flaky
    type: check
    run: exit 1
    retries: {attempts: 4, backoff: 10s, multiplier: 2, max_backoff: 25s}
)")});
  const auto& step = Step(result, "flaky");
  ASSERT_EQ(step.attempts.size(), 4u);
  EXPECT_EQ(step.outcome, StepOutcome::kFailed);
  // The alert fires at 1m; the script takes no virtual time; waits 10s, 20s, then 25s (cap).
  EXPECT_EQ(step.attempts[0].started_at, SimTime(60000));
  EXPECT_EQ(step.attempts[1].started_at, SimTime(70000));
  EXPECT_EQ(step.attempts[2].started_at, SimTime(90000));
  EXPECT_EQ(step.attempts[3].started_at, SimTime(115000));
  EXPECT_EQ(step.reason, "exit code 1, expected 0");
}

TEST(DrillTest, VirtualTimeoutStopsAStepAtItsDeadline) {
  auto result = RunScripted(Scenario(), {Runbook(R"(
  - id: nap
    type: check
    run: call sleep 120
    timeout: 1m
)")});
  const auto& step = Step(result, "nap");
  EXPECT_EQ(step.outcome, StepOutcome::kTimedOut);
  EXPECT_EQ(step.ended_at, SimTime(120000));
  EXPECT_EQ(step.reason, "timed out after 1m of virtual time");
}

TEST(DrillTest, FailureStopsTheRunbookAndRunsOnFailure) {
  auto result = RunScripted(Scenario(), {Runbook(R"(
  - {id: first, type: check, run: out ok}
  - {id: broken, type: check, run: exit 3}
  - {id: later, type: action, run: out never}
on_failure:
  - {id: tell, type: action, run: out told}
)")});
  ASSERT_EQ(result.runbooks.size(), 1u);
  EXPECT_EQ(result.runbooks[0].outcome, "failed");
  EXPECT_EQ(Step(result, "broken").outcome, StepOutcome::kFailed);
  EXPECT_EQ(Step(result, "later").outcome, StepOutcome::kSkipped);
  EXPECT_EQ(Step(result, "later").reason, "not reached: the runbook stopped at broken");
  EXPECT_EQ(Step(result, "tell").outcome, StepOutcome::kSucceeded);
  EXPECT_TRUE(Step(result, "tell").on_failure);
}

TEST(DrillTest, ContinueOnFailureKeepsGoing) {
  auto result = RunScripted(Scenario(), {Runbook(R"(
  - {id: broken, type: check, run: exit 1, continue_on_failure: true}
  - {id: after, type: check, run: out still here}
)")});
  EXPECT_EQ(result.runbooks.at(0).outcome, "succeeded");
  EXPECT_EQ(Step(result, "after").outcome, StepOutcome::kSucceeded);
}

TEST(DrillTest, MissingParamFailsTheRunbookBeforeAnyStep) {
  auto result = RunScripted(Scenario(), {Runbook("  - {id: a, type: check, run: out x}\n", "unit",
                                                 "params:\n  TEAM: {label: team}\n")});
  EXPECT_EQ(result.runbooks.at(0).outcome, "failed");
  EXPECT_EQ(Step(result, "a").outcome, StepOutcome::kSkipped);
  EXPECT_EQ(Step(result, "a").reason,
            "not reached: the runbook stopped: param TEAM: the alert has no label \"team\" and "
            "the param has no default");
}

TEST(DrillTest, JsonCaptureNeedsJson) {
  auto result = RunScripted(Scenario(), {Runbook(R"(
  - id: parse
    type: check
    run: out not json
    capture: {name: DATA, as: json}
)")});
  EXPECT_EQ(Step(result, "parse").outcome, StepOutcome::kFailed);
  EXPECT_EQ(Step(result, "parse").reason, "capture DATA: stdout is not valid JSON");
}

TEST(DrillTest, StepsSeeParamsLabelsAndTheAlertFile) {
  testing::HostJournal journal;
  auto result =
      RunDrill(Scenario(),
               {Runbook("  - {id: a, type: check, run: out x}\n", "unit",
                        "params:\n  SERVICE: {label: service}\n  TIER: {label: tier, default: "
                        "web}\n")},
               testing::ScriptedOptions(&journal));
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(journal.environments.size(), 1u);
  const auto& env = journal.environments[0];
  EXPECT_EQ(env.at("SERVICE"), "api");
  EXPECT_EQ(env.at("TIER"), "web");
  EXPECT_EQ(env.at("ALERT_NAME"), "HighErrorRate");
  EXPECT_EQ(env.at("ALERT_LABEL_NAMESPACE"), "production");
  EXPECT_EQ(env.at("RUNDRILL_RUNBOOK"), "unit");
  ASSERT_EQ(journal.files.size(), 1u);
  const std::string& payload = journal.files.begin()->second;
  EXPECT_EQ(env.at("RUNDRILL_ALERT_FILE"), "/host/" + journal.files.begin()->first);
  auto parsed = nlohmann::json::parse(payload);
  EXPECT_EQ(parsed["version"], "4");
  EXPECT_EQ(parsed["alerts"][0]["labels"]["service"], "api");
  // The same instant as the payload's startsAt, for scripts that only read the environment.
  EXPECT_EQ(env.at("ALERT_STARTS_AT"), parsed["alerts"][0]["startsAt"]);
  EXPECT_EQ(payload.back(), '\n');
}

TEST(DrillTest, AlertRoutesToEveryMatchingRunbookInNameOrder) {
  auto result =
      RunScripted(Scenario(), {Runbook("  - {id: b1, type: check, run: out b}\n", "b-second"),
                               Runbook("  - {id: a1, type: check, run: out a}\n", "a-first")});
  ASSERT_EQ(result.runbooks.size(), 2u);
  EXPECT_EQ(result.runbooks[0].name, "a-first");
  EXPECT_EQ(result.runbooks[1].name, "b-second");
  ASSERT_EQ(result.alerts.size(), 1u);
  EXPECT_THAT(result.alerts[0].runbooks, ElementsAre("a-first", "b-second"));
}

TEST(DrillTest, ResolveWhenIsEvaluatedEvery15Seconds) {
  auto result = RunScripted(Scenario(R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: unit}
horizon: 30m
world:
  kubernetes:
    deployments:
      - name: api
        namespace: production
        replicas: 2
        history: [{image: registry.example/api:1.0.0}]
timeline:
  - at: 1m10s
    fire_alert:
      labels: {alertname: HighErrorRate}
      resolve_when: [{deployment: production/api, healthy: true}]
  - at: 2m
    fire_alert:
      labels: {alertname: HighErrorRate}
)"),
                            {});
  ASSERT_EQ(result.alerts.size(), 2u);  // the second fired after the first resolved
  EXPECT_EQ(result.alerts[0].fired_at, SimTime(70000));
  EXPECT_EQ(result.alerts[0].resolved_at, SimTime(75000));  // the next 15s boundary
  EXPECT_FALSE(result.alerts[1].resolved_at.has_value());
  EXPECT_FALSE(result.passed);  // implicit expectation: every alert resolved
}

TEST(DrillTest, FiringAlertIsNotFiredTwice) {
  auto result = RunScripted(Scenario(R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: unit}
world:
  kubernetes:
    deployments:
      - {name: api, namespace: production, history: [{image: a:1}]}
timeline:
  - at: 1m
    fire_alert: {labels: {alertname: HighErrorRate}}
  - at: 2m
    fire_alert: {labels: {alertname: HighErrorRate}}
)"),
                            {Runbook("  - {id: a, type: check, run: out x}\n")});
  EXPECT_EQ(result.alerts.size(), 1u);
  EXPECT_EQ(result.runbooks.size(), 1u);
}

TEST(DrillTest, FiguresAreMeasuredFromTheIncidentStart) {
  auto result = RunScripted(Scenario(R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: unit}
world:
  kubernetes:
    deployments:
      - {name: api, namespace: production, replicas: 2, history: [{image: a:1}]}
timeline:
  - at: 30s
    set_readiness: {namespace: production, deployment: api, ready: false}
  - at: 2m
    fire_alert:
      labels: {alertname: HighErrorRate}
      resolve_when: [{deployment: production/api, ready_replicas: 2}]
)"),
                            {Runbook(R"(
  - id: fix
    type: action
    run: call sleep 60
  - id: unbreak
    type: action
    run: call kubectl rollout restart deployment/api -n production
)")});
  ASSERT_TRUE(result.figures.time_to_detect.has_value());
  EXPECT_EQ(*result.figures.time_to_detect, SimDuration(90000));
  ASSERT_TRUE(result.figures.time_to_mitigate.has_value());
  EXPECT_EQ(*result.figures.time_to_mitigate, SimDuration(150000));  // `fix` ends at 3m
  EXPECT_FALSE(result.figures.time_to_resolve.has_value());          // readiness never comes back
}

TEST(DrillTest, UnknownProgramIsNotModelled) {
  auto result = RunScripted(Scenario(), {Runbook(R"(
  - id: psql
    type: check
    run: call psql -c select
    expect: {exit_code: 127}
)")});
  ASSERT_EQ(result.transcript.size(), 1u);
  EXPECT_EQ(result.transcript[0].stderr_data,
            "rundrill: 'psql' is not modelled; add a stub in the scenario\n");
  EXPECT_EQ(Step(result, "psql").outcome, StepOutcome::kSucceeded);
}

TEST(DrillTest, SameSeedSameTranscript) {
  const auto runbook = Runbook(R"(
  - id: look
    type: check
    run: call kubectl get pods -n production; call kubectl rollout restart deployment/api -n production; call kubectl get pods -n production
)");
  auto a = RunScripted(Scenario(), {runbook});
  auto b = RunScripted(Scenario(), {runbook});
  ASSERT_EQ(a.transcript.size(), 3u);
  ASSERT_EQ(b.transcript.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a.transcript[i].at, b.transcript[i].at);
    EXPECT_EQ(a.transcript[i].stdout_data, b.transcript[i].stdout_data);
  }
}

}  // namespace
}  // namespace rundrill::drill
