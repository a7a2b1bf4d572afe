#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "simulator/load/loader.h"
#include "tests/load/load_test_util.h"

namespace rundrill::load {
namespace {

using ::rundrill::load::testing::ScenarioErrors;
using ::testing::ElementsAre;

constexpr char kHeader[] = R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: demo}
)";

std::string Doc(const std::string& rest) { return kHeader + rest; }

TEST(LoadWorldTest, HostScalars) {
  EXPECT_THAT(
      ScenarioErrors(Doc(R"(world:
  hosts:
    - name: DB_1
      address: 10.0.3.256
      port: 0
      users: []
      uptime: -5m
      load: -1
      disk: []
)")),
      ElementsAre(
          "sc.yaml:6:13: invalid host name \"DB_1\" (use lower-case letters, digits, \"-\" and "
          "\".\")",
          "sc.yaml:7:16: invalid address \"10.0.3.256\" (use an IPv4 address like 10.0.3.21)",
          "sc.yaml:8:13: \"port\" must be between 1 and 65535, got \"0\"",
          "sc.yaml:9:14: \"users\" must not be empty",
          "sc.yaml:10:15: \"uptime\" must not be negative, got \"-5m\"",
          "sc.yaml:11:13: \"load\" must be at least 0, got \"-1\"",
          "sc.yaml:12:7: unknown key \"disk\" in host (did you mean \"disks\"?)"));
}

TEST(LoadWorldTest, HostUsersAndDuplicateHosts) {
  EXPECT_THAT(ScenarioErrors(Doc(R"(world:
  hosts:
    - {name: db-1, users: [root, Postgres, root]}
    - {name: db-2}
    - {name: db-1}
)")),
              ElementsAre("sc.yaml:6:14: host \"db-1\" is defined again at sc.yaml:8:14",
                          "sc.yaml:6:28: user \"root\" is defined again at sc.yaml:6:44",
                          "sc.yaml:6:34: invalid user name \"Postgres\" (use lower-case letters, "
                          "digits, \"-\" and \"_\")",
                          "sc.yaml:6:44: duplicate user \"root\" (first defined at sc.yaml:6:28)",
                          "sc.yaml:8:14: duplicate host \"db-1\" (first defined at sc.yaml:6:14)"));
}

TEST(LoadWorldTest, DiskValues) {
  EXPECT_THAT(
      ScenarioErrors(Doc(R"(world:
  hosts:
    - name: db-1
      disks:
        - {mount: data/, size: 12X}
        - {mount: /, size: 100G, used: 120G, fill: 2G}
        - {mount: /srv, size: 0, device: sdb1}
        - {mount: /, size: 1G, filesystem: ""}
        - {mount: /var, used: 1G}
)")),
      ElementsAre(
          "sc.yaml:8:19: invalid mount point \"data/\" (use an absolute path like "
          "/var/lib/postgresql)",
          "sc.yaml:8:32: \"size\" must be a size in bytes, like 4096, 512M, 1.5G or 100GiB, got "
          "\"12X\"",
          "sc.yaml:9:19: mount point \"/\" is defined again at sc.yaml:11:19",
          "sc.yaml:9:40: \"used\" (120G) is more than \"size\" (100G)",
          "sc.yaml:9:52: \"fill\" must be a size per s, m, h or d, like 2G/h or 512K/s, got \"2G\"",
          "sc.yaml:10:31: \"size\" must be more than 0",
          "sc.yaml:10:42: invalid device \"sdb1\" (use a path like /dev/sdb1)",
          "sc.yaml:11:19: duplicate mount point \"/\" (first defined at sc.yaml:9:19)",
          "sc.yaml:11:44: \"filesystem\" must not be empty",
          "sc.yaml:12:11: disk is missing required key \"size\""));
}

TEST(LoadWorldTest, DiskHoldsMoreThanItsSizeAtTimeZero) {
  EXPECT_THAT(ScenarioErrors(Doc(R"(world:
  hosts:
    - name: db-1
      disks:
        - {mount: /, size: 100G, used: 62G}
        - {mount: /var/lib/postgresql, size: 10G}
      files:
        - {path: /var/log/app/debug.log, size: 30G}
        - {path: /var/lib/postgresql/dump.sql, size: 10G}
      journal: {size: 10G}
    - name: db-2
      files: [{path: /var/log/big.log, size: 81G}]
)")),
              ElementsAre("sc.yaml:8:19: disk \"/\" of host \"db-1\" holds 102G at time 0 "
                          "(\"used\", files and journal), more than its size (100G)",
                          "sc.yaml:14:13: disk \"/\" of host \"db-2\" holds 101G at time 0 "
                          "(\"used\", files and journal), more than its size (100G)"));
}

TEST(LoadWorldTest, HostServicesAndFiles) {
  EXPECT_THAT(
      ScenarioErrors(Doc(R"(world:
  hosts:
    - name: db-1
      services:
        - {name: postgresql, state: running}
        - {name: PostgreSQL}
        - {name: postgresql.service, restart_time: soon}
      files:
        - {path: var/log/app.log}
        - {path: /var/log/app, content: "x"}
        - {path: /var/log/app/debug.log, growth: 1G}
        - {path: /var/log/app/debug.log, age: 3d}
      journal: {size: 4G, span: 0s}
)")),
      ElementsAre(
          "sc.yaml:8:18: service \"postgresql\" is defined again at sc.yaml:10:18",
          "sc.yaml:8:37: \"state\" must be one of \"active\", \"inactive\" or \"failed\", got "
          "\"running\"",
          "sc.yaml:9:18: invalid service name \"PostgreSQL\" (use lower-case letters, digits, "
          "\"-\", \"_\", \".\" and \"@\")",
          "sc.yaml:10:18: duplicate service \"postgresql\" (first defined at sc.yaml:8:18)",
          "sc.yaml:10:52: invalid duration \"soon\" (use forms like 90s, 5m, 1h30m)",
          "sc.yaml:12:18: invalid file path \"var/log/app.log\" (use an absolute path like "
          "/var/log/app/debug.log)",
          "sc.yaml:14:18: file \"/var/log/app/debug.log\" is defined again at sc.yaml:15:18",
          "sc.yaml:14:50: \"growth\" must be a size per s, m, h or d, like 2G/h or 512K/s, got "
          "\"1G\"",
          "sc.yaml:15:18: duplicate file \"/var/log/app/debug.log\" (first defined at "
          "sc.yaml:14:18)",
          "sc.yaml:16:33: \"span\" must be longer than 0s"));
}

TEST(LoadWorldTest, AFileCannotHoldFiles) {
  EXPECT_THAT(ScenarioErrors(Doc(R"(world:
  hosts:
    - name: db-1
      files:
        - {path: /var/log/app, content: "x"}
        - {path: /var/log/app/debug.log}
)")),
              ElementsAre("sc.yaml:9:18: file \"/var/log/app/debug.log\" is under "
                          "\"/var/log/app\", which is a file (sc.yaml:8:18)"));
}

TEST(LoadWorldTest, DatabaseValues) {
  EXPECT_THAT(
      ScenarioErrors(Doc(R"(world:
  hosts: [{name: db-1}]
  databases:
    - {name: Orders, host: db-l, engine: mysql, max_connections: 0}
    - name: orders
      connections:
        - {count: 0, state: waiting}
        - {count: 2, user: ""}
    - {name: orders}
)")),
      ElementsAre("sc.yaml:7:14: invalid database name \"Orders\" (use lower-case letters, digits, "
                  "\"-\" and \"_\")",
                  "sc.yaml:7:28: host \"db-l\" is not declared in world (did you mean \"db-1\"?)",
                  "sc.yaml:7:42: \"engine\" must be one of \"postgresql\", got \"mysql\"",
                  "sc.yaml:7:66: \"max_connections\" must be between 1 and 100000, got \"0\"",
                  "sc.yaml:8:13: database \"orders\" is defined again at sc.yaml:12:14",
                  "sc.yaml:10:19: \"count\" must be between 1 and 100000, got \"0\"",
                  "sc.yaml:10:29: \"state\" must be one of \"active\", \"idle\" or \"idle in "
                  "transaction\", got \"waiting\"",
                  "sc.yaml:11:28: \"user\" must not be empty",
                  "sc.yaml:12:14: duplicate database \"orders\" (first defined at sc.yaml:8:13)"));
}

TEST(LoadWorldTest, ConnectionsOverMaxConnections) {
  EXPECT_THAT(
      ScenarioErrors(Doc(R"(world:
  databases:
    - name: orders
      max_connections: 100
      connections:
        - {count: 60, state: idle, age: 3h}
        - {count: 45, state: idle in transaction}
)")),
      ElementsAre("sc.yaml:9:9: connections add up to 105, more than \"max_connections\" (100)"));
}

TEST(LoadWorldTest, ServiceAndDatabaseMustNotShareAName) {
  EXPECT_THAT(ScenarioErrors(Doc(R"(world:
  databases: [{name: orders}]
  services: [{name: orders}]
)")),
              ElementsAre("sc.yaml:5:22: database \"orders\" has the name of service \"orders\" "
                          "(defined at sc.yaml:6:21)",
                          "sc.yaml:6:21: service \"orders\" has the name of database \"orders\" "
                          "(defined at sc.yaml:5:22)"));
}

TEST(LoadWorldTest, ServiceValues) {
  EXPECT_THAT(
      ScenarioErrors(Doc(R"(world:
  kubernetes:
    deployments: [{name: api, namespace: production, history: [{image: api:1}]}]
  databases: [{name: orders}]
  services:
    - {name: api, deployment: production/apii, error_ratio: 1.5, p99: 0s}
    - {name: web, deployment: web, depends_on: [order, web, api, api]}
    - {name: Web}
)")),
      ElementsAre("sc.yaml:9:31: deployment \"production/apii\" is not declared in world (did you "
                  "mean \"production/api\"?)",
                  "sc.yaml:9:61: \"error_ratio\" must be between 0 and 1, got \"1.5\"",
                  "sc.yaml:9:71: \"p99\" must be longer than 0s",
                  "sc.yaml:10:31: \"deployment\" must look like \"namespace/name\", got \"web\"",
                  "sc.yaml:10:49: service or database \"order\" is not declared in world (did you "
                  "mean \"orders\"?)",
                  "sc.yaml:10:56: service \"web\" depends on itself",
                  "sc.yaml:10:66: duplicate entry \"api\" in \"depends_on\"",
                  "sc.yaml:11:14: invalid service name \"Web\" (use lower-case letters, digits and "
                  "\"-\")"));
}

TEST(LoadWorldTest, DependencyCycleIsReportedOnce) {
  EXPECT_THAT(ScenarioErrors(Doc(R"(world:
  databases: [{name: orders}]
  services:
    - {name: api, depends_on: [orders, web]}
    - {name: web, depends_on: [api]}
    - {name: batch, depends_on: [queue]}
    - {name: queue, depends_on: [worker]}
    - {name: worker, depends_on: [batch, api]}
)")),
              ElementsAre("sc.yaml:7:40: dependency cycle: api → web → api",
                          "sc.yaml:9:34: dependency cycle: batch → queue → worker → batch"));
}

TEST(LoadWorldTest, CredentialTargets) {
  EXPECT_THAT(
      ScenarioErrors(Doc(R"(world:
  kubernetes: {cluster: production}
  hosts: [{name: db-1}]
  credentials:
    - {kind: kubeconfig, target: prod, expires: 25m}
    - {kind: ssh_key, target: db-2}
    - {kind: slack_token, target: workspace}
    - {kind: ssh_key}
    - {kind: kubecfg, target: production}
    - {kind: pagerduty_token, expires: soon}
)")),
      ElementsAre(
          "sc.yaml:8:34: cluster \"prod\" is not declared in world (the cluster is \"production\")",
          "sc.yaml:9:31: host \"db-2\" is not declared in world (did you mean \"db-1\"?)",
          "sc.yaml:10:27: kind \"slack_token\" takes no \"target\"",
          "sc.yaml:11:7: credential of kind \"ssh_key\" is missing required key \"target\"",
          "sc.yaml:12:14: \"kind\" must be one of \"kubeconfig\", \"ssh_key\", \"slack_token\" or "
          "\"pagerduty_token\", got \"kubecfg\"",
          "sc.yaml:13:40: invalid duration \"soon\" (use forms like 90s, 5m, 1h30m)"));
}

TEST(LoadWorldTest, OneCredentialPerKindAndTarget) {
  EXPECT_THAT(
      ScenarioErrors(Doc(R"(world:
  hosts: [{name: db-1}, {name: db-2}]
  credentials:
    - {kind: ssh_key, target: db-1, expires: 10m}
    - {kind: ssh_key, target: db-2}
    - {kind: slack_token}
    - {kind: ssh_key, target: db-1}
    - {kind: slack_token, expires: 1h}
)")),
      ElementsAre(
          "sc.yaml:7:7: credential \"ssh_key/db-1\" is defined again at sc.yaml:10:7",
          "sc.yaml:9:7: credential \"slack_token\" is defined again at sc.yaml:11:7",
          "sc.yaml:10:7: duplicate credential \"ssh_key/db-1\" (first defined at sc.yaml:7:7)",
          "sc.yaml:11:7: duplicate credential \"slack_token\" (first defined at sc.yaml:9:7)"));
}

TEST(LoadWorldTest, UnknownWorldKeys) {
  EXPECT_THAT(ScenarioErrors(Doc(R"(world:
  host: []
  databases:
    - {name: orders, max_conections: 10}
)")),
              ElementsAre("sc.yaml:5:3: unknown key \"host\" in world (did you mean \"hosts\"?)",
                          "sc.yaml:7:22: unknown key \"max_conections\" in database (did you mean "
                          "\"max_connections\"?)"));
}

}  // namespace
}  // namespace rundrill::load
