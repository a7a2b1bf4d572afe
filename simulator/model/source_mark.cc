#include "simulator/model/source_mark.h"

namespace rundrill::model {

std::string SourceMark::ToString() const {
  if (line == 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace rundrill::model
