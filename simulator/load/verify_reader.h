#pragma once

// Internal to the loader: the `verify:` block that runbooks and scenarios share,
// `verify: {ignore: [{path: ..., reason: ...}]}`.

#include "simulator/load/reporter.h"
#include "simulator/load/yaml_reader.h"
#include "simulator/model/verify_spec.h"

namespace rundrill::load {

// Reads `verify` from `root` when present.
void ReadVerify(Reporter& r, MapReader& root, model::VerifySpec* spec);

}  // namespace rundrill::load
