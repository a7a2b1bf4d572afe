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

}  // namespace
}  // namespace rundrill::load
