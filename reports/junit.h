#pragma once

// JUnit XML (the Ant/Jenkins layout CI servers read: testsuites > testsuite > testcase >
// failure | error | skipped | system-out), one testcase per drill, per verification check,
// per contract (runbook × provider) and per lint finding (docs/junit.md). Every time is 0:
// drills run in virtual time, and a report that reads the wall clock would differ between
// runs of the same seed.

#include <string>
#include <string_view>
#include <vector>

#include "simulator/contracts/contracts.h"
#include "simulator/drill/drill_result.h"
#include "simulator/lint/lint.h"

namespace rundrill::reports {

// The document, with one suite per kind ("drills", "checks", "contracts", "lint"), in that
// order, each left out when it would be empty. `contracts_per_drill` is either empty or
// holds one list per drill, in the same order as `drills`.
std::string RenderJUnit(
    const std::vector<drill::DrillResult>& drills, const std::vector<lint::LintFinding>& lint,
    const std::vector<std::vector<contracts::ContractResult>>& contracts_per_drill);

// `text` as XML 1.0 character data (or, with `attribute`, as a double-quoted attribute
// value, where tab and line ends are written as references so parsers keep them). Invalid
// UTF-8 becomes U+FFFD; characters XML 1.0 cannot hold at all (control characters other
// than tab and line ends, U+FFFE, U+FFFF) are written visibly as "\x1B"-style text.
std::string XmlEscape(std::string_view text, bool attribute);

}  // namespace rundrill::reports
