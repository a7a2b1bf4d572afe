// The cost of one faked kubectl call through the shim against the cost of spawning /bin/true
// through the same executor. bench/run.sh prints the figures and their ratio from one run.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "bench/bench_context.h"
#include "fakes/kubectl/kubectl_backend.h"
#include "simulator/exec/step_host.h"
#include "simulator/load/loader.h"
#include "simulator/world/world.h"

namespace rundrill {
namespace {

class KubectlDispatcher : public exec::CommandDispatcher {
 public:
  explicit KubectlDispatcher(world::World& world) : context_(world) {}
  exec::DispatchResult Dispatch(const fakes::CommandRequest& request) override {
    return exec::DispatchResult{kubectl_.Handle(request, context_), false};
  }

 private:
  BenchContext context_;
  fakes::KubectlBackend kubectl_;
};

struct Fixture {
  std::unique_ptr<exec::StepHost> host;
  std::unique_ptr<world::World> world;
  std::unique_ptr<KubectlDispatcher> dispatcher;
};

Fixture& Shared() {
  static Fixture* fixture = [] {
    auto* f = new Fixture;
    auto host = exec::CreateProcessHost(RUNDRILL_SHIM_PATH, {"kubectl"});
    if (!host.ok()) {
      std::cerr << host.status().message() << "\n";
      std::exit(3);
    }
    f->host = std::move(*host);
    std::vector<load::Diagnostic> errors;
    auto scenario = load::LoadScenarioFile(
        std::string(RUNDRILL_SOURCE_DIR) + "/scenarios/bad-deploy-crashloop.yaml", &errors);
    if (!scenario) {
      std::cerr << "cannot load the bundled scenario\n";
      std::exit(3);
    }
    f->world = std::make_unique<world::World>(7, Epoch{scenario->start_unix_seconds});
    if (!f->world->Build(scenario->world).ok()) std::exit(3);
    f->dispatcher = std::make_unique<KubectlDispatcher>(*f->world);
    return f;
  }();
  return *fixture;
}

void RunStep(benchmark::State& state, const std::string& command) {
  Fixture& f = Shared();
  exec::StepProcessSpec spec;
  spec.command = command;
  spec.env = f.host->Environment({});
  spec.step_id = "bench";
  for (auto _ : state) {
    auto result = f.host->Run(spec, *f.dispatcher);
    if (!result.ok() || result->exit_code != 0) {
      state.SkipWithError("step failed");
      break;
    }
  }
}

// One step that spawns /bin/true: the floor of any step.
void BM_SpawnTrue(benchmark::State& state) { RunStep(state, "/bin/true"); }
BENCHMARK(BM_SpawnTrue)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

// One step that makes one faked kubectl call: shell + shim + socket + fake.
void BM_KubectlCall(benchmark::State& state) {
  RunStep(state, "kubectl get pods -n production >/dev/null");
}
BENCHMARK(BM_KubectlCall)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

// 50 calls in one step: the per-call cost once the step's own spawn is amortised.
void BM_KubectlCallsInOneStep(benchmark::State& state) {
  RunStep(state, "for i in $(seq 50); do kubectl get pods -n production >/dev/null; done");
  state.SetItemsProcessed(state.iterations() * 50);
}
BENCHMARK(BM_KubectlCallsInOneStep)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// The fake alone, no process: what the simulator itself costs per call.
void BM_KubectlInProcess(benchmark::State& state) {
  Fixture& f = Shared();
  fakes::CommandRequest request;
  request.argv = {"kubectl", "get", "pods", "-n", "production"};
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.dispatcher->Dispatch(request));
  }
}
BENCHMARK(BM_KubectlInProcess)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace rundrill

BENCHMARK_MAIN();
