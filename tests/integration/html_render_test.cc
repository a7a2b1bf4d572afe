// report.html of real drills, opened in headless Chromium: the page must render (its DOM holds
// the verdict and the timeline picture) and the browser must log nothing to its console.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/integration/integration_harness.h"

namespace rundrill {
namespace {

using integration::kSource;
using integration::RunTool;
using ::testing::HasSubstr;

std::string ReadAll(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// Debian's chromium, from PATH. CI installs it (scripts/test.sh), so its absence is a failure
// of the environment, never a reason to skip.
std::string FindChromium() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/chromium";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

struct Page {
  int exit_code = -1;
  std::string dom;
  std::string log;                   // the browser's stderr
  std::vector<std::string> console;  // what the page logged to its console, one per line
};

// Chromium with --enable-logging=stderr writes every console message of the page, whatever
// its level, as "[pid:tid:time:INFO:CONSOLE(line)] \"text\", source: …" (newer builds:
// "CONSOLE:line]"); uncaught exceptions arrive the same way with "Uncaught" in the text. The
// report has no script, so any such line is an error.
std::vector<std::string> ConsoleLines(const std::string& log) {
  std::vector<std::string> out;
  std::stringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find(":CONSOLE") != std::string::npos || line.find("Uncaught") != std::string::npos) {
      out.push_back(line);
    }
  }
  return out;
}

// Opens `file` in headless Chromium and returns its DOM once loaded. The browser runs in a
// process group of its own under `timeout`, and the whole group is killed afterwards, so no
// renderer outlives the test even when the browser hangs.
Page Open(const std::string& file, const std::string& work) {
  Page page;
  const std::string chromium = FindChromium();
  if (chromium.empty()) {
    ADD_FAILURE() << "chromium is not installed (Debian package `chromium`; scripts/test.sh "
                     "installs it): the HTML report cannot be checked in a browser";
    return page;
  }
  std::filesystem::create_directories(work);
  const std::string profile = work + "/profile";
  const std::string dom_path = work + "/dom.html";
  const std::string log_path = work + "/chromium.log";
  const std::string url = "file://" + std::filesystem::absolute(file).string();
  const std::string user_data = "--user-data-dir=" + profile;

  const pid_t pid = fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork failed";
    return page;
  }
  if (pid == 0) {
    setpgid(0, 0);
    const int out = open(dom_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int in = open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || in < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    // --foreground keeps timeout in this process group, so killing the group reaches it too.
    execlp("timeout", "timeout", "--foreground", "-s", "KILL", "60", chromium.c_str(),
           "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--no-default-browser-check", "--disable-extensions", user_data.c_str(),
           "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--dump-dom",
           url.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  setpgid(pid, pid);  // also here: the child may not have run yet when the group is killed
  int status = 0;
  waitpid(pid, &status, 0);
  kill(-pid, SIGKILL);
  // A drill run in this process may have made it a child subreaper; then the browser's orphaned
  // processes become its children: reap them, or they stay zombies until the tests end.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (kill(-pid, 0) == 0 && std::chrono::steady_clock::now() < deadline) {
    if (waitpid(-pid, nullptr, WNOHANG) <= 0) usleep(10000);
  }
  page.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  page.dom = ReadAll(dom_path);
  page.log = ReadAll(log_path);
  page.console = ConsoleLines(page.log);
  std::error_code ec;
  std::filesystem::remove_all(profile, ec);
  return page;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

// The check below is only worth something if it sees a console error when there is one: a
// page that logs one and throws must be caught.
TEST(HtmlRenderTest, ConsoleCheckCatchesErrors) {
  const std::string dir = testing::TempDir() + "/rundrill-html-console";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/bad.html")
      << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>t</title></head>"
         "<body><p>page</p><script>console.error('deliberate failure');"
         "throw new Error('deliberate throw');</script></body></html>\n";
  const Page page = Open(dir + "/bad.html", dir + "/browser");
  ASSERT_EQ(page.exit_code, 0) << page.log;
  EXPECT_THAT(page.dom, HasSubstr("<p>page</p>"));
  EXPECT_THAT(Joined(page.console), HasSubstr("deliberate failure")) << page.log;
  EXPECT_THAT(Joined(page.console), HasSubstr("Uncaught Error: deliberate throw")) << page.log;
}

// The bundled drill: the crash-loop scenario against the high-error-rate runbook, seed 7.
TEST(HtmlRenderTest, BundledDrillRendersWithoutConsoleErrors) {
  const std::string out = testing::TempDir() + "/rundrill-html-bundled";
  std::filesystem::remove_all(out);
  const auto run = RunTool(
      "run scenarios/bad-deploy-crashloop.yaml --runbook runbooks/high-error-rate.yaml "
      "--seed 7 --out " +
          out,
      kSource);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("\nhtml: " + out + "/report.html\n"));

  const Page page = Open(out + "/report.html", out + "/browser");
  ASSERT_EQ(page.exit_code, 0) << page.log;
  EXPECT_THAT(page.dom, HasSubstr("<span class=\"verdict-word\">PASSED</span> Drill "
                                  "bad-deploy-crashloop"));
  EXPECT_THAT(page.dom, HasSubstr("<svg class=\"timeline\""));
  EXPECT_THAT(page.dom, HasSubstr(">Backend calls</text>"));
  EXPECT_THAT(page.dom, HasSubstr("<code>rollback</code>"));
  EXPECT_TRUE(page.console.empty()) << Joined(page.console);
}

// A drill that fails its expectations and its checks: a runbook that scales up by one each
// time it runs, with --verify.
TEST(HtmlRenderTest, FailingVerifiedDrillRendersWithoutConsoleErrors) {
  const std::string out = testing::TempDir() + "/rundrill-html-failing";
  std::filesystem::remove_all(out);
  const auto run = RunTool(
      "run scenarios/bad-deploy-crashloop.yaml --runbook "
      "tests/corpus/verify/scale-up-by-one.yaml --seed 7 --verify --out " +
          out,
      kSource);
  ASSERT_EQ(run.exit_code, 1) << run.output;

  const Page page = Open(out + "/report.html", out + "/browser");
  ASSERT_EQ(page.exit_code, 0) << page.log;
  EXPECT_THAT(page.dom, HasSubstr("<span class=\"verdict-word\">FAILED</span>"));
  EXPECT_THAT(page.dom, HasSubstr("<svg class=\"timeline\""));
  EXPECT_THAT(page.dom, HasSubstr("<h3>Checks that failed</h3>"));
  EXPECT_THAT(page.dom, HasSubstr("<table class=\"diff\">"));
  EXPECT_THAT(page.dom, HasSubstr("<h2>Checks</h2>"));
  EXPECT_TRUE(page.console.empty()) << Joined(page.console);
}

}  // namespace
}  // namespace rundrill
