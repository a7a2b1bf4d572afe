// Known-bad runbooks, each built to break one verification check, run with real processes
// against the fakes: each must be caught by the check it breaks and pass the others.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "reports/markdown_report.h"
#include "simulator/verify/checks.h"
#include "tests/integration/integration_harness.h"

namespace rundrill {
namespace {

struct CorpusCase {
  std::string file;
  std::set<std::string> failing;  // the checks that must fail; every other must pass
};

std::set<std::string> FailingChecks(const std::string& file, std::string* report) {
  const model::Scenario scenario = integration::AlertAfter("verify-corpus", "");
  const std::vector<model::Runbook> runbooks = {
      integration::LoadRunbook("tests/corpus/verify/" + file)};
  const drill::DrillOptions options = integration::RealProcessOptions(9);
  auto baseline = drill::RunDrill(scenario, runbooks, options);
  EXPECT_TRUE(baseline.ok()) << baseline.status().message();
  if (!baseline.ok()) return {"<drill failed to run>"};
  auto verification = verify::VerifyDrill(scenario, runbooks, options, *baseline);
  EXPECT_TRUE(verification.ok()) << verification.status().message();
  if (!verification.ok()) return {"<checks failed to run>"};
  std::set<std::string> out;
  for (const auto& f : verification->findings) {
    if (!f.passed) out.insert(f.check);
  }
  baseline->verification = *verification;
  *report = reports::RenderMarkdown(*baseline);
  return out;
}

class VerifyCorpusTest : public ::testing::TestWithParam<CorpusCase> {};

TEST_P(VerifyCorpusTest, CaughtByTheCheckItBreaksOnly) {
  std::string report;
  EXPECT_EQ(FailingChecks(GetParam().file, &report), GetParam().failing) << report;
}

// A step that is not idempotent makes its runbook not idempotent either: those two checks
// fail together by nature.
INSTANTIATE_TEST_SUITE_P(
    Corpus, VerifyCorpusTest,
    ::testing::Values(
        CorpusCase{"scale-up-by-one.yaml", {"step-idempotence", "runbook-idempotence"}},
        CorpusCase{"page-without-dedup-key.yaml", {"step-idempotence", "runbook-idempotence"}},
        CorpusCase{"restart-rolled-back-by-undo.yaml", {"rollback"}},
        CorpusCase{"stale-reading.yaml", {"crash-consistency"}},
        CorpusCase{"read-then-add.yaml", {"runbook-idempotence"}}),
    [](const auto& info) {
      std::string name = info.param.file.substr(0, info.param.file.find('.'));
      for (char& c : name) c = c == '-' ? '_' : c;
      return name;
    });

}  // namespace
}  // namespace rundrill
