#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "simulator/load/loader.h"
#include "tests/load/load_test_util.h"

namespace rundrill::load {
namespace {

using ::rundrill::load::testing::RunbookErrors;
using ::testing::ElementsAre;

// Six lines; the tests' own text starts on line 7.
constexpr char kHead[] = R"(apiVersion: rundrill/v1
kind: Runbook
metadata:
  name: demo
trigger:
  alertname: HighErrorRate
)";

std::string WithHead(const std::string& rest) { return kHead + rest; }

constexpr char kFullRunbook[] = R"(apiVersion: rundrill/v1
kind: Runbook
metadata:
  name: high-error-rate
  description: Roll back a bad deploy.
trigger:
  alertname_matches: ".*ErrorRate.*"
  labels: {severity: critical}
params:
  SERVICE: {label: service}
  NAMESPACE: {label: namespace, default: production}
  SUMMARY: {annotation: summary, default: ""}
  THRESHOLD: "3"
steps:
  - id: pods
    type: check
    name: Look at the pods
    run: kubectl get pods -n "$NAMESPACE" -l app="$SERVICE" -o json
    capture: {name: PODS, as: json}
    expect: {exit_code: 0, stdout_matches: "items", stdout_not_matches: "Forbidden"}
    timeout: 30s
    retries: {attempts: 3, backoff: 10s, multiplier: 2, max_backoff: 5m}
  - id: settle
    type: wait
    duration: 2m
  - id: rollback
    type: action
    run: kubectl rollout undo deployment/"$SERVICE" -n "$NAMESPACE"
    capture: OUT
    retries: 2
    when:
      all:
        - {step: pods, outcome: succeeded}
        - {capture: PODS, path: "items[0].status.phase", not_equals: Running}
        - not: {capture: PODS, exists: false}
        - any:
            - {capture: PODS, path: items, greater_than: 2.5}
            - {capture: PODS, matches: "^x"}
    rollback: kubectl rollout undo deployment/"$SERVICE" -n "$NAMESPACE"
    continue_on_failure: true
on_failure:
  - id: hand-over
    type: action
    run: echo "manual intervention required"
    when: {step: rollback, outcome: failed}
)";

TEST(LoadRunbookTest, GoodRunbookLoadsEveryField) {
  std::vector<Diagnostic> errors;
  std::optional<model::Runbook> rb = ParseRunbook(kFullRunbook, "runbooks/hr.yaml", &errors);
  ASSERT_TRUE(rb.has_value()) << ::testing::PrintToString(testing::Strings(errors));
  EXPECT_TRUE(errors.empty());

  EXPECT_EQ(rb->name, "high-error-rate");
  EXPECT_EQ(rb->description, "Roll back a bad deploy.");
  EXPECT_EQ(rb->path, "runbooks/hr.yaml");
  EXPECT_EQ(rb->mark.ToString(), "runbooks/hr.yaml:4:9");
  EXPECT_EQ(rb->trigger.alertname, "");
  EXPECT_EQ(rb->trigger.alertname_matches, ".*ErrorRate.*");
  EXPECT_EQ(rb->trigger.labels, (std::map<std::string, std::string>{{"severity", "critical"}}));
  EXPECT_EQ(rb->trigger.mark.ToString(), "runbooks/hr.yaml:7:3");

  ASSERT_EQ(rb->params.size(), 4u);
  EXPECT_EQ(rb->params[0].name, "SERVICE");
  EXPECT_EQ(rb->params[0].label, "service");
  EXPECT_FALSE(rb->params[0].default_value.has_value());
  EXPECT_EQ(rb->params[0].mark.ToString(), "runbooks/hr.yaml:10:3");
  EXPECT_EQ(rb->params[1].name, "NAMESPACE");
  EXPECT_EQ(rb->params[1].default_value, "production");
  EXPECT_EQ(rb->params[2].annotation, "summary");
  EXPECT_EQ(rb->params[2].default_value, "");
  EXPECT_EQ(rb->params[3].name, "THRESHOLD");
  EXPECT_EQ(rb->params[3].value, "3");
  EXPECT_EQ(rb->params[3].label, "");

  ASSERT_EQ(rb->steps.size(), 3u);
  const model::Step& pods = rb->steps[0];
  EXPECT_EQ(pods.id, "pods");
  EXPECT_EQ(pods.mark.ToString(), "runbooks/hr.yaml:15:5");
  EXPECT_EQ(pods.type, model::StepType::kCheck);
  EXPECT_EQ(pods.name, "Look at the pods");
  EXPECT_EQ(pods.run, "kubectl get pods -n \"$NAMESPACE\" -l app=\"$SERVICE\" -o json");
  ASSERT_TRUE(pods.capture.has_value());
  EXPECT_EQ(pods.capture->name, "PODS");
  EXPECT_EQ(pods.capture->format, model::Capture::Format::kJson);
  EXPECT_EQ(pods.expect.exit_code, 0);
  EXPECT_EQ(pods.expect.stdout_matches, "items");
  EXPECT_EQ(pods.expect.stdout_not_matches, "Forbidden");
  EXPECT_EQ(pods.timeout, SimDuration(30000));
  EXPECT_EQ(pods.retries.attempts, 3);
  EXPECT_EQ(pods.retries.backoff, SimDuration(10000));
  EXPECT_EQ(pods.retries.multiplier, 2.0);
  EXPECT_EQ(pods.retries.max_backoff, SimDuration(300000));
  EXPECT_FALSE(pods.when.has_value());
  EXPECT_FALSE(pods.continue_on_failure);

  const model::Step& settle = rb->steps[1];
  EXPECT_EQ(settle.type, model::StepType::kWait);
  EXPECT_EQ(settle.name, "settle");  // defaults to the id
  EXPECT_EQ(settle.run, "");
  EXPECT_EQ(settle.duration, SimDuration(120000));
  EXPECT_EQ(settle.timeout, SimDuration(300000));  // default 5m
  EXPECT_EQ(settle.retries.attempts, 1);

  const model::Step& rollback = rb->steps[2];
  EXPECT_EQ(rollback.type, model::StepType::kAction);
  ASSERT_TRUE(rollback.capture.has_value());
  EXPECT_EQ(rollback.capture->name, "OUT");
  EXPECT_EQ(rollback.capture->format, model::Capture::Format::kText);
  EXPECT_EQ(rollback.retries.attempts, 2);
  EXPECT_EQ(rollback.rollback, "kubectl rollout undo deployment/\"$SERVICE\" -n \"$NAMESPACE\"");
  EXPECT_TRUE(rollback.continue_on_failure);
  ASSERT_TRUE(rollback.when.has_value());
  const model::Condition& all = *rollback.when;
  EXPECT_EQ(all.kind, model::Condition::Kind::kAll);
  EXPECT_EQ(all.mark.ToString(), "runbooks/hr.yaml:32:7");
  ASSERT_EQ(all.children.size(), 4u);
  EXPECT_EQ(all.children[0].kind, model::Condition::Kind::kStepOutcome);
  EXPECT_EQ(all.children[0].step, "pods");
  EXPECT_EQ(all.children[0].outcome, "succeeded");
  EXPECT_EQ(all.children[1].kind, model::Condition::Kind::kCapture);
  EXPECT_EQ(all.children[1].capture, "PODS");
  EXPECT_EQ(all.children[1].path, "items[0].status.phase");
  EXPECT_EQ(all.children[1].op, model::Condition::Op::kNotEquals);
  EXPECT_EQ(all.children[1].operand, "Running");
  EXPECT_EQ(all.children[2].kind, model::Condition::Kind::kNot);
  ASSERT_EQ(all.children[2].children.size(), 1u);
  EXPECT_EQ(all.children[2].children[0].op, model::Condition::Op::kExists);
  EXPECT_EQ(all.children[2].children[0].operand, "false");
  const model::Condition& any = all.children[3];
  EXPECT_EQ(any.kind, model::Condition::Kind::kAny);
  ASSERT_EQ(any.children.size(), 2u);
  EXPECT_EQ(any.children[0].op, model::Condition::Op::kGreaterThan);
  EXPECT_EQ(any.children[0].operand, "2.5");
  EXPECT_EQ(any.children[0].path, "items");
  EXPECT_EQ(any.children[1].op, model::Condition::Op::kMatches);
  EXPECT_EQ(any.children[1].operand, "^x");

  ASSERT_EQ(rb->on_failure.size(), 1u);
  EXPECT_EQ(rb->on_failure[0].id, "hand-over");
  EXPECT_EQ(rb->on_failure[0].run, "echo \"manual intervention required\"");
  ASSERT_TRUE(rb->on_failure[0].when.has_value());
  EXPECT_EQ(rb->on_failure[0].when->step, "rollback");
  EXPECT_EQ(rb->on_failure[0].when->outcome, "failed");
}

TEST(LoadRunbookTest, MinimalRunbookGetsDefaults) {
  std::vector<Diagnostic> errors;
  std::optional<model::Runbook> rb = ParseRunbook(WithHead(R"(steps:
  - id: a
    type: check
    run: "true"
)"),
                                                  "rb.yaml", &errors);
  ASSERT_TRUE(rb.has_value());
  EXPECT_EQ(rb->trigger.alertname, "HighErrorRate");
  EXPECT_TRUE(rb->params.empty());
  EXPECT_TRUE(rb->on_failure.empty());
  ASSERT_EQ(rb->steps.size(), 1u);
  EXPECT_EQ(rb->steps[0].run, "true");
  EXPECT_FALSE(rb->steps[0].expect.exit_code.has_value());
  EXPECT_FALSE(rb->steps[0].capture.has_value());
}

TEST(LoadRunbookTest, UnknownKeySuggestsTheClosestValidKey) {
  EXPECT_THAT(RunbookErrors(WithHead(R"(steps:
  - id: a
    type: check
    run: "true"
    retires: 3
)")),
              ElementsAre("rb.yaml:11:5: unknown key \"retires\" in step (did you mean "
                          "\"retries\"?)"));
}

TEST(LoadRunbookTest, UnknownKeyWithNothingCloseHasNoHint) {
  EXPECT_THAT(RunbookErrors(WithHead(R"(colour: red
steps:
  - {id: a, type: check, run: "true"}
)")),
              ElementsAre("rb.yaml:7:1: unknown key \"colour\" in runbook"));
}

TEST(LoadRunbookTest, WrongTypeNamesTheKeyAndTheValue) {
  EXPECT_THAT(RunbookErrors(WithHead(R"(steps:
  - id: a
    type: check
    run: "true"
    expect: {exit_code: zero}
    continue_on_failure: maybe
)")),
              ElementsAre("rb.yaml:11:25: \"exit_code\" must be an integer, got \"zero\"",
                          "rb.yaml:12:26: \"continue_on_failure\" must be true or false, got "
                          "\"maybe\""));
}

TEST(LoadRunbookTest, MissingRequiredKeys) {
  EXPECT_THAT(RunbookErrors(R"(apiVersion: rundrill/v1
kind: Runbook
metadata: {description: no name}
steps:
  - type: check
    run: "true"
)"),
              ElementsAre("rb.yaml:1:1: runbook is missing required key \"trigger\"",
                          "rb.yaml:3:11: metadata is missing required key \"name\"",
                          "rb.yaml:5:5: step is missing required key \"id\""));
}

TEST(LoadRunbookTest, BadDuration) {
  EXPECT_THAT(RunbookErrors(WithHead(R"(steps:
  - id: a
    type: check
    run: "true"
    timeout: 5 minutes
)")),
              ElementsAre("rb.yaml:11:14: invalid duration \"5 minutes\" (use forms like 90s, "
                          "5m, 1h30m)"));
}

TEST(LoadRunbookTest, DuplicateStepIdIsReportedAtBothPlaces) {
  EXPECT_THAT(RunbookErrors(WithHead(R"(steps:
  - id: rollback
    type: action
    run: "true"
on_failure:
  - id: rollback
    type: action
    run: "false"
)")),
              ElementsAre("rb.yaml:8:9: step id \"rollback\" is defined again at rb.yaml:12:9",
                          "rb.yaml:12:9: duplicate step id \"rollback\" (first defined at "
                          "rb.yaml:8:9)"));
}

TEST(LoadRunbookTest, WhenRefersToUnknownStepWithHint) {
  EXPECT_THAT(RunbookErrors(WithHead(R"(steps:
  - {id: check_pods, type: check, run: "true"}
  - id: restart
    type: action
    run: "true"
    when: {step: chek_pods, outcome: failed}
)")),
              ElementsAre("rb.yaml:12:18: when refers to unknown step \"chek_pods\" (did you "
                          "mean \"check_pods\"?)"));
}

TEST(LoadRunbookTest, WhenRefersToLaterStepOrItself) {
  EXPECT_THAT(RunbookErrors(WithHead(R"(steps:
  - id: first
    type: check
    run: "true"
    when: {step: second, outcome: succeeded}
  - id: second
    type: check
    run: "true"
    when: {step: second, outcome: succeeded}
)")),
              ElementsAre("rb.yaml:11:18: when refers to step \"second\", which runs after this "
                          "step",
                          "rb.yaml:15:18: when refers to step \"second\", which is this step"));
}

TEST(LoadRunbookTest, MainStepCannotReferToOnFailureStepButOnFailureCanReferToMain) {
  EXPECT_THAT(RunbookErrors(WithHead(R"(steps:
  - id: a
    type: check
    run: "true"
    when: {step: page, outcome: succeeded}
on_failure:
  - id: page
    type: action
    run: "true"
    when: {step: a, outcome: failed}
)")),
              ElementsAre("rb.yaml:11:18: when refers to step \"page\", which runs after this "
                          "step"));
}

TEST(LoadRunbookTest, WhenRefersToUnknownOrLaterCapture) {
  EXPECT_THAT(RunbookErrors(WithHead(R"(steps:
  - {id: a, type: check, run: "true", capture: PODS}
  - id: b
    type: check
    run: "true"
    when: {capture: PDOS, equals: x}
  - id: c
    type: check
    run: "true"
    when: {capture: LATER, exists: true}
  - {id: d, type: check, run: "true", capture: LATER}
)")),
              ElementsAre("rb.yaml:12:21: when refers to unknown capture \"PDOS\" (did you "
                          "mean \"PODS\"?)",
                          "rb.yaml:16:21: when refers to capture \"LATER\", which is set by a "
                          "step that runs after this step"));
}

TEST(LoadRunbookTest, PathNeedsAJsonCapture) {
  EXPECT_THAT(RunbookErrors(WithHead(R"(steps:
  - {id: a, type: check, run: "true", capture: OUT}
  - id: b
    type: check
    run: "true"
    when: {capture: OUT, path: items, exists: true}
)")),
              ElementsAre("rb.yaml:12:26: \"path\" needs a json capture, but \"OUT\" is "
                          "captured as text"));
}

TEST(LoadRunbookTest, WrongApiVersion) {
  EXPECT_THAT(RunbookErrors(R"(apiVersion: v2
kind: Runbook
metadata: {name: demo}
trigger: {alertname: A}
steps:
  - {id: a, type: check, run: "true"}
)"),
              ElementsAre("rb.yaml:1:13: apiVersion must be \"rundrill/v1\", got \"v2\""));
}

TEST(LoadRunbookTest, WrongKindStopsBeforeTheRestOfTheFile) {
  EXPECT_THAT(RunbookErrors(R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: demo}
world: {}
)"),
              ElementsAre("rb.yaml:2:7: kind must be \"Runbook\", got \"Scenario\""));
}

TEST(LoadRunbookTest, BadEnumListsTheAllowedValues) {
  EXPECT_THAT(RunbookErrors(WithHead(R"(steps:
  - id: a
    type: probe
    run: "true"
  - id: b
    type: check
    run: "true"
    when: {step: a, outcome: done}
)")),
              ElementsAre("rb.yaml:9:11: \"type\" must be one of \"check\", \"action\", "
                          "\"verify\", \"notify\" or \"wait\", got \"probe\"",
                          "rb.yaml:14:30: \"outcome\" must be one of \"succeeded\", \"failed\", "
                          "\"skipped\" or \"timed_out\", got \"done\""));
}

TEST(LoadRunbookTest, BadRegexShowsTheRegex) {
  EXPECT_THAT(RunbookErrors(R"(apiVersion: rundrill/v1
kind: Runbook
metadata: {name: demo}
trigger: {alertname_matches: "(Error"}
steps:
  - id: a
    type: check
    run: "true"
    expect: {stdout_matches: "[a-"}
)"),
              ElementsAre("rb.yaml:4:30: invalid regex \"(Error\" in \"alertname_matches\": "
                          "Unmatched marking parenthesis ( or \\(",
                          "rb.yaml:9:30: invalid regex \"[a-\" in \"stdout_matches\": Unmatched [ "
                          "or [^ in character class declaration"));
}

TEST(LoadRunbookTest, YamlSyntaxError) {
  EXPECT_THAT(RunbookErrors(WithHead(R"(steps:
  - {id: a, type: check, run: "true"
)")),
              ElementsAre("rb.yaml:9:1: invalid YAML: end of map flow not found"));
}

TEST(LoadRunbookTest, EmptyFile) {
  EXPECT_THAT(RunbookErrors(""), ElementsAre("rb.yaml:1:1: file is empty"));
  EXPECT_THAT(RunbookErrors("# only a comment\n"), ElementsAre("rb.yaml:1:1: file is empty"));
}

TEST(LoadRunbookTest, DocumentMustBeAMap) {
  EXPECT_THAT(RunbookErrors("- a\n- b\n"),
              ElementsAre("rb.yaml:1:1: a runbook must be a map, got a list"));
}

TEST(LoadRunbookTest, EveryErrorInAFileIsReportedInFileOrder) {
  EXPECT_THAT(
      RunbookErrors(R"(apiVersion: rundrill/v1
kind: Runbook
metadata:
  name: Demo Runbook
trigger:
  alertname: A
  alertname_matches: B
params:
  my-param: {label: x}
  OTHER: {default: y}
steps:
  - id: Check
    type: check
  - id: w
    type: wait
    run: sleep 5
  - id: x
    type: verify
    run: "true"
    duration: 1m
    timeout: 0s
    retries: {attempts: 0, multiplier: 0.5}
)"),
      ElementsAre("rb.yaml:4:9: invalid name \"Demo Runbook\" (use lower-case letters, digits "
                  "and \"-\")",
                  "rb.yaml:7:3: trigger has both \"alertname\" and \"alertname_matches\"; keep "
                  "only one",
                  "rb.yaml:9:3: invalid param name \"my-param\" (use letters, digits and \"_\", "
                  "not starting with a digit)",
                  "rb.yaml:10:10: param \"OTHER\" needs one of \"label\" or \"annotation\"",
                  "rb.yaml:12:5: step is missing required key \"run\"",
                  "rb.yaml:12:9: invalid step id \"Check\" (use lower-case letters, digits, "
                  "\"_\" and \"-\")",
                  "rb.yaml:14:5: step is missing required key \"duration\"",
                  "rb.yaml:16:5: \"run\" is not allowed on a wait step",
                  "rb.yaml:20:5: \"duration\" is only allowed on a wait step",
                  "rb.yaml:21:14: \"timeout\" must be longer than 0s",
                  "rb.yaml:22:25: \"attempts\" must be between 1 and 1000, got \"0\"",
                  "rb.yaml:22:40: \"multiplier\" must be at least 1, got \"0.5\""));
}

TEST(LoadRunbookTest, TriggerNeedsAnAlertname) {
  EXPECT_THAT(RunbookErrors(R"(apiVersion: rundrill/v1
kind: Runbook
metadata: {name: demo}
trigger: {labels: {severity: page}}
steps: []
)"),
              ElementsAre("rb.yaml:4:10: trigger needs one of \"alertname\" or "
                          "\"alertname_matches\"",
                          "rb.yaml:5:8: \"steps\" must not be empty"));
}

TEST(LoadRunbookTest, DuplicateCaptureNameIsReportedAtBothPlaces) {
  EXPECT_THAT(RunbookErrors(WithHead(R"(steps:
  - {id: a, type: check, run: "true", capture: OUT}
  - {id: b, type: check, run: "true", capture: {name: OUT, as: json}}
)")),
              ElementsAre("rb.yaml:8:48: capture name \"OUT\" is defined again at rb.yaml:9:55",
                          "rb.yaml:9:55: duplicate capture name \"OUT\" (first defined at "
                          "rb.yaml:8:48)"));
}

TEST(LoadRunbookTest, ConditionShapeErrors) {
  EXPECT_THAT(
      RunbookErrors(WithHead(R"(steps:
  - {id: a, type: check, run: "true", capture: {name: J, as: json}}
  - id: b
    type: check
    run: "true"
    when:
      any:
        - {step: a, outcome: failed, equals: x}
        - {capture: J}
        - {capture: J, equals: x, matches: y}
        - {capture: J, path: "items[x]", exists: true}
        - {outcom: failed}
        - {all: []}
)")),
      ElementsAre("rb.yaml:14:38: \"equals\" cannot be combined with \"step\" in when",
                  "rb.yaml:15:11: when on a capture needs one of \"equals\", \"not_equals\", "
                  "\"matches\", \"exists\", \"greater_than\" or \"less_than\"",
                  "rb.yaml:16:35: when has both \"equals\" and \"matches\"; keep only one",
                  "rb.yaml:17:30: invalid path \"items[x]\" (use forms like "
                  "items[0].status.phase)",
                  "rb.yaml:18:11: when needs one of \"step\", \"capture\", \"all\", \"any\" or "
                  "\"not\"",
                  "rb.yaml:18:12: unknown key \"outcom\" in when (did you mean \"outcome\"?)",
                  "rb.yaml:19:17: \"all\" must not be empty"));
}

TEST(LoadRunbookTest, DuplicateKeyInAMap) {
  EXPECT_THAT(RunbookErrors(WithHead(R"(steps:
  - id: a
    type: check
    run: "true"
    type: action
)")),
              ElementsAre("rb.yaml:11:5: duplicate key \"type\" in step (first defined at "
                          "rb.yaml:9:5)"));
}

TEST(LoadRunbookTest, RetriesAndCaptureOfTheWrongShape) {
  EXPECT_THAT(RunbookErrors(WithHead(R"(steps:
  - id: a
    type: check
    run: "true"
    retries: [1, 2]
    capture: [X]
  - id: b
    type: check
    run: "true"
    retries: 0
    capture: 1X
)")),
              ElementsAre("rb.yaml:11:14: \"retries\" must be an integer or a map, got a list",
                          "rb.yaml:12:14: \"capture\" must be a name or a map, got a list",
                          "rb.yaml:16:14: \"retries\" must be between 1 and 1000, got \"0\"",
                          "rb.yaml:17:14: invalid capture name \"1X\" (use letters, digits and "
                          "\"_\", not starting with a digit)"));
}

TEST(LoadRunbookTest, ListEntriesOfTheWrongTypeAndEmptyValues) {
  EXPECT_THAT(RunbookErrors(WithHead(R"(params:
  EMPTY:
steps:
  - just a string
  - id: a
    type: check
    run:
)")),
              ElementsAre("rb.yaml:8:3: \"EMPTY\" must be a string or a map, got an empty value",
                          "rb.yaml:10:5: each entry of \"steps\" must be a map, got \"just a "
                          "string\"",
                          "rb.yaml:13:5: \"run\" must be a string, got an empty value"));
}

}  // namespace
}  // namespace rundrill::load
