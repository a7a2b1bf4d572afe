#include "simulator/drill/step_verdict.h"

#include "simulator/text/pattern.h"

namespace rundrill::drill {
namespace {

// Checks one `expect` pattern; `want_match` false means it must not be found.
void CheckPattern(const std::string& pattern, const std::string& stdout_data, bool want_match,
                  std::vector<std::string>* failures) {
  if (pattern.empty()) return;
  auto compiled = Pattern::Compile(pattern);
  if (!compiled.ok()) {
    failures->push_back("invalid pattern /" + pattern + "/: " + compiled.status().message());
    return;
  }
  auto found = compiled->Search(stdout_data);
  if (!found.ok()) {
    failures->push_back(found.status().message());
  } else if (*found != want_match) {
    failures->push_back(want_match ? "stdout does not match /" + pattern + "/"
                                   : "stdout matches /" + pattern + "/, which it must not");
  }
}

}  // namespace

std::string TrimWhitespace(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  const auto end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

StepVerdict JudgeAttempt(const model::Step& step, const exec::StepProcessResult& run,
                         DeadlineKind deadline, std::chrono::milliseconds wall_limit) {
  using Stop = exec::StepProcessResult::Stop;
  StepVerdict verdict;
  if (run.stop == Stop::kVirtualDeadline) {
    verdict.outcome = StepOutcome::kTimedOut;
    verdict.failures.push_back(deadline == DeadlineKind::kHorizon
                                   ? "stopped at the scenario's horizon"
                                   : "timed out after " + FormatDuration(step.timeout) +
                                         " of virtual time");
    return verdict;
  }
  if (run.stop == Stop::kWallGuard) {
    verdict.outcome = StepOutcome::kFailed;
    verdict.failures.push_back("killed by the wall-clock guard: no fake was called for " +
                               FormatDuration(SimDuration(wall_limit.count())) + " of real time");
    return verdict;
  }
  if (run.stop == Stop::kInterrupted) {
    verdict.outcome = StepOutcome::kFailed;
    verdict.failures.push_back("interrupted: rundrill was asked to stop");
    return verdict;
  }
  const int wanted = step.expect.exit_code.value_or(0);
  if (run.exit_code != wanted) {
    verdict.failures.push_back(
        "exit code " + std::to_string(run.exit_code) + ", expected " + std::to_string(wanted) +
        (run.stop == Stop::kSignal ? " (killed by signal " + std::to_string(run.signal) + ")"
                                   : ""));
  }
  CheckPattern(step.expect.stdout_matches, run.stdout_data, true, &verdict.failures);
  CheckPattern(step.expect.stdout_not_matches, run.stdout_data, false, &verdict.failures);

  if (verdict.failures.empty() && step.capture) {
    CapturedValue value;
    value.text = TrimWhitespace(run.stdout_data);
    if (step.capture->format == model::Capture::Format::kJson) {
      auto parsed = nlohmann::json::parse(run.stdout_data, nullptr, false);
      if (parsed.is_discarded()) {
        verdict.failures.push_back("capture " + step.capture->name + ": stdout is not valid JSON");
      } else {
        value.json = std::move(parsed);
      }
    }
    if (verdict.failures.empty()) verdict.capture = std::move(value);
  }
  if (!verdict.failures.empty()) verdict.outcome = StepOutcome::kFailed;
  return verdict;
}

}  // namespace rundrill::drill
