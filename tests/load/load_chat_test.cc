#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "simulator/load/loader.h"
#include "simulator/model/service_defaults.h"
#include "tests/load/load_test_util.h"

namespace rundrill::load {
namespace {

using ::rundrill::load::testing::ScenarioErrors;
using ::testing::ElementsAre;

// 4 lines, so a section after it starts on line 5.
constexpr char kHeader[] = R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: demo}
world:
)";

std::string Doc(const std::string& rest) { return kHeader + rest; }

std::optional<model::Scenario> Load(const std::string& text) {
  std::vector<Diagnostic> errors;
  std::optional<model::Scenario> sc = ParseScenario(text, "sc.yaml", &errors);
  EXPECT_THAT(testing::Strings(errors), ElementsAre());
  return sc;
}

constexpr char kRoutingKey[] = "R0UT1NGKEY0000000000000000000001";

TEST(LoadChatTest, AbsentSectionsKeepTheDefaults) {
  std::optional<model::Scenario> sc = Load(Doc("  hosts: [{name: db-1}]\n"));
  ASSERT_TRUE(sc);
  const model::SlackSpec slack = model::DefaultSlackSpec();
  ASSERT_EQ(sc->world.slack.channels.size(), slack.channels.size());
  EXPECT_EQ(sc->world.slack.channels[0].name, "incidents");
  EXPECT_EQ(sc->world.slack.webhook_channel, slack.webhook_channel);
  const model::PagerDutySpec pd = model::DefaultPagerDutySpec();
  ASSERT_EQ(sc->world.pagerduty.users.size(), pd.users.size());
  EXPECT_EQ(sc->world.pagerduty.services[0].integration_keys, pd.services[0].integration_keys);
  EXPECT_EQ(sc->world.pagerduty.api_tokens, pd.api_tokens);
}

TEST(LoadChatTest, FullSectionsLoadIntoTheModel) {
  std::optional<model::Scenario> sc = Load(Doc(std::string(R"(  slack:
    channels:
      - {name: incidents}
      - {name: old-alerts, id: C0123ABCD, archived: true, posting_restricted: true}
    webhook_channel: incidents
    rate_limit: {per_second: 2.5, burst: 4}
  pagerduty:
    users:
      - {id: PPRIMRY, name: Ada Primary, email: ada@example.com}
      - {name: Bob Second, email: bob@example.com}
      - {id: PSECOND, name: Cy Third, email: cy@example.com}
    escalation_policies:
      - id: PPOLICY
        name: Checkout on-call
        rules:
          - {delay: 5m, targets: [PPRIMRY]}
          - {delay: 1h, targets: [PSECOND, PPRIMRY]}
        num_loops: 2
    services:
      - {id: PWIXJZS, name: checkout, escalation_policy: PPOLICY, routing_key: )") +
                                               kRoutingKey + R"(,
         acknowledgement_timeout: none, auto_resolve_timeout: 4h, urgency: severity_based}
      - {name: billing, escalation_policy: PPOLICY}
    api_tokens: [y_NbAkKc66ryYTWUXYEu]
    responders:
      - {user: PPRIMRY, acks_after: 3m, resolves_after: 10m}
      - {user: PSECOND, acks: never}
)"));
  ASSERT_TRUE(sc);
  const model::SlackSpec& slack = sc->world.slack;
  ASSERT_EQ(slack.channels.size(), 2u);
  EXPECT_EQ(slack.channels[0].name, "incidents");
  EXPECT_EQ(slack.channels[0].id, "");
  EXPECT_FALSE(slack.channels[0].archived);
  EXPECT_EQ(slack.channels[1].name, "old-alerts");
  EXPECT_EQ(slack.channels[1].id, "C0123ABCD");
  EXPECT_TRUE(slack.channels[1].archived);
  EXPECT_TRUE(slack.channels[1].posting_restricted);
  EXPECT_EQ(slack.webhook_channel, "incidents");
  EXPECT_DOUBLE_EQ(slack.rate_limit.per_second, 2.5);
  EXPECT_EQ(slack.rate_limit.burst, 4);
  EXPECT_EQ(slack.bot_token, model::SlackSpec().bot_token);  // not given: the member default

  const model::PagerDutySpec& pd = sc->world.pagerduty;
  ASSERT_EQ(pd.users.size(), 3u);
  EXPECT_EQ(pd.users[0].id, "PPRIMRY");
  EXPECT_EQ(pd.users[0].name, "Ada Primary");
  EXPECT_EQ(pd.users[0].email, "ada@example.com");
  EXPECT_EQ(pd.users[1].id, "");
  ASSERT_EQ(pd.escalation_policies.size(), 1u);
  const model::PagerDutyEscalationPolicySpec& policy = pd.escalation_policies[0];
  EXPECT_EQ(policy.id, "PPOLICY");
  EXPECT_EQ(policy.name, "Checkout on-call");
  EXPECT_EQ(policy.num_loops, 2);
  ASSERT_EQ(policy.rules.size(), 2u);
  EXPECT_EQ(policy.rules[0].escalation_delay_in_minutes, 5);
  EXPECT_THAT(policy.rules[0].targets, ElementsAre("PPRIMRY"));
  EXPECT_EQ(policy.rules[1].escalation_delay_in_minutes, 60);
  EXPECT_THAT(policy.rules[1].targets, ElementsAre("PSECOND", "PPRIMRY"));
  ASSERT_EQ(pd.services.size(), 2u);
  const model::PagerDutyServiceSpec& checkout = pd.services[0];
  EXPECT_EQ(checkout.id, "PWIXJZS");
  EXPECT_EQ(checkout.name, "checkout");
  EXPECT_EQ(checkout.escalation_policy, "PPOLICY");
  EXPECT_THAT(checkout.integration_keys, ElementsAre(kRoutingKey));
  EXPECT_EQ(checkout.acknowledgement_timeout, std::nullopt);
  EXPECT_EQ(checkout.auto_resolve_timeout, SimDuration(4 * 3600 * 1000));
  EXPECT_EQ(checkout.urgency, model::PagerDutyUrgencyRule::kSeverityBased);
  const model::PagerDutyServiceSpec& billing = pd.services[1];
  EXPECT_TRUE(billing.integration_keys.empty());
  EXPECT_EQ(billing.acknowledgement_timeout, SimDuration(1800 * 1000));
  EXPECT_EQ(billing.urgency, model::PagerDutyUrgencyRule::kHigh);
  EXPECT_THAT(pd.api_tokens, ElementsAre("y_NbAkKc66ryYTWUXYEu"));
  ASSERT_EQ(pd.responders.size(), 2u);
  EXPECT_EQ(pd.responders[0].user, "PPRIMRY");
  EXPECT_EQ(pd.responders[0].acks_after, SimDuration(3 * 60 * 1000));
  EXPECT_EQ(pd.responders[0].resolves_after, SimDuration(10 * 60 * 1000));
  EXPECT_EQ(pd.responders[1].user, "PSECOND");
  EXPECT_EQ(pd.responders[1].acks_after, std::nullopt);
}

TEST(LoadChatTest, SectionReplacesTheDefaults) {
  std::optional<model::Scenario> sc = Load(Doc(R"(  slack:
    channels: [{name: ops}]
  pagerduty:
    users: [{name: Ada, email: ada@example.com}]
)"));
  ASSERT_TRUE(sc);
  ASSERT_EQ(sc->world.slack.channels.size(), 1u);
  EXPECT_EQ(sc->world.slack.webhook_channel, "");  // no webhook unless one is named
  EXPECT_EQ(sc->world.pagerduty.users.size(), 1u);
  EXPECT_TRUE(sc->world.pagerduty.services.empty());
  EXPECT_TRUE(sc->world.pagerduty.api_tokens.empty());
}

TEST(LoadChatTest, SlackUnknownKeys) {
  EXPECT_THAT(ScenarioErrors(Doc(R"(  slak: {}
  slack:
    channel: []
    rate_limit: {per_secnd: 1}
)")),
              ElementsAre("sc.yaml:5:3: unknown key \"slak\" in world (did you mean \"slack\"?)",
                          "sc.yaml:7:5: unknown key \"channel\" in slack (did you mean "
                          "\"channels\"?)",
                          "sc.yaml:8:18: unknown key \"per_secnd\" in rate_limit (did you mean "
                          "\"per_second\"?)"));
}

TEST(LoadChatTest, SlackChannelNamesAndIds) {
  EXPECT_THAT(
      ScenarioErrors(Doc(R"(  slack:
    channels:
      - {name: "#Incidents"}
      - {name: ops, id: c123}
      - {archived: yes}
      - {name: ops, id: C0123ABCD, posting_restricted: 1}
)")),
      ElementsAre("sc.yaml:7:16: invalid channel name \"#Incidents\" (use lower-case letters, "
                  "digits, \"-\" and \"_\", without the leading \"#\")",
                  "sc.yaml:8:16: channel \"ops\" is defined again at sc.yaml:10:16",
                  "sc.yaml:8:25: invalid channel id \"c123\" (use \"C\" and 8 upper-case letters "
                  "or digits, like C0123ABCD)",
                  "sc.yaml:9:9: channel is missing required key \"name\"",
                  "sc.yaml:9:20: \"archived\" must be true or false, got \"yes\"",
                  "sc.yaml:10:16: duplicate channel \"ops\" (first defined at sc.yaml:8:16)",
                  "sc.yaml:10:56: \"posting_restricted\" must be true or false, got \"1\""));
}

TEST(LoadChatTest, SlackDuplicateChannelIds) {
  EXPECT_THAT(ScenarioErrors(Doc(R"(  slack:
    channels:
      - {name: a, id: C0123ABCD}
      - {name: b, id: C0123ABCD}
)")),
              ElementsAre("sc.yaml:7:23: channel id \"C0123ABCD\" is defined again at sc.yaml:8:23",
                          "sc.yaml:8:23: duplicate channel id \"C0123ABCD\" (first defined at "
                          "sc.yaml:7:23)"));
}

TEST(LoadChatTest, SlackWebhookChannelMustBeDeclared) {
  EXPECT_THAT(ScenarioErrors(Doc(R"(  slack:
    channels: [{name: incidents}]
    webhook_channel: incident
)")),
              ElementsAre("sc.yaml:7:22: channel \"incident\" is not declared in world (did you "
                          "mean \"incidents\"?)"));
}

TEST(LoadChatTest, SlackWebhookChannelByIdAndBadName) {
  // The id names a channel; a channel whose name is invalid is still known, so the webhook
  // does not repeat the mistake.
  std::optional<model::Scenario> sc = Load(Doc(R"(  slack:
    channels: [{name: ops, id: C0123ABCD}]
    webhook_channel: C0123ABCD
)"));
  ASSERT_TRUE(sc);
  EXPECT_EQ(sc->world.slack.webhook_channel, "C0123ABCD");
  EXPECT_THAT(ScenarioErrors(Doc(R"(  slack:
    channels: [{name: Ops}]
    webhook_channel: Ops
)")),
              ElementsAre("sc.yaml:6:23: invalid channel name \"Ops\" (use lower-case letters, "
                          "digits, \"-\" and \"_\", without the leading \"#\")"));
}

TEST(LoadChatTest, SlackRateLimit) {
  EXPECT_THAT(ScenarioErrors(Doc(R"(  slack:
    rate_limit: {per_second: 0, burst: 0}
)")),
              ElementsAre("sc.yaml:6:30: \"per_second\" must be more than 0, got \"0\"",
                          "sc.yaml:6:40: \"burst\" must be at least 1, got \"0\""));
}

TEST(LoadChatTest, PagerDutyUsers) {
  EXPECT_THAT(
      ScenarioErrors(Doc(R"(  pagerduty:
    users:
      - {id: pprimry, name: Ada, email: ada@example.com}
      - {id: PPRIMRY, name: Bob}
      - {id: PPRIMRY, name: Cy, email: ada@example.com}
      - {name: Dee, email: dee.example.com, mail: x}
)")),
      ElementsAre("sc.yaml:7:14: invalid user id \"pprimry\" (use 7 upper-case letters or digits, "
                  "like PXPGF42)",
                  "sc.yaml:7:41: email \"ada@example.com\" is defined again at sc.yaml:9:40",
                  "sc.yaml:8:9: user is missing required key \"email\"",
                  "sc.yaml:8:14: PagerDuty id \"PPRIMRY\" is defined again at sc.yaml:9:14",
                  "sc.yaml:9:14: duplicate PagerDuty id \"PPRIMRY\" (first defined at "
                  "sc.yaml:8:14)",
                  "sc.yaml:9:40: duplicate email \"ada@example.com\" (first defined at "
                  "sc.yaml:7:41)",
                  "sc.yaml:10:28: invalid email \"dee.example.com\" (use an address like "
                  "ada@example.com)",
                  "sc.yaml:10:45: unknown key \"mail\" in user (did you mean \"email\"?)"));
}

TEST(LoadChatTest, PagerDutyIdsAreSharedAcrossKinds) {
  EXPECT_THAT(ScenarioErrors(Doc(R"(  pagerduty:
    users: [{id: PSAMEID, name: Ada, email: ada@example.com}]
    escalation_policies:
      - {id: PSAMEID, name: On-call, rules: [{delay: 5m, targets: [PSAMEID]}]}
)")),
              ElementsAre("sc.yaml:6:18: PagerDuty id \"PSAMEID\" is defined again at "
                          "sc.yaml:8:14",
                          "sc.yaml:8:14: duplicate PagerDuty id \"PSAMEID\" (first defined at "
                          "sc.yaml:6:18)"));
}

TEST(LoadChatTest, EscalationRules) {
  EXPECT_THAT(
      ScenarioErrors(Doc(R"(  pagerduty:
    users: [{id: PPRIMRY, name: Ada, email: ada@example.com}]
    escalation_policies:
      - name: Empty
        rules: []
      - name: Bad
        num_loops: 10
        rules:
          - {delay: 90s, targets: [PPRIMRY]}
          - {delay: 30s, targets: [PPRIMRI, PPRIMRY, PPRIMRY]}
          - {delay: 5m, targets: []}
          - {targets: [PPRIMRY, P000001, P000002, P000003, P000004, P000005, P000006, P000007, P000008, P000009, P000010]}
      - {id: PNORULE}
)")),
      ElementsAre(
          "sc.yaml:9:16: \"rules\" must not be empty",
          "sc.yaml:11:20: \"num_loops\" must be between 0 and 9, got \"10\"",
          "sc.yaml:13:21: \"delay\" must be whole minutes, got \"90s\"",
          "sc.yaml:14:21: \"delay\" must be at least 1m, got \"30s\"",
          "sc.yaml:14:36: user \"PPRIMRI\" is not declared in world (did you mean \"PPRIMRY\"?)",
          "sc.yaml:14:54: duplicate entry \"PPRIMRY\" in \"targets\"",
          "sc.yaml:15:34: \"targets\" must not be empty",
          "sc.yaml:16:13: escalation rule is missing required key \"delay\"",
          "sc.yaml:16:23: \"targets\" has 11 entries, more than 10",
          "sc.yaml:16:33: user \"P000001\" is not declared in world",
          "sc.yaml:16:42: user \"P000002\" is not declared in world",
          "sc.yaml:16:51: user \"P000003\" is not declared in world",
          "sc.yaml:16:60: user \"P000004\" is not declared in world",
          "sc.yaml:16:69: user \"P000005\" is not declared in world",
          "sc.yaml:16:78: user \"P000006\" is not declared in world",
          "sc.yaml:16:87: user \"P000007\" is not declared in world",
          "sc.yaml:16:96: user \"P000008\" is not declared in world",
          "sc.yaml:16:105: user \"P000009\" is not declared in world",
          "sc.yaml:16:114: user \"P000010\" is not declared in world",
          "sc.yaml:17:9: escalation policy is missing required key \"name\"",
          "sc.yaml:17:9: escalation policy is missing required key \"rules\""));
}

TEST(LoadChatTest, PagerDutyServices) {
  EXPECT_THAT(
      ScenarioErrors(Doc(R"(  pagerduty:
    users: [{id: PPRIMRY, name: Ada, email: ada@example.com}]
    escalation_policies:
      - {id: PPOLICY, name: On-call, rules: [{delay: 5m, targets: [PPRIMRY]}]}
    services:
      - name: checkout
        escalation_policy: PPOLICI
        routing_key: short-key
        acknowledgement_timeout: 0s
        auto_resolve_timeout: never
        urgency: urgent
      - {name: billing}
)")),
      ElementsAre(
          "sc.yaml:11:28: escalation policy \"PPOLICI\" is not declared in world (did you mean "
          "\"PPOLICY\"?)",
          "sc.yaml:12:22: invalid routing key \"short-key\" (use exactly 32 letters and digits; "
          "it has 9 characters)",
          "sc.yaml:13:34: \"acknowledgement_timeout\" must be longer than 0s (use none to "
          "disable it)",
          "sc.yaml:14:31: invalid duration \"never\" (use forms like 90s, 5m, 1h30m)",
          "sc.yaml:15:18: \"urgency\" must be one of \"high\", \"low\" or \"severity_based\", got "
          "\"urgent\"",
          "sc.yaml:16:9: service is missing required key \"escalation_policy\""));
}

TEST(LoadChatTest, PagerDutyDuplicateRoutingKeys) {
  EXPECT_THAT(ScenarioErrors(Doc(std::string(R"(  pagerduty:
    users: [{id: PPRIMRY, name: Ada, email: ada@example.com}]
    escalation_policies:
      - {id: PPOLICY, name: On-call, rules: [{delay: 5m, targets: [PPRIMRY]}]}
    services:
      - {name: a, escalation_policy: PPOLICY, routing_key: )") +
                                 kRoutingKey + R"(}
      - {name: b, escalation_policy: PPOLICY, routing_key: )" +
                                 kRoutingKey + R"(}
)")),
              ElementsAre("sc.yaml:10:60: routing key \"R0UT1NGKEY0000000000000000000001\" is "
                          "defined again at sc.yaml:11:60",
                          "sc.yaml:11:60: duplicate routing key "
                          "\"R0UT1NGKEY0000000000000000000001\" (first defined at sc.yaml:10:60)"));
}

TEST(LoadChatTest, PagerDutyApiTokens) {
  EXPECT_THAT(
      ScenarioErrors(Doc(R"(  pagerduty:
    api_tokens: [abc, "a b", abc, [x]]
)")),
      ElementsAre("sc.yaml:6:18: API token \"abc\" is defined again at sc.yaml:6:30",
                  "sc.yaml:6:23: invalid API token \"a b\" (use text without spaces)",
                  "sc.yaml:6:30: duplicate API token \"abc\" (first defined at sc.yaml:6:18)",
                  "sc.yaml:6:35: each entry of \"api_tokens\" must be a string, got a list"));
}

TEST(LoadChatTest, PagerDutyResponders) {
  EXPECT_THAT(
      ScenarioErrors(Doc(R"(  pagerduty:
    users: [{id: PPRIMRY, name: Ada, email: ada@example.com}]
    responders:
      - {user: PPRIMRI, acks_after: 3m}
      - {user: PPRIMRY, acks_after: 3m, acks: never}
      - {user: PPRIMRY, acks: sometimes, resolves_after: -1m}
      - {acks_after: 1m}
)")),
      ElementsAre(
          "sc.yaml:8:16: user \"PPRIMRI\" is not declared in world (did you mean \"PPRIMRY\"?)",
          "sc.yaml:9:16: responder \"PPRIMRY\" is defined again at sc.yaml:10:16",
          "sc.yaml:9:41: responder has both \"acks_after\" and \"acks\"; keep only one",
          "sc.yaml:10:16: duplicate responder \"PPRIMRY\" (first defined at sc.yaml:9:16)",
          "sc.yaml:10:31: \"acks\" must be one of \"never\", got \"sometimes\"",
          "sc.yaml:10:58: \"resolves_after\" must not be negative, got \"-1m\"",
          "sc.yaml:11:9: responder is missing required key \"user\""));
}

TEST(LoadChatTest, SectionsMustBeMaps) {
  EXPECT_THAT(ScenarioErrors(Doc(R"(  slack: [incidents]
  pagerduty: on
)")),
              ElementsAre("sc.yaml:5:10: \"slack\" must be a map, got a list",
                          "sc.yaml:6:14: \"pagerduty\" must be a map, got \"on\""));
}

}  // namespace
}  // namespace rundrill::load
