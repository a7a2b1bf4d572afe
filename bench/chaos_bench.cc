// Chaos-world figures: a six-hour virtual drill against the wall clock, and the cost of
// `kubectl get pods -A -o json` as the cluster grows. bench/run.sh prints them as ratios
// from one run.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include "bench/bench_context.h"
#include "fakes/kubectl/kubectl_backend.h"
#include "simulator/drill/drill.h"
#include "simulator/load/loader.h"
#include "simulator/world/world.h"

namespace rundrill {
namespace {

// A cluster of `pods` ready pods: deployments of 100 replicas (or one smaller one) spread
// over ten namespaces.
model::WorldSpec ClusterOf(int pods) {
  model::WorldSpec spec;
  int left = pods;
  for (int d = 0; left > 0; ++d) {
    model::DeploymentSpec deployment;
    deployment.namespace_name = "team-" + std::to_string(d % 10);
    deployment.name = "svc-" + std::to_string(d);
    deployment.replicas = std::min(left, 100);
    deployment.history = {{"registry.example/svc:1." + std::to_string(d), "", {}}};
    spec.kubernetes.deployments.push_back(deployment);
    left -= deployment.replicas;
  }
  return spec;
}

void BM_KubectlGetAllPodsJson(benchmark::State& state) {
  world::World world(1, Epoch{});
  if (!world.Build(ClusterOf(static_cast<int>(state.range(0)))).ok()) {
    state.SkipWithError("cannot build the cluster");
    return;
  }
  world.AdvanceTo(SimTime(60000));
  BenchContext context(world);
  fakes::KubectlBackend kubectl;
  fakes::CommandRequest request;
  request.argv = {"kubectl", "get", "pods", "-A", "-o", "json"};
  size_t bytes = 0;
  for (auto _ : state) {
    fakes::CommandResponse response = kubectl.Handle(request, context);
    bytes = response.stdout_data.size();
    benchmark::DoNotOptimize(response);
  }
  state.counters["output_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_KubectlGetAllPodsJson)->Arg(10)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// Six virtual hours: three pool-exhaustion cascades, alert rules every 15 s, two runbooks
// per incident as real processes through the shim.
void BM_SixHourDrill(benchmark::State& state) {
  std::vector<load::Diagnostic> errors;
  const std::string root = RUNDRILL_SOURCE_DIR;
  load::Catalog catalog = load::LoadPaths(
      {root + "/runbooks", root + "/bench/scenarios/six-hour-pool-leaks.yaml"}, &errors);
  if (!errors.empty() || catalog.scenarios.size() != 1) {
    for (const auto& e : errors) std::cerr << e.ToString() << "\n";
    state.SkipWithError("cannot load the six-hour scenario");
    return;
  }
  const model::Scenario& scenario = catalog.scenarios[0];
  drill::DrillOptions options;
  options.seed = 3;
  options.shim_path = RUNDRILL_SHIM_PATH;
  double wall_seconds = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto result = drill::RunDrill(scenario, catalog.runbooks, options);
    wall_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!result.ok() || !result->passed) {
      state.SkipWithError("the six-hour drill did not pass");
      break;
    }
  }
  const double virtual_seconds = static_cast<double>(scenario.horizon.count()) / 1000.0;
  state.counters["virtual_per_wall"] =
      virtual_seconds / (wall_seconds / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_SixHourDrill)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace
}  // namespace rundrill
