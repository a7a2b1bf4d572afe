#pragma once

// Extra faults for a game day: drawn from a seed, fitted to the scenario's own world (its
// cluster, hosts and the Slack and PagerDuty endpoints), and added to its timeline. The same
// seed gives the same faults to the same scenario on every machine, so a game-day failure is
// reproduced with `rundrill run … --chaos-seed N`.

#include <cstdint>
#include <string>
#include <vector>

#include "simulator/model/scenario.h"

namespace rundrill::suite {

// One or two faults, at times within the first half of the horizon, each bounded in
// duration. `*added` (when not null) receives one line per fault: "+00:03:10 add_latency 4s
// to cluster/production for 6m".
model::Scenario WithExtraFaults(const model::Scenario& scenario, uint64_t chaos_seed,
                                std::vector<std::string>* added = nullptr);

// The seed of a game day that was given none: drawn from its date ("2026-11-21"), so every
// run on one day, on any machine, injects the same faults.
uint64_t ChaosSeedForDate(const std::string& date);

}  // namespace rundrill::suite
