#pragma once

// Runs the drills of a suite, `jobs` at a time. Each drill is isolated as a drill always is
// (its own world, event loop, socket, HTTP ports and temporary folder), so drills share
// nothing but the runbooks they read; results come back in plan order whatever order the
// drills finish in, so a suite's output does not depend on `jobs`.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "simulator/drill/drill.h"
#include "simulator/suite/suite_plan.h"

namespace rundrill::suite {

struct SuiteOptions {
  int jobs = 1;
  bool verify = true;  // run the verification checks after each drill
  // Everything a drill needs but its seed and reproduce line (shim, wall limit, host).
  drill::DrillOptions drill;
  // The reproduce line of a drill: "rundrill run <scenario> --runbooks <dir> --seed N".
  std::function<std::string(const DrillSpec&)> reproduce;
};

struct DrillRun {
  DrillSpec spec;
  std::optional<drill::DrillResult> result;  // unset when the drill could not run
  std::string error;                         // why it could not (the environment's fault)
};

std::vector<DrillRun> RunSuite(const std::vector<DrillSpec>& plan,
                               const std::vector<model::Runbook>& runbooks,
                               const SuiteOptions& options);

}  // namespace rundrill::suite
