#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "simulator/load/loader.h"

namespace rundrill::load::testing {

inline std::vector<std::string> Strings(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const Diagnostic& d : diagnostics) out.push_back(d.ToString());
  return out;
}

// The errors of a runbook that must not load, as "path:line:col: message".
inline std::vector<std::string> RunbookErrors(std::string_view text) {
  std::vector<Diagnostic> errors;
  std::optional<model::Runbook> rb = ParseRunbook(text, "rb.yaml", &errors);
  if (rb) return {"<loaded without error>"};
  return Strings(errors);
}

inline std::vector<std::string> ScenarioErrors(std::string_view text) {
  std::vector<Diagnostic> errors;
  std::optional<model::Scenario> sc = ParseScenario(text, "sc.yaml", &errors);
  if (sc) return {"<loaded without error>"};
  return Strings(errors);
}

}  // namespace rundrill::load::testing
