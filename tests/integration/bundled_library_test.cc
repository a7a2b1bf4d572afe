// The bundled library as a game day runs it: every scenario in scenarios/ against every
// runbook in runbooks/, each under its own seed, through real processes. Each drill must
// pass: a scenario that shows a runbook failing says so in its own `expect`. And each must
// pass every verification check.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "reports/markdown_report.h"
#include "reports/result_json.h"
#include "simulator/drill/drill.h"
#include "simulator/load/loader.h"
#include "simulator/verify/checks.h"
#include "tests/integration/integration_harness.h"

namespace rundrill {
namespace {

using integration::kSource;

load::Catalog LoadLibrary() {
  std::vector<load::Diagnostic> errors;
  load::Catalog catalog = load::LoadPaths({kSource + "/runbooks", kSource + "/scenarios"}, &errors);
  for (const auto& e : errors) ADD_FAILURE() << e.ToString();
  return catalog;
}

drill::DrillOptions Options(uint64_t seed) { return integration::RealProcessOptions(seed); }

std::vector<std::string> BundledScenarios() {
  return {"bad-deploy-crashloop",
          "readiness-dependency-outage",
          "upstream-errors-hand-over",
          "db-pool-exhaustion-cascade",
          "db-host-disk-full",
          "partition-during-disk-cleanup",
          "kubeconfig-expires-mid-runbook",
          "flapping-error-rate",
          "api-latency-after-deploy",
          "api-latency-pool-saturated",
          "crashloop-python-autoremediate",
          "crashloop-fix-fails-pages-oncall",
          "disk-full-curl-cleanup",
          "disk-full-curl-cleanup-pages-oncall"};
}

class BundledLibraryTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BundledLibraryTest, DrillPassesWithEveryRunbookLoaded) {
  const load::Catalog library = LoadLibrary();
  const model::Scenario* scenario = nullptr;
  for (const auto& s : library.scenarios) {
    if (s.name == GetParam()) scenario = &s;
  }
  ASSERT_NE(scenario, nullptr) << "no bundled scenario named " << GetParam();
  const drill::DrillOptions options = Options(scenario->seed.value_or(1));
  auto result = drill::RunDrill(*scenario, library.runbooks, options);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_TRUE(result->passed) << reports::RenderMarkdown(*result);

  // The bundled runbooks are the examples teams copy: each passes every verification check
  // (`rundrill run --verify`), or says why a step is left out.
  auto verification = verify::VerifyDrill(*scenario, library.runbooks, options, *result);
  ASSERT_TRUE(verification.ok()) << verification.status().message();
  EXPECT_FALSE(verification->findings.empty());
  for (const auto& f : verification->findings) {
    EXPECT_TRUE(f.passed) << f.check << " " << f.runbook << "/" << f.step << " (" << f.mark
                          << "): " << f.summary;
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, BundledLibraryTest, ::testing::ValuesIn(BundledScenarios()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

// Nothing bundled may be left out of the game day above.
TEST(BundledLibraryListTest, EveryBundledScenarioIsDrilled) {
  const load::Catalog library = LoadLibrary();
  std::vector<std::string> names;
  for (const auto& s : library.scenarios) names.push_back(s.name);
  std::sort(names.begin(), names.end());
  std::vector<std::string> drilled = BundledScenarios();
  std::sort(drilled.begin(), drilled.end());
  EXPECT_EQ(names, drilled);
}

// Faults, rule evaluation and grouping included: the same seed gives the same bytes.
TEST(BundledLibraryListTest, ChaosDrillIsByteIdenticalAcrossRuns) {
  const load::Catalog library = LoadLibrary();
  for (const auto& scenario : library.scenarios) {
    if (scenario.name != "db-pool-exhaustion-cascade") continue;
    auto first = drill::RunDrill(scenario, library.runbooks, Options(3));
    auto second = drill::RunDrill(scenario, library.runbooks, Options(3));
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(reports::RenderResultJson(*first), reports::RenderResultJson(*second));
  }
}

}  // namespace
}  // namespace rundrill
