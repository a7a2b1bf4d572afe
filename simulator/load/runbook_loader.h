#pragma once

// Internal to the loader: reading a runbook from a parsed YAML document.

#include <yaml-cpp/yaml.h>

#include <optional>

#include "simulator/load/reporter.h"
#include "simulator/model/runbook.h"

namespace rundrill::load {

// Reads and validates a whole runbook document. Returns nullopt if `r` holds any error
// afterwards (so call it with a Reporter for this file alone).
std::optional<model::Runbook> ReadRunbook(Reporter& r, const YAML::Node& root);

}  // namespace rundrill::load
