#pragma once

// Which parts of the runbooks a suite of drills exercised: the steps that never ran and the
// `when` conditions that were never seen both true and false. A step a suite never runs is
// a step nobody has seen work; a `when` only ever true is a branch nobody has seen skipped.

#include <string>
#include <vector>

#include "simulator/drill/drill_result.h"
#include "simulator/model/runbook.h"

namespace rundrill::reports {

// A step no drill ran: every run of its runbook skipped it or never reached it.
struct UnexercisedStep {
  std::string id;
  std::string mark;         // file:line:col of the step
  bool on_failure = false;  // an on_failure or escalation step
};

// A step with `when` whose condition the suite did not see both ways.
struct MissingBranch {
  std::string id;
  std::string mark;
  bool seen_true = false;   // the step ran at least once
  bool seen_false = false;  // it was skipped with "when: condition not met" at least once

  // "restart-oldest-pod: `when` never false"
  std::string Text() const;
};

struct RunbookCoverageEntry {
  std::string runbook;
  std::string path;
  int runs = 0;  // how many times the suite ran it
  int steps_total = 0;
  int steps_exercised = 0;
  std::vector<UnexercisedStep> unexercised;  // in the runbook's order
  int branches_total = 0;                    // two per step with `when`
  int branches_taken = 0;
  std::vector<MissingBranch> missing_branches;  // in the runbook's order
};

// One drill of the suite, as the coverage report lists it.
struct CoveredDrill {
  std::string scenario;
  std::string path;
  uint64_t seed = 0;
  bool passed = false;
};

struct RunbookCoverage {
  std::vector<RunbookCoverageEntry> runbooks;  // in the order given
  std::vector<CoveredDrill> drills;            // in the order given
  // Drills that could not run at all ("scenarios/x.yaml: cannot start sandbox: ..."); the
  // caller adds them, as they have no DrillResult.
  std::vector<std::string> errors;
};

// Steps are the runbook's steps, its on_failure steps and its escalation steps alike; a step
// is exercised when some run of the runbook (matched by name) did not skip it.
RunbookCoverage ComputeCoverage(const std::vector<model::Runbook>& runbooks,
                                const std::vector<drill::DrillResult>& drills);

// "high-error-rate: 7/9 steps, 3/4 when-branches; never ran: restart (runbooks/x.yaml:40:5);
// restart-oldest-pod: `when` never false"
std::string CoverageSummaryLine(const RunbookCoverageEntry& entry);

std::string RenderCoverageJson(const RunbookCoverage& coverage);
std::string RenderCoverageMarkdown(const RunbookCoverage& coverage);

}  // namespace rundrill::reports
