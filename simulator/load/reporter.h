#pragma once

// Internal to the loader: collecting the diagnostics of one file.

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/load/loader.h"
#include "simulator/model/source_mark.h"

namespace rundrill::load {

// Collects the diagnostics of one file and turns yaml-cpp's 0-based marks into 1-based
// SourceMarks naming that file.
class Reporter {
 public:
  explicit Reporter(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  // The text being read, kept so that a message can point inside a one-line scalar (at the
  // offending part of an expression, say) rather than at its start.
  void set_source(std::string_view text) { source_ = std::string(text); }
  const std::string& source() const { return source_; }
  model::SourceMark MarkOf(const YAML::Mark& mark) const;
  model::SourceMark MarkOf(const YAML::Node& node) const;
  // A mark for the file as a whole (line 1, column 1).
  model::SourceMark FileStart() const;

  void Error(const model::SourceMark& mark, std::string message);
  bool has_errors() const { return !diagnostics_.empty(); }
  std::vector<Diagnostic>* sink() { return &diagnostics_; }

  // Appends this file's diagnostics to `out`, stable-sorted by (line, column) so they read in
  // file order however the checks were arranged, and clears them.
  void MoveSortedTo(std::vector<Diagnostic>* out);

 private:
  std::string path_;
  std::string source_;
  std::vector<Diagnostic> diagnostics_;
};

// `"text"` with quotes, backslashes and control characters escaped, cut to a readable length.
std::string Quote(std::string_view text);

// `"a", "b" or "c"`.
std::string QuotedList(const std::vector<std::string>& words, std::string_view last_joiner);

// Finds names defined more than once and reports both places: at the later one
// `duplicate <what> "x" (first defined at <first>)`, at the first one
// `<what> "x" is defined again at <later>`.
class DuplicateFinder {
 public:
  DuplicateFinder(std::string what, std::vector<Diagnostic>* sink)
      : what_(std::move(what)), sink_(sink) {}

  // Returns false (after reporting) when `name` was seen before.
  bool Add(const std::string& name, const model::SourceMark& mark);

 private:
  std::string what_;
  std::vector<Diagnostic>* sink_;
  std::map<std::string, model::SourceMark> first_;
};

}  // namespace rundrill::load
