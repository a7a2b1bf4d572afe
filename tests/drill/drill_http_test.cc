// Faults on endpoint/slack and endpoint/pagerduty as the drill applies them to HTTP calls,
// without processes: ScriptedStepHost stands in for the listeners and clients.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/drill/drill_harness.h"

namespace rundrill::drill {
namespace {

using ::testing::ElementsAre;

constexpr char kWebhook[] = "/services/T0RUNDRILL/B0RUNDRILL/rundrillWebhookSecret0001";

// An alert at 1m; tests append faults (YAML list items) to its timeline.
constexpr char kScenario[] = R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: http}
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
      labels: {alertname: HighErrorRate, service: api}
)";

struct Harness {
  testing::HostJournal journal;

  DrillResult Run(const std::string& timeline, const std::string& steps) {
    auto result = RunDrill(testing::ScenarioFrom(kScenario + timeline),
                           {testing::RunbookFrom(steps)}, testing::ScriptedOptions(&journal));
    EXPECT_TRUE(result.ok()) << result.status().message();
    return result.ok() ? *result : DrillResult{};
  }
};

using testing::HttpCalls;
using testing::LastAttempt;

// The Slack listener closes when the reject partition begins and opens when it heals; the
// PagerDuty listeners are never touched.
TEST(DrillHttpTest, ListenerFollowsTheRejectPartition) {
  const std::string post = std::string("http slack POST ") + kWebhook + " {\"text\":\"x\"}";
  Harness harness;
  const DrillResult result = harness.Run(
      "  - at: 2m\n"
      "    partition: {targets: [endpoint/slack], duration: 3m, mode: reject}\n",
      "  - {id: before, type: notify, run: '" + post +
          "'}\n"
          "  - {id: pause, type: wait, duration: 2m}\n"
          "  - {id: during, type: notify, run: '" +
          post +
          "', continue_on_failure: true}\n"
          "  - {id: heal, type: wait, duration: 3m}\n"
          "  - {id: after, type: notify, run: '" +
          post + "'}\n");
  EXPECT_EQ(LastAttempt(result, "before").stdout_data, "200 ok\n");
  EXPECT_EQ(LastAttempt(result, "during").stdout_data, "refused\n");
  EXPECT_EQ(LastAttempt(result, "after").stdout_data, "200 ok\n");
  EXPECT_THAT(harness.journal.http_changes, ElementsAre("slack closed", "slack open"));
  EXPECT_EQ(harness.journal.http_open.at("pagerduty-events"), true);
  EXPECT_EQ(HttpCalls(result).size(), 2u);  // the refused post never arrived
}

TEST(DrillHttpTest, DropPartitionHoldsAndRefusedErrorResets) {
  Harness harness;
  const DrillResult result = harness.Run(
      "  - at: 0s\n"
      "    partition: {targets: [endpoint/pagerduty], mode: drop}\n"
      "  - at: 0s\n"
      "    inject_errors: {target: endpoint/slack, error: refused}\n",
      "  - {id: page, type: notify, run: 'http pagerduty-events POST /v2/enqueue {}',"
      " continue_on_failure: true}\n"
      "  - {id: hook, type: notify, run: 'http slack POST /services/T/B/x {}'}\n");
  EXPECT_EQ(LastAttempt(result, "page").stdout_data, "no answer\n");
  EXPECT_EQ(LastAttempt(result, "hook").stdout_data, "reset\n");
  const auto calls = HttpCalls(result);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].exit_code, -1);
  EXPECT_EQ(calls[0].stdout_data, "rundrill: no answer (partition: packets dropped)\n");
  EXPECT_EQ(calls[0].duration, SimDuration(0));
  EXPECT_EQ(calls[1].exit_code, -1);
  EXPECT_EQ(calls[1].stdout_data, "rundrill: connection reset (injected error: refused)\n");
  EXPECT_TRUE(harness.journal.http_changes.empty());  // drop keeps the listener open
}

// Each call draws from its own stream: the same seed fails the same calls, and with
// probability 0.5 some calls fail and some pass.
TEST(DrillHttpTest, InjectedErrorsAreSeededPerCall) {
  const std::string timeline =
      "  - at: 0s\n"
      "    inject_errors: {target: endpoint/pagerduty, probability: 0.5, error: server_error}\n";
  std::string script;
  for (int i = 0; i < 12; ++i) script += "http pagerduty-api GET /incidents;";
  const std::string steps = "  - {id: poll, type: check, run: '" + script + "'}\n";
  Harness first_harness;
  Harness second_harness;
  const auto first = HttpCalls(first_harness.Run(timeline, steps));
  const auto second = HttpCalls(second_harness.Run(timeline, steps));
  ASSERT_EQ(first.size(), 12u);
  ASSERT_EQ(second.size(), 12u);
  int failed = 0;
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].exit_code, second[i].exit_code) << i;
    EXPECT_TRUE(first[i].exit_code == 500 || first[i].exit_code == 401) << first[i].exit_code;
    if (first[i].exit_code == 500) {
      ++failed;
      EXPECT_EQ(first[i].stdout_data, R"({"error":{"message":"Internal Error","code":2000}})");
    }
  }
  EXPECT_GT(failed, 0);
  EXPECT_LT(failed, 12);
}

TEST(DrillHttpTest, LatencyIsVirtualAndStopsAtTheStepsDeadline) {
  Harness harness;
  const DrillResult result = harness.Run(
      "  - at: 0s\n"
      "    add_latency: {target: endpoint/slack, latency: 40s}\n",
      "  - {id: slow, type: notify, run: 'http slack GET /api/conversations.history'}\n"
      "  - {id: cut, type: notify, timeout: 10s, run: 'http slack GET /api/auth.test'}\n");
  const auto calls = HttpCalls(result);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].exit_code, 200);  // {"ok":false,"error":"not_authed"}
  EXPECT_GE(calls[0].duration, SimDuration(40080));
  EXPECT_LE(calls[0].duration, SimDuration(40150));
  EXPECT_EQ(calls[1].exit_code, -1);
  EXPECT_EQ(calls[1].duration, SimDuration(10000));
  EXPECT_EQ(LastAttempt(result, "cut").stop, "virtual-timeout");
}

}  // namespace
}  // namespace rundrill::drill
