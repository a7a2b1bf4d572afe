// Scenario faults on endpoint/slack and endpoint/pagerduty, as real HTTP clients in real
// steps see them: a refused connect, an unanswered request, a slow answer (in virtual
// time) and the services' own 5xx answers.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reports/markdown_report.h"
#include "simulator/drill/drill.h"
#include "tests/integration/integration_harness.h"

namespace rundrill {
namespace {

using ::testing::HasSubstr;

// An alert at 1m; `timeline` adds the faults (YAML list items).
model::Scenario Scenario(const std::string& timeline) {
  return integration::AlertAfter("http-faults", timeline);
}

model::Runbook Runbook(const std::string& steps) {
  return integration::InlineRunbook("post", steps);
}

drill::DrillOptions Options() { return integration::RealProcessOptions(4); }

drill::DrillResult RunWith(const std::string& timeline, const std::string& steps) {
  auto result = drill::RunDrill(Scenario(timeline), {Runbook(steps)}, Options());
  EXPECT_TRUE(result.ok()) << result.status().message();
  return result.ok() ? *result : drill::DrillResult{};
}

using drill::testing::HttpCalls;
using drill::testing::LastAttempt;

// A runbook step (a YAML list item) whose command is a block, so it can hold any quotes.
std::string Step(const std::string& id, const std::string& command, const std::string& extra = "") {
  return "  - id: " + id + "\n    type: notify\n" + extra + "    run: |\n      " + command + "\n";
}

constexpr char kPost[] =
    R"(curl -sS -m 5 "$SLACK_WEBHOOK_URL" -H 'Content-Type: application/json' -d '{"text":"x"}'; echo " rc=$?")";

// Refused while the partition holds, served once it heals: the listener closes and reopens
// on the same port, so the URL the runbook was given works again.
TEST(HttpFaultTest, RejectPartitionRefusesConnectionsUntilItHeals) {
  const drill::DrillResult result = RunWith(
      "  - at: 1m\n"
      "    partition: {targets: [endpoint/slack], duration: 5m, mode: reject}\n",
      Step("inside", kPost) + "  - {id: pause, type: wait, duration: 6m}\n" + Step("after", kPost));
  const drill::Attempt& inside = LastAttempt(result, "inside");
  EXPECT_EQ(inside.stdout_data, " rc=7\n") << reports::RenderMarkdown(result);
  EXPECT_THAT(inside.stderr_data, HasSubstr("Failed to connect to 127.0.0.1 port"));
  EXPECT_TRUE(HttpCalls(result, "inside").empty());  // nothing reached the fake
  const drill::Attempt& after = LastAttempt(result, "after");
  EXPECT_EQ(after.stdout_data, "ok rc=0\n") << after.stderr_data;
  ASSERT_EQ(result.final_world.at("slack").at("incidents").at("messages").size(), 1u);
}

TEST(HttpFaultTest, AddedLatencyIsSpentInVirtualTime) {
  const drill::DrillResult result = RunWith(
      "  - at: 0s\n"
      "    add_latency: {target: endpoint/pagerduty, latency: 40s}\n",
      Step(
          "page",
          R"(curl -sS -m 5 "$PAGERDUTY_EVENTS_URL" -H 'Content-Type: application/json' -d "{\"routing_key\":\"$PAGERDUTY_ROUTING_KEY\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"api down\",\"source\":\"api\",\"severity\":\"critical\"}}")") +
          Step("slow-out", R"(curl -sS -m 5 "$PAGERDUTY_API_URL/incidents"; echo " rc=$?")",
               "    timeout: 10s\n"));
  const auto calls = HttpCalls(result, "page");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].exit_code, 202) << calls[0].stdout_data;
  // 40 s added, then the fake's own 100-250 ms.
  EXPECT_GE(calls[0].duration, SimDuration(40100));
  EXPECT_LE(calls[0].duration, SimDuration(40250));

  // The step's virtual deadline comes during the latency: no answer, and the step stops.
  const auto slow = HttpCalls(result, "slow-out");
  ASSERT_EQ(slow.size(), 1u);
  EXPECT_EQ(slow[0].exit_code, -1);
  EXPECT_EQ(slow[0].duration, SimDuration(10000));
  EXPECT_EQ(slow[0].stdout_data,
            "rundrill: no answer (the step's deadline came during the added latency)\n");
  EXPECT_EQ(LastAttempt(result, "slow-out").stop, "virtual-timeout");
}

TEST(HttpFaultTest, InjectedServerErrorsAnswerWithTheServicesOwnBodies) {
  const drill::DrillResult result = RunWith(
      "  - at: 0s\n"
      "    inject_errors: {target: endpoint/slack, error: server_error}\n"
      "  - at: 0s\n"
      "    inject_errors: {target: endpoint/pagerduty, error: unavailable}\n",
      Step("hook", kPost) +
          Step(
              "api",
              R"(curl -sS -m 5 -w ' %{http_code}' -H "Authorization: Bearer $SLACK_BOT_TOKEN" "$SLACK_API_URL/chat.postMessage?channel=incidents&text=x")") +
          Step("page", R"(curl -sS -m 5 -w ' %{http_code}' "$PAGERDUTY_EVENTS_URL" -d '{}')"));
  EXPECT_EQ(LastAttempt(result, "hook").stdout_data, "rollup_error rc=0\n");
  const auto hook = HttpCalls(result, "hook");
  ASSERT_EQ(hook.size(), 1u);
  EXPECT_EQ(hook[0].exit_code, 500);
  EXPECT_EQ(LastAttempt(result, "api").stdout_data, R"({"error":"fatal_error","ok":false} 500)");
  EXPECT_EQ(
      LastAttempt(result, "page").stdout_data,
      R"({"status":"Service Unavailable","message":"Event processing failed; retry later","errors":["Service Unavailable"]} 503)");
  EXPECT_TRUE(result.final_world.at("slack").at("incidents").at("messages").empty());
}

// Accepted and read, never answered: the client gives up on its own (wall) clock, and the
// call is recorded with no answer.
TEST(HttpFaultTest, DropPartitionLeavesTheClientWaitingAndRefusedErrorsReset) {
  const drill::DrillResult result = RunWith(
      "  - at: 0s\n"
      "    partition: {targets: [endpoint/pagerduty], mode: drop}\n"
      "  - at: 0s\n"
      "    inject_errors: {target: endpoint/slack, error: refused}\n",
      Step("page", R"(curl -sS -m 0.5 "$PAGERDUTY_EVENTS_URL" -d '{}'; echo "rc=$?")") +
          Step("hook", R"(curl -sS -m 5 "$SLACK_WEBHOOK_URL" -d '{}'; echo "rc=$?")"));
  EXPECT_EQ(LastAttempt(result, "page").stdout_data, "rc=28\n");
  const auto page = HttpCalls(result, "page");
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].exit_code, -1);
  EXPECT_EQ(page[0].duration, SimDuration(0));
  EXPECT_EQ(page[0].stdout_data, "rundrill: no answer (partition: packets dropped)\n");
  EXPECT_EQ(LastAttempt(result, "hook").stdout_data, "rc=56\n");
  const auto hook = HttpCalls(result, "hook");
  ASSERT_EQ(hook.size(), 1u);
  EXPECT_EQ(hook[0].stdout_data, "rundrill: connection reset (injected error: refused)\n");
}

}  // namespace
}  // namespace rundrill
