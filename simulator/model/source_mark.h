#pragma once

#include <string>

namespace rundrill::model {

// Where a loaded value came from, so a check that fails long after loading can still point
// at `runbooks/db.yaml:12:5`. Lines and columns are 1-based; 0 means unknown.
struct SourceMark {
  std::string file;
  int line = 0;
  int column = 0;

  // "file:line:col" (or just "file" when the position is unknown).
  std::string ToString() const;
};

}  // namespace rundrill::model
