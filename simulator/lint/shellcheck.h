#pragma once

// shellcheck, behind a narrow interface: the lint pass hands it scripts and reads back its
// comments, so tests can stand in for the real program and a machine without it is simply
// one where the shell checks are skipped.

#include <memory>
#include <string>
#include <vector>

#include "simulator/core/status.h"

namespace rundrill::lint {

// One comment of `shellcheck -f json`.
struct ShellcheckComment {
  int line = 0;       // 1-based, in the script as handed over
  int column = 0;     // 1-based
  std::string level;  // "error" | "warning" | "info" | "style"
  int code = 0;       // 2086 for SC2086
  std::string message;
};

class ShellcheckRunner {
 public:
  virtual ~ShellcheckRunner() = default;
  // Checks each of `scripts` as a POSIX sh file. Returns one list of comments per script, in
  // the same order, or an environment error when shellcheck could not be run.
  virtual StatusOr<std::vector<std::vector<ShellcheckComment>>> Check(
      const std::vector<std::string>& scripts) = 0;
};

// shellcheck as found on PATH, run once per call with every script as its own temporary
// file; nullptr when PATH has no shellcheck.
std::unique_ptr<ShellcheckRunner> FindShellcheck();

// Reads `shellcheck -f json` output: a JSON array of comments, each with "file". `files`
// names the scripts in order; comments are sorted into one list per file.
StatusOr<std::vector<std::vector<ShellcheckComment>>> ParseShellcheckJson(
    const std::string& json, const std::vector<std::string>& files);

}  // namespace rundrill::lint
