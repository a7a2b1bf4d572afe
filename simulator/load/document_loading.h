#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/load/file_reading.h"
#include "simulator/load/loader.h"
#include "simulator/load/reporter.h"
#include "simulator/load/yaml_reader.h"

namespace rundrill::load {

// What every kind of input file shares: parse one YAML document, read it with `read`,
// report every error sorted by position, and hand back nothing half-loaded.
template <typename T>
std::optional<T> ParseDocumentWith(std::string_view text, const std::string& path,
                                   std::vector<Diagnostic>* errors,
                                   std::optional<T> (*read)(Reporter&, const YAML::Node&)) {
  Reporter reporter(path);
  std::optional<T> value;
  if (std::optional<YAML::Node> root = ParseDocument(reporter, text)) {
    value = read(reporter, *root);
  }
  if (reporter.has_errors()) value.reset();
  reporter.MoveSortedTo(errors);
  return value;
}

// Reads the file at `path` and parses it with `parse`; an unreadable file is one error.
template <typename T>
std::optional<T> LoadFileWith(const std::string& path, std::vector<Diagnostic>* errors,
                              std::optional<T> (*parse)(std::string_view, const std::string&,
                                                        std::vector<Diagnostic>*)) {
  std::string why;
  std::optional<std::string> text = ReadWholeFile(path, &why);
  if (!text) {
    errors->push_back(Diagnostic{model::SourceMark{path, 0, 0}, "cannot read file: " + why});
    return std::nullopt;
  }
  return parse(*text, path, errors);
}

}  // namespace rundrill::load
