#include "simulator/verify/checks.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>

namespace rundrill::verify {
namespace {

using drill::DrillControl;
using drill::StepOutcome;
using drill::StepRecord;

bool Ran(const StepRecord& record) { return record.outcome != StepOutcome::kSkipped; }

std::string DiffSummary(const std::vector<DiffEntry>& diff) {
  if (diff.empty()) return "";
  return FormatDiffEntry(diff.front()) +
         (diff.size() > 1 ? " (and " + std::to_string(diff.size() - 1) + " more)" : "");
}

// Runs each mutating step a second time right after it, and measures what the second run
// changed against a copy of the world that was left alone.
class StepIdempotenceProbe : public drill::StepProbe {
 public:
  void BeforeStep(const model::Runbook&, const model::Step&, DrillControl& control) override {
    before_.emplace(control.Fork());
    started_ = control.Now();
  }

  void AfterStep(const model::Runbook& runbook, const model::Step& step, const StepRecord& record,
                 DrillControl& control) override {
    if (!before_ || record.outcome != StepOutcome::kSucceeded) return;
    // A runbook run again (a repeated alert) meets the same step again: judged once.
    if (!judged_.insert(runbook.name + "/" + step.id).second) return;
    const auto changed =
        DiffSnapshots(control.SnapshotOfFork(*before_), control.Snapshot(), VolatileFields());
    before_.reset();
    const bool mutating = step.type == model::StepType::kAction || !changed.empty();
    if (!mutating) return;
    if (step.rollback.empty() && !control.ScenarioEventSince(started_)) {
      mutating_without_rollback.push_back(runbook.name + "/" + step.id + " (" +
                                          step.mark.ToString() + ")");
    }
    Finding finding;
    finding.check = "step-idempotence";
    finding.runbook = runbook.name;
    finding.step = step.id;
    finding.mark = step.mark.ToString();
    if (!step.not_idempotent.empty()) {
      finding.passed = true;
      finding.skipped = true;
      finding.summary = "not checked: " + step.not_idempotent;
      findings.push_back(std::move(finding));
      return;
    }
    world::World first = control.Fork();
    const SimTime rerun_at = control.Now();
    const StepRecord again = control.RerunStep();
    finding.diff =
        DiffSnapshots(control.SnapshotOfFork(first), control.Snapshot(), VolatileFields());
    if (control.ScenarioEventSince(rerun_at)) {
      finding.passed = true;
      finding.skipped = true;
      finding.summary = "not judged: a scenario event happened during the second run";
    } else if (again.outcome != StepOutcome::kSucceeded) {
      finding.summary = "the second run " + std::string(drill::StepOutcomeName(again.outcome)) +
                        (again.reason.empty() ? "" : ": " + again.reason);
    } else if (!finding.diff.empty()) {
      finding.summary = "the second run changed the world again: " + DiffSummary(finding.diff);
    } else {
      finding.passed = true;
      finding.summary = "a second run changed nothing";
    }
    findings.push_back(std::move(finding));
  }

  std::vector<Finding> findings;
  std::vector<std::string> mutating_without_rollback;

 private:
  std::optional<world::World> before_;
  SimTime started_{0};
  std::set<std::string> judged_;
};

// Runs one step's rollback right after the step, then stops the runbook.
class RollbackProbe : public drill::StepProbe {
 public:
  RollbackProbe(std::string runbook, std::string step)
      : runbook_(std::move(runbook)), step_(std::move(step)) {}

  void BeforeStep(const model::Runbook& runbook, const model::Step& step,
                  DrillControl& control) override {
    if (done_ || runbook.name != runbook_ || step.id != step_) return;
    before_.emplace(control.Fork());
    started_ = control.Now();
  }

  void AfterStep(const model::Runbook& runbook, const model::Step& step, const StepRecord& record,
                 DrillControl& control) override {
    if (done_ || !before_ || runbook.name != runbook_ || step.id != step_) return;
    done_ = true;
    finding.check = "rollback";
    finding.runbook = runbook.name;
    finding.step = step.id;
    finding.mark = step.mark.ToString();
    const StepRecord undo = control.RunCommand(step.id + ".rollback", step.rollback);
    finding.diff =
        DiffSnapshots(control.SnapshotOfFork(*before_), control.Snapshot(), VolatileFields());
    if (control.ScenarioEventSince(started_)) {
      finding.passed = true;
      finding.skipped = true;
      finding.summary = "not judged: a scenario event happened between the step and its rollback";
    } else if (undo.outcome != StepOutcome::kSucceeded) {
      finding.summary = "the rollback " + std::string(drill::StepOutcomeName(undo.outcome)) +
                        (undo.reason.empty() ? "" : ": " + undo.reason);
    } else if (!finding.diff.empty()) {
      finding.summary = "the rollback left the world changed: " + DiffSummary(finding.diff);
    } else {
      finding.passed = true;
      finding.summary = "the rollback gave back the world the step started from";
    }
    if (record.outcome != StepOutcome::kSucceeded) {
      finding.summary +=
          " (after the step " + std::string(drill::StepOutcomeName(record.outcome)) + ")";
    }
    control.StopRunbook();
  }

  std::optional<Finding> Result() const {
    if (!done_) return std::nullopt;
    return finding;
  }

 private:
  std::string runbook_;
  std::string step_;
  std::optional<world::World> before_;
  SimTime started_{0};
  bool done_ = false;
  Finding finding;
};

// At the horizon, runs every runbook run again on the world it left.
class RunbookIdempotenceProbe : public drill::StepProbe {
 public:
  explicit RunbookIdempotenceProbe(std::vector<IgnoreRule> ignore) : ignore_(std::move(ignore)) {}
  void AtEnd(DrillControl& control) override {
    world::World left = control.Fork();
    runs = control.RerunRunbooks();
    diff = DiffSnapshots(control.SnapshotOfFork(left), control.Snapshot(), ignore_);
  }
  std::vector<drill::RunbookRecord> runs;
  std::vector<DiffEntry> diff;

 private:
  std::vector<IgnoreRule> ignore_;
};

// Stops the first run of `runbook` after its k-th step that ran, and starts it again.
class CrashProbe : public drill::StepProbe {
 public:
  CrashProbe(std::string runbook, int k) : runbook_(std::move(runbook)), k_(k) {}
  void AfterStep(const model::Runbook& runbook, const model::Step&, const StepRecord&,
                 DrillControl& control) override {
    if (crashed_ || runbook.name != runbook_ || ++seen_ != k_) return;
    crashed_ = true;
    control.StopRunbook();
    control.RestartRunbook();
  }
  bool crashed() const { return crashed_; }

 private:
  std::string runbook_;
  int k_;
  int seen_ = 0;
  bool crashed_ = false;
};

// What "converged" compares: the world the runbooks act on, not the chatter about it (a
// restarted runbook posts and pages again) nor the pods and replica sets a repeated rollout
// names afresh.
std::vector<IgnoreRule> ConvergenceIgnores() {
  std::vector<IgnoreRule> rules = VolatileFields();
  rules.push_back({"slack", "a restarted runbook posts again"});
  rules.push_back({"pagerduty", "a restarted runbook pages again"});
  rules.push_back({"access", "credentials and faults are the scenario's"});
  rules.push_back({"kubernetes.namespaces.*.pods", "pod names are drawn afresh"});
  rules.push_back({"kubernetes.namespaces.*.replica_sets", "replica sets are named afresh"});
  return rules;
}

std::set<std::string> FiringAtEnd(const drill::DrillResult& result) {
  std::set<std::string> out;
  for (const auto& alert : result.alerts) {
    if (!alert.resolved_at) out.insert(alert.alertname + " (" + alert.fingerprint + ")");
  }
  return out;
}

const model::Runbook* FindRunbook(const std::vector<model::Runbook>& runbooks,
                                  const std::string& name) {
  for (const auto& runbook : runbooks) {
    if (runbook.name == name) return &runbook;
  }
  return nullptr;
}

StatusOr<drill::DrillResult> RunWith(const model::Scenario& scenario,
                                     const std::vector<model::Runbook>& runbooks,
                                     drill::DrillOptions options, drill::StepProbe* probe) {
  options.probe = probe;
  return drill::RunDrill(scenario, runbooks, options);
}

}  // namespace

bool Verification::passed() const {
  return std::all_of(findings.begin(), findings.end(), [](const Finding& f) { return f.passed; });
}

StatusOr<Verification> VerifyDrill(const model::Scenario& scenario,
                                   const std::vector<model::Runbook>& runbooks,
                                   const drill::DrillOptions& options,
                                   const drill::DrillResult& baseline) {
  Verification out;
  if (baseline.runbooks.empty()) return out;

  StepIdempotenceProbe idempotence;
  if (auto run = RunWith(scenario, runbooks, options, &idempotence); !run.ok()) {
    return run.status();
  }
  out.findings = std::move(idempotence.findings);
  out.mutating_without_rollback = std::move(idempotence.mutating_without_rollback);

  // Rollbacks of the steps that ran in the drill, once each.
  std::set<std::pair<std::string, std::string>> checked;
  for (const auto& run : baseline.runbooks) {
    const model::Runbook* runbook = FindRunbook(runbooks, run.name);
    if (runbook == nullptr) continue;
    for (const auto& step : runbook->steps) {
      if (step.rollback.empty() || !checked.insert({run.name, step.id}).second) continue;
      const auto ran = std::find_if(run.steps.begin(), run.steps.end(), [&](const auto& r) {
        return r.id == step.id && !r.on_failure && Ran(r);
      });
      if (ran == run.steps.end()) continue;
      RollbackProbe probe(run.name, step.id);
      if (auto result = RunWith(scenario, runbooks, options, &probe); !result.ok()) {
        return result.status();
      }
      if (auto finding = probe.Result()) out.findings.push_back(std::move(*finding));
    }
  }

  RunbookIdempotenceProbe again(VolatileFields());
  if (auto run = RunWith(scenario, runbooks, options, &again); !run.ok()) return run.status();
  for (const auto& run : baseline.runbooks) {
    if (std::any_of(out.findings.begin(), out.findings.end(), [&](const Finding& f) {
          return f.check == "runbook-idempotence" && f.runbook == run.name;
        })) {
      continue;
    }
    Finding finding;
    finding.check = "runbook-idempotence";
    finding.runbook = run.name;
    if (const model::Runbook* runbook = FindRunbook(runbooks, run.name)) {
      finding.mark = runbook->mark.ToString();
    }
    // A runbook with a step that says why it changes the world each time cannot be
    // idempotent as a whole: the reason stands for the runbook too.
    const model::Runbook* runbook = FindRunbook(runbooks, run.name);
    const model::Step* excused = nullptr;
    if (runbook != nullptr) {
      for (const auto& step : runbook->steps) {
        if (!step.not_idempotent.empty() && excused == nullptr) excused = &step;
      }
    }
    if (excused != nullptr) {
      finding.passed = true;
      finding.skipped = true;
      finding.summary = "not checked: step " + excused->id + " changes the world each time (" +
                        excused->not_idempotent + ")";
      out.findings.push_back(std::move(finding));
      continue;
    }
    // The diff is of every rerun together; each runbook's finding carries it.
    finding.diff = again.diff;
    finding.passed = again.diff.empty();
    finding.summary = finding.passed ? "a second run on the world it left changed nothing"
                                     : "a second run on the world it left changed it again: " +
                                           DiffSummary(again.diff);
    out.findings.push_back(std::move(finding));
  }

  // Crash after each step of each runbook's first run but the last.
  const std::set<std::string> firing = FiringAtEnd(baseline);
  std::set<std::string> crashed_runbooks;
  for (const auto& run : baseline.runbooks) {
    if (!crashed_runbooks.insert(run.name).second) continue;
    const int ran = static_cast<int>(std::count_if(
        run.steps.begin(), run.steps.end(), [](const auto& r) { return !r.on_failure && Ran(r); }));
    for (int k = 1; k < ran; ++k) {
      CrashProbe probe(run.name, k);
      auto result = RunWith(scenario, runbooks, options, &probe);
      if (!result.ok()) return result.status();
      if (!probe.crashed()) continue;
      Finding finding;
      finding.check = "crash-consistency";
      finding.runbook = run.name;
      finding.step = "after step " + std::to_string(k);
      if (const model::Runbook* runbook = FindRunbook(runbooks, run.name)) {
        finding.mark = runbook->mark.ToString();
      }
      finding.diff = DiffSnapshots(baseline.final_world, result->final_world, ConvergenceIgnores());
      const std::set<std::string> still = FiringAtEnd(*result);
      if (still != firing) {
        std::string names;
        for (const auto& a : still) names += (names.empty() ? "" : ", ") + a;
        finding.summary = "stopped after step " + std::to_string(k) +
                          " and run again, it ends with " +
                          (still.empty() ? "nothing firing" : names + " firing") +
                          ", unlike the uninterrupted drill";
      } else if (!finding.diff.empty()) {
        finding.summary = "stopped after step " + std::to_string(k) +
                          " and run again, it ends in another state: " + DiffSummary(finding.diff);
      } else {
        finding.passed = true;
        finding.summary =
            "stopped after step " + std::to_string(k) + " and run again, it reaches the same state";
      }
      out.findings.push_back(std::move(finding));
    }
  }
  return out;
}

}  // namespace rundrill::verify
