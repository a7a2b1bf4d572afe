#include "simulator/world/metrics/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "simulator/text/series_selector.h"
#include "simulator/world/metrics/metric_template.h"
#include "simulator/world/metrics/service_health.h"
#include "simulator/world/world.h"

namespace rundrill::world::metrics {
namespace {

constexpr SimTime Seconds(int64_t s) { return SimTime(s * 1000); }

model::SeriesSelector Selector(const std::string& text) {
  const text::ParsedSelector parsed = text::ParseSeriesSelector(text);
  EXPECT_TRUE(parsed.selector) << text << ": " << parsed.error.message;
  return parsed.selector.value_or(model::SeriesSelector{});
}

// web → api → orders (database), plus a batch service with no pods of its own.
model::WorldSpec SmallWorld() {
  model::WorldSpec spec;
  for (const auto& [name, replicas] : {std::pair{"api", 4}, std::pair{"web", 2}}) {
    model::DeploymentSpec d;
    d.namespace_name = "production";
    d.name = name;
    d.replicas = replicas;
    d.history = {{std::string(name) + ":1", "", {}}};
    spec.kubernetes.deployments.push_back(d);
  }
  model::DatabaseSpec orders;
  orders.name = "orders";
  orders.max_connections = 20;
  model::ConnectionSpec pool;
  pool.count = 10;
  pool.state = "idle";
  pool.application = "api";
  pool.age = SimDuration(3600000);
  orders.connections = {pool};
  spec.databases.push_back(orders);

  model::ServiceSpec api;
  api.name = "api";
  api.deployment = "production/api";
  api.depends_on = {"orders"};
  api.base_error_ratio = 0.001;
  api.base_p99 = SimDuration(120);
  model::ServiceSpec web;
  web.name = "web";
  web.deployment = "production/web";
  web.depends_on = {"api"};
  web.base_error_ratio = 0.002;
  web.base_p99 = SimDuration(80);
  model::ServiceSpec batch;
  batch.name = "batch";
  spec.services = {api, web, batch};
  return spec;
}

class MetricsTest : public ::testing::Test {
 protected:
  MetricsTest() : world_(7, Epoch{}) {}
  void SetUp() override {
    const Status s = world_.Build(SmallWorld());
    ASSERT_TRUE(s.ok()) << s.message();
  }

  double Value(const std::string& selector) {
    const std::vector<Sample> samples = QueryMetric(world_, Selector(selector));
    EXPECT_EQ(samples.size(), 1u) << selector;
    return samples.empty() ? std::nan("") : samples[0].value;
  }
  double Errors(const std::string& service) {
    return Value("service_error_ratio{service=\"" + service + "\"}");
  }
  double P99(const std::string& service) {
    return Value("service_latency_p99_seconds{service=\"" + service + "\"}");
  }

  World world_;
};

TEST_F(MetricsTest, HealthyWorld) {
  EXPECT_NEAR(Errors("api"), 0.001, 1e-12);
  // web fails on its own or through api: 1 − (1 − 0.002)(1 − 0.001).
  EXPECT_NEAR(Errors("web"), 0.002998, 1e-12);
  EXPECT_NEAR(Errors("batch"), 0.001, 1e-12);
  EXPECT_NEAR(P99("api"), 0.12, 1e-12);
  EXPECT_NEAR(P99("web"), 0.08 + 0.12, 1e-12);
  EXPECT_NEAR(P99("batch"), 0.12, 1e-12);
  EXPECT_EQ(Value("db_connections{database=\"orders\"}"), 10);
  EXPECT_EQ(Value("db_idle_connections{database=\"orders\"}"), 10);
  EXPECT_EQ(Value("db_max_connections{database=\"orders\"}"), 20);
  EXPECT_EQ(Value("db_pool_used_ratio{database=\"orders\"}"), 0.5);
}

TEST_F(MetricsTest, ExhaustedPoolCascadesToDependantsAndRecovers) {
  ASSERT_TRUE(world_.databases()
                  .StartLeak("orders", {60, SimDuration(60000)}, "idle in transaction", "api",
                             Seconds(0), SimTime::max())
                  .ok());
  world_.AdvanceTo(Seconds(7));  // 17 of 20: queueing begins, no failures yet
  EXPECT_NEAR(Errors("api"), 0.001, 1e-12);
  EXPECT_NEAR(P99("api"), 0.12 + 0.5, 1e-9);

  world_.AdvanceTo(Seconds(9));  // 19 of 20: half the requests find no connection
  EXPECT_NEAR(Value("db_pool_used_ratio{database=\"orders\"}"), 0.95, 1e-12);
  EXPECT_NEAR(Errors("api"), 1 - 0.999 * 0.5, 1e-9);
  EXPECT_NEAR(Errors("web"), 1 - 0.998 * 0.999 * 0.5, 1e-9);
  EXPECT_NEAR(P99("api"), 0.12 + 1.5, 1e-9);
  EXPECT_NEAR(P99("web"), 0.08 + 0.12 + 1.5, 1e-9);
  EXPECT_NEAR(Errors("batch"), 0.001, 1e-12);  // depends on nothing

  world_.AdvanceTo(Seconds(30));  // full
  EXPECT_EQ(Value("db_connections{database=\"orders\"}"), 20);
  EXPECT_EQ(Errors("api"), 1.0);
  EXPECT_EQ(Errors("web"), 1.0);
  EXPECT_NEAR(P99("api"), 0.12 + 2, 1e-9);

  // Killing the leaked connections alone buys ten seconds: the leak refills the pool.
  ASSERT_EQ(*world_.databases().TerminateIdle("orders", SimDuration(0), "idle in transaction",
                                              Seconds(30)),
            10);
  EXPECT_NEAR(Errors("web"), 0.002998, 1e-12);
  world_.AdvanceTo(Seconds(45));
  EXPECT_EQ(Errors("web"), 1.0);

  // Stopping the leak, then clearing what it left, recovers for good.
  ASSERT_EQ(*world_.databases().StopLeaks("orders", Seconds(45)), 1);
  ASSERT_EQ(*world_.databases().TerminateIdle("orders", SimDuration(5000), "idle in transaction",
                                              Seconds(45)),
            10);
  world_.AdvanceTo(Seconds(600));
  EXPECT_NEAR(Errors("api"), 0.001, 1e-12);
  EXPECT_NEAR(Errors("web"), 0.002998, 1e-12);
  EXPECT_NEAR(P99("web"), 0.2, 1e-12);
}

TEST_F(MetricsTest, LostReplicasOverloadTheRest) {
  const kube::Deployment* api = world_.kube().FindDeployment("production", "api");
  ASSERT_NE(api, nullptr);
  const std::string victim = world_.kube().PodsOf(*api)[0]->name;
  ASSERT_TRUE(world_.kube().DeletePod("production", victim).ok());
  world_.AdvanceTo(Seconds(1));  // the replacement is still starting
  EXPECT_EQ(Value("kube_deployment_status_replicas_ready{deployment=\"api\"}"), 3);
  EXPECT_EQ(Value("kube_deployment_status_replicas_unavailable{deployment=\"api\"}"), 1);
  EXPECT_NEAR(Errors("api"), 0.001 + 0.25 * 0.2, 1e-12);
  EXPECT_NEAR(P99("api"), 0.12 / 0.75, 1e-12);
  world_.AdvanceTo(Seconds(60));
  EXPECT_NEAR(Errors("api"), 0.001, 1e-12);
}

TEST_F(MetricsTest, NoReadyPodsMeansTotalFailureAndTimeouts) {
  ASSERT_TRUE(world_.kube().Scale("production", "api", 0).ok());
  EXPECT_EQ(Value("kube_deployment_spec_replicas{deployment=\"api\"}"), 0);
  EXPECT_EQ(Errors("api"), 1.0);
  EXPECT_EQ(P99("api"), kRequestTimeoutSeconds);
  EXPECT_EQ(Errors("web"), 1.0);
  EXPECT_EQ(P99("web"), kRequestTimeoutSeconds);  // 0.08 + 30, capped at the timeout
}

TEST_F(MetricsTest, DeploymentSeriesInNamespaceThenNameOrder) {
  const std::vector<Sample> all = QueryMetric(world_, Selector("kube_deployment_spec_replicas"));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].labels, (std::map<std::string, std::string>{{"namespace", "production"},
                                                               {"deployment", "api"}}));
  EXPECT_EQ(all[0].value, 4);
  EXPECT_EQ(all[1].labels.at("deployment"), "web");
  EXPECT_EQ(all[1].value, 2);
  EXPECT_EQ(
      Value("kube_deployment_status_replicas_ready{namespace=\"production\",deployment=\"web\"}"),
      2);
}

TEST_F(MetricsTest, MatchersFilterLikePrometheus) {
  const std::vector<Sample> not_api =
      QueryMetric(world_, Selector("service_error_ratio{service!=\"api\"}"));
  ASSERT_EQ(not_api.size(), 2u);
  EXPECT_EQ(not_api[0].labels.at("service"), "web");  // declaration order
  EXPECT_EQ(not_api[1].labels.at("service"), "batch");
  EXPECT_TRUE(QueryMetric(world_, Selector("service_error_ratio{service=\"nope\"}")).empty());
  // A label no series has reads as "": `=""` keeps them all, `="x"` none.
  EXPECT_EQ(QueryMetric(world_, Selector("db_connections{host=\"\"}")).size(), 1u);
  EXPECT_TRUE(QueryMetric(world_, Selector("db_connections{host=\"db-1\"}")).empty());
  EXPECT_TRUE(QueryMetric(world_, Selector("no_such_metric")).empty());
}

TEST(HostMetricsTest, NodeExporterSeriesFollowTheHostAndVanishWhileItIsDown) {
  model::WorldSpec spec;
  model::HostSpec db;
  db.name = "db-1";
  model::DiskSpec root;
  root.mount = "/";
  root.device = "/dev/sda1";
  root.size_bytes = 100LL << 30;
  root.used_bytes = 80LL << 30;
  db.disks = {root};
  model::HostServiceSpec pg;
  pg.name = "postgresql";
  db.services = {pg};
  spec.hosts = {db};
  World world(1, Epoch{});
  ASSERT_TRUE(world.Build(spec).ok());

  auto used = QueryMetric(world, Selector("node_filesystem_used_ratio"));
  ASSERT_EQ(used.size(), 1u);
  EXPECT_EQ(used[0].labels, (std::map<std::string, std::string>{{"device", "/dev/sda1"},
                                                                {"host", "db-1"},
                                                                {"instance", "db-1:9100"},
                                                                {"mountpoint", "/"}}));
  EXPECT_NEAR(used[0].value, 0.8, 1e-9);
  ASSERT_TRUE(world.hosts().WriteFile("db-1", "/var/tmp/spill", 10LL << 30).ok());
  EXPECT_NEAR(QueryMetric(world, Selector("node_filesystem_used_ratio"))[0].value, 0.9, 1e-3);
  EXPECT_EQ(QueryMetric(world, Selector("node_filesystem_avail_bytes"))[0].value,
            static_cast<double>(10LL << 30));
  auto units = QueryMetric(world, Selector("node_systemd_unit_active"));
  ASSERT_EQ(units.size(), 1u);
  EXPECT_EQ(units[0].labels.at("name"), "postgresql.service");
  EXPECT_EQ(units[0].value, 1);
  ASSERT_TRUE(world.hosts().StopService("db-1", "postgresql").ok());
  EXPECT_EQ(QueryMetric(world, Selector("node_systemd_unit_active"))[0].value, 0);

  EXPECT_EQ(QueryMetric(world, Selector("up"))[0].value, 1);
  ASSERT_TRUE(world.hosts().Crash("db-1").ok());
  EXPECT_EQ(QueryMetric(world, Selector("up"))[0].value, 0);
  EXPECT_TRUE(QueryMetric(world, Selector("node_filesystem_used_ratio")).empty());
}

TEST(ServiceHealth, MissingDeploymentCycleAndUnknownDependency) {
  model::WorldSpec spec;
  model::ServiceSpec ghost;
  ghost.name = "ghost";
  ghost.deployment = "production/ghost";  // declared nowhere: nothing serves it
  model::ServiceSpec a;
  a.name = "a";
  a.depends_on = {"b", "nowhere"};
  model::ServiceSpec b;
  b.name = "b";
  b.depends_on = {"a"};  // a cycle the loader should have rejected
  spec.services = {ghost, a, b};
  World world(1, Epoch{});
  ASSERT_TRUE(world.Build(spec).ok());
  const std::vector<ServiceHealth> h = ServiceHealths(world);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].availability, 0);
  EXPECT_EQ(h[0].error_ratio, 1.0);
  EXPECT_EQ(h[0].p99_seconds, kRequestTimeoutSeconds);
  EXPECT_NEAR(h[1].error_ratio, 1 - 0.999 * 0.999, 1e-12);  // b's, once; the cycle adds nothing
  EXPECT_NEAR(h[2].error_ratio, 0.001, 1e-12);
}

TEST(PoolModel, ErrorAndWaitCurves) {
  EXPECT_EQ(PoolErrorRatio(0.5), 0);
  EXPECT_EQ(PoolErrorRatio(0.9), 0);
  EXPECT_NEAR(PoolErrorRatio(0.95), 0.5, 1e-12);
  EXPECT_EQ(PoolErrorRatio(1.0), 1);
  EXPECT_EQ(PoolWaitSeconds(0.8), 0);
  EXPECT_NEAR(PoolWaitSeconds(0.9), 1.0, 1e-12);
  EXPECT_EQ(PoolWaitSeconds(1.0), 2.0);
}

TEST(FormatValue, LikePrometheus) {
  EXPECT_EQ(FormatValue(42), "42");
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(-0.0), "0");
  EXPECT_EQ(FormatValue(-3), "-3");
  EXPECT_EQ(FormatValue(0.5), "0.5");
  EXPECT_EQ(FormatValue(2.12), "2.12");
  EXPECT_EQ(FormatValue(0.95333333333), "0.953333");
  EXPECT_EQ(FormatValue(1.5e-7), "1.5e-07");
  EXPECT_EQ(FormatValue(1234567.5), "1.23457e+06");
  EXPECT_EQ(FormatValue(1e20), "1e+20");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
}

TEST_F(MetricsTest, TemplateRendersSelectorsAndArguments) {
  StatusOr<std::string> text = RenderMetricTemplate(
      "pool {{ db_pool_used_ratio{database=\"orders\"} }} "
      "({{db_connections{database=\"orders\"}}}/{{ db_max_connections }}) {\"json\": {}}\n",
      world_);
  ASSERT_TRUE(text.ok()) << text.status().message();
  EXPECT_EQ(*text, "pool 0.5 (10/20) {\"json\": {}}\n");

  StatusOr<MetricTemplate> parsed = ParseMetricTemplate("db={{ $1 }} all=[{{$0}}]");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->max_argument, 1);
  EXPECT_EQ(*RenderMetricTemplate(*parsed, world_, {"-d orders", "orders"}),
            "db=orders all=[-d orders]");
  EXPECT_EQ(RenderMetricTemplate(*parsed, world_, {"x"}).status().message(),
            "{{ $1 }}: there is no group 1");
}

TEST_F(MetricsTest, TemplateErrorsNameTheHole) {
  auto error = [&](const std::string& text) {
    StatusOr<std::string> out = RenderMetricTemplate(text, world_);
    EXPECT_FALSE(out.ok()) << text;
    return out.status().message();
  };
  EXPECT_EQ(error("n={{ db_conections }}"),
            "{{ db_conections }}: unknown metric \"db_conections\"");
  EXPECT_EQ(error("{{ db_connections{databse=\"orders\"} }}"),
            "{{ db_connections{databse=\"orders\"} }}: metric db_connections has no label "
            "\"databse\" (its labels: database)");
  EXPECT_EQ(error("count {{ db_connections"), "unterminated {{ at \"{{ db_connections\"");
  EXPECT_EQ(error("{{ $x }}"), "{{ $x }}: expected $ followed by a group number, as in {{ $1 }}");
  EXPECT_EQ(error("{{ db_connections{database=orders} }}"),
            "{{ db_connections{database=orders} }}: expected a double-quoted label value (at "
            "\"orders}\")");
  EXPECT_EQ(error("{{ service_error_ratio{service!=\"web\"} }}"),
            "{{ service_error_ratio{service!=\"web\"} }}: service_error_ratio{service!=\"web\"} "
            "matches 2 series (service_error_ratio{service=\"api\"}, "
            "service_error_ratio{service=\"batch\"}); narrow it to one");
  EXPECT_EQ(error("{{ db_connections{database=\"users\"} }}"),
            "{{ db_connections{database=\"users\"} }}: db_connections{database=\"users\"} "
            "matches no series");
}

}  // namespace
}  // namespace rundrill::world::metrics
