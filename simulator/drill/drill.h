#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "simulator/core/status.h"
#include "simulator/drill/drill_result.h"
#include "simulator/drill/step_probe.h"
#include "simulator/exec/step_host.h"
#include "simulator/model/runbook.h"
#include "simulator/model/scenario.h"

namespace rundrill::drill {

struct DrillOptions {
  uint64_t seed = 0;
  // Absolute path of rundrill-shim; every faked program on the step's PATH links to it.
  std::string shim_path;
  // Real time a step may go without calling any fake before its process group is killed.
  std::chrono::milliseconds wall_limit{30000};
  // Real time between SIGTERM and SIGKILL when a step's processes are stopped.
  std::chrono::milliseconds kill_grace{1000};
  // The command line that reruns this drill, printed in reports.
  std::string reproduce;
  // Where steps run. Empty: real processes in a fresh sandbox (exec::CreateProcessHost with
  // shim_path). Tests of the engine pass a host that answers without processes.
  std::function<StatusOr<std::unique_ptr<exec::StepHost>>(const std::vector<std::string>&)>
      make_host;
  // Watches the drill for a verification check; not owned. Null for plain drills.
  StepProbe* probe = nullptr;
};

// Runs one scenario: builds its world, plays its timeline on the virtual clock, routes every
// alert that fires to the runbooks whose trigger matches, runs their steps as real processes
// against the fakes, and checks the scenario's expectations at the horizon.
// A failed drill is a result (passed == false); the Status is for a broken environment.
// Once exec::Interrupted() is set, the running step is stopped, no further step or event
// runs, and the result so far is returned with `interrupted` set (and passed == false).
StatusOr<DrillResult> RunDrill(const model::Scenario& scenario,
                               const std::vector<model::Runbook>& runbooks,
                               const DrillOptions& options);

// What `rundrill exec` produced: the command's own output and the calls it made.
struct ExecResult {
  int exit_code = 0;
  std::string stdout_data;
  std::string stderr_data;
  std::string stop;  // exited | virtual-timeout | wall-guard | signal
  std::vector<Interaction> transcript;
};

// Runs one command inside the scenario's world at virtual time `at` (timeline events up to
// then applied; no runbook is triggered), with the fakes on PATH.
StatusOr<ExecResult> ExecInScenario(const model::Scenario& scenario, SimTime at,
                                    const std::string& command, const DrillOptions& options);

}  // namespace rundrill::drill
