#pragma once

// Hooks for the verification checks: a probe watches a drill step by step and may act
// between steps — run a step again, run its rollback, stop the runbook as if the runner
// died — and compare the world against a copy that was left alone. Plain drills have none.

#include <nlohmann/json.hpp>
#include <string>

#include "simulator/drill/drill_result.h"
#include "simulator/model/runbook.h"
#include "simulator/world/world.h"

namespace rundrill::drill {

// What a probe may do while the drill stands between two steps.
class DrillControl {
 public:
  virtual ~DrillControl() = default;
  virtual SimTime Now() const = 0;
  // A copy of the world as it is now, to let it evolve on its own for comparison.
  virtual world::World Fork() const = 0;
  // The world's snapshot now; and the fork's, once it has evolved on its own to now: the
  // two differ only by what happened in the drill since the fork (its calls and scenario
  // events), not by time passing.
  virtual nlohmann::json Snapshot() const = 0;
  virtual nlohmann::json SnapshotOfFork(world::World& fork) = 0;
  // Whether a scenario event (a fault, a deploy) happened since `since`: a comparison
  // across it would blame the runbook for the scenario.
  virtual bool ScenarioEventSince(SimTime since) const = 0;
  // The scenario's steady state as the alerts see it now: each alert rule whose condition
  // holds, and each firing timeline alert whose `resolve_when` does not yet hold; of the
  // world, or of `fork` once it has evolved on its own to now.
  virtual std::vector<std::string> AlertConditionsHolding(world::World* fork = nullptr) = 0;
  // Runs the current step again now, with the same environment; returns its record.
  virtual StepRecord RerunStep() = 0;
  // Runs `command` now as a step of the current runbook (id `id`), with its environment.
  virtual StepRecord RunCommand(const std::string& id, const std::string& command) = 0;
  // The runbook stops after this step, as if its runner died: no further step, no
  // on_failure, no escalation.
  virtual void StopRunbook() = 0;
  // Queues another run of the current runbook, from its first step, for the same alert.
  virtual void RestartRunbook() = 0;
  // At the end of the drill only: how many runbook runs the drill made, and the i-th of
  // them run again now, for the same alert; returns the new run's record.
  virtual size_t RunbookRunCount() const = 0;
  virtual RunbookRecord RerunRunbook(size_t i) = 0;
};

class StepProbe {
 public:
  virtual ~StepProbe() = default;
  // Around each of a runbook's own steps that runs (not skipped; not on_failure or
  // escalation steps).
  virtual void BeforeStep(const model::Runbook&, const model::Step&, DrillControl&) {}
  virtual void AfterStep(const model::Runbook&, const model::Step&, const StepRecord&,
                         DrillControl&) {}
  // Around each on_failure or escalation step that runs.
  virtual void BeforeFailureStep(const model::Runbook&, const model::Step&, DrillControl&) {}
  virtual void AfterFailureStep(const model::Runbook&, const model::Step&, const StepRecord&,
                                DrillControl&) {}
  // Once the horizon is reached, before expectations are checked.
  virtual void AtEnd(DrillControl&) {}
};

}  // namespace rundrill::drill
