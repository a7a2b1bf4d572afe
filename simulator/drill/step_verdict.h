#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "simulator/drill/condition_eval.h"
#include "simulator/drill/drill_result.h"
#include "simulator/exec/step_process.h"
#include "simulator/model/runbook.h"

namespace rundrill::drill {

// How one try of a step ended, judged against the step's `expect` and `capture`.
struct StepVerdict {
  StepOutcome outcome = StepOutcome::kSucceeded;
  std::vector<std::string> failures;     // one line each; empty when it succeeded
  std::optional<CapturedValue> capture;  // set when the step captures and succeeded
};

// Why a virtual deadline stopped the step: its own `timeout`, or the end of the scenario.
enum class DeadlineKind { kStepTimeout, kHorizon };

StepVerdict JudgeAttempt(const model::Step& step, const exec::StepProcessResult& run,
                         DeadlineKind deadline, std::chrono::milliseconds wall_limit);

// " \n value\n" → "value": what a text capture keeps.
std::string TrimWhitespace(const std::string& text);

}  // namespace rundrill::drill
