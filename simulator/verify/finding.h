#pragma once

// What the verification checks found, as results and reports carry it.

#include <string>
#include <vector>

#include "simulator/verify/state_diff.h"

namespace rundrill::verify {

struct Finding {
  std::string check;  // step-idempotence | runbook-idempotence | rollback | crash-consistency
  std::string runbook;
  std::string step;  // empty for whole-runbook checks
  std::string mark;  // file:line:col of the step or runbook
  bool passed = false;
  // A check that could not judge fairly (a scenario event fell inside the comparison) or
  // that the runbook opted out of, with its reason.
  bool skipped = false;
  std::string summary;  // one line
  std::vector<DiffEntry> diff;
};

// A path a runbook or the scenario told the checks to leave out, as reports list it.
struct IgnoredPath {
  std::string pattern;
  std::string reason;
  std::string source;  // file:line:col
  std::string scope;   // the runbook's name, or "scenario"
};

struct Verification {
  std::vector<Finding> findings;
  std::vector<IgnoredPath> ignored;
  // Steps that changed the world and have no rollback: "runbook/step (file:line:col)".
  std::vector<std::string> mutating_without_rollback;
  bool passed() const;
};

}  // namespace rundrill::verify
