#pragma once

// Running drills in tests without processes: steps are scripts for ScriptedStepHost, while
// the fakes, the world and the clock are the real ones.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "simulator/drill/drill.h"
#include "simulator/load/loader.h"
#include "tests/drill/scripted_step_host.h"

namespace rundrill::drill::testing {

// Parse or fail the test; `path` is what the documents are said to come from (it places
// RUNBOOK_DIR, and marks in messages).
inline model::Scenario ScenarioFrom(const std::string& text,
                                    const std::string& path = "unit.yaml") {
  std::vector<load::Diagnostic> errors;
  auto scenario = load::ParseScenario(text, path, &errors);
  for (const auto& e : errors) ADD_FAILURE() << e.ToString();
  return scenario ? *scenario : model::Scenario{};
}

inline model::Runbook RunbookText(const std::string& text, const std::string& path) {
  std::vector<load::Diagnostic> errors;
  auto runbook = load::ParseRunbook(text, path, &errors);
  for (const auto& e : errors) ADD_FAILURE() << e.ToString();
  return runbook ? *runbook : model::Runbook{};
}

// A runbook triggered by HighErrorRate with the given steps (YAML list items); `extra` goes
// before the steps (params:), `tail` after them (on_failure:, escalation:).
inline model::Runbook RunbookFrom(const std::string& steps, const std::string& name = "unit",
                                  const std::string& extra = "", const std::string& tail = "") {
  return RunbookText("apiVersion: rundrill/v1\nkind: Runbook\nmetadata: {name: " + name +
                         "}\ntrigger: {alertname: HighErrorRate}\n" + extra + "steps:\n" + steps +
                         tail,
                     name + ".yaml");
}

inline DrillOptions ScriptedOptions(HostJournal* journal) {
  DrillOptions options;
  options.seed = 5;
  options.make_host = [journal](const std::vector<std::string>&) {
    return StatusOr<std::unique_ptr<exec::StepHost>>(std::make_unique<ScriptedStepHost>(journal));
  };
  return options;
}

inline DrillResult RunScriptedDrill(const model::Scenario& scenario,
                                    const std::vector<model::Runbook>& runbooks) {
  HostJournal journal;
  auto result = RunDrill(scenario, runbooks, ScriptedOptions(&journal));
  EXPECT_TRUE(result.ok()) << result.status().message();
  return result.ok() ? *result : DrillResult{};
}

// The last try of a step that ran.
inline const Attempt& LastAttempt(const DrillResult& result, const std::string& id) {
  for (const auto& run : result.runbooks) {
    for (const auto& step : run.steps) {
      if (step.id == id && !step.attempts.empty()) return step.attempts.back();
    }
  }
  static const Attempt kMissing;
  ADD_FAILURE() << "no attempt of step " << id;
  return kMissing;
}

// The HTTP requests in the transcript, of one step or (step empty) of all.
inline std::vector<Interaction> HttpCalls(const DrillResult& result, const std::string& step = "") {
  std::vector<Interaction> out;
  for (const auto& call : result.transcript) {
    if ((step.empty() || call.step == step) && !call.argv.empty() && call.argv[0] == "HTTP") {
      out.push_back(call);
    }
  }
  return out;
}

inline const StepRecord& FindStep(const DrillResult& result, const std::string& id) {
  for (const auto& run : result.runbooks) {
    for (const auto& step : run.steps) {
      if (step.id == id) return step;
    }
  }
  static const StepRecord kMissing;
  ADD_FAILURE() << "no step " << id;
  return kMissing;
}

}  // namespace rundrill::drill::testing
