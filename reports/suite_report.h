#pragma once

// What a suite (`rundrill ci`, `rundrill gameday`, `rundrill report merge`) writes besides
// each drill's own reports: suite.json, the index a merge reads back, and summary.md, the
// verdict people read first. Both are functions of the drills' results alone (in plan order)
// plus the lint findings and the selection, so a merged set of shards gives the same bytes
// as the unsharded run.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "simulator/drill/drill_result.h"
#include "simulator/lint/lint.h"

namespace rundrill::reports {

inline constexpr char kSuiteSchema[] = "rundrill.suite/v1";

struct SuiteDrill {
  std::string id;  // its folder under drills/
  std::string scenario_path;
  uint64_t seed = 0;
  const drill::DrillResult* result = nullptr;  // null when the drill could not run
  std::string error;                           // why it could not
};

struct SuiteSelection {
  std::string changed_since;  // the REF of --changed-since
  bool everything = false;
  std::vector<std::string> reasons;
};

struct SuiteRecord {
  std::string shard;   // "2/4" for one shard of a matrix; empty for a whole suite
  size_t planned = 0;  // drills in the whole (selected) suite, before sharding
  std::optional<SuiteSelection> selection;
  std::vector<lint::LintFinding> lint;
  std::vector<SuiteDrill> drills;  // in plan order

  int lint_errors() const;
  int lint_warnings() const;
  int failed() const;  // drills that ran and failed
  int errors() const;  // drills that could not run
  bool passed() const { return failed() == 0 && errors() == 0 && lint_errors() == 0; }
};

nlohmann::json SuiteToJson(const SuiteRecord& suite);
std::string RenderSuiteJson(const SuiteRecord& suite);

// Verdict first; then each failed drill with what failed and its reproduce command; then
// lint errors; then every drill in a table.
std::string RenderSuiteMarkdown(const SuiteRecord& suite);

// What failed in a drill, one line each: unmet expectations and failed checks, or, when
// there are none, its failed steps.
std::vector<std::string> DrillFailures(const drill::DrillResult& result);

// The lint findings as suite.json holds them, read back for a merge.
std::vector<lint::LintFinding> LintFromJson(const nlohmann::json& lint);

}  // namespace rundrill::reports
