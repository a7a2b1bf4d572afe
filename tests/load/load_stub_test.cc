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

TEST(LoadStubTest, ProgramNames) {
  EXPECT_THAT(
      ScenarioErrors(WithChaosWorld(R"(stubs:
  - program: kubectl
  - program: /usr/bin/psql
  - program: ssh
  - {stdout: x}
  - {program: psql, exit_code: 256, args: "(unclosed", duraton: 1s}
)")),
      ElementsAre("sc.yaml:20:14: \"kubectl\" is modelled by rundrill and cannot be stubbed (stub "
                  "only programs rundrill does not model, like psql or aws)",
                  "sc.yaml:21:14: invalid program name \"/usr/bin/psql\" (use the plain name "
                  "looked up on PATH, like psql)",
                  "sc.yaml:22:14: \"ssh\" is modelled by rundrill and cannot be stubbed (stub only "
                  "programs rundrill does not model, like psql or aws)",
                  "sc.yaml:23:5: stub is missing required key \"program\"",
                  "sc.yaml:24:32: \"exit_code\" must be between 0 and 255, got \"256\"",
                  "sc.yaml:24:43: invalid regex \"(unclosed\" in \"args\": Unmatched marking "
                  "parenthesis ( or \\(",
                  "sc.yaml:24:56: unknown key \"duraton\" in stub (did you mean \"duration\"?)"));
}

TEST(LoadStubTest, GroupReferencesMustExistInArgs) {
  EXPECT_THAT(
      ScenarioErrors(WithChaosWorld(R"yaml(stubs:
  - program: psql
    args: "-h (\\S+) -c (.*)"
    stdout: "{{ $2 }} {{ $3 }}"
  - program: psql
    stderr: "{{ $0 }}{{ $1 }}"
  - program: aws
    args: "s3 ls"
    stdout: "{{$1}}"
)yaml")),
      ElementsAre(
          "sc.yaml:22:23: template \"{{ $3 }}\" refers to group 3, but \"args\" has only 2 groups",
          "sc.yaml:24:22: template \"{{ $1 }}\" refers to group 1, but the stub has no \"args\"",
          "sc.yaml:27:14: template \"{{$1}}\" refers to group 1, but \"args\" has no groups"));
}

TEST(LoadStubTest, SelectorTemplates) {
  EXPECT_THAT(
      ScenarioErrors(WithChaosWorld(R"(stubs:
  - program: psql
    stdout: "count={{ db_conections{database=\"orders\"} }} {{ $value }}"
  - program: psql
    stdout: 'n={{ db_connections{database="ordrs"} }} {{ db_connections{database=} }}'
  - program: psql
    stdout: "{{ up{host=\"db-1\"} "
)")),
      ElementsAre(
          "sc.yaml:21:23: unknown metric \"db_conections\" (did you mean \"db_connections\"?)",
          "sc.yaml:21:61: unsupported template \"{{ $value }}\" (use {{ $N }} for a group of "
          "\"args\", or a series selector like {{ db_connections{database=\"orders\"} }})",
          "sc.yaml:23:43: database \"ordrs\" is not declared in world (did you mean \"orders\"?)",
          "sc.yaml:23:82: invalid selector: expected a double-quoted label value",
          "sc.yaml:25:14: unclosed template (\"{{\" without \"}}\")"));
}

TEST(LoadStubTest, EffectsNameDeclaredThings) {
  EXPECT_THAT(
      ScenarioErrors(WithChaosWorld(R"(stubs:
  - program: psql
    effects:
      - terminate_idle_connections: {database: ordrs, older_than: 1h, state: active}
      - stop_connection_leak: {database: orders, older_than: 1h}
      - free_disk: {host: db-1, path: /var/log/app/debug.log.1}
      - restart_service: {host: db-1, service: postgres}
      - start_service: {host: db-2, service: postgresql}
      - restart_deployment: {namespace: production, deployment: apii}
      - restart_deploymnet: {namespace: production, deployment: api}
      - {stop_service: {host: db-1, service: postgresql}, free_disk: {host: db-1, path: /x}}
      - free_disk: {host: db-1, path: tmp/x}
)")),
      ElementsAre(
          "sc.yaml:22:48: database \"ordrs\" is not declared in world (did you mean \"orders\"?)",
          "sc.yaml:22:78: \"state\" must be one of \"idle\" or \"idle in transaction\", got "
          "\"active\"",
          "sc.yaml:23:50: unknown key \"older_than\" in stop_connection_leak",
          "sc.yaml:24:39: file \"/var/log/app/debug.log.1\" is neither declared on host \"db-1\" "
          "nor written by a disk_fill event (did you mean \"/var/log/app/debug.log\"?)",
          "sc.yaml:25:48: service \"postgres\" is not declared on host \"db-1\" (did you mean "
          "\"postgresql\"?)",
          "sc.yaml:26:31: host \"db-2\" is not declared in world (did you mean \"db-1\"?)",
          "sc.yaml:27:65: deployment \"apii\" is not declared in namespace \"production\" (did you "
          "mean \"api\"?)",
          "sc.yaml:28:9: unknown key \"restart_deploymnet\" in effect (did you mean "
          "\"restart_deployment\"?)",
          "sc.yaml:29:59: effect has both \"stop_service\" and \"free_disk\"; keep only one",
          "sc.yaml:30:39: invalid file path \"tmp/x\" (use an absolute path like "
          "/var/log/app/debug.log)"));
}

TEST(LoadStubTest, FreeDiskMayFreeWhatADiskFillWrote) {
  std::vector<Diagnostic> errors;
  std::optional<model::Scenario> sc = ParseScenario(WithChaosWorld(R"(timeline:
  - at: 4m
    disk_fill: {host: db-1, path: /var/lib/postgresql/dump.tmp, bytes: 20G}
stubs:
  - program: rm
    args: "-f /var/lib/postgresql/dump.tmp"
    effects:
      - free_disk: {host: db-1, path: /var/lib/postgresql/dump.tmp}
      - free_disk: {host: db-1, path: /var/log/app/debug.log}
)"),
                                                    "sc.yaml", &errors);
  ASSERT_TRUE(sc.has_value()) << ::testing::PrintToString(Strings(errors));
  ASSERT_EQ(sc->stubs.size(), 1u);
  EXPECT_EQ(sc->stubs[0].effects[0].kind, model::StubEffect::Kind::kFreeDisk);
  EXPECT_EQ(sc->stubs[0].effects[0].path, "/var/lib/postgresql/dump.tmp");
}

}  // namespace
}  // namespace rundrill::load
