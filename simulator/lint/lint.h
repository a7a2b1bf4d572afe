#pragma once

// The lint pass over a loaded runbook: governance rules a runbook must keep before it runs
// anywhere, each with a stable id (docs/lint.md), a severity and the place it points at.

#include <optional>
#include <string>
#include <vector>

#include "simulator/lint/rules.h"
#include "simulator/lint/shellcheck.h"
#include "simulator/model/runbook.h"
#include "simulator/model/source_mark.h"

namespace rundrill::lint {

struct LintFinding {
  std::string rule;  // "RD002", "shellcheck/SC2086"
  Severity severity = Severity::kWarning;
  model::SourceMark mark;
  std::string message;
  std::string step_id;          // the step it concerns; "" for the file as a whole
  std::string silenced_reason;  // non-empty: the step's `lint: ignore` silenced it, so

  bool silenced() const { return !silenced_reason.empty(); }
  // "path:line:col: error: [RD002] message"; a silenced finding says "silenced" and why.
  std::string ToString() const;
};

struct LintOptions {
  // The runbook file's text, for the rules that read it as written (secrets, places inside
  // commands). Unset: read from runbook.path.
  std::optional<std::string> source;
  // Runs the shell checks; nullptr skips them (FindShellcheck() gives the real one).
  ShellcheckRunner* shellcheck = nullptr;
};

// Every finding of every rule, silenced ones included (with their reason), ordered by place
// and then rule id. When shellcheck cannot be run, the shell checks are left out and the
// reason goes to `*shellcheck_error` (when not null): a missing tool is the machine's
// problem, not the runbook's.
std::vector<LintFinding> LintRunbook(const model::Runbook& runbook, const LintOptions& options,
                                     std::string* shellcheck_error = nullptr);

// What the shell checks declare before a step's command, so that shellcheck knows the
// variables a drill sets (params, captures, SLACK_*, PAGERDUTY_*, ALERT_*, RUNDRILL_*,
// RUNBOOK_DIR). `*header_lines` receives how many lines precede the command.
std::string ShellcheckScript(const model::Runbook& runbook, const std::string& command,
                             int* header_lines);

}  // namespace rundrill::lint
