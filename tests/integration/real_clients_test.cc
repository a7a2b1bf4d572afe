// The Slack and PagerDuty fakes as real HTTP clients meet them: curl, python3's urllib and
// httpx, each run in a drill step against the drill's loopback listeners. Every check reads
// what the client printed (status codes, bodies, the exceptions it raised) and what landed
// in the simulated world. The last tests run the bundled runbooks' own clients (a Python
// pipeline, a bash and curl script) into failing services and check what they report.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "reports/markdown_report.h"
#include "simulator/drill/drill.h"
#include "simulator/load/loader.h"
#include "tests/integration/integration_harness.h"

namespace rundrill {
namespace {

using ::testing::HasSubstr;

using integration::kSource;

drill::DrillOptions Options(uint64_t seed) { return integration::RealProcessOptions(seed); }

// An alert at 1m against the default Slack workspace and PagerDuty account; `timeline`
// adds events before it (YAML list items).
model::Scenario InlineScenario(const std::string& timeline = "") {
  return integration::AlertAfter("real-clients", timeline);
}

// A runbook step (a YAML list item) whose command is a literal block, so that it can hold
// quotes, heredocs and Python as they are.
std::string Step(const std::string& id, const std::string& command) {
  std::string out = "  - id: " + id + "\n    type: check\n    timeout: 1m\n    run: |\n";
  std::istringstream lines(command);
  for (std::string line; std::getline(lines, line);) {
    out += line.empty() ? "\n" : "      " + line + "\n";
  }
  return out;
}

model::Runbook InlineRunbook(const std::string& steps) {
  return integration::InlineRunbook("clients", steps);
}

drill::DrillResult DrillWith(const model::Scenario& scenario,
                             const std::vector<model::Runbook>& runbooks, uint64_t seed = 5) {
  auto result = drill::RunDrill(scenario, runbooks, Options(seed));
  EXPECT_TRUE(result.ok()) << result.status().message();
  return result.ok() ? *result : drill::DrillResult{};
}

const drill::StepRecord* FindStep(const drill::DrillResult& result, const std::string& id) {
  for (const auto& run : result.runbooks) {
    for (const auto& step : run.steps) {
      if (step.id == id) return &step;
    }
  }
  return nullptr;
}

// The step's last attempt; fails the test (and gives an empty one) when the step is absent
// or never ran.
const drill::Attempt& Last(const drill::DrillResult& result, const std::string& id) {
  static const drill::Attempt kMissing;
  const drill::StepRecord* step = FindStep(result, id);
  if (step == nullptr || step->attempts.empty()) {
    ADD_FAILURE() << "step " << id << " did not run\n" << reports::RenderMarkdown(result);
    return kMissing;
  }
  return step->attempts.back();
}

drill::StepOutcome Outcome(const drill::DrillResult& result, const std::string& id) {
  const drill::StepRecord* step = FindStep(result, id);
  if (step == nullptr) {
    ADD_FAILURE() << "no step " << id;
    return drill::StepOutcome::kSkipped;
  }
  return step->outcome;
}

std::vector<std::string> MessageTexts(const drill::DrillResult& result,
                                      const std::string& channel = "incidents") {
  std::vector<std::string> texts;
  for (const auto& m : result.final_world.at("slack").at(channel).at("messages")) {
    texts.push_back(m.at("text").get<std::string>());
  }
  return texts;
}

const nlohmann::json& Incidents(const drill::DrillResult& result) {
  return result.final_world.at("pagerduty").at("incidents");
}

model::Scenario LoadScenarioWith(const std::string& relative, const std::string& extra_events) {
  std::ifstream file(kSource + "/" + relative);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const std::string marker = "\ntimeline:\n";
  const size_t at = text.find(marker);
  EXPECT_NE(at, std::string::npos) << relative << " has no timeline";
  if (at != std::string::npos) text.insert(at + marker.size(), extra_events);
  std::vector<load::Diagnostic> errors;
  auto scenario = load::ParseScenario(text, kSource + "/" + relative, &errors);
  for (const auto& e : errors) ADD_FAILURE() << e.ToString();
  return *scenario;
}

using integration::LoadRunbook;

// --- curl --------------------------------------------------------------------------------

constexpr char kCurlJson[] = "curl -sS -m 10 -H 'Content-Type: application/json'";

TEST(RealClientsTest, CurlPostsToTheWebhookAndSeesItsRefusals) {
  const std::string post = std::string(kCurlJson) + " --fail-with-body";
  const drill::DrillResult result = DrillWith(
      InlineScenario(),
      {InlineRunbook(
          Step(
              "hook-ok",
              post +
                  R"sh( --data '{"text": "curl: api is failing"}' "$SLACK_WEBHOOK_URL"; echo " rc=$?")sh") +
          Step("hook-not-json",
               post + R"sh( --data 'this is not json' "$SLACK_WEBHOOK_URL"; echo " rc=$?")sh") +
          Step("hook-empty", post + R"sh( --data '{}' "$SLACK_WEBHOOK_URL"; echo " rc=$?")sh") +
          Step(
              "hook-status",
              std::string(kCurlJson) +
                  R"sh( -o /dev/null -w '%{http_code} %{content_type}\n' --data '{"text": 5}' "$SLACK_WEBHOOK_URL")sh"))});
  EXPECT_EQ(Last(result, "hook-ok").stdout_data, "ok rc=0\n");
  // --fail-with-body: exit 22, and the body still tells why.
  EXPECT_EQ(Last(result, "hook-not-json").stdout_data, "invalid_payload rc=22\n");
  EXPECT_THAT(Last(result, "hook-not-json").stderr_data,
              HasSubstr("The requested URL returned error: 400"));
  EXPECT_EQ(Last(result, "hook-empty").stdout_data,
            "missing_text_or_fallback_or_attachments rc=22\n");
  EXPECT_EQ(Last(result, "hook-status").stdout_data, "400 text/html\n");
  EXPECT_EQ(MessageTexts(result), std::vector<std::string>{"curl: api is failing"});
}

TEST(RealClientsTest, CurlCallsChatPostMessageWithTheBotTokenOnly) {
  // Every answer is HTTP 200; the JSON says whether it worked. Each step prints "ok error".
  const drill::DrillResult result = DrillWith(
      InlineScenario(),
      {InlineRunbook(
          Step(
              "api-ok",
              R"sh(curl -sS -m 10 -H "Authorization: Bearer $SLACK_BOT_TOKEN" -H 'Content-Type: application/json; charset=utf-8' --data '{"channel": "#incidents", "text": "posted with the Web API"}' "$SLACK_API_URL/chat.postMessage" | jq -r '"\(.ok) \(.channel | test("^C[0-9A-Z]{8}$")) \(.message.text)"')sh") +
          Step(
              "api-wrong-token",
              R"sh(curl -sS -m 10 -H 'Authorization: Bearer xoxb-000-not-the-token' -H 'Content-Type: application/json' --data '{"channel": "#incidents", "text": "x"}' "$SLACK_API_URL/chat.postMessage" | jq -r '"\(.ok) \(.error)"')sh") +
          Step(
              "api-no-token",
              R"sh(curl -sS -m 10 -H 'Content-Type: application/json' --data '{"channel": "#incidents", "text": "x"}' "$SLACK_API_URL/chat.postMessage" | jq -r '"\(.ok) \(.error)"')sh") +
          Step(
              "api-no-text",
              R"sh(curl -sS -m 10 -H "Authorization: Bearer $SLACK_BOT_TOKEN" -H 'Content-Type: application/json' --data '{"channel": "#incidents"}' "$SLACK_API_URL/chat.postMessage" | jq -r '"\(.ok) \(.error)"')sh") +
          Step(
              "api-unknown-channel",
              R"sh(curl -sS -m 10 -H "Authorization: Bearer $SLACK_BOT_TOKEN" --data-urlencode 'channel=#nowhere' --data-urlencode 'text=x' "$SLACK_API_URL/chat.postMessage" | jq -r '"\(.ok) \(.error)"')sh"))});
  EXPECT_EQ(Last(result, "api-ok").stdout_data, "true true posted with the Web API\n");
  EXPECT_EQ(Last(result, "api-wrong-token").stdout_data, "false invalid_auth\n");
  EXPECT_EQ(Last(result, "api-no-token").stdout_data, "false not_authed\n");
  EXPECT_EQ(Last(result, "api-no-text").stdout_data, "false no_text\n");
  EXPECT_EQ(Last(result, "api-unknown-channel").stdout_data, "false channel_not_found\n");
  EXPECT_EQ(MessageTexts(result), std::vector<std::string>{"posted with the Web API"});
}

TEST(RealClientsTest, CurlTriggersDeduplicatesAndResolvesThroughEventsV2) {
  // Prints "<http status> <status> <dedup_key or first error>" for one event on stdin.
  const std::string send =
      std::string(kCurlJson) +
      R"sh( --data @- -o "$TMPDIR/answer" -w '%{http_code} ' "$PAGERDUTY_EVENTS_URL" && jq -r '"\(.status) \(.dedup_key // .errors[0])"' "$TMPDIR/answer")sh";
  const std::string event =
      R"sh(jq -n --arg key "$PAGERDUTY_ROUTING_KEY" --arg action "$1" '{routing_key: $key, event_action: $action, dedup_key: "api-5xx", payload: {summary: "api 5xx above 5%", source: "api", severity: "critical"}}')sh";
  const std::string rest =
      R"sh(curl -sS -m 10 -H 'Accept: application/vnd.pagerduty+json;version=2')sh";
  const drill::DrillResult result = DrillWith(
      InlineScenario(),
      {InlineRunbook(
          Step("trigger-twice", "event() { " + event + "; }\nevent trigger | " + send +
                                    "\nevent trigger | " + send) +
          Step(
              "list",
              rest +
                  R"sh( --fail-with-body -H "Authorization: Token token=$PAGERDUTY_API_TOKEN" "$PAGERDUTY_API_URL/incidents" | jq -r '"\(.incidents | length) \(.incidents[0].status) \(.incidents[0].incident_key)"')sh") +
          Step("malformed", "printf '{\"routing_key\": ' | " + send) +
          Step(
              "invalid",
              R"sh(jq -n '{event_action: "trigger", payload: {summary: "x", source: "y", severity: "critical"}}' | )sh" +
                  send) +
          Step(
              "wrong-token",
              rest +
                  R"sh( -o "$TMPDIR/answer" -w '%{http_code} ' -H 'Authorization: Token token=not-a-token' "$PAGERDUTY_API_URL/incidents" && jq -r .error.message "$TMPDIR/answer")sh") +
          Step("resolve", "event() { " + event + "; }\nevent resolve | " + send) +
          Step(
              "list-after",
              rest +
                  R"sh( -g --fail-with-body -H "Authorization: Token token=$PAGERDUTY_API_TOKEN" "$PAGERDUTY_API_URL/incidents?statuses[]=resolved" | jq -r '"\(.incidents | length) \(.incidents[0].status)"')sh"))});
  EXPECT_EQ(Last(result, "trigger-twice").stdout_data,
            "202 success api-5xx\n202 success api-5xx\n");
  EXPECT_EQ(Last(result, "list").stdout_data, "1 triggered api-5xx\n");
  EXPECT_EQ(Last(result, "malformed").stdout_data, "400 Unrecognized object JSON parse error\n");
  EXPECT_EQ(Last(result, "invalid").stdout_data,
            "400 invalid event 'routing_key' is missing or blank\n");
  EXPECT_EQ(Last(result, "wrong-token").stdout_data, "401 Authentication failed\n");
  EXPECT_EQ(Last(result, "resolve").stdout_data, "202 success api-5xx\n");
  EXPECT_EQ(Last(result, "list-after").stdout_data, "1 resolved\n");
  const auto& incidents = Incidents(result);
  ASSERT_EQ(incidents.size(), 1u) << incidents.dump(2);
  EXPECT_EQ(incidents[0].at("deduplicated_events"), 1);
  EXPECT_EQ(incidents[0].at("status"), "resolved");
  EXPECT_EQ(incidents[0].at("title"), "api 5xx above 5%");
}

// --- python3 urllib ----------------------------------------------------------------------

// Helpers every Python step below shares: POST JSON and print "<status> <body>", whether
// the answer was a success or an HTTPError (whose body is read like a response's).
constexpr char kUrllibPrelude[] = R"sh(python3 - <<'PY'
import json, os, socket, urllib.error, urllib.request

def post(url, body, headers=None, raw=None):
    data = raw if raw is not None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
)sh";

TEST(RealClientsTest, PythonUrllibReadsAnswersAndHttpErrorBodies) {
  const std::string script = std::string(kUrllibPrelude) + R"sh(
hook = os.environ["SLACK_WEBHOOK_URL"]
print("webhook", *post(hook, {"text": "urllib: api is failing"}))
print("webhook", *post(hook, None, raw=b"{not json"))
print("webhook", *post(hook, {"blocks": [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}]}))

api = os.environ["SLACK_API_URL"] + "/chat.postMessage"
for token in (os.environ["SLACK_BOT_TOKEN"], "xoxb-wrong"):
    status, body = post(api, {"channel": "incidents", "text": "urllib via Web API"},
                        {"Authorization": "Bearer " + token})
    answer = json.loads(body)
    print("postMessage", status, answer["ok"], answer.get("error", "-"))

events = os.environ["PAGERDUTY_EVENTS_URL"]
event = {"routing_key": os.environ["PAGERDUTY_ROUTING_KEY"], "event_action": "trigger",
         "dedup_key": "db-pool", "payload": {"summary": "orders pool exhausted",
                                             "source": "db-1", "severity": "error"}}
for _ in range(2):
    status, body = post(events, event)
    print("events", status, json.loads(body)["status"])
status, body = post(events, None, raw=b'{"routing_key": "R0UNDR1LL", ')
print("events", status, json.loads(body)["errors"])
bad = dict(event, routing_key="short")
status, body = post(events, bad)
print("events", status, json.loads(body)["errors"])
PY)sh";
  const drill::DrillResult result =
      DrillWith(InlineScenario(), {InlineRunbook(Step("urllib", script))});
  EXPECT_EQ(Outcome(result, "urllib"), drill::StepOutcome::kSucceeded)
      << Last(result, "urllib").stderr_data;
  EXPECT_EQ(Last(result, "urllib").stdout_data,
            "webhook 200 ok\n"
            "webhook 400 invalid_payload\n"
            "webhook 400 invalid_blocks\n"
            "postMessage 200 True -\n"
            "postMessage 200 False invalid_auth\n"
            "events 202 success\n"
            "events 202 success\n"
            "events 400 ['JSON parse error']\n"
            "events 400 [\"Length of 'routing_key' is incorrect (should be 32 characters)\"]\n");
  EXPECT_EQ(MessageTexts(result),
            (std::vector<std::string>{"urllib: api is failing", "urllib via Web API"}));
  const auto& incidents = Incidents(result);
  ASSERT_EQ(incidents.size(), 1u) << incidents.dump(2);
  EXPECT_EQ(incidents[0].at("incident_key"), "db-pool");
  EXPECT_EQ(incidents[0].at("deduplicated_events"), 1);
  EXPECT_EQ(incidents[0].at("status"), "triggered");
}

// A reject partition closes the listener (URLError wrapping ConnectionRefusedError); a drop
// partition takes the request and never answers (a timeout, on the wall clock).
TEST(RealClientsTest, PythonUrllibTellsRefusedFromTimedOut) {
  const std::string script = std::string(kUrllibPrelude) + R"sh(
for name, url in (("slack", os.environ["SLACK_WEBHOOK_URL"]),
                  ("pagerduty", os.environ["PAGERDUTY_EVENTS_URL"])):
    req = urllib.request.Request(url, data=b'{"text": "x"}', method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(req, timeout=0.5)
        print(name, "answered")
    except urllib.error.HTTPError as e:
        print(name, "HTTP", e.code)
    except urllib.error.URLError as e:
        print(name, "URLError", type(e.reason).__name__)
    except TimeoutError as e:
        print(name, "timed out")
PY)sh";
  const drill::DrillResult result =
      DrillWith(InlineScenario("  - at: 0s\n"
                               "    partition: {targets: [endpoint/slack], mode: reject}\n"
                               "  - at: 0s\n"
                               "    partition: {targets: [endpoint/pagerduty], mode: drop}\n"),
                {InlineRunbook(Step("urllib", script))});
  EXPECT_EQ(Last(result, "urllib").stdout_data,
            "slack URLError ConnectionRefusedError\npagerduty timed out\n")
      << Last(result, "urllib").stderr_data;
  EXPECT_TRUE(MessageTexts(result).empty());
  EXPECT_TRUE(Incidents(result).empty());
}

// --- python3 httpx -----------------------------------------------------------------------

// Whether the python3 that steps find on their PATH (the system's) can import httpx.
bool StepPythonHasHttpx() {
  const int status =
      std::system("PATH=/usr/local/bin:/usr/bin:/bin python3 -c 'import httpx' >/dev/null 2>&1");
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TEST(RealClientsTest, PythonHttpxPostsPagesAndRaisesOnErrors) {
  if (!StepPythonHasHttpx()) {
    GTEST_SKIP() << "python3 on the steps' PATH (/usr/local/bin:/usr/bin:/bin) cannot import "
                    "httpx; install the Debian package python3-httpx (scripts/setup.sh does)";
  }
  const std::string script = R"sh(python3 - <<'PY'
import os, httpx

with httpx.Client(timeout=5.0) as client:
    r = client.post(os.environ["SLACK_WEBHOOK_URL"], json={"text": "httpx: api is failing"})
    print("webhook", r.status_code, r.text)
    r = client.post(os.environ["SLACK_WEBHOOK_URL"], json={"text": ""})
    try:
        r.raise_for_status()
    except httpx.HTTPStatusError as e:
        print("webhook", e.response.status_code, e.response.text)
    r = client.post(os.environ["SLACK_API_URL"] + "/chat.postMessage",
                    headers={"Authorization": "Bearer xoxb-wrong"},
                    json={"channel": "#incidents", "text": "x"})
    print("postMessage", r.status_code, r.json()["error"])
    event = {"routing_key": os.environ["PAGERDUTY_ROUTING_KEY"], "event_action": "trigger",
             "dedup_key": "disk-db-1",
             "payload": {"summary": "db-1 disk 95%", "source": "db-1", "severity": "warning"}}
    for _ in range(2):
        r = client.post(os.environ["PAGERDUTY_EVENTS_URL"], json=event)
        print("events", r.status_code, r.json()["dedup_key"])
    r = client.post(os.environ["PAGERDUTY_EVENTS_URL"], content=b"[1, 2",
                    headers={"Content-Type": "application/json"})
    print("events", r.status_code, r.json()["status"], r.json()["errors"])
    r = client.get(os.environ["PAGERDUTY_API_URL"] + "/incidents",
                   headers={"Authorization": "Token token=" + os.environ["PAGERDUTY_API_TOKEN"]})
    print("incidents", r.status_code, [i["incident_key"] for i in r.json()["incidents"]])
PY)sh";
  const std::string refused = R"sh(python3 - <<'PY'
import os, httpx
try:
    httpx.post(os.environ["SLACK_WEBHOOK_URL"], json={"text": "x"}, timeout=2.0)
    print("answered")
except httpx.ConnectError as e:
    print("ConnectError")
PY)sh";
  // The second step runs after a reject partition of Slack starts.
  const drill::DrillResult result = DrillWith(
      InlineScenario("  - at: 5m\n"
                     "    partition: {targets: [endpoint/slack], mode: reject}\n"),
      {InlineRunbook(Step("httpx", script) + "  - {id: pause, type: wait, duration: 5m}\n" +
                     Step("httpx-refused", refused))});
  EXPECT_EQ(Outcome(result, "httpx"), drill::StepOutcome::kSucceeded)
      << Last(result, "httpx").stderr_data;
  EXPECT_EQ(Last(result, "httpx").stdout_data,
            "webhook 200 ok\n"
            "webhook 400 missing_text_or_fallback_or_attachments\n"
            "postMessage 200 invalid_auth\n"
            "events 202 disk-db-1\n"
            "events 202 disk-db-1\n"
            "events 400 Unrecognized object ['JSON parse error']\n"
            "incidents 200 ['disk-db-1']\n");
  EXPECT_EQ(Last(result, "httpx-refused").stdout_data, "ConnectError\n")
      << Last(result, "httpx-refused").stderr_data;
  EXPECT_EQ(MessageTexts(result), std::vector<std::string>{"httpx: api is failing"});
  ASSERT_EQ(Incidents(result).size(), 1u);
  EXPECT_EQ(Incidents(result)[0].at("deduplicated_events"), 1);
}

// --- the bundled runbooks' own clients ---------------------------------------------------

// Slack answers 500 throughout: the Python pipeline says so on stderr with the body Slack
// sent, carries on (the chat post is not the fix), and still pages, once.
TEST(RealClientsTest, PythonPipelineReportsSlackErrorsAndStillPages) {
  const drill::DrillResult result = DrillWith(
      LoadScenarioWith("scenarios/crashloop-fix-fails-pages-oncall.yaml",
                       "  - at: 0s\n"
                       "    inject_errors: {target: endpoint/slack, error: server_error}\n"),
      {LoadRunbook("runbooks/crashloop-autoremediate.yaml")}, 22);
  EXPECT_EQ(Outcome(result, "post-diagnosis"), drill::StepOutcome::kFailed);
  EXPECT_THAT(Last(result, "post-diagnosis").stderr_data,
              HasSubstr("post-diagnosis: Slack webhook failed after 3 attempts: HTTP 500 "
                        "Internal Server Error: rollup_error"));
  EXPECT_EQ(Outcome(result, "remediate"), drill::StepOutcome::kSucceeded);
  EXPECT_EQ(Outcome(result, "verify"), drill::StepOutcome::kFailed);
  EXPECT_EQ(Outcome(result, "escalate"), drill::StepOutcome::kSucceeded)
      << Last(result, "escalate").stderr_data;
  EXPECT_THAT(Last(result, "escalate").stdout_data,
              HasSubstr("paged on-call: PagerDuty accepted the trigger, dedup_key "
                        "crashloop-autoremediate/"));
  EXPECT_THAT(Last(result, "escalate").stderr_data,
              HasSubstr("the page went out, but the Slack post failed"));
  EXPECT_TRUE(MessageTexts(result).empty());
  ASSERT_EQ(Incidents(result).size(), 1u);
  EXPECT_EQ(Incidents(result)[0].at("urgency"), "high");
}

// PagerDuty refuses connections: the bash and curl runbook cannot page, says why on stderr,
// tells #incidents to page by hand, and its page step fails.
TEST(RealClientsTest, CurlRunbookReportsARefusedPageInSlack) {
  const drill::DrillResult result =
      DrillWith(LoadScenarioWith("scenarios/disk-full-curl-cleanup-pages-oncall.yaml",
                                 "  - at: 0s\n"
                                 "    partition: {targets: [endpoint/pagerduty], mode: reject}\n"),
                {LoadRunbook("runbooks/disk-cleanup-curl.yaml")}, 32);
  ASSERT_FALSE(result.runbooks.empty());
  EXPECT_EQ(Outcome(result, "verify"), drill::StepOutcome::kFailed);
  EXPECT_EQ(Outcome(result, "page"), drill::StepOutcome::kFailed);
  const std::string& err = Last(result, "page").stderr_data;
  EXPECT_THAT(err, HasSubstr("PagerDuty Events API: cannot connect to http://127.0.0.1:"));
  EXPECT_THAT(err, HasSubstr("disk_cleanup: could not page on-call"));
  const std::vector<std::string> texts = MessageTexts(result);
  ASSERT_FALSE(texts.empty());
  EXPECT_THAT(texts[0], HasSubstr("Paging on-call engineer FAILED: page them by hand."));
  EXPECT_TRUE(Incidents(result).empty());
}

}  // namespace
}  // namespace rundrill
