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

// Whether `entry` is the Slack request of the approval gate before the step of `record`: a
// gate asks afresh on every run (an answer given to an earlier run does not carry over), so
// no check counts the request as the step's change.
bool IsApprovalRequest(const StepRecord& record, const DiffEntry& entry) {
  return record.approval && !record.approval->ts.empty() && !entry.had_before &&
         entry.after.is_object() && entry.after.value("ts", "") == record.approval->ts;
}

std::vector<DiffEntry> WithoutApprovalRequest(const StepRecord& record,
                                              std::vector<DiffEntry> diff) {
  diff.erase(std::remove_if(diff.begin(), diff.end(),
                            [&](const DiffEntry& e) { return IsApprovalRequest(record, e); }),
             diff.end());
  return diff;
}

// The rules each runbook's comparisons use: `base` (the volatile fields, or what
// convergence leaves out), then the scenario's ignore paths, then the runbook's own.
class IgnoreRules {
 public:
  IgnoreRules(std::vector<IgnoreRule> base, const model::Scenario& scenario,
              const std::vector<model::Runbook>& runbooks)
      : common_(std::move(base)) {
    for (const auto& path : scenario.verify.ignore) common_.push_back({path.pattern, path.reason});
    for (const auto& runbook : runbooks) {
      std::vector<IgnoreRule>& rules = by_runbook_[runbook.name];
      rules = common_;
      for (const auto& path : runbook.verify.ignore) rules.push_back({path.pattern, path.reason});
    }
  }
  const std::vector<IgnoreRule>& For(const std::string& runbook) const {
    auto it = by_runbook_.find(runbook);
    return it == by_runbook_.end() ? common_ : it->second;
  }

 private:
  std::vector<IgnoreRule> common_;
  std::map<std::string, std::vector<IgnoreRule>> by_runbook_;
};

// Runs each mutating step a second time right after it, and measures what the second run
// changed against a copy of the world that was left alone.
class StepIdempotenceProbe : public drill::StepProbe {
 public:
  explicit StepIdempotenceProbe(const IgnoreRules& ignore) : ignore_(ignore) {}

  void BeforeStep(const model::Runbook&, const model::Step&, DrillControl& control) override {
    before_.emplace(control.Fork());
    started_ = control.Now();
  }

  void AfterStep(const model::Runbook& runbook, const model::Step& step, const StepRecord& record,
                 DrillControl& control) override {
    if (!before_ || record.outcome != StepOutcome::kSucceeded) return;
    // A runbook run again (a repeated alert) meets the same step again: judged once.
    if (!judged_.insert(runbook.name + "/" + step.id).second) return;
    const auto changed = WithoutApprovalRequest(
        record, DiffSnapshots(control.SnapshotOfFork(*before_), control.Snapshot(),
                              ignore_.For(runbook.name)));
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
        WithoutApprovalRequest(again, DiffSnapshots(control.SnapshotOfFork(first),
                                                    control.Snapshot(), ignore_.For(runbook.name)));
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
  const IgnoreRules& ignore_;
  std::optional<world::World> before_;
  SimTime started_{0};
  std::set<std::string> judged_;
};

// Runs one step's rollback right after the step, then stops the runbook.
class RollbackProbe : public drill::StepProbe {
 public:
  RollbackProbe(std::string runbook, std::string step, const IgnoreRules& ignore)
      : runbook_(std::move(runbook)), step_(std::move(step)), ignore_(ignore) {}

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
    finding.diff = WithoutApprovalRequest(
        record, DiffSnapshots(control.SnapshotOfFork(*before_), control.Snapshot(),
                              ignore_.For(runbook.name)));
    if (control.ScenarioEventSince(started_)) {
      finding.passed = true;
      finding.skipped = true;
      finding.summary = "not judged: a scenario event happened between the step and its rollback";
    } else if (undo.outcome != StepOutcome::kSucceeded) {
      finding.summary = "the rollback " + std::string(drill::StepOutcomeName(undo.outcome)) +
                        (undo.reason.empty() ? "" : ": " + undo.reason);
    } else if (!finding.diff.empty()) {
      finding.summary = "the rollback left the world changed: " + DiffSummary(finding.diff);
    } else if (const std::string drift = SteadyStateDrift(control.AlertConditionsHolding(&*before_),
                                                          control.AlertConditionsHolding());
               !drift.empty()) {
      finding.summary =
          "the rollback gave back the compared world, but not the steady state: " + drift;
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

  // What holds after the rollback that would not without the step, or the reverse; both
  // sorted.
  static std::string SteadyStateDrift(const std::vector<std::string>& without,
                                      const std::vector<std::string>& after) {
    std::string out;
    for (const auto& c : after) {
      if (!std::binary_search(without.begin(), without.end(), c)) {
        out += (out.empty() ? "" : "; ") + c + " now holds";
      }
    }
    for (const auto& c : without) {
      if (!std::binary_search(after.begin(), after.end(), c)) {
        out += (out.empty() ? "" : "; ") + c + " no longer holds";
      }
    }
    return out;
  }

  std::optional<Finding> Result() const {
    if (!done_) return std::nullopt;
    return finding;
  }

 private:
  std::string runbook_;
  std::string step_;
  const IgnoreRules& ignore_;
  std::optional<world::World> before_;
  SimTime started_{0};
  bool done_ = false;
  Finding finding;
};

// At the horizon, runs every runbook run again on the world it left, one after the other,
// and keeps what each rerun changed under the runbook's name. What a step that says why it
// changes the world each time (`not_idempotent`) changed in the rerun is kept apart: the
// rest of the runbook is still judged.
class RunbookIdempotenceProbe : public drill::StepProbe {
 public:
  explicit RunbookIdempotenceProbe(const IgnoreRules& ignore) : ignore_(ignore) {}

  void BeforeStep(const model::Runbook&, const model::Step&, DrillControl& control) override {
    if (rerunning_) step_before_.emplace(control.Fork());
  }
  void AfterStep(const model::Runbook& runbook, const model::Step& step, const StepRecord& record,
                 DrillControl& control) override {
    Attribute(runbook, step, record, control);
  }
  void BeforeFailureStep(const model::Runbook& runbook, const model::Step& step,
                         DrillControl& control) override {
    BeforeStep(runbook, step, control);
  }
  void AfterFailureStep(const model::Runbook& runbook, const model::Step& step,
                        const StepRecord& record, DrillControl& control) override {
    Attribute(runbook, step, record, control);
  }

  void AtEnd(DrillControl& control) override {
    rerunning_ = true;
    for (size_t i = 0; i < control.RunbookRunCount(); ++i) {
      world::World left = control.Fork();
      const drill::RunbookRecord rerun = control.RerunRunbook(i);
      std::vector<DiffEntry> changed =
          DiffSnapshots(control.SnapshotOfFork(left), control.Snapshot(), ignore_.For(rerun.name));
      std::vector<DiffEntry>& into = diffs[rerun.name];
      into.insert(into.end(), std::make_move_iterator(changed.begin()),
                  std::make_move_iterator(changed.end()));
    }
    rerunning_ = false;
  }

  // Per runbook: what its reruns changed, and which of those paths an excused step changed
  // (path → the step's id and reason).
  std::map<std::string, std::vector<DiffEntry>> diffs;
  std::map<std::string, std::map<std::string, std::pair<std::string, std::string>>> excused;

 private:
  // Notes which of the paths a rerun step changed it may change each time: all of them
  // for a step that says why, else the approval request it posted (a gate asks afresh on
  // every run; an answer given to an earlier run does not carry over).
  void Attribute(const model::Runbook& runbook, const model::Step& step, const StepRecord& record,
                 DrillControl& control) {
    if (!step_before_) return;
    const std::vector<DiffEntry> changed = DiffSnapshots(
        control.SnapshotOfFork(*step_before_), control.Snapshot(), ignore_.For(runbook.name));
    step_before_.reset();
    for (const DiffEntry& entry : changed) {
      if (!step.not_idempotent.empty()) {
        excused[runbook.name][entry.path] = {step.id, step.not_idempotent};
      } else if (IsApprovalRequest(record, entry)) {
        excused[runbook.name][entry.path] = {step.id + "'s approval request",
                                             "an approval is asked afresh on every run"};
      }
    }
  }

  const IgnoreRules& ignore_;
  bool rerunning_ = false;
  std::optional<world::World> step_before_;
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
  // Which second a restart was stamped with depends on when the rerun reached it; a second
  // restart still shows, as another revision.
  rules.push_back(
      {"kubernetes.namespaces.*.deployments.*.template_annotations.kubectl.kubernetes."
       "io/restartedAt",
       "a restart started again is stamped with a later second"});
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

// When the last run of `runbook` ended.
SimTime LastEnd(const drill::DrillResult& result, const std::string& runbook) {
  SimTime out{0};
  for (const auto& run : result.runbooks) {
    if (run.name == runbook) out = std::max(out, run.ended_at);
  }
  return out;
}

// The first fault or scenario event at or after `since`, as "fault.healed at +00:21:20";
// empty when there is none.
std::string ScenarioEventAfter(const drill::DrillResult& result, SimTime since) {
  for (const auto& e : result.timeline) {
    if (e.at < since) continue;
    if (e.kind.rfind("scenario.", 0) == 0 || e.kind.rfind("fault.", 0) == 0) {
      return e.kind + (e.detail.empty() ? "" : " " + e.detail) + " at " + FormatClock(e.at);
    }
  }
  return "";
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
  const IgnoreRules ignore(VolatileFields(), scenario, runbooks);
  const IgnoreRules converged(ConvergenceIgnores(), scenario, runbooks);
  for (const auto& path : scenario.verify.ignore) {
    out.ignored.push_back({path.pattern, path.reason, path.mark.ToString(), "scenario"});
  }
  std::set<std::string> ran_names;
  for (const auto& run : baseline.runbooks) ran_names.insert(run.name);
  for (const auto& runbook : runbooks) {
    if (ran_names.count(runbook.name) == 0) continue;
    for (const auto& path : runbook.verify.ignore) {
      out.ignored.push_back({path.pattern, path.reason, path.mark.ToString(), runbook.name});
    }
  }

  StepIdempotenceProbe idempotence(ignore);
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
      RollbackProbe probe(run.name, step.id, ignore);
      if (auto result = RunWith(scenario, runbooks, options, &probe); !result.ok()) {
        return result.status();
      }
      if (auto finding = probe.Result()) out.findings.push_back(std::move(*finding));
    }
  }

  RunbookIdempotenceProbe again(ignore);
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
    // A run that the scenario changed the world after (a fault healed, another began) is
    // not repeated by a second run: the second meets another world.
    const SimTime ended = LastEnd(baseline, run.name);
    if (const std::string event = ScenarioEventAfter(baseline, ended); !event.empty()) {
      finding.passed = true;
      finding.skipped = true;
      finding.summary = "not judged: the scenario changed the world after the run (" + event +
                        "), so a second run meets another world";
      out.findings.push_back(std::move(finding));
      continue;
    }
    // What excused steps changed is left out, and said so.
    std::map<std::string, std::string> excusing;  // step id → reason
    for (DiffEntry& entry : again.diffs[run.name]) {
      const auto& by_path = again.excused[run.name];
      if (auto it = by_path.find(entry.path); it != by_path.end()) {
        excusing.insert(it->second);
        continue;
      }
      finding.diff.push_back(std::move(entry));
    }
    std::string excuses;
    for (const auto& [id, reason] : excusing) {
      excuses += (excuses.empty() ? " (leaving out what " : "; ") + id + " changes: " + reason;
    }
    if (!excuses.empty()) excuses += ")";
    finding.passed = finding.diff.empty();
    finding.summary = finding.passed ? "a second run on the world it left changed nothing" + excuses
                                     : "a second run on the world it left changed it again: " +
                                           DiffSummary(finding.diff) + excuses;
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
      finding.diff =
          DiffSnapshots(baseline.final_world, result->final_world, converged.For(run.name));
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
