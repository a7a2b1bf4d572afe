#include "simulator/core/status.h"

namespace rundrill {

int Status::ExitCode() const {
  switch (code_) {
    case Code::kOk:
      return 0;
    case Code::kInvalidInput:
      return 2;
    case Code::kEnvironment:
    case Code::kInternal:
      return 3;
  }
  return 3;
}

}  // namespace rundrill
