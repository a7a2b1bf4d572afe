// Process hygiene with real processes: steps that leave children behind, ignore SIGTERM,
// close their output or escape their process group leave nothing alive and no zombie;
// stdin is at EOF; output is capped; SIGINT stops `rundrill run` in order; every bundled
// drill repeats byte for byte.

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/integration_harness.h"

extern char** environ;

namespace rundrill::integration {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string ReadAll(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

struct ProcessCount {
  int marked = 0;       // live processes whose command line holds the marker
  int descendants = 0;  // live processes descending from this one
  int zombies = 0;      // unreaped children of this one
};

// Walks /proc: the marker finds processes wherever they were reparented to, the ppid chain
// finds anything else this test process left behind.
ProcessCount CountProcesses(const std::string& marker) {
  struct Entry {
    pid_t ppid;
    char state;
    std::string cmdline;
  };
  std::map<pid_t, Entry> all;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return {};
  while (const dirent* e = readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0') continue;
    const std::string stat = ReadAll("/proc/" + std::to_string(pid) + "/stat");
    const size_t close = stat.rfind(')');
    if (close == std::string::npos || close + 4 >= stat.size()) continue;
    Entry entry;
    entry.state = stat[close + 2];
    entry.ppid = static_cast<pid_t>(std::strtol(stat.c_str() + close + 4, nullptr, 10));
    entry.cmdline = ReadAll("/proc/" + std::to_string(pid) + "/cmdline");
    for (char& c : entry.cmdline) c = c == '\0' ? ' ' : c;
    all[static_cast<pid_t>(pid)] = entry;
  }
  closedir(proc);
  const pid_t self = getpid();
  ProcessCount count;
  for (const auto& [pid, entry] : all) {
    if (pid == self) continue;
    if (entry.state == 'Z') {
      count.zombies += entry.ppid == self;
      continue;
    }
    count.marked += entry.cmdline.find(marker) != std::string::npos;
    for (pid_t up = entry.ppid; up > 1;) {
      if (up == self) {
        ++count.descendants;
        break;
      }
      auto it = all.find(up);
      if (it == all.end()) break;
      up = it->second.ppid;
    }
  }
  return count;
}

ProcessCount WaitForNone(const std::string& marker) {
  // The runner's last SIGKILLs may still be in flight for a moment after a drill returns.
  ProcessCount count = CountProcesses(marker);
  for (int i = 0; i < 50 && (count.marked + count.descendants + count.zombies) > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    count = CountProcesses(marker);
  }
  return count;
}

// A step of YAML; `run` as a block scalar so the shell text needs no quoting.
std::string Step(const std::string& id, const std::string& run, const std::string& extra = "") {
  std::string out = "  - id: " + id + "\n    type: check\n" + extra + "    run: |\n";
  out += "      " + run + "\n";
  return out;
}

TEST(ProcessHygieneTest, ThousandMisbehavingStepsLeaveNoProcessAndNoZombie) {
  // A marker no other process on the machine carries: in every step's command line (so the
  // shell and its subshells show it) and in the argument of every real sleep.
  const std::string marker = "1000." + std::to_string(getpid()) + "7";
  const std::string tick = "1." + std::to_string(getpid()) + "7";
  const std::vector<std::string> kinds = {
      // background job left behind, step stopped at its virtual timeout
      "/bin/sleep " + marker + " & sleep 10s",
      // background loop that ignores SIGTERM: needs the SIGKILL after the grace
      "(trap '' TERM; while :; do /bin/sleep " + tick + "; done) & sleep 10s # " + marker,
      // output closed early, then a real sleep; the shell exits on its own
      "exec >&- 2>&-; /bin/sleep " + marker + " & exit 0",
      // escapes its process group and session, step stopped at its virtual timeout
      "setsid /bin/sleep " + marker + " & sleep 10s",
      // escapes, in a group of its own that ignores SIGTERM; the shell fails on its own
      "setsid sh -c 'trap \"\" TERM; /bin/sleep " + marker + " & while :; do /bin/sleep " + tick +
          "; done' & exit 3",
  };
  constexpr int kDrills = 8;
  constexpr int kStepsPerDrill = 125;
  static_assert(kDrills * kStepsPerDrill == 1000);

  std::string steps;
  for (int i = 0; i < kStepsPerDrill; ++i) {
    steps += Step("s" + std::to_string(i), kinds[static_cast<size_t>(i) % kinds.size()],
                  "    timeout: 1s\n    continue_on_failure: true\n");
  }
  const model::Runbook runbook = InlineRunbook("hygiene", steps);
  const model::Scenario scenario = AlertAfter("hygiene", "");

  const auto started = Clock::now();
  std::vector<int> ran(kDrills, 0);
  std::vector<std::string> errors(kDrills);
  auto work = [&](int first) {
    for (int d = first; d < kDrills; d += 2) {
      drill::DrillOptions options = RealProcessOptions(static_cast<uint64_t>(d + 1));
      options.kill_grace = std::chrono::milliseconds(20);
      auto result = drill::RunDrill(scenario, {runbook}, options);
      if (!result.ok()) {
        errors[static_cast<size_t>(d)] = std::string(result.status().message());
        continue;
      }
      for (const auto& run : result->runbooks) {
        for (const auto& step : run.steps) ran[static_cast<size_t>(d)] += !step.attempts.empty();
      }
    }
  };
  // Two drills at once, as `rundrill ci -j2` runs them: each runner must take only its own
  // escapees.
  std::thread other(work, 1);
  work(0);
  other.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();

  int total = 0;
  for (int d = 0; d < kDrills; ++d) {
    EXPECT_EQ(errors[static_cast<size_t>(d)], "") << "drill " << d;
    EXPECT_EQ(ran[static_cast<size_t>(d)], kStepsPerDrill) << "drill " << d;
    total += ran[static_cast<size_t>(d)];
  }
  const ProcessCount left = WaitForNone(marker);
  std::cout << "[ figures  ] " << total << " steps in " << seconds << " s wall; left alive "
            << left.marked << " marked, " << left.descendants << " descendants; zombies "
            << left.zombies << "\n";
  EXPECT_EQ(total, 1000);
  EXPECT_EQ(left.marked, 0);
  EXPECT_EQ(left.descendants, 0);
  EXPECT_EQ(left.zombies, 0);
  EXPECT_LT(seconds, 60.0);
}

drill::StepRecord OnlyStep(const drill::DrillResult& result) {
  if (result.runbooks.size() != 1 || result.runbooks[0].steps.size() != 1) {
    ADD_FAILURE() << "expected one runbook with one step";
    return {};
  }
  return result.runbooks[0].steps[0];
}

TEST(ProcessHygieneTest, StdinIsAtEndOfFileAtOnce) {
  const auto runbook = InlineRunbook("stdin", Step("read", "cat; echo done"));
  const auto started = Clock::now();
  auto result = drill::RunDrill(AlertAfter("stdin", ""), {runbook}, RealProcessOptions(1));
  ASSERT_TRUE(result.ok()) << result.status().message();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  const drill::StepRecord step = OnlyStep(*result);
  ASSERT_EQ(step.attempts.size(), 1u);
  EXPECT_EQ(step.attempts[0].stop, "exited");
  EXPECT_EQ(step.attempts[0].stdout_data, "done\n");
  EXPECT_EQ(step.outcome, drill::StepOutcome::kSucceeded);
  // Far below the wall-clock guard (10 s here), which a read that blocked would wait for.
  EXPECT_LT(seconds, 5.0);
}

TEST(ProcessHygieneTest, OutputBeyondTheLimitIsCutAndTheWriterEnds) {
  const std::string marker = "\n[rundrill: output truncated after 16777216 bytes]\n";
  const size_t limit = exec::StepProcessSpec{}.output_limit;
  const auto runbook = InlineRunbook(
      "flood",
      Step("finite", "yes | head -c 200000000; echo end >&2", "    continue_on_failure: true\n") +
          Step("endless", "yes", "    continue_on_failure: true\n"));
  drill::DrillOptions options = RealProcessOptions(1);
  // The endless writer calls no fake: the guard is what stops it.
  options.wall_limit = std::chrono::milliseconds(1500);
  const auto started = Clock::now();
  auto result = drill::RunDrill(AlertAfter("flood", ""), {runbook}, options);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  ASSERT_EQ(result->runbooks.size(), 1u);
  ASSERT_EQ(result->runbooks[0].steps.size(), 2u);

  const drill::Attempt& finite = result->runbooks[0].steps[0].attempts.at(0);
  EXPECT_EQ(finite.stop, "exited");
  EXPECT_EQ(finite.exit_code, 0);  // drained to the end: head finished, nothing was killed
  EXPECT_EQ(finite.stderr_data, "end\n");
  EXPECT_EQ(finite.stdout_data.size(), limit + marker.size());
  EXPECT_TRUE(finite.stdout_data.ends_with(marker));

  const drill::Attempt& endless = result->runbooks[0].steps[1].attempts.at(0);
  EXPECT_EQ(endless.stop, "wall-guard");
  EXPECT_LE(endless.stdout_data.size(), limit + marker.size());
  EXPECT_TRUE(endless.stdout_data.ends_with(marker));
  std::cout << "[ figures  ] 200 MB + endless writer drill: " << seconds << " s wall\n";
  EXPECT_LT(seconds, 30.0);
}

// `rundrill run` as a user starts it, with its own TMPDIR so its sandbox can be looked for.
TEST(ProcessHygieneTest, SigintStopsRunAndWritesAnInterruptedResult) {
  const fs::path root = fs::temp_directory_path() / ("rundrill-sigint-" + std::to_string(getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "runbooks");
  fs::create_directories(root / "tmp");
  const std::string marker = "600." + std::to_string(getpid()) + "3";
  std::ofstream(root / "scenario.yaml") << R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: sigint}
horizon: 30m
world:
  kubernetes:
    deployments:
      - name: api
        namespace: production
        replicas: 2
        history: [{image: registry.example/api:1.0.0}]
timeline:
  - at: 1m
    fire_alert:
      labels: {alertname: HighErrorRate, service: api}
)";
  std::ofstream(root / "runbooks" / "slow.yaml")
      << "apiVersion: rundrill/v1\nkind: Runbook\nmetadata: {name: slow}\n"
         "trigger: {alertname: HighErrorRate}\nsteps:\n"
      << Step("wait-for-ever", "/bin/sleep " + marker);

  std::vector<std::string> args = {RUNDRILL_BINARY_PATH,
                                   "run",
                                   (root / "scenario.yaml").string(),
                                   "--runbooks",
                                   (root / "runbooks").string(),
                                   "--out",
                                   (root / "out").string(),
                                   "--wall-limit",
                                   "10m"};
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string(*e).rfind("TMPDIR=", 0) != 0) env.push_back(*e);
  }
  env.push_back("TMPDIR=" + (root / "tmp").string());
  env.push_back("RUNDRILL_SHIM=" + std::string(RUNDRILL_SHIM_PATH));
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, (root / "stdout.txt").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, (root / "stderr.txt").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data()), 0);
  posix_spawn_file_actions_destroy(&actions);

  // Until the step's real sleep runs (at most 10 s), then about a second more.
  for (int i = 0; i < 500 && CountProcesses(marker).marked == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GT(CountProcesses(marker).marked, 0) << "the step never started";
  std::this_thread::sleep_for(std::chrono::seconds(1));

  const auto signalled = Clock::now();
  ASSERT_EQ(kill(pid, SIGINT), 0);
  int status = 0;
  pid_t done = 0;
  while ((done = waitpid(pid, &status, WNOHANG)) == 0 &&
         Clock::now() - signalled < std::chrono::seconds(20)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (done == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    FAIL() << "rundrill did not stop within 20 s of SIGINT";
  }
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - signalled).count();
  std::cout << "[ figures  ] SIGINT to exit: " << ms << " ms\n";

  ASSERT_TRUE(WIFEXITED(status)) << "stderr: " << ReadAll((root / "stderr.txt").string());
  EXPECT_EQ(WEXITSTATUS(status), 130) << ReadAll((root / "stderr.txt").string());
  const std::string json = ReadAll((root / "out" / "result.json").string());
  EXPECT_NE(json.find("\"interrupted\": true"), std::string::npos) << json.substr(0, 400);
  const std::string md = ReadAll((root / "out" / "report.md").string());
  EXPECT_NE(md.find("Interrupted"), std::string::npos);
  EXPECT_NE(ReadAll((root / "out" / "report.html").string()).find("Interrupted"),
            std::string::npos);
  EXPECT_EQ(WaitForNone(marker).marked, 0);
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(root / "tmp")) {
    left.push_back(entry.path().filename().string());
  }
  EXPECT_TRUE(left.empty()) << "left in TMPDIR: " << (left.empty() ? "" : left[0]);
  EXPECT_LT(ms, 5000.0);
  fs::remove_all(root);
}

TEST(ProcessHygieneTest, EveryBundledDrillIsDeterministic) {
  std::vector<std::string> scenarios;
  for (const auto& entry : fs::directory_iterator(kSource + "/scenarios")) {
    if (entry.path().extension() == ".yaml") scenarios.push_back(entry.path().filename());
  }
  std::sort(scenarios.begin(), scenarios.end());
  ASSERT_FALSE(scenarios.empty());
  const fs::path out =
      fs::temp_directory_path() / ("rundrill-determinism-" + std::to_string(getpid()));
  for (const std::string& scenario : scenarios) {
    const Command run = RunTool("run scenarios/" + scenario + " --runbooks runbooks --out " +
                                    (out / scenario).string() + " --check-determinism",
                                kSource);
    EXPECT_NE(run.output.find("determinism: two runs of seed"), std::string::npos)
        << scenario << ":\n"
        << run.output;
    EXPECT_EQ(run.output.find("not deterministic"), std::string::npos) << run.output;
    EXPECT_TRUE(run.exit_code == 0 || run.exit_code == 1) << scenario << ": " << run.output;
  }
  fs::remove_all(out);
}

}  // namespace
}  // namespace rundrill::integration
