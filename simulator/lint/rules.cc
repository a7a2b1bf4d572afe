#include "simulator/lint/rules.h"

namespace rundrill::lint {

std::string_view SeverityName(Severity severity) {
  return severity == Severity::kError ? "error" : "warning";
}

const std::vector<RuleInfo>& Rules() {
  static const std::vector<RuleInfo> rules = {
      {"RD001", "mutating-without-safeguard", Severity::kWarning, true},
      {"RD002", "destructive-without-approval", Severity::kError, true},
      {"RD003", "secret-in-runbook", Severity::kError, false},
      {"RD004", "production-endpoint", Severity::kWarning, true},
      {"RD005", "absolute-program-path", Severity::kError, true},
  };
  return rules;
}

const RuleInfo* FindRule(std::string_view id) {
  for (const RuleInfo& rule : Rules()) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

bool IsShellcheckRule(std::string_view id) {
  if (id.substr(0, kShellcheckPrefix.size()) != kShellcheckPrefix) return false;
  const std::string_view code = id.substr(kShellcheckPrefix.size());
  if (code.size() != 6 || code.substr(0, 2) != "SC") return false;
  for (char c : code.substr(2)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace rundrill::lint
