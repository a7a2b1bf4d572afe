// Built-in notify steps, approval gates and escalation, run by the real drill against the
// real Slack and PagerDuty fakes (in process: the scripted host has no server).
#include "simulator/drill/builtin_steps.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/drill/drill_harness.h"

namespace rundrill::drill {
namespace {

using testing::FindStep;
using ::testing::HasSubstr;
using testing::RunbookFrom;
using testing::RunScriptedDrill;
using testing::ScenarioFrom;

// An alert at 1m; the default Slack workspace and PagerDuty account.
constexpr char kScenario[] = R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: unit}
horizon: 1h
world:
  kubernetes:
    deployments:
      - {name: api, namespace: production, replicas: 2, history: [{image: api:1}]}
timeline:
  - at: 1m
    fire_alert:
      labels: {alertname: HighErrorRate, service: api, severity: critical}
)";

// The same, with approvers (declaring Slack replaces the default workspace).
std::string ScenarioWithApprovers(const std::string& approvers, const std::string& extra = "") {
  std::string text = kScenario;
  const std::string world = "world:\n";
  text.insert(text.find(world) + world.size(),
              "  slack:\n"
              "    channels: [{name: incidents}, {name: incident-approvals}]\n"
              "    webhook_channel: incidents\n"
              "    approvers:\n" +
                  approvers);
  return text + extra;
}

// The texts of a channel's messages at the end, oldest first.
std::vector<std::string> Texts(const DrillResult& result, const std::string& channel) {
  std::vector<std::string> out;
  const auto& messages = result.final_world["slack"][channel]["messages"];
  for (const auto& m : messages) out.push_back(m.value("text", ""));
  return out;
}

std::vector<std::string> TimelineKinds(const DrillResult& result, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& e : result.timeline) {
    if (e.kind.rfind(prefix, 0) == 0) out.push_back(e.kind + " " + e.detail);
  }
  return out;
}

TEST(BuiltinStepsTest, SlackPostFillsVariablesAndGoesThroughTheWebApi) {
  auto result = RunScriptedDrill(ScenarioFrom(kScenario),
                                 {RunbookFrom(R"y(
  - id: tell
    type: notify
    slack: {channel: "#incidents", text: "Rolling back ${SERVICE} (${ALERT_NAME})"}
  - id: hook
    type: notify
    slack: {text: "via webhook"}
)y",
                                              "unit", "params: {SERVICE: {label: service}}\n")});
  EXPECT_EQ(FindStep(result, "tell").outcome, StepOutcome::kSucceeded);
  EXPECT_EQ(FindStep(result, "hook").outcome, StepOutcome::kSucceeded);
  EXPECT_THAT(Texts(result, "incidents"),
              ::testing::ElementsAre("Rolling back api (HighErrorRate)", "via webhook"));
  // Recorded like a runbook's own requests.
  std::vector<std::string> calls;
  for (const auto& call : result.transcript) {
    calls.push_back(call.argv.at(1) + " " + call.argv.at(2) + " " + std::to_string(call.exit_code));
  }
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_THAT(calls[0], HasSubstr("chat.postMessage 200"));
  EXPECT_THAT(calls[1], HasSubstr("/services/T0RUNDRILL/B0RUNDRILL/"));
  EXPECT_EQ(FindStep(result, "tell").command,
            "slack #incidents: Rolling back ${SERVICE} (${ALERT_NAME})");
}

TEST(BuiltinStepsTest, UnsetVariableFailsTheStepWithoutPosting) {
  auto result = RunScriptedDrill(ScenarioFrom(kScenario), {RunbookFrom(R"(
  - id: tell
    type: notify
    slack: {channel: "#incidents", text: "about ${NOPE}"}
)")});
  EXPECT_EQ(FindStep(result, "tell").outcome, StepOutcome::kFailed);
  EXPECT_EQ(FindStep(result, "tell").reason, "${NOPE} is not set in the step's environment");
  EXPECT_TRUE(Texts(result, "incidents").empty());
}

TEST(BuiltinStepsTest, SlackRefusalsFailTheStepWithSlacksError) {
  auto result = RunScriptedDrill(ScenarioFrom(kScenario), {RunbookFrom(R"(
  - id: tell
    type: notify
    slack: {channel: "#nowhere", text: "hello"}
)")});
  EXPECT_EQ(FindStep(result, "tell").outcome, StepOutcome::kFailed);
  EXPECT_THAT(FindStep(result, "tell").reason, HasSubstr("channel_not_found"));
}

TEST(BuiltinStepsTest, SecondPageWithTheDefaultKeyFoldsIntoTheFirstIncident) {
  auto result = RunScriptedDrill(ScenarioFrom(kScenario), {RunbookFrom(R"(
  - id: page
    type: notify
    page: {summary: "api error rate high", urgency: high}
  - id: page-again
    type: notify
    page: {service: PSERVIC, summary: "api error rate still high"}
)")});
  EXPECT_EQ(FindStep(result, "page").outcome, StepOutcome::kSucceeded);
  EXPECT_EQ(FindStep(result, "page-again").outcome, StepOutcome::kSucceeded);
  const auto& incidents = result.final_world["pagerduty"]["incidents"];
  ASSERT_EQ(incidents.size(), 1u) << incidents.dump(2);
  EXPECT_EQ(incidents[0]["title"], "api error rate high");
  EXPECT_EQ(incidents[0]["urgency"], "high");
}

TEST(BuiltinStepsTest, PageForAnUnknownServiceIsRefusedBeforeTheDrill) {
  testing::HostJournal journal;
  auto result = RunDrill(ScenarioFrom(kScenario), {RunbookFrom(R"(
  - id: page
    type: notify
    page: {service: PNOSUCH, summary: x}
)")},
                         testing::ScriptedOptions(&journal));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().ExitCode(), 2);
  EXPECT_THAT(result.status().message(), HasSubstr("unit.yaml:9:11"));
  EXPECT_THAT(result.status().message(), HasSubstr("PNOSUCH"));
}

constexpr char kGatedRestart[] = R"(
  - id: restart
    type: action
    run: call kubectl rollout restart deployment/api -n production
    approval: {action: "Restart api", impact: "drops in-flight requests", timeout: 5m}
)";

TEST(BuiltinStepsTest, ApprovedStepRunsWhenTheApproverReacts) {
  auto result = RunScriptedDrill(
      ScenarioFrom(ScenarioWithApprovers("      - {name: alice, answer: approve, after: 2m}\n")),
      {RunbookFrom(kGatedRestart)});
  const StepRecord& step = FindStep(result, "restart");
  EXPECT_EQ(step.outcome, StepOutcome::kSucceeded);
  ASSERT_TRUE(step.approval.has_value());
  EXPECT_EQ(step.approval->decision, "approved");
  EXPECT_EQ(step.approval->by, "alice");
  // Posting takes the fake Slack's few modelled milliseconds; alice answers 2m later.
  EXPECT_GT(step.approval->requested_at, SimTime(60000));
  EXPECT_LT(step.approval->requested_at, SimTime(61000));
  EXPECT_EQ(step.approval->decided_at, step.approval->requested_at + SimDuration(120000));
  ASSERT_EQ(step.attempts.size(), 1u);
  EXPECT_GE(step.attempts[0].started_at, step.approval->decided_at);  // runs only once approved
  const auto texts = Texts(result, "incident-approvals");
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_THAT(texts[0], HasSubstr("🔧 Runbook: unit\n📋 Action: Restart api\n⚡ Impact: drops "
                                  "in-flight requests\n"));
  EXPECT_THAT(texts[0], HasSubstr("React ✅ to approve, ❌ to deny"));
  EXPECT_THAT(texts[0], HasSubstr("✅ Approved by <@U"));  // the request was updated
  const auto& reactions =
      result.final_world["slack"]["incident-approvals"]["messages"][0]["reactions"];
  ASSERT_EQ(reactions.size(), 1u) << reactions.dump();
}

TEST(BuiltinStepsTest, DeniedStepFailsTheRunbookAndEscalates) {
  auto result = RunScriptedDrill(
      ScenarioFrom(ScenarioWithApprovers("      - {name: bob, answer: deny, after: 30s}\n")),
      {RunbookFrom(kGatedRestart, "unit", "",
                   "escalation:\n  page: {summary: \"restart of api denied\"}\n"
                   "  slack: {channel: \"#incidents\", text: \"runbook unit stopped\"}\n")});
  const StepRecord& step = FindStep(result, "restart");
  EXPECT_EQ(step.outcome, StepOutcome::kFailed);
  EXPECT_EQ(step.reason, "approval denied: denied by bob after 30s");
  EXPECT_TRUE(step.attempts.empty());  // never ran
  EXPECT_EQ(result.runbooks.at(0).outcome, "failed");
  EXPECT_EQ(FindStep(result, "escalation.page").outcome, StepOutcome::kSucceeded);
  EXPECT_TRUE(FindStep(result, "escalation.page").on_failure);
  EXPECT_EQ(result.final_world["pagerduty"]["incidents"].size(), 1u);
  EXPECT_THAT(Texts(result, "incidents"), ::testing::ElementsAre("runbook unit stopped"));
}

TEST(BuiltinStepsTest, EscalationStaysQuietWhenTheRunbookSucceeds) {
  auto result = RunScriptedDrill(ScenarioFrom(kScenario),
                                 {RunbookFrom("  - {id: ok, type: check, run: out fine}\n", "unit",
                                              "", "escalation:\n  page: {summary: x}\n")});
  EXPECT_EQ(result.runbooks.at(0).outcome, "succeeded");
  EXPECT_EQ(result.runbooks.at(0).steps.size(), 1u);
  EXPECT_TRUE(result.final_world["pagerduty"]["incidents"].empty());
}

TEST(BuiltinStepsTest, UnansweredRequestExpiresUnlessTheStepIsSafe) {
  const std::string never = "      - {name: carol, answer: never}\n";
  auto expired =
      RunScriptedDrill(ScenarioFrom(ScenarioWithApprovers(never)), {RunbookFrom(kGatedRestart)});
  const StepRecord& step = FindStep(expired, "restart");
  EXPECT_EQ(step.outcome, StepOutcome::kFailed);
  EXPECT_EQ(step.approval->decision, "expired");
  EXPECT_EQ(step.approval->decided_at, step.approval->requested_at + SimDuration(300000));
  EXPECT_THAT(TimelineKinds(expired, "approval."),
              ::testing::ElementsAre(HasSubstr("approval.requested unit/restart"),
                                     HasSubstr("approval.expired unit/restart: no answer in 5m")));

  auto safe = RunScriptedDrill(ScenarioFrom(ScenarioWithApprovers(never)), {RunbookFrom(R"(
  - id: restart
    type: action
    run: call kubectl rollout restart deployment/api -n production
    approval: {timeout: 5m, safe_to_auto_approve: true}
)")});
  EXPECT_EQ(FindStep(safe, "restart").outcome, StepOutcome::kSucceeded);
  EXPECT_EQ(FindStep(safe, "restart").approval->decision, "auto-approved");
  EXPECT_GE(FindStep(safe, "restart").attempts.at(0).started_at,
            FindStep(safe, "restart").approval->requested_at + SimDuration(300000));
}

TEST(BuiltinStepsTest, AnswerAtTheMomentOfTheRequestCounts) {
  auto result = RunScriptedDrill(
      ScenarioFrom(ScenarioWithApprovers("      - {name: alice, answer: approve}\n")),
      {RunbookFrom(kGatedRestart)});
  const StepRecord& step = FindStep(result, "restart");
  EXPECT_EQ(step.approval->decision, "approved");
  EXPECT_EQ(step.approval->decided_at, step.approval->requested_at);
}

TEST(BuiltinStepsTest, AnswerExactlyAtTheTimeoutCountsAndALateOneIsIgnored) {
  auto at_ttl = RunScriptedDrill(
      ScenarioFrom(ScenarioWithApprovers("      - {name: alice, answer: approve, after: 5m}\n")),
      {RunbookFrom(kGatedRestart)});
  EXPECT_EQ(FindStep(at_ttl, "restart").approval->decision, "approved");

  auto late = RunScriptedDrill(
      ScenarioFrom(ScenarioWithApprovers("      - {name: alice, answer: approve, after: 7m}\n")),
      {RunbookFrom(kGatedRestart)});
  EXPECT_EQ(FindStep(late, "restart").approval->decision, "expired");
  EXPECT_THAT(TimelineKinds(late, "approval.late_answer"),
              ::testing::ElementsAre(HasSubstr("alice reacted :white_check_mark: after the "
                                               "request was decided; ignored")));
  // The reaction still lands in Slack, where people would see it.
  EXPECT_EQ(late.final_world["slack"]["incident-approvals"]["messages"][0]["reactions"].size(), 1u);
}

TEST(BuiltinStepsTest, DenyWinsOverApproveGivenAtTheSameMoment) {
  auto result = RunScriptedDrill(
      ScenarioFrom(ScenarioWithApprovers("      - {name: alice, answer: approve, after: 1m}\n"
                                         "      - {name: bob, answer: deny, after: 1m}\n")),
      {RunbookFrom(kGatedRestart)});
  EXPECT_EQ(FindStep(result, "restart").approval->decision, "denied");
  EXPECT_EQ(FindStep(result, "restart").approval->by, "bob");
}

TEST(BuiltinStepsTest, ApproversAnswerOnlyTheRequestsTheyAreFor) {
  auto result = RunScriptedDrill(
      ScenarioFrom(ScenarioWithApprovers("      - {name: alice, answer: approve, step: other}\n"
                                         "      - {name: bob, answer: approve, after: 3m, runbook: "
                                         "unit, step: restart}\n")),
      {RunbookFrom(kGatedRestart)});
  EXPECT_EQ(FindStep(result, "restart").approval->by, "bob");
}

TEST(BuiltinStepsTest, RevokedSlackTokenMeansNoApproval) {
  auto result = RunScriptedDrill(ScenarioFrom(ScenarioWithApprovers(
                                     "      - {name: alice, answer: approve}\n",
                                     "  - at: 30s\n    revoke_credential: {kind: slack_token}\n")),
                                 {RunbookFrom(kGatedRestart)});
  const StepRecord& step = FindStep(result, "restart");
  EXPECT_EQ(step.outcome, StepOutcome::kFailed);
  EXPECT_EQ(step.approval->decision, "not-requested");
  EXPECT_THAT(step.reason, HasSubstr("token_revoked"));
}

}  // namespace
}  // namespace rundrill::drill
