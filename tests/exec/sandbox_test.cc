#include "simulator/exec/sandbox.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "simulator/exec/step_runner.h"
#include "tests/exec/fake_dispatcher.h"

namespace rundrill::exec {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::unique_ptr<Sandbox> MakeSandbox(Sandbox::Options options = {}) {
  options.shim_path = RUNDRILL_SHIM_PATH;
  StatusOr<std::unique_ptr<Sandbox>> sandbox = Sandbox::Create(options);
  EXPECT_TRUE(sandbox.ok()) << sandbox.status().message();
  return sandbox.ok() ? std::move(*sandbox) : nullptr;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(SandboxTest, CreatesLayout) {
  std::unique_ptr<Sandbox> sandbox = MakeSandbox();
  ASSERT_NE(sandbox, nullptr);
  EXPECT_THAT(fs::path(sandbox->root()).filename().string(), ::testing::StartsWith("rundrill-"));
  for (const std::string& dir : {sandbox->bin_dir(), sandbox->home_dir(), sandbox->tmp_dir()}) {
    EXPECT_TRUE(fs::is_directory(dir)) << dir;
  }
  for (const char* program : {"kubectl", "ssh", "sleep"}) {
    fs::path link = fs::path(sandbox->bin_dir()) / program;
    ASSERT_TRUE(fs::is_symlink(link)) << link;
    EXPECT_EQ(fs::read_symlink(link), fs::path(RUNDRILL_SHIM_PATH));
  }
  std::string kubeconfig = ReadAll(sandbox->kubeconfig_path());
  EXPECT_THAT(kubeconfig, HasSubstr("server: https://rundrill.invalid\n"));
  EXPECT_THAT(kubeconfig, HasSubstr("current-context: rundrill\n"));
  EXPECT_LT(sandbox->socket_path().size(), sizeof(sockaddr_un{}.sun_path));
}

TEST(SandboxTest, FolderRemovedOnDestruction) {
  std::string root;
  {
    std::unique_ptr<Sandbox> sandbox = MakeSandbox();
    ASSERT_NE(sandbox, nullptr);
    root = sandbox->root();
    ASSERT_TRUE(sandbox->WriteFile("deep/nested/file.txt", "x").ok());
    // A step may leave a folder it cannot be written to.
    fs::permissions(root + "/deep", fs::perms::owner_read | fs::perms::owner_exec);
    ASSERT_TRUE(fs::exists(root));
  }
  EXPECT_FALSE(fs::exists(root));
}

TEST(SandboxTest, EnvironmentHasOnlySandboxVariablesAndExtra) {
  std::unique_ptr<Sandbox> sandbox = MakeSandbox();
  ASSERT_NE(sandbox, nullptr);
  std::map<std::string, std::string> env =
      sandbox->Environment({{"ALERT_SERVICE", "payments"}, {"PATH", "/evil"}});
  std::set<std::string> names;
  for (const auto& [name, value] : env) names.insert(name);
  EXPECT_EQ(names,
            (std::set<std::string>{"ALERT_SERVICE", "HOME", "KUBECONFIG", "LANG", "LC_ALL", "PATH",
                                   "PYTHONPYCACHEPREFIX", "RUNDRILL_SOCKET", "TMPDIR"}));
  EXPECT_EQ(env["PATH"], sandbox->bin_dir() + ":/usr/local/bin:/usr/bin:/bin");
  EXPECT_EQ(env["HOME"], sandbox->home_dir());
  EXPECT_EQ(env["TMPDIR"], sandbox->tmp_dir());
  EXPECT_EQ(env["KUBECONFIG"], sandbox->kubeconfig_path());
  EXPECT_EQ(env["RUNDRILL_SOCKET"], sandbox->socket_path());
  EXPECT_EQ(env["LANG"], "C.UTF-8");
  EXPECT_EQ(env["PYTHONPYCACHEPREFIX"].rfind(sandbox->tmp_dir() + "/", 0), 0u);
  EXPECT_EQ(env["ALERT_SERVICE"], "payments");
}

// The real test of scrubbing: a step runs `env` and must not see the parent's secrets.
TEST(SandboxTest, StepCannotSeeParentSecrets) {
  ::setenv("SSH_AUTH_SOCK", "/tmp/ssh-agent.sock", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "AKIA-very-secret", 1);
  ::setenv("GITHUB_TOKEN", "ghp_secret", 1);
  std::unique_ptr<Sandbox> sandbox = MakeSandbox();
  ASSERT_NE(sandbox, nullptr);
  StepRunner runner(*sandbox);
  testing::FakeDispatcher dispatcher;
  StepProcessSpec spec;
  spec.command = "env";
  spec.env = sandbox->Environment({{"ALERT_SERVICE", "payments"}});
  spec.step_id = "print-env";
  StatusOr<StepProcessResult> result = runner.Run(spec, dispatcher);
  ::unsetenv("SSH_AUTH_SOCK");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  ::unsetenv("GITHUB_TOKEN");
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->exit_code, 0) << result->stderr_data;

  const std::string& out = result->stdout_data;
  EXPECT_THAT(out, ::testing::Not(HasSubstr("SSH_AUTH_SOCK")));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("AWS_")));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("secret")));
  std::set<std::string> names;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) names.insert(line.substr(0, line.find('=')));
  // The shell itself may add PWD (and on some shells SHLVL, OLDPWD, _).
  std::set<std::string> allowed = {"ALERT_SERVICE",
                                   "HOME",
                                   "KUBECONFIG",
                                   "LANG",
                                   "LC_ALL",
                                   "PATH",
                                   "PYTHONPYCACHEPREFIX",
                                   "RUNDRILL_SOCKET",
                                   "TMPDIR",
                                   "PWD",
                                   "SHLVL",
                                   "RUNDRILL_STEP_ID",
                                   "OLDPWD",
                                   "_"};
  for (const std::string& name : names) EXPECT_TRUE(allowed.count(name)) << name << " leaked";
  EXPECT_THAT(out, HasSubstr("RUNDRILL_STEP_ID=print-env\n"));
  EXPECT_THAT(out, HasSubstr("ALERT_SERVICE=payments\n"));
}

TEST(SandboxTest, WriteFileStaysInside) {
  std::unique_ptr<Sandbox> sandbox = MakeSandbox();
  ASSERT_NE(sandbox, nullptr);
  StatusOr<std::string> path = sandbox->WriteFile("alert.json", std::string("{\"a\":\0}", 7));
  ASSERT_TRUE(path.ok()) << path.status().message();
  EXPECT_EQ(*path, sandbox->root() + "/alert.json");
  EXPECT_EQ(ReadAll(*path), std::string("{\"a\":\0}", 7));
  EXPECT_FALSE(sandbox->WriteFile("../escape", "x").ok());
  EXPECT_FALSE(sandbox->WriteFile("/etc/passwd", "x").ok());
  EXPECT_FALSE(sandbox->WriteFile("a/../../b", "x").ok());
}

TEST(SandboxTest, AddProgramLinksStubsAndRejectsPaths) {
  std::unique_ptr<Sandbox> sandbox = MakeSandbox();
  ASSERT_NE(sandbox, nullptr);
  EXPECT_TRUE(sandbox->AddProgram("psql").ok());
  EXPECT_TRUE(sandbox->AddProgram("psql").ok());  // idempotent
  EXPECT_TRUE(fs::is_symlink(sandbox->bin_dir() + "/psql"));
  Status bad = sandbox->AddProgram("../bin/sh");
  EXPECT_EQ(bad.code(), Status::Code::kInvalidInput);
  EXPECT_EQ(bad.message(), "'../bin/sh' cannot be faked: not a plain program name");
}

TEST(SandboxTest, LongParentFallsBackToTmpForSocket) {
  std::string parent = fs::temp_directory_path().string() + "/" + std::string(90, 'p');
  fs::create_directories(parent);
  Sandbox::Options options;
  options.parent_dir = parent;
  std::unique_ptr<Sandbox> sandbox = MakeSandbox(options);
  ASSERT_NE(sandbox, nullptr);
  EXPECT_EQ(fs::path(sandbox->root()).parent_path(), fs::path("/tmp"));
  EXPECT_LT(sandbox->socket_path().size(), sizeof(sockaddr_un{}.sun_path));
  fs::remove_all(parent);
}

TEST(SandboxTest, MissingShimIsAnEnvironmentError) {
  Sandbox::Options options;
  options.shim_path = "/nonexistent/rundrill-shim";
  StatusOr<std::unique_ptr<Sandbox>> sandbox = Sandbox::Create(options);
  ASSERT_FALSE(sandbox.ok());
  EXPECT_EQ(sandbox.status().code(), Status::Code::kEnvironment);
  EXPECT_THAT(sandbox.status().message(), HasSubstr("/nonexistent/rundrill-shim"));
}

}  // namespace
}  // namespace rundrill::exec
