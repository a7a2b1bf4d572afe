#pragma once

// Loading and validating runbooks and scenarios from YAML.
//
// Every function here is strict (lesson 8 of STYLE.md): a key that is not part of the format
// is an error, with a "did you mean" hint when a valid key is close. Every error found in a
// file is reported, not only the first, as `path:line:col: message` (1-based). Nothing is
// half-loaded: when a file has any error, no model object is returned for it.
//
// Every loaded object keeps its SourceMark. Runbook::mark and Scenario::mark point at the
// value of `metadata.name`; a step's mark at its map; a condition's mark at its map.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/model/runbook.h"
#include "simulator/model/scenario.h"
#include "simulator/model/source_mark.h"

namespace rundrill::load {

// One problem in an input file.
struct Diagnostic {
  model::SourceMark mark;  // line 0 when the problem concerns the whole file
  std::string message;

  // "path:line:col: message", or "path: message" when the position is unknown.
  std::string ToString() const;
};

// Parses `text` as if it had been read from `path` (which only names the source in marks and
// messages). Returns nullopt if there is any error; every error found is appended to
// `*errors` (which must not be null), stable-sorted by position.
std::optional<model::Runbook> ParseRunbook(std::string_view text, const std::string& path,
                                           std::vector<Diagnostic>* errors);
std::optional<model::Scenario> ParseScenario(std::string_view text, const std::string& path,
                                             std::vector<Diagnostic>* errors);

// As above, reading the file first. An unreadable file gives
// `path: cannot read file: <strerror>`.
std::optional<model::Runbook> LoadRunbookFile(const std::string& path,
                                              std::vector<Diagnostic>* errors);
std::optional<model::Scenario> LoadScenarioFile(const std::string& path,
                                                std::vector<Diagnostic>* errors);

// Everything that loaded without error, in the order the files were visited.
struct Catalog {
  std::vector<model::Runbook> runbooks;
  std::vector<model::Scenario> scenarios;
};

// Loads every *.yaml / *.yml file under each of `paths` (files, or directories searched
// recursively; within one directory files are visited in sorted path order; a file named
// directly is loaded whatever its extension; a file reached twice is loaded once), each
// classified by its `kind:`. Then checks across files: two runbooks (or two scenarios) with
// the same metadata.name are reported at both places. Paths in marks are as given (a relative
// path stays relative). Files with errors are left out of the catalog; `*errors` receives
// every error, file by file.
// Every step that `scenario` expects of a runbook must exist in the runbook of that name,
// when that runbook is among `runbooks` (one that is absent may rightly be expected not to
// run). LoadPaths applies this to what it loads.
void CheckScenarioAgainstRunbooks(const model::Scenario& scenario,
                                  const std::vector<model::Runbook>& runbooks,
                                  std::vector<Diagnostic>* errors);

Catalog LoadPaths(const std::vector<std::string>& paths, std::vector<Diagnostic>* errors);

}  // namespace rundrill::load
