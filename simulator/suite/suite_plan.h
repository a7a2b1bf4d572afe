#pragma once

// Which drills a suite runs: every scenario of the library with the runbooks its alerts can
// start, each under its seed(s); which of them a change affects; and which fall to one shard
// of a CI matrix. Everything here is a pure function of the library and its arguments, so
// every shard of a matrix computes the same plan and takes its own part of it.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "simulator/core/status.h"
#include "simulator/load/loader.h"

namespace rundrill::suite {

struct DrillSpec {
  const model::Scenario* scenario = nullptr;
  uint64_t seed = 1;
  // "<scenario name>--seed-<N>": the drill's folder in the suite's output, unique in a suite.
  std::string id;
};

// Shard `index` of `total`, 1-based as `--shard 2/4` and GitLab's CI_NODE_INDEX are.
struct Shard {
  int index = 1;
  int total = 1;
};

// `--shard K/N` when given, else from the environment: GitLab's CI_NODE_INDEX (1-based) and
// CI_NODE_TOTAL, or a Kubernetes Indexed Job's JOB_COMPLETION_INDEX (0-based) with the total
// in RUNDRILL_SHARD_TOTAL (a Job does not export its completion count). No shard asked for:
// nullopt. A malformed or out-of-range value is InvalidInput naming where it came from.
StatusOr<std::optional<Shard>> ResolveShard(const std::string& flag,
                                            const std::map<std::string, std::string>& env);

// Whether `runbook`'s trigger can match an alert that `scenario` fires (its timeline's
// fire_alert events and its alerting rules), judged on the alert names: labels are decided
// as the drill runs, so this errs towards running a drill rather than skipping it.
bool CanTrigger(const model::Runbook& runbook, const model::Scenario& scenario);

// Every scenario, under each of `seeds` when given, else under its own seed (1 when it has
// none), ordered by scenario path and then seed.
std::vector<DrillSpec> PlanSuite(const std::vector<model::Scenario>& scenarios,
                                 const std::vector<uint64_t>& seeds);

// The drills of `plan` that fall to `shard`: the i-th (0-based) goes to shard i mod total.
std::vector<DrillSpec> TakeShard(const std::vector<DrillSpec>& plan, const Shard& shard);

// What a set of changed files (paths relative to the repository root, as `git diff
// --name-only` prints them) asks to run again.
struct Selection {
  bool everything = false;
  std::set<std::string> scenarios;  // scenario paths
  // One line per changed file that made a difference: "runbooks/x.yaml → 2 scenarios".
  std::vector<std::string> reasons;
};

// A runbook → the scenarios it can be triggered by; a scenario → itself (its runbooks run in
// it anyway); a file a runbook's steps name (a script beside it, or a module such a script
// names) → that runbook's scenarios; the suite's own settings (`rundrill.yaml`, `.rundrill/`)
// → everything. Other files (docs, the application's code) select nothing. `root` is the
// repository root that the changed paths are relative to; library paths are compared after
// making both absolute.
Selection SelectChanged(const load::Catalog& library, const std::vector<std::string>& changed,
                        const std::string& root);

// Keeps the drills of `plan` whose scenario `selection` names (all when `everything`).
std::vector<DrillSpec> Select(const std::vector<DrillSpec>& plan, const Selection& selection);

}  // namespace rundrill::suite
