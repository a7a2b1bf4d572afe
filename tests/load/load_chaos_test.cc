#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "simulator/load/loader.h"
#include "tests/load/load_test_util.h"

namespace rundrill::load {
namespace {

using ::rundrill::load::testing::Strings;

constexpr int64_t kGi = int64_t{1} << 30;

// Every section of the format, as docs/scenario-format.md shows it.
constexpr char kChaosScenario[] = R"yaml(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: db-pool-exhausted}
horizon: 1h
world:
  kubernetes:
    cluster: production
    deployments:
      - {name: api, namespace: production, replicas: 3, history: [{image: api:1}]}
  hosts:
    - name: db-1
      address: 10.0.3.21
      port: 2222
      users: [root, postgres]
      uptime: 42d
      load: 0.4
      disks:
        - mount: /
          device: /dev/sda1
          filesystem: ext4
          size: 100G
          used: 62G
          fill: 2G/h
        - {mount: /var/lib/postgresql, size: 1.5T, filesystem: xfs}
      services:
        - {name: postgresql, state: active, description: PostgreSQL RDBMS, restart_time: 3s}
        - {name: pgbouncer, state: failed}
      files:
        - {path: /var/log/app/debug.log, size: 12G, age: 3d, growth: 1G/h, content: "text"}
        - {path: /etc/motd, content: "hello\n"}
      journal: {size: 4G, span: 30d}
  databases:
    - name: orders
      host: db-1
      engine: postgresql
      max_connections: 100
      connections:
        - {count: 60, state: idle, age: 3h, application: api, user: app}
        - {count: 5, state: idle in transaction}
  services:
    - {name: api, deployment: production/api, depends_on: [orders], error_ratio: 0.002, p99: 250ms}
    - {name: web, depends_on: [api]}
  credentials:
    - {kind: kubeconfig, target: production, expires: 25m}
    - {kind: ssh_key, target: db-1}
    - {kind: slack_token, expires: 2h}
    - {kind: pagerduty_token}
alerting:
  evaluation_interval: 30s
  group_by: [alertname, service]
  group_wait: 10s
  group_interval: 1m
  repeat_interval: 2h
  rules:
    - alert: DatabasePoolExhausted
      expr: db_pool_used_ratio{database="orders"} >= 0.95
      for: 1m
      labels: {severity: critical}
      annotations: {summary: "pool at {{ $value }} on {{ $labels.database }}"}
timeline:
  - at: 10m
    partition: {targets: [host/db-1, cluster/production, endpoint/slack], duration: 5m, mode: reject}
  - at: 12m
    expire_credential: {kind: kubeconfig, target: production}
  - at: 13m
    revoke_credential: {kind: ssh_key, target: db-1}
  - at: 1m
    add_latency: {target: cluster/production, latency: 2s, duration: 10m}
  - at: 1m
    inject_errors: {target: host/db-1, probability: 0.3, error: server_error, duration: 5m}
  - at: 2m
    crash_host: {host: db-1, duration: 10m}
  - at: 3m
    stop_service: {host: db-1, service: postgresql}
  - at: 4m
    disk_fill: {host: db-1, path: /var/lib/postgresql/dump.tmp, bytes: 20G}
  - at: 0s
    connection_leak: {database: orders, rate: 5/m, application: api, duration: 30m}
stubs:
  - program: psql
    args: "-h db-1 .* -c (.*)"
    stdout: "{{ db_connections{database=\"orders\"} }}\n"
    stderr: "ran {{ $1 }}"
    exit_code: 3
    duration: 200ms
    effects:
      - terminate_idle_connections: {database: orders, older_than: 1h, state: idle in transaction}
      - stop_connection_leak: {database: orders}
      - free_disk: {host: db-1, path: /var/log/app/debug.log}
      - restart_service: {host: db-1, service: postgresql}
      - start_service: {host: db-1, service: pgbouncer}
      - stop_service: {host: db-1, service: postgresql.service}
      - restart_deployment: {namespace: production, deployment: api}
  - program: psql
expect:
  metrics:
    - 'node_filesystem_used_ratio{host="db-1",mountpoint="/"} < 0.8'
  runbooks:
    db-pool:
      runs: 2
)yaml";

TEST(LoadChaosScenarioTest, EverySectionLoadsIntoTheModel) {
  std::vector<Diagnostic> errors;
  std::optional<model::Scenario> sc = ParseScenario(kChaosScenario, "sc.yaml", &errors);
  ASSERT_TRUE(sc.has_value()) << ::testing::PrintToString(Strings(errors));

  ASSERT_EQ(sc->world.hosts.size(), 1u);
  const model::HostSpec& host = sc->world.hosts[0];
  EXPECT_EQ(host.name, "db-1");
  EXPECT_EQ(host.mark.ToString(), "sc.yaml:11:13");
  EXPECT_EQ(host.address, "10.0.3.21");
  EXPECT_EQ(host.port, 2222);
  EXPECT_EQ(host.users, (std::vector<std::string>{"root", "postgres"}));
  EXPECT_EQ(host.uptime, SimDuration(42LL * 86400000));
  EXPECT_DOUBLE_EQ(host.load, 0.4);
  ASSERT_EQ(host.disks.size(), 2u);
  EXPECT_EQ(host.disks[0].mount, "/");
  EXPECT_EQ(host.disks[0].device, "/dev/sda1");
  EXPECT_EQ(host.disks[0].size_bytes, 100 * kGi);
  EXPECT_EQ(host.disks[0].used_bytes, 62 * kGi);
  EXPECT_DOUBLE_EQ(host.disks[0].fill.amount, 2.0 * kGi);
  EXPECT_EQ(host.disks[0].fill.per, SimDuration(3600000));
  EXPECT_EQ(host.disks[1].mount, "/var/lib/postgresql");
  EXPECT_EQ(host.disks[1].device, "");  // the world names it
  EXPECT_EQ(host.disks[1].filesystem, "xfs");
  EXPECT_EQ(host.disks[1].size_bytes, 1536 * kGi);
  EXPECT_EQ(host.disks[1].used_bytes, 0);
  EXPECT_TRUE(host.disks[1].fill.zero());
  ASSERT_EQ(host.services.size(), 2u);
  EXPECT_EQ(host.services[0].description, "PostgreSQL RDBMS");
  EXPECT_EQ(host.services[0].restart_time, SimDuration(3000));
  EXPECT_EQ(host.services[1].state, "failed");
  EXPECT_EQ(host.services[1].restart_time, SimDuration(2000));
  ASSERT_EQ(host.files.size(), 2u);
  EXPECT_EQ(host.files[0].size_bytes, 12 * kGi);
  EXPECT_EQ(host.files[0].age, SimDuration(3LL * 86400000));
  EXPECT_DOUBLE_EQ(host.files[0].growth.amount, 1.0 * kGi);
  EXPECT_EQ(host.files[0].content, "text");
  EXPECT_EQ(host.files[1].size_bytes, 6);  // the content's length
  EXPECT_EQ(host.journal_bytes, 4 * kGi);
  EXPECT_EQ(host.journal_span, SimDuration(30LL * 86400000));

  ASSERT_EQ(sc->world.databases.size(), 1u);
  const model::DatabaseSpec& db = sc->world.databases[0];
  EXPECT_EQ(db.name, "orders");
  EXPECT_EQ(db.host, "db-1");
  EXPECT_EQ(db.max_connections, 100);
  ASSERT_EQ(db.connections.size(), 2u);
  EXPECT_EQ(db.connections[0].count, 60);
  EXPECT_EQ(db.connections[0].age, SimDuration(3 * 3600000));
  EXPECT_EQ(db.connections[0].application, "api");
  EXPECT_EQ(db.connections[1].state, "idle in transaction");
  EXPECT_EQ(db.connections[1].user, "app");

  ASSERT_EQ(sc->world.services.size(), 2u);
  EXPECT_EQ(sc->world.services[0].deployment, "production/api");
  EXPECT_EQ(sc->world.services[0].depends_on, (std::vector<std::string>{"orders"}));
  EXPECT_DOUBLE_EQ(sc->world.services[0].base_error_ratio, 0.002);
  EXPECT_EQ(sc->world.services[0].base_p99, SimDuration(250));
  EXPECT_EQ(sc->world.services[1].deployment, "");
  EXPECT_EQ(sc->world.services[1].base_p99, SimDuration(120));

  const auto& creds = sc->world.credentials;
  ASSERT_EQ(creds.size(), 4u);
  EXPECT_EQ(creds[0].kind, model::CredentialSpec::Kind::kKubeconfig);
  EXPECT_EQ(creds[0].target, "production");
  EXPECT_EQ(creds[0].expires_at, SimTime(25 * 60000));
  EXPECT_EQ(creds[1].kind, model::CredentialSpec::Kind::kSshKey);
  EXPECT_FALSE(creds[1].expires_at.has_value());
  EXPECT_EQ(creds[2].kind, model::CredentialSpec::Kind::kSlackToken);
  EXPECT_EQ(creds[2].target, "");
  EXPECT_EQ(creds[3].kind, model::CredentialSpec::Kind::kPagerDutyToken);

  const model::AlertingSpec& alerting = sc->alerting;
  EXPECT_EQ(alerting.evaluation_interval, SimDuration(30000));
  EXPECT_EQ(alerting.group_by, (std::vector<std::string>{"alertname", "service"}));
  EXPECT_EQ(alerting.group_wait, SimDuration(10000));
  EXPECT_EQ(alerting.group_interval, SimDuration(60000));
  EXPECT_EQ(alerting.repeat_interval, SimDuration(7200000));
  ASSERT_EQ(alerting.rules.size(), 1u);
  const model::AlertRuleSpec& rule = alerting.rules[0];
  EXPECT_EQ(rule.alert, "DatabasePoolExhausted");
  EXPECT_EQ(rule.expr, "db_pool_used_ratio{database=\"orders\"} >= 0.95");
  EXPECT_EQ(rule.selector.metric, "db_pool_used_ratio");
  ASSERT_EQ(rule.selector.matchers.size(), 1u);
  EXPECT_EQ(rule.selector.matchers[0].value, "orders");
  EXPECT_EQ(rule.comparison, model::Comparison::kGreaterEqual);
  EXPECT_DOUBLE_EQ(rule.threshold, 0.95);
  EXPECT_EQ(rule.for_duration, SimDuration(60000));
  EXPECT_EQ(rule.labels.at("severity"), "critical");
  EXPECT_EQ(rule.annotations.at("summary"), "pool at {{ $value }} on {{ $labels.database }}");

  // Sorted by time, file order among equal times.
  using Kind = model::Fault::Kind;
  const auto& tl = sc->timeline;
  ASSERT_EQ(tl.size(), 9u);
  for (const model::TimelineEvent& e : tl) EXPECT_EQ(e.kind, model::TimelineEvent::Kind::kFault);
  const model::Fault& leak = tl[0].fault;
  EXPECT_EQ(leak.kind, Kind::kConnectionLeak);
  EXPECT_EQ(leak.database, "orders");
  EXPECT_DOUBLE_EQ(leak.rate.amount, 5);
  EXPECT_EQ(leak.rate.per, SimDuration(60000));
  EXPECT_EQ(leak.state, "idle in transaction");
  EXPECT_EQ(leak.application, "api");
  EXPECT_EQ(leak.duration, SimDuration(30 * 60000));
  const model::Fault& latency = tl[1].fault;
  EXPECT_EQ(latency.kind, Kind::kAddLatency);
  ASSERT_EQ(latency.targets.size(), 1u);
  EXPECT_EQ(latency.targets[0].kind, model::FaultTarget::Kind::kCluster);
  EXPECT_EQ(latency.latency, SimDuration(2000));
  const model::Fault& inject = tl[2].fault;
  EXPECT_EQ(inject.kind, Kind::kInjectErrors);
  EXPECT_DOUBLE_EQ(inject.probability, 0.3);
  EXPECT_EQ(inject.error, model::InjectedError::kServerError);
  EXPECT_EQ(tl[3].fault.kind, Kind::kCrashHost);
  EXPECT_EQ(tl[3].fault.host, "db-1");
  EXPECT_EQ(tl[3].fault.duration, SimDuration(600000));
  EXPECT_EQ(tl[4].fault.kind, Kind::kStopService);
  EXPECT_EQ(tl[4].fault.service, "postgresql");
  EXPECT_EQ(tl[5].fault.kind, Kind::kDiskFill);
  EXPECT_EQ(tl[5].fault.path, "/var/lib/postgresql/dump.tmp");
  EXPECT_EQ(tl[5].fault.bytes, 20 * kGi);
  const model::Fault& partition = tl[6].fault;
  EXPECT_EQ(tl[6].at, SimTime(600000));
  EXPECT_EQ(partition.kind, Kind::kPartition);
  ASSERT_EQ(partition.targets.size(), 3u);
  EXPECT_EQ(partition.targets[0].ToString(), "host/db-1");
  EXPECT_EQ(partition.targets[2].kind, model::FaultTarget::Kind::kEndpoint);
  EXPECT_EQ(partition.targets[2].name, "slack");
  EXPECT_EQ(partition.targets[1].mark.ToString(), "sc.yaml:62:38");
  EXPECT_EQ(partition.mode, model::PartitionMode::kReject);
  EXPECT_EQ(partition.duration, SimDuration(300000));
  EXPECT_EQ(tl[7].fault.kind, Kind::kExpireCredential);
  EXPECT_EQ(tl[7].fault.credential_kind, model::CredentialSpec::Kind::kKubeconfig);
  EXPECT_EQ(tl[7].fault.credential_target, "production");
  EXPECT_EQ(tl[8].fault.kind, Kind::kRevokeCredential);
  EXPECT_EQ(tl[8].fault.credential_kind, model::CredentialSpec::Kind::kSshKey);

  ASSERT_EQ(sc->stubs.size(), 2u);
  const model::StubSpec& psql = sc->stubs[0];
  EXPECT_EQ(psql.program, "psql");
  EXPECT_EQ(psql.args, "-h db-1 .* -c (.*)");
  EXPECT_EQ(psql.stdout_text, "{{ db_connections{database=\"orders\"} }}\n");
  EXPECT_EQ(psql.stderr_text, "ran {{ $1 }}");
  EXPECT_EQ(psql.exit_code, 3);
  EXPECT_EQ(psql.duration, SimDuration(200));
  using Effect = model::StubEffect::Kind;
  ASSERT_EQ(psql.effects.size(), 7u);
  EXPECT_EQ(psql.effects[0].kind, Effect::kTerminateIdleConnections);
  EXPECT_EQ(psql.effects[0].older_than, SimDuration(3600000));
  EXPECT_EQ(psql.effects[0].state, "idle in transaction");
  EXPECT_EQ(psql.effects[1].kind, Effect::kStopConnectionLeak);
  EXPECT_EQ(psql.effects[2].kind, Effect::kFreeDisk);
  EXPECT_EQ(psql.effects[2].path, "/var/log/app/debug.log");
  EXPECT_EQ(psql.effects[3].kind, Effect::kRestartService);
  EXPECT_EQ(psql.effects[4].kind, Effect::kStartService);
  EXPECT_EQ(psql.effects[5].kind, Effect::kStopService);
  EXPECT_EQ(psql.effects[6].kind, Effect::kRestartDeployment);
  EXPECT_EQ(psql.effects[6].namespace_name, "production");
  EXPECT_EQ(psql.effects[6].deployment, "api");
  // A second stub of the same program, with every default.
  const model::StubSpec& bare = sc->stubs[1];
  EXPECT_FALSE(bare.args.has_value());
  EXPECT_EQ(bare.stdout_text, "");
  EXPECT_EQ(bare.exit_code, 0);
  EXPECT_EQ(bare.duration, SimDuration(100));

  ASSERT_EQ(sc->expect.metrics.size(), 1u);
  const model::MetricExpectation& metric = sc->expect.metrics[0];
  EXPECT_EQ(metric.expr, "node_filesystem_used_ratio{host=\"db-1\",mountpoint=\"/\"} < 0.8");
  EXPECT_EQ(metric.selector.metric, "node_filesystem_used_ratio");
  EXPECT_EQ(metric.selector.matchers.size(), 2u);
  EXPECT_EQ(metric.comparison, model::Comparison::kLess);
  EXPECT_DOUBLE_EQ(metric.threshold, 0.8);
  EXPECT_EQ(metric.mark.ToString(), "sc.yaml:97:7");
  ASSERT_EQ(sc->expect.runbooks.size(), 1u);
  EXPECT_EQ(sc->expect.runbooks[0].runs, 2);
  EXPECT_FALSE(sc->expect.runbooks[0].ran.has_value());
}

TEST(LoadChaosScenarioTest, NewSectionsHaveDefaults) {
  std::vector<Diagnostic> errors;
  std::optional<model::Scenario> sc = ParseScenario(R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: quiet}
world:
  hosts: [{name: db-1}]
  databases: [{name: orders}]
  services: [{name: api}]
alerting: {}
)",
                                                    "sc.yaml", &errors);
  ASSERT_TRUE(sc.has_value()) << ::testing::PrintToString(Strings(errors));
  const model::HostSpec& host = sc->world.hosts[0];
  EXPECT_EQ(host.address, "");  // the world derives one from the name
  EXPECT_EQ(host.port, 22);
  EXPECT_EQ(host.users, (std::vector<std::string>{"root"}));
  EXPECT_TRUE(host.disks.empty());  // the world adds "/" of 100G with 20G used
  EXPECT_EQ(host.journal_bytes, 0);
  const model::DatabaseSpec& db = sc->world.databases[0];
  EXPECT_EQ(db.host, "");
  EXPECT_EQ(db.engine, "postgresql");
  EXPECT_EQ(db.max_connections, 100);
  EXPECT_TRUE(db.connections.empty());
  EXPECT_DOUBLE_EQ(sc->world.services[0].base_error_ratio, 0.001);
  EXPECT_EQ(sc->alerting.evaluation_interval, SimDuration(15000));
  EXPECT_EQ(sc->alerting.group_by, (std::vector<std::string>{"alertname"}));
  EXPECT_EQ(sc->alerting.repeat_interval, SimDuration(4 * 3600000));
  EXPECT_TRUE(sc->alerting.rules.empty());
  EXPECT_TRUE(sc->stubs.empty());
  EXPECT_TRUE(sc->expect.metrics.empty());
}

TEST(LoadChaosScenarioTest, NegativeDurationsSaySo) {
  std::vector<Diagnostic> errors;
  EXPECT_FALSE(ParseScenario(R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: quiet}
horizon: -5m
)",
                             "sc.yaml", &errors)
                   .has_value());
  EXPECT_THAT(Strings(errors), ::testing::ElementsAre(
                                   "sc.yaml:4:10: \"horizon\" must not be negative, got \"-5m\""));
}

}  // namespace
}  // namespace rundrill::load
