#pragma once

// Text layout helpers that reproduce what kubectl prints with Go's text/tabwriter and
// apimachinery's duration formatting.

#include <string>
#include <string_view>
#include <vector>

#include "simulator/core/sim_time.h"

namespace rundrill::fakes::kubectl {

// Go text/tabwriter (padchar ' ', no flags): `text` is lines of tab-terminated cells; each
// column block (consecutive lines having that column) is as wide as its widest cell plus
// `padding`, at least `min_width`; the text after a line's last tab is never padded.
// kubectl get tables use (6, 3), describe and rollout history use (0, 2).
std::string TabFormat(std::string_view text, int min_width, int padding);

// Joins rows into tab-separated lines and lays them out like kubectl get (min 6, pad 3).
std::string FormatTable(const std::vector<std::vector<std::string>>& rows);

// apimachinery duration.HumanDuration ("45s", "7m12s", "2d3h", "<invalid>").
std::string HumanDuration(SimDuration d);

// AGE of an object created at `created` (second resolution, as the API stores it) seen at
// `now`.
std::string Age(SimTime created, SimTime now);

// Object timestamps have one-second resolution in the API.
SimTime FloorToSecond(SimTime t);

}  // namespace rundrill::fakes::kubectl
