#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "simulator/load/loader.h"
#include "tests/load/load_test_util.h"

namespace rundrill::load {
namespace {

using ::rundrill::load::testing::ScenarioErrors;
using ::rundrill::load::testing::WithChaosWorld;
using ::testing::ElementsAre;

TEST(LoadAlertingTest, ExpressionSyntaxErrorsPointInsideTheText) {
  EXPECT_THAT(ScenarioErrors(WithChaosWorld(R"(alerting:
  rules:
    - alert: A
      expr: db_pool_used_ratio{database="orders"} >= lots
    - alert: B
      expr: "db_pool_used_ratio{database=\"orders\"} ~ 0.9"
    - alert: C
      expr: 'db_pool_used_ratio{database=~''ord.*''} > 0.9'
    - {alert: D, expr: "up"}
)")),
              ElementsAre("sc.yaml:22:54: invalid expression: expected a number after >=",
                          "sc.yaml:24:54: invalid expression: only `selector <comparison> number` "
                          "is supported here",
                          "sc.yaml:26:41: invalid expression: regex label matchers (=~, !~) are "
                          "not supported; use = or !=",
                          "sc.yaml:27:27: invalid expression: expected a comparison (> >= < <= == "
                          "!=) and a number"));
}

TEST(LoadAlertingTest, FoldedExpressionIsReportedAtItsStart) {
  EXPECT_THAT(ScenarioErrors(WithChaosWorld(R"(alerting:
  rules:
    - alert: A
      expr: >-
        db_pool_used_ratio{database="orders"}
        >= lots
)")),
              ElementsAre("sc.yaml:22:13: invalid expression: expected a number after >="));
}

TEST(LoadAlertingTest, MetricsAndLabelsComeFromTheCatalog) {
  EXPECT_THAT(ScenarioErrors(WithChaosWorld(R"(alerting:
  rules:
    - {alert: A, expr: 'db_pool_use_ratio{database="orders"} > 0.9'}
    - {alert: B, expr: 'db_pool_used_ratio{databse="orders"} > 0.9'}
    - {alert: C, expr: 'up{mountpoint="/"} == 0'}
    - {alert: D, expr: 'queue_depth > 10'}
)")),
              ElementsAre("sc.yaml:21:25: unknown metric \"db_pool_use_ratio\" (did you mean "
                          "\"db_pool_used_ratio\"?)",
                          "sc.yaml:22:44: metric \"db_pool_used_ratio\" has no label \"databse\" "
                          "(did you mean \"database\"?)",
                          "sc.yaml:23:28: metric \"up\" has no label \"mountpoint\" (it has "
                          "\"host\" and \"instance\")",
                          "sc.yaml:24:25: unknown metric \"queue_depth\""));
}

TEST(LoadAlertingTest, MatchersNameDeclaredThings) {
  EXPECT_THAT(
      ScenarioErrors(WithChaosWorld(R"(alerting:
  rules:
    - {alert: A, expr: 'service_error_ratio{service="apii"} > 0.05'}
    - {alert: B, expr: 'db_connections{database!="ordres"} > 1'}
    - {alert: C, expr: 'up{host="db-2"} == 0'}
    - {alert: D, expr: 'kube_deployment_status_replicas_ready{namespace="prod", deployment="wbe"} < 1'}
    - {alert: E, expr: 'up{host="db-1", instance="db-1:9100"} == 0'}
    - {alert: F, expr: 'up{host!=""} == 0'}
)")),
      ElementsAre(
          "sc.yaml:21:53: service \"apii\" is not declared in world (did you mean \"api\"?)",
          "sc.yaml:22:50: database \"ordres\" is not declared in world (did you mean \"orders\"?)",
          "sc.yaml:23:33: host \"db-2\" is not declared in world (did you mean \"db-1\"?)",
          "sc.yaml:24:73: namespace \"prod\" is not declared in world",
          "sc.yaml:24:92: deployment \"wbe\" is not declared in world (did you mean \"web\"?)"));
}

TEST(LoadAlertingTest, RuleNamesLabelsAndAnnotations) {
  EXPECT_THAT(
      ScenarioErrors(WithChaosWorld(R"(alerting:
  rules:
    - alert: Pool-Exhausted
      expr: db_pool_used_ratio{database="orders"} >= 0.95
      for: 1 minute
      labels: {severity: critical, alertname: Other, team-name: db}
      annotations:
        summary: "pool at {{ $value }} on {{ $labels.databse }}"
        runbook: "{{ $labels.severity }} {{ humanize $value }}"
        description: "{{ $value"
    - expr: up > 0
)")),
      ElementsAre(
          "sc.yaml:21:14: invalid alert name \"Pool-Exhausted\" (use letters, digits and \"_\", "
          "not starting with a digit)",
          "sc.yaml:23:12: invalid duration \"1 minute\" (use forms like 90s, 5m, 1h30m)",
          "sc.yaml:24:36: labels must not set \"alertname\" (the rule's \"alert\" names it)",
          "sc.yaml:24:54: invalid label name \"team-name\" (use letters, digits and \"_\", not "
          "starting with a digit)",
          "sc.yaml:26:54: alert \"Pool-Exhausted\" has no label \"databse\" (did you mean "
          "\"database\"?)",
          "sc.yaml:27:42: unsupported template \"{{ humanize $value }}\" (use {{ $value }} or {{ "
          "$labels.NAME }})",
          "sc.yaml:28:23: unclosed template (\"{{\" without \"}}\")",
          "sc.yaml:29:7: rule is missing required key \"alert\""));
}

TEST(LoadAlertingTest, GroupingAndIntervals) {
  EXPECT_THAT(
      ScenarioErrors(WithChaosWorld(R"(alerting:
  evaluation_interval: 0s
  group_by: [alertname, service, alertname, severity-level]
  group_wait: -30s
  group_interval: 0s
  repeat_interval: 4 hours
  rule: []
)")),
      ElementsAre("sc.yaml:20:24: \"evaluation_interval\" must be longer than 0s",
                  "sc.yaml:21:34: duplicate entry \"alertname\" in \"group_by\"",
                  "sc.yaml:21:45: invalid label name \"severity-level\" (use letters, digits and "
                  "\"_\", not starting with a digit)",
                  "sc.yaml:22:15: \"group_wait\" must not be negative, got \"-30s\"",
                  "sc.yaml:23:19: \"group_interval\" must be longer than 0s",
                  "sc.yaml:24:20: invalid duration \"4 hours\" (use forms like 90s, 5m, 1h30m)",
                  "sc.yaml:25:3: unknown key \"rule\" in alerting (did you mean \"rules\"?)"));
}

TEST(LoadAlertingTest, MetricExpectations) {
  EXPECT_THAT(
      ScenarioErrors(WithChaosWorld(R"(expect:
  metrics:
    - 'node_filesystem_used_ratio{host="db-1",mountpoint="/"} < 0.8'
    - 'node_filesystem_used_ratio{host="db-3"} < 0.8'
    - {expr: 'up == 1'}
    - 'db_pool_used_ratio{database="orders"}'
)")),
      ElementsAre("sc.yaml:22:40: host \"db-3\" is not declared in world (did you mean \"db-1\"?)",
                  "sc.yaml:23:7: each entry of \"metrics\" must be a string, got a map",
                  "sc.yaml:24:45: invalid expression: expected a comparison (> >= < <= == !=) and "
                  "a number"));
}

TEST(LoadAlertingTest, RunCountExpectations) {
  EXPECT_THAT(ScenarioErrors(WithChaosWorld(R"(expect:
  runbooks:
    db-pool:
      runs: -1
    disk-full:
      ran: false
      runs: 2
    cert-expiry:
      ran: true
      runs: 0
)")),
              ElementsAre("sc.yaml:22:13: \"runs\" must be between 0 and 1000000, got \"-1\"",
                          "sc.yaml:25:13: \"runs\" is 2 but \"ran\" is false",
                          "sc.yaml:28:13: \"runs\" is 0 but \"ran\" is true"));
}

}  // namespace
}  // namespace rundrill::load
