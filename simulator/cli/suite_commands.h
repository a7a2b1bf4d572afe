#pragma once

// The commands that run a whole suite: `rundrill ci` (the gate on a change) and
// `rundrill report merge` (shards joined back into one suite).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "simulator/cli/commands.h"

namespace rundrill::cli {

struct SuiteFlags {
  std::string runbooks_dir = "runbooks";
  std::string scenarios_dir = "scenarios";
  std::string out_dir = "out/ci";
  int jobs = 1;
  std::vector<uint64_t> seeds;  // empty: each scenario's own seed
  std::chrono::milliseconds wall_limit{30000};
  std::string shim_path;
  bool verify = true;      // the verification checks on every drill
  bool shellcheck = true;  // shell checks in lint, when shellcheck is installed
};

struct CiOptions : SuiteFlags {
  std::string changed_since;  // git REF: run only what the changes since REF affect
  std::string shard;          // "K/N"; empty: from the CI's variables, else the whole suite
};

// Loads and lints everything (exit 2 on a load error), selects and shards the drills, runs
// them with their checks, writes suite.json, summary.md, junit.xml, coverage and each
// drill's reports under out_dir, and prints the verdict with the reproduce command of each
// failure. Exit 0 when all passed, 1 when a drill, a check or lint failed, 2 on bad input, 3
// when a drill could not run.
int Ci(const CiOptions& options, Io io);

struct GamedayOptions : SuiteFlags {
  GamedayOptions() { out_dir = "out/gameday"; }
  std::string history;  // the SQLite history file; empty: <out_dir>/history.sqlite
  bool chaos = false;   // add extra faults, drawn from chaos_seed or from the date
  std::optional<uint64_t> chaos_seed;
  std::string label;  // the game day's name in the history; empty: today's date (UTC)
};

// Runs the whole library (with extra faults when asked), writes the suite's reports and
// gameday.md, records the game day in the history and compares it with the ones before:
// pass rate, time to resolve per drill, new failures and fixes. Exit codes as Ci.
int Gameday(const GamedayOptions& options, Io io);

struct MergeOptions {
  std::vector<std::string> shard_dirs;  // each the out_dir of one shard's `rundrill ci`
  std::string out_dir = "out/ci";
  std::string runbooks_dir = "runbooks";
  std::string scenarios_dir = "scenarios";
};

// Joins shard outputs into what the unsharded run would have written, byte for byte. Every
// shard of the matrix must be there (exit 2 names the missing ones). Exit codes as Ci.
int MergeReports(const MergeOptions& options, Io io);

}  // namespace rundrill::cli
