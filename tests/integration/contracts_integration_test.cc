// Contracts with real processes: the real kubectl's own flag parser (when installed; it is
// optional in the product, so these tests skip loudly without it), and `rundrill run`
// writing junit.xml and contracts/ beside a result.json that does not depend on whether
// kubectl is installed.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "simulator/contracts/contracts.h"
#include "simulator/drill/drill.h"
#include "tests/integration/integration_harness.h"

namespace rundrill {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

using contracts::RealClientVerdict;
using integration::kSource;

std::unique_ptr<contracts::KubectlParser> RealKubectlOrSkip() {
  auto parser = contracts::FindRealKubectl();
  if (parser == nullptr) {
    std::fprintf(stderr,
                 "\n*** SKIPPING: no real kubectl on PATH; the real-client contract check is "
                 "untested on this machine ***\n\n");
  }
  return parser;
}

TEST(RealKubectlIntegrationTest, RejectsUnknownFlagAndAcceptsAGoodLine) {
  auto kubectl = RealKubectlOrSkip();
  if (!kubectl) GTEST_SKIP() << "no real kubectl on PATH";

  const RealClientVerdict bad = kubectl->Check({"get", "pods", "-n", "production", "--bogus"});
  EXPECT_EQ(bad.kind, RealClientVerdict::Kind::kRejected) << bad.detail;
  EXPECT_THAT(bad.detail, HasSubstr("unknown flag: --bogus"));
  EXPECT_THAT(bad.client, StartsWith("kubectl v"));

  const RealClientVerdict shorthand = kubectl->Check({"get", "pods", "-Z"});
  EXPECT_EQ(shorthand.kind, RealClientVerdict::Kind::kRejected) << shorthand.detail;

  const RealClientVerdict value =
      kubectl->Check({"rollout", "undo", "deployment/api", "--to-revision=x"});
  EXPECT_EQ(value.kind, RealClientVerdict::Kind::kRejected) << value.detail;
  EXPECT_THAT(value.detail, HasSubstr("invalid argument \"x\""));

  const RealClientVerdict good =
      kubectl->Check({"rollout", "restart", "deployment/api", "-n", "production"});
  EXPECT_EQ(good.kind, RealClientVerdict::Kind::kAccepted) << good.detail;
  EXPECT_THAT(good.detail, HasSubstr("127.0.0.1:1"));
}

// A line naming another server still only ever meets 127.0.0.1:1.
TEST(RealKubectlIntegrationTest, NeverReachesAnotherServer) {
  auto kubectl = RealKubectlOrSkip();
  if (!kubectl) GTEST_SKIP() << "no real kubectl on PATH";
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"get", "pods", "--server=https://203.0.113.7:6443"},
           {"-s", "https://203.0.113.7:6443", "get", "pods"},
           {"get", "pods", "--kubeconfig", "/nonexistent/kubeconfig"},
           {"get", "pods", "--context=production"}}) {
    const RealClientVerdict v = kubectl->Check(args);
    EXPECT_EQ(v.kind, RealClientVerdict::Kind::kAccepted) << v.detail;
    EXPECT_THAT(v.detail, HasSubstr("127.0.0.1:1")) << args[0];
    EXPECT_THAT(v.detail, ::testing::Not(HasSubstr("203.0.113.7")));
  }
}

// A shim folder first on PATH (as in a drill's sandbox) is passed over.
TEST(RealKubectlIntegrationTest, NeverTakesTheDrillsShim) {
  const fs::path dir = fs::path(testing::TempDir()) / "rundrill-shim-path";
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::create_symlink(RUNDRILL_SHIM_PATH, dir / "kubectl");
  const std::string saved = std::getenv("PATH") ? std::getenv("PATH") : "";
  setenv("PATH", dir.c_str(), 1);
  EXPECT_EQ(contracts::FindRealKubectl(), nullptr);
  setenv("PATH", (dir.string() + ":" + saved).c_str(), 1);
  auto kubectl = contracts::FindRealKubectl();
  setenv("PATH", saved.c_str(), 1);
  if (!kubectl) GTEST_SKIP() << "no real kubectl on PATH";
  EXPECT_EQ(kubectl->Check({"get", "pods"}).kind, RealClientVerdict::Kind::kAccepted);
}

TEST(ContractsIntegrationTest, RealProcessDrillGetsBothVerdicts) {
  auto kubectl = RealKubectlOrSkip();
  if (!kubectl) GTEST_SKIP() << "no real kubectl on PATH";
  const model::Runbook runbook = integration::InlineRunbook(
      "kube",
      "  - id: look\n    type: check\n    run: kubectl get pods -n production\n"
      "  - id: typo\n    type: check\n    continue_on_failure: true\n"
      "    run: kubectl get pods -n production --watch-only=maybe\n"
      "  - id: again\n    type: check\n    run: kubectl get pods -n production\n");
  auto result = drill::RunDrill(integration::AlertAfter("contracts", ""), {runbook},
                                integration::RealProcessOptions(3));
  ASSERT_TRUE(result.ok()) << result.status().message();
  const auto contracts = contracts::CheckContracts(*result, kubectl.get());
  ASSERT_EQ(contracts.size(), 1u);
  const auto& c = contracts[0];
  EXPECT_EQ(c.provider, "kubectl");
  ASSERT_EQ(c.interactions.size(), 3u);
  EXPECT_EQ(c.interactions[0].status, contracts::ContractStatus::kVerified);
  EXPECT_EQ(c.interactions[0].real_client->kind, RealClientVerdict::Kind::kAccepted);
  EXPECT_EQ(c.interactions[1].status, contracts::ContractStatus::kViolated)
      << c.interactions[1].reason;
  EXPECT_EQ(c.interactions[1].real_client->kind, RealClientVerdict::Kind::kRejected)
      << c.interactions[1].real_client->detail;
  EXPECT_EQ(c.interactions[2].real_client->detail, c.interactions[0].real_client->detail);
}

std::string ReadFile(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), {});
}

// `rundrill ARGS` with PATH set to `path`, from the source folder.
integration::Command RunWithPath(const std::string& path, const std::string& args) {
  const std::string command = "cd " + kSource + " && PATH='" + path + "' " +
                              std::string(RUNDRILL_BINARY_PATH) + " " + args + " 2>&1";
  integration::Command result{-1, ""};
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TEST(ContractsIntegrationTest, CliRunWritesJUnitAndContractsAndKeepsResultJsonStable) {
  const fs::path out = fs::path(testing::TempDir()) / "rundrill-contracts-cli";
  fs::remove_all(out);
  const fs::path empty = fs::path(testing::TempDir()) / "rundrill-empty-path";
  fs::create_directories(empty);
  const std::string args =
      "run scenarios/bad-deploy-crashloop.yaml --runbook runbooks/high-error-rate.yaml "
      "--seed 7 --out ";
  const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";

  const auto with = RunWithPath(path, args + (out / "with").string());
  ASSERT_EQ(with.exit_code, 0) << with.output;
  EXPECT_THAT(with.output, HasSubstr("junit: " + (out / "with" / "junit.xml").string() + "\n"));
  EXPECT_THAT(with.output, HasSubstr("contracts: " + (out / "with" / "contracts").string()));
  const auto without = RunWithPath(empty.string(), args + (out / "without").string());
  ASSERT_EQ(without.exit_code, 0) << without.output;

  // The real client's verdict is kept out of result.json.
  EXPECT_EQ(ReadFile(out / "with" / "result.json"), ReadFile(out / "without" / "result.json"));

  const fs::path contract = out / "without" / "contracts" / "high-error-rate--kubectl.json";
  ASSERT_TRUE(fs::exists(contract));
  const auto doc = nlohmann::json::parse(ReadFile(contract));
  EXPECT_EQ(doc["consumer"]["name"], "high-error-rate");
  EXPECT_EQ(doc["provider"]["name"], "kubectl");
  ASSERT_FALSE(doc["interactions"].empty());
  EXPECT_EQ(doc["interactions"][0]["real_client"]["status"], "not-installed");
  EXPECT_EQ(doc["interactions"][0]["real_client"]["detail"], "real client not installed");
  if (contracts::FindRealKubectl() != nullptr) {
    const auto real = nlohmann::json::parse(
        ReadFile(out / "with" / "contracts" / "high-error-rate--kubectl.json"));
    EXPECT_EQ(real["interactions"][0]["real_client"]["status"], "accepted");
  }

  const std::string junit = ReadFile(out / "with" / "junit.xml");
  EXPECT_THAT(junit, HasSubstr("<testcase name=\"high-error-rate--kubectl\""));
  ASSERT_EQ(std::system("command -v xmllint >/dev/null 2>&1"), 0)
      << "xmllint is required (Debian: libxml2-utils)";
  const std::string validate = "xmllint --noout --schema " + kSource + "/tests/reports/junit.xsd " +
                               (out / "with" / "junit.xml").string() + " >/dev/null 2>&1";
  EXPECT_EQ(std::system(validate.c_str()), 0) << junit;

  // Same seed, same machine: the same bytes again.
  const auto again = RunWithPath(path, args + (out / "again").string());
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(ReadFile(out / "again" / "junit.xml"), junit);
  for (const auto& entry : fs::directory_iterator(out / "with" / "contracts")) {
    EXPECT_EQ(ReadFile(out / "again" / "contracts" / entry.path().filename()),
              ReadFile(entry.path()))
        << entry.path();
  }
}

}  // namespace
}  // namespace rundrill
