#pragma once

#include "simulator/alerting/alert.h"
#include "simulator/model/runbook.h"

namespace rundrill::drill {

using alerting::Labels;

// Whether a runbook's trigger takes this alert: the alertname (exact, or the whole name
// matching the regex) and every listed label equal.
bool TriggerMatches(const model::Trigger& trigger, const alerting::Labels& labels);

}  // namespace rundrill::drill
