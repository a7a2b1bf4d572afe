// Built-in notify steps (slack:, page:), approval gates, the escalation block, and the
// scenario's approvers.
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
using ::testing::HasSubstr;

// Six lines; the tests' own text starts on line 7.
constexpr char kHead[] = R"(apiVersion: rundrill/v1
kind: Runbook
metadata:
  name: demo
trigger:
  alertname: HighErrorRate
)";

model::Runbook Load(const std::string& rest) {
  std::vector<Diagnostic> errors;
  auto runbook = ParseRunbook(kHead + rest, "rb.yaml", &errors);
  for (const auto& e : errors) ADD_FAILURE() << e.ToString();
  return runbook ? *runbook : model::Runbook{};
}

TEST(LoadNoticeTest, SlackAndPageStepsLoadEveryField) {
  const model::Runbook rb = Load(R"(steps:
  - id: tell
    type: notify
    slack:
      channel: "#incidents"
      text: "Rolling back ${SERVICE}"
      blocks:
        - type: header
          text: {type: plain_text, text: "Rollback", emoji: true}
        - {type: section, text: {type: mrkdwn, text: "count: 3"}, n: 3, ratio: 0.5, quoted: "true"}
  - id: page
    type: notify
    page:
      service: PSERVIC
      urgency: low
      summary: "${SERVICE} still failing"
      dedup_key: "api-${ALERT_FINGERPRINT}"
      source: checkout
  - id: close
    type: notify
    page: {action: resolve, dedup_key: "k"}
)");
  ASSERT_EQ(rb.steps.size(), 3u);
  ASSERT_TRUE(rb.steps[0].slack.has_value());
  EXPECT_EQ(rb.steps[0].slack->channel, "#incidents");
  EXPECT_EQ(rb.steps[0].slack->text, "Rolling back ${SERVICE}");
  EXPECT_EQ(rb.steps[0].run, "");
  const nlohmann::json& blocks = rb.steps[0].slack->blocks;
  ASSERT_TRUE(blocks.is_array());
  EXPECT_EQ(blocks[0]["text"]["emoji"], true);
  EXPECT_EQ(blocks[1]["n"], 3);
  EXPECT_EQ(blocks[1]["ratio"], 0.5);
  EXPECT_EQ(blocks[1]["quoted"], "true");  // quoted: stays a string
  EXPECT_EQ(blocks[1]["text"]["text"], "count: 3");

  ASSERT_TRUE(rb.steps[1].page.has_value());
  EXPECT_EQ(rb.steps[1].page->action, model::PageNotice::Action::kTrigger);
  EXPECT_EQ(rb.steps[1].page->service, "PSERVIC");
  EXPECT_EQ(rb.steps[1].page->severity, "warning");  // urgency low
  EXPECT_EQ(rb.steps[1].page->dedup_key, "api-${ALERT_FINGERPRINT}");
  EXPECT_EQ(rb.steps[1].page->source, "checkout");
  EXPECT_EQ(rb.steps[2].page->action, model::PageNotice::Action::kResolve);
}

TEST(LoadNoticeTest, ApprovalAndEscalationLoad) {
  const model::Runbook rb = Load(R"(steps:
  - id: restart
    type: action
    run: kubectl rollout restart deployment/api
    approval:
      channel: ops-approvals
      action: Restart api
      impact: "In-flight requests to ${SERVICE} are dropped"
      timeout: 2m
      safe_to_auto_approve: true
  - id: undo
    type: action
    run: kubectl rollout undo deployment/api
    approval: true
escalation:
  page: {summary: "runbook demo failed", severity: error}
  slack: {text: "demo failed, paging"}
  not_idempotent: "each failed run says so in #incidents"
)");
  ASSERT_TRUE(rb.steps[0].approval.has_value());
  EXPECT_EQ(rb.steps[0].approval->channel, "ops-approvals");
  EXPECT_EQ(rb.steps[0].approval->timeout, SimDuration(120000));
  EXPECT_TRUE(rb.steps[0].approval->auto_approve_on_timeout);
  ASSERT_TRUE(rb.steps[1].approval.has_value());
  EXPECT_EQ(rb.steps[1].approval->channel, "incident-approvals");
  EXPECT_EQ(rb.steps[1].approval->timeout, SimDuration(300000));
  EXPECT_FALSE(rb.steps[1].approval->auto_approve_on_timeout);
  ASSERT_EQ(rb.escalation.size(), 2u);
  // Slack first, then the page, whatever order they are written in.
  EXPECT_EQ(rb.escalation[0].id, "escalation.slack");
  EXPECT_EQ(rb.escalation[1].id, "escalation.page");
  EXPECT_EQ(rb.escalation[1].page->severity, "error");
  EXPECT_EQ(rb.escalation[1].type, model::StepType::kNotify);
  // The escalation's reason stands for both of its steps.
  EXPECT_EQ(rb.escalation[0].not_idempotent, "each failed run says so in #incidents");
  EXPECT_EQ(rb.escalation[1].not_idempotent, "each failed run says so in #incidents");
}

TEST(LoadNoticeTest, BrokenNoticesNameTheirPlace) {
  EXPECT_THAT(
      RunbookErrors(std::string(kHead) + R"(steps:
  - id: a
    type: notify
    run: echo hi
    slack: {text: hi}
  - id: b
    type: action
    run: echo hi
    page: {summary: x}
  - id: c
    type: notify
    slack: {channel: "#x"}
  - id: d
    type: notify
    page: {service: P1, severity: loud}
  - id: e
    type: notify
    page: {urgency: high, severity: info, summary: s}
  - id: f
    type: notify
    page: {action: resolve, summary: s}
  - id: g
    type: notify
    slack: {text: "broken ${SERVICE"}
  - id: h
    type: notify
    slack: {text: "bad ${1X} name"}
  - id: i
    type: notify
    slack: {text: hi, chanel: "#x"}
  - id: j
    type: notify
)"),
      ElementsAre("rb.yaml:10:5: a notify step either runs a command or posts with "
                  "\"slack\"/\"page\", not both",
                  "rb.yaml:15:5: \"page\" is only allowed on a notify step",
                  "rb.yaml:18:12: slack needs \"text\" or \"blocks\" (or both: the text is then "
                  "the notification fallback)",
                  "rb.yaml:21:11: page is missing required key \"summary\"",
                  "rb.yaml:21:35: \"severity\" must be one of \"critical\", \"error\", "
                  "\"warning\" or \"info\", got \"loud\"",
                  "rb.yaml:24:27: page has both \"urgency\" and \"severity\"; keep only one",
                  "rb.yaml:27:29: \"summary\" is only read for action: trigger",
                  "rb.yaml:30:27: \"${\" without a closing \"}\" (write \"$${\" for a literal "
                  "\"${\")",
                  "rb.yaml:33:24: \"${1X}\" is not a variable (names are letters, digits and "
                  "\"_\", not starting with a digit)",
                  "rb.yaml:36:23: unknown key \"chanel\" in slack (did you mean \"channel\"?)",
                  "rb.yaml:37:5: step needs one of \"run\", \"slack\" or \"page\""));
}

TEST(LoadNoticeTest, BrokenApprovalsAndEscalations) {
  EXPECT_THAT(RunbookErrors(std::string(kHead) + R"(steps:
  - id: a
    type: wait
    duration: 1m
    approval: true
  - id: b
    type: action
    run: echo
    approval: false
  - id: c
    type: action
    run: echo
    approval: {timeout: 0s, safe: true}
escalation: {}
)"),
              ElementsAre("rb.yaml:11:5: a wait step changes nothing, so it needs no approval",
                          "rb.yaml:15:15: \"approval: false\" asks for nothing; leave the key "
                          "out instead",
                          "rb.yaml:19:25: \"timeout\" must be longer than 0s",
                          "rb.yaml:19:29: unknown key \"safe\" in approval",
                          "rb.yaml:20:13: escalation needs \"slack\", \"page\" or both"));
  EXPECT_THAT(RunbookErrors(std::string(kHead) + R"(steps:
  - {id: a, type: check, run: echo}
escalation:
  slack: {text: failed}
  not_idempotent: ""
)"),
              ElementsAre("rb.yaml:11:19: \"not_idempotent\" needs the reason the escalation "
                          "may post again each run"));
}

constexpr char kScenarioHead[] = R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: demo}
world:
  slack:
    channels: [{name: incident-approvals}]
)";

TEST(LoadNoticeTest, ApproversLoad) {
  std::vector<Diagnostic> errors;
  auto scenario = ParseScenario(std::string(kScenarioHead) + R"(    approvers:
      - {name: alice, answer: approve, after: 2m, runbook: db-pool}
      - {name: bob.smith, id: U0BOB0000, answer: deny, step: restart}
      - {name: carol, answer: never}
)",
                                "sc.yaml", &errors);
  for (const auto& e : errors) ADD_FAILURE() << e.ToString();
  ASSERT_TRUE(scenario);
  const auto& approvers = scenario->world.slack.approvers;
  ASSERT_EQ(approvers.size(), 3u);
  EXPECT_EQ(approvers[0].name, "alice");
  EXPECT_EQ(approvers[0].after, SimDuration(120000));
  EXPECT_EQ(approvers[0].runbook, "db-pool");
  EXPECT_EQ(approvers[1].user_id, "U0BOB0000");
  EXPECT_EQ(approvers[1].answer, model::SlackApproverSpec::Answer::kDeny);
  EXPECT_EQ(approvers[1].step, "restart");
  EXPECT_EQ(approvers[2].answer, model::SlackApproverSpec::Answer::kNever);
}

TEST(LoadNoticeTest, BrokenApprovers) {
  EXPECT_THAT(
      ScenarioErrors(std::string(kScenarioHead) + R"(    approvers:
      - {name: Alice, answer: approve}
      - {name: bob, answer: maybe}
      - {name: carol, answer: never, after: 1m}
      - {name: dave, id: X12, answer: deny}
      - {answer: deny}
)"),
      ElementsAre("sc.yaml:8:16: invalid Slack user name \"Alice\" (use lower-case letters, "
                  "digits, \"-\", \"_\" and \".\", without the \"@\")",
                  "sc.yaml:9:29: \"answer\" must be one of \"approve\", \"deny\" or \"never\", "
                  "got \"maybe\"",
                  "sc.yaml:10:38: \"after\" makes no sense with answer: never",
                  "sc.yaml:11:26: invalid Slack user id \"X12\" (use \"U\" and 8 to 10 "
                  "upper-case letters or digits, like U0123ABCD)",
                  "sc.yaml:12:9: approver is missing required key \"name\""));
}

}  // namespace
}  // namespace rundrill::load
