#pragma once

#include <memory>
#include <string>
#include <vector>

#include "simulator/model/source_mark.h"

namespace rundrill::model {

// A step's `when:`. Structured rather than an expression language, so that lint and coverage
// can reason about branches. Exactly one kind is set.
struct Condition {
  enum class Kind {
    kStepOutcome,  // {step: id, outcome: succeeded|failed|skipped|timed_out}
    kCapture,      // {capture: name, path?: a.b[0],
                   // equals|not_equals|matches|exists|greater_than|less_than}
    kAll,          // {all: [conditions]}
    kAny,          // {any: [conditions]}
    kNot,          // {not: condition}
  };
  enum class Op { kEquals, kNotEquals, kMatches, kExists, kGreaterThan, kLessThan };

  Kind kind = Kind::kAll;
  SourceMark mark;

  // kStepOutcome
  std::string step;
  std::string outcome;

  // kCapture
  std::string capture;
  std::string path;  // dotted path into a JSON capture, "" for the whole value
  Op op = Op::kExists;
  std::string operand;  // string form; numbers compared numerically for greater/less

  // kAll / kAny / kNot (kNot has exactly one child)
  std::vector<Condition> children;
};

}  // namespace rundrill::model
