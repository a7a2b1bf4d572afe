#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "simulator/cli/commands.h"

namespace rundrill::cli {

struct CoverageOptions {
  std::string runbooks_dir = "runbooks";
  std::string scenarios_dir = "scenarios";
  std::optional<uint64_t> seed;  // default: each scenario's `seed`, else 1
  std::string out_dir = "out";
  std::chrono::milliseconds wall_limit{30000};
  std::string shim_path;
};

// Runs every scenario with every runbook, prints a line per runbook, writes coverage.json and
// coverage.md into out_dir. Coverage informs and gates nothing: 0 whatever the drills did;
// 2 on input that does not load, 3 when the reports cannot be written.
int Coverage(const CoverageOptions& options, Io io);

}  // namespace rundrill::cli
