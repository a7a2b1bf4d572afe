#pragma once

#include <string>

#include "simulator/drill/drill_result.h"

namespace rundrill::reports {

// True when at least one alert fired during the drill: only then is there an incident to
// write a post-mortem about.
bool HasIncident(const drill::DrillResult& result);

// The post-mortem of the drill's incident, in the layout incident-response tooling generates
// (summary, timeline, root cause, impact, what went well, what could be improved, action
// items), filled from what the drill recorded instead of placeholders: the drill injected the
// incident, so its cause, its timeline and the response to it are known. Times are UTC,
// derived from `start_time` plus virtual time; Slack messages and PagerDuty activity come from
// `final_world`. The same result always gives the same bytes.
//
// Meant for results where HasIncident() holds; without an alert it still renders, saying so.
std::string RenderPostmortem(const drill::DrillResult& result);

}  // namespace rundrill::reports
