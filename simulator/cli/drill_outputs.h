#pragma once

// The files one drill leaves in its folder, written the same way by every command that runs
// drills: result.json, report.md, report.html, postmortem.md (when an alert fired) and
// contracts/RUNBOOK--PROVIDER.json.

#include <filesystem>
#include <string>
#include <vector>

#include "reports/coverage.h"
#include "simulator/contracts/contracts.h"
#include "simulator/drill/drill_result.h"

namespace rundrill::cli {

// Replaces whatever an earlier run left in `dir` (a stale post-mortem or contract file would
// otherwise sit beside this run's result as if it were its own). False with `*error` set
// when a file cannot be written.
bool WriteDrillOutputs(const std::filesystem::path& dir, const drill::DrillResult& result,
                       const std::vector<contracts::ContractResult>& contracts,
                       const reports::RunbookCoverage* coverage, std::string* error);

}  // namespace rundrill::cli
