#pragma once

// What a runbook or a scenario tells the verification checks: parts of the world they must
// not compare, each with the reason a reader of the report sees.

#include <string>
#include <vector>

#include "simulator/model/source_mark.h"

namespace rundrill::model {

struct IgnorePath {
  // A snapshot path whose segments may be `*` (one key or array element) or `**` (any run
  // of them): `kubernetes.namespaces.*.deployments.api.template_annotations.**`.
  std::string pattern;
  std::string reason;
  SourceMark mark;
};

struct VerifySpec {
  std::vector<IgnorePath> ignore;
};

}  // namespace rundrill::model
