#pragma once

// The lint rules by id. Kept free of any other rundrill header so that the loader can check
// the ids a runbook's `lint: {ignore: ...}` names without depending on the lint pass itself.

#include <string>
#include <string_view>
#include <vector>

namespace rundrill::lint {

enum class Severity { kWarning, kError };

std::string_view SeverityName(Severity severity);  // "warning" | "error"

struct RuleInfo {
  std::string_view id;    // stable: runbooks name it in `lint: {ignore: ...}`
  std::string_view name;  // a readable alias, shown in docs
  Severity severity;      // the usual severity; a rule may raise it for some findings
  bool can_be_silenced;   // false for secrets: a reason does not make a leaked token safe
};

const std::vector<RuleInfo>& Rules();

// The rule with this id, or nullptr.
const RuleInfo* FindRule(std::string_view id);

// Prefix of the ids of shellcheck's findings (`shellcheck/SC2086`).
inline constexpr std::string_view kShellcheckPrefix = "shellcheck/";

// Whether `id` is shellcheck's form: the prefix, "SC" and four digits.
bool IsShellcheckRule(std::string_view id);

}  // namespace rundrill::lint
