#include "simulator/load/loader.h"

namespace rundrill::load {

std::string Diagnostic::ToString() const { return mark.ToString() + ": " + message; }

}  // namespace rundrill::load
