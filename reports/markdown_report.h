#pragma once

#include <string>

#include "simulator/drill/drill_result.h"

namespace rundrill::reports {

// The drill report people read: verdict and figures first, then expectations, the timeline
// in virtual time, every step with its command, output and outcome, the transcript of backend
// calls, and the command that reproduces the drill.
std::string RenderMarkdown(const drill::DrillResult& result);

}  // namespace rundrill::reports
