#pragma once

// Internal to the loader: reading a step's `when:`.

#include <string>
#include <vector>

#include "simulator/load/yaml_reader.h"
#include "simulator/model/condition.h"

namespace rundrill::load {

// A step or capture a condition names. Whether it exists, and runs early enough, depends on
// the whole runbook, so the runbook loader checks these after reading every step.
struct ConditionRef {
  enum class Kind { kStep, kCapture };
  Kind kind = Kind::kStep;
  std::string name;
  model::SourceMark mark;  // of the name's value
  bool has_path = false;   // capture conditions: `path:` given (needs a json capture)
  model::SourceMark path_mark;
};

// Reads a condition (nested ones too) into `*out`, appending every reference to `*refs`.
// Errors are reported through `r`; `*out` is then incomplete and must not be used.
void ReadCondition(Reporter& r, const Field& f, model::Condition* out,
                   std::vector<ConditionRef>* refs);

// True for a JSON path like `items[0].status.phase` or `[2].name`: dot-separated names,
// each optionally followed by [index]es.
bool IsValidCapturePath(std::string_view path);

}  // namespace rundrill::load
