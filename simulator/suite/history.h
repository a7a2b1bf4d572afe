#pragma once

// The game-day history: every game day's drills, kept in a SQLite file, so a game day can
// say what changed since the last one (new failures, fixes, pass rate, time to resolve).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "simulator/core/status.h"

struct sqlite3;

namespace rundrill::suite {

struct HistoryDrill {
  std::string id;  // "<scenario>--seed-<N>"
  std::string scenario;
  uint64_t seed = 0;
  bool passed = false;
  std::optional<int64_t> time_to_resolve_ms;
  std::string failures;  // one line each
};

struct HistoryRun {
  int64_t id = 0;
  std::string recorded_at;  // RFC 3339, wall clock: when the game day ran
  std::string label;        // "2026-11-21" unless given
  std::optional<uint64_t> chaos_seed;
  std::vector<HistoryDrill> drills;  // by id

  int passed() const;
};

class History {
 public:
  // Opens (creating when missing) the history file and its tables. A file that is not a
  // rundrill history, or a newer layout, is an InvalidInput error naming it.
  static StatusOr<std::unique_ptr<History>> Open(const std::string& path);
  ~History();
  History(const History&) = delete;
  History& operator=(const History&) = delete;

  // Adds `run` (its id is assigned) in one transaction: a crash leaves the file as it was.
  StatusOr<int64_t> Record(const HistoryRun& run);
  // The runs before `before_id` (all when 0), newest first, at most `limit`.
  StatusOr<std::vector<HistoryRun>> Recent(int64_t before_id, int limit) const;

 private:
  History(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  Status Exec(const std::string& sql) const;
  Status Error(const std::string& what) const;

  std::string path_;
  sqlite3* db_;
};

// What a game day reports against the runs before it.
struct Trend {
  std::vector<std::string> new_failures;  // drill ids: failed now, passed in the previous run
  std::vector<std::string> fixed;         // passed now, failed in the previous run
  std::vector<std::string> still_failing;
  // Pass rate of this run and of the earlier ones, newest first: "14/14".
  std::vector<std::pair<std::string, std::string>> pass_rates;  // label, "passed/total"
  struct Resolve {
    std::string scenario;
    std::optional<int64_t> now_ms;
    std::optional<int64_t> previous_ms;
    std::optional<int64_t> median_ms;  // over the earlier runs that resolved it
  };
  std::vector<Resolve> resolve;  // per drill id, in id order
};

Trend CompareWithHistory(const HistoryRun& now, const std::vector<HistoryRun>& earlier);

}  // namespace rundrill::suite
