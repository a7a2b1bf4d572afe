// `rundrill validate` on broken files: exit code 2 (the user's input is wrong) and the error
// with its place, as the loader reports it.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>

#include "simulator/core/temp_dir.h"
#include "tests/integration/integration_harness.h"

namespace rundrill::integration {
namespace {

using ::testing::HasSubstr;

TEST(BrokenInputsCliTest, TruncatedRunbookExitsTwoWithItsPlace) {
  const std::string path = kSource + "/tests/corpus/broken/runbook-truncated.yaml";
  const Command run = RunTool("validate " + path);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_THAT(run.output, HasSubstr(path + ":6:6: invalid YAML: end of map flow not found\n"));
}

TEST(BrokenInputsCliTest, AliasBombExitsTwoQuickly) {
  const std::string path = kSource + "/tests/corpus/broken/scenario-alias-bomb.yaml";
  const auto start = std::chrono::steady_clock::now();
  const Command run = RunTool("validate " + path);
  // Expanded, the file would be 387 million values: minutes and gigabytes.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_THAT(run.output, HasSubstr(path + ":6:52: too many alias expansions"));
}

TEST(BrokenInputsCliTest, InvalidUtf8ExitsTwoWithItsPlace) {
  TempDir dir("rundrill-broken-cli");
  const std::string path = dir.path().string() + "/latin1.yaml";
  std::ofstream(path, std::ios::binary) << "apiVersion: rundrill/v1\nkind: Runbook\n# caf\xe9\n";
  const Command run = RunTool("validate " + path);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_THAT(run.output, HasSubstr(path + ":3:6: file is not valid UTF-8 (byte 0xe9)"));
}

}  // namespace
}  // namespace rundrill::integration
