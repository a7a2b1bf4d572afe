#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "simulator/load/loader.h"
#include "tests/load/load_test_util.h"

namespace rundrill::load {
namespace {

using ::rundrill::load::testing::ScenarioErrors;
using ::rundrill::load::testing::Strings;
using ::rundrill::load::testing::WithChaosWorld;
using ::testing::ElementsAre;

TEST(LoadFaultTest, UnknownFaultKindSuggestsAnEventKey) {
  EXPECT_THAT(
      ScenarioErrors(WithChaosWorld(R"(timeline:
  - at: 1m
    partiton: {targets: [host/db-1]}
  - at: 2m
    crash: {host: db-1}
)")),
      ElementsAre(
          "sc.yaml:21:5: unknown key \"partiton\" in timeline event (did you mean \"partition\"?)",
          "sc.yaml:22:5: timeline event needs one of \"deploy\", \"set_logs\", \"set_readiness\", "
          "\"fire_alert\", \"resolve_alert\", \"partition\", \"expire_credential\", "
          "\"revoke_credential\", \"add_latency\", \"inject_errors\", \"crash_host\", "
          "\"stop_service\", \"disk_fill\" or \"connection_leak\"",
          "sc.yaml:23:5: unknown key \"crash\" in timeline event"));
}

TEST(LoadFaultTest, PartitionTargets) {
  EXPECT_THAT(
      ScenarioErrors(WithChaosWorld(R"(timeline:
  - at: 1m
    partition:
      targets: [host/db-2, cluster/prod, endpoint/slak, endpoint/email, hots/db-1, db-1, node/x]
  - at: 2m
    partition: {targets: [host/db-1, endpoint/slack, host/db-1]}
  - at: 3m
    partition: {targets: []}
  - at: 4m
    partition: {duration: 5m}
)")),
      ElementsAre(
          "sc.yaml:22:17: host \"db-2\" is not declared in world (did you mean \"db-1\"?)",
          "sc.yaml:22:28: cluster \"prod\" is not declared in world (the cluster is "
          "\"production\")",
          "sc.yaml:22:42: unknown endpoint \"slak\" (did you mean \"slack\"?)",
          "sc.yaml:22:57: unknown endpoint \"email\" (use endpoint/slack or endpoint/pagerduty)",
          "sc.yaml:22:73: unknown target kind \"hots\" in \"hots/db-1\" (did you mean \"host\"?)",
          "sc.yaml:22:84: invalid target \"db-1\" (use host/NAME, cluster/NAME, endpoint/slack or "
          "endpoint/pagerduty)",
          "sc.yaml:22:90: unknown target kind \"node\" in \"node/x\" (use host/NAME, cluster/NAME, "
          "endpoint/slack or endpoint/pagerduty)",
          "sc.yaml:24:54: duplicate target \"host/db-1\" in \"targets\"",
          "sc.yaml:26:26: \"targets\" must not be empty",
          "sc.yaml:28:16: partition is missing required key \"targets\""));
}

TEST(LoadFaultTest, PartitionModeAndDuration) {
  EXPECT_THAT(
      ScenarioErrors(WithChaosWorld(R"(timeline:
  - at: 1m
    partition: {targets: [host/db-1], mode: block, duration: 0s}
  - at: 2m
    partition: {targets: [host/web-1], duration: -5m}
)")),
      ElementsAre("sc.yaml:21:45: \"mode\" must be one of \"drop\" or \"reject\", got \"block\"",
                  "sc.yaml:21:62: \"duration\" must be longer than 0s",
                  "sc.yaml:23:50: \"duration\" must not be negative, got \"-5m\""));
}

TEST(LoadFaultTest, CredentialFaults) {
  EXPECT_THAT(
      ScenarioErrors(WithChaosWorld(R"(timeline:
  - at: 1m
    expire_credential: {kind: kubeconfig, target: prod}
  - at: 2m
    revoke_credential: {kind: ssh_key}
  - at: 3m
    revoke_credential: {kind: pagerduty_token, target: ops}
  - at: 4m
    expire_credential: {kind: ssh_key, target: db-1, expires: 5m}
)")),
      ElementsAre(
          "sc.yaml:21:51: cluster \"prod\" is not declared in world (the cluster is "
          "\"production\")",
          "sc.yaml:23:24: revoke_credential of kind \"ssh_key\" is missing required key \"target\"",
          "sc.yaml:25:48: kind \"pagerduty_token\" takes no \"target\"",
          "sc.yaml:27:54: unknown key \"expires\" in expire_credential"));
}

TEST(LoadFaultTest, LatencyAndErrorValues) {
  EXPECT_THAT(
      ScenarioErrors(WithChaosWorld(R"(timeline:
  - at: 1m
    add_latency: {target: cluster/production, latency: 0s}
  - at: 1m
    add_latency: {targets: [host/db-1], latency: 2s}
  - at: 2m
    inject_errors: {target: host/db-1, probability: 0}
  - at: 3m
    inject_errors: {target: host/web-1, probability: 1.5, error: boom}
  - at: 4m
    inject_errors: {target: endpoint/pagerduty, probability: high}
)")),
      ElementsAre(
          "sc.yaml:21:56: \"latency\" must be longer than 0s",
          "sc.yaml:23:18: add_latency is missing required key \"target\"",
          "sc.yaml:23:19: unknown key \"targets\" in add_latency (did you mean \"target\"?)",
          "sc.yaml:25:53: \"probability\" must be more than 0 and at most 1, got \"0\"",
          "sc.yaml:27:54: \"probability\" must be more than 0 and at most 1, got \"1.5\"",
          "sc.yaml:27:66: \"error\" must be one of \"timeout\", \"refused\", \"server_error\" or "
          "\"unavailable\", got \"boom\"",
          "sc.yaml:29:62: \"probability\" must be a number, got \"high\""));
}

TEST(LoadFaultTest, HostFaultsNameDeclaredHostsAndServices) {
  EXPECT_THAT(
      ScenarioErrors(WithChaosWorld(R"(timeline:
  - at: 1m
    crash_host: {host: db-2, duration: 0s}
  - at: 2m
    stop_service: {host: db-1, service: postgres}
  - at: 2m
    stop_service: {host: web-1, service: postgresql}
  - at: 3m
    stop_service: {host: db-9}
)")),
      ElementsAre(
          "sc.yaml:21:24: host \"db-2\" is not declared in world (did you mean \"db-1\"?)",
          "sc.yaml:21:40: \"duration\" must be longer than 0s",
          "sc.yaml:23:41: service \"postgres\" is not declared on host \"db-1\" (did you mean "
          "\"postgresql\"?)",
          "sc.yaml:25:42: service \"postgresql\" is not declared on host \"web-1\"",
          "sc.yaml:27:19: stop_service is missing required key \"service\"",
          "sc.yaml:27:26: host \"db-9\" is not declared in world (did you mean \"db-1\"?)"));
}

TEST(LoadFaultTest, DiskFillValues) {
  EXPECT_THAT(ScenarioErrors(WithChaosWorld(R"(timeline:
  - at: 1m
    disk_fill: {host: db-1, path: dump.tmp, bytes: 0}
  - at: 2m
    disk_fill: {host: db-1, path: /var/tmp/x, bytes: -1G}
  - at: 3m
    disk_fill: {host: db-1}
)")),
              ElementsAre("sc.yaml:21:35: invalid file path \"dump.tmp\" (use an absolute path "
                          "like /var/lib/postgresql/dump.tmp)",
                          "sc.yaml:21:52: \"bytes\" must be more than 0",
                          "sc.yaml:23:54: \"bytes\" must be a size in bytes, like 4096, 512M, 1.5G "
                          "or 100GiB, got \"-1G\"",
                          "sc.yaml:25:16: disk_fill is missing required key \"path\"",
                          "sc.yaml:25:16: disk_fill is missing required key \"bytes\""));
}

TEST(LoadFaultTest, ConnectionLeakValues) {
  EXPECT_THAT(
      ScenarioErrors(WithChaosWorld(R"(timeline:
  - at: 1m
    connection_leak: {database: order, rate: 5/m}
  - at: 2m
    connection_leak: {database: orders, rate: 0/m, state: waiting}
  - at: 3m
    connection_leak: {database: orders, rate: 5}
  - at: 4m
    connection_leak: {database: orders}
)")),
      ElementsAre(
          "sc.yaml:21:33: database \"order\" is not declared in world (did you mean \"orders\"?)",
          "sc.yaml:23:47: \"rate\" must be more than 0, got \"0/m\"",
          "sc.yaml:23:59: \"state\" must be one of \"active\", \"idle\" or \"idle in "
          "transaction\", got \"waiting\"",
          "sc.yaml:25:47: \"rate\" must be a count per s, m, h or d, like 5/m or 0.5/s, got \"5\"",
          "sc.yaml:27:22: connection_leak is missing required key \"rate\""));
}

TEST(LoadFaultTest, OverlappingPartitionsOfOneTarget) {
  EXPECT_THAT(ScenarioErrors(WithChaosWorld(R"(timeline:
  - at: 10m
    partition: {targets: [host/db-1, endpoint/slack], duration: 5m}
  - at: 12m
    partition: {targets: [endpoint/pagerduty, host/db-1], mode: reject}
  - at: 15m
    partition: {targets: [endpoint/slack]}
)")),
              ElementsAre("sc.yaml:23:47: partition of \"host/db-1\" overlaps the one at "
                          "sc.yaml:21:27 (10m to 15m)"));
}

TEST(LoadFaultTest, OverlapIsReportedAtTheLaterFaultWhateverTheFileOrder) {
  EXPECT_THAT(ScenarioErrors(WithChaosWorld(R"(timeline:
  - at: 20m
    crash_host: {host: db-1, duration: 1m}
  - at: 2m
    crash_host: {host: db-1}
)")),
              ElementsAre("sc.yaml:21:24: crash_host of \"db-1\" overlaps the one at sc.yaml:23:24 "
                          "(from 2m, with no end)"));
}

TEST(LoadFaultTest, OverlappingLatencyErrorsAndLeaks) {
  EXPECT_THAT(ScenarioErrors(WithChaosWorld(R"(timeline:
  - at: 1m
    add_latency: {target: cluster/production, latency: 2s, duration: 10m}
  - at: 5m
    add_latency: {target: cluster/production, latency: 1s, duration: 1m}
  - at: 1m
    inject_errors: {target: host/db-1, probability: 0.3}
  - at: 1m
    inject_errors: {target: host/db-1, probability: 0.5, error: refused}
  - at: 0s
    connection_leak: {database: orders, rate: 5/m, duration: 30m}
  - at: 29m
    connection_leak: {database: orders, rate: 1/s}
)")),
              ElementsAre("sc.yaml:23:27: add_latency on \"cluster/production\" overlaps the one "
                          "at sc.yaml:21:27 (1m to 11m)",
                          "sc.yaml:27:29: inject_errors on \"host/db-1\" overlaps the one at "
                          "sc.yaml:25:29 (from 1m, with no end)",
                          "sc.yaml:31:33: connection_leak on \"orders\" overlaps the one at "
                          "sc.yaml:29:33 (0s to 30m)"));
}

TEST(LoadFaultTest, FaultsThatDoNotContradictLoad) {
  std::vector<Diagnostic> errors;
  std::optional<model::Scenario> sc = ParseScenario(WithChaosWorld(R"(timeline:
  - at: 2m
    crash_host: {host: db-1, duration: 10m}
  - at: 3m
    stop_service: {host: db-1, service: postgresql}
  - at: 3m
    crash_host: {host: web-1}
  - at: 1m
    add_latency: {target: host/db-1, latency: 2s, duration: 5m}
  - at: 1m
    inject_errors: {target: host/db-1, probability: 0.3, duration: 5m}
  - at: 6m
    add_latency: {target: host/db-1, latency: 1s}
  - at: 10m
    partition: {targets: [host/db-1], duration: 5m}
  - at: 15m
    partition: {targets: [host/db-1], duration: 5m}
  - at: 10m
    partition: {targets: [host/web-1]}
)"),
                                                    "sc.yaml", &errors);
  EXPECT_TRUE(sc.has_value()) << ::testing::PrintToString(Strings(errors));
}

TEST(LoadFaultTest, FaultAfterTheHorizon) {
  EXPECT_THAT(ScenarioErrors(WithChaosWorld(R"(horizon: 30m
timeline:
  - at: 31m
    crash_host: {host: db-1}
)")),
              ElementsAre("sc.yaml:21:9: event at 31m is after the horizon (30m)"));
}

}  // namespace
}  // namespace rundrill::load
