#include "fakes/stub/stub_backend.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "simulator/world/world.h"
#include "tests/fakes/test_context.h"

namespace rundrill::fakes {
namespace {

class TestContext : public testing::TestContext {
 public:
  TestContext() : testing::TestContext(3, "psql", SimTime(3600 * 1000)) {}
};

constexpr SimTime Seconds(int64_t s) { return SimTime(s * 1000); }
constexpr int64_t kBigLog = int64_t{5} << 30;

model::WorldSpec TestWorld() {
  model::WorldSpec spec;
  model::DeploymentSpec api;
  api.namespace_name = "production";
  api.name = "api";
  api.replicas = 2;
  api.history = {{"api:1", "", {}}};
  spec.kubernetes.deployments.push_back(api);
  for (const char* name : {"orders", "users"}) {
    model::DatabaseSpec db;
    db.name = name;
    db.max_connections = 10;
    model::ConnectionSpec idle;
    idle.count = 4;
    idle.state = "idle";
    idle.age = SimDuration(2 * 3600000);
    model::ConnectionSpec busy;
    busy.count = 1;
    busy.state = "active";
    db.connections = {idle, busy};
    spec.databases.push_back(db);
  }
  model::HostSpec db1;
  db1.name = "db-1";
  model::DiskSpec root;
  root.size_bytes = int64_t{32} << 30;
  root.used_bytes = int64_t{4} << 30;
  db1.disks = {root};
  model::HostServiceSpec postgresql;
  postgresql.name = "postgresql";
  postgresql.description = "PostgreSQL RDBMS";
  db1.services = {postgresql};
  model::FileSpec big;
  big.path = "/var/log/big.log";
  big.size_bytes = kBigLog;
  db1.files = {big};
  spec.hosts = {db1};
  return spec;
}

model::StubSpec Stub(std::optional<std::string> args, std::string out, int line) {
  model::StubSpec s;
  s.program = "psql";
  s.args = std::move(args);
  s.stdout_text = std::move(out);
  s.mark = {"scenarios/pool.yaml", line, 5};
  return s;
}

model::StubEffect Effect(model::StubEffect::Kind kind, int line) {
  model::StubEffect e;
  e.kind = kind;
  e.mark = {"scenarios/pool.yaml", line, 11};
  return e;
}

class StubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Status s = context_.World().Build(TestWorld());
    ASSERT_TRUE(s.ok()) << s.message();
  }

  StubBackend Make(const std::vector<model::StubSpec>& stubs) {
    StatusOr<StubBackend> backend = StubBackend::Create("psql", stubs);
    EXPECT_TRUE(backend.ok()) << backend.status().message();
    return backend.ok() ? std::move(*backend) : *StubBackend::Create("psql", {});
  }

  CommandResponse Run(StubBackend& backend, const std::vector<std::string>& args) {
    CommandRequest request;
    request.argv = {"psql"};
    request.argv.insert(request.argv.end(), args.begin(), args.end());
    return backend.Handle(request, context_);
  }

  world::DatabaseWorld& databases() { return context_.World().databases(); }

  TestContext context_;
};

TEST_F(StubTest, FirstFullMatchAnswersWithGroups) {
  model::StubSpec count = Stub("-h (\\S+) -c (select count.*)", "{{ $2 }} on {{ $1 }}\n", 10);
  count.stderr_text = "warning\n";
  count.exit_code = 3;
  model::StubSpec partial = Stub("select", "never: the whole argument string must match\n", 20);
  model::StubSpec any = Stub(std::nullopt, "fallback for [{{ $0 }}]\n", 30);
  StubBackend backend = Make({count, partial, any});
  EXPECT_EQ(backend.Program(), "psql");

  CommandResponse r = Run(backend, {"-h", "db-1", "-c", "select count(*) from pg_stat_activity"});
  EXPECT_EQ(r.stdout_data, "select count(*) from pg_stat_activity on db-1\n");
  EXPECT_EQ(r.stderr_data, "warning\n");
  EXPECT_EQ(r.exit_code, 3);

  r = Run(backend, {"-c", "select 1"});
  EXPECT_EQ(r.stdout_data, "fallback for [-c select 1]\n");
  EXPECT_EQ(r.exit_code, 0);

  ASSERT_EQ(backend.calls().size(), 2u);
  EXPECT_EQ(backend.calls()[0].stub, 0u);
  EXPECT_EQ(backend.calls()[0].arguments, "-h db-1 -c select count(*) from pg_stat_activity");
  EXPECT_EQ(backend.calls()[1].stub, 2u);
}

TEST_F(StubTest, EarlierStubWinsOverALaterOneThatAlsoMatches) {
  StubBackend backend = Make({Stub("-c .*", "first\n", 10), Stub("-c select 1", "second\n", 20)});
  EXPECT_EQ(Run(backend, {"-c", "select", "1"}).stdout_data, "first\n");
}

TEST_F(StubTest, NoMatchFailsLoudlyListingEveryStubTried) {
  StubBackend backend =
      Make({Stub("-h db-1 .*", "", 40), Stub("-h (db-2|db-3) -c (.*)", "{{ $2 }}", 52)});
  const CommandResponse r = Run(backend, {"-c", "select 1"});
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_EQ(r.stdout_data, "");
  EXPECT_EQ(r.stderr_data,
            "rundrill: psql: no stub matches the arguments \"-c select 1\"; tried: \"-h db-1 .*\" "
            "(scenarios/pool.yaml:40:5), \"-h (db-2|db-3) -c (.*)\" (scenarios/pool.yaml:52:5)\n");
  ASSERT_EQ(backend.calls().size(), 1u);
  EXPECT_FALSE(backend.calls()[0].stub);
  EXPECT_EQ(backend.calls()[0].exit_code, 127);

  StubBackend empty = Make({});
  EXPECT_EQ(Run(empty, {}).stderr_data,
            "rundrill: psql: no stub matches the arguments \"\"; the scenario declares no stub "
            "for psql\n");
}

TEST_F(StubTest, DurationAdvancesVirtualTime) {
  model::StubSpec slow = Stub(std::nullopt, "done\n", 10);
  slow.duration = SimDuration(2500);
  StubBackend backend = Make({slow});
  context_.AdvanceTo(Seconds(10));
  EXPECT_EQ(Run(backend, {}).stdout_data, "done\n");
  EXPECT_EQ(context_.Now(), SimTime(12500));
  EXPECT_EQ(backend.calls()[0].at, Seconds(10));
}

TEST_F(StubTest, DeadlineStopsTheCallAtOnce) {
  model::StubSpec slow = Stub(std::nullopt, "done\n", 10);
  slow.duration = SimDuration(60000);
  StubBackend backend = Make({slow});
  context_.horizon = Seconds(30);
  const CommandResponse r = Run(backend, {});
  EXPECT_EQ(r.exit_code, 143);
  EXPECT_EQ(r.stdout_data, "");
  EXPECT_EQ(context_.Now(), Seconds(30));
}

TEST_F(StubTest, MetricTemplatesReadTheWorldWhenTheCallAnswers) {
  ASSERT_TRUE(
      databases()
          .StartLeak("orders", {1, SimDuration(1000)}, "idle", "leaky", Seconds(0), SimTime::max())
          .ok());
  model::StubSpec count =
      Stub("-d (\\w+) -c select count.*",
           " count \n-------\n {{ db_connections{database=\"orders\"} }}\n(1 row)\n\n", 10);
  count.duration = SimDuration(2000);
  StubBackend backend = Make({count});
  // 5 declared; leaked at 1 s and 2 s; the answer comes at 2 s.
  EXPECT_EQ(Run(backend, {"-d", "orders", "-c", "select count(*)"}).stdout_data,
            " count \n-------\n 7\n(1 row)\n\n");
}

TEST_F(StubTest, TemplateThatPicksNoSingleSeriesFailsLoudly) {
  StubBackend backend = Make({Stub(std::nullopt, "{{ db_connections }}\n", 10)});
  const CommandResponse r = Run(backend, {});
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_EQ(r.stdout_data, "");
  EXPECT_EQ(r.stderr_data,
            "rundrill: psql: stub cannot answer: {{ db_connections }}: db_connections matches 2 "
            "series (db_connections{database=\"orders\"}, db_connections{database=\"users\"}); "
            "narrow it to one (scenarios/pool.yaml:10:5)\n");
}

TEST_F(StubTest, TerminateIdleConnectionsEffect) {
  model::StubSpec kill = Stub("-c .*pg_terminate_backend.*", " pg_terminate_backend\n", 10);
  model::StubEffect effect = Effect(model::StubEffect::Kind::kTerminateIdleConnections, 14);
  effect.database = "orders";
  effect.older_than = SimDuration(3600000);
  kill.effects = {effect};
  StubBackend backend = Make({kill});
  const CommandResponse r = Run(backend, {"-c", "select pg_terminate_backend(pid) from x"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(databases().State("orders")->total, 1);  // the active one stays
  EXPECT_EQ(databases().State("users")->total, 5);
}

TEST_F(StubTest, EffectsApplyAtTheCallsTimeBeforeItsDuration) {
  // Connections leaked during the call's own duration are not swept by it.
  ASSERT_TRUE(
      databases()
          .StartLeak("orders", {1, SimDuration(1000)}, "idle", "leaky", Seconds(0), SimTime::max())
          .ok());
  model::StubSpec kill = Stub(std::nullopt, "{{ db_idle_connections{database=\"orders\"} }}\n", 10);
  kill.duration = SimDuration(3000);
  model::StubEffect effect = Effect(model::StubEffect::Kind::kTerminateIdleConnections, 14);
  effect.database = "orders";
  kill.effects = {effect};
  StubBackend backend = Make({kill});
  EXPECT_EQ(Run(backend, {}).stdout_data, "3\n");
}

TEST_F(StubTest, StopConnectionLeakEffect) {
  ASSERT_TRUE(
      databases()
          .StartLeak("orders", {1, SimDuration(1000)}, "idle", "leaky", Seconds(0), SimTime::max())
          .ok());
  model::StubSpec stop = Stub(std::nullopt, "", 10);
  model::StubEffect effect = Effect(model::StubEffect::Kind::kStopConnectionLeak, 14);
  effect.database = "orders";
  stop.effects = {effect};
  StubBackend backend = Make({stop});
  context_.AdvanceTo(Seconds(2));
  EXPECT_EQ(Run(backend, {}).exit_code, 0);
  context_.AdvanceTo(Seconds(60));
  EXPECT_EQ(databases().State("orders")->total, 7);
  EXPECT_EQ(databases().State("orders")->running_leaks, 0);
}

TEST_F(StubTest, RestartDeploymentEffect) {
  model::StubSpec restart = Stub(std::nullopt, "", 10);
  model::StubEffect effect = Effect(model::StubEffect::Kind::kRestartDeployment, 14);
  effect.namespace_name = "production";
  effect.deployment = "api";
  restart.effects = {effect};
  StubBackend backend = Make({restart});
  ASSERT_EQ(context_.World().kube().Deployment("production", "api")->revision, 1);
  EXPECT_EQ(Run(backend, {}).exit_code, 0);
  EXPECT_EQ(context_.World().kube().Deployment("production", "api")->revision, 2);
  EXPECT_EQ(context_.World()
                .kube()
                .FindDeployment("production", "api")
                ->pod_template.annotations.count("kubectl.kubernetes.io/restartedAt"),
            1u);
}

TEST_F(StubTest, FailingEffectExitsOneAndStopsTheRest) {
  model::StubSpec stub = Stub(std::nullopt, "pretended success\n", 10);
  model::StubEffect wrong = Effect(model::StubEffect::Kind::kTerminateIdleConnections, 14);
  wrong.database = "ordrs";
  model::StubEffect later = Effect(model::StubEffect::Kind::kTerminateIdleConnections, 17);
  later.database = "users";
  stub.effects = {wrong, later};
  StubBackend backend = Make({stub});
  const CommandResponse r = Run(backend, {});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.stdout_data, "");
  EXPECT_EQ(r.stderr_data,
            "rundrill: psql: effect terminate_idle_connections failed: database \"ordrs\" is not "
            "declared in the scenario (scenarios/pool.yaml:14:11)\n");
  EXPECT_EQ(databases().State("users")->total, 5);

  model::StubSpec ghost = Stub(std::nullopt, "", 20);
  model::StubEffect restart = Effect(model::StubEffect::Kind::kRestartDeployment, 24);
  restart.namespace_name = "production";
  restart.deployment = "ghost";
  ghost.effects = {restart};
  StubBackend other = Make({ghost});
  EXPECT_EQ(Run(other, {}).exit_code, 1);
}

model::StubSpec WithEffect(model::StubEffect::Kind kind, const std::string& host,
                           const std::string& service_or_path) {
  model::StubSpec stub = Stub(std::nullopt, "ok\n", 10);
  model::StubEffect effect = Effect(kind, 12);
  effect.host = host;
  effect.service = service_or_path;
  effect.path = service_or_path;
  stub.effects = {effect};
  return stub;
}

TEST_F(StubTest, FreeDiskEffectDeletesTheFileAndIsSafeToRepeat) {
  world::HostWorld& hosts = context_.World().hosts();
  const int64_t used = hosts.DiskOf("db-1", "/var/log/big.log")->used_bytes;
  StubBackend backend =
      Make({WithEffect(model::StubEffect::Kind::kFreeDisk, "db-1", "/var/log/big.log")});
  EXPECT_EQ(Run(backend, {}).exit_code, 0);
  EXPECT_FALSE(hosts.Stat("db-1", "/var/log/big.log").ok());
  EXPECT_EQ(hosts.DiskOf("db-1", "/")->used_bytes, used - kBigLog);
  // As `rm -f`: the second run finds nothing to delete and still succeeds.
  const CommandResponse again = Run(backend, {});
  EXPECT_EQ(again.exit_code, 0) << again.stderr_data;

  StubBackend elsewhere =
      Make({WithEffect(model::StubEffect::Kind::kFreeDisk, "db-9", "/var/log/big.log")});
  const CommandResponse r = Run(elsewhere, {});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.stderr_data.rfind("rundrill: psql: effect free_disk failed: ", 0), 0u)
      << r.stderr_data;
}

TEST_F(StubTest, ServiceEffectsDriveSystemdUnits) {
  using Kind = model::StubEffect::Kind;
  world::HostWorld& hosts = context_.World().hosts();
  StubBackend stop = Make({WithEffect(Kind::kStopService, "db-1", "postgresql")});
  StubBackend start = Make({WithEffect(Kind::kStartService, "db-1", "postgresql")});
  StubBackend restart = Make({WithEffect(Kind::kRestartService, "db-1", "postgresql.service")});

  context_.AdvanceTo(Seconds(5));
  ASSERT_EQ(Run(stop, {}).exit_code, 0);
  EXPECT_EQ(hosts.Service("db-1", "postgresql")->state, world::ServiceState::kInactive);
  EXPECT_EQ(hosts.Service("db-1", "postgresql")->since, Seconds(5));
  ASSERT_EQ(Run(start, {}).exit_code, 0);
  EXPECT_EQ(hosts.Service("db-1", "postgresql")->state, world::ServiceState::kActive);
  const int pid = hosts.Service("db-1", "postgresql")->main_pid;
  context_.AdvanceTo(Seconds(20));
  ASSERT_EQ(Run(restart, {}).exit_code, 0);
  EXPECT_EQ(hosts.Service("db-1", "postgresql")->state, world::ServiceState::kActive);
  EXPECT_EQ(hosts.Service("db-1", "postgresql")->since, Seconds(20));
  EXPECT_NE(hosts.Service("db-1", "postgresql")->main_pid, pid);

  StubBackend typo = Make({WithEffect(Kind::kRestartService, "db-1", "postgres")});
  const CommandResponse r = Run(typo, {});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.stdout_data, "");
  EXPECT_EQ(r.stderr_data,
            "rundrill: psql: effect restart_service failed: unknown unit \"postgres\" on host "
            "\"db-1\" (scenarios/pool.yaml:12:11)\n");
}

TEST(StubBackendCreate, RejectsWhatCouldNeverAnswer) {
  auto error = [](model::StubSpec spec) {
    spec.program = "psql";
    spec.mark = {"scenarios/pool.yaml", 8, 5};
    StatusOr<StubBackend> backend = StubBackend::Create("psql", {spec});
    EXPECT_FALSE(backend.ok());
    return backend.status().message();
  };
  model::StubSpec bad_regex;
  bad_regex.args = "-c (select";
  EXPECT_EQ(error(bad_regex).rfind("scenarios/pool.yaml:8:5: stub for psql: args pattern \"-c "
                                   "(select\": ",
                                   0),
            0u)
      << error(bad_regex);
  model::StubSpec too_many_groups;
  too_many_groups.args = "-d (\\w+)";
  too_many_groups.stdout_text = "{{ $2 }}";
  EXPECT_EQ(error(too_many_groups),
            "scenarios/pool.yaml:8:5: stub for psql: {{ $2 }} but the args pattern has only 1 "
            "group(s)");
  model::StubSpec no_groups;
  no_groups.stderr_text = "{{ $1 }}";
  EXPECT_EQ(error(no_groups),
            "scenarios/pool.yaml:8:5: stub for psql: {{ $1 }} but the args pattern has no groups");
  model::StubSpec unknown_metric;
  unknown_metric.stdout_text = "{{ pool_size }}";
  EXPECT_EQ(error(unknown_metric),
            "scenarios/pool.yaml:8:5: stub for psql: {{ pool_size }}: unknown metric "
            "\"pool_size\"");

  model::StubSpec redis;
  redis.program = "redis-cli";
  EXPECT_EQ(StubBackend::Create("psql", {redis}).status().code(), Status::Code::kInternal);
}

TEST(StubBackendCreate, OneBackendPerProgramInFirstAppearanceOrder) {
  std::vector<model::StubSpec> stubs(4);
  stubs[0].program = "psql";
  stubs[0].stdout_text = "a";
  stubs[1].program = "aws";
  stubs[2].program = "psql";
  stubs[2].args = "x";
  stubs[3].program = "redis-cli";
  StatusOr<std::vector<StubBackend>> backends = CreateStubBackends(stubs);
  ASSERT_TRUE(backends.ok()) << backends.status().message();
  ASSERT_EQ(backends->size(), 3u);
  EXPECT_EQ((*backends)[0].Program(), "psql");
  EXPECT_EQ((*backends)[1].Program(), "aws");
  EXPECT_EQ((*backends)[2].Program(), "redis-cli");

  TestContext context;
  CommandRequest request;
  request.argv = {"psql", "x"};
  // psql's own stubs stay in file order: the args-less first one answers.
  EXPECT_EQ((*backends)[0].Handle(request, context).stdout_data, "a");
}

}  // namespace
}  // namespace rundrill::fakes
