#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "simulator/load/loader.h"
#include "tests/load/load_test_util.h"

namespace rundrill::load {
namespace {

using ::rundrill::load::testing::ScenarioErrors;
using ::testing::ElementsAre;

constexpr char kFullScenario[] = R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: bad-deploy-crashloop, description: A deploy that crashes.}
start: 2026-11-21T10:00:00Z
horizon: 2h
seed: 7
world:
  kubernetes:
    cluster: prod-eu
    namespaces: [staging]
    images:
      - image: registry.example/api:1.5.0
        crashes: true
        crash_after: 3s
        exit_code: 2
        startup: 5s
        log: "panic: nil map"
    deployments:
      - name: api
        namespace: production
        replicas: 3
        age: 12d
        max_surge: 1
        max_unavailable: 0%
        history:
          - image: registry.example/api:1.4.1
          - image: registry.example/api:1.4.2
            change_cause: "kubectl set image deployment/api api=registry.example/api:1.4.2"
      - name: worker
        namespace: batch
        container: work
        labels: {app: worker, tier: back}
        history: [{image: registry.example/worker:2}]
timeline:
  - at: 4m
    fire_alert:
      labels: {alertname: HighErrorRate, service: api, namespace: production, severity: critical}
      annotations: {summary: api errors}
      resolve_when:
        - deployment: production/api
          healthy: true
          image: registry.example/api:1.4.2
          ready_replicas: 3
          revision: 3
  - at: 0s
    deploy: {namespace: production, deployment: api, image: registry.example/api:1.5.0, change_cause: bad}
  - at: 1m
    set_logs: {namespace: production, deployment: api, text: "panic: nil map"}
  - at: 1m
    set_readiness: {namespace: batch, deployment: worker, ready: false, reason: "probe failed"}
  - at: 30m
    resolve_alert: {alertname: HighErrorRate}
expect:
  resolved: true
  resolved_within: 20m
  deployments:
    - {deployment: production/api, image: registry.example/api:1.4.2, ready_replicas: 3, healthy: true}
  runbooks_ran: [high-error-rate]
  runbooks:
    high-error-rate:
      ran: true
      outcome: succeeded
      steps: {rollback: succeeded, restart: skipped}
)";

TEST(LoadScenarioTest, FullScenarioLoadsIntoTheModel) {
  std::vector<Diagnostic> errors;
  std::optional<model::Scenario> sc = ParseScenario(kFullScenario, "scenarios/bad.yaml", &errors);
  ASSERT_TRUE(sc.has_value()) << ::testing::PrintToString(testing::Strings(errors));
  EXPECT_TRUE(errors.empty());

  EXPECT_EQ(sc->name, "bad-deploy-crashloop");
  EXPECT_EQ(sc->description, "A deploy that crashes.");
  EXPECT_EQ(sc->path, "scenarios/bad.yaml");
  EXPECT_EQ(sc->mark.ToString(), "scenarios/bad.yaml:3:18");
  EXPECT_EQ(sc->start_unix_seconds, 1795255200);  // 2026-11-21T10:00:00Z
  EXPECT_EQ(sc->horizon, SimDuration(7200000));
  EXPECT_EQ(sc->seed, 7u);

  const model::KubernetesSpec& k8s = sc->world.kubernetes;
  EXPECT_EQ(k8s.cluster, "prod-eu");
  // Declared namespaces first, then those only deployments name.
  EXPECT_EQ(k8s.namespaces, (std::vector<std::string>{"staging", "production", "batch"}));
  ASSERT_EQ(k8s.images.size(), 1u);
  EXPECT_EQ(k8s.images[0].image, "registry.example/api:1.5.0");
  EXPECT_TRUE(k8s.images[0].crashes);
  EXPECT_EQ(k8s.images[0].crash_after, SimDuration(3000));
  EXPECT_EQ(k8s.images[0].exit_code, 2);
  EXPECT_EQ(k8s.images[0].startup, SimDuration(5000));
  EXPECT_EQ(k8s.images[0].log, "panic: nil map");

  ASSERT_EQ(k8s.deployments.size(), 2u);
  const model::DeploymentSpec& api = k8s.deployments[0];
  EXPECT_EQ(api.name, "api");
  EXPECT_EQ(api.namespace_name, "production");
  EXPECT_EQ(api.mark.ToString(), "scenarios/bad.yaml:19:15");
  EXPECT_EQ(api.replicas, 3);
  EXPECT_EQ(api.container, "api");
  EXPECT_EQ(api.labels, (std::map<std::string, std::string>{{"app", "api"}}));
  EXPECT_EQ(api.age, SimDuration(12 * 86400000LL));
  EXPECT_EQ(api.max_surge, "1");
  EXPECT_EQ(api.max_unavailable, "0%");
  ASSERT_EQ(api.history.size(), 2u);
  EXPECT_EQ(api.history[0].image, "registry.example/api:1.4.1");
  EXPECT_EQ(api.history[0].change_cause, "");
  EXPECT_EQ(api.history[1].change_cause,
            "kubectl set image deployment/api api=registry.example/api:1.4.2");
  const model::DeploymentSpec& worker = k8s.deployments[1];
  EXPECT_EQ(worker.replicas, 1);
  EXPECT_EQ(worker.container, "work");
  EXPECT_EQ(worker.labels,
            (std::map<std::string, std::string>{{"app", "worker"}, {"tier", "back"}}));
  EXPECT_EQ(worker.age, SimDuration(86400000));
  EXPECT_EQ(worker.max_surge, "25%");

  // Sorted by time; the two events at 1m keep file order.
  ASSERT_EQ(sc->timeline.size(), 5u);
  const auto& tl = sc->timeline;
  EXPECT_EQ(tl[0].kind, model::TimelineEvent::Kind::kDeploy);
  EXPECT_EQ(tl[0].at, SimTime(0));
  EXPECT_EQ(tl[0].namespace_name, "production");
  EXPECT_EQ(tl[0].deployment, "api");
  EXPECT_EQ(tl[0].image, "registry.example/api:1.5.0");
  EXPECT_EQ(tl[0].change_cause, "bad");
  EXPECT_EQ(tl[0].mark.ToString(), "scenarios/bad.yaml:45:5");
  EXPECT_EQ(tl[1].kind, model::TimelineEvent::Kind::kSetLogs);
  EXPECT_EQ(tl[1].at, SimTime(60000));
  EXPECT_EQ(tl[1].text, "panic: nil map");
  EXPECT_EQ(tl[2].kind, model::TimelineEvent::Kind::kSetReadiness);
  EXPECT_EQ(tl[2].deployment, "worker");
  EXPECT_FALSE(tl[2].ready);
  EXPECT_EQ(tl[2].text, "probe failed");
  EXPECT_EQ(tl[3].kind, model::TimelineEvent::Kind::kFireAlert);
  EXPECT_EQ(tl[3].at, SimTime(240000));
  EXPECT_EQ(tl[3].alertname, "HighErrorRate");
  EXPECT_EQ(tl[3].alert.labels.at("severity"), "critical");
  EXPECT_EQ(tl[3].alert.annotations.at("summary"), "api errors");
  ASSERT_EQ(tl[3].alert.resolve_when.size(), 1u);
  const model::DeploymentPredicate& p = tl[3].alert.resolve_when[0];
  EXPECT_EQ(p.namespace_name, "production");
  EXPECT_EQ(p.name, "api");
  EXPECT_EQ(p.healthy, true);
  EXPECT_EQ(p.image, "registry.example/api:1.4.2");
  EXPECT_EQ(p.ready_replicas, 3);
  EXPECT_EQ(p.revision, 3);
  EXPECT_EQ(tl[4].kind, model::TimelineEvent::Kind::kResolveAlert);
  EXPECT_EQ(tl[4].alertname, "HighErrorRate");

  const model::Expectations& x = sc->expect;
  EXPECT_EQ(x.resolved, true);
  EXPECT_EQ(x.resolved_within, SimDuration(1200000));
  ASSERT_EQ(x.deployments.size(), 1u);
  EXPECT_EQ(x.deployments[0].name, "api");
  EXPECT_FALSE(x.deployments[0].revision.has_value());
  EXPECT_EQ(x.runbooks_ran, (std::vector<std::string>{"high-error-rate"}));
  ASSERT_EQ(x.runbooks.size(), 1u);
  EXPECT_EQ(x.runbooks[0].runbook, "high-error-rate");
  EXPECT_EQ(x.runbooks[0].ran, true);
  EXPECT_EQ(x.runbooks[0].outcome, "succeeded");
  EXPECT_EQ(x.runbooks[0].steps, (std::map<std::string, std::string>{{"restart", "skipped"},
                                                                     {"rollback", "succeeded"}}));
}

TEST(LoadScenarioTest, MinimalScenarioGetsDefaults) {
  std::vector<Diagnostic> errors;
  std::optional<model::Scenario> sc = ParseScenario(R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: quiet}
)",
                                                    "sc.yaml", &errors);
  ASSERT_TRUE(sc.has_value());
  EXPECT_EQ(sc->start_unix_seconds, 1767225600);
  EXPECT_EQ(sc->horizon, SimDuration(3600000));
  EXPECT_FALSE(sc->seed.has_value());
  EXPECT_EQ(sc->world.kubernetes.cluster, "production");
  EXPECT_TRUE(sc->timeline.empty());
  EXPECT_FALSE(sc->expect.resolved.has_value());
  EXPECT_FALSE(sc->expect.runbooks_ran.has_value());
}

// Seven lines of world; the tests' own text starts on line 13.
constexpr char kWorld[] = R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: demo}
world:
  kubernetes:
    namespaces: [staging]
    deployments:
      - name: api
        namespace: production
        history: [{image: api:1}]
      - {name: web, namespace: production, history: [{image: web:1}]}
horizon: 1h
)";

std::string WithWorld(const std::string& rest) { return kWorld + rest; }

TEST(LoadScenarioTest, WrongTypeForReplicas) {
  EXPECT_THAT(ScenarioErrors(R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: demo}
world:
  kubernetes:
    deployments:
      - name: api
        namespace: production
        replicas: three
        max_surge: lots
        history: [{image: api:1}]
)"),
              ElementsAre("sc.yaml:9:19: \"replicas\" must be an integer, got \"three\"",
                          "sc.yaml:10:20: \"max_surge\" must be an integer or a percentage like "
                          "25%, got \"lots\""));
}

TEST(LoadScenarioTest, DuplicateTopLevelKey) {
  EXPECT_THAT(ScenarioErrors(WithWorld("world: {}\n")),
              ElementsAre("sc.yaml:13:1: duplicate key \"world\" in scenario (first defined at "
                          "sc.yaml:4:1)"));
}

TEST(LoadScenarioTest, DuplicateDeploymentAndOtherWorldErrors) {
  EXPECT_THAT(
      ScenarioErrors(R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: demo}
world:
  kubernetes:
    namespaces: [staging, Bad_NS, staging]
    images:
      - {image: a:1, crashes: yes}
    deployments:
      - {name: api, namespace: production, history: [{image: api:1}]}
      - {name: api, namespace: production, history: []}
      - {namespace: production, history: [{image: x}], replica: 2}
)"),
      ElementsAre("sc.yaml:6:18: namespace \"staging\" is defined again at sc.yaml:6:35",
                  "sc.yaml:6:27: invalid namespace \"Bad_NS\" (use lower-case letters, digits "
                  "and \"-\")",
                  "sc.yaml:6:35: duplicate namespace \"staging\" (first defined at "
                  "sc.yaml:6:18)",
                  "sc.yaml:8:31: \"crashes\" must be true or false, got \"yes\"",
                  "sc.yaml:10:16: deployment \"production/api\" is defined again at "
                  "sc.yaml:11:16",
                  "sc.yaml:11:16: duplicate deployment \"production/api\" (first defined at "
                  "sc.yaml:10:16)",
                  "sc.yaml:11:53: \"history\" must not be empty",
                  "sc.yaml:12:9: deployment is missing required key \"name\"",
                  "sc.yaml:12:56: unknown key \"replica\" in deployment (did you mean "
                  "\"replicas\"?)"));
}

TEST(LoadScenarioTest, TimelineEventsMustNameDeclaredDeployments) {
  EXPECT_THAT(ScenarioErrors(WithWorld(R"(timeline:
  - at: 1m
    deploy: {namespace: production, deployment: apii, image: api:2}
  - at: 2m
    set_logs: {namespace: prod, deployment: api, text: x}
  - at: 3m
    set_readiness: {namespace: staging, deployment: api, ready: false}
)")),
              ElementsAre("sc.yaml:15:49: deployment \"apii\" is not declared in namespace "
                          "\"production\" (did you mean \"api\"?)",
                          "sc.yaml:17:27: namespace \"prod\" is not declared in world",
                          "sc.yaml:19:53: deployment \"api\" is not declared in namespace "
                          "\"staging\""));
}

TEST(LoadScenarioTest, EventAfterTheHorizon) {
  EXPECT_THAT(ScenarioErrors(WithWorld(R"(timeline:
  - at: 1h
    resolve_alert: {alertname: Never}
  - at: 90m
    fire_alert: {labels: {alertname: Late}}
)")),
              ElementsAre("sc.yaml:15:32: resolve_alert names alert \"Never\", which no "
                          "earlier event fires",
                          "sc.yaml:16:9: event at 90m is after the horizon (1h)"));
}

TEST(LoadScenarioTest, ResolveAlertMustFollowItsFireAlert) {
  EXPECT_THAT(ScenarioErrors(WithWorld(R"(timeline:
  - at: 10m
    resolve_alert: {alertname: HighErrorRate}
  - at: 5m
    fire_alert: {labels: {alertname: HighErrorRate}}
  - at: 20m
    resolve_alert: {alertname: HighErorRate}
  - at: 5m
    resolve_alert: {alertname: HighErrorRate}
)")),
              ElementsAre("sc.yaml:19:32: resolve_alert names alert \"HighErorRate\", which no "
                          "earlier event fires (did you mean \"HighErrorRate\"?)"));
}

TEST(LoadScenarioTest, ResolveAtTheSameTimeBeforeTheFireInFileOrderIsAnError) {
  EXPECT_THAT(ScenarioErrors(WithWorld(R"(timeline:
  - {at: 5m, resolve_alert: {alertname: A}}
  - {at: 5m, fire_alert: {labels: {alertname: A}}}
)")),
              ElementsAre("sc.yaml:14:41: resolve_alert names alert \"A\", which no earlier "
                          "event fires"));
}

TEST(LoadScenarioTest, TimelineEventNeedsExactlyOneKind) {
  EXPECT_THAT(ScenarioErrors(WithWorld(R"(timeline:
  - at: 1m
  - at: 2m
    set_logs: {namespace: production, deployment: api, text: x}
    fire_alert: {labels: {severity: page}}
  - fire_alert: {labels: {alertname: A}}
)")),
              ElementsAre("sc.yaml:14:5: timeline event needs one of \"deploy\", \"set_logs\", "
                          "\"set_readiness\", \"fire_alert\", \"resolve_alert\", \"partition\", "
                          "\"expire_credential\", \"revoke_credential\", \"add_latency\", "
                          "\"inject_errors\", \"crash_host\", \"stop_service\", \"disk_fill\" or "
                          "\"connection_leak\"",
                          "sc.yaml:17:5: timeline event has both \"set_logs\" and "
                          "\"fire_alert\"; keep only one",
                          "sc.yaml:18:5: timeline event is missing required key \"at\""));
}

TEST(LoadScenarioTest, AlertNeedsAnAlertname) {
  EXPECT_THAT(ScenarioErrors(WithWorld(R"(timeline:
  - at: 2m
    fire_alert: {labels: {severity: page}, annotation: {summary: x}}
)")),
              ElementsAre("sc.yaml:15:26: labels is missing required key \"alertname\"",
                          "sc.yaml:15:44: unknown key \"annotation\" in fire_alert (did you mean "
                          "\"annotations\"?)"));
}

TEST(LoadScenarioTest, DeploymentPredicates) {
  EXPECT_THAT(ScenarioErrors(WithWorld(R"(expect:
  resolved: yes please
  resolved_within: soon
  deployments:
    - {deployment: production/apii, healthy: true}
    - {deployment: api, healthy: true}
    - {deployment: production/web}
    - {deployment: production/web, ready_replicas: -1, revision: 0}
)")),
              ElementsAre("sc.yaml:14:13: \"resolved\" must be true or false, got \"yes please\"",
                          "sc.yaml:15:20: invalid duration \"soon\" (use forms like 90s, 5m, "
                          "1h30m)",
                          "sc.yaml:17:20: deployment \"production/apii\" is not declared in "
                          "world (did you mean \"production/api\"?)",
                          "sc.yaml:18:20: \"deployment\" must look like \"namespace/name\", got "
                          "\"api\"",
                          "sc.yaml:19:7: deployment predicate needs at least one of \"image\", "
                          "\"ready_replicas\", \"healthy\" or \"revision\"",
                          "sc.yaml:20:52: \"ready_replicas\" must be between 0 and 10000, got "
                          "\"-1\"",
                          "sc.yaml:20:66: \"revision\" must be between 1 and 1000000, got \"0\""));
}

TEST(LoadScenarioTest, RunbookExpectations) {
  EXPECT_THAT(ScenarioErrors(WithWorld(R"(expect:
  runbooks_ran: [High-Error]
  runbooks:
    high-error-rate:
      ran: true
      outcome: passed
      steps: {rollback: done}
)")),
              ElementsAre("sc.yaml:14:18: invalid runbook name \"High-Error\" (use lower-case "
                          "letters, digits and \"-\")",
                          "sc.yaml:18:16: \"outcome\" must be one of \"succeeded\" or \"failed\", "
                          "got \"passed\"",
                          "sc.yaml:19:25: \"rollback\" must be one of \"succeeded\", \"failed\", "
                          "\"skipped\" or \"timed_out\", got \"done\""));
}

TEST(LoadScenarioTest, TopLevelScalars) {
  EXPECT_THAT(ScenarioErrors(R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: demo}
start: 2026-11-21 10:00
horizon: 0s
seed: -1
)"),
              ElementsAre("sc.yaml:4:8: invalid start time \"2026-11-21 10:00\" (use UTC RFC "
                          "3339, like 2026-11-21T10:00:00Z)",
                          "sc.yaml:5:10: \"horizon\" must be longer than 0s",
                          "sc.yaml:6:7: \"seed\" must be an unsigned integer, got \"-1\""));
}

TEST(LoadScenarioTest, HorizonIsCapped) {
  EXPECT_THAT(ScenarioErrors(R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: demo}
horizon: 31d
)"),
              ElementsAre("sc.yaml:4:10: \"horizon\" must be at most 30d, got 744h"));
}

TEST(LoadScenarioTest, WrongKind) {
  EXPECT_THAT(ScenarioErrors(R"(apiVersion: rundrill/v1
kind: Runbok
)"),
              ElementsAre("sc.yaml:2:7: kind must be \"Scenario\", got \"Runbok\""));
}

}  // namespace
}  // namespace rundrill::load
