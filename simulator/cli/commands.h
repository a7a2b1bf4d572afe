#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace rundrill::cli {

// Exit codes of every command: DESIGN.md "Commands".
inline constexpr int kExitPassed = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInternal = 3;
// Stopped by SIGINT or SIGTERM (128 + SIGINT, as shells report it); partial reports written.
inline constexpr int kExitInterrupted = 130;

struct Io {
  std::ostream& out;
  std::ostream& err;
};

struct ValidateOptions {
  std::vector<std::string> paths;
  bool strict = false;         // lint warnings fail too (exit 1)
  bool show_silenced = false;  // also list findings a step's `lint: ignore` silenced
  bool shellcheck = true;      // run shellcheck on each step when it is on PATH
};
// Loads (exit 2 on any error), then lints every runbook: exit 1 on a lint error, or on a
// warning with `strict`.
int Validate(const ValidateOptions& options, Io io);

struct RunOptions {
  std::string scenario;
  std::vector<std::string> runbooks;  // explicit runbook files; empty: every one in runbooks_dir
  std::string runbooks_dir = "runbooks";
  std::optional<uint64_t> seed;  // default: the scenario's `seed`, else 1
  std::string out_dir = "out";
  std::chrono::milliseconds wall_limit{30000};
  std::string shim_path;
  bool verify = false;  // also run the idempotence, rollback and crash-consistency checks
  std::optional<uint64_t> chaos_seed;  // a game day's extra faults (simulator/suite/chaos.h)
  // Run the drill twice and compare result.json byte for byte and the generator's final
  // draw; a difference prints the first differing line and exits 1.
  bool check_determinism = false;
};
int Run(const RunOptions& options, Io io);

struct ExecOptions {
  std::string scenario;
  std::string at = "0s";
  std::vector<std::string> command;  // argv, shell-quoted and run with /bin/sh -c
  bool transcript = false;
  std::optional<uint64_t> seed;
  std::chrono::milliseconds wall_limit{30000};
  std::string shim_path;
};
// Prints the command's stdout and stderr as they were and returns its exit code (or 2/3).
int Exec(const ExecOptions& options, Io io);

// rundrill-shim beside the running executable, unless RUNDRILL_SHIM names another.
std::string DefaultShimPath();

// Writes through a temporary file and a rename, so a crash never leaves half a report.
bool WriteFileAtomically(const std::filesystem::path& path, const std::string& content,
                         std::string* error);

// Quotes one argument for /bin/sh so it reaches the program unchanged.
std::string ShellQuote(const std::string& arg);

}  // namespace rundrill::cli
