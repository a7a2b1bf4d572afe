#include "simulator/suite/suite_runner.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "simulator/verify/checks.h"

namespace rundrill::suite {
namespace {

DrillRun RunOne(const DrillSpec& spec, const std::vector<model::Runbook>& runbooks,
                const SuiteOptions& options) {
  DrillRun run;
  run.spec = spec;
  drill::DrillOptions drill_options = options.drill;
  drill_options.seed = spec.seed;
  if (options.reproduce) drill_options.reproduce = options.reproduce(spec);
  auto result = drill::RunDrill(*spec.scenario, runbooks, drill_options);
  if (!result.ok()) {
    run.error = result.status().message();
    return run;
  }
  if (options.verify) {
    auto verification = verify::VerifyDrill(*spec.scenario, runbooks, drill_options, *result);
    if (!verification.ok()) {
      run.error = "verification: " + verification.status().message();
      return run;
    }
    result->verification = std::move(*verification);
    result->passed = result->passed && result->verification->passed();
  }
  run.result = std::move(*result);
  return run;
}

}  // namespace

std::vector<DrillRun> RunSuite(const std::vector<DrillSpec>& plan,
                               const std::vector<model::Runbook>& runbooks,
                               const SuiteOptions& options) {
  std::vector<DrillRun> runs(plan.size());
  std::atomic<size_t> next{0};
  const auto work = [&] {
    for (size_t i = next++; i < plan.size(); i = next++)
      runs[i] = RunOne(plan[i], runbooks, options);
  };
  const int threads = std::max(1, std::min<int>(options.jobs, static_cast<int>(plan.size())));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  return runs;
}

}  // namespace rundrill::suite
