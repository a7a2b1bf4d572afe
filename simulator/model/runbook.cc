#include "simulator/model/runbook.h"

namespace rundrill::model {

std::string_view StepTypeName(StepType type) {
  switch (type) {
    case StepType::kCheck:
      return "check";
    case StepType::kAction:
      return "action";
    case StepType::kVerify:
      return "verify";
    case StepType::kNotify:
      return "notify";
    case StepType::kWait:
      return "wait";
  }
  return "check";
}

}  // namespace rundrill::model
