#pragma once

#include <string>

#include "simulator/drill/drill_result.h"

namespace rundrill::reports {

struct RunbookCoverage;

// The drill report as one self-contained HTML page: verdict and figures first, then what
// failed (expectations, checks with their diffs, steps with their stderr), an SVG timeline
// on the virtual clock with lanes for alerts, faults, steps, backend calls and
// notifications, every step folded with its command, output and outcome, the backend calls,
// expectations, checks, the coverage when given, and the command that reproduces the drill.
//
// The page loads nothing: styles are inline, there is no script and no external URL, so it
// opens the same from a CI artifact, a mail attachment or a machine with no network. Every
// text taken from the result is escaped, and bytes that are not UTF-8 show as U+FFFD. The
// same result gives the same bytes. `coverage` may be null: then there is no coverage
// section.
std::string RenderHtml(const drill::DrillResult& result, const RunbookCoverage* coverage = nullptr);

}  // namespace rundrill::reports
