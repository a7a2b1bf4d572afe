// expect.slack and expect.pagerduty: what they read into the model, and every way they can
// be written wrong.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "simulator/load/loader.h"
#include "tests/load/load_test_util.h"

namespace rundrill::load {
namespace {

using ::rundrill::load::testing::ScenarioErrors;
using ::testing::ElementsAre;

// 3 lines, so `expect:` (or `world:`) is line 4.
constexpr char kHeader[] = R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: demo}
)";

std::string Doc(const std::string& rest) { return kHeader + rest; }

std::optional<model::Scenario> Load(const std::string& text) {
  std::vector<Diagnostic> errors;
  std::optional<model::Scenario> sc = ParseScenario(text, "sc.yaml", &errors);
  EXPECT_THAT(testing::Strings(errors), ElementsAre());
  return sc;
}

// A declared workspace and account; 21 lines, so `expect:` after it is line 25.
constexpr char kWorld[] = R"(world:
  slack:
    channels:
      - {name: ops}
      - {name: deploys, id: C0DEPLOYS}
    webhook_channel: ops
  pagerduty:
    users:
      - {id: PADAPRI, name: Ada Primary, email: ada@example.com}
      - {name: Bo Second, email: bo@example.com}
    escalation_policies:
      - id: PPOLICY
        name: Checkout on-call
        rules:
          - {delay: 5m, targets: [PADAPRI]}
    services:
      - {id: PCHECKO, name: checkout, escalation_policy: PPOLICY}
      - {name: billing, escalation_policy: PPOLICY}
    api_tokens: [y_NbAkKc66ryYTWUXYEu]
    responders:
      - {user: PADAPRI, acks_after: 3m}
)";

TEST(LoadExpectTest, SlackAndPagerDutyLoadIntoTheModel) {
  std::optional<model::Scenario> sc = Load(Doc(R"(expect:
  slack:
    - channel: "#incidents"
      text_matches: "rolled back"
      count: 1
      reaction: white_check_mark
    - {channel: incident-approvals, at_least: 2, reaction: ":+1:"}
    - {channel: incidents}
  pagerduty:
    - service: PSERVIC
      title_matches: checkout
      status: resolved
      urgency: high
      count: 0
      acknowledged_by: PSECOND
      paged: [PPRIMRY, PSECOND]
    - {service: production, at_least: 3}
    - {}
)"));
  ASSERT_TRUE(sc);
  const auto& slack = sc->expect.slack;
  ASSERT_EQ(slack.size(), 3u);
  EXPECT_EQ(slack[0].channel, "incidents");  // without the '#'
  EXPECT_EQ(slack[0].text_matches, "rolled back");
  EXPECT_EQ(slack[0].count.count, 1);
  EXPECT_EQ(slack[0].reaction, "white_check_mark");
  EXPECT_EQ(slack[0].mark.ToString(), "sc.yaml:6:7");
  EXPECT_EQ(slack[1].channel, "incident-approvals");
  EXPECT_FALSE(slack[1].count.count.has_value());
  EXPECT_EQ(slack[1].count.at_least, 2);
  EXPECT_EQ(slack[1].reaction, "+1");  // colons dropped
  EXPECT_FALSE(slack[2].text_matches.has_value());
  EXPECT_FALSE(slack[2].reaction.has_value());
  EXPECT_FALSE(slack[2].count.count.has_value());
  EXPECT_EQ(slack[2].count.at_least, 1);  // the default

  const auto& pd = sc->expect.pagerduty;
  ASSERT_EQ(pd.size(), 3u);
  EXPECT_EQ(pd[0].service, "PSERVIC");
  EXPECT_EQ(pd[0].title_matches, "checkout");
  EXPECT_EQ(pd[0].status, "resolved");
  EXPECT_EQ(pd[0].urgency, "high");
  EXPECT_EQ(pd[0].count.count, 0);
  EXPECT_EQ(pd[0].acknowledged_by, "PSECOND");
  EXPECT_EQ(pd[0].paged, (std::vector<std::string>{"PPRIMRY", "PSECOND"}));
  EXPECT_EQ(pd[0].mark.ToString(), "sc.yaml:13:7");
  EXPECT_EQ(pd[1].service, "production");
  EXPECT_EQ(pd[1].count.at_least, 3);
  EXPECT_FALSE(pd[2].service.has_value());
  EXPECT_FALSE(pd[2].status.has_value());
  EXPECT_TRUE(pd[2].paged.empty());
  EXPECT_EQ(pd[2].count.at_least, 1);
}

TEST(LoadExpectTest, NamesComeFromTheDeclaredWorld) {
  std::optional<model::Scenario> sc = Load(Doc(std::string(kWorld) + R"(expect:
  slack:
    - {channel: C0DEPLOYS}
    - {channel: "#ops"}
  pagerduty:
    - {service: billing, acknowledged_by: Ada Primary, paged: [Bo Second, PADAPRI]}
    - {service: PCHECKO}
)"));
  ASSERT_TRUE(sc);
  EXPECT_EQ(sc->expect.slack[0].channel, "C0DEPLOYS");
  EXPECT_EQ(sc->expect.slack[1].channel, "ops");
  EXPECT_EQ(sc->expect.pagerduty[0].service, "billing");
  EXPECT_EQ(sc->expect.pagerduty[0].acknowledged_by, "Ada Primary");
  EXPECT_EQ(sc->expect.pagerduty[0].paged, (std::vector<std::string>{"Bo Second", "PADAPRI"}));
}

// The scenario's own workspace replaces the default one, so the default names are gone.
TEST(LoadExpectTest, UnknownNamesInADeclaredWorld) {
  EXPECT_THAT(ScenarioErrors(Doc(std::string(kWorld) + R"(expect:
  slack:
    - {channel: "#incidents"}
    - {channel: "#opps"}
    - {channel: C0DEPLOYZ}
  pagerduty:
    - {service: production}
    - {service: checkuot}
    - {acknowledged_by: PPRIMRY}
    - {paged: [PADAPRI, Bo Secnod]}
)")),
              ElementsAre("sc.yaml:27:17: channel \"incidents\" is not declared in world",
                          "sc.yaml:28:17: channel \"opps\" is not declared in world (did you mean "
                          "\"ops\"?)",
                          "sc.yaml:29:17: channel \"C0DEPLOYZ\" is not declared in world (did you "
                          "mean \"C0DEPLOYS\"?)",
                          "sc.yaml:31:17: service \"production\" is not declared in world",
                          "sc.yaml:32:17: service \"checkuot\" is not declared in world (did you "
                          "mean \"checkout\"?)",
                          "sc.yaml:33:25: user \"PPRIMRY\" is not declared in world",
                          "sc.yaml:34:25: user \"Bo Secnod\" is not declared in world (did you "
                          "mean \"Bo Second\"?)"));
}

// Without world.slack and world.pagerduty the defaults are what names are checked against.
TEST(LoadExpectTest, UnknownNamesAgainstTheDefaults) {
  EXPECT_THAT(ScenarioErrors(Doc(R"(expect:
  slack:
    - {channel: "#incident"}
  pagerduty:
    - {service: PSERVICE, acknowledged_by: PSECND, paged: [Primary On-cal]}
)")),
              ElementsAre("sc.yaml:6:17: channel \"incident\" is not declared in world (did you "
                          "mean \"incidents\"?)",
                          "sc.yaml:8:17: service \"PSERVICE\" is not declared in world (did you "
                          "mean \"PSERVIC\"?)",
                          "sc.yaml:8:44: user \"PSECND\" is not declared in world (did you mean "
                          "\"PSECOND\"?)",
                          "sc.yaml:8:60: user \"Primary On-cal\" is not declared in world (did "
                          "you mean \"Primary On-call\"?)"));
}

TEST(LoadExpectTest, BrokenSlackExpectations) {
  EXPECT_THAT(ScenarioErrors(Doc(R"(expect:
  slack:
    - {channel: incidents, count: 1, at_least: 1}
    - {channel: incidents, count: -1}
    - {channel: incidents, at_least: 0}
    - {channel: incidents, count: two}
    - {channel: incidents, text_matches: "roll("}
    - {channel: incidents, text_match: rolled}
    - {text_matches: rolled}
    - {channel: [incidents]}
    - {channel: incidents, reaction: "white check mark"}
    - {channel: incidents, reaction: ""}
    - {channel: incidents, text_matches: {re: x}}
    - incidents
)")),
              ElementsAre("sc.yaml:6:38: slack expectation has both \"count\" and \"at_least\"; "
                          "keep only one",
                          "sc.yaml:7:35: \"count\" must be between 0 and 1000000, got \"-1\"",
                          "sc.yaml:8:38: \"at_least\" must be between 1 and 1000000, got \"0\"",
                          "sc.yaml:9:35: \"count\" must be an integer, got \"two\"",
                          "sc.yaml:10:42: invalid regex \"roll(\" in \"text_matches\": Unmatched "
                          "marking parenthesis ( or \\(",
                          "sc.yaml:11:28: unknown key \"text_match\" in slack expectation (did "
                          "you mean \"text_matches\"?)",
                          "sc.yaml:12:7: slack expectation is missing required key \"channel\"",
                          "sc.yaml:13:17: \"channel\" must be a string, got a list",
                          "sc.yaml:14:38: invalid reaction \"white check mark\" (use an emoji name "
                          "like white_check_mark: lower-case letters, digits, \"_\", \"-\", \"+\" "
                          "and \"'\")",
                          "sc.yaml:15:38: invalid reaction \"\" (use an emoji name like "
                          "white_check_mark: lower-case letters, digits, \"_\", \"-\", \"+\" and "
                          "\"'\")",
                          "sc.yaml:16:42: \"text_matches\" must be a string, got a map",
                          "sc.yaml:17:7: each entry of \"slack\" must be a map, got "
                          "\"incidents\""));
}

TEST(LoadExpectTest, BrokenPagerDutyExpectations) {
  EXPECT_THAT(ScenarioErrors(Doc(R"(expect:
  pagerduty:
    - {status: done, urgency: medium}
    - {count: 2, at_least: 1}
    - {at_least: -3}
    - {title_matches: "[checkout"}
    - {paged: PPRIMRY}
    - {paged: []}
    - {paged: [PPRIMRY, PPRIMRY]}
    - {paged: [{user: PPRIMRY}]}
    - {acknowledged_by: [PSECOND]}
    - {services: PSERVIC}
    - {service: 7}
)")),
              ElementsAre("sc.yaml:6:16: \"status\" must be one of \"triggered\", \"acknowledged\" "
                          "or \"resolved\", got \"done\"",
                          "sc.yaml:6:31: \"urgency\" must be one of \"high\" or \"low\", got "
                          "\"medium\"",
                          "sc.yaml:7:18: pagerduty expectation has both \"count\" and "
                          "\"at_least\"; keep only one",
                          "sc.yaml:8:18: \"at_least\" must be between 1 and 1000000, got \"-3\"",
                          "sc.yaml:9:23: invalid regex \"[checkout\" in \"title_matches\": "
                          "Unmatched [ or [^ in character class declaration",
                          "sc.yaml:10:15: \"paged\" must be a list, got \"PPRIMRY\"",
                          "sc.yaml:11:15: \"paged\" must not be empty",
                          "sc.yaml:12:25: duplicate entry \"PPRIMRY\" in \"paged\"",
                          "sc.yaml:13:16: each entry of \"paged\" must be a string, got a map",
                          "sc.yaml:14:25: \"acknowledged_by\" must be a string, got a list",
                          "sc.yaml:15:8: unknown key \"services\" in pagerduty expectation (did "
                          "you mean \"service\"?)",
                          "sc.yaml:16:17: service \"7\" is not declared in world"));
}

TEST(LoadExpectTest, SectionsMustBeLists) {
  EXPECT_THAT(ScenarioErrors(Doc(R"(expect:
  slack: {channel: incidents}
  pagerduty: resolved
  slak: []
)")),
              ElementsAre("sc.yaml:5:10: \"slack\" must be a list, got a map",
                          "sc.yaml:6:14: \"pagerduty\" must be a list, got \"resolved\"",
                          "sc.yaml:7:3: unknown key \"slak\" in expect (did you mean \"slack\"?)"));
}

// ---- escalated, order, steps_not_ran

// An alert the timeline fires and one a rule fires; 12 lines, so `expect:` after it is
// line 16.
constexpr char kAlerts[] = R"(alerting:
  rules:
    - alert: DiskFull
      expr: node_filesystem_used_ratio > 0.9
timeline:
  - at: 1m
    fire_alert:
      labels: {alertname: HighErrorRate}
  - at: 2m
    resolve_alert: {alertname: HighErrorRate}
horizon: 30m
world: {}
)";

TEST(LoadExpectTest, EscalatedOrderAndStepsNotRanLoadIntoTheModel) {
  std::optional<model::Scenario> sc = Load(Doc(std::string(kAlerts) + R"(expect:
  escalated: {service: production, to: PSECOND}
  runbooks:
    high-error-rate: {steps: {restart: skipped}, steps_not_ran: [restart, escalation.page]}
  order:
    - {pagerduty: {status: acknowledged, service: PSERVIC, title_matches: "5xx"}}
    - {slack: {channel: "#incidents", text_matches: resolved}}
    - {step: {runbook: high-error-rate, step: rollback, outcome: succeeded}}
    - {alert: {alertname: DiskFull, state: resolved}}
)"));
  ASSERT_TRUE(sc);
  ASSERT_TRUE(sc->expect.escalated);
  EXPECT_TRUE(sc->expect.escalated->escalated);
  EXPECT_EQ(sc->expect.escalated->service, "production");
  EXPECT_EQ(sc->expect.escalated->to, "PSECOND");
  EXPECT_EQ(sc->expect.escalated->mark.ToString(), "sc.yaml:17:14");
  ASSERT_EQ(sc->expect.runbooks.size(), 1u);
  EXPECT_EQ(sc->expect.runbooks[0].steps_not_ran,
            (std::vector<std::string>{"restart", "escalation.page"}));
  ASSERT_EQ(sc->expect.order.size(), 1u);
  const model::OrderExpectation& order = sc->expect.order[0];
  EXPECT_EQ(order.mark.ToString(), "sc.yaml:21:5");
  ASSERT_EQ(order.events.size(), 4u);
  EXPECT_EQ(order.events[0].kind, model::OrderEvent::Kind::kPagerDuty);
  EXPECT_EQ(order.events[0].status, "acknowledged");
  EXPECT_EQ(order.events[0].service, "PSERVIC");
  EXPECT_EQ(order.events[0].text_matches, "5xx");
  EXPECT_EQ(order.events[0].mark.ToString(), "sc.yaml:21:7");
  EXPECT_EQ(order.events[1].kind, model::OrderEvent::Kind::kSlack);
  EXPECT_EQ(order.events[1].channel, "incidents");
  EXPECT_EQ(order.events[1].text_matches, "resolved");
  EXPECT_EQ(order.events[2].kind, model::OrderEvent::Kind::kStep);
  EXPECT_EQ(order.events[2].runbook, "high-error-rate");
  EXPECT_EQ(order.events[2].step, "rollback");
  EXPECT_EQ(order.events[2].outcome, "succeeded");
  EXPECT_EQ(order.events[3].kind, model::OrderEvent::Kind::kAlert);
  EXPECT_EQ(order.events[3].alertname, "DiskFull");
  EXPECT_EQ(order.events[3].status, "resolved");
}

TEST(LoadExpectTest, EscalatedShortFormAndChainsOfChains) {
  std::optional<model::Scenario> sc = Load(Doc(std::string(kAlerts) + R"(expect:
  escalated: false
  order:
    - [{alert: {alertname: HighErrorRate, state: firing}}, {pagerduty: {status: triggered}}]
    - - {pagerduty: {status: acknowledged}}
      - {slack: {channel: incidents}}
)"));
  ASSERT_TRUE(sc);
  ASSERT_TRUE(sc->expect.escalated);
  EXPECT_FALSE(sc->expect.escalated->escalated);
  EXPECT_FALSE(sc->expect.escalated->service);
  ASSERT_EQ(sc->expect.order.size(), 2u);
  EXPECT_EQ(sc->expect.order[0].events.size(), 2u);
  EXPECT_EQ(sc->expect.order[1].events[1].channel, "incidents");
  EXPECT_EQ(sc->expect.order[1].mark.ToString(), "sc.yaml:20:7");
}

TEST(LoadExpectTest, BrokenEscalated) {
  EXPECT_THAT(ScenarioErrors(Doc(R"(expect:
  escalated: yes
)")),
              ElementsAre("sc.yaml:5:14: \"escalated\" must be true or false, got \"yes\""));
  EXPECT_THAT(ScenarioErrors(Doc(R"(expect:
  escalated: [PSECOND]
)")),
              ElementsAre("sc.yaml:5:14: \"escalated\" must be true, false or a map with "
                          "\"service\" and/or \"to\", got a list"));
  EXPECT_THAT(ScenarioErrors(Doc(R"(expect:
  escalated: {}
)")),
              ElementsAre("sc.yaml:5:14: escalation expectation needs at least one of "
                          "\"service\" or \"to\" (write \"escalated: true\" for any escalation)"));
  EXPECT_THAT(ScenarioErrors(Doc(R"(expect:
  escalated: {servce: PSERVIC, to: PSECND}
)")),
              ElementsAre("sc.yaml:5:15: unknown key \"servce\" in escalation expectation (did "
                          "you mean \"service\"?)",
                          "sc.yaml:5:36: user \"PSECND\" is not declared in world (did you mean "
                          "\"PSECOND\"?)"));
  EXPECT_THAT(ScenarioErrors(Doc(R"(expect:
  escalated: {service: checkout, to: [PSECOND]}
)")),
              ElementsAre("sc.yaml:5:24: service \"checkout\" is not declared in world",
                          "sc.yaml:5:38: \"to\" must be a string, got a list"));
}

TEST(LoadExpectTest, BrokenOrderLists) {
  EXPECT_THAT(ScenarioErrors(Doc(std::string(kAlerts) + R"(expect:
  order: {slack: {channel: incidents}}
)")),
              ElementsAre("sc.yaml:17:10: \"order\" must be a list, got a map"));
  EXPECT_THAT(ScenarioErrors(Doc(std::string(kAlerts) + R"(expect:
  order:
    - {pagerduty: {status: triggered}}
)")),
              ElementsAre("sc.yaml:18:5: \"order\" needs at least two events to order, got 1"));
  EXPECT_THAT(ScenarioErrors(Doc(std::string(kAlerts) + R"(expect:
  order: []
)")),
              ElementsAre("sc.yaml:17:10: \"order\" needs at least two events to order, got 0"));
  EXPECT_THAT(
      ScenarioErrors(Doc(std::string(kAlerts) + R"(expect:
  order:
    - [{pagerduty: {status: triggered}}, {pagerduty: {status: resolved}}]
    - {pagerduty: {status: acknowledged}}
    - [{pagerduty: {status: triggered}}]
    - - [{pagerduty: {status: triggered}}]
      - {pagerduty: {status: resolved}}
)")),
      ElementsAre("sc.yaml:19:7: each entry of \"order\" must be a list of events like the first "
                  "entry, got a map",
                  "sc.yaml:20:7: each chain of \"order\" needs at least two events to order, got 1",
                  "sc.yaml:21:9: each entry of each chain of \"order\" must be a map, got a list"));
}

TEST(LoadExpectTest, BrokenOrderEvents) {
  EXPECT_THAT(
      ScenarioErrors(Doc(std::string(kAlerts) + R"(expect:
  order:
    - {slak: {channel: incidents}}
    - {}
    - {slack: {channel: incidents}, pagerduty: {status: resolved}}
    - slack
    - {slack: incidents}
    - {slack: {channel: "#incident", text_matches: "res("}}
    - {slack: {text_matches: resolved, chanel: incidents}}
    - {pagerduty: {status: acked, service: PSERVICE, title_matches: "[5xx"}}
    - {pagerduty: {service: PSERVIC}}
    - {step: {runbook: High-Error-Rate, step: rollback, outcome: done}}
    - {step: {runbook: high-error-rate}}
    - {alert: {alertname: HighErrorRates, state: fired}}
    - {alert: {alertname: DiskFul}}
    - {alert: {name: DiskFull, state: firing}}
)")),
      ElementsAre(
          "sc.yaml:18:8: unknown key \"slak\" in order event (did you mean \"slack\"?)",
          "sc.yaml:19:7: order event needs one of \"slack\", \"pagerduty\", \"step\" or \"alert\"",
          "sc.yaml:20:37: order event has both \"slack\" and \"pagerduty\"; keep only one",
          "sc.yaml:21:7: each entry of \"order\" must be a map, got \"slack\"",
          "sc.yaml:22:15: \"slack\" event must be a map, got \"incidents\"",
          "sc.yaml:23:25: channel \"incident\" is not declared in world (did you mean "
          "\"incidents\"?)",
          "sc.yaml:23:52: invalid regex \"res(\" in \"text_matches\": Unmatched marking "
          "parenthesis ( or \\(",
          "sc.yaml:24:15: slack event is missing required key \"channel\"",
          "sc.yaml:24:40: unknown key \"chanel\" in slack event (did you mean \"channel\"?)",
          "sc.yaml:25:28: \"status\" must be one of \"triggered\", \"acknowledged\" or "
          "\"resolved\", got \"acked\"",
          "sc.yaml:25:44: service \"PSERVICE\" is not declared in world (did you mean "
          "\"PSERVIC\"?)",
          "sc.yaml:25:69: invalid regex \"[5xx\" in \"title_matches\": Unmatched [ or [^ in "
          "character class declaration",
          "sc.yaml:26:19: pagerduty event is missing required key \"status\"",
          "sc.yaml:27:24: invalid runbook name \"High-Error-Rate\" (use lower-case letters, "
          "digits and \"-\")",
          "sc.yaml:27:66: \"outcome\" must be one of \"succeeded\", \"failed\", \"skipped\" or "
          "\"timed_out\", got \"done\"",
          "sc.yaml:28:14: step event is missing required key \"step\"",
          "sc.yaml:29:27: alert \"HighErrorRates\" is neither fired in the timeline nor the name "
          "of an alerting rule (did you mean \"HighErrorRate\"?)",
          "sc.yaml:29:50: \"state\" must be one of \"firing\" or \"resolved\", got \"fired\"",
          "sc.yaml:30:15: alert event is missing required key \"state\"",
          "sc.yaml:30:27: alert \"DiskFul\" is neither fired in the timeline nor the name of an "
          "alerting rule (did you mean \"DiskFull\"?)",
          "sc.yaml:31:15: alert event is missing required key \"alertname\"",
          "sc.yaml:31:16: unknown key \"name\" in alert event"));
}

TEST(LoadExpectTest, BrokenStepsNotRan) {
  EXPECT_THAT(ScenarioErrors(Doc(R"(expect:
  runbooks:
    high-error-rate:
      steps: {rollback: succeeded, restart: skipped}
      steps_not_ran: [restart, rollback, restart, [a]]
    disk-space: {steps_not_ran: cleanup}
)")),
              ElementsAre("sc.yaml:8:32: step \"rollback\" is expected to be succeeded in "
                          "\"steps\" and not to run here",
                          "sc.yaml:8:42: duplicate entry \"restart\" in \"steps_not_ran\"",
                          "sc.yaml:8:51: each entry of \"steps_not_ran\" must be a string, got a "
                          "list",
                          "sc.yaml:9:33: \"steps_not_ran\" must be a list, got \"cleanup\""));
}

}  // namespace
}  // namespace rundrill::load
