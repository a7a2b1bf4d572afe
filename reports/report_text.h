#pragma once

// Text the report writers share, so a command or a figure reads the same in every format.

#include <optional>
#include <string>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/drill/drill_result.h"

namespace rundrill::reports {

// An argv as one line a shell would accept: arguments with spaces or shell characters are
// single-quoted, so `kubectl get pods -l 'app=api x'` shows where each argument ends.
std::string JoinArgv(const std::vector<std::string>& argv);

// A duration, or "—" when the drill never reached that point (no alert, never resolved).
std::string FigureOrDash(const std::optional<SimDuration>& d);

// An alert's labels but its name, "namespace=production, service=api".
std::string AlertLabelsText(const drill::AlertRecord& alert);

// "a, b, c".
std::string JoinNames(const std::vector<std::string>& names);

}  // namespace rundrill::reports
