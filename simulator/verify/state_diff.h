#pragma once

// Differences between two world snapshots, as paths with a before and an after value:
// `kubernetes.namespaces.production.deployments.api.replicas: 3 → 4`. What the checks
// (idempotence, rollback, crash-consistency) show when they fail.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace rundrill::verify {

struct DiffEntry {
  std::string path;  // segments joined by "."; array elements as "messages[2]"
  bool had_before = true;
  bool has_after = true;
  nlohmann::json before;  // null when !had_before
  nlohmann::json after;   // null when !has_after
};

// A part of the snapshot left out of comparisons, and why. `pattern` is a path whose
// segments may be `*` (any one key or array element) or `**` (any run of them, none
// included): `slack.*.messages[*].ts`, `kubernetes.**.events`.
struct IgnoreRule {
  std::string pattern;
  std::string reason;
};

// Fields that change without anything meaningful happening: record-keeping timestamps and
// counters, message ids, event logs. Every check leaves them out unless told otherwise.
const std::vector<IgnoreRule>& VolatileFields();

bool PathMatches(std::string_view pattern, std::string_view path);

// Every leaf (or whole subtree present on one side only) that differs, in path order.
std::vector<DiffEntry> DiffSnapshots(const nlohmann::json& before, const nlohmann::json& after,
                                     const std::vector<IgnoreRule>& ignore);

// "path: 3 → 4", "path: (absent) → {…}"; values shown as compact JSON, cut when long.
std::string FormatDiffEntry(const DiffEntry& entry);

}  // namespace rundrill::verify
