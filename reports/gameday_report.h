#pragma once

// gameday.md: what a game day found, against the game days before it.

#include <string>
#include <vector>

#include "reports/suite_report.h"
#include "simulator/suite/history.h"

namespace rundrill::reports {

struct GamedayReport {
  std::string label;                // the game day's date, or the label given
  std::string chaos;                // "seed 1234 (from 2026-11-21)", or empty without extra faults
  std::vector<std::string> faults;  // "scenario: +00:03:10 add_latency 4s to …"
  std::string history_path;
  const SuiteRecord* suite = nullptr;
  suite::Trend trend;
  size_t earlier_runs = 0;
};

std::string RenderGamedayMarkdown(const GamedayReport& report);

}  // namespace rundrill::reports
