// Whole drills: real /bin/sh and python3 steps, the real shim, the fake kubectl.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "reports/markdown_report.h"
#include "reports/result_json.h"
#include "simulator/drill/drill.h"
#include "simulator/load/loader.h"
#include "tests/integration/integration_harness.h"

namespace rundrill {
namespace {

using integration::kSource;

drill::DrillOptions Options(uint64_t seed) { return integration::RealProcessOptions(seed); }

model::Scenario LoadScenario(const std::string& relative) {
  std::vector<load::Diagnostic> errors;
  auto scenario = load::LoadScenarioFile(kSource + "/" + relative, &errors);
  for (const auto& e : errors) ADD_FAILURE() << e.ToString();
  return *scenario;
}

using integration::LoadRunbook;

model::Runbook ParseRunbookText(const std::string& text) {
  std::vector<load::Diagnostic> errors;
  auto runbook = load::ParseRunbook(text, kSource + "/runbooks/inline.yaml", &errors);
  for (const auto& e : errors) ADD_FAILURE() << e.ToString();
  return *runbook;
}

const drill::StepRecord* FindStep(const drill::DrillResult& result, const std::string& id) {
  for (const auto& run : result.runbooks) {
    for (const auto& step : run.steps) {
      if (step.id == id) return &step;
    }
  }
  return nullptr;
}

std::string Describe(const drill::DrillResult& result) { return reports::RenderMarkdown(result); }

TEST(DrillIntegrationTest, CrashLoopScenarioRollsBack) {
  auto result = drill::RunDrill(LoadScenario("scenarios/bad-deploy-crashloop.yaml"),
                                {LoadRunbook("runbooks/high-error-rate.yaml")}, Options(7));
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_TRUE(result->passed) << Describe(*result);
  const auto* rollback = FindStep(*result, "rollback");
  ASSERT_NE(rollback, nullptr);
  EXPECT_EQ(rollback->outcome, drill::StepOutcome::kSucceeded);
  const auto* pods = FindStep(*result, "pods");
  ASSERT_NE(pods, nullptr);
  ASSERT_TRUE(pods->capture_value.has_value());
  EXPECT_NE(pods->capture_value->find("\"crash_looping\": true"), std::string::npos);
  // python3's subprocess reached the fake through the shim.
  bool python_called_kubectl = false;
  for (const auto& call : result->transcript) {
    python_called_kubectl = python_called_kubectl ||
                            (call.step == "pods" && call.argv.size() > 2 && call.argv[1] == "get");
  }
  EXPECT_TRUE(python_called_kubectl);
}

TEST(DrillIntegrationTest, NotReadyScenarioDoesNotRollBack) {
  auto result = drill::RunDrill(LoadScenario("scenarios/readiness-dependency-outage.yaml"),
                                {LoadRunbook("runbooks/high-error-rate.yaml")}, Options(11));
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_TRUE(result->passed) << Describe(*result);
  const auto* rollback = FindStep(*result, "rollback");
  ASSERT_NE(rollback, nullptr);
  EXPECT_EQ(rollback->outcome, drill::StepOutcome::kSkipped);
  for (const auto& call : result->transcript) {
    EXPECT_FALSE(call.argv.size() > 2 && call.argv[1] == "rollout" && call.argv[2] == "undo");
  }
}

TEST(DrillIntegrationTest, HealthyPodsHandOver) {
  auto result = drill::RunDrill(LoadScenario("scenarios/upstream-errors-hand-over.yaml"),
                                {LoadRunbook("runbooks/high-error-rate.yaml")}, Options(3));
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_TRUE(result->passed) << Describe(*result);
  const auto* hand_over = FindStep(*result, "hand-over");
  ASSERT_NE(hand_over, nullptr);
  EXPECT_EQ(hand_over->outcome, drill::StepOutcome::kFailed);
  EXPECT_EQ(hand_over->attempts.at(0).stdout_data, "manual intervention required\n");
  // Only reads reached the cluster: nothing was rolled back, restarted or scaled.
  for (const auto& call : result->transcript) {
    ASSERT_GE(call.argv.size(), 2u);
    EXPECT_TRUE(call.argv[1] == "get" || (call.argv[1] == "rollout" && call.argv[2] == "history"))
        << call.argv[1];
  }
}

TEST(DrillIntegrationTest, SameSeedGivesIdenticalBytes) {
  const auto scenario = LoadScenario("scenarios/bad-deploy-crashloop.yaml");
  const auto runbook = LoadRunbook("runbooks/high-error-rate.yaml");
  auto first = drill::RunDrill(scenario, {runbook}, Options(7));
  auto second = drill::RunDrill(scenario, {runbook}, Options(7));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(reports::RenderResultJson(*first), reports::RenderResultJson(*second));
  EXPECT_EQ(reports::RenderMarkdown(*first), reports::RenderMarkdown(*second));
}

// A drill whose runbook does nothing useful must fail: expectations are not decoration.
TEST(DrillIntegrationTest, UselessRunbookFailsTheDrill) {
  const auto runbook = ParseRunbookText(R"(apiVersion: rundrill/v1
kind: Runbook
metadata: {name: look-only}
trigger: {alertname: HighErrorRate}
steps:
  - id: look
    type: check
    run: kubectl get pods -n production
)");
  auto result =
      drill::RunDrill(LoadScenario("scenarios/bad-deploy-crashloop.yaml"), {runbook}, Options(7));
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->passed);
  ASSERT_EQ(result->runbooks.size(), 1u);
  EXPECT_EQ(result->runbooks[0].outcome, "succeeded");
}

TEST(DrillIntegrationTest, VirtualTimeoutStopsASleepingStep) {
  const auto runbook = ParseRunbookText(R"(apiVersion: rundrill/v1
kind: Runbook
metadata: {name: sleeper}
trigger: {alertname: HighErrorRate}
steps:
  - id: nap
    type: check
    run: sleep 600; echo woke
    timeout: 1m
  - id: after
    type: check
    run: "true"
)");
  auto result =
      drill::RunDrill(LoadScenario("scenarios/bad-deploy-crashloop.yaml"), {runbook}, Options(7));
  ASSERT_TRUE(result.ok());
  const auto* nap = FindStep(*result, "nap");
  ASSERT_NE(nap, nullptr);
  EXPECT_EQ(nap->outcome, drill::StepOutcome::kTimedOut);
  EXPECT_EQ(nap->ended_at - nap->started_at, SimDuration(60000));
  EXPECT_EQ(nap->attempts.at(0).stdout_data, "");
  const auto* after = FindStep(*result, "after");
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(after->outcome, drill::StepOutcome::kSkipped);
  EXPECT_EQ(result->runbooks[0].outcome, "failed");
}

TEST(DrillIntegrationTest, RetriesBackOffInVirtualTime) {
  const auto runbook = ParseRunbookText(R"(apiVersion: rundrill/v1
kind: Runbook
metadata: {name: flaky}
trigger: {alertname: HighErrorRate}
steps:
  - id: probe
    type: check
    run: kubectl get deployment api -n production -o jsonpath='{.status.readyReplicas}'
    expect: {stdout_matches: "^no such count$"}
    retries: {attempts: 3, backoff: 10s, multiplier: 3}
)");
  auto result =
      drill::RunDrill(LoadScenario("scenarios/bad-deploy-crashloop.yaml"), {runbook}, Options(7));
  ASSERT_TRUE(result.ok());
  const auto* probe = FindStep(*result, "probe");
  ASSERT_NE(probe, nullptr);
  // The expectation can never hold, so every attempt runs and fails.
  ASSERT_EQ(probe->attempts.size(), 3u);
  EXPECT_EQ(probe->outcome, drill::StepOutcome::kFailed);
  EXPECT_GE(probe->attempts[1].started_at - probe->attempts[0].ended_at, SimDuration(10000));
  EXPECT_GE(probe->attempts[2].started_at - probe->attempts[1].ended_at, SimDuration(30000));
}

TEST(DrillIntegrationTest, StepsSeeAlertAndParamsButNoHostSecrets) {
  setenv("AWS_SECRET_ACCESS_KEY", "must-not-leak", 1);
  const auto runbook = ParseRunbookText(R"(apiVersion: rundrill/v1
kind: Runbook
metadata: {name: env-dump}
trigger: {alertname: HighErrorRate}
params:
  SERVICE: {label: service}
steps:
  - id: env
    type: check
    run: env | sort; python3 -c 'import json,os; print(json.load(open(os.environ["RUNDRILL_ALERT_FILE"]))["version"])'
    capture: ENV
)");
  auto result =
      drill::RunDrill(LoadScenario("scenarios/bad-deploy-crashloop.yaml"), {runbook}, Options(7));
  unsetenv("AWS_SECRET_ACCESS_KEY");
  ASSERT_TRUE(result.ok());
  const auto* step = FindStep(*result, "env");
  ASSERT_NE(step, nullptr);
  ASSERT_EQ(step->outcome, drill::StepOutcome::kSucceeded) << Describe(*result);
  const std::string& out = step->attempts.at(0).stdout_data;
  EXPECT_NE(out.find("SERVICE=api\n"), std::string::npos);
  EXPECT_NE(out.find("ALERT_LABEL_SEVERITY=critical\n"), std::string::npos);
  EXPECT_NE(out.find("\n4\n"), std::string::npos);  // the payload's version field
  EXPECT_EQ(out.find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
}

model::Scenario ParseScenarioText(const std::string& text) {
  std::vector<load::Diagnostic> errors;
  auto scenario = load::ParseScenario(text, kSource + "/scenarios/inline.yaml", &errors);
  for (const auto& e : errors) ADD_FAILURE() << e.ToString();
  return *scenario;
}

// A short scenario: one alert at 1m, a 10m horizon, no expectations.
const char kShortScenario[] = R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: short}
horizon: 10m
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

TEST(DrillIntegrationTest, RecordedOutputNamesNoRandomSandboxPath) {
  const auto runbook = ParseRunbookText(R"(apiVersion: rundrill/v1
kind: Runbook
metadata: {name: where}
trigger: {alertname: HighErrorRate}
steps:
  - id: pwd
    type: check
    run: pwd; echo "$RUNDRILL_ALERT_FILE"; kubectl get pods -n "$HOME"
    expect: {exit_code: 0}
    capture: WHERE
)");
  const auto scenario = ParseScenarioText(kShortScenario);
  auto first = drill::RunDrill(scenario, {runbook}, Options(3));
  auto second = drill::RunDrill(scenario, {runbook}, Options(3));
  ASSERT_TRUE(first.ok() && second.ok());
  const auto* step = FindStep(*first, "pwd");
  ASSERT_NE(step, nullptr);
  EXPECT_EQ(step->attempts.at(0).stdout_data.rfind("/rundrill-sandbox/home\n", 0), 0u)
      << step->attempts.at(0).stdout_data;
  EXPECT_EQ(reports::RenderResultJson(*first), reports::RenderResultJson(*second));
}

TEST(DrillIntegrationTest, ScenarioWithoutExpectationsStillNeedsResolution) {
  const auto runbook = ParseRunbookText(R"(apiVersion: rundrill/v1
kind: Runbook
metadata: {name: noop}
trigger: {alertname: HighErrorRate}
steps:
  - {id: look, type: check, run: "true"}
)");
  auto result = drill::RunDrill(ParseScenarioText(kShortScenario), {runbook}, Options(3));
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->expectations.size(), 1u);
  EXPECT_NE(result->expectations[0].what.find("implicit"), std::string::npos);
  EXPECT_FALSE(result->passed);  // the alert never resolves
}

TEST(DrillIntegrationTest, HorizonStopsARunbookThatOutlivesIt) {
  const auto runbook = ParseRunbookText(R"(apiVersion: rundrill/v1
kind: Runbook
metadata: {name: slow}
trigger: {alertname: HighErrorRate}
steps:
  - id: long-wait
    type: check
    run: sleep 30m
    timeout: 1h
  - {id: never, type: check, run: "true"}
)");
  auto result = drill::RunDrill(ParseScenarioText(kShortScenario), {runbook}, Options(3));
  ASSERT_TRUE(result.ok());
  const auto* wait = FindStep(*result, "long-wait");
  ASSERT_NE(wait, nullptr);
  EXPECT_EQ(wait->outcome, drill::StepOutcome::kTimedOut);
  EXPECT_EQ(wait->reason, "stopped at the scenario's horizon");
  EXPECT_EQ(wait->ended_at, SimTime(600000));
  EXPECT_EQ(FindStep(*result, "never")->outcome, drill::StepOutcome::kSkipped);
}

TEST(DrillIntegrationTest, UnmodelledInfrastructureToolsFailLoudly) {
  const auto runbook = ParseRunbookText(R"(apiVersion: rundrill/v1
kind: Runbook
metadata: {name: cloud}
trigger: {alertname: HighErrorRate}
steps:
  - id: aws
    type: check
    run: aws s3 ls
    expect: {exit_code: 127}
  - id: url
    type: check
    run: echo "$SLACK_WEBHOOK_URL"
    expect: {stdout_matches: "^http://127\\.0\\.0\\.1:"}
)");
  auto result = drill::RunDrill(ParseScenarioText(kShortScenario), {runbook}, Options(3));
  ASSERT_TRUE(result.ok());
  const auto* aws = FindStep(*result, "aws");
  EXPECT_EQ(aws->outcome, drill::StepOutcome::kSucceeded) << Describe(*result);
  EXPECT_EQ(aws->attempts.at(0).stderr_data,
            "rundrill: 'aws' is not modelled; add a stub in the scenario\n");
  EXPECT_EQ(FindStep(*result, "url")->outcome, drill::StepOutcome::kSucceeded) << Describe(*result);
}

// std::regex would overflow the stack matching this; the drill must judge it.
TEST(DrillIntegrationTest, LongOutputIsMatchedWithoutCrashing) {
  const auto runbook = ParseRunbookText(R"yaml(apiVersion: rundrill/v1
kind: Runbook
metadata: {name: chatty}
trigger: {alertname: HighErrorRate}
steps:
  - id: big
    type: check
    run: python3 -c "print('start' + 'x' * 400000 + 'end')"
    expect: {stdout_matches: "start.*end"}
)yaml");
  auto result = drill::RunDrill(ParseScenarioText(kShortScenario), {runbook}, Options(3));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(FindStep(*result, "big")->outcome, drill::StepOutcome::kSucceeded);
}

using integration::RunTool;

TEST(DrillIntegrationTest, CliRunWritesReportsAndExitCodes) {
  const std::string out = testing::TempDir() + "/rundrill-cli-run";
  std::filesystem::remove_all(out);
  auto run = RunTool("run " + kSource + "/scenarios/bad-deploy-crashloop.yaml --runbook " +
                     kSource + "/runbooks/high-error-rate.yaml --seed 7 --out " + out);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("PASSED"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(out + "/result.json"));
  EXPECT_TRUE(std::filesystem::exists(out + "/report.md"));

  auto validate = RunTool("validate " + kSource + "/runbooks " + kSource + "/scenarios");
  EXPECT_EQ(validate.exit_code, 0) << validate.output;
  EXPECT_EQ(validate.output, "ok: 6 runbooks, 14 scenarios\n");

  // Without --runbook, every runbook in the folder whose trigger matches the alert runs.
  auto routed =
      RunTool("run " + kSource + "/scenarios/readiness-dependency-outage.yaml --runbooks " +
              kSource + "/runbooks --out " + out + "/routed");
  EXPECT_EQ(routed.exit_code, 0) << routed.output;
  EXPECT_NE(routed.output.find("runbook high-error-rate: failed"), std::string::npos)
      << routed.output;

  auto missing = RunTool("run /nonexistent/scenario.yaml");
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("/nonexistent/scenario.yaml"), std::string::npos);

  auto usage = RunTool("run");
  EXPECT_EQ(usage.exit_code, 2);
}

std::string ReadAll(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), {});
}

// result.json, report.md and postmortem.md of the bundled drill, byte for byte. Run from the
// source folder so that every path in them is relative. RUNDRILL_UPDATE_GOLDEN=1 rewrites the
// files.
TEST(DrillIntegrationTest, BundledDrillReportsMatchGoldenFiles) {
  const std::string out = testing::TempDir() + "/rundrill-golden";
  std::filesystem::remove_all(out);
  auto run = RunTool(
      "run scenarios/bad-deploy-crashloop.yaml --runbook "
      "runbooks/high-error-rate.yaml --seed 7 --out " +
          out,
      kSource);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(
      run.output.find("\nreport: " + out + "/report.md\npostmortem: " + out + "/postmortem.md\n"),
      std::string::npos)
      << run.output;
  for (const char* name : {"result.json", "report.md", "postmortem.md"}) {
    const std::string golden = kSource + "/tests/reports/golden/bad-deploy-crashloop." + name;
    const std::string actual = ReadAll(out + "/" + name);
    if (std::getenv("RUNDRILL_UPDATE_GOLDEN") != nullptr) {
      std::ofstream(golden, std::ios::binary) << actual;
    }
    EXPECT_EQ(actual, ReadAll(golden)) << "differs from " << golden;
  }
}

// A drill in which no alert fires has no incident: no postmortem.md, and one left in the
// folder by an earlier run is removed rather than left beside this run's result.
TEST(DrillIntegrationTest, DrillWithoutAlertWritesNoPostmortemAndRemovesAStaleOne) {
  const std::string dir = testing::TempDir() + "/rundrill-no-incident";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/out");
  std::ofstream(dir + "/quiet.yaml") << R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: quiet}
horizon: 10m
world:
  kubernetes:
    deployments:
      - name: api
        namespace: production
        replicas: 1
        history: [{image: registry.example/api:1.0.0}]
expect:
  deployments: [{deployment: production/api, healthy: true}]
)";
  std::ofstream(dir + "/out/postmortem.md") << "# Post-Mortem: from an earlier run\n";
  auto run = RunTool("run " + dir + "/quiet.yaml --runbook " + kSource +
                     "/runbooks/high-error-rate.yaml --out " + dir + "/out");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(std::filesystem::exists(dir + "/out/result.json"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/out/postmortem.md"));
  EXPECT_EQ(run.output.find("postmortem:"), std::string::npos) << run.output;
}

TEST(DrillIntegrationTest, CliValidateReportsEveryErrorWithExitCode2) {
  const std::string dir = testing::TempDir() + "/rundrill-cli-validate";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/a.yaml") << "apiVersion: rundrill/v1\nkind: Runbook\nmetadata: {name: a}\n"
                                    "trigger: {alertname: X}\nsteps:\n  - {id: s, type: chek, "
                                    "run: \"true\", retires: 2}\n";
  std::ofstream(dir + "/b.yaml") << "apiVersion: rundrill/v1\nkind: Scenario\nmetadata: {name: b}\n"
                                    "horizon: soon\n";
  auto validate = RunTool("validate " + dir);
  EXPECT_EQ(validate.exit_code, 2) << validate.output;
  EXPECT_EQ(validate.output,
            dir +
                "/a.yaml:6:19: \"type\" must be one of \"check\", \"action\", \"verify\", "
                "\"notify\" or \"wait\", got \"chek\"\n" +
                dir +
                "/a.yaml:6:38: unknown key \"retires\" in step (did you mean \"retries\"?)\n" +
                dir + "/b.yaml:4:10: invalid duration \"soon\" (use forms like 90s, 5m, 1h30m)\n" +
                "3 errors\n");
}

// Steps reach the Slack and PagerDuty fakes through real HTTP on loopback, with the keys
// their environment carries; what they post lands in the simulated world.
TEST(DrillIntegrationTest, StepsPostToSlackAndPageThroughTheLoopbackFakes) {
  const auto runbook = ParseRunbookText(R"(apiVersion: rundrill/v1
kind: Runbook
metadata: {name: announce}
trigger: {alertname: HighErrorRate}
steps:
  - id: post
    type: notify
    run: >
      curl -fsS -X POST -H 'Content-type: application/json'
      --data '{"text": "api is failing"}' "$SLACK_WEBHOOK_URL"
  - id: page
    type: action
    run: |
      python3 - <<'PY'
      import json, os, urllib.request
      body = {"routing_key": os.environ["PAGERDUTY_ROUTING_KEY"], "event_action": "trigger",
              "dedup_key": "api-errors",
              "payload": {"summary": "api failing", "source": "api", "severity": "critical"}}
      req = urllib.request.Request(os.environ["PAGERDUTY_EVENTS_URL"], method="POST",
                                   data=json.dumps(body).encode(),
                                   headers={"Content-Type": "application/json"})
      for _ in range(2):  # the same dedup key twice: one incident
          with urllib.request.urlopen(req, timeout=5) as resp:
              print(resp.status, json.load(resp)["status"])
      PY
)");
  auto result =
      drill::RunDrill(LoadScenario("scenarios/bad-deploy-crashloop.yaml"), {runbook}, Options(7));
  ASSERT_TRUE(result.ok()) << result.status().message();
  const drill::StepRecord* post = FindStep(*result, "post");
  const drill::StepRecord* page = FindStep(*result, "page");
  ASSERT_TRUE(post && page);
  EXPECT_EQ(post->outcome, drill::StepOutcome::kSucceeded) << Describe(*result);
  EXPECT_EQ(post->attempts[0].stdout_data, "ok");
  EXPECT_EQ(page->attempts[0].stdout_data, "202 success\n202 success\n") << Describe(*result);
  const auto& world = result->final_world;
  ASSERT_TRUE(world.at("slack").contains("incidents"));
  const auto& messages = world.at("slack").at("incidents").at("messages");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].at("text"), "api is failing");
  EXPECT_EQ(world.at("pagerduty").at("incidents").size(), 1u);
}

TEST(DrillIntegrationTest, CliExecRunsACommandInTheWorld) {
  auto exec = RunTool("exec " + kSource +
                      "/scenarios/bad-deploy-crashloop.yaml --at 5m --transcript -- kubectl get "
                      "deployments -n production");
  EXPECT_EQ(exec.exit_code, 0) << exec.output;
  EXPECT_NE(exec.output.find("NAME   READY   UP-TO-DATE   AVAILABLE   AGE"), std::string::npos)
      << exec.output;
  EXPECT_NE(exec.output.find("transcript (1 calls)"), std::string::npos) << exec.output;

  auto failing = RunTool("exec " + kSource +
                         "/scenarios/bad-deploy-crashloop.yaml -- kubectl get pods nosuch -n "
                         "production");
  EXPECT_EQ(failing.exit_code, 1);
  EXPECT_NE(failing.output.find("Error from server (NotFound): pods \"nosuch\" not found"),
            std::string::npos)
      << failing.output;
}

}  // namespace
}  // namespace rundrill
