#pragma once

// Drills with real processes: the shim, /bin/sh, curl and python3 in a real sandbox.

#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <string>

#include "simulator/drill/drill.h"
#include "tests/drill/drill_harness.h"

namespace rundrill::integration {

inline const std::string kSource = RUNDRILL_SOURCE_DIR;

inline drill::DrillOptions RealProcessOptions(uint64_t seed) {
  drill::DrillOptions options;
  options.seed = seed;
  options.shim_path = RUNDRILL_SHIM_PATH;
  options.wall_limit = std::chrono::milliseconds(10000);
  options.reproduce = "rundrill run (test)";
  return options;
}

// Two replicas of api, the default Slack workspace and PagerDuty account, and a
// HighErrorRate alert at 1m after `timeline`'s own events (YAML list items). Said to live in
// scenarios/, so relative paths resolve as for bundled scenarios.
inline model::Scenario AlertAfter(const std::string& name, const std::string& timeline) {
  return drill::testing::ScenarioFrom(R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: )" + name + R"(}
horizon: 30m
world:
  kubernetes:
    deployments:
      - name: api
        namespace: production
        replicas: 2
        history: [{image: registry.example/api:1.0.0}]
timeline:
)" + timeline + R"(
  - at: 1m
    fire_alert:
      labels: {alertname: HighErrorRate, service: api}
)",
                                      kSource + "/scenarios/inline.yaml");
}

// A bundled runbook, by its path from the source root ("runbooks/disk-space.yaml").
inline model::Runbook LoadRunbook(const std::string& relative) {
  std::vector<load::Diagnostic> errors;
  auto runbook = load::LoadRunbookFile(kSource + "/" + relative, &errors);
  for (const auto& e : errors) ADD_FAILURE() << e.ToString();
  return runbook ? *runbook : model::Runbook{};
}

// A runbook started by HighErrorRate, said to live in runbooks/.
inline model::Runbook InlineRunbook(const std::string& name, const std::string& steps) {
  return drill::testing::RunbookText(
      "apiVersion: rundrill/v1\nkind: Runbook\nmetadata: {name: " + name +
          "}\ntrigger: {alertname: HighErrorRate}\nsteps:\n" + steps,
      kSource + "/runbooks/inline.yaml");
}

// The command-line tool itself, as a user runs it: its exit code and its output (stdout and
// stderr together).
struct Command {
  int exit_code;
  std::string output;
};

inline Command RunTool(const std::string& args, const std::string& cwd = ".") {
  const std::string command =
      "cd " + cwd + " && " + std::string(RUNDRILL_BINARY_PATH) + " " + args + " 2>&1";
  Command result{-1, ""};
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

}  // namespace rundrill::integration
